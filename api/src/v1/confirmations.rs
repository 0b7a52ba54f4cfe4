//! Judicial confirmation (司法确认): the courts eligible for a case, the parties' joint
//! application (sent by the mediator), and the court's decisions on it (R8–R14).
//!
//! Applications are addressed to one court; that court sees them (and their case), other courts
//! get 404. Each decision may carry `If-Match` with the application's version from its `ETag`.
use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::access::{Action, Decision, Principal, Resource, authorize};
use ipdr_domain::account::Role;
use ipdr_domain::case::confirmation::{Application, ApplicationAction, Approver, RulingNumber};
use ipdr_domain::case::deadlines::DeadlineRule;
use ipdr_domain::case::lifecycle::Reason;
use ipdr_domain::validation::Invalid;
use ipdr_domain::{ApplicationId, CaseId, OrganizationId, ValidationErrors};
use ipdr_persistence::repo::cases::confirmations::{self, ApplicationScope};
use ipdr_persistence::repo::cases::{agreement, deadlines};
use poem::web::Data;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

use super::ApiTags;
use super::cases::opinions::OpinionView;
use super::cases::views::DeadlineView;
use super::cases::{etag, if_match};
use super::paging::{encode_cursor, page_request};
use super::wire::{
    ApplicationStatusName, CourtLevelName, EligibilityGroundName, RefusalGroundName,
};
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::problem::ApiProblem;
use crate::service;
use crate::service::confirmations::ApplicationRequest;
use crate::service::error::AppError;
use crate::service::error::permit;
use crate::state::AppState;

#[derive(Default)]
pub struct ConfirmationsApi;

/// A court eligible to confirm a case's agreement.
#[derive(Object)]
pub struct EligibleCourtView {
    pub court_id: Uuid,
    pub code: String,
    pub name: String,
    pub level: CourtLevelName,
    pub city: String,
    /// Why it is eligible (R9, R14).
    pub grounds: Vec<EligibilityGroundName>,
}

/// The courts eligible for a case.
#[derive(Object)]
pub struct EligibleCourts {
    pub items: Vec<EligibleCourtView>,
}

#[derive(ApiResponse)]
pub enum EligibleCourtsFound {
    /// The eligible courts, in the order the instance lists its courts.
    #[oai(status = 200)]
    Ok(Json<EligibleCourts>),
}

/// The parties' joint application for judicial confirmation (R8).
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    /// One of the case's eligible courts (`GET /api/v1/cases/{id}/eligible-courts`).
    pub court_id: Uuid,
    /// The parties (by number) whose consent to apply jointly is recorded: every party.
    pub consents: Vec<u32>,
    /// For the court, at most 2000 characters.
    #[serde(default)]
    pub note: Option<String>,
}

/// R10: the extension of the review by 10 days and who approved it.
#[derive(Object)]
pub struct ExtensionView {
    /// The court president (or deputy) who approved it, by name.
    pub approved_by: String,
    pub reason: String,
}

/// The agreement the court reviews: exactly what the parties signed.
#[derive(Object)]
pub struct ReviewedAgreement {
    /// SHA-256 of `text`, equal to the application's `agreement_digest`.
    pub digest: String,
    pub text: String,
    pub terms: Vec<String>,
    pub decides_ownership_or_validity: bool,
    #[oai(skip_serializing_if_is_none)]
    pub effective_at: Option<DateTime<Utc>>,
}

