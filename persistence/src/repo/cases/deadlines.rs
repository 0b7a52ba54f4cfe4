//! Deadlines of cases (R8, R15, R16, R19 on the case; R22, R24 on investigator assignments).
use chrono::NaiveDate;
use ipdr_domain::CaseId;
use ipdr_domain::access::CaseScope;
use ipdr_domain::calendar::Calendar;
use ipdr_domain::case::deadlines::DeadlineRule;
use ipdr_domain::case::stored::{CaseDeadline, DeadlineStatus};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::cases_in_scope;
use crate::entity::case_deadlines::{self, Column, Entity};
use crate::repo::{RepoError, parse_stored, period_parts, stored_period};

fn from_row(row: case_deadlines::Model) -> Result<CaseDeadline, RepoError> {
    let period = stored_period(&row.period_unit, row.period_length)?;
    Ok(CaseDeadline {
        case_id: row.case_id.into(),
        organization_id: row.organization_id.into(),
        rule: parse_stored("rule", &row.rule, DeadlineRule::parse)?,
        subject: (!row.subject.is_empty()).then_some(row.subject),
        starts_on: row.starts_on,
        period,
        due_on: row.due_on,
        calendar_verified: row.calendar_verified,
        status: parse_stored("deadline status", &row.status, DeadlineStatus::parse)?,
        met_on: row.met_on,
    })
}

