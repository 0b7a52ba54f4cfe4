//! Judicial confirmation (司法确认): the courts eligible for a case, the parties' joint
//! application (sent by the mediator), and the court's decisions on it (R8–R14).
//!
//! Applications are addressed to one court; that court sees them (and their case), other courts
//! get 404. Each decision may carry `If-Match` with the application's version from its `ETag`.
mod wire;

use ipdr_domain::access::Principal;
use ipdr_domain::case::confirmation::{ApplicationAction, Approver, RefusalGround, RulingNumber};
use ipdr_domain::case::lifecycle::Reason;
use ipdr_domain::{ApplicationId, CaseId, OrganizationId, ValidationErrors};
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use uuid::Uuid;

pub use self::wire::*;
use super::ApiTags;
use super::cases::{etag, if_match};
use super::paging::{encode_cursor, page_request};
use super::wire::ApplicationStatusName;
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::service::application_views::{self, ApplicationEntry};
use crate::service::confirmations::ApplicationRequest;
use crate::state::AppState;

#[derive(Default)]
pub struct ConfirmationsApi;

const READ: u32 = status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND;
const DECIDE: u32 =
    READ | status::CONFLICT | status::PRECONDITION_FAILED | status::BAD_REQUEST | status::JSON_BODY;
const DECIDE_WITHOUT_BODY: u32 =
    READ | status::CONFLICT | status::PRECONDITION_FAILED | status::BAD_REQUEST;

fn reason(field: &str, text: &str) -> Result<Reason, ValidationErrors> {
    Reason::parse(text).map_err(|e| ValidationErrors::one(field, e))
}

fn found<const S: u32>(entry: ApplicationEntry) -> ApiResult<ApplicationFound, S> {
    let view = ApplicationView::from(entry);
    let tag = etag(view.version);
    Ok(ApplicationFound::Ok(Json(view), tag))
}

async fn decide<const S: u32>(
    state: &AppState,
    caller: &Principal,
    withdrawing: bool,
    id: Uuid,
    if_match_header: Option<&str>,
    action: Result<ApplicationAction, ValidationErrors>,
) -> ApiResult<ApplicationFound, S> {
    let if_match = if_match(if_match_header)?;
    let saved = application_views::decide(
        state,
        caller,
        withdrawing,
        ApplicationId::from(id),
        if_match,
        action,
    )
    .await?;
    found(saved)
}

