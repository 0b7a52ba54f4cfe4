//! The clocks of referrals (R26, R28): opened, moved, met, paused, breached.
use chrono::NaiveDate;
use ipdr_domain::calendar::Period;
use ipdr_domain::referral::deadlines::ReferralClock;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::entity::referral_deadlines;
use crate::repo::{RepoError, parse_stored, period_parts, stored_period};

/// One clock of a referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralDeadline {
    pub referral_id: Uuid,
    pub clock: ReferralClock,
    pub starts_on: NaiveDate,
    pub period: Period,
    pub due_on: NaiveDate,
    pub calendar_verified: bool,
    pub paused_on: Option<NaiveDate>,
    pub met_on: Option<NaiveDate>,
    pub breached_on: Option<NaiveDate>,
}

fn deadline_from_row(row: referral_deadlines::Model) -> Result<ReferralDeadline, RepoError> {
    let period = stored_period(&row.period_unit, row.period_length)?;
    Ok(ReferralDeadline {
        clock: parse_stored("referral clock", &row.clock, ReferralClock::parse)?,
        referral_id: row.referral_id,
        starts_on: row.starts_on,
        period,
        due_on: row.due_on,
        calendar_verified: row.calendar_verified,
        paused_on: row.paused_on,
        met_on: row.met_on,
        breached_on: row.breached_on,
    })
}

/// Opens a clock, or restarts it when it ran before (progress reports restart `report`).
///
/// # Errors
/// Database errors.
pub async fn open_deadline(
    db: &impl ConnectionTrait,
    d: &ReferralDeadline,
) -> Result<(), RepoError> {
    use referral_deadlines::Column as C;
    let (unit, length) = period_parts(d.period);
    referral_deadlines::Entity::insert(referral_deadlines::ActiveModel {
        referral_id: Set(d.referral_id),
        clock: Set(d.clock.as_str().to_owned()),
        starts_on: Set(d.starts_on),
        period_unit: Set(unit.to_owned()),
        period_length: Set(length),
        due_on: Set(d.due_on),
        calendar_verified: Set(d.calendar_verified),
        paused_on: Set(d.paused_on),
        met_on: Set(d.met_on),
        breached_on: Set(d.breached_on),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::columns([C::ReferralId, C::Clock])
            .update_columns([
                C::StartsOn,
                C::PeriodUnit,
                C::PeriodLength,
                C::DueOn,
                C::CalendarVerified,
                C::PausedOn,
                C::MetOn,
                C::BreachedOn,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The clocks of a referral, in the order they were defined.
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn deadlines(
    db: &impl ConnectionTrait,
    referral_id: Uuid,
) -> Result<Vec<ReferralDeadline>, RepoError> {
    Ok(deadlines_of(db, &[referral_id])
        .await?
        .remove(&referral_id)
        .unwrap_or_default())
}

/// The clocks of several referrals (a list page) in one query, by referral, each in the order
/// they were defined.
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn deadlines_of(
    db: &impl ConnectionTrait,
    referral_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<ReferralDeadline>>, RepoError> {
    let mut by_referral: std::collections::HashMap<Uuid, Vec<ReferralDeadline>> =
        std::collections::HashMap::new();
    if referral_ids.is_empty() {
        return Ok(by_referral);
    }
    for row in referral_deadlines::Entity::find()
        .filter(referral_deadlines::Column::ReferralId.is_in(referral_ids.iter().copied()))
        .all(db)
        .await?
    {
        let clock = deadline_from_row(row)?;
        by_referral
            .entry(clock.referral_id)
            .or_default()
            .push(clock);
    }
    for clocks in by_referral.values_mut() {
        clocks.sort_by_key(|d| d.clock);
    }
    Ok(by_referral)
}

/// Writes a clock's mutable fields (met, paused, moved, breached).
///
/// # Errors
/// Database errors.
pub async fn update_deadline(
    db: &impl ConnectionTrait,
    d: &ReferralDeadline,
) -> Result<(), RepoError> {
    use referral_deadlines::Column as C;
    referral_deadlines::Entity::update_many()
        .col_expr(C::DueOn, Expr::value(d.due_on))
        .col_expr(C::CalendarVerified, Expr::value(d.calendar_verified))
        .col_expr(C::PausedOn, Expr::value(d.paused_on))
        .col_expr(C::MetOn, Expr::value(d.met_on))
        .col_expr(C::BreachedOn, Expr::value(d.breached_on))
        .filter(C::ReferralId.eq(d.referral_id))
        .filter(C::Clock.eq(d.clock.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Running clocks past their last day as of `today` and not yet escalated, oldest first.
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn breached_unescalated(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    limit: u64,
) -> Result<Vec<ReferralDeadline>, RepoError> {
    use referral_deadlines::Column as C;
    referral_deadlines::Entity::find()
        .filter(C::MetOn.is_null())
        .filter(C::PausedOn.is_null())
        .filter(C::BreachedOn.is_null())
        .filter(C::DueOn.lt(today))
        .order_by_asc(C::DueOn)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(deadline_from_row)
        .collect()
}

/// Running clocks (not met, not paused) whose last day is between `since` and `until`, both
/// included, by last day: the notice sweep's window.
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn running_due_between(
    db: &impl ConnectionTrait,
    since: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<ReferralDeadline>, RepoError> {
    use referral_deadlines::Column as C;
    referral_deadlines::Entity::find()
        .filter(C::MetOn.is_null())
        .filter(C::PausedOn.is_null())
        .filter(C::DueOn.gte(since))
        .filter(C::DueOn.lte(until))
        .order_by_asc(C::DueOn)
        .all(db)
        .await?
        .into_iter()
        .map(deadline_from_row)
        .collect()
}

/// Flags a clock as breached and escalated on `on`, unless it was met or paused meanwhile.
/// Returns whether it was flagged.
///
/// # Errors
/// Database errors.
pub async fn mark_breached(
    db: &impl ConnectionTrait,
    referral_id: Uuid,
    clock: ReferralClock,
    on: NaiveDate,
) -> Result<bool, RepoError> {
    use referral_deadlines::Column as C;
    let result = referral_deadlines::Entity::update_many()
        .col_expr(C::BreachedOn, Expr::value(on))
        .filter(C::ReferralId.eq(referral_id))
        .filter(C::Clock.eq(clock.as_str()))
        .filter(C::MetOn.is_null())
        .filter(C::PausedOn.is_null())
        .filter(C::BreachedOn.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
