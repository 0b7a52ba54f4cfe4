//! The audit trail, read by auditors.
use ipdr_domain::access::{Action, Principal, Resource, authorize};
use ipdr_domain::audit::Record;
use ipdr_persistence::repo::audit;

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
    permit(authorize(caller, Action::List, &Resource::AuditTrail))?;
    let mut records = audit::recent(&state.db, before, size + 1).await?;
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
