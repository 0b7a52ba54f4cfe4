//! Applying a partner's message: exactly once (the inbox row is claimed in the transaction of
//! the effect), in order (`seq`), and only to referrals between this node and that partner.
use ipdr_domain::access::Principal;
use ipdr_domain::case::intake::{CaseDraft, PartyDraft};
use ipdr_domain::case::{PartyKind, Side};
use ipdr_domain::event::By;
use ipdr_domain::referral::{Direction, End, ReferralStatus, check_local_end};
use ipdr_domain::{CaseId, Invalid, ValidationErrors};
use ipdr_persistence::repo::calendar;
use ipdr_persistence::repo::federation::cooperation_agreements;
use ipdr_persistence::repo::federation::inbox;
use ipdr_persistence::repo::federation::partners::Partner;
use ipdr_persistence::repo::federation::referrals::{self, Referral};
use ipdr_persistence::repo::{Conflict, RepoError};
use ipdr_persistence::{ConnectionTrait, begin_write};

use super::OpenCase;
use super::steps::{self, Taken};
use crate::federation::message::{Message, Receipt, Step};
use crate::service::cases as case_service;
use crate::service::error::AppError;
use crate::service::unit_of_work::commit;
use crate::state::AppState;

/// A message refused for where it stands in the referral's sequence of steps.
fn protocol(code: &'static str, detail: impl Into<String>) -> AppError {
    AppError::refused_now(code, detail)
}

/// Applies `message` from `partner` once. A message already applied is answered with its first
/// receipt and changes nothing.
///
/// # Errors
/// `NotFound` for a referral that is not between this node and `partner`; `Refused` `out_of_order` (retry
/// later), `referral_step_not_allowed`, `not_your_step`; `Invalid` for an agreement or contents this
/// node does not accept; `Internal`.
pub async fn receive(
    state: &AppState,
    partner: &Partner,
    message: Message,
) -> Result<Receipt, AppError> {
    if let Some(first) = inbox::find(&state.db, message.id).await? {
        return replay(&first, partner);
    }
    let txn = begin_write(&state.db).await?;
    let now = state.clock.now();
    match inbox::claim(&txn, message.id, &partner.node_id, message.referral_id, now).await {
        Ok(()) => {}
        Err(RepoError::Conflict(Conflict::InboxMessage)) => {
            // A concurrent delivery of the same message committed first.
            drop(txn);
            let first = inbox::find(&state.db, message.id).await?.ok_or_else(|| {
                AppError::missing("the inbox message a concurrent delivery recorded")
            })?;
            return replay(&first, partner);
        }
        Err(e) => return Err(e.into()),
    }
    let status = apply(&txn, state, partner, &message).await?;
    let receipt = Receipt {
        message_id: message.id,
        referral_id: message.referral_id,
        status: status.as_str().to_owned(),
    };
    let answer = serde_json::to_string(&receipt)
        .map_err(|e| AppError::internal(format!("a receipt did not serialise: {e}")))?;
    inbox::answer(&txn, message.id, 200, &answer).await?;
    commit(txn).await?;
    tracing::info!(
        message = %message.id,
        referral = %message.referral_id,
        partner = %partner.node_id,
        step = message.step.kind().as_str(),
        "federation message applied"
    );
    Ok(receipt)
}

fn replay(first: &inbox::Recorded, partner: &Partner) -> Result<Receipt, AppError> {
    if first.partner_node != partner.node_id {
        // Another partner's message id: nothing of it is shown.
        return Err(AppError::NotFound);
    }
    tracing::info!("federation message received again; answered with its first receipt");
    serde_json::from_str(&first.answer)
        .map_err(|e| AppError::internal(format!("a stored receipt does not parse: {e}")))
}

