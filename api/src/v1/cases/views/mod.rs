//! How cases look on the wire. Parties' identity numbers, phones and addresses are masked for
//! callers the policy does not let read personal data (auditors).
mod records;

use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::calendar::Period;
use ipdr_domain::case::agreement::required_signers;
use ipdr_domain::case::intake::Party;
use ipdr_domain::case::stored::{Actor, Case, CaseDeadline, CaseEvent, SettlementAgreement};
use poem_openapi::Object;
use uuid::Uuid;

pub use self::records::{DocumentView, SettlementAgreementView, SignatureView, agreement_view};
use crate::service::case_views::CaseDetail;
use crate::v1::wire::{
    CaseStatusName, ConsentName, CourtProcedureName, DeadlineStatusName, IdDocumentKindName,
    IpTypeName, PartyKindName, RouteName, SideName, TrackName,
};

/// An agent (代理人) of a party.
#[derive(Object)]
pub struct AgentView {
    pub name: String,
    #[oai(skip_serializing_if_is_none)]
    pub phone: Option<String>,
    /// Law firm or agency.
    #[oai(skip_serializing_if_is_none)]
    pub firm: Option<String>,
}

/// An applicant or respondent, numbered from 1 within the case.
#[derive(Object)]
pub struct PartyView {
    pub number: u32,
    pub side: SideName,
    pub kind: PartyKindName,
    pub name: String,
    /// Persons only: the kind of identity document.
    #[oai(skip_serializing_if_is_none)]
    pub id_type: Option<IdDocumentKindName>,
    /// Persons only; `***` when masked.
    #[oai(skip_serializing_if_is_none)]
    pub id_number: Option<String>,
    /// Organisations only.
    #[oai(skip_serializing_if_is_none)]
    pub credit_code: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub phone: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub address: Option<String>,
    pub agents: Vec<AgentView>,
}

impl From<Party> for PartyView {
    fn from(p: Party) -> Self {
        Self {
            number: p.number,
            side: p.side.into(),
            kind: p.kind.into(),
            name: p.name,
            id_type: p.identity.as_ref().map(|d| d.kind.into()),
            id_number: p.identity.map(|d| d.number),
            credit_code: p.credit_code.map(|c| c.as_str().to_owned()),
            phone: p.phone,
            address: p.address,
            agents: p
                .agents
                .into_iter()
                .map(|a| AgentView {
                    name: a.name,
                    phone: a.phone,
                    firm: a.firm,
                })
                .collect(),
        }
    }
}

/// A deadline of the case, computed on the official working-day calendar (R30).
#[derive(Object)]
pub struct DeadlineView {
    pub case_id: Uuid,
    /// The rule it comes from: `R8`, `R15`, `R16`, `R19` on the case; `R10` on an application
    /// for judicial confirmation; `R22`, `R24` on an investigator assignment.
    pub rule: String,
    /// What within the case it concerns: an investigator assignment (`<id>`, or
    /// `<id>/reconsideration` for the second R24 decision), an application for confirmation
    /// (`<id>/acceptance`, `<id>/ruling`); absent for the case itself.
    #[oai(skip_serializing_if_is_none)]
    pub subject: Option<String>,
    pub description: String,
    /// The day the period counts from (not itself counted).
    pub starts_on: NaiveDate,
    pub period_days: u32,
    /// Whether the period counts working days (else calendar days).
    pub working_days: bool,
    /// The last day in time.
    pub due_on: NaiveDate,
    /// False when the computation touched a year with no official calendar loaded.
    pub calendar_verified: bool,
    pub status: DeadlineStatusName,
    /// The day it closed (met or lapsed); absent while open.
    #[oai(skip_serializing_if_is_none)]
    pub met_on: Option<NaiveDate>,
    /// Open and past `due_on` (China time).
    pub overdue: bool,
}

