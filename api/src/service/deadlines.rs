//! The deadlines of the cases a caller may see.
use chrono::NaiveDate;
use ipdr_domain::access::{Action, Principal, Resource, authorize, case_scope};
use ipdr_domain::case::stored::{CaseDeadline, DeadlineStatus};
use ipdr_persistence::repo::cases::deadlines::{self, DeadlineFilter};

pub use ipdr_persistence::repo::cases::deadlines::DeadlineCursor;

use crate::service::error::{AppResult, permit};
use crate::state::AppState;

/// Which deadlines to list; `None` means any.
pub struct DeadlineQuery {
    pub status: Option<DeadlineStatus>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    /// Open and past their day as of today.
    pub overdue: Option<bool>,
}

/// A page of deadlines, soonest first.
pub struct DeadlinePage {
    pub items: Vec<CaseDeadline>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<DeadlineCursor>,
    /// The day (China time) `overdue` was judged on.
    pub today: NaiveDate,
}

/// Whether `caller` may list the deadlines of cases.
///
/// # Errors
/// `Forbidden`.
pub fn may_list(caller: &Principal) -> AppResult<()> {
    permit(authorize(caller, Action::List, &Resource::Cases))
}

/// Up to `limit` deadlines of the cases `caller` may see, soonest first, after `after`.
///
/// # Errors
/// `Forbidden`, `Internal`.
pub async fn list(
    state: &AppState,
    caller: &Principal,
    query: DeadlineQuery,
    after: Option<&DeadlineCursor>,
    limit: u64,
) -> AppResult<DeadlinePage> {
    may_list(caller)?;
    let today = state.clock.today();
    let filter = DeadlineFilter {
        scope: case_scope(caller),
        status: query.status,
        due_from: query.due_from,
        due_to: query.due_to,
        overdue: query.overdue,
        today,
    };
    let (items, next) = deadlines::list(&state.db, &filter, after, limit).await?;
    Ok(DeadlinePage { items, next, today })
}

/// What is left of each deadline as of `today`, in the unit of its rule (working or calendar
/// days, R30), on the loaded calendar.
///
/// # Errors
/// `Internal`.
pub async fn left(
    state: &AppState,
    deadlines: &[CaseDeadline],
    today: NaiveDate,
) -> AppResult<Vec<i64>> {
    let due: Vec<_> = deadlines.iter().map(|d| (d.due_on, d.period)).collect();
    left_until(state, &due, today).await
}

/// What is left until each `(due, period)` as of `today` (see [`left`]): for any clock, a
/// referral's too.
///
/// # Errors
/// `Internal`.
pub async fn left_until(
    state: &AppState,
    due: &[(NaiveDate, ipdr_domain::calendar::Period)],
    today: NaiveDate,
) -> AppResult<Vec<i64>> {
    let calendar = ipdr_persistence::repo::calendar::load(&state.db).await?;
    Ok(due
        .iter()
        .map(|(due_on, period)| calendar.left(today, *due_on, *period))
        .collect())
}