/// An application for judicial confirmation.
#[derive(Object)]
pub struct ApplicationView {
    pub id: Uuid,
    pub case_id: Uuid,
    /// The court it is addressed to.
    pub court_id: Uuid,
    /// The mediation organisation handling the case.
    pub organization_id: Uuid,
    pub status: ApplicationStatusName,
    /// SHA-256 of the signed agreement the application is for.
    pub agreement_digest: String,
    /// The parties whose consent to the joint application was recorded (R8).
    pub consents: Vec<u32>,
    #[oai(skip_serializing_if_is_none)]
    pub note: Option<String>,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub accepted_on: Option<NaiveDate>,
    #[oai(skip_serializing_if_is_none)]
    pub extension: Option<ExtensionView>,
    #[oai(skip_serializing_if_is_none)]
    pub ruling_number: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub ruling_date: Option<NaiveDate>,
    /// R13: why confirmation was refused.
    #[oai(skip_serializing_if_is_none)]
    pub refusal_ground: Option<RefusalGroundName>,
    /// Why acceptance was refused, it was withdrawn or voided; the refusal's words.
    #[oai(skip_serializing_if_is_none)]
    pub reason: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub ended_at: Option<DateTime<Utc>>,
    /// The court's R10 deadlines: acceptance (3 days; 3 working days on `admin_*` tracks) and
    /// the ruling (15 days from acceptance, 25 with the extension).
    pub deadlines: Vec<DeadlineView>,
    /// Reading one application: the agreement under review, for those who may read it (the
    /// court, the mediators), while it is still the case's agreement.
    #[oai(skip_serializing_if_is_none)]
    pub agreement: Option<ReviewedAgreement>,
    /// Reading one application: the technical opinions the caller may read (R23).
    #[oai(skip_serializing_if_is_none)]
    pub technical_opinions: Option<Vec<OpinionView>>,
    /// For `If-Match`.
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// Applications, newest first.
#[derive(Object)]
pub struct ApplicationPage {
    pub items: Vec<ApplicationView>,
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

#[derive(ApiResponse)]
pub enum ApplicationCreated {
    /// Sent to the court.
    #[oai(status = 201)]
    Created(
        Json<ApplicationView>,
        /// Where the application can be read.
        #[oai(header = "Location")]
        String,
        /// The application's version, for `If-Match`.
        #[oai(header = "ETag")]
        String,
    ),
}

#[derive(ApiResponse)]
pub enum ApplicationFound {
    /// The application.
    #[oai(status = 200)]
    Ok(
        Json<ApplicationView>,
        /// The application's version, for `If-Match`.
        #[oai(header = "ETag")]
        String,
    ),
}

#[derive(ApiResponse)]
pub enum ApplicationList {
    /// Applications, newest first.
    #[oai(status = 200)]
    Ok(Json<ApplicationPage>),
}

/// A reason, in words.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ApplicationReason {
    /// 1 to 2000 characters.
    pub reason: String,
}

/// R10: who approved the extension and why.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ExtendRequest {
    /// The approving court president, by name (1 to 100 characters).
    pub approved_by: String,
    pub reason: String,
}

/// The confirming ruling (裁定).
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    /// The ruling's number, e.g. `（2026）辽0211民特12号`, 1 to 64 characters.
    pub ruling_number: String,
    /// Between the acceptance and today.
    pub ruling_date: NaiveDate,
}

/// The refusing ruling.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct RefuseRequest {
    /// Required: one of the R13 grounds.
    #[serde(default)]
    pub ground: Option<RefusalGroundName>,
    /// The ruling's words, at most 2000 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

const READ: u32 = status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND;
const DECIDE: u32 =
    READ | status::CONFLICT | status::PRECONDITION_FAILED | status::BAD_REQUEST | status::JSON_BODY;
const DECIDE_WITHOUT_BODY: u32 =
    READ | status::CONFLICT | status::PRECONDITION_FAILED | status::BAD_REQUEST;

fn reason(field: &str, text: &str) -> Result<Reason, ValidationErrors> {
    Reason::parse(text).map_err(|e| ValidationErrors::one(field, e))
}

fn view(application: Application, deadlines: Vec<DeadlineView>) -> ApplicationView {
    ApplicationView {
        id: application.id.as_uuid(),
        case_id: application.case_id.as_uuid(),
        court_id: application.court_id.as_uuid(),
        organization_id: application.organization_id.as_uuid(),
        status: application.status.into(),
        agreement_digest: application.agreement_digest,
        consents: application.consents,
        note: application.note,
        submitted_by: application.submitted_by.as_uuid(),
        submitted_at: application.submitted_at,
        accepted_on: application.accepted_on,
        extension: application.extension.map(|e| ExtensionView {
            approved_by: e.approved_by,
            reason: e.reason,
        }),
        ruling_number: application.ruling_number,
        ruling_date: application.ruling_date,
        refusal_ground: application.refusal_ground.map(Into::into),
        reason: application.reason,
        ended_at: application.ended_at,
        deadlines,
        agreement: None,
        technical_opinions: None,
        version: application.version,
        updated_at: application.updated_at,
    }
}

/// The views of `applications` with their own R10 deadlines, read in one query.
async fn with_deadlines_all(
    state: &AppState,
    applications: Vec<Application>,
) -> Result<Vec<ApplicationView>, ApiProblem> {
    let cases: Vec<CaseId> = applications.iter().map(|a| a.case_id).collect();
    let all = deadlines::of_rule_on_cases(&state.db, DeadlineRule::R10, &cases).await?;
    let today = state.clock.today();
    Ok(applications
        .into_iter()
        .map(|application| {
            let prefix = format!("{}/", application.id);
            let own = all
                .iter()
                .filter(|d| d.subject.as_deref().is_some_and(|s| s.starts_with(&prefix)))
                .map(|d| DeadlineView::new(d.clone(), today))
                .collect();
            view(application, own)
        })
        .collect())
}

