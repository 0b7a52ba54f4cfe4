//! The login throttle's state: failure windows per account name and per client address, in
//! memory, bounded. The arithmetic is `ipdr_domain::throttle`.
//!
//! The state is per process: with N processes behind a load balancer an attacker gets up to N
//! times the attempts, which the limits' defaults leave far below what guessing needs.
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ipdr_domain::throttle::{FailureWindow, ThrottlePolicy};

use crate::config::LoginSettings;

/// Entries kept per map before expired ones are swept and, failing that, the oldest dropped:
/// memory stays bounded under a flood of distinct names or addresses.
const CAPACITY: usize = 100_000;

struct Windows<K> {
    policy: ThrottlePolicy,
    entries: Mutex<HashMap<K, FailureWindow>>,
}

impl<K: Eq + Hash + Clone> Windows<K> {
    fn new(policy: ThrottlePolicy) -> Self {
        Self {
            policy,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, FailureWindow>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn check(&self, key: &K, now: u64) -> Result<(), Duration> {
        self.policy.check(self.lock().get(key), now)
    }

    fn fail(&self, key: &K, now: u64) {
        let mut entries = self.lock();
        if entries.len() >= CAPACITY && !entries.contains_key(key) {
            entries.retain(|_, w| !self.policy.expired(w, now));
            if entries.len() >= CAPACITY
                && let Some(oldest) = entries.keys().next().cloned()
            {
                entries.remove(&oldest);
            }
        }
        let window = self.policy.record_failure(entries.get(key).copied(), now);
        entries.insert(key.clone(), window);
    }

    fn clear(&self, key: &K) {
        self.lock().remove(key);
    }

    fn len(&self) -> usize {
        self.lock().len()
    }
}

/// Failed-login bookkeeping for one process.
pub struct LoginThrottle {
    epoch: Instant,
    accounts: Windows<String>,
    addresses: Windows<IpAddr>,
}

impl LoginThrottle {
    pub fn new(settings: &LoginSettings) -> Self {
        let policy = |max_failures| ThrottlePolicy {
            max_failures,
            window: settings.window,
        };
        Self {
            epoch: Instant::now(),
            accounts: Windows::new(policy(settings.max_failures_per_account)),
            addresses: Windows::new(policy(settings.max_failures_per_address)),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The key of an account name: as the login normalises it, bounded in length.
    fn account_key(username: &str) -> String {
        username.trim().to_lowercase().chars().take(64).collect()
    }

    /// `Ok` if a login for `username` from `address` may be attempted; otherwise the wait.
    ///
    /// # Errors
    /// The longer of the two waits when either key is blocked.
    pub fn check(&self, username: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        let now = self.now();
        let account = self.accounts.check(&Self::account_key(username), now);
        let address = address.map_or(Ok(()), |a| self.addresses.check(&a, now));
        match (account, address) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(a), Err(b)) => Err(a.max(b)),
            (Err(wait), Ok(())) | (Ok(()), Err(wait)) => Err(wait),
        }
    }

    pub fn record_failure(&self, username: &str, address: Option<IpAddr>) {
        let now = self.now();
        self.accounts.fail(&Self::account_key(username), now);
        if let Some(address) = address {
            self.addresses.fail(&address, now);
        }
    }

    /// A successful login forgets the account's failures (not the address's: one valid account
    /// must not reset the count of an address guessing others).
    pub fn record_success(&self, username: &str) {
        self.accounts.clear(&Self::account_key(username));
    }

    /// Entries held, for tests and diagnostics.
    pub fn tracked(&self) -> (usize, usize) {
        (self.accounts.len(), self.addresses.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(per_account: u32, per_address: u32) -> LoginThrottle {
        LoginThrottle::new(&LoginSettings {
            max_failures_per_account: per_account,
            max_failures_per_address: per_address,
            window: Duration::from_secs(60),
            hash_concurrency: 1,
        })
    }

    #[test]
    fn an_account_is_blocked_whatever_the_case_of_its_name() {
        let t = throttle(2, 100);
        t.record_failure("Wang", None);
        t.record_failure("WANG ", None);
        assert!(t.check("wang", None).is_err());
        assert!(t.check("li", None).is_ok());
    }

    #[test]
    fn an_address_is_blocked_across_account_names() {
        let t = throttle(100, 3);
        let ip: IpAddr = "10.0.0.7".parse().unwrap();
        for name in ["a", "b", "c"] {
            t.record_failure(name, Some(ip));
        }
        assert!(t.check("d", Some(ip)).is_err());
        assert!(t.check("d", Some("10.0.0.8".parse().unwrap())).is_ok());
    }

    #[test]
    fn success_clears_the_account_but_not_the_address() {
        let t = throttle(2, 2);
        let ip: IpAddr = "10.0.0.7".parse().unwrap();
        t.record_failure("wang", Some(ip));
        t.record_success("wang");
        t.record_failure("wang", Some(ip));
        assert!(t.check("wang", None).is_ok());
        assert!(t.check("wang", Some(ip)).is_err());
    }

    #[test]
    fn memory_stays_bounded_under_a_flood_of_names() {
        let t = throttle(5, u32::MAX);
        for i in 0..(CAPACITY + 500) {
            t.record_failure(&format!("user{i}"), None);
        }
        assert!(t.tracked().0 <= CAPACITY);
    }
}
