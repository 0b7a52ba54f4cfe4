//! `/api/v1/cases/{id}/investigator-candidates` and `/api/v1/cases/{id}/investigators`:
//! proposing and assigning technical investigators, telling the parties (R22), recusal (R24).
use ipdr_domain::access::{Action, Principal};
use ipdr_domain::investigator::candidates::Assessment;
use ipdr_domain::investigator::procedure_for;
use ipdr_domain::{AccountId, AssignmentId, CaseId};
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use uuid::Uuid;

use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::service;
use crate::service::investigators::AssignmentRequest;
use crate::state::AppState;
use crate::v1::ApiTags;
use crate::v1::wire::{ProcedureName, TechnicalFieldName};

mod wire;
pub use wire::*;

#[derive(Default)]
pub struct CaseInvestigatorsApi;

/// What the assignment-changing operations can answer.
const CHANGE: u32 = status::AUTHENTICATED
    | status::FORBIDDEN
    | status::NOT_FOUND
    | status::CONFLICT
    | status::JSON_BODY;

async fn assigner_case(
    state: &AppState,
    caller: &Principal,
    id: Uuid,
) -> Result<ipdr_domain::case::stored::Case, crate::service::error::AppError> {
    service::cases::authorized(state, caller, CaseId::from(id), Action::AssignInvestigator).await
}

