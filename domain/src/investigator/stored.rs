//! Investigators, assignments and opinions as stored.
use chrono::{DateTime, NaiveDate, Utc};

use crate::case::Side;
use crate::investigator::recusal::{RecusalStage, RecusalState};
use crate::investigator::{
    Affiliation, AssignmentStatus, DeclaredConflict, Procedure, TechnicalField,
};
use crate::{AccountId, AssignmentId, CaseId, OrganizationId};

named_enum! {
    /// Why an assignment ended.
    pub enum EndReason {
        /// A recusal was granted (R24).
        Recused = "recused",
        /// The mediator or court released the investigator.
        Released = "released",
    }
}

/// A member of the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub account_id: AccountId,
    pub display_name: String,
    pub fields: Vec<TechnicalField>,
    pub affiliation: Affiliation,
    /// The organisation that contributed the investigator to the pool.
    pub contributed_by: OrganizationId,
    pub active: bool,
    pub max_assignments: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A declared conflict as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConflict {
    pub id: uuid::Uuid,
    pub conflict: DeclaredConflict,
    pub created_at: DateTime<Utc>,
}

/// An investigator's assignment to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub id: AssignmentId,
    pub case_id: CaseId,
    pub investigator_id: AccountId,
    pub procedure: Procedure,
    pub field: TechnicalField,
    /// The technical question the investigator is to answer.
    pub question: String,
    pub status: AssignmentStatus,
    pub recusal: RecusalStage,
    pub recusal_requested_by: Option<Side>,
    pub recusal_grounds: Option<String>,
    pub end_reason: Option<EndReason>,
    pub assigned_by: AccountId,
    pub assigned_at: DateTime<Utc>,
    /// R22: when the parties were told of the appointment.
    pub parties_notified_on: Option<NaiveDate>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl Assignment {
    pub fn recusal_state(&self) -> RecusalState {
        RecusalState {
            stage: self.recusal,
            status: self.status,
        }
    }
}

/// A document attached to an opinion, by digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpinionDocument {
    pub sha256: String,
    pub filename: String,
    pub media_type: String,
    pub size: u64,
}

/// One submitted version of a technical opinion (R23). Versions are never changed; a correction
/// is the next version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opinion {
    pub assignment_id: AssignmentId,
    pub version: u32,
    pub case_id: CaseId,
    pub author_id: AccountId,
    pub text: String,
    /// SHA-256 of the text.
    pub digest: String,
    pub documents: Vec<OpinionDocument>,
    pub submitted_at: DateTime<Utc>,
}
