//! The audit trail, read by auditors.
use ipdr_domain::access::{Action, Principal, Resource, authorize};
use ipdr_domain::audit::Record;
use ipdr_persistence::repo::audit;
pub use ipdr_persistence::repo::audit::TrailFilter;

use crate::service::error::{AppResult, permit};
use crate::state::AppState;

/// A page of audit records, newest first.
pub struct TrailPage {
    pub records: Vec<Record>,
    /// The `before` of the next (older) page; `None` on the last page.
    pub next_before: Option<i64>,
}

/// Up to `size` audit records older than `before` (all when `None`), newest first.
///
/// # Errors
/// `Forbidden` for anyone but an auditor, `Internal`.
pub async fn recent(
    state: &AppState,
    caller: &Principal,
    before: Option<i64>,
    size: u64,
) -> AppResult<TrailPage> {
    matching(state, caller, before, size, &audit::TrailFilter::default()).await
}

/// [`recent`] for the records matching `filter` (the console's filters).
///
/// # Errors
/// `Forbidden` for anyone but auditors; `Internal`.
pub async fn matching(
    state: &AppState,
    caller: &Principal,
    before: Option<i64>,
    size: u64,
    filter: &audit::TrailFilter,
) -> AppResult<TrailPage> {
    permit(authorize(caller, Action::List, &Resource::AuditTrail))?;
    let mut records = audit::recent_matching(&state.db, before, size + 1, filter).await?;
    let more = records.len() as u64 > size;
    records.truncate(usize::try_from(size).unwrap_or(usize::MAX));
    let next_before = if more {
        records.last().map(|r| r.id)
    } else {
        None
    };
    Ok(TrailPage {
        records,
        next_before,
    })
}

/// Walks the whole hash chain of the trail, as `ipdr audit verify` does.
///
/// # Errors
/// `Forbidden` for anyone but auditors; `Internal`.
pub async fn verify(state: &AppState, caller: &Principal) -> AppResult<audit::Verification> {
    permit(authorize(caller, Action::List, &Resource::AuditTrail))?;
    Ok(audit::verify(&state.db, 1000).await?)
}