async fn apply(
    db: &impl ConnectionTrait,
    state: &AppState,
    partner: &Partner,
    message: &Message,
) -> Result<ReferralStatus, AppError> {
    let taken = Taken {
        by: By::Partner {
            node: partner.node_id.clone(),
            role: message.role.clone(),
        },
        node: &partner.node_id,
        role: &message.role,
        at: message.at,
        on: message.on,
    };
    let calendar = calendar::load(db).await?;
    if let Step::Referred {
        agreement_code,
        kind,
        ip_type,
        right_identifier,
        summary,
        parties,
        documents,
    } = &message.step
    {
        if message.seq != 1 {
            return Err(protocol("out_of_order", "a referral starts at seq 1"));
        }
        let (kind, ip_type) = steps::kind_and_type(kind, ip_type)?;
        let agreement = cooperation_agreements::by_code(db, agreement_code)
            .await?
            .filter(|a| a.partner_node == partner.node_id)
            .ok_or_else(|| {
                AppError::from(ValidationErrors::one(
                    "step.agreement_code",
                    Invalid::new(
                        "unknown_agreement",
                        "no agreement with your node has this code here",
                    ),
                ))
            })?;
        agreement.scope.check_referral(kind, ip_type, message.on)?;
        let referral = Referral {
            id: message.referral_id,
            direction: Direction::Incoming,
            partner_node: partner.node_id.clone(),
            agreement_code: agreement.code.clone(),
            kind,
            ip_type,
            right_identifier: right_identifier.clone(),
            summary: summary.clone(),
            parties: parties.clone(),
            documents: documents.clone(),
            case_id: None,
            partner_case_number: None,
            sent_by: None,
            sent_on: message.on,
            status: ReferralStatus::Sent,
            decline_reason: None,
            outcome: None,
            local_seq: 0,
            peer_seq: 1,
            version: 1,
            created_at: state.clock.now(),
            updated_at: state.clock.now(),
        };
        referrals::insert(db, &referral)
            .await
            .map_err(|e| match e {
                RepoError::Conflict(Conflict::Referral) => {
                    protocol("referral_exists", "a referral with this id exists here")
                }
                other => other.into(),
            })?;
        steps::opened(db, &calendar, &referral, agreement.days, &taken).await?;
        return Ok(referral.status);
    }
    let mut referral = referrals::lock(db, message.referral_id)
        .await?
        .filter(|r| r.partner_node == partner.node_id)
        .ok_or(AppError::NotFound)?;
    if message.seq > referral.peer_seq + 1 {
        return Err(protocol(
            "out_of_order",
            format!(
                "expected message {} of this referral first",
                referral.peer_seq + 1
            ),
        ));
    }
    if message.seq <= referral.peer_seq {
        return Err(protocol(
            "stale_message",
            "a message with this seq was applied already",
        ));
    }
    // The partner takes the steps of its own end only.
    let partner_end = match referral.direction.local_end() {
        End::Sender => End::Receiver,
        End::Receiver => End::Sender,
    };
    check_local_end(partner_end, message.step.kind())?;
    let agreement = cooperation_agreements::by_code(db, &referral.agreement_code)
        .await?
        .ok_or_else(|| AppError::missing("the cooperation agreement of a stored referral"))?;
    steps::apply(
        db,
        &calendar,
        agreement.days,
        &mut referral,
        &message.step,
        &taken,
    )
    .await?;
    if let Step::Accepted { case_number } = &message.step {
        referral.partner_case_number.clone_from(case_number);
    }
    referral.peer_seq = message.seq;
    let expected = referral.version;
    let saved = referrals::save(db, &referral, expected, state.clock.now()).await?;
    Ok(saved.status)
}

/// Opens the local case an accepted referral is handled in, from what the referral carries.
///
/// # Errors
/// `Invalid` when the referral is outgoing or the case cannot be opened (fields named under
/// `open_case`), `Internal`.
pub(super) async fn open_linked_case(
    db: &impl ConnectionTrait,
    state: &AppState,
    caller: &Principal,
    referral: &Referral,
    open: OpenCase,
) -> Result<CaseId, AppError> {
    if referral.direction != Direction::Incoming {
        return Err(ValidationErrors::one(
            "open_case",
            Invalid::new(
                "not_allowed",
                "cases are opened for referrals received here",
            ),
        )
        .into());
    }
    let draft = CaseDraft {
        track: open.track,
        ip_type: referral.ip_type,
        right: referral.right_identifier.clone().unwrap_or_default(),
        right_title: None,
        parties: referral
            .parties
            .iter()
            .map(|p| PartyDraft {
                side: Side::parse(&p.side),
                kind: PartyKind::parse(&p.kind),
                name: p.name.clone(),
                credit_code: p.credit_code.clone(),
                ..PartyDraft::default()
            })
            .collect(),
        claims: vec![referral.summary.chars().take(500).collect()],
        amount_fen: None,
        city: open.city,
        court_procedure: None,
    };
    let case = case_service::open_for(db, state, caller, &draft, open.organization_id, None)
        .await
        .map_err(|e| match e {
            AppError::Invalid(mut errors) => {
                for field in &mut errors.0 {
                    field.field = format!("open_case.{}", field.field);
                }
                AppError::Invalid(errors)
            }
            other => other,
        })?;
    Ok(case.id)
}
