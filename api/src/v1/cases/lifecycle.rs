//! `/api/v1/cases/{id}/…`: one operation per lifecycle action. Each may carry `If-Match` with
//! the version from the case's `ETag`: if the case changed meanwhile the action is refused (412)
//! and nothing happens. Of two actions racing on one case, exactly one wins.
use ipdr_domain::CaseId;
use ipdr_domain::ValidationErrors;
use ipdr_domain::access::{Action, Principal};
use ipdr_domain::case::lifecycle::{CaseAction, Reason};
use poem::web::Data;
use poem_openapi::param::{Header, Path};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

use super::views::{CaseView, case_view};
use super::{etag, if_match};
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::problem::ApiProblem;
use crate::service;
use crate::state::AppState;
use crate::v1::ApiTags;
use crate::v1::wire::{PerformanceName, RouteName, SideName};

#[derive(Default)]
pub struct CaseLifecycleApi;

/// What a lifecycle operation without a body can answer.
const MOVE: u32 = status::AUTHENTICATED
    | status::FORBIDDEN
    | status::NOT_FOUND
    | status::CONFLICT
    | status::PRECONDITION_FAILED
    | status::BAD_REQUEST;
/// …and with a body.
const MOVE_WITH_BODY: u32 = MOVE | status::JSON_BODY;

#[derive(ApiResponse)]
pub enum CaseMoved {
    /// The case after the action.
    #[oai(status = 200)]
    Ok(
        Json<CaseView>,
        /// The case's new version, for `If-Match`.
        #[oai(header = "ETag")]
        String,
    ),
}

/// A reason, in words.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// 1 to 2000 characters.
    pub reason: String,
}

/// The respondent's answer.
#[derive(Enum, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ConsentAnswer {
    Given,
    Refused,
}

/// The respondent's answer to the invitation to mediate.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    pub consent: ConsentAnswer,
}

/// Why mediation failed and which other routes the parties were told of (R4).
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct FailRequest {
    pub reason: String,
    /// At least one of `arbitration`, `administrative`, `litigation`.
    pub routes: Vec<RouteName>,
}

/// Who withdrew and why (R2: either party may end mediation at any time).
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    pub by: SideName,
    pub reason: String,
}

/// How the parties performed the agreement (R7).
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct PerformanceRequest {
    pub outcome: PerformanceName,
    /// For a breach: what was not done and the next route (enforcement if confirmed, else court).
    #[serde(default)]
    pub note: Option<String>,
}

/// A longer R15 term with every party's consent.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct TermExtensionRequest {
    /// Days added to the term, 1 to 90.
    pub days: u32,
    /// The parties (by number) whose consent is recorded: every party of the case.
    pub consents: Vec<u32>,
}

fn reason(field: &str, text: &str) -> Result<Reason, ApiProblem> {
    Reason::parse(text).map_err(|e| ValidationErrors::one(field, e).into())
}

async fn act<const S: u32>(
    state: &AppState,
    caller: &Principal,
    id: Uuid,
    if_match_header: Option<&str>,
    action: Result<CaseAction, ApiProblem>,
) -> ApiResult<CaseMoved, S> {
    let id = CaseId::from(id);
    service::cases::authorized(state, caller, id, Action::Update).await?;
    let if_match = if_match(if_match_header)?;
    let action = action?;
    let case = service::cases::transition(state, caller, id, if_match, &action).await?;
    moved(state, caller, case).await
}

async fn moved<const S: u32>(
    state: &AppState,
    caller: &Principal,
    case: ipdr_domain::case::stored::Case,
) -> ApiResult<CaseMoved, S> {
    let view = case_view(service::case_views::detail(state, caller, case).await?);
    let tag = etag(view.version);
    Ok(CaseMoved::Ok(Json(view), tag))
}

#[OpenApi(prefix_path = "/api/v1/cases", tag = "ApiTags::CaseLifecycle")]
impl CaseLifecycleApi {
    /// Accept a case.
    ///
    /// `submitted` → `accepted`, and the case gets its number (`<ORG>-<YEAR>-<NNNNNN>`). On the
    /// `admin_patent` track only once the respondent agreed to mediation (R19). On the `people`
    /// track it starts the committee's mediation target (R16, 30 days unless the organisation
    /// set another). Mediators of the handling organisation only.
    #[oai(path = "/:id/accept", method = "post", operation_id = "accept_case")]
    async fn accept_case(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
    ) -> ApiResult<CaseMoved, MOVE> {
        act(
            &state,
            &caller.0,
            id.0,
            version.0.as_deref(),
            Ok(CaseAction::Accept),
        )
        .await
    }

    /// Decline a case.
    ///
    /// `submitted` → `declined` with the reason; or `accepted` → `declined` when the respondent
    /// refused mediation (R2). Meets the open R19, R15 and R16 deadlines.
    #[oai(path = "/:id/decline", method = "post", operation_id = "decline_case")]
    async fn decline_case(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<ReasonRequest>,
    ) -> ApiResult<CaseMoved, MOVE_WITH_BODY> {
        let action = reason("reason", &body.0.reason).map(|reason| CaseAction::Decline { reason });
        act(&state, &caller.0, id.0, version.0.as_deref(), action).await
    }

