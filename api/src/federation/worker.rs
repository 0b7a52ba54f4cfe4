//! The federation's courier for the shared delivery worker ([`crate::delivery`]): signs each
//! message for its partner and posts it, and audits every attempt.
use std::time::Duration;

use chrono::{DateTime, Utc};
use ipdr_domain::audit::Outcome;
use ipdr_persistence::Db;
use ipdr_persistence::repo::federation::outbox::{self, OutboxMessage};
use ipdr_persistence::repo::federation::partners;
use ipdr_persistence::repo::queue::Queue;

pub use crate::delivery::RetryPolicy;
use crate::delivery::{Courier, Delivery, Settled};
use crate::state::AppState;

/// Delivers the federation outbox.
pub struct Federation(pub AppState);

impl Courier for Federation {
    type Message = OutboxMessage;
    const NAME: &'static str = "federation";

    fn queue(&self) -> Queue {
        outbox::QUEUE
    }

    async fn claim(
        &self,
        db: &Db,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u64,
    ) -> anyhow::Result<Vec<OutboxMessage>> {
        Ok(outbox::claim(db, now, lease_until, limit).await?)
    }

    async fn deliver(&self, message: &OutboxMessage) -> Delivery {
        let state = &self.0;
        match partners::get(&state.db, &message.partner_node).await {
            Ok(Some(partner)) if partner.active => {
                let token = match state
                    .node_keys
                    .sign(
                        state.node.id.as_str(),
                        &partner.node_id,
                        message.id,
                        message.body.as_bytes(),
                    )
                    .await
                {
                    Ok(token) => token,
                    Err(e) => {
                        return Delivery::Retry {
                            error: format!("signing failed: {e}"),
                            after: None,
                        };
                    }
                };
                state
                    .federation_client
                    .deliver(&partner.base_url, &token, message.body.clone())
                    .await
            }
            Ok(_) => Delivery::Retry {
                error: "the partner is not registered or not active".to_owned(),
                after: None,
            },
            Err(e) => Delivery::Retry {
                error: format!("reading the partner registry: {e}"),
                after: None,
            },
        }
    }

    async fn settled(&self, message: &OutboxMessage, outcome: &Delivery, settled: Settled) {
        let state = &self.0;
        let audited = match (outcome, settled) {
            (Delivery::Delivered, _) => Outcome::Succeeded,
            (_, Settled::Retrying { .. }) => Outcome::Retrying,
            (Delivery::Refused { .. }, _) => Outcome::Refused,
            _ => Outcome::Error,
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
            "message {} seq {} to {} attempt {}",
            message.id, message.seq, message.partner_node, message.attempts
        ));
        crate::audit::append(&state.db, record).await;
    }
}

/// Delivers every federation message due now; returns how many were delivered.
///
/// # Errors
/// Database errors (the messages stay queued; their lease runs out and they are retried).
pub async fn deliver_due(state: &AppState) -> anyhow::Result<usize> {
    crate::delivery::deliver_due(&state.db, &Federation(state.clone()), &state.retry).await
}

/// Delivers whenever woken (a local change queued a message) or every `poll`, until `shutdown`.
pub async fn run(state: AppState, poll: Duration, shutdown: impl std::future::Future<Output = ()>) {
    let wake = state.outbox_wake.clone();
    let db = state.db.clone();
    let policy = state.retry;
    crate::delivery::run(db, Federation(state), policy, wake, poll, shutdown).await;
}