#[OpenApi(prefix_path = "/api/v1/cases", tag = "ApiTags::Investigators")]
impl CaseInvestigatorsApi {
    /// Propose investigators.
    ///
    /// For the case's mediators and the court that referred it: the active pool ranked for
    /// `field` — those with the field first, then the least loaded. Excluded, each with every
    /// reason: a declared conflict with a party (or its agent), service in another procedure of
    /// this case (R22), the load limit, a current assignment here, a granted recusal (R24).
    #[oai(
        path = "/:id/investigator-candidates",
        method = "get",
        operation_id = "list_investigator_candidates"
    )]
    async fn list_investigator_candidates(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        field: Query<TechnicalFieldName>,
        procedure: Query<Option<ProcedureName>>,
    ) -> ApiResult<
        CandidatesFound,
        {
            status::AUTHENTICATED
                | status::FORBIDDEN
                | status::NOT_FOUND
                | status::BAD_REQUEST
                | status::UNPROCESSABLE
        },
    > {
        let caller = caller.0;
        let case = assigner_case(&state, &caller, id.0).await?;
        let procedure = procedure_for(caller.role, procedure.0.map(Into::into))?;
        let Assessment {
            candidates,
            excluded,
        } = service::investigators::candidates(&state, &case, field.0.into(), procedure).await?;
        Ok(CandidatesFound::Ok(Json(CandidatesView {
            case_id: case.id.as_uuid(),
            field: field.0,
            procedure: procedure.into(),
            candidates: candidates
                .into_iter()
                .map(|c| CandidateView {
                    account_id: c.facts.account_id.as_uuid(),
                    display_name: c.facts.display_name,
                    fields: c.facts.fields.into_iter().map(Into::into).collect(),
                    field_match: c.field_match,
                    load: c.facts.load,
                    max_assignments: c.facts.max_assignments,
                })
                .collect(),
            excluded: excluded
                .into_iter()
                .map(|(facts, reasons)| ExcludedView {
                    account_id: facts.account_id.as_uuid(),
                    display_name: facts.display_name,
                    reasons: reasons.iter().map(exclusion).collect(),
                })
                .collect(),
        })))
    }

    /// Assign an investigator.
    ///
    /// By the case's mediators (within mediation) or the referring court (within judicial
    /// confirmation or litigation). Refused (409) for anyone the proposal excludes — a conflict,
    /// service in another procedure of the case (R22), the load limit (which holds under
    /// concurrent assignments), a recusal — even when assigned directly. Starts the parties'
    /// 3 days to be told (R22).
    #[oai(
        path = "/:id/investigators",
        method = "post",
        operation_id = "assign_investigator"
    )]
    async fn assign_investigator(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<AssignInvestigatorRequest>,
    ) -> ApiResult<InvestigatorAssigned, CHANGE> {
        let caller = caller.0;
        let case = assigner_case(&state, &caller, id.0).await?;
        let r = body.0;
        let procedure = procedure_for(caller.role, r.procedure.map(Into::into))?;
        let request = AssignmentRequest {
            investigator: AccountId::from(r.investigator_id),
            field: r.field.into(),
            question: r.question,
            procedure,
        };
        let assignment = service::investigators::assign(&state, &caller, &case, request).await?;
        Ok(InvestigatorAssigned::Created(Json(assignment.into())))
    }

    /// List the case's investigator assignments.
    ///
    /// All of them for the case's mediators, auditors and court; an investigator sees their own.
    #[oai(
        path = "/:id/investigators",
        method = "get",
        operation_id = "list_case_investigators"
    )]
    async fn list_case_investigators(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<Assignments, { status::AUTHENTICATED | status::NOT_FOUND }> {
        let case =
            service::cases::authorized(&state, &caller.0, CaseId::from(id.0), Action::Read).await?;
        let items = service::investigators::visible_assignments(&state, &caller.0, &case).await?;
        Ok(Assignments::Ok(Json(InvestigatorAssignmentList {
            case_id: case.id.as_uuid(),
            items: items.into_iter().map(Into::into).collect(),
        })))
    }

    /// Record that the parties were told.
    ///
    /// R22: the parties are told of an investigator's appointment (or change) within 3 days;
    /// recording it meets that deadline.
    #[oai(
        path = "/:id/investigators/:assignment_id/parties-notified",
        method = "post",
        operation_id = "record_parties_notified"
    )]
    async fn record_parties_notified(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        assignment_id: Path<Uuid>,
        body: JsonBody<NotifiedRequest>,
    ) -> ApiResult<AssignmentChanged, CHANGE> {
        let case = assigner_case(&state, &caller.0, id.0).await?;
        let changed = service::investigators::parties_notified(
            &state,
            &caller.0,
            &case,
            AssignmentId::from(assignment_id.0),
            body.0.notified_on,
        )
        .await?;
        Ok(AssignmentChanged::Ok(Json(changed.into())))
    }

    /// Record a recusal request.
    ///
    /// A party asks for the investigator's recusal (R24): the assignment is suspended — the
    /// investigator stops work — and the decision is due within 3 days. After a refusal the
    /// party may ask once more (reconsideration, also decided within 3 days); not a third time.
    #[oai(
        path = "/:id/investigators/:assignment_id/recusal",
        method = "post",
        operation_id = "request_recusal"
    )]
    async fn request_recusal(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        assignment_id: Path<Uuid>,
        body: JsonBody<RecusalRequest>,
    ) -> ApiResult<AssignmentChanged, CHANGE> {
        let case = assigner_case(&state, &caller.0, id.0).await?;
        let r = body.0;
        let changed = service::investigators::request_recusal(
            &state,
            &caller.0,
            &case,
            AssignmentId::from(assignment_id.0),
            r.requested_by.into(),
            &r.grounds,
        )
        .await?;
        Ok(AssignmentChanged::Ok(Json(changed.into())))
    }

    /// Decide a recusal request.
    ///
    /// Granted: the assignment ends (a replacement can be assigned). Refused: work resumes.
    /// Meets the R24 deadline.
    #[oai(
        path = "/:id/investigators/:assignment_id/recusal-decision",
        method = "post",
        operation_id = "decide_recusal"
    )]
    async fn decide_recusal(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        assignment_id: Path<Uuid>,
        body: JsonBody<RecusalDecision>,
    ) -> ApiResult<AssignmentChanged, CHANGE> {
        let case = assigner_case(&state, &caller.0, id.0).await?;
        let r = body.0;
        let changed = service::investigators::decide_recusal(
            &state,
            &caller.0,
            &case,
            AssignmentId::from(assignment_id.0),
            r.granted,
            &r.reason,
        )
        .await?;
        Ok(AssignmentChanged::Ok(Json(changed.into())))
    }

    /// Release an investigator.
    ///
    /// Ends an assignment that is no longer needed (not while a recusal is pending).
    #[oai(
        path = "/:id/investigators/:assignment_id/release",
        method = "post",
        operation_id = "release_investigator"
    )]
    async fn release_investigator(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        assignment_id: Path<Uuid>,
    ) -> ApiResult<
        AssignmentChanged,
        { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND | status::CONFLICT },
    > {
        let case = assigner_case(&state, &caller.0, id.0).await?;
        let changed = service::investigators::release(
            &state,
            &caller.0,
            &case,
            AssignmentId::from(assignment_id.0),
        )
        .await?;
        Ok(AssignmentChanged::Ok(Json(changed.into())))
    }
}
