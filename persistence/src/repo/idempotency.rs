//! Idempotency keys: the first answer to a keyed create, kept to be replayed for retries.
use chrono::{DateTime, Utc};
use ipdr_domain::AccountId;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

use super::{Conflict, RepoError, stored_int, violates_unique};
use crate::entity::idempotency_keys::{self, Entity};

/// A remembered answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub operation: String,
    /// SHA-256 of the canonical request, to tell a retry from a different request.
    pub request_hash: String,
    pub status: u16,
    pub response: String,
}

/// # Errors
/// Database errors; a corrupt row.
pub async fn find(
    db: &impl ConnectionTrait,
    account: AccountId,
    key: &str,
) -> Result<Option<StoredResponse>, RepoError> {
    let Some(row) = Entity::find_by_id((account.as_uuid(), key.to_owned()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(StoredResponse {
        status: stored_int("idempotent answer status", row.status)?,
        operation: row.operation,
        request_hash: row.request_hash,
        response: row.response,
    }))
}

/// Remembers the answer; call in the transaction that made it.
///
/// # Errors
/// [`Conflict::IdempotencyKey`] when a concurrent request with the same key got there first.
pub async fn insert(
    db: &impl ConnectionTrait,
    account: AccountId,
    key: &str,
    stored: &StoredResponse,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let row = idempotency_keys::ActiveModel {
        account_id: Set(account.as_uuid()),
        key: Set(key.to_owned()),
        operation: Set(stored.operation.clone()),
        request_hash: Set(stored.request_hash.clone()),
        status: Set(i32::from(stored.status)),
        response: Set(stored.response.clone()),
        created_at: Set(now),
    };
    match row.insert(db).await {
        Ok(_) => Ok(()),
        Err(e)
            if violates_unique(
                &e,
                "idempotency_keys_pkey",
                "idempotency_keys",
                &["account_id", "key"],
            ) =>
        {
            Err(RepoError::Conflict(Conflict::IdempotencyKey))
        }
        Err(e) => Err(e.into()),
    }
}
