//! Applying one step to a referral: the same code for a step taken here and a step reported by
//! the partner, so both copies move alike.
use crate::service::unit_of_work::emit_about;
use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::calendar::Calendar;
use ipdr_domain::event::{By, Subject};
use ipdr_domain::referral::deadlines;
use ipdr_domain::referral::{
    DeclineReason, Milestone, Outcome, ReferralKind, ResponseDays, StepKind, advance,
};
use ipdr_domain::{Invalid, ValidationErrors};
use ipdr_persistence::ConnectionTrait;
use ipdr_persistence::repo::federation::referrals::{
    self, Referral, ReferralDeadline, ReferralEvent,
};

use crate::federation::message::Step;
use crate::service::error::AppError;

/// Who took a step, where and when.
pub struct Taken<'a> {
    /// Who took it: a user of this node, or a partner node's user.
    pub by: By,
    pub node: &'a str,
    pub role: &'a str,
    pub at: DateTime<Utc>,
    /// The step's local date at the node that took it: clocks count from it.
    pub on: NaiveDate,
}

fn parsed<T>(
    field: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    names: &[&str],
) -> Result<T, ValidationErrors> {
    parse(value).ok_or_else(|| {
        ValidationErrors::one(
            field,
            Invalid::new("invalid_value", format!("one of: {}", names.join(", "))),
        )
    })
}

fn names<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| name(*v)).collect()
}

/// The milestone of a progress report, parsed.
fn milestone(step: &Step) -> Result<Option<Milestone>, ValidationErrors> {
    match step {
        Step::ProgressReported {
            milestone: Some(m), ..
        } => parsed(
            "milestone",
            m,
            Milestone::parse,
            &names(Milestone::ALL, Milestone::as_str),
        )
        .map(Some),
        _ => Ok(None),
    }
}

/// Moves `referral` by `step`: the state machine, the step's own fields, the clocks, the
/// timeline. The caller saves the referral.
///
/// # Errors
/// `Refused` when the step does not follow from the status; `Invalid` for a bad reason, outcome or
/// milestone; `Internal`.
pub async fn apply(
    db: &impl ConnectionTrait,
    calendar: &Calendar,
    days: ResponseDays,
    referral: &mut Referral,
    step: &Step,
    taken: &Taken<'_>,
) -> Result<(), AppError> {
    let kind = step.kind();
    let next = advance(referral.status, kind)?;
    match step {
        Step::Declined { reason, .. } => {
            referral.decline_reason = Some(parsed(
                "reason",
                reason,
                DeclineReason::parse,
                &names(DeclineReason::ALL, DeclineReason::as_str),
            )?);
        }
        Step::OutcomeReported { outcome, .. } => {
            referral.outcome = Some(parsed(
                "outcome",
                outcome,
                Outcome::parse,
                &names(Outcome::ALL, Outcome::as_str),
            )?);
        }
        _ => {}
    }
    let changes = deadlines::on_step(referral.kind, days, kind, milestone(step)?);
    apply_clocks(db, calendar, referral.id, &changes, taken.on).await?;
    record(db, referral.id, kind, step.detail(), taken).await?;
    referral.status = next;
    Ok(())
}

/// Starts a new referral's life on this node: its clocks, counted from its sending day, and the
/// first timeline entry. The same for the sender and the receiver.
///
/// # Errors
/// `Internal`.
pub async fn opened(
    db: &impl ConnectionTrait,
    calendar: &Calendar,
    referral: &Referral,
    days: ResponseDays,
    taken: &Taken<'_>,
) -> Result<(), AppError> {
    let changes = deadlines::on_step(referral.kind, days, StepKind::Referred, None);
    apply_clocks(db, calendar, referral.id, &changes, referral.sent_on).await?;
    record(
        db,
        referral.id,
        StepKind::Referred,
        serde_json::json!({}),
        taken,
    )
    .await
}

/// Appends a step to the referral's timeline, with its event.
async fn record(
    db: &impl ConnectionTrait,
    referral_id: uuid::Uuid,
    step: StepKind,
    detail: serde_json::Value,
    taken: &Taken<'_>,
) -> Result<(), AppError> {
    referrals::append_event(
        db,
        &ReferralEvent {
            id: uuid::Uuid::now_v7(),
            referral_id,
            at: taken.at,
            on: taken.on,
            node: taken.node.to_owned(),
            role: taken.role.to_owned(),
            step,
            detail,
        },
    )
    .await?;
    emit_about(
        db,
        step.into(),
        Subject::Referral(referral_id),
        taken.by.clone(),
        taken.at,
    )
    .await
}

async fn apply_clocks(
    db: &impl ConnectionTrait,
    calendar: &Calendar,
    referral_id: uuid::Uuid,
    changes: &deadlines::ClockChanges,
    on: NaiveDate,
) -> Result<(), AppError> {
    for clock in referrals::deadlines(db, referral_id).await? {
        let dates = deadlines::ClockDates {
            due_on: clock.due_on,
            calendar_verified: clock.calendar_verified,
            paused_on: clock.paused_on,
            met_on: clock.met_on,
        };
        // R26, R28: whether the step meets, pauses or resumes this clock.
        if let Some(moved) = deadlines::moved(calendar, clock.clock, dates, changes, on) {
            let clock = ReferralDeadline {
                due_on: moved.due_on,
                calendar_verified: moved.calendar_verified,
                paused_on: moved.paused_on,
                met_on: moved.met_on,
                ..clock
            };
            referrals::update_deadline(db, &clock).await?;
        }
    }
    for (clock, period) in &changes.opens {
        let computed = calendar.deadline(on, *period);
        referrals::open_deadline(
            db,
            &ReferralDeadline {
                referral_id,
                clock: *clock,
                starts_on: on,
                period: *period,
                due_on: computed.due,
                calendar_verified: computed.calendar_verified,
                paused_on: None,
                met_on: None,
                breached_on: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// Checks the kind and IP type names a message or request carries.
///
/// # Errors
/// `Invalid` naming `kind` or `ip_type`.
pub fn kind_and_type(
    kind: &str,
    ip_type: &str,
) -> Result<(ReferralKind, ipdr_domain::case::IpType), ValidationErrors> {
    use ipdr_domain::case::IpType;
    let kind = parsed(
        "kind",
        kind,
        ReferralKind::parse,
        &names(ReferralKind::ALL, ReferralKind::as_str),
    );
    let ip_type = parsed(
        "ip_type",
        ip_type,
        IpType::parse,
        &names(IpType::ALL, IpType::as_str),
    );
    match (kind, ip_type) {
        (Ok(k), Ok(t)) => Ok((k, t)),
        (Err(mut a), Err(b)) => {
            a.0.extend(b.0);
            Err(a)
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// The clock's state on `today` (running, paused, overdue, met, lapsed).
pub fn state(clock: &ReferralDeadline, today: NaiveDate) -> deadlines::ClockState {
    deadlines::clock_state(clock.due_on, clock.paused_on, clock.met_on, today)
}

/// Whether a clock is past its last day and still running.
pub fn overdue(clock: &ReferralDeadline, today: NaiveDate) -> bool {
    state(clock, today) == deadlines::ClockState::Overdue
}
