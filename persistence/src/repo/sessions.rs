//! The web console's sessions. Rows are keyed by the SHA-256 of the cookie's token: the token
//! itself is never stored.
use chrono::{DateTime, Utc};
use ipdr_domain::AccountId;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::entity::console_sessions::{self, Column, Entity};
use crate::repo::RepoError;

/// A stored session.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredSession {
    /// The SHA-256 (hex) of the cookie's token.
    pub id: String,
    pub account_id: AccountId,
    /// The account's `auth_version` when the session began.
    pub auth_version: i64,
    pub csrf_token: String,
    /// The language the console speaks to this session (`zh-CN`, `en`).
    pub language: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

impl std::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSession")
            .field("account_id", &self.account_id)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

/// # Errors
/// Database errors.
pub async fn insert(db: &impl ConnectionTrait, session: &StoredSession) -> Result<(), RepoError> {
    Entity::insert(console_sessions::ActiveModel {
        id: Set(session.id.clone()),
        account_id: Set(session.account_id.as_uuid()),
        auth_version: Set(session.auth_version),
        csrf_token: Set(session.csrf_token.clone()),
        language: Set(session.language.clone()),
        created_at: Set(session.created_at),
        last_seen_at: Set(session.last_seen_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// # Errors
/// Database errors.
pub async fn get(db: &impl ConnectionTrait, id: &str) -> Result<Option<StoredSession>, RepoError> {
    Ok(Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .map(|row| StoredSession {
            id: row.id,
            account_id: row.account_id.into(),
            auth_version: row.auth_version,
            csrf_token: row.csrf_token,
            language: row.language,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
        }))
}

/// Records that the session was used at `now`, unless it was already seen after
/// `seen_after`: of requests in flight together, only the first writes the row.
///
/// # Errors
/// Database errors.
pub async fn touch(
    db: &impl ConnectionTrait,
    id: &str,
    now: DateTime<Utc>,
    seen_after: DateTime<Utc>,
) -> Result<(), RepoError> {
    Entity::update_many()
        .col_expr(Column::LastSeenAt, sea_orm::sea_query::Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::LastSeenAt.lte(seen_after))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets the session's language.
///
/// # Errors
/// Database errors.
pub async fn set_language(
    db: &impl ConnectionTrait,
    id: &str,
    language: &str,
) -> Result<(), RepoError> {
    Entity::update_many()
        .col_expr(Column::Language, sea_orm::sea_query::Expr::value(language))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends a session; `false` when there was none.
///
/// # Errors
/// Database errors.
pub async fn delete(db: &impl ConnectionTrait, id: &str) -> Result<bool, RepoError> {
    Ok(Entity::delete_by_id(id.to_owned())
        .exec(db)
        .await?
        .rows_affected
        > 0)
}

/// Removes sessions idle since before `idle_before` or begun before `begun_before`; answers how
/// many.
///
/// # Errors
/// Database errors.
pub async fn delete_expired(
    db: &impl ConnectionTrait,
    idle_before: DateTime<Utc>,
    begun_before: DateTime<Utc>,
) -> Result<u64, RepoError> {
    Ok(Entity::delete_many()
        .filter(
            Column::LastSeenAt
                .lt(idle_before)
                .or(Column::CreatedAt.lt(begun_before)),
        )
        .exec(db)
        .await?
        .rows_affected)
}
