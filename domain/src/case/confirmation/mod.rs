//! Judicial confirmation (司法确认) of a settlement agreement: which courts may confirm it (R9,
//! R14), when the parties may apply (R8, R12), and the court's handling of the application (R10,
//! R13).
//!
//! ```text
//! submitted ──accept (3 d; 3 working days on admin_*)──▶ accepted ──confirm──▶ confirmed
//!     │                                              │  │  (15 d, +10 once with approval)
//!  refuse_acceptance ──▶ not_accepted                │  └──refuse (an R13 ground)──▶ refused
//!     │                                              │
//!     └──── withdraw (applicants, before the ruling) ┴──▶ withdrawn
//!     └──── void (the agreement changed) ────────────┴──▶ voided
//! ```
//! The application binds to the digest of the signed agreement: the court reviews exactly what
//! was signed, and a change of the agreement voids an application still pending.
//!
//! [`eligibility`] says which courts may confirm (R9, R14), [`application`] when the parties
//! may apply (R8, R12), [`review`] how the court handles the application (R10, R13).
use chrono::{DateTime, NaiveDate, Utc};

use crate::{AccountId, ApplicationId, CaseId, OrganizationId};

pub mod application;
pub mod eligibility;
pub mod review;
#[cfg(test)]
mod tests;

pub use application::*;
pub use eligibility::*;
pub use review::*;

/// An application for judicial confirmation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub id: ApplicationId,
    pub case_id: CaseId,
    /// The court it is addressed to.
    pub court_id: OrganizationId,
    /// The mediation organisation handling the case.
    pub organization_id: OrganizationId,
    /// The digest of the signed agreement the court reviews.
    pub agreement_digest: String,
    pub status: ApplicationStatus,
    /// The parties whose consent to the joint application was recorded (R8).
    pub consents: Vec<u32>,
    pub note: Option<String>,
    pub submitted_by: AccountId,
    pub submitted_at: DateTime<Utc>,
    pub accepted_on: Option<NaiveDate>,
    pub extension: Option<Extension>,
    pub ruling_number: Option<String>,
    pub ruling_date: Option<NaiveDate>,
    pub refusal_ground: Option<RefusalGround>,
    /// Why acceptance was refused, it was withdrawn or voided; the refusal's words.
    pub reason: Option<String>,
    /// When it left the court's desk (any final status).
    pub ended_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

impl Application {
    pub fn state(&self) -> ApplicationState {
        ApplicationState {
            status: self.status,
            extended: self.extension.is_some(),
            accepted_on: self.accepted_on,
        }
    }

    /// The application after `action` moved it to `to` on `today` at `now`.
    pub fn after(
        &self,
        action: &ApplicationAction,
        to: ApplicationStatus,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Self {
        let mut next = Self {
            status: to,
            ..self.clone()
        };
        match action {
            ApplicationAction::Accept => next.accepted_on = Some(today),
            ApplicationAction::RefuseAcceptance { reason }
            | ApplicationAction::Withdraw { reason } => {
                next.reason = Some(reason.as_str().to_owned());
            }
            ApplicationAction::Extend {
                approved_by,
                reason,
            } => {
                next.extension = Some(Extension {
                    approved_by: approved_by.as_str().to_owned(),
                    reason: reason.as_str().to_owned(),
                });
            }
            ApplicationAction::Confirm {
                ruling_number,
                ruling_date,
            } => {
                next.ruling_number = Some(ruling_number.as_str().to_owned());
                next.ruling_date = Some(*ruling_date);
            }
            ApplicationAction::Refuse { ground, reason } => {
                next.refusal_ground = Some(*ground);
                next.reason = reason.as_ref().map(|r| r.as_str().to_owned());
            }
            ApplicationAction::Void => {
                next.reason = Some("the settlement agreement was changed".to_owned());
            }
        }
        if !to.is_pending() {
            next.ended_at = Some(now);
        }
        next
    }
}
