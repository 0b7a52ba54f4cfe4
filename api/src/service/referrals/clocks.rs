//! The referral clocks over time: whether one is overdue, and the platform's escalation of
//! every breached clock to the liaison officers (R28).
use chrono::NaiveDate;
use ipdr_domain::event::{By, DomainEvent, EventKind, Subject};
use ipdr_persistence::begin_write;
use ipdr_persistence::repo::federation::referrals;

use super::steps;
use crate::service::error::AppError;
use crate::service::unit_of_work::{PlatformAction, commit_platform, emit};
use crate::state::AppState;

/// Whether any clock of the referral was past its last day on `today`.
pub fn is_overdue(clocks: &[referrals::ReferralDeadline], today: NaiveDate) -> bool {
    clocks.iter().any(|c| steps::overdue(c, today))
}

/// Escalates every referral clock past its last day: flags it (both nodes see the same clocks,
/// so both flag it to their liaison officers) and logs it. Returns how many were escalated.
///
/// # Errors
/// `Internal`.
pub async fn escalate_breaches(state: &AppState) -> Result<usize, AppError> {
    let today = state.clock.today();
    let mut escalated = 0;
    // The query narrows to candidates by index; the rule (R28: running, not paused, past its
    // last day) is the domain's.
    for clock in referrals::breached_unescalated(&state.db, today, 500).await? {
        if !steps::overdue(&clock, today) {
            continue;
        }
        let txn = begin_write(&state.db).await?;
        // Another replica escalated it meanwhile: nothing to record.
        if referrals::mark_breached(&txn, clock.referral_id, clock.clock, today).await? {
            let detail = format!(
                "{} clock ({}) due {} breached",
                clock.clock.as_str(),
                clock.clock.rule(),
                clock.due_on
            );
            let event = DomainEvent::new(
                EventKind::EscalateReferralClock,
                Subject::Referral(clock.referral_id),
                By::Platform,
                state.clock.now(),
            )
            .map_err(|e| AppError::internal(e.to_string()))?
            .with_detail(detail.clone());
            emit(&txn, event).await?;
            commit_platform(
                txn,
                PlatformAction {
                    action: EventKind::EscalateReferralClock,
                    object: format!("referral:{}", clock.referral_id),
                    detail: Some(detail),
                },
            )
            .await?;
            escalated += 1;
            tracing::warn!(
                referral = %clock.referral_id,
                clock = clock.clock.as_str(),
                rule = clock.clock.rule(),
                due_on = %clock.due_on,
                "referral deadline breached; escalated to the liaison officers"
            );
        }
    }
    Ok(escalated)
}
