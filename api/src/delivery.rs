//! The delivery worker every outbox shares — messages to partner nodes, notices by e-mail and
//! by webhook: claim what is due (a lease per message, so N processes sharing one database
//! deliver each once), hand each message to its [`Courier`], and settle the attempt: delivered,
//! retried with exponential backoff and full jitter (never earlier than the receiver's
//! `Retry-After`), or, after a bounded number of attempts or a refusal for good,
//! dead-lettered for an admin to retry.
use std::time::Duration;

use chrono::{SubsecRound, Utc};
use ipdr_persistence::Db;
use ipdr_persistence::repo::queue::{self, Queue};
use uuid::Uuid;

/// How a worker retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base: Duration,
    pub cap: Duration,
    pub max_attempts: u32,
    /// How long a claimed message is reserved for the claiming process: longer than one
    /// attempt may take, short enough that a crashed process's claims come back soon.
    pub lease: Duration,
}

impl RetryPolicy {
    /// The wait before attempt `attempts + 1`: uniformly random up to `base · 2^(attempts-1)`
    /// (capped) — "full jitter" — and never less than the receiver asked for, up to
    /// [`MAX_RETRY_AFTER`] (a receiver cannot park a message for years).
    pub fn delay(&self, attempts: u32, retry_after: Option<Duration>) -> Duration {
        let exponent = attempts.saturating_sub(1).min(30);
        let ceiling = self.base.saturating_mul(1u32 << exponent).min(self.cap);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        let jittered = Duration::from_millis(rand::random_range(0..=millis));
        retry_after.map_or(jittered, |asked| jittered.max(asked.min(MAX_RETRY_AFTER)))
    }
}

/// The longest `Retry-After` honoured.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    /// Worth another attempt (unreachable, timeout, 5xx, 429 …); `after` is the receiver's
    /// `Retry-After`.
    Retry {
        error: String,
        after: Option<Duration>,
    },
    /// The receiver refused the message for good: retrying cannot help.
    Refused {
        error: String,
    },
}

/// What settling an attempt did with the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Delivered,
    /// Queued again, for attempt `attempts + 1` after `wait`.
    Retrying {
        wait: Duration,
    },
    DeadLettered,
}

/// A message of a queue, as the worker names it: its id and the attempts counted on it (the
/// one being made included).
pub trait Queued {
    fn id(&self) -> Uuid;
    fn attempts(&self) -> i32;
}

impl Queued for ipdr_persistence::repo::federation::outbox::OutboxMessage {
    fn id(&self) -> Uuid {
        self.id
    }
    fn attempts(&self) -> i32 {
        self.attempts
    }
}

impl Queued for ipdr_persistence::repo::notice_channels::Delivery {
    fn id(&self) -> Uuid {
        self.id
    }
    fn attempts(&self) -> i32 {
        self.attempts
    }
}

/// One outbox: its queue, how its messages are claimed and how one is delivered.
pub trait Courier: Send + Sync {
    type Message: Queued + Send + Sync;
    /// `federation`, `email`, `webhook`: in logs.
    const NAME: &'static str;

    fn queue(&self) -> Queue;

    /// Claims up to `limit` due messages until `lease_until`, counting an attempt on each.
    fn claim(
        &self,
        db: &Db,
        now: chrono::DateTime<Utc>,
        lease_until: chrono::DateTime<Utc>,
        limit: u64,
    ) -> impl Future<Output = anyhow::Result<Vec<Self::Message>>> + Send;

    /// Attempts one delivery.
    fn deliver(&self, message: &Self::Message) -> impl Future<Output = Delivery> + Send;

    /// Told what became of an attempt (the federation audits each one).
    fn settled(
        &self,
        _message: &Self::Message,
        _outcome: &Delivery,
        _settled: Settled,
    ) -> impl Future<Output = ()> + Send {
        async {}
    }
}

/// Messages claimed per round.
const BATCH: u64 = 32;

