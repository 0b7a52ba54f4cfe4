//! Login throttling arithmetic: after `max_failures` failed logins inside one window, further
//! attempts are refused — even with the right password — until the window that began with the
//! first failure has passed.
//!
//! Time is a plain millisecond count supplied by the caller (monotonic in practice), which keeps
//! this pure and lets tests drive it.
use std::time::Duration;

/// How many failures a key (an account name, a client address) may have in how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub max_failures: u32,
    pub window: Duration,
}

/// The failures of one key in its current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureWindow {
    started_at_ms: u64,
    failures: u32,
}

impl FailureWindow {
    pub fn failures(&self) -> u32 {
        self.failures
    }
}

impl ThrottlePolicy {
    fn window_ms(&self) -> u64 {
        u64::try_from(self.window.as_millis()).unwrap_or(u64::MAX)
    }

    fn ends_at(&self, window: &FailureWindow) -> u64 {
        window.started_at_ms.saturating_add(self.window_ms())
    }

    /// Whether the window is over at `now_ms`, so the entry can be forgotten.
    pub fn expired(&self, window: &FailureWindow, now_ms: u64) -> bool {
        now_ms >= self.ends_at(window)
    }

    /// `Ok` if an attempt may proceed; otherwise how long until it may (never zero).
    ///
    /// # Errors
    /// The time left in the window once `max_failures` is reached.
    pub fn check(&self, window: Option<&FailureWindow>, now_ms: u64) -> Result<(), Duration> {
        match window {
            Some(w) if w.failures >= self.max_failures && !self.expired(w, now_ms) => {
                Err(Duration::from_millis(self.ends_at(w) - now_ms))
            }
            _ => Ok(()),
        }
    }

    /// The window after one more failure at `now_ms`; an expired window starts afresh.
    pub fn record_failure(&self, window: Option<FailureWindow>, now_ms: u64) -> FailureWindow {
        match window {
            Some(w) if !self.expired(&w, now_ms) => FailureWindow {
                failures: w.failures.saturating_add(1),
                ..w
            },
            _ => FailureWindow {
                started_at_ms: now_ms,
                failures: 1,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn policy(max_failures: u32, window_s: u64) -> ThrottlePolicy {
        ThrottlePolicy {
            max_failures,
            window: Duration::from_secs(window_s),
        }
    }

    #[test]
    fn the_fifth_failure_blocks_until_the_window_that_began_with_the_first_ends() {
        let p = policy(5, 60);
        let mut w = None;
        for t in [0, 1_000, 2_000, 3_000] {
            w = Some(p.record_failure(w, t));
            assert_eq!(p.check(w.as_ref(), t), Ok(()));
        }
        w = Some(p.record_failure(w, 10_000));
        assert_eq!(p.check(w.as_ref(), 10_000), Err(Duration::from_secs(50)));
        assert_eq!(p.check(w.as_ref(), 59_999), Err(Duration::from_millis(1)));
        assert_eq!(p.check(w.as_ref(), 60_000), Ok(()));
        assert_eq!(p.record_failure(w, 60_000).failures(), 1);
    }

    proptest! {
        #[test]
        fn fewer_failures_than_the_limit_never_block(
            max in 1u32..20, gaps in prop::collection::vec(0u64..5_000, 0..19)
        ) {
            let p = policy(max, 60);
            let mut w = None;
            let mut now = 0;
            for gap in gaps.iter().take(max as usize - 1) {
                now += gap;
                w = Some(p.record_failure(w, now));
            }
            prop_assert_eq!(p.check(w.as_ref(), now), Ok(()));
        }

        #[test]
        fn a_block_never_outlasts_the_window_and_is_never_zero(
            max in 1u32..10, window_s in 1u64..3_600,
            gaps in prop::collection::vec(0u64..10_000, 1..40), probe in 0u64..4_000_000
        ) {
            let p = policy(max, window_s);
            let mut w = None;
            let mut now = 0;
            for gap in gaps {
                now += gap;
                w = Some(p.record_failure(w, now));
            }
            if let Err(wait) = p.check(w.as_ref(), now + probe) {
                prop_assert!(wait > Duration::ZERO && wait <= p.window);
                prop_assert_eq!(p.check(w.as_ref(), now + probe + wait.as_millis() as u64), Ok(()));
            }
        }
    }
}
