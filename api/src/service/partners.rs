//! The registry of partner nodes, as administrators keep it: messages go only to registered
//! URLs and are accepted only when signed by a registered key.
use ipdr_domain::access::{Action, Principal};
use ipdr_domain::referral::partner::{PartnerDetails, check_partner};
use ipdr_persistence::repo::federation::partners;

pub use ipdr_domain::referral::partner::{PartnerEntry, PartnerKey};
pub use ipdr_persistence::repo::federation::partners::{Partner, PublicKey};

use crate::service::cooperation_agreements::administer;
use crate::service::error::AppResult;
use crate::service::unit_of_work::{emit_about, write};
use crate::state::AppState;
use ipdr_domain::event::{EventKind, Subject};

/// A partner node to register, or its new details, as an administrator enters them.
pub struct PartnerInput {
    /// Its node id; ignored when updating (the id cannot change).
    pub node_id: Option<String>,
    pub entry: PartnerEntry,
    /// Default true; an inactive partner neither receives nor is accepted.
    pub active: Option<bool>,
}

fn partner(
    details: PartnerDetails,
    active: Option<bool>,
    created_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Partner {
    Partner {
        node_id: details.node_id.to_string(),
        name: details.name,
        city: details.city,
        base_url: details.base_url,
        keys: details
            .keys
            .into_iter()
            .map(|k| PublicKey { kid: k.kid, x: k.x })
            .collect(),
        active: active.unwrap_or(true),
        created_at,
        updated_at: now,
    }
}

/// Registers a partner node.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `Invalid` naming each field at fault (this
/// node's own id among them); `Conflict` when the node is registered already; `Internal`.
pub async fn register_partner(
    state: &AppState,
    caller: &Principal,
    input: PartnerInput,
) -> AppResult<Partner> {
    administer(caller, Action::Create)?;
    let node_id = input.node_id.unwrap_or_default();
    let details = check_partner(&state.node.id, &node_id, input.entry)?;
    let now = state.clock.now();
    let partner = partner(details, input.active, now, now);
    write(&state.db, async |txn| {
        partners::insert(txn, &partner).await?;
        let subject = Subject::Partner(partner.node_id.clone());
        emit_about(
            txn,
            EventKind::RegisterPartner,
            subject,
            caller.actor(),
            now,
        )
        .await
    })
    .await?;
    tracing::info!(partner = %partner.node_id, "partner node registered");
    Ok(partner)
}

/// Every registered partner, by node id.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `Internal`.
pub async fn list_partners(state: &AppState, caller: &Principal) -> AppResult<Vec<Partner>> {
    administer(caller, Action::List)?;
    Ok(partners::list(&state.db).await?)
}

/// Replaces a partner's details (its URL, keys, name, city, whether it is active); its node id
/// stays.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `NotFound` for an unregistered node; `Invalid`
/// naming each field at fault; `Internal`.
pub async fn update_partner(
    state: &AppState,
    caller: &Principal,
    node_id: &str,
    input: PartnerInput,
) -> AppResult<Partner> {
    administer(caller, Action::Update)?;
    let existing = partners::get(&state.db, node_id)
        .await?
        .ok_or(crate::service::error::AppError::NotFound)?;
    let details = check_partner(&state.node.id, &existing.node_id, input.entry)?;
    let now = state.clock.now();
    let partner = partner(details, input.active, existing.created_at, now);
    write(&state.db, async |txn| {
        partners::update(txn, &partner).await?;
        let subject = Subject::Partner(partner.node_id.clone());
        emit_about(txn, EventKind::UpdatePartner, subject, caller.actor(), now).await
    })
    .await?;
    tracing::info!(partner = %partner.node_id, active = partner.active, "partner node updated");
    Ok(partner)
}
