//! The keys that sign access tokens.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::RepoError;
use crate::entity::signing_keys::{self, Column, Entity};

/// A token-signing key. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey {
    pub kid: String,
    pub algorithm: String,
    pub secret: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

impl From<signing_keys::Model> for SigningKey {
    fn from(row: signing_keys::Model) -> Self {
        Self {
            kid: row.kid,
            algorithm: row.algorithm,
            secret: row.secret,
            created_at: row.created_at,
            retired_at: row.retired_at,
        }
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .field("created_at", &self.created_at)
            .field("retired_at", &self.retired_at)
            .finish_non_exhaustive()
    }
}

/// Keys not yet retired, newest first: the first one signs, all of them verify.
///
/// # Errors
/// Database errors.
pub async fn unretired(db: &impl ConnectionTrait) -> Result<Vec<SigningKey>, RepoError> {
    Ok(Entity::find()
        .filter(Column::RetiredAt.is_null())
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Kid)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Every key, retired ones included, newest first.
///
/// # Errors
/// Database errors.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<SigningKey>, RepoError> {
    Ok(Entity::find()
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Kid)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// # Errors
/// Database errors (a duplicate `kid` among them).
pub async fn insert(
    db: &impl ConnectionTrait,
    kid: String,
    algorithm: &str,
    secret: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<SigningKey, RepoError> {
    Ok(signing_keys::ActiveModel {
        kid: Set(kid),
        algorithm: Set(algorithm.to_owned()),
        secret: Set(secret),
        created_at: Set(now),
        retired_at: Set(None),
    }
    .insert(db)
    .await?
    .into())
}

/// Retires a key: tokens it signed stop verifying. Returns whether an unretired key was found.
///
/// # Errors
/// Database errors.
pub async fn retire(
    db: &impl ConnectionTrait,
    kid: &str,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let result = Entity::update_many()
        .col_expr(Column::RetiredAt, Expr::value(now))
        .filter(Column::Kid.eq(kid))
        .filter(Column::RetiredAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
