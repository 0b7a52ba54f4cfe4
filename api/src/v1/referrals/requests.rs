//! What local users send to send a referral or take a step on one.
use poem_openapi::Object;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use ipdr_domain::CaseId;

use super::views::ReferralPartyView;
use crate::problem::ApiProblem;
use crate::service::referrals::{ReferralParty, Sending};
use crate::v1::wire::{
    DeclineReasonName, IpTypeName, MilestoneName, OutcomeName, ReferralKindName, TrackName,
};

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

impl From<&SendReferralRequest> for Sending {
    fn from(request: &SendReferralRequest) -> Self {
        Self {
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
        }
    }
}

/// Plain text of at most `max` characters, trimmed.
pub fn text(field: &str, value: &str, max: usize) -> Result<String, ApiProblem> {
    ipdr_domain::validation::bounded_text(value, max)
        .map_err(|e| ipdr_domain::ValidationErrors::one(field, e).into())
}
