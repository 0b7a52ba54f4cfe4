//! Referrals to and from partner nodes: sending one, taking a step on one, and applying what a
//! partner reports. Every local change writes its federation message to the outbox in the same
//! transaction; the delivery worker does the rest.
mod clocks;
mod read;
mod receive;
pub mod steps;

use ipdr_domain::access::{Action, Principal, ReferralRef, Resource, authorize};
use ipdr_domain::case::IpType;
use ipdr_domain::referral::{Direction, ReferralKind, ReferralStatus, check_local_end};
use ipdr_domain::validation::bounded_text;
use ipdr_domain::{CaseId, Invalid, ValidationErrors};
use ipdr_persistence::repo::calendar;
use ipdr_persistence::repo::cases::{self as case_repo, documents};
use ipdr_persistence::repo::federation::cooperation_agreements::{self, CooperationAgreement};
use ipdr_persistence::repo::federation::outbox::{self, OutboxMessage, OutboxStatus};
use ipdr_persistence::repo::federation::partners;
use ipdr_persistence::repo::federation::referrals::{self, ReferralDocument};
use ipdr_persistence::{ConnectionTrait, begin_write};
use uuid::Uuid;

pub use clocks::{escalate_breaches, is_overdue};
pub use ipdr_persistence::repo::federation::referrals::{Referral, ReferralParty};
pub use read::{
    ListedReferral, Page, PageRequest, ReferralDeadline, ReferralDetail, ReferralEvent,
    ReferralFilter, awaiting_answer, case_handlers, list_referrals, may_answer, may_send,
    read_referral, send_new, send_referral, sendable_agreements, take_referral_step,
};
pub use receive::receive;

use crate::federation::message::{Message, Step};
use crate::service::cases as case_service;
use crate::service::error::permit;
use crate::service::error::{AppError, Versioned};
use crate::service::unit_of_work::{Created, commit, created};
use crate::state::AppState;
use steps::Taken;

/// A referral as a local user sends it.
pub struct Sending {
    pub agreement_id: Uuid,
    pub kind: ReferralKind,
    pub summary: String,
    /// The local case it concerns: its IP type, right, parties and document digests are taken
    /// from the case.
    pub case_id: Option<CaseId>,
    /// Without a case: what it is about.
    pub ip_type: Option<IpType>,
    pub right_identifier: Option<String>,
    pub parties: Vec<ReferralParty>,
}

/// The policy's view of a referral for `caller`.
///
/// # Errors
/// `Internal`.
pub async fn referral_ref(
    db: &impl ConnectionTrait,
    caller: &Principal,
    referral: &Referral,
) -> Result<ReferralRef, AppError> {
    let listed = match cooperation_agreements::by_code(db, &referral.agreement_code).await? {
        Some(a) => a.liaisons.contains(&caller.account_id),
        None => false,
    };
    let case_organization_id = match referral.case_id {
        Some(id) => case_repo::get(db, id).await?.map(|c| c.organization_id),
        None => None,
    };
    Ok(ReferralRef {
        incoming: referral.direction == Direction::Incoming,
        caller_is_agreement_liaison: listed,
        sent_by_caller: referral.sent_by == Some(caller.account_id),
        case_organization_id,
    })
}

/// Loads a referral the caller may do `action` to (`NotFound` when missing or invisible, `Forbidden` when
/// visible but not theirs to change).
///
/// # Errors
/// `NotFound`, `Forbidden`, `Internal`.
pub async fn authorized(
    db: &impl ConnectionTrait,
    caller: &Principal,
    id: Uuid,
    action: Action,
    lock: bool,
) -> Result<Referral, AppError> {
    let found = if lock {
        referrals::lock(db, id).await?
    } else {
        referrals::get(db, id).await?
    };
    let referral = found.ok_or(AppError::NotFound)?;
    let reference = referral_ref(db, caller, &referral).await?;
    permit(authorize(caller, action, &Resource::Referral(reference)))?;
    Ok(referral)
}

fn one(field: &str, code: &'static str, message: impl Into<String>) -> AppError {
    ValidationErrors::one(field, Invalid::new(code, message)).into()
}