/// The view of one application with its R10 deadlines.
async fn with_deadlines(
    state: &AppState,
    application: Application,
) -> Result<ApplicationView, ApiProblem> {
    with_deadlines_all(state, vec![application])
        .await?
        .pop()
        .ok_or_else(ApiProblem::internal)
}

async fn found<const S: u32>(
    state: &AppState,
    application: Application,
) -> ApiResult<ApplicationFound, S> {
    let view = with_deadlines(state, application).await?;
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
    let saved = service::confirmations::act(
        state,
        caller,
        withdrawing,
        ApplicationId::from(id),
        if_match,
        action,
    )
    .await?;
    found(state, saved).await
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
        let case =
            service::cases::authorized(&state, &caller.0, CaseId::from(id.0), Action::Read).await?;
        let items = service::confirmations::eligible(&state.db, &case)
            .await?
            .into_iter()
            .filter_map(|e| {
                Some(EligibleCourtView {
                    court_id: e.court.id.as_uuid(),
                    code: e.court.code.as_str().to_owned(),
                    name: e.court.name.as_str().to_owned(),
                    level: e.court.kind.court_level()?.into(),
                    city: e.court.city.as_str().to_owned(),
                    grounds: e.grounds.into_iter().map(Into::into).collect(),
                })
            })
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
        let application = service::confirmations::submit(
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
        let location = format!("/api/v1/confirmation-applications/{}", application.id);
        let view = with_deadlines(&state, application).await?;
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
        let caller = caller.0;
        let case =
            service::cases::authorized(&state, &caller, CaseId::from(id.0), Action::Read).await?;
        let reference = service::cases::case_ref(&state.db, &caller, &case).await?;
        let readable: Vec<Application> = confirmations::of_case(&state.db, case.id)
            .await?
            .into_iter()
            .filter(|application| {
                let resource = Resource::Application {
                    case: reference,
                    court_id: application.court_id,
                };
                authorize(&caller, Action::Read, &resource) == Decision::Allow
            })
            .collect();
        let items = with_deadlines_all(&state, readable).await?;
        Ok(ApplicationList::Ok(Json(ApplicationPage {
            items,
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
        let caller = caller.0;
        permit(authorize(&caller, Action::List, &Resource::Applications))?;
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let scope = if caller.role == Role::Court {
            ApplicationScope::Court(caller.organization_id)
        } else {
            ApplicationScope::Organization(caller.organization_id)
        };
        let found = confirmations::list(&state.db, scope, status.0.map(Into::into), page).await?;
        let items = with_deadlines_all(&state, found.items).await?;
        Ok(ApplicationList::Ok(Json(ApplicationPage {
            items,
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
        let caller = caller.0;
        let (application, case) = service::confirmations::authorized_application(
            &state,
            &caller,
            ApplicationId::from(id.0),
            Action::Read,
        )
        .await?;
        let reference = service::cases::case_ref(&state.db, &caller, &case).await?;
        let reads_agreement = authorize(&caller, Action::ReadAgreement, &Resource::Case(reference))
            == Decision::Allow;
        let agreement = if reads_agreement {
            agreement::get(&state.db, case.id)
                .await?
                .filter(|a| a.digest == application.agreement_digest)
                .map(|a| ReviewedAgreement {
                    digest: a.digest,
                    text: a.content.text,
                    terms: a.content.terms,
                    decides_ownership_or_validity: a.content.decides_ownership_or_validity,
                    effective_at: a.effective_at,
                })
        } else {
            None
        };
        let opinions = match service::opinions::readable(&state, &caller, case.id).await {
            Ok((_, opinions)) => opinions.into_iter().map(Into::into).collect(),
            Err(AppError::NotFound) => vec![],
            Err(e) => return Err(e.into()),
        };
        let mut view = with_deadlines(&state, application).await?;
        view.agreement = agreement;
        view.technical_opinions = Some(opinions);
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
        if body.ground.is_none() {
            errors.push(
                "ground",
                Invalid::new(
                    "required",
                    "R13: a refusal names its ground (violates_mandatory_law, harms_state_interest, harms_public_interest, harms_third_party_interest, offends_public_order, not_voluntary, unclear_content)",
                ),
            );
        }
        let why = body
            .reason
            .as_deref()
            .and_then(|r| errors.check("reason", Reason::parse(r)));
        let action = match body.ground {
            Some(ground) if errors.is_empty() => Ok(ApplicationAction::Refuse {
                ground: ground.into(),
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
