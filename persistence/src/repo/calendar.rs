//! The official working-day calendar, one row per year.
use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::calendar::{Calendar, YearCalendar};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, Set};

use super::{RepoError, json_text};
use crate::entity::calendar_years::{self, Column, Entity};

/// A year as shipped in `persistence/data/calendar/YYYY.json`: days off as inclusive ranges.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ShippedYear {
    pub year: i32,
    pub source: String,
    days_off: Vec<(NaiveDate, NaiveDate)>,
    makeup_workdays: Vec<NaiveDate>,
}

impl ShippedYear {
    /// # Errors
    /// The data file is malformed or breaks the calendar's rules.
    pub fn parse(data: &str) -> Result<Self, String> {
        let year: Self = serde_json::from_str(data).map_err(|e| format!("calendar data: {e}"))?;
        year.calendar()?;
        Ok(year)
    }

    fn days_off(&self) -> Vec<NaiveDate> {
        self.days_off
            .iter()
            .flat_map(|(from, to)| from.iter_days().take_while(move |d| d <= to))
            .collect()
    }

    /// The year as the domain sees it.
    ///
    /// # Errors
    /// The data breaks the calendar's rules.
    pub fn calendar(&self) -> Result<YearCalendar, String> {
        YearCalendar::new(
            self.year,
            self.days_off(),
            self.makeup_workdays.iter().copied(),
        )
        .map_err(|e| format!("calendar {}: {e:?}", self.year))
    }

    pub fn days_off_json(&self) -> String {
        dates_json(self.days_off())
    }

    pub fn makeup_workdays_json(&self) -> String {
        dates_json(self.makeup_workdays.iter().copied())
    }
}

fn dates_json(dates: impl IntoIterator<Item = NaiveDate>) -> String {
    json_text(&dates.into_iter().collect::<Vec<_>>())
}

/// A stored year and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredYear {
    pub calendar: YearCalendar,
    pub source: String,
    pub updated_at: DateTime<Utc>,
}

fn from_row(row: calendar_years::Model) -> Result<StoredYear, RepoError> {
    let corrupt = |e: String| RepoError::Corrupt(format!("calendar {}: {e}", row.year));
    let parse = |json: &str| {
        serde_json::from_str::<Vec<NaiveDate>>(json).map_err(|e| corrupt(e.to_string()))
    };
    let calendar = YearCalendar::new(
        row.year,
        parse(&row.days_off)?,
        parse(&row.makeup_workdays)?,
    )
    .map_err(|e| corrupt(format!("{e:?}")))?;
    Ok(StoredYear {
        calendar,
        source: row.source,
        updated_at: row.updated_at,
    })
}

/// Every loaded year.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn years(db: &impl ConnectionTrait) -> Result<Vec<StoredYear>, RepoError> {
    Entity::find()
        .order_by_asc(Column::Year)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// The calendar of every loaded year, for the deadline engine.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn load(db: &impl ConnectionTrait) -> Result<Calendar, RepoError> {
    Ok(Calendar::new(
        years(db).await?.into_iter().map(|y| y.calendar),
    ))
}

/// # Errors
/// Database errors; a corrupt row.
pub async fn get(db: &impl ConnectionTrait, year: i32) -> Result<Option<StoredYear>, RepoError> {
    Entity::find_by_id(year)
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// Stores (or replaces) a year.
///
/// # Errors
/// Database errors.
pub async fn put(
    db: &impl ConnectionTrait,
    calendar: &YearCalendar,
    source: &str,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let row = calendar_years::ActiveModel {
        year: Set(calendar.year()),
        days_off: Set(dates_json(calendar.days_off())),
        makeup_workdays: Set(dates_json(calendar.makeup_workdays())),
        source: Set(source.to_owned()),
        updated_at: Set(now),
    };
    Entity::insert(row)
        .on_conflict(
            OnConflict::column(Column::Year)
                .update_columns([
                    Column::DaysOff,
                    Column::MakeupWorkdays,
                    Column::Source,
                    Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}