/// The agreement a referral is sent under, checked against this node's registry and the
/// agreement's scope.
async fn usable_agreement(
    state: &AppState,
    id: Uuid,
    kind: ReferralKind,
    ip_type: IpType,
) -> Result<CooperationAgreement, AppError> {
    let agreement = cooperation_agreements::get(&state.db, id)
        .await?
        .ok_or_else(|| {
            one(
                "agreement_id",
                "unknown_agreement",
                "no cooperation agreement with this id",
            )
        })?;
    let registered = partners::get(&state.db, &agreement.partner_node)
        .await?
        .is_some_and(|p| p.active);
    if !registered {
        return Err(one(
            "agreement_id",
            "partner_not_registered",
            format!(
                "the partner node `{}` is not registered (or not active) here",
                agreement.partner_node
            ),
        ));
    }
    agreement
        .scope
        .check_referral(kind, ip_type, state.clock.today())?;
    Ok(agreement)
}

/// What a referral carries of a local case: the IP type, the right, the parties' names and
/// credit codes, the documents' digests — no identity numbers, contacts, opinions, or the
/// settlement agreement.
async fn from_case(
    state: &AppState,
    caller: &Principal,
    id: CaseId,
) -> Result<(IpType, String, Vec<ReferralParty>, Vec<ReferralDocument>), AppError> {
    let case = case_service::authorized(state, caller, id, Action::Read).await?;
    let parties = case
        .parties
        .iter()
        .map(|p| ReferralParty {
            side: p.side.as_str().to_owned(),
            kind: p.kind.as_str().to_owned(),
            name: p.name.clone(),
            credit_code: p.credit_code.as_ref().map(|c| c.as_str().to_owned()),
        })
        .collect();
    let documents = documents::list(&state.db, case.id)
        .await?
        .into_iter()
        .filter(|d| d.kind.travels_in_referrals())
        .map(|d| ReferralDocument {
            name: d.filename,
            sha256: d.sha256,
            size: i64::try_from(d.size).unwrap_or(i64::MAX),
        })
        .collect();
    Ok((case.ip_type, case.right, parties, documents))
}

