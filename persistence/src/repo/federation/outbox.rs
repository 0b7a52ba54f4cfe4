//! The federation outbox: messages to partner nodes, a [`queue`] whose messages of one
//! referral are delivered in order.
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entity::federation_outbox::{self, Column, Entity};
use crate::repo::queue::{self, Queue};
use crate::repo::{Page, PageRequest, RepoError, parse_stored};

pub use crate::repo::queue::OutboxStatus;

/// The federation's queue: one referral's messages go in order.
pub const QUEUE: Queue = Queue {
    table: "federation_outbox",
    in_order: Some(("referral_id", "seq")),
    only: None,
};

/// A message to a partner node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: Uuid,
    pub partner_node: String,
    pub referral_id: Uuid,
    pub seq: i64,
    pub body: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub lease_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

fn from_row(row: federation_outbox::Model) -> Result<OutboxMessage, RepoError> {
    Ok(OutboxMessage {
        status: parse_stored("outbox status", &row.status, OutboxStatus::parse)?,
        id: row.id,
        partner_node: row.partner_node,
        referral_id: row.referral_id,
        seq: row.seq,
        body: row.body,
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at,
        lease_until: row.lease_until,
        last_error: row.last_error,
        created_at: row.created_at,
        delivered_at: row.delivered_at,
    })
}

/// Queues a message: call inside the transaction of the change it announces.
///
/// # Errors
/// Database errors.
pub async fn enqueue(db: &impl ConnectionTrait, message: &OutboxMessage) -> Result<(), RepoError> {
    Entity::insert(federation_outbox::ActiveModel {
        id: Set(message.id),
        partner_node: Set(message.partner_node.clone()),
        referral_id: Set(message.referral_id),
        seq: Set(message.seq),
        body: Set(message.body.clone()),
        status: Set(message.status.as_str().to_owned()),
        attempts: Set(message.attempts),
        next_attempt_at: Set(message.next_attempt_at),
        lease_until: Set(message.lease_until),
        last_error: Set(message.last_error.clone()),
        created_at: Set(message.created_at),
        delivered_at: Set(message.delivered_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Claims up to `limit` messages due at `now` for delivery until `lease_until` (see
/// [`queue::claim`]): no earlier message of its referral is still undelivered.
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn claim(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<OutboxMessage>, RepoError> {
    queue::claim::<Entity>(db, QUEUE, now, lease_until, limit)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// Puts a dead message back in the queue with a fresh count of attempts. Returns whether it was
/// dead.
///
/// # Errors
/// Database errors.
pub async fn retry(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    queue::retry(db, QUEUE, id, now).await
}

/// # Errors
/// Database errors, corrupt rows.
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<OutboxMessage>, RepoError> {
    Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// One page of messages, oldest first, optionally of one status.
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn list(
    db: &impl ConnectionTrait,
    status: Option<OutboxStatus>,
    page: PageRequest,
) -> Result<Page<OutboxMessage>, RepoError> {
    let mut query = Entity::find();
    if let Some(status) = status {
        query = query.filter(Column::Status.eq(status.as_str()));
    }
    if let Some(after) = page.after {
        query = query.filter(Column::Id.gt(after));
    }
    let rows = query
        .order_by_asc(Column::Id)
        .limit(page.limit + 1)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, page.limit, |m| m.id))
}

/// How many messages are not delivered yet (pending or dead).
///
/// # Errors
/// Database errors.
pub async fn undelivered(db: &impl ConnectionTrait) -> Result<u64, RepoError> {
    Ok(Entity::find()
        .filter(Column::Status.ne(OutboxStatus::Delivered.as_str()))
        .count(db)
        .await?)
}
