//! Cases as stored: what repositories return and views show.
use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::Period;
use crate::case::agreement::{AgreementContent, SignatureMethod, Signer};
use crate::case::deadlines::DeadlineRule;
use crate::case::intake::Party;
use crate::case::lifecycle::Facts;
use crate::case::{CaseStatus, Consent, CourtProcedure, IpType, Route, Side, Track};
use crate::{AccountId, CaseId, OrganizationId};

/// A mediation case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: CaseId,
    /// Assigned on acceptance.
    pub case_number: Option<String>,
    /// The mediation organisation handling it.
    pub organization_id: OrganizationId,
    /// The court that referred it (court tracks).
    pub referring_court_id: Option<OrganizationId>,
    pub track: Track,
    pub ip_type: IpType,
    /// The right's identifier, normalised at intake.
    pub right: String,
    pub right_title: Option<String>,
    pub parties: Vec<Party>,
    pub claims: Vec<String>,
    pub amount_fen: Option<i64>,
    pub city: String,
    pub court_procedure: Option<CourtProcedure>,
    pub status: CaseStatus,
    pub consent: Consent,
    /// Why it was declined, failed or withdrawn; the performance note.
    pub reason: Option<String>,
    /// R4: the routes the parties were told of when mediation failed.
    pub routes: Vec<Route>,
    pub withdrawn_by: Option<Side>,
    /// A court confirmed the settlement agreement (司法确认): it is enforceable.
    pub enforceable: bool,
    /// When a court-referred case went back to its court without a settlement (R15).
    pub returned_on: Option<NaiveDate>,
    /// Incremented by every change (optimistic concurrency).
    pub version: i64,
    pub created_by: AccountId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Case {
    /// What the lifecycle needs, given whether the agreement is effective.
    pub fn facts(&self, agreement_effective: bool) -> Facts {
        Facts {
            status: self.status,
            track: self.track,
            consent: self.consent,
            agreement_effective,
            enforceable: self.enforceable,
        }
    }
}

/// A recorded signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub signer: Signer,
    pub method: SignatureMethod,
    pub recorded_by: AccountId,
    pub recorded_at: DateTime<Utc>,
}

/// The settlement agreement of a case, with its signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementAgreement {
    pub content: AgreementContent,
    pub digest: String,
    pub recorded_by: AccountId,
    pub recorded_at: DateTime<Utc>,
    pub signatures: Vec<Signature>,
    /// When the last required signature made it effective (R6).
    pub effective_at: Option<DateTime<Utc>>,
}

named_enum! {
    /// Whether a deadline still runs, and how it ended.
    pub enum DeadlineStatus {
        Open = "open",
        /// Closed by its last day: the act it waited for happened (or the case moved on) in time.
        Met = "met",
        /// Closed after its last day: the period ran out (a court-referred term returned to the
        /// court, R15; a window left unused) or the act came late.
        Lapsed = "lapsed",
    }
}

impl DeadlineStatus {
    /// How a deadline whose last day is `due_on` ends when it is closed on `closed_on`: met on
    /// or before its last day, lapsed after it. Every clock — of cases and of referrals — ends
    /// by this rule.
    pub fn closed(due_on: NaiveDate, closed_on: NaiveDate) -> Self {
        if closed_on > due_on {
            Self::Lapsed
        } else {
            Self::Met
        }
    }
}

/// A deadline of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDeadline {
    pub case_id: CaseId,
    pub organization_id: OrganizationId,
    pub rule: DeadlineRule,
    /// What within the case it concerns: `None` for the case itself, an investigator
    /// assignment (`<id>` or `<id>/reconsideration`) for R22 and R24.
    pub subject: Option<String>,
    pub starts_on: NaiveDate,
    pub period: Period,
    pub due_on: NaiveDate,
    pub calendar_verified: bool,
    pub status: DeadlineStatus,
    pub met_on: Option<NaiveDate>,
}

impl CaseDeadline {
    /// Open and past its last day, as of `today` (China).
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status == DeadlineStatus::Open && today > self.due_on
    }
}

/// Who did something to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Account {
        id: AccountId,
        role: crate::account::Role,
    },
    /// The platform itself, on a schedule (a court-referred term running out, R15).
    Platform,
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEvent {
    pub at: DateTime<Utc>,
    pub actor: Actor,
    /// What happened (its stable name: `submit_case`, `accept_case`, `sign_agreement` …).
    pub action: crate::event::EventKind,
    pub from_status: Option<CaseStatus>,
    pub to_status: Option<CaseStatus>,
    /// The reason or what was recorded, in words.
    pub detail: Option<String>,
}

/// A document attached to a case; its content is stored once per SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: crate::DocumentId,
    pub case_id: CaseId,
    pub kind: crate::case::DocumentKind,
    pub filename: String,
    pub media_type: String,
    pub size: u64,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    pub uploaded_by: AccountId,
    pub uploaded_at: DateTime<Utc>,
}

/// A mediator assigned to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub account_id: AccountId,
    pub assigned_by: AccountId,
    pub assigned_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_closed_on_its_last_day_is_met_and_the_day_after_lapsed() {
        let due = NaiveDate::from_ymd_opt(2026, 10, 9).unwrap_or_default();
        let day = |n: i64| due + chrono::TimeDelta::days(n);
        assert_eq!(DeadlineStatus::closed(due, day(-3)), DeadlineStatus::Met);
        assert_eq!(DeadlineStatus::closed(due, due), DeadlineStatus::Met);
        assert_eq!(DeadlineStatus::closed(due, day(1)), DeadlineStatus::Lapsed);
    }
}
