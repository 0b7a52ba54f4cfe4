//! The event stream: every domain event, appended in the transaction of its change, read in
//! order by whoever follows what happens (notifications, statistics).
use ipdr_domain::account::Role;
use ipdr_domain::case::CaseStatus;
use ipdr_domain::event::{By, DomainEvent, EventKind, Subject, SubjectKind};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::entity::event_stream::{self, Column, Entity};
use crate::repo::{RepoError, parse_stored};

/// The stored role of the platform's own events.
const PLATFORM: &str = "platform";

/// A place in the stream: readers remember the last one they saw. Events are ordered by the
/// transaction that wrote them first (on PostgreSQL; SQLite has one writer at a time), so that
/// order is the commit order for what [`after`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub txid: i64,
    pub seq: i64,
}

impl Position {
    /// Before the first event.
    pub const START: Self = Self {
        txid: i64::MIN,
        seq: 0,
    };
}

/// An event as read back, with its place in the stream and what caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub position: Position,
    pub event: DomainEvent,
    /// The operation (`settle_case`, `receive_message`) or platform action that caused it.
    pub cause: String,
}

/// Appends `event` and answers its place in the stream (`seq`); call in the transaction of the
/// change it records.
///
/// # Errors
/// Database errors.
pub async fn append(
    db: &impl ConnectionTrait,
    event: &DomainEvent,
    cause: &str,
) -> Result<i64, RepoError> {
    let (actor_id, actor_role, partner_node) = match &event.by {
        By::Account { id, role } => (Some(id.as_uuid()), role.as_str().to_owned(), None),
        By::Platform => (None, PLATFORM.to_owned(), None),
        By::Partner { node, role } => (None, role.clone(), Some(node.clone())),
    };
    let subject = event.subject();
    Entity::insert(event_stream::ActiveModel {
        at: Set(event.at),
        kind: Set(event.kind().as_str().to_owned()),
        subject_kind: Set(subject.kind().as_str().to_owned()),
        subject_id: Set(subject.id()),
        case_id: Set(subject.case().map(|c| c.as_uuid())),
        actor_id: Set(actor_id),
        actor_role: Set(actor_role),
        partner_node: Set(partner_node),
        from_status: Set(event.from_status.map(|s| s.as_str().to_owned())),
        to_status: Set(event.to_status.map(|s| s.as_str().to_owned())),
        detail: Set(event.detail.clone()),
        cause: Set(cause.to_owned()),
        ..Default::default()
    })
    .exec(db)
    .await
    .map(|inserted| inserted.last_insert_id)
    .map_err(Into::into)
}

/// Up to `limit` events after `position`, in stream order. On PostgreSQL only events of
/// transactions older than every running one are read, so a reader that remembers the last
/// position it saw never skips an event whose transaction was still running (the scheme the
/// audit sealer uses).
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn after(
    db: &impl ConnectionTrait,
    position: Position,
    limit: u64,
) -> Result<Vec<StoredEvent>, RepoError> {
    let mut query = Entity::find()
        .filter(
            Expr::tuple([Expr::col(Column::Txid), Expr::col(Column::Seq)]).gt(Expr::tuple([
                Expr::val(position.txid),
                Expr::val(position.seq),
            ])),
        )
        .order_by_asc(Column::Txid)
        .order_by_asc(Column::Seq)
        .limit(limit);
    if db.get_database_backend() == DbBackend::Postgres {
        query = query.filter(Expr::cust(
            "txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
        ));
    }
    query.all(db).await?.into_iter().map(read).collect()
}

/// Every event of one case (its own and its applications'), oldest first.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn of_case(
    db: &impl ConnectionTrait,
    case: ipdr_domain::CaseId,
) -> Result<Vec<StoredEvent>, RepoError> {
    Entity::find()
        .filter(Column::CaseId.eq(case.as_uuid()))
        .order_by_asc(Column::Seq)
        .all(db)
        .await?
        .into_iter()
        .map(read)
        .collect()
}

fn read(row: event_stream::Model) -> Result<StoredEvent, RepoError> {
    let kind = parse_stored("event kind", &row.kind, EventKind::parse)?;
    let subject_kind = parse_stored("subject kind", &row.subject_kind, SubjectKind::parse)?;
    let subject = subject(subject_kind, &row.subject_id, row.case_id)?;
    let by = match (row.actor_id, row.partner_node) {
        (Some(id), _) => By::Account {
            id: id.into(),
            role: parse_stored("role", &row.actor_role, Role::parse)?,
        },
        (None, Some(node)) => By::Partner {
            node,
            role: row.actor_role,
        },
        (None, None) if row.actor_role == PLATFORM => By::Platform,
        (None, None) => {
            return Err(RepoError::Corrupt(format!(
                "event actor `{}`",
                row.actor_role
            )));
        }
    };
    let status = |s: Option<String>| {
        s.map(|s| parse_stored("status", &s, CaseStatus::parse))
            .transpose()
    };
    let mut event = DomainEvent::new(kind, subject, by, row.at)
        .map_err(|e| RepoError::Corrupt(e.to_string()))?;
    event.from_status = status(row.from_status)?;
    event.to_status = status(row.to_status)?;
    event.detail = row.detail;
    Ok(StoredEvent {
        position: Position {
            txid: row.txid,
            seq: row.seq,
        },
        event,
        cause: row.cause,
    })
}

fn subject(kind: SubjectKind, id: &str, case: Option<Uuid>) -> Result<Subject, RepoError> {
    let uuid = || parse_stored("subject id", id, |s| Uuid::parse_str(s).ok());
    Ok(match kind {
        SubjectKind::Case => Subject::Case(uuid()?.into()),
        SubjectKind::Application => Subject::Application {
            id: uuid()?.into(),
            case: case
                .ok_or_else(|| {
                    RepoError::Corrupt(format!("application event {id} without its case"))
                })?
                .into(),
        },
        SubjectKind::Referral => Subject::Referral(uuid()?),
        SubjectKind::OutboxMessage => Subject::OutboxMessage(uuid()?),
        SubjectKind::Partner => Subject::Partner(id.to_owned()),
        SubjectKind::CooperationAgreement => Subject::CooperationAgreement(uuid()?),
        SubjectKind::Organization => Subject::Organization(uuid()?.into()),
        SubjectKind::Account => Subject::Account(uuid()?.into()),
        SubjectKind::Investigator => Subject::Investigator(uuid()?.into()),
        SubjectKind::CalendarYear => {
            Subject::CalendarYear(parse_stored("subject id", id, |s| s.parse().ok())?)
        }
    })
}
