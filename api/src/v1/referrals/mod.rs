//! `/api/v1/referrals`: referrals to and from partner cities (R26, R28). Liaison officers named
//! on the agreement and mediators send them; the receiving node's liaison officers answer them.
//! Every step reaches the partner through the federation outbox within seconds.
use ipdr_domain::OrganizationId;
use ipdr_domain::access::Principal;
use ipdr_domain::referral::{Direction, ReferralStatus};
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::{ParseFromJSON, ToJSON};
use uuid::Uuid;

pub mod requests;
pub mod views;

use super::ApiTags;
use super::cases::{etag, if_match};
use super::paging::{encode_cursor, page_request};
use super::wire::{DirectionName, ReferralStatusName};
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::federation::message::Step;
use crate::idempotency;
use crate::problem::ApiProblem;
use crate::service::referrals::{self as service, OpenCase, ReferralFilter, Sending};
use crate::state::AppState;
use requests::text;
pub use requests::{
    AcceptRequest, AnswerRequest, DeclineRequest, OpenCaseRequest, OutcomeRequest, ProgressRequest,
    QuestionRequest, SendReferralRequest,
};
pub use views::{
    ReferralDeadlineView, ReferralDocumentView, ReferralEventView, ReferralFound, ReferralList,
    ReferralPage, ReferralPartyView, ReferralSent, ReferralView,
};

#[derive(Default)]
pub struct ReferralsApi;

const STEP: u32 = status::AUTHENTICATED
    | status::FORBIDDEN
    | status::NOT_FOUND
    | status::CONFLICT
    | status::PRECONDITION_FAILED
    | status::BAD_REQUEST;
const STEP_WITH_BODY: u32 = STEP | status::JSON_BODY;

async fn step(
    state: &AppState,
    caller: &Principal,
    id: Uuid,
    version: Option<&str>,
    step: Result<Step, ApiProblem>,
    open_case: Option<OpenCase>,
) -> Result<ReferralFound, ApiProblem> {
    let if_match = if_match(version)?;
    let step = step?;
    let detail = service::take_referral_step(state, caller, id, if_match, step, open_case).await?;
    let view = views::detail_view(detail, state.clock.today());
    let tag = etag(view.version);
    Ok(ReferralFound::Ok(Json(view), tag))
}

#[OpenApi(prefix_path = "/api/v1/referrals", tag = "ApiTags::Referrals")]
impl ReferralsApi {
    /// Send a referral to a partner node.
    ///
    /// Liaison officers and mediators. The agreement must be active, valid today, cover the
    /// `kind` and the IP type, and its partner must be registered here; otherwise 422 names the
    /// clause (`agreement.status`, `agreement.valid_from`, `agreement.kinds`,
    /// `agreement.ip_types`) or `agreement_id`. Nothing is stored or sent then. The referral
    /// opens the agreement's acknowledge and decide clocks (R28; R26 for `crime_transfer`).
    /// Send an `Idempotency-Key` to make retries safe.
    #[oai(path = "/", method = "post", operation_id = "send_referral")]
    async fn send_referral(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        #[oai(name = "Idempotency-Key")] idempotency_key: Header<Option<String>>,
        body: JsonBody<SendReferralRequest>,
    ) -> ApiResult<
        ReferralSent,
        {
            status::AUTHENTICATED
                | status::FORBIDDEN
                | status::NOT_FOUND
                | status::JSON_BODY
                | status::CONFLICT
        },
    > {
        let caller = caller.0;
        service::may_send(&caller)?;
        let key = idempotency::parse_key(idempotency_key.0.as_deref())?;
        let request = body.0;
        let fingerprint = idempotency::fingerprint(&request);
        let state = *state;
        let answer = idempotency::once(
            state,
            caller.account_id,
            key,
            "send_referral",
            &fingerprint,
            async |txn| {
                let sending = Sending::from(&request);
                let detail = service::send_referral(txn, state, &caller, sending).await?;
                let view = views::detail_view(detail, state.clock.today());
                view.to_json().ok_or_else(ApiProblem::internal)
            },
        )
        .await?;
        state.outbox_wake.notify_one();
        let view =
            ReferralView::parse_from_json(Some(answer)).map_err(|_| ApiProblem::internal())?;
        let location = format!("/api/v1/referrals/{}", view.id);
        let tag = etag(view.version);
        Ok(ReferralSent::Created(Json(view), location, tag))
    }

