//! Cooperation agreements and partner nodes, as administrators keep them.
use chrono::NaiveDate;
use ipdr_domain::access::{Action, Principal, Resource, authorize};
use ipdr_domain::account::Role;
use ipdr_domain::case::IpType;
use ipdr_domain::referral::cooperation_agreement::{check_settable, check_terms};
use ipdr_domain::referral::{AgreementScope, AgreementStatus, NodeId, ReferralKind, ResponseDays};
use ipdr_domain::{AccountId, Invalid, ValidationErrors};
use ipdr_persistence::repo::accounts;
use ipdr_persistence::repo::federation::cooperation_agreements;
use serde::Deserialize;
use uuid::Uuid;

pub use ipdr_persistence::repo::federation::cooperation_agreements::CooperationAgreement;

use crate::service::error::{AppError, AppResult, Conflict, Versioned, permit};
use crate::service::unit_of_work::{emit_about, write};
use crate::state::AppState;
use ipdr_domain::event::{By, EventKind, Subject};

/// Checks that `caller` administers the federation (partner nodes, cooperation agreements, the
/// outbox) and may do `action` there.
///
/// # Errors
/// `Forbidden` for anyone but an administrator.
pub fn administer(caller: &Principal, action: Action) -> AppResult<()> {
    permit(authorize(caller, action, &Resource::Federation))
}

/// An agreement as an administrator enters it (or the seed file holds it).
pub struct AgreementTerms {
    pub code: String,
    pub title: String,
    pub partner_node: String,
    pub ip_types: Vec<IpType>,
    pub kinds: Vec<ReferralKind>,
    pub days: (u32, u32, u32),
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub status: AgreementStatus,
    pub liaisons: Vec<AccountId>,
}

