//! The messages nodes exchange: JSON, one per step of a referral, each with a unique id.
//!
//! ```json
//! {"id": "…", "referral_id": "…", "seq": 2, "from": "weihai", "to": "dalian",
//!  "at": "2026-11-23T02:00:00Z", "on": "2026-11-23", "role": "liaison",
//!  "step": {"type": "accepted", "case_number": "WHIPMC-2026-0007"}}
//! ```
//! `seq` numbers the messages one node sends about one referral (1, 2, …); the receiver applies
//! them in that order. `on` is the local date of the step at the sender: both nodes count the
//! referral's clocks from it.
use chrono::{DateTime, NaiveDate, Utc};
use ipdr_persistence::repo::federation::referrals::{ReferralDocument, ReferralParty};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One federation message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub id: Uuid,
    pub referral_id: Uuid,
    pub seq: i64,
    pub from: String,
    pub to: String,
    pub at: DateTime<Utc>,
    pub on: NaiveDate,
    /// The role of the person who took the step at the sending node.
    pub role: String,
    pub step: Step,
}

/// A step of a referral with its data. Enumerations travel as their stable names and are
/// parsed by the receiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// The referral itself, with only what the receiver needs.
    Referred {
        agreement_code: String,
        kind: String,
        ip_type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        right_identifier: Option<String>,
        summary: String,
        parties: Vec<ReferralParty>,
        documents: Vec<ReferralDocument>,
    },
    Acknowledged,
    InformationRequested {
        question: String,
    },
    InformationProvided {
        answer: String,
    },
    Accepted {
        /// The case the receiver opened for it, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        case_number: Option<String>,
    },
    Declined {
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    ProgressReported {
        note: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        milestone: Option<String>,
    },
    OutcomeReported {
        outcome: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
}

impl Step {
    /// The kind of step.
    pub fn kind(&self) -> ipdr_domain::referral::StepKind {
        use ipdr_domain::referral::StepKind as K;
        match self {
            Self::Referred { .. } => K::Referred,
            Self::Acknowledged => K::Acknowledged,
            Self::InformationRequested { .. } => K::InformationRequested,
            Self::InformationProvided { .. } => K::InformationProvided,
            Self::Accepted { .. } => K::Accepted,
            Self::Declined { .. } => K::Declined,
            Self::ProgressReported { .. } => K::ProgressReported,
            Self::OutcomeReported { .. } => K::OutcomeReported,
        }
    }

    /// What the timeline keeps of the step: its data without the referral's contents.
    pub fn detail(&self) -> serde_json::Value {
        match self {
            Self::Referred { .. } => serde_json::json!({}),
            other => {
                let mut value = serde_json::to_value(other).unwrap_or_default();
                if let Some(object) = value.as_object_mut() {
                    object.remove("type");
                }
                value
            }
        }
    }
}

/// What the receiver answers to a message it applied (and again, verbatim, to a redelivery).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, poem_openapi::Object)]
pub struct Receipt {
    pub message_id: Uuid,
    pub referral_id: Uuid,
    /// The referral's status at the receiver after the message.
    pub status: String,
}