    /// List referrals.
    ///
    /// Liaison officers see the referrals under the agreements naming them and those they sent;
    /// mediators those they sent and those about their organisation's cases. Filters:
    /// `direction`, `status`, `overdue` (a clock past its last day). Oldest first, pages of
    /// `limit` (1–100, default 50) continued with `cursor`.
    #[oai(path = "/", method = "get", operation_id = "list_referrals")]
    #[allow(
        clippy::too_many_arguments,
        reason = "poem-openapi takes one argument per query parameter"
    )]
    async fn list_referrals(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        direction: Query<Option<DirectionName>>,
        status: Query<Option<ReferralStatusName>>,
        overdue: Query<Option<bool>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<ReferralList, { status::AUTHENTICATED | status::FORBIDDEN | status::BAD_REQUEST }>
    {
        let caller = caller.0;
        let page = page_request(limit.0, cursor.0.as_deref());
        let today = state.clock.today();
        let filter = ReferralFilter {
            direction: direction.0.map(Direction::from),
            status: status.0.map(ReferralStatus::from),
            overdue_on: overdue.0.filter(|o| *o).map(|_| today),
        };
        let found = service::list_referrals(&state, &caller, &filter, page).await?;
        let items = found
            .items
            .into_iter()
            .map(|listed| views::view_of(listed.referral, listed.clocks, None, today))
            .collect();
        Ok(ReferralList::Ok(Json(ReferralPage {
            items,
            next_cursor: found.next_after.map(encode_cursor),
        })))
    }

    /// Read a referral.
    ///
    /// With its timeline (the same steps on both nodes) and its clocks: due days, met, paused,
    /// overdue, escalated.
    #[oai(path = "/:id", method = "get", operation_id = "get_referral")]
    async fn get_referral(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<ReferralFound, { status::AUTHENTICATED | status::NOT_FOUND | status::FORBIDDEN }>
    {
        let detail = service::read_referral(&state, &caller.0, id.0).await?;
        let view = views::detail_view(detail, state.clock.today());
        let tag = etag(view.version);
        Ok(ReferralFound::Ok(Json(view), tag))
    }

    /// Acknowledge a received referral.
    ///
    /// Receiving node's liaison officers. Meets the acknowledge clock (R28).
    #[oai(
        path = "/:id/acknowledge",
        method = "post",
        operation_id = "acknowledge_referral"
    )]
    async fn acknowledge_referral(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
    ) -> ApiResult<ReferralFound, STEP> {
        Ok(step(
            &state,
            &caller.0,
            id.0,
            version.0.as_deref(),
            Ok(Step::Acknowledged),
            None,
        )
        .await?)
    }

    /// Ask the sending node for information.
    ///
    /// The decision clock pauses until the information arrives.
    #[oai(
        path = "/:id/request-information",
        method = "post",
        operation_id = "request_referral_information"
    )]
    async fn request_referral_information(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<QuestionRequest>,
    ) -> ApiResult<ReferralFound, STEP_WITH_BODY> {
        let question = text("question", &body.0.question, 2000)
            .map(|question| Step::InformationRequested { question });
        Ok(step(
            &state,
            &caller.0,
            id.0,
            version.0.as_deref(),
            question,
            None,
        )
        .await?)
    }

    /// Supply requested information.
    ///
    /// The sending node answers the receiver's question; the receiver's decision clock resumes
    /// with the days it had left.
    #[oai(
        path = "/:id/provide-information",
        method = "post",
        operation_id = "provide_referral_information"
    )]
    async fn provide_referral_information(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<AnswerRequest>,
    ) -> ApiResult<ReferralFound, STEP_WITH_BODY> {
        let answer =
            text("answer", &body.0.answer, 2000).map(|answer| Step::InformationProvided { answer });
        Ok(step(&state, &caller.0, id.0, version.0.as_deref(), answer, None).await?)
    }

    /// Accept a received referral, optionally opening a local case linked to it.
    ///
    /// Meets the acknowledge and decide clocks and starts the report clock (R28); a crime
    /// transfer starts the 24-hour transfer to the police (R26).
    #[oai(
        path = "/:id/accept",
        method = "post",
        operation_id = "accept_referral"
    )]
    async fn accept_referral(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<AcceptRequest>,
    ) -> ApiResult<ReferralFound, STEP_WITH_BODY> {
        let open_case = body.0.open_case.map(|o| OpenCase {
            organization_id: OrganizationId::from(o.organization_id),
            track: o.track.into(),
            city: o.city.unwrap_or_else(|| state.node.city.clone()),
        });
        Ok(step(
            &state,
            &caller.0,
            id.0,
            version.0.as_deref(),
            Ok(Step::Accepted { case_number: None }),
            open_case,
        )
        .await?)
    }

    /// Decline a received referral.
    ///
    /// With a reason: `no_jurisdiction`, `out_of_scope` or `duplicate`. Final.
    #[oai(
        path = "/:id/decline",
        method = "post",
        operation_id = "decline_referral"
    )]
    async fn decline_referral(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<DeclineRequest>,
    ) -> ApiResult<ReferralFound, STEP_WITH_BODY> {
        let note = body
            .0
            .note
            .as_deref()
            .map(|n| text("note", n, 2000))
            .transpose();
        let declined = note.map(|note| Step::Declined {
            reason: ipdr_domain::referral::DeclineReason::from(body.0.reason)
                .as_str()
                .to_owned(),
            note,
        });
        Ok(step(
            &state,
            &caller.0,
            id.0,
            version.0.as_deref(),
            declined,
            None,
        )
        .await?)
    }

    /// Report progress on an accepted referral.
    ///
    /// Meets and restarts the report clock (R28); a crime transfer's `milestone` moves its R26
    /// clocks.
    #[oai(
        path = "/:id/progress",
        method = "post",
        operation_id = "report_referral_progress"
    )]
    async fn report_referral_progress(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<ProgressRequest>,
    ) -> ApiResult<ReferralFound, STEP_WITH_BODY> {
        let milestone = body.0.milestone.map(|m| {
            ipdr_domain::referral::Milestone::from(m)
                .as_str()
                .to_owned()
        });
        let progress =
            text("note", &body.0.note, 2000).map(|note| Step::ProgressReported { note, milestone });
        Ok(step(
            &state,
            &caller.0,
            id.0,
            version.0.as_deref(),
            progress,
            None,
        )
        .await?)
    }

    /// Report the outcome of an accepted referral.
    ///
    /// `mediated`, `penalised`, `confirmed_by_court`, `closed` or `transferred`. Final; meets
    /// every clock.
    #[oai(
        path = "/:id/outcome",
        method = "post",
        operation_id = "report_referral_outcome"
    )]
    async fn report_referral_outcome(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<OutcomeRequest>,
    ) -> ApiResult<ReferralFound, STEP_WITH_BODY> {
        let note = body
            .0
            .note
            .as_deref()
            .map(|n| text("note", n, 2000))
            .transpose();
        let outcome = note.map(|note| Step::OutcomeReported {
            outcome: ipdr_domain::referral::Outcome::from(body.0.outcome)
                .as_str()
                .to_owned(),
            note,
        });
        Ok(step(&state, &caller.0, id.0, version.0.as_deref(), outcome, None).await?)
    }
}