/// Checks that every account is an active liaison officer here.
///
/// # Errors
/// `Invalid` naming `liaisons[i]`; `Internal`.
pub async fn check_liaisons(state: &AppState, liaisons: &[AccountId]) -> Result<(), AppError> {
    let mut errors = ValidationErrors::default();
    for (i, id) in liaisons.iter().enumerate() {
        let ok = accounts::get(&state.db, *id)
            .await?
            .is_some_and(|a| a.role == Role::Liaison && a.status == ipdr_domain::Status::Active);
        if !ok {
            errors.push(
                &format!("liaisons[{i}]"),
                Invalid::new(
                    "not_a_liaison",
                    "not an active liaison officer of this node",
                ),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.into())
    }
}

/// Stores a new agreement.
///
/// # Errors
/// `Invalid` for inconsistent terms, `Refused` for a taken code, `Internal`.
pub async fn create(
    state: &AppState,
    by: &By,
    terms: AgreementTerms,
) -> Result<CooperationAgreement, AppError> {
    let mut errors = ValidationErrors::default();
    let code = errors.check("code", NodeId::parse(&terms.code).map(|c| c.to_string()));
    let title = errors.check(
        "title",
        ipdr_domain::validation::bounded_text(&terms.title, 300),
    );
    let partner = errors.check("partner_node", NodeId::parse(&terms.partner_node));
    if partner.as_ref() == Some(&state.node.id) {
        errors.push(
            "partner_node",
            Invalid::new("own_node", "an agreement is with another node"),
        );
    }
    let days = match ResponseDays::parse(terms.days.0, terms.days.1, terms.days.2) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    if let Err(e) = check_terms(
        &terms.ip_types,
        &terms.kinds,
        terms.valid_from,
        terms.valid_until,
        terms.status,
    ) {
        errors.0.extend(e.0);
    }
    let (Some(code), Some(title), Some(partner), Some(days)) = (code, title, partner, days) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    check_liaisons(state, &terms.liaisons).await?;
    let now = state.clock.now();
    let agreement = CooperationAgreement {
        id: Uuid::now_v7(),
        code,
        title,
        local_node: state.node.id.to_string(),
        partner_node: partner.to_string(),
        scope: AgreementScope {
            status: terms.status,
            valid_from: terms.valid_from,
            valid_until: terms.valid_until,
            ip_types: terms.ip_types,
            kinds: terms.kinds,
        },
        days,
        liaisons: terms.liaisons,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    write(&state.db, async |txn| {
        cooperation_agreements::insert(txn, &agreement).await?;
        let subject = Subject::CooperationAgreement(agreement.id);
        let kind = EventKind::CreateCooperationAgreement;
        emit_about(txn, kind, subject, by.clone(), now).await
    })
    .await?;
    tracing::info!(agreement = %agreement.code, partner = %agreement.partner_node, "cooperation agreement stored");
    Ok(agreement)
}

#[derive(Deserialize)]
struct Seed {
    code: String,
    title: String,
    nodes: [String; 2],
    ip_types: Vec<String>,
    kinds: Vec<String>,
    valid_from: NaiveDate,
    valid_until: Option<NaiveDate>,
}

/// The seed agreements, as data.
const SEEDS: &str = include_str!("../federation/seed_agreements.json");

/// Loads the seed agreements this node is a party to (active, with the R28 default days and no
/// liaison officers yet); codes already stored are skipped. Returns (loaded, skipped) codes.
///
/// # Errors
/// `Internal` (the seed file is part of the build and is checked by a test).
pub async fn load_seeds(state: &AppState, by: &By) -> Result<(Vec<String>, Vec<String>), AppError> {
    let seeds: Vec<Seed> = serde_json::from_str(SEEDS)
        .map_err(|e| AppError::internal(format!("the seed agreements do not parse: {e}")))?;
    let own = state.node.id.as_str();
    let (mut loaded, mut skipped) = (Vec::new(), Vec::new());
    for seed in seeds
        .into_iter()
        .filter(|s| s.nodes.iter().any(|n| n == own))
    {
        let partner = seed
            .nodes
            .iter()
            .find(|n| *n != own)
            .cloned()
            .unwrap_or_default();
        let terms = AgreementTerms {
            code: seed.code.clone(),
            title: seed.title,
            partner_node: partner,
            ip_types: seed
                .ip_types
                .iter()
                .filter_map(|t| IpType::parse(t))
                .collect(),
            kinds: seed
                .kinds
                .iter()
                .filter_map(|k| ReferralKind::parse(k))
                .collect(),
            days: (
                ResponseDays::R28_DEFAULTS.acknowledge,
                ResponseDays::R28_DEFAULTS.decide,
                ResponseDays::R28_DEFAULTS.report,
            ),
            valid_from: seed.valid_from,
            valid_until: seed.valid_until,
            status: AgreementStatus::Active,
            liaisons: Vec::new(),
        };
        match create(state, by, terms).await {
            Ok(_) => loaded.push(seed.code),
            Err(AppError::Conflict(Conflict::AgreementCode)) => skipped.push(seed.code),
            Err(problem) => return Err(problem),
        }
    }
    Ok((loaded, skipped))
}

/// Changes an agreement's status or liaison officers.
///
/// # Errors
/// `NotFound`, `Stale` on a concurrent change, `Invalid`, `Internal`.
pub async fn update(
    state: &AppState,
    by: &By,
    id: Uuid,
    if_match: Option<i64>,
    change: impl FnOnce(&mut CooperationAgreement) -> Result<(), AppError>,
) -> Result<CooperationAgreement, AppError> {
    let mut agreement = cooperation_agreements::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if if_match.is_some_and(|v| v != agreement.version) {
        return Err(AppError::stale(Versioned::CooperationAgreement, if_match));
    }
    let expected = agreement.version;
    change(&mut agreement)?;
    check_liaisons(state, &agreement.liaisons).await?;
    write(&state.db, async |txn| {
        let now = state.clock.now();
        let saved = cooperation_agreements::save(txn, &agreement, expected, now)
            .await
            .map_err(|e| AppError::from(e).with_named_version(if_match))?;
        let subject = Subject::CooperationAgreement(saved.id);
        let kind = EventKind::UpdateCooperationAgreement;
        emit_about(txn, kind, subject, by.clone(), now).await?;
        Ok(saved)
    })
    .await
}

/// Stores a new agreement, as an administrator asks.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `Invalid` for inconsistent terms or an account
/// that is not an active liaison officer; `Conflict` for a taken code; `Internal`.
pub async fn create_agreement(
    state: &AppState,
    caller: &Principal,
    terms: AgreementTerms,
) -> AppResult<CooperationAgreement> {
    administer(caller, Action::Create)?;
    create(state, &caller.actor().into(), terms).await
}

/// Loads the seed agreements this node is a party to (see [`load_seeds`]), as an
/// administrator asks. Returns (loaded, skipped) codes.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `Internal`.
pub async fn load_seed_agreements(
    state: &AppState,
    caller: &Principal,
) -> AppResult<(Vec<String>, Vec<String>)> {
    administer(caller, Action::Create)?;
    load_seeds(state, &caller.actor().into()).await
}

/// This node's copies of its agreements, by code.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `Internal`.
pub async fn list_agreements(
    state: &AppState,
    caller: &Principal,
) -> AppResult<Vec<CooperationAgreement>> {
    administer(caller, Action::List)?;
    Ok(cooperation_agreements::list(&state.db).await?)
}

/// One agreement.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `NotFound`; `Internal`.
pub async fn get_agreement(
    state: &AppState,
    caller: &Principal,
    id: Uuid,
) -> AppResult<CooperationAgreement> {
    administer(caller, Action::Read)?;
    cooperation_agreements::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Sets an agreement's status (`expired` follows from its dates and cannot be set).
///
/// `if_match` is the version the caller requires, as the adapter read it: its own error for a
/// malformed one is returned as it is, once the caller is known to be an administrator.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; then `if_match`'s error; `NotFound`; `Invalid`
/// naming `status`; `Stale` when the agreement changed; `Internal`.
pub async fn set_agreement_status<E: From<AppError>>(
    state: &AppState,
    caller: &Principal,
    id: Uuid,
    if_match: Result<Option<i64>, E>,
    status: AgreementStatus,
) -> Result<CooperationAgreement, E> {
    administer(caller, Action::Update)?;
    let if_match = if_match?;
    let saved = update(state, &caller.actor().into(), id, if_match, |a| {
        check_settable(status).map_err(|e| ValidationErrors::one("status", e))?;
        a.scope.status = status;
        Ok(())
    })
    .await?;
    tracing::info!(agreement = %saved.code, status = status.as_str(), "agreement status changed");
    Ok(saved)
}

/// Sets an agreement's liaison officers: the local liaison accounts who read and answer the
/// referrals under it. `if_match` as for [`set_agreement_status`].
///
/// # Errors
/// `Forbidden` for anyone but an administrator; then `if_match`'s error; `NotFound`; `Invalid`
/// naming `liaisons[i]` for an account that is not an active liaison officer; `Stale` when the
/// agreement changed; `Internal`.
pub async fn set_agreement_liaisons<E: From<AppError>>(
    state: &AppState,
    caller: &Principal,
    id: Uuid,
    if_match: Result<Option<i64>, E>,
    liaisons: Vec<AccountId>,
) -> Result<CooperationAgreement, E> {
    administer(caller, Action::Update)?;
    let if_match = if_match?;
    Ok(update(state, &caller.actor().into(), id, if_match, |a| {
        a.liaisons = liaisons;
        Ok(())
    })
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_file_names_known_nodes_types_and_kinds() {
        let seeds: Vec<Seed> = serde_json::from_str(SEEDS).unwrap();
        let codes: Vec<_> = seeds.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "dalian-weihai-gi",
                "dalian-yantai-gi",
                "dalian-dandong-gi",
                "xining-lanzhou-ip",
                "xining-baiyin-ip"
            ]
        );
        for seed in &seeds {
            assert!(
                seed.ip_types.iter().all(|t| IpType::parse(t).is_some()),
                "{}",
                seed.code
            );
            assert!(
                seed.kinds.iter().all(|k| ReferralKind::parse(k).is_some()),
                "{}",
                seed.code
            );
            assert!(seed.nodes.iter().all(|n| NodeId::parse(n).is_ok()));
            assert!(NodeId::parse(&seed.code).is_ok());
        }
    }
}
