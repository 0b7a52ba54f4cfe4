//! The official working-day calendar and the deadline engine (R30).
//!
//! Periods are counted the way a Chinese court counts them: the start day is not counted; a
//! period in calendar days whose last day is not a working day ends on the next working day; a
//! period in working days counts only working days. Working days follow the State Council's
//! holiday notices, **including make-up working days** (调休上班日, weekend days that are worked).
//! For a year without a loaded calendar the engine falls back to weekends and the statutory
//! holidays fixed by date every year (1 January; 1–2 May; 1–3 October — the holiday regulation,
//! 全国年节及纪念日放假办法), and says so (`calendar_verified: false`), so nobody mistakes a
//! guess for the official count: the lunar holidays and the notice's bridging days and make-up
//! working days are only known from the year's notice.
//!
//! Dates are local dates in China: Asia/Shanghai is UTC+8 all year (no daylight saving since
//! 1991), so [`local_date`] needs no time-zone database.
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, Utc, Weekday};

use crate::validation::{Invalid, ValidationErrors};

/// China Standard Time, UTC+8 (checked when compiling: an offset out of range would not build).
pub const CHINA_TIME: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// The local date in China of an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&CHINA_TIME).date_naive()
}

/// One year of the State Council's notice: days off beyond ordinary weekends (holidays, and the
/// weekend days absorbed into them) and make-up working days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearCalendar {
    year: i32,
    days_off: BTreeSet<NaiveDate>,
    makeup_workdays: BTreeSet<NaiveDate>,
}

impl YearCalendar {
    /// The years a notice may be loaded for.
    pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

    /// Validates a year's notice: a year from 2000 to 2100, every date inside it, no date both
    /// off and worked, and make-up working days only on weekends (a weekday is a working day
    /// anyway).
    ///
    /// # Errors
    /// Names `days_off` or `makeup_workdays` with the offending date.
    pub fn new(
        year: i32,
        days_off: impl IntoIterator<Item = NaiveDate>,
        makeup_workdays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Self, ValidationErrors> {
        let days_off: BTreeSet<_> = days_off.into_iter().collect();
        let makeup_workdays: BTreeSet<_> = makeup_workdays.into_iter().collect();
        let mut errors = ValidationErrors::default();
        if !Self::YEARS.contains(&year) {
            errors.push("year", Invalid::new("out_of_range", "2000 to 2100"));
        }
        for (field, dates) in [
            ("days_off", &days_off),
            ("makeup_workdays", &makeup_workdays),
        ] {
            if let Some(stray) = dates.iter().find(|d| d.year() != year) {
                errors.push(
                    field,
                    Invalid::new("wrong_year", format!("{stray} is not in {year}")),
                );
            }
        }
        if let Some(both) = days_off.intersection(&makeup_workdays).next() {
            errors.push(
                "makeup_workdays",
                Invalid::new("conflict", format!("{both} is also a day off")),
            );
        }
        if let Some(weekday) = makeup_workdays.iter().find(|d| !is_weekend(**d)) {
            errors.push(
                "makeup_workdays",
                Invalid::new(
                    "not_a_weekend",
                    format!("{weekday} is a weekday, a working day anyway"),
                ),
            );
        }
        if errors.is_empty() {
            Ok(Self {
                year,
                days_off,
                makeup_workdays,
            })
        } else {
            Err(errors)
        }
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn days_off(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.days_off.iter().copied()
    }

    pub fn makeup_workdays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.makeup_workdays.iter().copied()
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The statutory holidays with a fixed date, the same every year: New Year's Day (1 January),
/// Labour Day (1–2 May), National Day (1–3 October).
fn is_fixed_date_holiday(date: NaiveDate) -> bool {
    matches!(
        (date.month(), date.day()),
        (1, 1) | (5, 1) | (5, 2) | (10, 1) | (10, 2) | (10, 3)
    )
}

/// How long a period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    CalendarDays(u32),
    WorkingDays(u32),
}

/// A computed last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The last day on which the act is still in time.
    pub due: NaiveDate,
    /// False when any day the computation looked at lies in a year with no loaded calendar
    /// (weekends-only fallback).
    pub calendar_verified: bool,
}

/// The loaded years.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i32, YearCalendar>,
}

impl Calendar {
    pub fn new(years: impl IntoIterator<Item = YearCalendar>) -> Self {
        Self {
            years: years.into_iter().map(|y| (y.year, y)).collect(),
        }
    }