impl DeadlineView {
    pub fn new(d: CaseDeadline, today: NaiveDate) -> Self {
        let (period_days, working_days) = match d.period {
            Period::CalendarDays(n) => (n, false),
            Period::WorkingDays(n) => (n, true),
        };
        Self {
            case_id: d.case_id.as_uuid(),
            rule: d.rule.as_str().to_owned(),
            subject: d.subject.clone(),
            description: d.rule.description().to_owned(),
            starts_on: d.starts_on,
            period_days,
            working_days,
            due_on: d.due_on,
            calendar_verified: d.calendar_verified,
            status: d.status.into(),
            met_on: d.met_on,
            overdue: d.overdue(today),
        }
    }
}

/// The agreement at a glance; `GET …/agreement` has its text.
#[derive(Object)]
pub struct SettlementAgreementSummary {
    /// SHA-256 of the agreement text.
    pub digest: String,
    /// Decides ownership or validity of an IP right (R12: cannot be judicially confirmed).
    pub decides_ownership_or_validity: bool,
    pub signatures_required: u32,
    pub signatures_recorded: u32,
    #[oai(skip_serializing_if_is_none)]
    pub effective_at: Option<DateTime<Utc>>,
}

/// A mediation case.
#[derive(Object)]
pub struct CaseView {
    pub id: Uuid,
    /// 案号, assigned on acceptance: `<ORG>-<YEAR>-<NNNNNN>`.
    #[oai(skip_serializing_if_is_none)]
    pub case_number: Option<String>,
    pub status: CaseStatusName,
    pub track: TrackName,
    pub ip_type: IpTypeName,
    /// The right's identifier, normalised (`201080063196.9`, a trademark number …).
    pub right: String,
    #[oai(skip_serializing_if_is_none)]
    pub right_title: Option<String>,
    /// The mediation organisation handling the case.
    pub organization_id: Uuid,
    #[oai(skip_serializing_if_is_none)]
    pub referring_court_id: Option<Uuid>,
    pub city: String,
    #[oai(skip_serializing_if_is_none)]
    pub court_procedure: Option<CourtProcedureName>,
    /// In fen (分), CNY.
    #[oai(skip_serializing_if_is_none)]
    pub amount_fen: Option<i64>,
    pub claims: Vec<String>,
    pub parties: Vec<PartyView>,
    pub consent: ConsentName,
    /// Why it was declined, failed or withdrawn, or the note on performance.
    #[oai(skip_serializing_if_is_none)]
    pub reason: Option<String>,
    /// R4: the routes the parties were told of when mediation failed.
    pub routes: Vec<RouteName>,
    #[oai(skip_serializing_if_is_none)]
    pub withdrawn_by: Option<SideName>,
    /// A court confirmed the settlement agreement (司法确认): it can be enforced.
    pub enforceable: bool,
    /// Court-referred cases: the day the case went back to the referring court unsettled
    /// (declined, failed, withdrawn, or its R15 term over).
    #[oai(skip_serializing_if_is_none)]
    pub returned_on: Option<NaiveDate>,
    pub assigned_mediators: Vec<Uuid>,
    pub deadlines: Vec<DeadlineView>,
    #[oai(skip_serializing_if_is_none)]
    pub agreement: Option<SettlementAgreementSummary>,
    /// Parties' identity numbers, phones and addresses are hidden from this caller.
    pub personal_data_masked: bool,
    /// Send as `If-Match` with a change to make sure nobody changed the case meanwhile.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn summary(agreement: &SettlementAgreement, case: &Case) -> SettlementAgreementSummary {
    let required = u32::try_from(required_signers(&case.parties).len()).unwrap_or(u32::MAX);
    SettlementAgreementSummary {
        digest: agreement.digest.clone(),
        decides_ownership_or_validity: agreement.content.decides_ownership_or_validity,
        signatures_required: required,
        signatures_recorded: u32::try_from(agreement.signatures.len()).unwrap_or(u32::MAX),
        effective_at: agreement.effective_at,
    }
}

