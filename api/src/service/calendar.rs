//! The official working-day calendar the deadline engine counts with: reading it, loading a
//! year, computing a last day.
use chrono::NaiveDate;
use ipdr_domain::ValidationErrors;
use ipdr_domain::access::{Action, Principal, Resource, authorize};
use ipdr_domain::calendar::{Deadline, Period, YearCalendar};
use ipdr_persistence::begin_write;
use ipdr_persistence::repo::calendar;
use ipdr_persistence::repo::cases::deadlines;

pub use ipdr_persistence::repo::calendar::StoredYear;

use crate::service::error::{AppError, AppResult, permit};
use crate::service::unit_of_work::{commit, emit_about};
use crate::state::AppState;
use ipdr_domain::event::{EventKind, Subject};

fn may(caller: &Principal, action: Action) -> AppResult<()> {
    permit(authorize(caller, action, &Resource::Calendar))
}

/// Whether `caller` may load the calendar.
///
/// # Errors
/// `Forbidden` for anyone but an administrator.
pub fn may_administer(caller: &Principal) -> AppResult<()> {
    may(caller, Action::Administer)
}

/// The loaded years, oldest first.
///
/// # Errors
/// `Forbidden` if the policy refuses the caller (it lets everyone read); `Internal`.
pub async fn list_years(state: &AppState, caller: &Principal) -> AppResult<Vec<StoredYear>> {
    may(caller, Action::Read)?;
    Ok(calendar::years(&state.db).await?)
}

/// One loaded year.
///
/// # Errors
/// `Forbidden` if the policy refuses the caller; `NotFound` when the year is not loaded;
/// `Internal`.
pub async fn get_year(state: &AppState, caller: &Principal, year: i32) -> AppResult<StoredYear> {
    may(caller, Action::Read)?;
    calendar::get(&state.db, year)
        .await?
        .ok_or(AppError::NotFound)
}

/// A year's notice as entered: its days off, make-up working days and source, checked
/// (each field named when it is at fault).
///
/// # Errors
/// `source`, `days_off`, `makeup_workdays`.
pub fn notice(
    year: i32,
    days_off: Vec<NaiveDate>,
    makeup_workdays: Vec<NaiveDate>,
    source: &str,
) -> Result<(YearCalendar, String), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let source = errors.check("source", ipdr_domain::validation::bounded_text(source, 200));
    let parsed = YearCalendar::new(year, days_off, makeup_workdays)
        .map_err(|e| errors.0.extend(e.0))
        .ok();
    match (source, parsed) {
        (Some(source), Some(parsed)) => Ok((parsed, source)),
        _ => Err(errors),
    }
}

/// Loads a year's holiday notice, as an administrator asks: `notice` is the year and its
/// source as the adapter parsed them. See [`load_year`].
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `Invalid` (the parse's errors); `Internal`.
pub async fn load_calendar_year(
    state: &AppState,
    caller: &Principal,
    notice: Result<(YearCalendar, String), ValidationErrors>,
) -> AppResult<(StoredYear, u64)> {
    may(caller, Action::Administer)?;
    let (year, source) = notice?;
    load_year(state, caller, &year, &source).await
}

/// The last day of `period` counted from `start` (not counted), on the loaded calendar.
///
/// # Errors
/// `Forbidden` if the policy refuses the caller; `Internal`.
pub async fn compute_deadline(
    state: &AppState,
    caller: &Principal,
    start: NaiveDate,
    period: Period,
) -> AppResult<Deadline> {
    may(caller, Action::Read)?;
    Ok(calendar::load(&state.db).await?.deadline(start, period))
}

/// Stores a year (replacing it) and recomputes the open deadlines that touch it, in one
/// transaction. Returns the stored year and how many deadlines moved.
///
/// # Errors
/// `Internal`.
pub async fn load_year(
    state: &AppState,
    caller: &Principal,
    year: &YearCalendar,
    source: &str,
) -> Result<(StoredYear, u64), AppError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    calendar::put(&txn, year, source, now).await?;
    let all = calendar::load(&txn).await?;
    let moved = deadlines::recompute_open(&txn, &all, year.year()).await?;
    let subject = Subject::CalendarYear(year.year());
    emit_about(
        &txn,
        EventKind::LoadCalendarYear,
        subject,
        caller.actor(),
        now,
    )
    .await?;
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
