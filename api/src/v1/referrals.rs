//! `/api/v1/referrals`: referrals to and from partner cities (R26, R28). Liaison officers named
//! on the agreement and mediators send them; the receiving node's liaison officers answer them.
//! Every step reaches the partner through the federation outbox within seconds.
use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::access::{Action, Principal, Resource, authorize};
use ipdr_domain::referral::{Direction, ReferralStatus};
use ipdr_domain::{CaseId, OrganizationId};
use ipdr_persistence::repo::federation::agreements;
use ipdr_persistence::repo::federation::referrals::{
    self as repo, Referral, ReferralFilter, ReferralParty, Visible,
};
use poem::web::Data;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::{ParseFromJSON, ToJSON};
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ApiTags;
use super::cases::{etag, if_match};
use super::paging::{encode_cursor, page_request};
use super::wire::{
    ClockStateName, DeclineReasonName, DirectionName, IpTypeName, MilestoneName, OutcomeName,
    ReferralKindName, ReferralStatusName, TrackName,
};
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::federation::message::Step;
use crate::idempotency;
use crate::problem::ApiProblem;
use crate::service::error::permit;
use crate::service::referrals::{self as service, OpenCase, Sending};
use crate::state::AppState;

#[derive(Default)]
pub struct ReferralsApi;

/// A party as a referral carries it: no identity numbers, phones or addresses.
#[derive(Object, Deserialize, Serialize, Clone)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ReferralPartyView {
    /// `applicant` or `respondent`.
    pub side: String,
    /// `person` or `organization`.
    pub kind: String,
    pub name: String,
    /// Organisations: the unified social credit code (GB 32100).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub credit_code: Option<String>,
}

/// A document a referral names by its digest (the content stays with the sender).
#[derive(Object)]
pub struct ReferralDocumentView {
    pub name: String,
    pub sha256: String,
    pub size: i64,
}

/// One step on a referral's timeline, the same on both nodes.
#[derive(Object)]
pub struct ReferralEventView {
    pub at: DateTime<Utc>,
    /// The local date of the step, from which the clocks count.
    pub on: NaiveDate,
    /// The node that took the step.
    pub node: String,
    pub role: String,
    pub step: String,
    /// The step's reason, note, question, answer, outcome or milestone.
    pub detail: serde_json::Value,
}

/// One clock of a referral.
#[derive(Object)]
pub struct ReferralDeadlineView {
    /// `acknowledge`, `decide`, `report` (R28, the agreement's working days) or
    /// `r26_decision`, `r26_police_transfer`, `r26_police_decision` (R26).
    pub clock: String,
    pub rule: String,
    pub starts_on: NaiveDate,
    pub due_on: NaiveDate,
    #[oai(skip_serializing_if_is_none)]
    pub met_on: Option<NaiveDate>,
    /// Paused while information is awaited.
    #[oai(skip_serializing_if_is_none)]
    pub paused_on: Option<NaiveDate>,
    /// Where the clock stands today.
    pub state: ClockStateName,
    /// Past its last day and still running (`state` is `overdue`).
    pub overdue: bool,
    /// The day the breach was escalated to the liaison officers.
    #[oai(skip_serializing_if_is_none)]
    pub escalated_on: Option<NaiveDate>,
}