    /// Record the respondent's consent.
    ///
    /// While `submitted` or `accepted`, records once whether the respondent agreed to mediate
    /// (R2: mediation is voluntary; R19: on `admin_patent` the case is accepted only after
    /// consent). Meets the respondent's 15-day deadline (R19). The status does not change.
    #[oai(
        path = "/:id/consent",
        method = "post",
        operation_id = "record_consent"
    )]
    async fn record_consent(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<ConsentRequest>,
    ) -> ApiResult<CaseMoved, MOVE_WITH_BODY> {
        let consent = body.0.consent == ConsentAnswer::Given;
        act(
            &state,
            &caller.0,
            id.0,
            version.0.as_deref(),
            Ok(CaseAction::RecordConsent { consent }),
        )
        .await
    }

    /// Start mediation.
    ///
    /// `accepted` → `in_mediation`, only with the respondent's recorded consent (R2: refused with
    /// `consent_required` before it is recorded, `consent_refused` after a refusal).
    #[oai(
        path = "/:id/start-mediation",
        method = "post",
        operation_id = "start_mediation"
    )]
    async fn start_mediation(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
    ) -> ApiResult<CaseMoved, MOVE> {
        act(
            &state,
            &caller.0,
            id.0,
            version.0.as_deref(),
            Ok(CaseAction::StartMediation),
        )
        .await
    }

    /// Record that mediation failed.
    ///
    /// `in_mediation` → `failed`, with the reason and the routes the parties were told of
    /// (R4: arbitration, administrative handling, litigation; at least one).
    #[oai(path = "/:id/fail", method = "post", operation_id = "fail_mediation")]
    async fn fail_mediation(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<FailRequest>,
    ) -> ApiResult<CaseMoved, MOVE_WITH_BODY> {
        let FailRequest {
            reason: text,
            routes,
        } = body.0;
        let mut routes: Vec<_> = routes.into_iter().map(Into::into).collect();
        routes.sort_unstable();
        routes.dedup();
        let action = reason("reason", &text).map(|reason| CaseAction::Fail { reason, routes });
        act(&state, &caller.0, id.0, version.0.as_deref(), action).await
    }

    /// Record a withdrawal.
    ///
    /// `in_mediation` → `withdrawn`: either party may end mediation at any time (R2).
    #[oai(
        path = "/:id/withdraw",
        method = "post",
        operation_id = "withdraw_case"
    )]
    async fn withdraw_case(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<WithdrawRequest>,
    ) -> ApiResult<CaseMoved, MOVE_WITH_BODY> {
        let WithdrawRequest { by, reason: text } = body.0;
        let action = reason("reason", &text).map(|reason| CaseAction::Withdraw {
            by: by.into(),
            reason,
        });
        act(&state, &caller.0, id.0, version.0.as_deref(), action).await
    }

    /// Record how the agreement was performed.
    ///
    /// `settled` → `performed` or `breached` (R7: the mediation body follows performance; a
    /// dispute over performance goes to court, or to enforcement once confirmed).
    #[oai(
        path = "/:id/performance",
        method = "post",
        operation_id = "record_performance"
    )]
    async fn record_performance(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<PerformanceRequest>,
    ) -> ApiResult<CaseMoved, MOVE_WITH_BODY> {
        let PerformanceRequest { outcome, note } = body.0;
        let action = note.map(|n| reason("note", &n)).transpose().map(|note| {
            CaseAction::RecordPerformance {
                outcome: outcome.into(),
                note,
            }
        });
        act(&state, &caller.0, id.0, version.0.as_deref(), action).await
    }

    /// Reopen mediation to amend the agreement.
    ///
    /// `settled` → `in_mediation`: the parties amend their agreement (for instance after a court
    /// refused to confirm it, R13). The signed agreement is set aside — the case file keeps it —
    /// and a new one is recorded and signed; an application for confirmation still before a
    /// court is voided, and the R8 window of the old agreement no longer runs. Refused with
    /// `already_confirmed` once a court confirmed the agreement.
    #[oai(
        path = "/:id/reopen-mediation",
        method = "post",
        operation_id = "reopen_mediation"
    )]
    async fn reopen_mediation(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<ReasonRequest>,
    ) -> ApiResult<CaseMoved, MOVE_WITH_BODY> {
        let action =
            reason("reason", &body.0.reason).map(|reason| CaseAction::ReopenMediation { reason });
        act(&state, &caller.0, id.0, version.0.as_deref(), action).await
    }

    /// Extend a court-delegated term.
    ///
    /// A court-delegated (委派) case's 30-day term (R15) runs `days` longer (1 to 90) with the
    /// consent of every party, recorded by the mediator. Court-entrusted (委托) terms are fixed
    /// (`not_extendable`); the term must still be running.
    #[oai(
        path = "/:id/extend-term",
        method = "post",
        operation_id = "extend_court_term"
    )]
    async fn extend_court_term(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<TermExtensionRequest>,
    ) -> ApiResult<CaseMoved, MOVE_WITH_BODY> {
        let if_match = if_match(version.0.as_deref())?;
        let case = service::court_terms::extend(
            &state,
            &caller.0,
            CaseId::from(id.0),
            if_match,
            body.0.days,
            &body.0.consents,
        )
        .await?;
        moved(&state, &caller.0, case).await
    }

    /// Close a case.
    ///
    /// From `declined`, `failed`, `withdrawn`, `performed`, `breached` or `returned` → `closed`. A closed
    /// case is read-only (R5): every later change is refused with `case_closed`.
    #[oai(path = "/:id/close", method = "post", operation_id = "close_case")]
    async fn close_case(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
    ) -> ApiResult<CaseMoved, MOVE> {
        act(
            &state,
            &caller.0,
            id.0,
            version.0.as_deref(),
            Ok(CaseAction::Close),
        )
        .await
    }
}