/// The full view of a case as its caller may see it, with its deadlines, assignments and
/// agreement.
pub fn case_view(detail: CaseDetail) -> CaseView {
    let CaseDetail {
        case,
        personal_data_masked,
        deadlines,
        assigned_mediators,
        agreement,
        today,
        reference: _,
    } = detail;
    CaseView {
        id: case.id.as_uuid(),
        agreement: agreement.as_ref().map(|a| summary(a, &case)),
        case_number: case.case_number,
        status: case.status.into(),
        track: case.track.into(),
        ip_type: case.ip_type.into(),
        right: case.right,
        right_title: case.right_title,
        organization_id: case.organization_id.as_uuid(),
        referring_court_id: case.referring_court_id.map(|c| c.as_uuid()),
        city: case.city,
        court_procedure: case.court_procedure.map(Into::into),
        amount_fen: case.amount_fen,
        claims: case.claims,
        parties: case.parties.into_iter().map(PartyView::from).collect(),
        consent: case.consent.into(),
        reason: case.reason,
        routes: case.routes.into_iter().map(Into::into).collect(),
        withdrawn_by: case.withdrawn_by.map(Into::into),
        enforceable: case.enforceable,
        returned_on: case.returned_on,
        assigned_mediators: assigned_mediators
            .into_iter()
            .map(|a| a.as_uuid())
            .collect(),
        deadlines: deadlines
            .into_iter()
            .map(|d| DeadlineView::new(d, today))
            .collect(),
        personal_data_masked,
        version: case.version,
        created_at: case.created_at,
        updated_at: case.updated_at,
    }
}

/// A party in a list: who, not how to reach them.
#[derive(Object)]
pub struct PartySummary {
    pub number: u32,
    pub side: SideName,
    pub name: String,
}

/// A case in a list.
#[derive(Object)]
pub struct CaseSummary {
    pub id: Uuid,
    #[oai(skip_serializing_if_is_none)]
    pub case_number: Option<String>,
    pub status: CaseStatusName,
    pub track: TrackName,
    pub ip_type: IpTypeName,
    pub right: String,
    pub parties: Vec<PartySummary>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Case> for CaseSummary {
    fn from(case: Case) -> Self {
        Self {
            id: case.id.as_uuid(),
            case_number: case.case_number,
            status: case.status.into(),
            track: case.track.into(),
            ip_type: case.ip_type.into(),
            right: case.right,
            parties: case
                .parties
                .into_iter()
                .map(|p| PartySummary {
                    number: p.number,
                    side: p.side.into(),
                    name: p.name,
                })
                .collect(),
            version: case.version,
            created_at: case.created_at,
            updated_at: case.updated_at,
        }
    }
}

/// One page of cases, newest first.
#[derive(Object)]
pub struct CasePage {
    pub items: Vec<CaseSummary>,
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

/// One entry of the timeline.
#[derive(Object)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// The account that acted; absent when the platform itself did (a court-referred term
    /// running out, R15).
    #[oai(skip_serializing_if_is_none)]
    pub actor_id: Option<Uuid>,
    /// The actor's role; absent when the platform itself acted.
    #[oai(skip_serializing_if_is_none)]
    pub actor_role: Option<crate::v1::wire::RoleName>,
    /// The operation: `submit_case`, `accept_case`, `record_consent`, `sign_agreement`,
    /// `apply_for_confirmation`, `accept_application`, `confirm_agreement`, `return_to_court` …
    pub action: String,
    #[oai(skip_serializing_if_is_none)]
    pub from_status: Option<CaseStatusName>,
    #[oai(skip_serializing_if_is_none)]
    pub to_status: Option<CaseStatusName>,
    #[oai(skip_serializing_if_is_none)]
    pub detail: Option<String>,
}

impl From<CaseEvent> for TimelineEntry {
    fn from(e: CaseEvent) -> Self {
        Self {
            at: e.at,
            actor_id: match e.actor {
                Actor::Account { id, .. } => Some(id.as_uuid()),
                Actor::Platform => None,
            },
            actor_role: match e.actor {
                Actor::Account { role, .. } => Some(role.into()),
                Actor::Platform => None,
            },
            action: e.action.as_str().to_owned(),
            from_status: e.from_status.map(Into::into),
            to_status: e.to_status.map(Into::into),
            detail: e.detail,
        }
    }
}

/// The case's timeline, oldest first.
#[derive(Object)]
pub struct Timeline {
    pub case_id: Uuid,
    pub events: Vec<TimelineEntry>,
}
