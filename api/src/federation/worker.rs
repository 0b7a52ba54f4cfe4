//! The outbox delivery worker: claims due messages (a lease per message, so N processes sharing
//! one database deliver each once), signs and posts them, and schedules retries with exponential
//! backoff and full jitter — never earlier than a partner's `Retry-After` — until a bounded
//! number of attempts, after which the message is dead-lettered for an admin to retry.
use std::time::Duration;

use chrono::Utc;
use ipdr_domain::audit::Outcome;
use ipdr_persistence::repo::federation::outbox::{self, OutboxMessage};
use ipdr_persistence::repo::federation::partners;

use super::client::Delivery;
use crate::state::AppState;

/// How the worker retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base: Duration,
    pub cap: Duration,
    pub max_attempts: u32,
    /// How long a claimed message is reserved for the claiming process: longer than one
    /// request may take, short enough that a crashed process's claims come back soon.
    pub lease: Duration,
}
/// Messages claimed per round.
const BATCH: u64 = 32;

impl RetryPolicy {
    /// The wait before attempt `attempts + 1`: uniformly random up to `base · 2^(attempts-1)`
    /// (capped) — "full jitter" — and never less than the partner asked for.
    pub fn delay(&self, attempts: u32, retry_after: Option<Duration>) -> Duration {
        let exponent = attempts.saturating_sub(1).min(30);
        let ceiling = self.base.saturating_mul(1u32 << exponent).min(self.cap);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        let jittered = Duration::from_millis(rand::random_range(0..=millis));
        retry_after.map_or(jittered, |asked| jittered.max(asked))
    }
}

/// Delivers every message due now; returns how many were delivered.
///
/// # Errors
/// Database errors (the messages stay queued; their lease runs out and they are retried).
pub async fn deliver_due(state: &AppState) -> anyhow::Result<usize> {
    let mut delivered = 0;
    loop {
        let now = Utc::now();
        let lease = chrono::Duration::from_std(state.retry.lease)?;
        let claimed = outbox::claim(&state.db, now, now + lease, BATCH).await?;
        // A full batch may leave more due; otherwise stop, so a message rescheduled with a
        // near-zero jittered wait is not retried again in the same round.
        let more = claimed.len() == usize::try_from(BATCH).unwrap_or(usize::MAX);
        // One at a time: each attempt is bounded by the client's timeout, and a round holds at
        // most one message per referral, so order holds either way.
        for message in claimed {
            delivered += usize::from(deliver_one(state, message).await?);
        }
        if !more {
            return Ok(delivered);
        }
    }
}

async fn deliver_one(state: &AppState, message: OutboxMessage) -> anyhow::Result<bool> {
    let attempts = u32::try_from(message.attempts).unwrap_or(u32::MAX);
    let outcome = match partners::get(&state.db, &message.partner_node).await? {
        Some(partner) if partner.active => {
            let token = state
                .node_keys
                .sign(
                    state.node.id.as_str(),
                    &partner.node_id,
                    message.id,
                    message.body.as_bytes(),
                )
                .await?;
            state
                .federation_client
                .deliver(&partner.base_url, &token, message.body.clone())
                .await
        }
        _ => Delivery::Retry {
            error: "the partner is not registered or not active".to_owned(),
            after: None,
        },
    };
    let audited = match &outcome {
        Delivery::Delivered => Outcome::Succeeded,
        Delivery::Retry { .. } if attempts < state.retry.max_attempts => Outcome::Retrying,
        Delivery::Retry { .. } => Outcome::Error,
        Delivery::Refused { .. } => Outcome::Refused,
    };
    let mut record = crate::audit::event(
        "federation.deliver",
        format!("referral:{}", message.referral_id),
        audited,
        0,
    );
    record.actor = Some(format!("node:{}", state.node.id));
    record.role = Some("node".to_owned());
    record.detail = Some(format!(
        "message {} seq {} to {} attempt {attempts}",
        message.id, message.seq, message.partner_node
    ));
    crate::audit::append(&state.db, record).await;
    match outcome {
        Delivery::Delivered => {
            outbox::delivered(&state.db, message.id, Utc::now()).await?;
            tracing::info!(message = %message.id, partner = %message.partner_node, attempts, "federation message delivered");
            Ok(true)
        }
        Delivery::Retry { error, after } if attempts < state.retry.max_attempts => {
            let wait = state.retry.delay(attempts, after);
            let next = Utc::now() + chrono::Duration::from_std(wait)?;
            outbox::failed(&state.db, message.id, &error, Some(next)).await?;
            tracing::warn!(message = %message.id, partner = %message.partner_node, attempts, %error, retry_in_ms = wait.as_millis(), "federation delivery failed; will retry");
            Ok(false)
        }
        Delivery::Retry { error, .. } | Delivery::Refused { error } => {
            outbox::failed(&state.db, message.id, &error, None).await?;
            tracing::error!(message = %message.id, partner = %message.partner_node, attempts, %error, "federation message dead-lettered");
            Ok(false)
        }
    }
}

/// Delivers whenever woken (a local change queued a message) or every `poll`, until `shutdown`.
pub async fn run(state: AppState, poll: Duration, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        if let Err(e) = deliver_due(&state).await {
            tracing::error!(error = %e, "outbox delivery round failed");
        }
        tokio::select! {
            () = &mut shutdown => return,
            () = state.outbox_wake.notified() => {}
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
        }
        // Full jitter: the waits spread over the range, not a fixed value.
        let waits: std::collections::BTreeSet<_> = (0..50).map(|_| policy.delay(5, None)).collect();
        assert!(waits.len() > 10, "{waits:?}");
    }
}