#[OpenApi(tag = "ApiTags::Confirmations")]
impl ConfirmationsApi {
    /// List the courts eligible to confirm a case.
    ///
    /// R9: the referring court alone for a court-referred case; otherwise a court at the
    /// matter's level (intermediate or IP court for invention patents, utility models, plant
    /// varieties and IC layout designs; basic courts for the rest) with jurisdiction over the
    /// IP type where a party lives, the subject is, or the mediation body sits. R14:
    /// administrative mediation (`admin_*`) goes to the court with IP jurisdiction where the
    /// authority sits. Disabled courts are never eligible.
    #[oai(
        path = "/api/v1/cases/:id/eligible-courts",
        method = "get",
        operation_id = "list_eligible_courts"
    )]
    async fn list_eligible_courts(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<EligibleCourtsFound, READ> {
        let items = application_views::eligible_courts(&state, &caller.0, CaseId::from(id.0))
            .await?
            .into_iter()
            .filter_map(EligibleCourtView::new)
            .collect();
        Ok(EligibleCourtsFound::Ok(Json(EligibleCourts { items })))
    }

    /// Apply for judicial confirmation.
    ///
    /// The mediator sends the parties' joint application (R8: each party's consent recorded in
    /// `consents`) for a `settled` case to one of its eligible courts (R9, R14), within 30
    /// days of the agreement taking effect (a last day off moves to the next working day, R30).
    /// The application binds to the signed agreement's digest. Refused with
    /// `confirmation_window_closed` (R8), `ineligible_court` (R9), `not_confirmable` (R12: the
    /// agreement decides ownership or validity of an IP right), `joint_application_required`
    /// (R8), `application_pending`, `already_confirmed`. Opens the court's acceptance deadline
    /// (R10: 3 days; R14: 3 working days on `admin_*` tracks) and meets the R8 window.
    #[oai(
        path = "/api/v1/cases/:id/confirmation-applications",
        method = "post",
        operation_id = "apply_for_confirmation"
    )]
    async fn apply_for_confirmation(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<ApplyRequest>,
    ) -> ApiResult<ApplicationCreated, { READ | status::CONFLICT | status::JSON_BODY }> {
        let body = body.0;
        let entry = application_views::apply(
            &state,
            &caller.0,
            CaseId::from(id.0),
            ApplicationRequest {
                court_id: OrganizationId::from(body.court_id),
                consents: body.consents,
                note: body.note,
            },
        )
        .await?;
        let location = format!("/api/v1/confirmation-applications/{}", entry.application.id);
        let view = ApplicationView::from(entry);
        let tag = etag(view.version);
        Ok(ApplicationCreated::Created(Json(view), location, tag))
    }

    /// List a case's applications for confirmation.
    ///
    /// Oldest first. The case's mediators and auditors see every one; a court sees those
    /// addressed to it.
    #[oai(
        path = "/api/v1/cases/:id/confirmation-applications",
        method = "get",
        operation_id = "list_case_applications"
    )]
    async fn list_case_applications(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<ApplicationList, READ> {
        let items = application_views::of_case(&state, &caller.0, CaseId::from(id.0)).await?;
        Ok(ApplicationList::Ok(Json(ApplicationPage {
            items: items.into_iter().map(Into::into).collect(),
            next_cursor: None,
        })))
    }

    /// List applications for confirmation.
    ///
    /// A court's inbox: the applications addressed to the caller's court. For mediators and
    /// auditors: those of their organisation's cases. Newest first; `status` filters
    /// (`submitted` for those awaiting acceptance).
    #[oai(
        path = "/api/v1/confirmation-applications",
        method = "get",
        operation_id = "list_applications"
    )]
    async fn list_applications(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        status: Query<Option<ApplicationStatusName>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<
        ApplicationList,
        { status::AUTHENTICATED | status::FORBIDDEN | status::BAD_REQUEST },
    > {
        application_views::may_list(&caller.0)?;
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let found =
            application_views::list(&state, &caller.0, status.0.map(Into::into), page).await?;
        Ok(ApplicationList::Ok(Json(ApplicationPage {
            items: found.items.into_iter().map(Into::into).collect(),
            next_cursor: found.next_after.map(encode_cursor),
        })))
    }

    /// Read an application for confirmation.
    ///
    /// With the agreement under review (for the court and the mediators; exactly the signed
    /// text whose digest the application carries) and the technical opinions the caller may
    /// read (R23). Other courts: 404.
    #[oai(
        path = "/api/v1/confirmation-applications/:id",
        method = "get",
        operation_id = "get_application"
    )]
    async fn get_application(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<ApplicationFound, READ> {
        let detail = application_views::get(&state, &caller.0, ApplicationId::from(id.0)).await?;
        let view = ApplicationView::from(detail);
        let tag = etag(view.version);
        Ok(ApplicationFound::Ok(Json(view), tag))
    }

    /// Accept an application.
    ///
    /// The addressed court only. `submitted` → `accepted`; meets the acceptance deadline and
    /// opens the ruling deadline: 15 days from today (R10). Accepting late is possible; the
    /// deadline shows overdue.
    #[oai(
        path = "/api/v1/confirmation-applications/:id/accept",
        method = "post",
        operation_id = "accept_application"
    )]
    async fn accept_application(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
    ) -> ApiResult<ApplicationFound, DECIDE_WITHOUT_BODY> {
        decide(
            &state,
            &caller.0,
            false,
            id.0,
            version.0.as_deref(),
            Ok(ApplicationAction::Accept),
        )
        .await
    }

    /// Refuse to accept an application.
    ///
    /// The addressed court only. `submitted` → `not_accepted` (不予受理), with the reason (for
    /// instance a matter outside its jurisdiction, R12).
    #[oai(
        path = "/api/v1/confirmation-applications/:id/refuse-acceptance",
        method = "post",
        operation_id = "refuse_acceptance"
    )]
    async fn refuse_acceptance(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<ApplicationReason>,
    ) -> ApiResult<ApplicationFound, DECIDE> {
        let action = reason("reason", &body.0.reason)
            .map(|reason| ApplicationAction::RefuseAcceptance { reason });
        decide(&state, &caller.0, false, id.0, version.0.as_deref(), action).await
    }

    /// Extend the review by 10 days.
    ///
    /// The addressed court only, once, while `accepted`: the ruling deadline becomes 25 days
    /// from acceptance (R10), recording who approved it (the court president).
    #[oai(
        path = "/api/v1/confirmation-applications/:id/extend",
        method = "post",
        operation_id = "extend_review"
    )]
    async fn extend_review(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<ExtendRequest>,
    ) -> ApiResult<ApplicationFound, DECIDE> {
        let body = body.0;
        let mut errors = ValidationErrors::default();
        let approved_by = errors.check("approved_by", Approver::parse(&body.approved_by));
        let why = errors.check("reason", Reason::parse(&body.reason));
        let action = match (approved_by, why) {
            (Some(approved_by), Some(reason)) => Ok(ApplicationAction::Extend {
                approved_by,
                reason,
            }),
            _ => Err(errors),
        };
        decide(&state, &caller.0, false, id.0, version.0.as_deref(), action).await
    }

    /// Confirm the agreement.
    ///
    /// The addressed court only, while `accepted`: the ruling's number and date (between the
    /// acceptance and today). The case becomes enforceable. Ruling after the deadline is
    /// possible; the deadline stays overdue until then.
    #[oai(
        path = "/api/v1/confirmation-applications/:id/confirm",
        method = "post",
        operation_id = "confirm_agreement"
    )]
    async fn confirm_agreement(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<ConfirmRequest>,
    ) -> ApiResult<ApplicationFound, DECIDE> {
        let body = body.0;
        let action = RulingNumber::parse(&body.ruling_number)
            .map(|ruling_number| ApplicationAction::Confirm {
                ruling_number,
                ruling_date: body.ruling_date,
            })
            .map_err(|e| ValidationErrors::one("ruling_number", e));
        decide(&state, &caller.0, false, id.0, version.0.as_deref(), action).await
    }

    /// Refuse to confirm the agreement.
    ///
    /// The addressed court only, while `accepted`, naming one R13 ground (required): the
    /// agreement breaks mandatory law, harms state, public or third-party interests, offends
    /// public order, was not voluntary, or is unclear. The parties may then amend the agreement
    /// and mediate again (`reopen-mediation`), or litigate.
    #[oai(
        path = "/api/v1/confirmation-applications/:id/refuse",
        method = "post",
        operation_id = "refuse_confirmation"
    )]
    async fn refuse_confirmation(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<RefuseRequest>,
    ) -> ApiResult<ApplicationFound, DECIDE> {
        let body = body.0;
        let mut errors = ValidationErrors::default();
        let ground = errors.check(
            "ground",
            RefusalGround::required(body.ground.map(Into::into)),
        );
        let why = body
            .reason
            .as_deref()
            .and_then(|r| errors.check("reason", Reason::parse(r)));
        let action = match ground {
            Some(ground) if errors.is_empty() => Ok(ApplicationAction::Refuse {
                ground,
                reason: why,
            }),
            _ => Err(errors),
        };
        decide(&state, &caller.0, false, id.0, version.0.as_deref(), action).await
    }

    /// Withdraw an application.
    ///
    /// The mediators of the handling organisation, on the applicants' behalf, before the
    /// ruling (R10): `submitted` or `accepted` → `withdrawn`.
    #[oai(
        path = "/api/v1/confirmation-applications/:id/withdraw",
        method = "post",
        operation_id = "withdraw_application"
    )]
    async fn withdraw_application(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<ApplicationReason>,
    ) -> ApiResult<ApplicationFound, DECIDE> {
        let action =
            reason("reason", &body.0.reason).map(|reason| ApplicationAction::Withdraw { reason });
        decide(&state, &caller.0, true, id.0, version.0.as_deref(), action).await
    }
}
