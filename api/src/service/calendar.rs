//! Loading a year of the official calendar.
use ipdr_domain::calendar::YearCalendar;
use ipdr_persistence::begin_write;
use ipdr_persistence::repo::calendar::{self, StoredYear};
use ipdr_persistence::repo::cases::deadlines;

use crate::service::error::AppError;
use crate::service::unit_of_work::commit;
use crate::state::AppState;

/// Stores a year (replacing it) and recomputes the open deadlines that touch it, in one
/// transaction. Returns the stored year and how many deadlines moved.
///
/// # Errors
/// `Internal`.
pub async fn load_year(
    state: &AppState,
    year: &YearCalendar,
    source: &str,
) -> Result<(StoredYear, u64), AppError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    calendar::put(&txn, year, source, now).await?;
    let all = calendar::load(&txn).await?;
    let moved = deadlines::recompute_open(&txn, &all, year.year()).await?;
    commit(txn).await?;
    let stored = StoredYear {
        calendar: year.clone(),
        source: source.to_owned(),
        updated_at: now,
    };
    tracing::info!(
        year = year.year(),
        deadlines_recomputed = moved,
        "calendar year loaded"
    );
    Ok((stored, moved))
}
