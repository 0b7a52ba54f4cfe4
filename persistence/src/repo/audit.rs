//! The audit trail: appending events, sealing them into the hash chain, verifying the chain.
//!
//! This module is the only code that touches `audit_events` and `audit_seals`, and it only
//! inserts and reads: there is no update or delete here (and triggers refuse them anyway).
use chrono::{DateTime, Utc};
use ipdr_domain::audit::{self, Break, Record, Verifier};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use crate::entity::{audit_events, audit_seals};
use crate::repo::RepoError;

/// An event to append; the database assigns its id (and, on PostgreSQL, its transaction id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub occurred_at: DateTime<Utc>,
    pub actor: Option<String>,
    pub role: Option<String>,
    pub action: String,
    pub object: String,
    pub outcome: audit::Outcome,
    pub status: i32,
    pub client_address: Option<String>,
    pub request_id: Option<String>,
    pub detail: Option<String>,
}

/// Appends one event, in its own statement: no lock, no read of the chain head.
///
/// # Errors
/// Database errors.
pub async fn append(db: &impl ConnectionTrait, event: NewEvent) -> Result<i64, RepoError> {
    let row = audit_events::ActiveModel {
        id: NotSet,
        txid: NotSet,
        occurred_at: Set(event.occurred_at),
        actor: Set(event.actor),
        role: Set(event.role),
        action: Set(event.action),
        object: Set(event.object),
        outcome: Set(event.outcome.as_str().to_owned()),
        status: Set(event.status),
        client_address: Set(event.client_address),
        request_id: Set(event.request_id),
        detail: Set(event.detail),
    };
    let result = audit_events::Entity::insert(row).exec(db).await?;
    Ok(result.last_insert_id)
}

fn record(row: audit_events::Model) -> Record {
    Record {
        id: row.id,
        occurred_at: row.occurred_at,
        actor: row.actor,
        role: row.role,
        action: row.action,
        object: row.object,
        outcome: row.outcome,
        status: row.status,
        client_address: row.client_address,
        request_id: row.request_id,
        detail: row.detail,
    }
}

#[derive(Debug, FromQueryResult)]
struct Head {
    seq: i64,
    hash: String,
    txid: i64,
    record_id: i64,
}

/// Seals up to `limit` unsealed events onto the chain and answers how many.
///
/// Events are sealed in `(txid, id)` order after the head. On PostgreSQL only events whose
/// transaction is older than every transaction still running are taken, so none can commit
/// behind the head later; SQLite's single writer gives the same guarantee by construction. The
/// reads take no lock and the new seals are one `INSERT`: no transaction is held open, and two
/// sealers racing on one database cannot fork the chain — the second one's `seq` collides with
/// the first one's and its insert fails as a whole.
///
/// # Errors
/// Database errors (a lost race included); a head whose hash does not parse is
/// [`RepoError::Corrupt`].
pub async fn seal(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<usize, RepoError> {
    let backend = db.get_database_backend();
    let head = Head::find_by_statement(Statement::from_string(
        backend,
        "SELECT s.seq, s.hash, e.txid, s.record_id FROM audit_seals s \
         JOIN audit_events e ON e.id = s.record_id ORDER BY s.seq DESC LIMIT 1",
    ))
    .one(db)
    .await?;
    let (mut seq, mut prev, after) = match head {
        Some(h) => {
            let hash = audit::parse_hash(&h.hash)
                .ok_or_else(|| RepoError::Corrupt(format!("audit seal {} hash", h.seq)))?;
            (h.seq, hash, (h.txid, h.record_id))
        }
        None => (0, audit::GENESIS, (i64::MIN, 0)),
    };
    let (after_txid, after_id) = after;
    let mut query = audit_events::Entity::find()
        .filter(
            Expr::tuple([
                Expr::col(audit_events::Column::Txid),
                Expr::col(audit_events::Column::Id),
            ])
            .gt(Expr::tuple([Expr::val(after_txid), Expr::val(after_id)])),
        )
        .order_by_asc(audit_events::Column::Txid)
        .order_by_asc(audit_events::Column::Id)
        .limit(limit);
    if backend == DbBackend::Postgres {
        query = query.filter(Expr::cust(
            "txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
        ));
    }
    let events = query.all(db).await?;
    if events.is_empty() {
        return Ok(0);
    }
    let mut seals = Vec::with_capacity(events.len());
    for event in events {
        let record = record(event);
        prev = audit::link(&prev, &record);
        seq += 1;
        seals.push(audit_seals::ActiveModel {
            seq: Set(seq),
            record_id: Set(record.id),
            hash: Set(audit::hash_hex(&prev)),
            sealed_at: Set(now),
        });
    }
    let sealed = seals.len();
    audit_seals::Entity::insert_many(seals).exec(db).await?;
    Ok(sealed)
}

/// What `ipdr audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Seals that verified, from the first.
    pub verified: u64,
    /// Events not (yet) sealed.
    pub unsealed: u64,
    /// The first broken link, if any; nothing after it is checked.
    pub broken: Option<Break>,
}

