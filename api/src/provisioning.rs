//! Creating accounts, shared by the admin API, the `ipdr user add` command and the first start.
use std::sync::Arc;

use chrono::{DateTime, Utc};
use ipdr_domain::account::{Account, NewAccount, NewPassword};
use ipdr_persistence::ConnectionTrait;
use ipdr_persistence::Db;

use crate::auth::password::PasswordHasher;
use crate::problem::ApiProblem;
use crate::service;
use crate::service::unit_of_work::{PlatformAction, commit_platform};
use ipdr_domain::event::{By, EventKind};
use ipdr_persistence::begin_write;

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

/// Checks the organisation against the role, hashes the password and stores the account, for
/// the operator at the machine (`ipdr user add`): its event and audit record name the platform.
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
    let txn = begin_write(db).await?;
    let account = insert_account(&txn, new, password_hash, now).await?;
    commit_platform(txn, operator_created(&account, "ipdr user add")).await?;
    Ok(account)
}

/// [`create_account`] with the hash already computed, inside the caller's transaction; the
/// platform is recorded as its creator.
///
/// # Errors
/// As [`create_account`].
pub async fn insert_account(
    db: &impl ConnectionTrait,
    new: &NewAccount,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<Account, ApiProblem> {
    Ok(service::accounts::insert(db, By::Platform, new, password_hash, now).await?)
}

/// The audit record of an account the platform created for its operator (`how`: the command).
pub fn operator_created(account: &Account, how: &str) -> PlatformAction {
    PlatformAction {
        action: EventKind::CreateAccount,
        object: format!("account:{}", account.id),
        detail: Some(how.to_owned()),
    }
}
