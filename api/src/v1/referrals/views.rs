//! The wire form of referrals: what a referral, its clocks and its timeline look like.
use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::service::referrals::{self as service, Referral, ReferralDeadline, ReferralDetail};
use crate::v1::wire::{
    ClockStateName, DeclineReasonName, DirectionName, IpTypeName, OutcomeName, ReferralKindName,
    ReferralStatusName,
};

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

/// The view of a referral with its clocks and timeline.
pub fn detail_view(detail: ReferralDetail, today: NaiveDate) -> ReferralView {
    let events = detail
        .events
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
    view_of(detail.referral, detail.clocks, Some(events), today)
}

/// The view of `referral` with its `clocks` (and its timeline, when `events` is given).
pub fn view_of(
    referral: Referral,
    clocks: Vec<ReferralDeadline>,
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
