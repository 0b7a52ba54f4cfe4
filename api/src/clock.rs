//! The time the business logic sees: case timestamps, "today" for deadlines. Tokens use the
//! system clock regardless. Tests pin it to chosen dates ([`FixedClock`]).
//!
//! Instants are whole microseconds, the precision PostgreSQL keeps, so a value written and the
//! value read back are equal on every backend.
use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Today in China (Asia/Shanghai), the day deadlines are counted from.
    fn today(&self) -> NaiveDate {
        ipdr_domain::calendar::local_date(self.now())
    }
}

/// The real time.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// A clock that stays where it is set (tests).
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at.trunc_subsecs(6)))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = at.trunc_subsecs(6);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
