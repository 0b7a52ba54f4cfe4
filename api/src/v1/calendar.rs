//! `/api/v1/calendar`: the official working-day calendar the deadline engine counts with.
use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::calendar::Period;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;

use super::ApiTags;
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::service::calendar::{self as service, StoredYear};
use crate::state::AppState;

#[derive(Default)]
pub struct CalendarApi;

/// One year of the State Council's holiday notice.
#[derive(Object)]
pub struct CalendarYearView {
    pub year: i32,
    /// Days off besides ordinary weekends (holidays and the weekend days absorbed into them).
    pub days_off: Vec<NaiveDate>,
    /// Weekend days that are working days (调休上班).
    pub makeup_workdays: Vec<NaiveDate>,
    /// Where the data comes from.
    pub source: String,
    pub updated_at: DateTime<Utc>,
}

impl From<StoredYear> for CalendarYearView {
    fn from(y: StoredYear) -> Self {
        Self {
            year: y.calendar.year(),
            days_off: y.calendar.days_off().collect(),
            makeup_workdays: y.calendar.makeup_workdays().collect(),
            source: y.source,
            updated_at: y.updated_at,
        }
    }
}

/// The loaded years.
#[derive(Object)]
pub struct CalendarYears {
    pub years: Vec<CalendarYearView>,
}

/// A year's notice to load.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct LoadYearRequest {
    pub days_off: Vec<NaiveDate>,
    /// Weekend days only.
    pub makeup_workdays: Vec<NaiveDate>,
    /// The notice it comes from, e.g. 国务院办公厅关于2027年部分节假日安排的通知.
    pub source: String,
}

/// A year loaded, and the open deadlines it moved.
#[derive(Object)]
pub struct YearLoaded {
    pub year: CalendarYearView,
    /// Open deadlines touching this year whose last day or verification changed.
    pub deadlines_recomputed: u64,
}

/// A computed last day.
#[derive(Object)]
pub struct DeadlineComputed {
    pub start: NaiveDate,
    pub period_days: u32,
    pub working_days: bool,
    pub due: NaiveDate,
    pub calendar_verified: bool,
}

#[derive(ApiResponse)]
pub enum YearsFound {
    /// The loaded years, oldest first.
    #[oai(status = 200)]
    Ok(Json<CalendarYears>),
}

#[derive(ApiResponse)]
pub enum YearFound {
    /// The year.
    #[oai(status = 200)]
    Ok(Json<CalendarYearView>),
}

#[derive(ApiResponse)]
pub enum YearStored {
    /// Loaded (replacing any earlier version of the year).
    #[oai(status = 200)]
    Ok(Json<YearLoaded>),
}

#[derive(ApiResponse)]
pub enum Computed {
    /// The last day of the period.
    #[oai(status = 200)]
    Ok(Json<DeadlineComputed>),
}

#[OpenApi(prefix_path = "/api/v1/calendar", tag = "ApiTags::Calendar")]
impl CalendarApi {
    /// List the loaded years.
    ///
    /// Years with the official calendar. For any other year the engine falls back to weekends
    /// only and marks deadlines `calendar_verified: false`.
    #[oai(path = "/", method = "get", operation_id = "list_calendar_years")]
    async fn list_calendar_years(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
    ) -> ApiResult<YearsFound, { status::AUTHENTICATED }> {
        let years = service::list_years(&state, &caller.0).await?;
        Ok(YearsFound::Ok(Json(CalendarYears {
            years: years.into_iter().map(Into::into).collect(),
        })))
    }

    /// Read a year.
    ///
    /// 404 when the year is not loaded.
    #[oai(path = "/:year", method = "get", operation_id = "get_calendar_year")]
    async fn get_calendar_year(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        year: Path<i32>,
    ) -> ApiResult<YearFound, { status::AUTHENTICATED | status::NOT_FOUND }> {
        let found = service::get_year(&state, &caller.0, year.0).await?;
        Ok(YearFound::Ok(Json(found.into())))
    }

    /// Load a year.
    ///
    /// Administrators only. Stores a year's holiday notice (replacing it if loaded) and
    /// recomputes every open deadline that touches the year, in one transaction. Every date must
    /// lie in the year, no date may be both off and worked, make-up working days must be
    /// weekend days. A `year` that is not a number names nothing: 404.
    #[oai(path = "/:year", method = "put", operation_id = "load_calendar_year")]
    async fn load_calendar_year(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        year: Path<i32>,
        body: JsonBody<LoadYearRequest>,
    ) -> ApiResult<
        YearStored,
        { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND | status::JSON_BODY },
    > {
        let r = body.0;
        let notice = service::notice(year.0, r.days_off, r.makeup_workdays, &r.source);
        let (stored, moved) = service::load_calendar_year(&state, &caller.0, notice).await?;
        Ok(YearStored::Ok(Json(YearLoaded {
            year: stored.into(),
            deadlines_recomputed: moved,
        })))
    }

    /// Compute a deadline.
    ///
    /// The last day of a period of `days` counted from `start` (not counted), in calendar days
    /// or — with `working_days=true` — working days, on the official calendar (R30): a last day
    /// that is not a working day moves to the next working day.
    #[oai(path = "/deadline", method = "get", operation_id = "compute_deadline")]
    async fn compute_deadline(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        start: Query<NaiveDate>,
        #[oai(validator(maximum(value = "3660")))] days: Query<u32>,
        working_days: Query<Option<bool>>,
    ) -> ApiResult<Computed, { status::AUTHENTICATED | status::BAD_REQUEST }> {
        let working = working_days.0.unwrap_or(false);
        let period = if working {
            Period::WorkingDays(days.0)
        } else {
            Period::CalendarDays(days.0)
        };
        let computed = service::compute_deadline(&state, &caller.0, start.0, period).await?;
        Ok(Computed::Ok(Json(DeadlineComputed {
            start: start.0,
            period_days: days.0,
            working_days: working,
            due: computed.due,
            calendar_verified: computed.calendar_verified,
        })))
    }
}
