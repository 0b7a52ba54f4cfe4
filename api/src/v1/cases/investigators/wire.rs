//! What the investigator operations on a case take and answer.
use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::investigator::candidates::Exclusion;
use ipdr_domain::investigator::stored::Assignment;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};
use serde::Deserialize;
use uuid::Uuid;

use crate::v1::wire::{
    AssignmentStatusName, EndReasonName, ProcedureName, RecusalStageName, SideName,
    TechnicalFieldName,
};

/// A proposed investigator.
#[derive(Object)]
pub struct CandidateView {
    pub account_id: Uuid,
    pub display_name: String,
    pub fields: Vec<TechnicalFieldName>,
    /// Has the requested field.
    pub field_match: bool,
    /// Assignments not ended on cases not closed.
    pub load: u32,
    pub max_assignments: u32,
}

/// Why someone is not proposed.
#[derive(Object)]
pub struct ExclusionView {
    /// `conflict`, `served_in_other_procedure`, `at_load_limit`, `already_assigned`, `recused`.
    pub code: String,
    #[oai(skip_serializing_if_is_none)]
    pub rule: Option<String>,
    pub message: String,
}

/// An investigator who may not serve on this case, with every reason.
#[derive(Object)]
pub struct ExcludedView {
    pub account_id: Uuid,
    pub display_name: String,
    pub reasons: Vec<ExclusionView>,
}

/// The pool for a case: proposals best first, and who is excluded and why.
#[derive(Object)]
pub struct CandidatesView {
    pub case_id: Uuid,
    pub field: TechnicalFieldName,
    pub procedure: ProcedureName,
    pub candidates: Vec<CandidateView>,
    pub excluded: Vec<ExcludedView>,
}

pub(super) fn exclusion(e: &Exclusion) -> ExclusionView {
    ExclusionView {
        code: e.code().to_owned(),
        rule: e.rule().map(str::to_owned),
        message: e.explain(),
    }
}

/// An investigator's assignment to the case.
#[derive(Object)]
pub struct InvestigatorAssignmentView {
    pub id: Uuid,
    pub case_id: Uuid,
    pub investigator_id: Uuid,
    pub procedure: ProcedureName,
    pub field: TechnicalFieldName,
    pub question: String,
    pub status: AssignmentStatusName,
    pub recusal_stage: RecusalStageName,
    #[oai(skip_serializing_if_is_none)]
    pub recusal_requested_by: Option<SideName>,
    #[oai(skip_serializing_if_is_none)]
    pub recusal_grounds: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub end_reason: Option<EndReasonName>,
    pub assigned_by: Uuid,
    pub assigned_at: DateTime<Utc>,
    /// R22: when the parties were told.
    #[oai(skip_serializing_if_is_none)]
    pub parties_notified_on: Option<NaiveDate>,
    #[oai(skip_serializing_if_is_none)]
    pub ended_at: Option<DateTime<Utc>>,
}

impl From<Assignment> for InvestigatorAssignmentView {
    fn from(a: Assignment) -> Self {
        Self {
            id: a.id.as_uuid(),
            case_id: a.case_id.as_uuid(),
            investigator_id: a.investigator_id.as_uuid(),
            procedure: a.procedure.into(),
            field: a.field.into(),
            question: a.question,
            status: a.status.into(),
            recusal_stage: a.recusal.into(),
            recusal_requested_by: a.recusal_requested_by.map(Into::into),
            recusal_grounds: a.recusal_grounds,
            end_reason: a.end_reason.map(Into::into),
            assigned_by: a.assigned_by.as_uuid(),
            assigned_at: a.assigned_at,
            parties_notified_on: a.parties_notified_on,
            ended_at: a.ended_at,
        }
    }
}

/// The case's assignments.
#[derive(Object)]
pub struct InvestigatorAssignmentList {
    pub case_id: Uuid,
    pub items: Vec<InvestigatorAssignmentView>,
}

/// An investigator to assign.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct AssignInvestigatorRequest {
    pub investigator_id: Uuid,
    pub field: TechnicalFieldName,
    /// The technical question to answer.
    pub question: String,
    /// Courts only: `judicial_confirmation` or `litigation`. Mediators assign within mediation.
    #[serde(default)]
    pub procedure: Option<ProcedureName>,
}

/// When the parties were told of the appointment.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct NotifiedRequest {
    /// Defaults to today (China).
    #[serde(default)]
    pub notified_on: Option<NaiveDate>,
}

/// A party's recusal request (or its one reconsideration).
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct RecusalRequest {
    pub requested_by: SideName,
    pub grounds: String,
}

/// The decision on the pending recusal request.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct RecusalDecision {
    pub granted: bool,
    pub reason: String,
}

#[derive(ApiResponse)]
pub enum CandidatesFound {
    /// Proposals and exclusions.
    #[oai(status = 200)]
    Ok(Json<CandidatesView>),
}

#[derive(ApiResponse)]
pub enum InvestigatorAssigned {
    /// Assigned; the parties are to be told within 3 days (R22).
    #[oai(status = 201)]
    Created(Json<InvestigatorAssignmentView>),
}

#[derive(ApiResponse)]
pub enum AssignmentChanged {
    /// The assignment after the change.
    #[oai(status = 200)]
    Ok(Json<InvestigatorAssignmentView>),
}

#[derive(ApiResponse)]
pub enum Assignments {
    /// The assignments the caller may see, oldest first.
    #[oai(status = 200)]
    Ok(Json<InvestigatorAssignmentList>),
}
