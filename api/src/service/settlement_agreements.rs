//! Recording the settlement agreement and its signatures (R6).
use crate::service::unit_of_work::emit_on_case;
use ipdr_domain::CaseId;
use ipdr_domain::access::Principal;
use ipdr_domain::case::agreement::{
    AgreementContent, SignatureMethod, Signer, check_record, check_signature, required_signers,
};
use ipdr_domain::case::lifecycle::CaseAction;
use ipdr_domain::case::stored::{Case, CaseEvent, SettlementAgreement, Signature};
use ipdr_domain::event::EventKind;
use ipdr_persistence::begin_write;
use ipdr_persistence::repo::cases::settlement_agreement;

use crate::service::cases::{apply_in, authorized, event, load_for_update, save};
use crate::service::error::AppError;
use crate::service::unit_of_work::commit;
use crate::state::AppState;
use ipdr_domain::access::Action;

/// Records or replaces the agreement of a case in mediation that no one has signed yet.
///
/// # Errors
/// `Refused` `agreement_frozen` (R6) after the first signature, `Refused` outside mediation, `Stale`, `Internal`.
pub async fn record(
    state: &AppState,
    caller: &Principal,
    id: CaseId,
    if_match: Option<i64>,
    content: &AgreementContent,
) -> Result<(Case, SettlementAgreement), AppError> {
    let txn = begin_write(&state.db).await?;
    let current = load_for_update(&txn, id, if_match).await?;
    let signed = settlement_agreement::get(&txn, id)
        .await?
        .map_or(0, |a| a.signatures.len());
    check_record(current.status, signed)?;
    settlement_agreement::put(&txn, id, content, caller.account_id, state.clock.now()).await?;
    let recorded = CaseEvent {
        detail: Some(format!("digest {}", content.digest())),
        ..event(state, caller, EventKind::RecordAgreement)
    };
    emit_on_case(&txn, id, None, recorded).await?;
    let saved = save(&txn, state, &current, &current, if_match).await?;
    let stored = settlement_agreement::get(&txn, id)
        .await?
        .ok_or_else(|| AppError::missing("the settlement agreement just written"))?;
    commit(txn).await?;
    Ok((saved, stored))
}

/// Records one signature; the last required one makes the agreement effective and settles the
/// case in the same transaction (R6), which opens the 30-day confirmation window (R8).
///
/// # Errors
/// `Refused` (`no_agreement`, `unknown_signer`, `already_signed`, outside mediation), `Stale`, `Internal`.
pub async fn sign(
    state: &AppState,
    caller: &Principal,
    id: CaseId,
    if_match: Option<i64>,
    signer: Signer,
    method: SignatureMethod,
) -> Result<(Case, SettlementAgreement), AppError> {
    let txn = begin_write(&state.db).await?;
    let current = load_for_update(&txn, id, if_match).await?;
    let existing = settlement_agreement::get(&txn, id).await?;
    let signed: Vec<Signer> = existing
        .iter()
        .flat_map(|a| a.signatures.iter().map(|s| s.signer))
        .collect();
    let required = required_signers(&current.parties);
    let effective = check_signature(
        current.status,
        existing.is_some(),
        &required,
        &signed,
        signer,
    )?;
    let now = state.clock.now();
    settlement_agreement::add_signature(
        &txn,
        id,
        &Signature {
            signer,
            method,
            recorded_by: caller.account_id,
            recorded_at: now,
        },
    )
    .await
    .map_err(|e| AppError::from(e).with_named_version(if_match))?;
    let who = match signer {
        Signer::Party(n) => format!("party {n}"),
        Signer::Mediator => "the mediator".to_owned(),
    };
    let recorded = CaseEvent {
        detail: Some(format!("{who} signed ({method})")),
        ..event(state, caller, EventKind::SignAgreement)
    };
    emit_on_case(&txn, id, None, recorded).await?;
    let saved = if effective {
        settlement_agreement::mark_effective(&txn, id, now).await?;
        apply_in(
            &txn,
            state,
            caller.actor(),
            &current,
            if_match,
            &CaseAction::Settle,
        )
        .await?
    } else {
        save(&txn, state, &current, &current, if_match).await?
    };
    let stored = settlement_agreement::get(&txn, id)
        .await?
        .ok_or_else(|| AppError::missing("the settlement agreement just signed"))?;
    commit(txn).await?;
    Ok((saved, stored))
}

/// [`record`] for a caller the policy must let change the case first (the console).
///
/// # Errors
/// `NotFound`, `Forbidden`, then as [`record`].
pub async fn record_as(
    state: &AppState,
    caller: &Principal,
    id: CaseId,
    if_match: Option<i64>,
    content: &AgreementContent,
) -> Result<(Case, SettlementAgreement), AppError> {
    authorized(state, caller, id, Action::Update).await?;
    record(state, caller, id, if_match, content).await
}

/// [`sign`] for a caller the policy must let change the case first (the console).
///
/// # Errors
/// `NotFound`, `Forbidden`, then as [`sign`].
pub async fn sign_as(
    state: &AppState,
    caller: &Principal,
    id: CaseId,
    if_match: Option<i64>,
    signer: Signer,
    method: SignatureMethod,
) -> Result<(Case, SettlementAgreement), AppError> {
    authorized(state, caller, id, Action::Update).await?;
    sign(state, caller, id, if_match, signer, method).await
}