/// Opens (or reopens) a deadline.
///
/// # Errors
/// Database errors.
pub async fn open(db: &impl ConnectionTrait, deadline: &CaseDeadline) -> Result<(), RepoError> {
    let (unit, length) = period_parts(deadline.period);
    Entity::insert(case_deadlines::ActiveModel {
        case_id: Set(deadline.case_id.as_uuid()),
        rule: Set(deadline.rule.as_str().to_owned()),
        subject: Set(deadline.subject.clone().unwrap_or_default()),
        organization_id: Set(deadline.organization_id.as_uuid()),
        starts_on: Set(deadline.starts_on),
        period_unit: Set(unit.to_owned()),
        period_length: Set(length),
        due_on: Set(deadline.due_on),
        calendar_verified: Set(deadline.calendar_verified),
        status: Set(DeadlineStatus::Open.as_str().to_owned()),
        met_on: Set(None),
    })
    .on_conflict(
        OnConflict::columns([Column::CaseId, Column::Rule, Column::Subject])
            .update_columns([
                Column::StartsOn,
                Column::PeriodUnit,
                Column::PeriodLength,
                Column::DueOn,
                Column::CalendarVerified,
                Column::Status,
                Column::MetOn,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// The status a deadline closed on `on` ends in, row by row: [`DeadlineStatus::closed`] — met
/// on or before its last day, lapsed after it — as SQL, so one statement closes many.
fn closed_status(on: NaiveDate) -> Expr {
    Expr::case(Column::DueOn.lt(on), DeadlineStatus::Lapsed.as_str())
        .finally(DeadlineStatus::Met.as_str())
        .into()
}

/// Closes every open deadline of `rules` on the case on `on` (whatever its subject): met, or
/// lapsed when `on` is after its last day.
///
/// # Errors
/// Database errors.
pub async fn meet(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    rules: &[DeadlineRule],
    on: NaiveDate,
) -> Result<(), RepoError> {
    if rules.is_empty() {
        return Ok(());
    }
    Entity::update_many()
        .col_expr(Column::Status, closed_status(on))
        .col_expr(Column::MetOn, Expr::value(on))
        .filter(Column::CaseId.eq(case_id.as_uuid()))
        .filter(Column::Status.eq(DeadlineStatus::Open.as_str()))
        .filter(Column::Rule.is_in(rules.iter().map(|r| r.as_str())))
        .exec(db)
        .await?;
    Ok(())
}

/// Closes one open deadline (rule and subject) on `on`: met, or lapsed after its last day.
///
/// # Errors
/// Database errors.
pub async fn meet_subject(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    rule: DeadlineRule,
    subject: &str,
    on: NaiveDate,
) -> Result<(), RepoError> {
    Entity::update_many()
        .col_expr(Column::Status, closed_status(on))
        .col_expr(Column::MetOn, Expr::value(on))
        .filter(Column::CaseId.eq(case_id.as_uuid()))
        .filter(Column::Rule.eq(rule.as_str()))
        .filter(Column::Subject.eq(subject))
        .filter(Column::Status.eq(DeadlineStatus::Open.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// The deadlines of one case, soonest first.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn of_case(
    db: &impl ConnectionTrait,
    case_id: CaseId,
) -> Result<Vec<CaseDeadline>, RepoError> {
    Entity::find()
        .filter(Column::CaseId.eq(case_id.as_uuid()))
        .order_by_asc(Column::DueOn)
        .order_by_asc(Column::Rule)
        .order_by_asc(Column::Subject)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// The open deadlines whose last day is from `from` to `to`, soonest first (the notification
/// sweep's window).
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn open_due_between(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<CaseDeadline>, RepoError> {
    Entity::find()
        .filter(Column::Status.eq(DeadlineStatus::Open.as_str()))
        .filter(Column::DueOn.gte(from))
        .filter(Column::DueOn.lte(to))
        .order_by_asc(Column::DueOn)
        .order_by_asc(Column::CaseId)
        .order_by_asc(Column::Rule)
        .order_by_asc(Column::Subject)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// A position in the deadline list: after this (due day, case, rule, subject).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineCursor {
    pub due_on: NaiveDate,
    pub case_id: CaseId,
    pub rule: DeadlineRule,
    pub subject: String,
}

/// The filters of [`list`].
#[derive(Debug, Clone)]
pub struct DeadlineFilter {
    pub scope: CaseScope,
    pub status: Option<DeadlineStatus>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    /// Open and past their day as of `today`.
    pub overdue: Option<bool>,
    pub today: NaiveDate,
}

/// Deadlines in the caller's scope, soonest first.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &DeadlineFilter,
    after: Option<&DeadlineCursor>,
    limit: u64,
) -> Result<(Vec<CaseDeadline>, Option<DeadlineCursor>), RepoError> {
    let mut query = Entity::find()
        .order_by_asc(Column::DueOn)
        .order_by_asc(Column::CaseId)
        .order_by_asc(Column::Rule)
        .order_by_asc(Column::Subject)
        .limit(limit + 1);
    query = match filter.scope {
        CaseScope::Nothing => return Ok((vec![], None)),
        CaseScope::HandledBy(org) => query.filter(Column::OrganizationId.eq(org.as_uuid())),
        other => match cases_in_scope(other) {
            Some(ids) => query.filter(Column::CaseId.in_subquery(ids)),
            None => return Ok((vec![], None)),
        },
    };
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status.as_str()));
    }
    if let Some(from) = filter.due_from {
        query = query.filter(Column::DueOn.gte(from));
    }
    if let Some(to) = filter.due_to {
        query = query.filter(Column::DueOn.lte(to));
    }
    match filter.overdue {
        Some(true) => {
            query = query
                .filter(Column::Status.eq(DeadlineStatus::Open.as_str()))
                .filter(Column::DueOn.lt(filter.today));
        }
        Some(false) => {
            query = query.filter(
                Condition::any()
                    .add(Column::Status.ne(DeadlineStatus::Open.as_str()))
                    .add(Column::DueOn.gte(filter.today)),
            );
        }
        None => {}
    }
    if let Some(c) = after {
        let (case, rule, subject) = (c.case_id.as_uuid(), c.rule.as_str(), c.subject.as_str());
        let same_day = || Condition::all().add(Column::DueOn.eq(c.due_on));
        query = query.filter(
            Condition::any()
                .add(Column::DueOn.gt(c.due_on))
                .add(same_day().add(Column::CaseId.gt(case)))
                .add(
                    same_day()
                        .add(Column::CaseId.eq(case))
                        .add(Column::Rule.gt(rule)),
                )
                .add(
                    same_day()
                        .add(Column::CaseId.eq(case))
                        .add(Column::Rule.eq(rule))
                        .add(Column::Subject.gt(subject)),
                ),
        );
    }
    let mut rows: Vec<CaseDeadline> = query
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect::<Result<_, _>>()?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|d| DeadlineCursor {
            due_on: d.due_on,
            case_id: d.case_id,
            rule: d.rule,
            subject: d.subject.clone().unwrap_or_default(),
        })
    } else {
        None
    };
    Ok((rows, next))
}

/// Recomputes the open deadlines that touch `year` with `calendar` (after an administrator
/// loaded or corrected that year). Returns how many changed.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn recompute_open(
    db: &impl ConnectionTrait,
    calendar: &Calendar,
    year: i32,
) -> Result<u64, RepoError> {
    let bound = |month, day| {
        NaiveDate::from_ymd_opt(year, month, day)
            .ok_or_else(|| RepoError::Corrupt(format!("year {year}")))
    };
    let (first, last) = (bound(1, 1)?, bound(12, 31)?);
    let open = Entity::find()
        .filter(Column::Status.eq(DeadlineStatus::Open.as_str()))
        .filter(Column::StartsOn.lte(last))
        .filter(Column::DueOn.gte(first))
        .all(db)
        .await?;
    let mut changed = 0;
    for row in open {
        let deadline = from_row(row)?;
        let fresh = calendar.deadline(deadline.starts_on, deadline.period);
        if fresh.due != deadline.due_on || fresh.calendar_verified != deadline.calendar_verified {
            Entity::update_many()
                .col_expr(Column::DueOn, Expr::value(fresh.due))
                .col_expr(
                    Column::CalendarVerified,
                    Expr::value(fresh.calendar_verified),
                )
                .filter(Column::CaseId.eq(deadline.case_id.as_uuid()))
                .filter(Column::Rule.eq(deadline.rule.as_str()))
                .filter(Column::Subject.eq(deadline.subject.clone().unwrap_or_default()))
                .exec(db)
                .await?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// The cases with an open deadline of `rule` whose last day is before `today`.
///
/// # Errors
/// Database errors.
pub async fn open_past_due(
    db: &impl ConnectionTrait,
    rule: DeadlineRule,
    today: NaiveDate,
) -> Result<Vec<CaseId>, RepoError> {
    let ids: Vec<uuid::Uuid> = Entity::find()
        .select_only()
        .column(Column::CaseId)
        .filter(Column::Rule.eq(rule.as_str()))
        .filter(Column::Status.eq(DeadlineStatus::Open.as_str()))
        .filter(Column::DueOn.lt(today))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(Into::into).collect())
}

/// The deadlines of `rule` on any of `cases`, soonest first (one query for a page of items).
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn of_rule_on_cases(
    db: &impl ConnectionTrait,
    rule: DeadlineRule,
    cases: &[CaseId],
) -> Result<Vec<CaseDeadline>, RepoError> {
    if cases.is_empty() {
        return Ok(vec![]);
    }
    Entity::find()
        .filter(Column::Rule.eq(rule.as_str()))
        .filter(Column::CaseId.is_in(cases.iter().map(CaseId::as_uuid)))
        .order_by_asc(Column::DueOn)
        .order_by_asc(Column::Subject)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}
