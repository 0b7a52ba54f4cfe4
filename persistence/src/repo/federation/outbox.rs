//! The outbox: messages to partner nodes, claimed by delivery workers with a lease so several
//! processes sharing one database deliver each message once.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement,
};
use uuid::Uuid;

use crate::entity::federation_outbox::{self, Column, Entity};
use crate::repo::{Page, PageRequest, RepoError, parse_stored};

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    Pending,
    Delivered,
    /// Gave up after the last attempt, or the partner refused it for good: an admin may retry.
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

/// Claims up to `limit` messages due at `now` for delivery until `lease_until`, counting an
/// attempt on each.
///
/// A message is due when it is pending, its next attempt time has come, nobody holds a live
/// lease on it, and no earlier message of its referral is still undelivered (messages of one
/// referral go in order). On PostgreSQL, rows another process is claiming are skipped
/// (`FOR UPDATE SKIP LOCKED`); SQLite serialises writers anyway. The lease, not a held
/// transaction, guards the delivery itself, so no transaction stays open across the network.
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn claim(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<OutboxMessage>, RepoError> {
    let backend = db.get_database_backend();
    let (p, lock) = match backend {
        DbBackend::Postgres => (["$1", "$2", "$3"], "FOR UPDATE OF o SKIP LOCKED"),
        _ => (["?", "?", "?"], ""),
    };
    let sql = format!(
        "UPDATE federation_outbox SET lease_until = {lease}, attempts = attempts + 1 \
         WHERE id IN (\
           SELECT o.id FROM federation_outbox o \
           WHERE o.status = 'pending' AND o.next_attempt_at <= {now} \
             AND (o.lease_until IS NULL OR o.lease_until < {now}) \
             AND NOT EXISTS (SELECT 1 FROM federation_outbox e \
               WHERE e.referral_id = o.referral_id AND e.seq < o.seq AND e.status <> 'delivered') \
           ORDER BY o.created_at, o.seq LIMIT {limit} {lock}) \
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
    Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(backend, sql, values))
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// Marks a message delivered.
///
/// # Errors
/// Database errors.
pub async fn delivered(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    Entity::update_many()
        .col_expr(
            Column::Status,
            Expr::value(OutboxStatus::Delivered.as_str()),
        )
        .col_expr(Column::DeliveredAt, Expr::value(now))
        .col_expr(
            Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(Column::LastError, Expr::value(Option::<String>::None))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt: try again at `next_attempt_at`, or give up (`dead`).
///
/// # Errors
/// Database errors.
pub async fn failed(
    db: &impl ConnectionTrait,
    id: Uuid,
    error: &str,
    next_attempt_at: Option<DateTime<Utc>>,
) -> Result<(), RepoError> {
    let mut update = Entity::update_many()
        .col_expr(
            Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(Column::LastError, Expr::value(error.to_owned()));
    update = match next_attempt_at {
        Some(at) => update.col_expr(Column::NextAttemptAt, Expr::value(at)),
        None => update.col_expr(Column::Status, Expr::value(OutboxStatus::Dead.as_str())),
    };
    update.filter(Column::Id.eq(id)).exec(db).await?;
    Ok(())
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
    let result = Entity::update_many()
        .col_expr(Column::Status, Expr::value(OutboxStatus::Pending.as_str()))
        .col_expr(Column::Attempts, Expr::value(0))
        .col_expr(Column::NextAttemptAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(OutboxStatus::Dead.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
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
