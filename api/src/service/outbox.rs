//! The federation outbox as administrators watch it: what is still being delivered, what gave
//! up, and queueing a dead-lettered message again.
use ipdr_domain::access::{Action, Principal};
use ipdr_persistence::repo::federation::outbox;
use uuid::Uuid;

pub use ipdr_persistence::repo::federation::outbox::{OutboxMessage, OutboxStatus};
pub use ipdr_persistence::repo::{Page, PageRequest};

use crate::service::cooperation_agreements::administer;
use crate::service::error::{AppError, AppResult};
use crate::service::unit_of_work::{emit_about, write};
use crate::state::AppState;
use ipdr_domain::event::{EventKind, Subject};

/// One page of messages to partners, oldest first, optionally of one `status`.
///
/// `page` is the page asked for, as the adapter read it: its own error for a malformed one is
/// returned as it is, once the caller is known to be an administrator.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; then `page`'s error; `Internal`.
pub async fn list_outbox<E: From<AppError>>(
    state: &AppState,
    caller: &Principal,
    status: Option<OutboxStatus>,
    page: Result<PageRequest, E>,
) -> Result<Page<OutboxMessage>, E> {
    administer(caller, Action::List)?;
    let page = page?;
    Ok(outbox::list(&state.db, status, page)
        .await
        .map_err(AppError::from)?)
}

/// Queues a dead-lettered message again with a fresh count of attempts, and wakes the
/// delivery worker.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `NotFound`; `Refused` (`not_dead`) for a
/// message that is not dead-lettered; `Internal`.
pub async fn retry_message(
    state: &AppState,
    caller: &Principal,
    id: Uuid,
) -> AppResult<OutboxMessage> {
    administer(caller, Action::Update)?;
    // Operational time, not the business clock: the worker compares with the real now.
    write(&state.db, async |txn| {
        let now = chrono::Utc::now();
        if outbox::retry(txn, id, now).await? {
            let subject = Subject::OutboxMessage(id);
            return emit_about(
                txn,
                EventKind::RetryOutboxMessage,
                subject,
                caller.actor(),
                now,
            )
            .await;
        }
        Err(match outbox::get(txn, id).await? {
            Some(_) => {
                AppError::refused_now("not_dead", "only a dead-lettered message can be retried")
            }
            None => AppError::NotFound,
        })
    })
    .await?;
    state.outbox_wake.notify_one();
    let message = outbox::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tracing::info!(message = %message.id, "dead-lettered federation message queued again");
    Ok(message)
}