/// A referral as this node holds it.
#[derive(Object)]
pub struct ReferralView {
    /// The same id on both nodes.
    pub id: Uuid,
    pub direction: DirectionName,
    /// The other node.
    pub partner_node: String,
    pub agreement_code: String,
    pub kind: ReferralKindName,
    pub ip_type: IpTypeName,
    #[oai(skip_serializing_if_is_none)]
    pub right_identifier: Option<String>,
    pub summary: String,
    pub parties: Vec<ReferralPartyView>,
    pub documents: Vec<ReferralDocumentView>,
    /// The local case it concerns (sent from, or opened on acceptance).
    #[oai(skip_serializing_if_is_none)]
    pub case_id: Option<Uuid>,
    /// The receiving node's reference of the case it opened.
    #[oai(skip_serializing_if_is_none)]
    pub partner_case_reference: Option<String>,
    pub sent_on: NaiveDate,
    pub status: ReferralStatusName,
    #[oai(skip_serializing_if_is_none)]
    pub decline_reason: Option<DeclineReasonName>,
    #[oai(skip_serializing_if_is_none)]
    pub outcome: Option<OutcomeName>,
    /// A clock is past its last day.
    pub overdue: bool,
    pub version: i64,
    pub clocks: Vec<ReferralDeadlineView>,
    /// Absent in lists.
    #[oai(skip_serializing_if_is_none)]
    pub events: Option<Vec<ReferralEventView>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One page of referrals.
#[derive(Object)]
pub struct ReferralPage {
    pub items: Vec<ReferralView>,
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

/// A referral to send.
#[derive(Object, Deserialize, Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct SendReferralRequest {
    /// The cooperation agreement (this node's copy) it is sent under; its partner receives it.
    pub agreement_id: Uuid,
    pub kind: ReferralKindName,
    /// What the partner is asked to do and why, at most 2000 characters.
    pub summary: String,
    /// A local case it concerns: the IP type, right, parties' names and credit codes and the
    /// documents' digests are taken from it (never identity numbers, contacts, the technical
    /// opinion or the settlement agreement).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub case_id: Option<Uuid>,
    /// Without a case: required.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub ip_type: Option<IpTypeName>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub right_identifier: Option<String>,
    /// Without a case: 1 to 20 parties.
    #[oai(default)]
    #[serde(default)]
    pub parties: Vec<ReferralPartyView>,
}

/// Asking the sender for information (the decision clock pauses).
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct QuestionRequest {
    pub question: String,
}

/// The information asked for (the decision clock resumes with the days it had left).
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    pub answer: String,
}

/// A case to open here for an accepted referral.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct OpenCaseRequest {
    /// A local mediation organisation that suits `track`.
    pub organization_id: Uuid,
    pub track: TrackName,
    /// The dispute's city; this node's city when absent.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub city: Option<String>,
}

/// Accepting a referral.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// Open a local case for it, linked to the referral.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub open_case: Option<OpenCaseRequest>,
}

/// Declining a referral.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct DeclineRequest {
    pub reason: DeclineReasonName,
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub note: Option<String>,
}

/// A progress report (restarts the report clock).
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ProgressRequest {
    pub note: String,
    /// Crime transfers: the R26 milestone reached.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub milestone: Option<MilestoneName>,
}

/// The outcome (final).
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRequest {
    pub outcome: OutcomeName,
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(ApiResponse)]
pub enum ReferralSent {
    /// Sent: stored here and queued for the partner (or, for a repeated `Idempotency-Key`,
    /// the first answer again).
    #[oai(status = 201)]
    Created(
        Json<ReferralView>,
        #[oai(header = "Location")] String,
        #[oai(header = "ETag")] String,
    ),
}