fn check_parties(parties: &[ReferralParty]) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    if parties.is_empty() || parties.len() > 20 {
        errors.push("parties", Invalid::new("required", "1 to 20 parties"));
    }
    for (i, p) in parties.iter().enumerate() {
        let at = |f: &str| format!("parties[{i}].{f}");
        errors.check(&at("name"), bounded_text(&p.name, 200));
        if let Some(code) = &p.credit_code {
            errors.check(
                &at("credit_code"),
                ipdr_domain::case::identifiers::CreditCode::parse(code),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Queues the message announcing `step` on `referral` (whose `local_seq` is already advanced).
async fn enqueue(
    db: &impl ConnectionTrait,
    state: &AppState,
    referral: &Referral,
    step: Step,
    taken: &Taken<'_>,
) -> Result<(), AppError> {
    let message = Message {
        id: Uuid::now_v7(),
        referral_id: referral.id,
        seq: referral.local_seq,
        from: state.node.id.to_string(),
        to: referral.partner_node.clone(),
        at: taken.at,
        on: taken.on,
        role: taken.role.to_owned(),
        step,
    };
    let body = serde_json::to_string(&message)
        .map_err(|e| AppError::internal(format!("a federation message did not serialise: {e}")))?;
    outbox::enqueue(
        db,
        &OutboxMessage {
            id: message.id,
            partner_node: referral.partner_node.clone(),
            referral_id: referral.id,
            seq: message.seq,
            body,
            status: OutboxStatus::Pending,
            attempts: 0,
            next_attempt_at: chrono::Utc::now(),
            lease_until: None,
            last_error: None,
            // Operational time, not the business clock: the worker compares with the real now.
            created_at: chrono::Utc::now(),
            delivered_at: None,
        },
    )
    .await?;
    Ok(())
}

/// Sends a referral: checks the agreement, stores the referral with its clocks and timeline, and
/// queues the message, all in `db`'s transaction.
///
/// # Errors
/// `Invalid` naming the agreement clause that refuses it, an unregistered partner, or bad fields;
/// `NotFound` for a case the caller cannot see; `Internal`.
pub async fn send(
    db: &impl ConnectionTrait,
    state: &AppState,
    caller: &Principal,
    sending: Sending,
) -> Result<Referral, AppError> {
    permit(authorize(caller, Action::Create, &Resource::Referrals))?;
    let summary =
        bounded_text(&sending.summary, 2000).map_err(|e| ValidationErrors::one("summary", e))?;
    let (ip_type, right, parties, documents) = match sending.case_id {
        Some(id) => {
            let (t, r, p, d) = from_case(state, caller, id).await?;
            (t, Some(r), p, d)
        }
        None => {
            let ip_type = sending
                .ip_type
                .ok_or_else(|| one("ip_type", "required", "name the IP type, or a case"))?;
            check_parties(&sending.parties)?;
            // Plain text like a case's right: no control characters (nor NUL, which
            // PostgreSQL cannot store), bounded.
            let right = sending
                .right_identifier
                .map(|r| {
                    bounded_text(&r, 200).map_err(|e| ValidationErrors::one("right_identifier", e))
                })
                .transpose()?;
            (ip_type, right, sending.parties, Vec::new())
        }
    };
    let agreement = usable_agreement(state, sending.agreement_id, sending.kind, ip_type).await?;
    let now = state.clock.now();
    let taken = Taken {
        by: caller.actor().into(),
        node: state.node.id.as_str(),
        role: caller.role.as_str(),
        at: now,
        on: state.clock.today(),
    };
    let referral = Referral {
        id: Uuid::now_v7(),
        direction: Direction::Outgoing,
        partner_node: agreement.partner_node.clone(),
        agreement_code: agreement.code.clone(),
        kind: sending.kind,
        ip_type,
        right_identifier: right,
        summary,
        parties,
        documents,
        case_id: sending.case_id,
        partner_case_number: None,
        sent_by: Some(caller.account_id),
        sent_on: taken.on,
        status: ReferralStatus::Sent,
        decline_reason: None,
        outcome: None,
        local_seq: 1,
        peer_seq: 0,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    referrals::insert(db, &referral).await?;
    created(Created::Referral(referral.id));
    let calendar = calendar::load(db).await?;
    steps::opened(db, &calendar, &referral, agreement.days, &taken).await?;
    let step = Step::Referred {
        agreement_code: referral.agreement_code.clone(),
        kind: referral.kind.as_str().to_owned(),
        ip_type: referral.ip_type.as_str().to_owned(),
        right_identifier: referral.right_identifier.clone(),
        summary: referral.summary.clone(),
        parties: referral.parties.clone(),
        documents: referral.documents.clone(),
    };
    enqueue(db, state, &referral, step, &taken).await?;
    tracing::info!(referral = %referral.id, partner = %referral.partner_node, kind = referral.kind.as_str(), "referral sent");
    Ok(referral)
}

/// What accepting may open here: a case in a local mediation organisation, linked to the
/// referral.
pub struct OpenCase {
    pub organization_id: ipdr_domain::OrganizationId,
    pub track: ipdr_domain::case::Track,
    pub city: String,
}

/// Takes a step on a referral here (and tells the partner).
///
/// # Errors
/// `NotFound`/`Forbidden` by the policy; `Stale` when `if_match` is stale; `Refused` when the step does not follow or is
/// the other node's; `Invalid` for bad fields or a case that cannot be opened; `Internal`.
pub async fn take_step(
    state: &AppState,
    caller: &Principal,
    id: Uuid,
    if_match: Option<i64>,
    step: Step,
    open_case: Option<OpenCase>,
) -> Result<Referral, AppError> {
    let txn = begin_write(&state.db).await?;
    let mut referral = authorized(&txn, caller, id, Action::Update, true).await?;
    if if_match.is_some_and(|v| v != referral.version) {
        return Err(AppError::stale(Versioned::Referral, if_match));
    }
    check_local_end(referral.direction.local_end(), step.kind())?;
    let agreement = cooperation_agreements::by_code(&txn, &referral.agreement_code)
        .await?
        .ok_or_else(|| AppError::missing("the cooperation agreement of a stored referral"))?;
    let now = state.clock.now();
    let taken = Taken {
        by: caller.actor().into(),
        node: state.node.id.as_str(),
        role: caller.role.as_str(),
        at: now,
        on: state.clock.today(),
    };
    let step = match (step, open_case) {
        (Step::Accepted { .. }, Some(open)) => {
            let case = receive::open_linked_case(&txn, state, caller, &referral, open).await?;
            referral.case_id = Some(case);
            Step::Accepted {
                case_number: Some(case.to_string()),
            }
        }
        (step, _) => step,
    };
    let calendar = calendar::load(&txn).await?;
    steps::apply(
        &txn,
        &calendar,
        agreement.days,
        &mut referral,
        &step,
        &taken,
    )
    .await?;
    referral.local_seq += 1;
    enqueue(&txn, state, &referral, step, &taken).await?;
    let expected = referral.version;
    let saved = referrals::save(&txn, &referral, expected, now)
        .await
        .map_err(|e| AppError::from(e).with_named_version(if_match))?;
    commit(txn).await?;
    state.outbox_wake.notify_one();
    tracing::info!(referral = %id, step = saved.status.as_str(), "referral step taken");
    Ok(saved)
}