/// Walks the whole chain from the first seal, `batch` seals at a time.
///
/// # Errors
/// Database errors.
pub async fn verify(db: &impl ConnectionTrait, batch: u64) -> Result<Verification, RepoError> {
    let mut verifier = Verifier::default();
    let mut after = 0_i64;
    let broken = 'walk: loop {
        let seals = audit_seals::Entity::find()
            .filter(audit_seals::Column::Seq.gt(after))
            .order_by_asc(audit_seals::Column::Seq)
            .limit(batch)
            .all(db)
            .await?;
        let Some(last) = seals.last() else {
            break None;
        };
        after = last.seq;
        let ids: Vec<i64> = seals.iter().map(|s| s.record_id).collect();
        let mut events: std::collections::HashMap<i64, Record> = audit_events::Entity::find()
            .filter(audit_events::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|row| (row.id, record(row)))
            .collect();
        for seal in &seals {
            let record = events.remove(&seal.record_id);
            if let Err(broken) =
                verifier.check(seal.seq, seal.record_id, record.as_ref(), &seal.hash)
            {
                break 'walk Some(broken);
            }
        }
    };
    let events = audit_events::Entity::find().count(db).await?;
    let sealed = audit_seals::Entity::find().count(db).await?;
    Ok(Verification {
        verified: verifier.checked(),
        unsealed: events.saturating_sub(sealed),
        broken,
    })
}

/// One page of events, newest first, for auditors.
///
/// # Errors
/// Database errors.
pub async fn recent(
    db: &impl ConnectionTrait,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<Record>, RepoError> {
    recent_matching(db, before, limit, &TrailFilter::default()).await
}

/// Which audit records to read; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct TrailFilter {
    /// The operation, exactly (`open_case`, `login`).
    pub action: Option<String>,
    /// The outcome, exactly (`succeeded`, `denied`).
    pub outcome: Option<String>,
    /// The actor, exactly (`account:<id>`, `partner:<node>`).
    pub actor: Option<String>,
}

/// [`recent`] for the records matching `filter`.
///
/// # Errors
/// Database errors.
pub async fn recent_matching(
    db: &impl ConnectionTrait,
    before: Option<i64>,
    limit: u64,
    filter: &TrailFilter,
) -> Result<Vec<Record>, RepoError> {
    let mut query = audit_events::Entity::find()
        .order_by_desc(audit_events::Column::Id)
        .limit(limit);
    if let Some(before) = before {
        query = query.filter(audit_events::Column::Id.lt(before));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::Column::Action.eq(action.as_str()));
    }
    if let Some(outcome) = &filter.outcome {
        query = query.filter(audit_events::Column::Outcome.eq(outcome.as_str()));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_events::Column::Actor.eq(actor.as_str()));
    }
    Ok(query.all(db).await?.into_iter().map(record).collect())
}
