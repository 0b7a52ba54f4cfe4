//! The delivery queue both outboxes share — messages to partner nodes (`federation_outbox`)
//! and notices by e-mail and webhook (`notice_deliveries`): a message is written in the
//! transaction of the change it announces, claimed by a delivery worker under a lease so
//! several processes sharing one database deliver it once, and then marked delivered, given
//! another attempt later, or dead-lettered for an administrator to queue again.
//!
//! Every queue table has the columns `id`, `status`, `attempts`, `next_attempt_at`,
//! `lease_until`, `last_error`, `created_at` and `delivered_at`; a queue may also keep the
//! messages of one group in order (the federation: one referral's messages by `seq`).
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, Statement};
use uuid::Uuid;

use super::RepoError;

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    Pending,
    Delivered,
    /// Gave up after the last attempt, or the receiver refused it for good: an admin may retry.
    Dead,
}

impl OutboxStatus {
    pub const ALL: [Self; 3] = [Self::Pending, Self::Delivered, Self::Dead];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// One queue table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Queue {
    pub table: &'static str,
    /// `(group, seq)`: a message is not due while an earlier one of its group is undelivered.
    pub in_order: Option<(&'static str, &'static str)>,
    /// A condition every claimed message meets besides being due (no user input in it).
    pub only: Option<&'static str>,
}

/// Claims up to `limit` messages of `queue` due at `now` for delivery until `lease_until`,
/// counting an attempt on each, and returns them as rows of `E`.
///
/// A message is due when it is pending, its next attempt time has come, nobody holds a live
/// lease on it, and (in an ordered queue) no earlier message of its group is still
/// undelivered. On PostgreSQL, rows another process is claiming are skipped
/// (`FOR UPDATE SKIP LOCKED`); SQLite serialises writers anyway. The lease, not a held
/// transaction, guards the delivery itself, so no transaction stays open across the network.
///
/// # Errors
/// Database errors.
pub async fn claim<E>(
    db: &impl ConnectionTrait,
    queue: Queue,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<E::Model>, RepoError>
where
    E: EntityTrait,
    E::Model: FromQueryResult,
{
    let backend = db.get_database_backend();
    let (p, lock) = match backend {
        DbBackend::Postgres => (["$1", "$2", "$3"], "FOR UPDATE OF o SKIP LOCKED"),
        _ => (["?", "?", "?"], ""),
    };
    let table = queue.table;
    let in_order = queue.in_order.map_or(String::new(), |(group, seq)| {
        format!(
            "AND NOT EXISTS (SELECT 1 FROM {table} e WHERE e.{group} = o.{group} \
             AND e.{seq} < o.{seq} AND e.status <> 'delivered')"
        )
    });
    let only = queue
        .only
        .map_or(String::new(), |only| format!("AND ({only})"));
    let order = queue
        .in_order
        .map_or("o.created_at, o.id".to_owned(), |(_, seq)| {
            format!("o.created_at, o.{seq}")
        });
    let sql = format!(
        "UPDATE {table} SET lease_until = {lease}, attempts = attempts + 1 \
         WHERE id IN (\
           SELECT o.id FROM {table} o \
           WHERE o.status = 'pending' AND o.next_attempt_at <= {now} \
             AND (o.lease_until IS NULL OR o.lease_until < {now}) {in_order} {only} \
           ORDER BY {order} LIMIT {limit} {lock}) \
         RETURNING *",
        lease = p[0],
        now = p[1],
        limit = p[2],
    );
    // SQLite numbers `?` by position: `now` appears twice.
    let values: Vec<sea_orm::Value> = match backend {
        DbBackend::Postgres => vec![lease_until.into(), now.into(), limit.into()],
        _ => vec![lease_until.into(), now.into(), now.into(), limit.into()],
    };
    Ok(E::find()
        .from_raw_sql(Statement::from_sql_and_values(backend, sql, values))
        .all(db)
        .await?)
}

/// Extends the lease on a claimed message to `until`, before an attempt, if the caller still
/// holds it (its lease is `held`): a message whose lease ran out while earlier ones of its
/// batch were delivered may have been claimed by another process since. Returns whether the
/// caller holds it now.
///
/// # Errors
/// Database errors.
pub async fn renew(
    db: &impl ConnectionTrait,
    queue: Queue,
    id: Uuid,
    held: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let update = Query::update()
        .table(Alias::new(queue.table))
        .value(Alias::new("lease_until"), until)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .and_where(Expr::col(Alias::new("status")).eq(OutboxStatus::Pending.as_str()))
        .and_where(Expr::col(Alias::new("lease_until")).eq(held))
        .to_owned();
    Ok(db.execute(&update).await?.rows_affected() == 1)
}

/// Marks a message delivered, if the caller holds its lease (`held`; `None`: whoever does).
/// Returns whether it did.
///
/// # Errors
/// Database errors.
pub async fn delivered(
    db: &impl ConnectionTrait,
    queue: Queue,
    id: Uuid,
    held: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let mut update = Query::update();
    update
        .table(Alias::new(queue.table))
        .value(Alias::new("status"), OutboxStatus::Delivered.as_str())
        .value(Alias::new("delivered_at"), now)
        .value(Alias::new("lease_until"), Option::<DateTime<Utc>>::None)
        .value(Alias::new("last_error"), Option::<String>::None)
        .and_where(Expr::col(Alias::new("id")).eq(id));
    if let Some(held) = held {
        update.and_where(Expr::col(Alias::new("lease_until")).eq(held));
    }
    Ok(db.execute(&update).await?.rows_affected() == 1)
}

/// Records a failed attempt, if the caller holds the message's lease (`held`; `None`:
/// whoever does): try again at `next_attempt_at`, or give up (`dead`). Returns whether it did.
///
/// # Errors
/// Database errors.
pub async fn failed(
    db: &impl ConnectionTrait,
    queue: Queue,
    id: Uuid,
    held: Option<DateTime<Utc>>,
    error: &str,
    next_attempt_at: Option<DateTime<Utc>>,
) -> Result<bool, RepoError> {
    let mut update = Query::update();
    update
        .table(Alias::new(queue.table))
        .value(Alias::new("lease_until"), Option::<DateTime<Utc>>::None)
        .value(Alias::new("last_error"), error.to_owned())
        .and_where(Expr::col(Alias::new("id")).eq(id));
    if let Some(held) = held {
        update.and_where(Expr::col(Alias::new("lease_until")).eq(held));
    }
    match next_attempt_at {
        Some(at) => update.value(Alias::new("next_attempt_at"), at),
        None => update.value(Alias::new("status"), OutboxStatus::Dead.as_str()),
    };
    Ok(db.execute(&update).await?.rows_affected() == 1)
}

/// Puts a dead message back in the queue with a fresh count of attempts. Returns whether it was
/// dead.
///
/// # Errors
/// Database errors.
pub async fn retry(
    db: &impl ConnectionTrait,
    queue: Queue,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let update = Query::update()
        .table(Alias::new(queue.table))
        .value(Alias::new("status"), OutboxStatus::Pending.as_str())
        .value(Alias::new("attempts"), 0)
        .value(Alias::new("next_attempt_at"), now)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .and_where(Expr::col(Alias::new("status")).eq(OutboxStatus::Dead.as_str()))
        .to_owned();
    Ok(db.execute(&update).await?.rows_affected() == 1)
}