/// Delivers every message of `courier` due now; returns how many were delivered.
///
/// # Errors
/// Database errors (the messages stay queued; their lease runs out and they are retried).
pub async fn deliver_due<C: Courier>(
    db: &Db,
    courier: &C,
    policy: &RetryPolicy,
) -> anyhow::Result<usize> {
    let mut delivered = 0;
    let lease = chrono::Duration::from_std(policy.lease)?;
    // Leases end on a whole millisecond: the value compared on renewal is the one stored.
    let lease_from_now = || (Utc::now() + lease).trunc_subsecs(3);
    loop {
        let held = lease_from_now();
        let claimed = courier.claim(db, Utc::now(), held, BATCH).await?;
        // A full batch may leave more due; otherwise stop, so a message rescheduled with a
        // near-zero jittered wait is not retried again in the same round.
        let more = claimed.len() == usize::try_from(BATCH).unwrap_or(usize::MAX);
        // One at a time: each attempt is bounded by its client's timeout, and a round holds
        // at most one message per ordered group, so order holds either way. Each attempt
        // starts with a fresh lease on its message, and is settled only under it: a message
        // whose lease ran out while the ones before it were delivered, and that another
        // process claimed since, is that process's.
        for message in claimed {
            let (id, attempts) = (message.id(), u32::try_from(message.attempts()).unwrap_or(0));
            let mine = lease_from_now();
            if !queue::renew(db, courier.queue(), id, held, mine).await? {
                tracing::info!(outbox = C::NAME, message = %id, "claimed by another process meanwhile");
                continue;
            }
            let outcome = courier.deliver(&message).await;
            let claim = Claim {
                id,
                attempts,
                held: mine,
            };
            let Some(settled) =
                settle(db, courier.queue(), policy, claim, &outcome, C::NAME).await?
            else {
                continue;
            };
            courier.settled(&message, &outcome, settled).await;
            delivered += usize::from(settled == Settled::Delivered);
        }
        if !more {
            return Ok(delivered);
        }
    }
}

/// A message as its attempt holds it: its id, the attempts counted (this one included) and
/// the lease it was made under.
#[derive(Debug, Clone, Copy)]
struct Claim {
    id: Uuid,
    attempts: u32,
    held: chrono::DateTime<Utc>,
}

/// Records what became of an attempt; `None` when the lease was lost meanwhile (another
/// process settles the message).
async fn settle(
    db: &Db,
    queue: Queue,
    policy: &RetryPolicy,
    claim: Claim,
    outcome: &Delivery,
    name: &str,
) -> anyhow::Result<Option<Settled>> {
    let Claim { id, attempts, held } = claim;
    let held = Some(held);
    let (recorded, settled) = match outcome {
        Delivery::Delivered => (
            queue::delivered(db, queue, id, held, Utc::now()).await?,
            Settled::Delivered,
        ),
        Delivery::Retry { error, after } if attempts < policy.max_attempts => {
            let wait = policy.delay(attempts, *after);
            let next = Utc::now() + chrono::Duration::from_std(wait)?;
            let recorded = queue::failed(db, queue, id, held, error, Some(next)).await?;
            (recorded, Settled::Retrying { wait })
        }
        Delivery::Retry { error, .. } | Delivery::Refused { error } => (
            queue::failed(db, queue, id, held, error, None).await?,
            Settled::DeadLettered,
        ),
    };
    if !recorded {
        tracing::warn!(outbox = name, message = %id, attempts, "the lease ran out during the attempt; not settled here");
        return Ok(None);
    }
    match (outcome, settled) {
        (_, Settled::Delivered) => {
            tracing::info!(outbox = name, message = %id, attempts, "delivered");
        }
        (Delivery::Retry { error, .. }, Settled::Retrying { wait }) => {
            tracing::warn!(outbox = name, message = %id, attempts, %error, retry_in_ms = wait.as_millis(), "delivery failed; will retry");
        }
        (Delivery::Retry { error, .. } | Delivery::Refused { error }, _) => {
            tracing::error!(outbox = name, message = %id, attempts, %error, "dead-lettered");
        }
        (Delivery::Delivered, _) => {}
    }
    Ok(Some(settled))
}

/// Delivers whenever `wake` is notified or every `poll`, until `shutdown`.
pub async fn run<C: Courier>(
    db: Db,
    courier: C,
    policy: RetryPolicy,
    wake: std::sync::Arc<tokio::sync::Notify>,
    poll: Duration,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        if let Err(e) = deliver_due(&db, &courier, &policy).await {
            tracing::error!(outbox = C::NAME, error = %e, "delivery round failed");
        }
        tokio::select! {
            () = &mut shutdown => return,
            () = wake.notified() => {}
            () = tokio::time::sleep(poll) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_its_cap_with_full_jitter_and_honours_retry_after() {
        let policy = RetryPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(2),
            max_attempts: 8,
            lease: Duration::from_secs(30),
        };
        for _ in 0..200 {
            assert!(policy.delay(1, None) <= Duration::from_millis(100));
            assert!(policy.delay(3, None) <= Duration::from_millis(400));
            assert!(policy.delay(20, None) <= Duration::from_secs(2));
            assert!(policy.delay(1, Some(Duration::from_secs(5))) >= Duration::from_secs(5));
            // A receiver's Retry-After is honoured up to an hour, however long it asks.
            assert_eq!(
                policy.delay(1, Some(Duration::from_secs(u64::MAX))),
                MAX_RETRY_AFTER
            );
        }
        // Full jitter: the waits spread over the range, not a fixed value.
        let waits: std::collections::BTreeSet<_> = (0..50).map(|_| policy.delay(5, None)).collect();
        assert!(waits.len() > 10, "{waits:?}");
    }
}
