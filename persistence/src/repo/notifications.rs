//! In-app notices. A notice is raised at most once per (recipient, dedupe key): the unique index
//! turns a second raise — a re-run sweep, a second replica, a retried change — into nothing.
use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::case::deadlines::DeadlineRule;
use ipdr_domain::notification::NoticeKind;
use ipdr_domain::{AccountId, CaseId};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::{Page, PageRequest, RepoError, parse_stored};
use crate::entity::notifications::{self, Column, Entity};

/// A notice to raise for some recipients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    /// What the notice is of: the same key for every recipient of one notice.
    pub dedupe_key: String,
    pub kind: NoticeKind,
    pub case_id: Option<CaseId>,
    pub case_number: Option<String>,
    pub referral_id: Option<Uuid>,
    pub rule: Option<DeadlineRule>,
    pub due_on: Option<NaiveDate>,
    /// The console path it links to (`/cases/<id>`, `/applications/<id>`, `/referrals/<id>`).
    pub link: String,
}

/// A stored notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: Uuid,
    pub account_id: AccountId,
    pub kind: NoticeKind,
    pub case_id: Option<CaseId>,
    pub case_number: Option<String>,
    pub referral_id: Option<Uuid>,
    pub rule: Option<DeadlineRule>,
    pub due_on: Option<NaiveDate>,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl TryFrom<notifications::Model> for Notice {
    type Error = RepoError;

    fn try_from(row: notifications::Model) -> Result<Self, Self::Error> {
        Ok(Self {
            id: row.id,
            account_id: row.account_id.into(),
            kind: parse_stored("notice kind", &row.kind, NoticeKind::parse)?,
            case_id: row.case_id.map(CaseId::from),
            case_number: row.case_number,
            referral_id: row.referral_id,
            rule: row
                .rule
                .as_deref()
                .map(|r| parse_stored("notice rule", r, DeadlineRule::parse))
                .transpose()?,
            due_on: row.due_on,
            link: row.link,
            created_at: row.created_at,
            read_at: row.read_at,
        })
    }
}

/// Raises `notice` for each of `recipients`, except for those who already have it (the same
/// dedupe key); returns how many got it now. Each new row gets a time-ordered (v7) id.
///
/// # Errors
/// Database errors.
pub async fn raise(
    db: &impl ConnectionTrait,
    notice: &NewNotice,
    recipients: &[AccountId],
    now: DateTime<Utc>,
) -> Result<u64, RepoError> {
    if recipients.is_empty() {
        return Ok(0);
    }
    let rows = recipients.iter().map(|account| notifications::ActiveModel {
        id: Set(Uuid::now_v7()),
        account_id: Set(account.as_uuid()),
        dedupe_key: Set(notice.dedupe_key.clone()),
        kind: Set(notice.kind.as_str().to_owned()),
        case_id: Set(notice.case_id.map(|c| c.as_uuid())),
        case_number: Set(notice.case_number.clone()),
        referral_id: Set(notice.referral_id),
        rule: Set(notice.rule.map(|r| r.as_str().to_owned())),
        due_on: Set(notice.due_on),
        link: Set(notice.link.clone()),
        created_at: Set(now),
        read_at: Set(None),
    });
    Ok(Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([Column::AccountId, Column::DedupeKey])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?)
}

/// The account's notices, newest first, one keyset page at a time; only the unread ones when
/// `unread_only`.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn list(
    db: &impl ConnectionTrait,
    account: AccountId,
    unread_only: bool,
    page: PageRequest,
) -> Result<Page<Notice>, RepoError> {
    let mut query = Entity::find()
        .filter(Column::AccountId.eq(account.as_uuid()))
        .order_by_desc(Column::Id)
        .limit(page.limit + 1);
    if unread_only {
        query = query.filter(Column::ReadAt.is_null());
    }
    if let Some(before) = page.after {
        query = query.filter(Column::Id.lt(before));
    }
    let rows = query
        .all(db)
        .await?
        .into_iter()
        .map(Notice::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, page.limit, |n| n.id))
}

/// How many of the account's notices are unread.
///
/// # Errors
/// Database errors.
pub async fn unread(db: &impl ConnectionTrait, account: AccountId) -> Result<u64, RepoError> {
    Ok(Entity::find()
        .filter(Column::AccountId.eq(account.as_uuid()))
        .filter(Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Marks the account's notice `id` read (once: a notice read before keeps its time). `false`
/// when the account has no such notice.
///
/// # Errors
/// Database errors.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    account: AccountId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let exists = Entity::find_by_id(id)
        .filter(Column::AccountId.eq(account.as_uuid()))
        .count(db)
        .await?
        > 0;
    if exists {
        Entity::update_many()
            .col_expr(Column::ReadAt, Expr::value(now))
            .filter(Column::Id.eq(id))
            .filter(Column::ReadAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(exists)
}

/// Marks every unread notice of the account read; how many were.
///
/// # Errors
/// Database errors.
pub async fn mark_all_read(
    db: &impl ConnectionTrait,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<u64, RepoError> {
    Ok(Entity::update_many()
        .col_expr(Column::ReadAt, Expr::value(now))
        .filter(Column::AccountId.eq(account.as_uuid()))
        .filter(Column::ReadAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}