#[derive(ApiResponse)]
pub enum ReferralFound {
    /// The referral, its timeline and clocks.
    #[oai(status = 200)]
    Ok(Json<ReferralView>, #[oai(header = "ETag")] String),
}

#[derive(ApiResponse)]
pub enum ReferralList {
    /// A page of referrals, oldest first.
    #[oai(status = 200)]
    Ok(Json<ReferralPage>),
}

const STEP: u32 = status::AUTHENTICATED
    | status::FORBIDDEN
    | status::NOT_FOUND
    | status::CONFLICT
    | status::PRECONDITION_FAILED
    | status::BAD_REQUEST;
const STEP_WITH_BODY: u32 = STEP | status::JSON_BODY;

fn text(field: &str, value: &str, max: usize) -> Result<String, ApiProblem> {
    ipdr_domain::validation::bounded_text(value, max)
        .map_err(|e| ipdr_domain::ValidationErrors::one(field, e).into())
}

/// The view of `referral`, with its clocks (and timeline when `with_events`).
async fn view(
    db: &impl ipdr_persistence::ConnectionTrait,
    referral: Referral,
    today: NaiveDate,
) -> Result<ReferralView, ApiProblem> {
    let clocks = repo::deadlines(db, referral.id).await?;
    let events = repo::events(db, referral.id)
        .await?
        .into_iter()
        .map(|e| ReferralEventView {
            at: e.at,
            on: e.on,
            node: e.node,
            role: e.role,
            step: e.step.as_str().to_owned(),
            detail: e.detail,
        })
        .collect();
    Ok(view_of(referral, clocks, Some(events), today))
}

/// The view of `referral` with its `clocks` (and its timeline, when `events` is given).
fn view_of(
    referral: Referral,
    clocks: Vec<repo::ReferralDeadline>,
    events: Option<Vec<ReferralEventView>>,
    today: NaiveDate,
) -> ReferralView {
    ReferralView {
        id: referral.id,
        direction: referral.direction.into(),
        partner_node: referral.partner_node,
        agreement_code: referral.agreement_code,
        kind: referral.kind.into(),
        ip_type: referral.ip_type.into(),
        right_identifier: referral.right_identifier,
        summary: referral.summary,
        parties: referral
            .parties
            .into_iter()
            .map(|p| ReferralPartyView {
                side: p.side,
                kind: p.kind,
                name: p.name,
                credit_code: p.credit_code,
            })
            .collect(),
        documents: referral
            .documents
            .into_iter()
            .map(|d| ReferralDocumentView {
                name: d.name,
                sha256: d.sha256,
                size: d.size,
            })
            .collect(),
        case_id: referral.case_id.map(|c| c.as_uuid()),
        partner_case_reference: referral.partner_case_number,
        sent_on: referral.sent_on,
        status: referral.status.into(),
        decline_reason: referral.decline_reason.map(Into::into),
        outcome: referral.outcome.map(Into::into),
        overdue: service::is_overdue(&clocks, today),
        version: referral.version,
        clocks: clocks
            .into_iter()
            .map(|c| ReferralDeadlineView {
                state: service::steps::state(&c, today).into(),
                overdue: service::steps::overdue(&c, today),
                clock: c.clock.as_str().to_owned(),
                rule: c.clock.rule().to_owned(),
                starts_on: c.starts_on,
                due_on: c.due_on,
                met_on: c.met_on,
                paused_on: c.paused_on,
                escalated_on: c.breached_on,
            })
            .collect(),
        events,
        created_at: referral.created_at,
        updated_at: referral.updated_at,
    }
}

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
    let referral = service::take_step(state, caller, id, if_match, step, open_case).await?;
    let view = view(&state.db, referral, state.clock.today()).await?;
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
        permit(authorize(&caller, Action::Create, &Resource::Referrals))?;
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
                let sending = Sending {
                    agreement_id: request.agreement_id,
                    kind: request.kind.into(),
                    summary: request.summary.clone(),
                    case_id: request.case_id.map(CaseId::from),
                    ip_type: request.ip_type.map(Into::into),
                    right_identifier: request.right_identifier.clone(),
                    parties: request
                        .parties
                        .iter()
                        .map(|p| ReferralParty {
                            side: p.side.clone(),
                            kind: p.kind.clone(),
                            name: p.name.clone(),
                            credit_code: p.credit_code.clone(),
                        })
                        .collect(),
                };
                let referral = service::send(txn, state, &caller, sending).await?;
                let view = view(txn, referral, state.clock.today()).await?;
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
        permit(authorize(&caller, Action::List, &Resource::Referrals))?;
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let visible = match caller.role {
            ipdr_domain::account::Role::Liaison => Visible::Liaison {
                account: caller.account_id,
                agreement_codes: agreements::codes_for_liaison(&state.db, caller.account_id)
                    .await?,
            },
            _ => Visible::Mediator {
                account: caller.account_id,
                organization: caller.organization_id,
            },
        };
        let today = state.clock.today();
        let filter = ReferralFilter {
            direction: direction.0.map(Direction::from),
            status: status.0.map(ReferralStatus::from),
            overdue_on: overdue.0.filter(|o| *o).map(|_| today),
        };
        let found = repo::list(&state.db, &visible, &filter, page).await?;
        let ids: Vec<Uuid> = found.items.iter().map(|r| r.id).collect();
        let mut clocks = repo::deadlines_of(&state.db, &ids).await?;
        let items = found
            .items
            .into_iter()
            .map(|r| {
                let own = clocks.remove(&r.id).unwrap_or_default();
                view_of(r, own, None, today)
            })
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
        let referral = service::authorized(&state.db, &caller.0, id.0, Action::Read, false).await?;
        let view = view(&state.db, referral, state.clock.today()).await?;
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
