//! R15: court-referred mediation runs for a term (委派 30 days, extendable with every party's
//! consent; 委托 15 or 7 days). When the term is over without a settlement the case goes back
//! to the court — done by the platform itself, on a schedule.
use crate::service::unit_of_work::emit_on_case;
use std::time::Duration;

use ipdr_domain::CaseId;
use ipdr_domain::access::{Action, Principal};
use ipdr_domain::calendar::Period;
use ipdr_domain::case::deadlines::{DeadlineRule, TermExtension, check_term_extension};
use ipdr_domain::case::lifecycle::CaseAction;
use ipdr_domain::case::stored::{Actor, CaseEvent, DeadlineStatus};
use ipdr_domain::event::EventKind;
use ipdr_persistence::repo::cases::{self as case_repo, deadlines as stored_deadlines};

use super::cases::{
    apply_in, authorized, begin_case_write, event, load_for_update, open_deadlines, save,
};
use crate::service::error::AppError;
use crate::service::unit_of_work::{PlatformAction, commit, commit_platform};
use crate::state::AppState;

/// Extends a court-delegated case's term by `days` with every party's recorded consent (R15):
/// the R15 deadline runs `days` longer from the same start, and the timeline says who agreed.
///
/// # Errors
/// `NotFound`/`Forbidden` as the case; `Invalid` for the days or consents; `Refused` (R15) when not extendable; `Stale`.
pub async fn extend(
    state: &AppState,
    caller: &Principal,
    id: CaseId,
    if_match: Option<i64>,
    days: u32,
    consents: &[u32],
) -> Result<ipdr_domain::case::stored::Case, AppError> {
    authorized(state, caller, id, Action::Update).await?;
    let extension = TermExtension::parse(days, consents)?;
    let txn = begin_case_write(state, id).await?;
    let current = load_for_update(&txn, id, if_match).await?;
    let numbers: Vec<u32> = current.parties.iter().map(|p| p.number).collect();
    check_term_extension(current.track, current.status, &numbers, &extension.consents)?;
    let term = stored_deadlines::of_case(&txn, id)
        .await?
        .into_iter()
        .find(|d| d.rule == DeadlineRule::R15 && d.status == DeadlineStatus::Open)
        .ok_or_else(|| {
            AppError::refused_now("no_open_term", "the case has no running R15 term to extend")
        })?;
    let total = extension
        .extended_days(term.period)
        .ok_or_else(|| AppError::internal("an R15 term is not counted in calendar days"))?;
    let extended = Period::CalendarDays(total);
    // The case's version moves, so a concurrent change of it is refused (`Stale`).
    let saved = save(&txn, state, &current, &current, if_match).await?;
    open_deadlines(
        &txn,
        &saved,
        &[(DeadlineRule::R15, extended)],
        None,
        term.starts_on,
    )
    .await?;
    let recorded = CaseEvent {
        detail: Some(format!(
            "R15 term extended by {days} days to {total} days with the consent of parties {}",
            extension
                .consents
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )),
        ..event(state, caller, EventKind::ExtendTerm)
    };
    emit_on_case(&txn, id, None, recorded).await?;
    commit(txn).await?;
    Ok(saved)
}

/// Returns to their courts the court-referred cases whose R15 term is over (its last day is
/// before today) without a settlement. Each case moves in its own transaction; a case another
/// process moved meanwhile is skipped. Returns how many went back.
///
/// # Errors
/// Database errors (cases already returned stay returned).
pub async fn return_expired(state: &AppState) -> Result<u64, AppError> {
    let today = state.clock.today();
    let due = stored_deadlines::open_past_due(&state.db, DeadlineRule::R15, today).await?;
    let mut returned = 0;
    for case_id in due {
        let txn = match begin_case_write(state, case_id).await {
            Ok(txn) => txn,
            // Closed or gone meanwhile: nothing to return.
            Err(refused) if refused.is_refusal() => continue,
            Err(problem) => return Err(problem),
        };
        let Some(current) = case_repo::get(&txn, case_id).await? else {
            continue;
        };
        match apply_in(
            &txn,
            state,
            Actor::Platform,
            &current,
            None,
            &CaseAction::ReturnToCourt,
        )
        .await
        {
            Ok(_) => {
                commit_platform(
                    txn,
                    PlatformAction {
                        action: EventKind::ReturnToCourt,
                        object: format!("case:{case_id}"),
                        detail: Some("R15 term over without a settlement".to_owned()),
                    },
                )
                .await?;
                returned += 1;
            }
            // Settled or moved on meanwhile: the term no longer applies.
            Err(refused) if refused.is_refusal() => {}
            Err(problem) => return Err(problem),
        }
    }
    if returned > 0 {
        tracing::info!(
            returned,
            "court-referred cases returned to their courts (R15)"
        );
    }
    Ok(returned)
}

/// Runs the platform's deadline work now and then every `every` until `shutdown` resolves:
/// [`return_expired`] (R15), the escalation of breached referral clocks (R26, R28), the
/// notices of approaching and breached deadlines, and the removal of console sessions past
/// their timeouts.
pub async fn sweep_periodically(
    state: AppState,
    every: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let mut ticks = tokio::time::interval(every);
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            _ = ticks.tick() => {
                if let Err(e) = return_expired(&state).await {
                    tracing::warn!(error = %e, "returning expired court terms failed; retrying later");
                }
                if let Err(e) = crate::service::referrals::escalate_breaches(&state).await {
                    tracing::warn!(error = %e, "escalating referral deadlines failed; retrying later");
                }
                match crate::service::notifications::sweep_deadlines(&state).await {
                    Ok(swept) if swept.written > 0 => tracing::info!(
                        deadlines = swept.deadlines,
                        notices = swept.notices,
                        written = swept.written,
                        "deadline notices raised"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "raising deadline notices failed; retrying later"),
                }
                if let Err(e) = crate::service::sessions::remove_expired(&state).await {
                    tracing::warn!(error = %e, "removing expired console sessions failed; retrying later");
                }
            }
        }
    }
}
