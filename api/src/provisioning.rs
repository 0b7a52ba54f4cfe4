//! Creating accounts, shared by the admin API, the `ipdr user add` command and the first start.
use std::sync::Arc;

use chrono::{DateTime, Utc};
use ipdr_domain::account::{Account, NewAccount, NewPassword};
use ipdr_persistence::ConnectionTrait;
use ipdr_persistence::Db;

use crate::auth::password::PasswordHasher;
use crate::problem::ApiProblem;
use crate::service;

/// Hashes a new password on the blocking pool.
///
/// # Errors
/// 500 when hashing fails (it does not, short of a panic).
pub async fn hash(
    hasher: &Arc<PasswordHasher>,
    password: &NewPassword,
) -> Result<String, ApiProblem> {
    Ok(service::accounts::hash(hasher, password).await?)
}

/// Checks the organisation against the role, hashes the password and stores the account.
///
/// # Errors
/// 422 on `organization_id` (missing, disabled, wrong kind for the role), 409 `username_taken`,
/// 500.
pub async fn create_account(
    db: &Db,
    hasher: &Arc<PasswordHasher>,
    new: &NewAccount,
    now: DateTime<Utc>,
) -> Result<Account, ApiProblem> {
    let password_hash = hash(hasher, &new.password).await?;
    insert_account(db, new, password_hash, now).await
}

/// [`create_account`] with the hash already computed, on any connection or transaction.
///
/// # Errors
/// As [`create_account`].
pub async fn insert_account(
    db: &impl ConnectionTrait,
    new: &NewAccount,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<Account, ApiProblem> {
    Ok(service::accounts::insert(db, new, password_hash, now).await?)
}