    /// Whether `year` has an official calendar here.
    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// Whether `date` is a working day (the fallback for unloaded years: Monday to Friday
    /// except the fixed-date statutory holidays).
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.years.get(&date.year()) {
            Some(y) if y.makeup_workdays.contains(&date) => true,
            Some(y) if y.days_off.contains(&date) => false,
            Some(_) => !is_weekend(date),
            None => !is_weekend(date) && !is_fixed_date_holiday(date),
        }
    }

    /// The last day of `period` counted from `start` (which is not counted), per R30.
    pub fn deadline(&self, start: NaiveDate, period: Period) -> Deadline {
        let mut verified = self.has_year(start.year());
        let mut day = start;
        let step = |day: NaiveDate, verified: &mut bool| -> NaiveDate {
            let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
            *verified &= self.has_year(next.year());
            next
        };
        match period {
            Period::CalendarDays(n) => {
                day = start
                    .checked_add_days(Days::new(u64::from(n)))
                    .unwrap_or(start);
                for year in start.year()..=day.year() {
                    verified &= self.has_year(year);
                }
                // R30: a last day that is not a working day moves to the next working day.
                while !self.is_working_day(day) {
                    day = step(day, &mut verified);
                }
            }
            Period::WorkingDays(0) => {
                while !self.is_working_day(day) {
                    day = step(day, &mut verified);
                }
            }
            Period::WorkingDays(n) => {
                let mut counted = 0;
                while counted < n {
                    day = step(day, &mut verified);
                    if self.is_working_day(day) {
                        counted += 1;
                    }
                }
            }
        }
        Deadline {
            due: day,
            calendar_verified: verified,
        }
    }

    /// What is left until `due` as of `today`, in the unit of `period` (R30): calendar days,
    /// or the working days after `today` up to and including `due`. Negative once overdue (in
    /// calendar days for both: a working-day count of the past means little to people).
    pub fn left(&self, today: NaiveDate, due: NaiveDate, period: Period) -> i64 {
        let calendar_days = (due - today).num_days();
        match period {
            Period::WorkingDays(_) if calendar_days > 0 => today
                .iter_days()
                .skip(1)
                .take_while(|d| *d <= due)
                .filter(|d| self.is_working_day(*d))
                .count()
                .try_into()
                .unwrap_or(i64::MAX),
            _ => calendar_days,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_year_without_its_notice_still_keeps_the_fixed_date_holidays_unverified() {
        let empty = Calendar::default();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        // 2031-10-01 is a Wednesday: 1-3 October are off, Monday 6 October is the next
        // working day after the weekend.
        for off in [
            "2031-01-01",
            "2031-05-01",
            "2031-05-02",
            "2031-10-01",
            "2031-10-02",
            "2031-10-03",
        ] {
            assert!(!empty.is_working_day(d(off)), "{off}");
        }
        assert!(empty.is_working_day(d("2031-10-06")));
        assert!(empty.is_working_day(d("2031-05-05")));
        let due = empty.deadline(d("2031-09-30"), Period::WorkingDays(1));
        assert_eq!(due.due, d("2031-10-06"));
        assert!(!due.calendar_verified);
        // A calendar day period ending on 2 May moves past the holiday and the weekend.
        let due = empty.deadline(d("2031-04-22"), Period::CalendarDays(10));
        assert_eq!(due.due, d("2031-05-05"));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn range(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
        from.iter_days().take_while(move |x| *x <= to)
    }

    /// 2026 as in DOMAIN-RULES.md.
    fn calendar_2026() -> Calendar {
        let off = [
            (d(2026, 1, 1), d(2026, 1, 3)),
            (d(2026, 2, 15), d(2026, 2, 23)),
            (d(2026, 4, 4), d(2026, 4, 6)),
            (d(2026, 5, 1), d(2026, 5, 5)),
            (d(2026, 6, 19), d(2026, 6, 21)),
            (d(2026, 9, 25), d(2026, 9, 27)),
            (d(2026, 10, 1), d(2026, 10, 7)),
        ]
        .into_iter()
        .flat_map(|(a, b)| range(a, b));
        let makeup = [
            d(2026, 1, 4),
            d(2026, 2, 14),
            d(2026, 2, 28),
            d(2026, 5, 9),
            d(2026, 9, 20),
            d(2026, 10, 10),
        ];
        Calendar::new([YearCalendar::new(2026, off, makeup).unwrap()])
    }

    #[test]
    fn china_is_eight_hours_ahead_of_utc() {
        let late_evening_utc = "2026-02-14T16:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(local_date(late_evening_utc), d(2026, 2, 15));
    }

    #[test]
    fn a_calendar_day_period_ending_in_the_spring_festival_runs_to_the_next_working_day() {
        // 2026-02-10 (Tue) + 7 days = 2026-02-17, inside the Feb 15–23 holiday; the next working
        // day is Tue 2026-02-24.
        let deadline = calendar_2026().deadline(d(2026, 2, 10), Period::CalendarDays(7));
        assert_eq!(
            deadline,
            Deadline {
                due: d(2026, 2, 24),
                calendar_verified: true
            }
        );
    }

    #[test]
    fn holidays_inside_a_calendar_day_period_still_count() {
        // 2026-02-01 + 30 days = 2026-03-03 (Tue), a working day: the holiday inside changes nothing.
        assert_eq!(
            calendar_2026()
                .deadline(d(2026, 2, 1), Period::CalendarDays(30))
                .due,
            d(2026, 3, 3)
        );
    }

    #[test]
    fn make_up_saturdays_are_working_days() {
        let c = calendar_2026();
        assert!(c.is_working_day(d(2026, 2, 14)) && c.is_working_day(d(2026, 2, 28)));
        // One working day after Fri 2026-02-13 is the make-up Saturday 2026-02-14.
        assert_eq!(
            c.deadline(d(2026, 2, 13), Period::WorkingDays(1)).due,
            d(2026, 2, 14)
        );
        // Three working days after Fri 2026-02-13: Sat 14, then the holiday to the 23rd,
        // then Tue 24 and Wed 25.
        assert_eq!(
            c.deadline(d(2026, 2, 13), Period::WorkingDays(3)).due,
            d(2026, 2, 25)
        );
        // A calendar-day period ending on make-up Saturday 2026-02-28 ends that Saturday.
        assert_eq!(
            c.deadline(d(2026, 2, 13), Period::CalendarDays(15)).due,
            d(2026, 2, 28)
        );
    }

    #[test]
    fn an_unloaded_year_falls_back_to_weekends_and_says_so() {
        let c = calendar_2026();
        let deadline = c.deadline(d(2027, 1, 1), Period::CalendarDays(1)); // Sat 2027-01-02
        assert_eq!(
            deadline,
            Deadline {
                due: d(2027, 1, 4),
                calendar_verified: false
            }
        );
        let crossing = c.deadline(d(2026, 12, 20), Period::CalendarDays(30));
        assert!(
            !crossing.calendar_verified,
            "a period reaching into 2027 is not verified"
        );
        assert!(
            c.deadline(d(2026, 12, 1), Period::CalendarDays(10))
                .calendar_verified
        );
    }

    #[test]
    fn a_year_notice_is_checked() {
        let err = YearCalendar::new(2026, [d(2025, 12, 31)], [d(2026, 1, 5)]).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("days_off", "wrong_year"),
                ("makeup_workdays", "not_a_weekend")
            ]
        );
        assert_eq!(
            YearCalendar::new(1999, [], []).unwrap_err().0[0].field,
            "year"
        );
        let both = YearCalendar::new(2026, [d(2026, 1, 4)], [d(2026, 1, 4)]).unwrap_err();
        assert_eq!(both.0[0].code, "conflict");
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (0u64..(3 * 366)).prop_map(|n| d(2025, 6, 1).checked_add_days(Days::new(n)).unwrap())
    }

    proptest! {
        #[test]
        fn a_deadline_never_lands_on_a_day_off(start in any_date(), n in 0u32..60, working in any::<bool>()) {
            let c = calendar_2026();
            let period = if working { Period::WorkingDays(n) } else { Period::CalendarDays(n) };
            prop_assert!(c.is_working_day(c.deadline(start, period).due));
        }

        #[test]
        fn zero_working_days_from_a_working_day_is_that_day(start in any_date()) {
            let c = calendar_2026();
            prop_assume!(c.is_working_day(start));
            prop_assert_eq!(c.deadline(start, Period::WorkingDays(0)).due, start);
        }

        #[test]
        fn a_working_day_period_spans_exactly_n_working_days(start in any_date(), n in 1u32..40) {
            let c = calendar_2026();
            let due = c.deadline(start, Period::WorkingDays(n)).due;
            let counted = start.iter_days().skip(1).take_while(|x| *x <= due).filter(|x| c.is_working_day(*x)).count();
            prop_assert_eq!(counted, n as usize);
        }

        #[test]
        fn a_calendar_day_period_ends_on_the_nth_day_or_the_first_working_day_after(start in any_date(), n in 0u32..60) {
            let c = calendar_2026();
            let nominal = start.checked_add_days(Days::new(u64::from(n))).unwrap();
            let due = c.deadline(start, Period::CalendarDays(n)).due;
            prop_assert!(due >= nominal);
            prop_assert!(range(nominal, due.pred_opt().unwrap()).all(|x| !c.is_working_day(x)));
        }

        #[test]
        fn longer_periods_never_end_earlier(start in any_date(), n in 0u32..60, working in any::<bool>()) {
            let c = calendar_2026();
            let period = |k| if working { Period::WorkingDays(k) } else { Period::CalendarDays(k) };
            prop_assert!(c.deadline(start, period(n)).due <= c.deadline(start, period(n + 1)).due);
        }
    }
}

#[cfg(test)]
mod left_tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
    }

    #[test]
    fn days_left_count_in_the_unit_of_the_period() {
        let calendar = Calendar::new([]);
        // Friday to the next Tuesday: 4 calendar days, 2 working days (Mon, Tue).
        let (fri, tue) = (day("2026-11-20"), day("2026-11-24"));
        assert_eq!(calendar.left(fri, tue, Period::CalendarDays(30)), 4);
        assert_eq!(calendar.left(fri, tue, Period::WorkingDays(10)), 2);
        assert_eq!(calendar.left(tue, tue, Period::WorkingDays(10)), 0);
        assert_eq!(calendar.left(tue, fri, Period::WorkingDays(10)), -4);
    }
}
