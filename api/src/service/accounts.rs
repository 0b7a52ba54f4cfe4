//! User accounts of this instance: created, listed, disabled and re-enabled by administrators;
//! the caller's own account and organisation.
use std::sync::Arc;

use chrono::{DateTime, Utc};
use ipdr_domain::access::{Action, Principal, Resource, authorize};
use ipdr_domain::account::{Account, NewAccount, NewPassword};
use ipdr_domain::organization::Organization;
use ipdr_domain::{AccountId, ValidationErrors};
use ipdr_persistence::ConnectionTrait;
use ipdr_persistence::begin_write;
use ipdr_persistence::repo::accounts::{self, DisableOutcome};
use ipdr_persistence::repo::organizations;

pub use ipdr_persistence::repo::accounts::AccountFilter;

use crate::auth::password::PasswordHasher;
use crate::service::error::{AppError, AppResult, permit};
use crate::service::paging::{Page, PageRequest};
use crate::service::unit_of_work::{Created, commit, created, emit_about, write};
use crate::state::AppState;
use ipdr_domain::event::{By, EventKind, Subject};

/// Hashes a new password on the blocking pool.
///
/// # Errors
/// `Internal` when hashing fails (it does not, short of a panic).
pub async fn hash(hasher: &Arc<PasswordHasher>, password: &NewPassword) -> AppResult<String> {
    hasher
        .hash(password.expose().to_owned())
        .await
        .map_err(|e| AppError::internal(format!("password hashing failed: {e}")))
}

/// Checks the organisation against the role and stores the account with its hashed password,
/// on any connection or transaction.
///
/// # Errors
/// `Invalid` on `organization_id` (missing, disabled, wrong kind for the role), `Conflict` for a
/// taken username, `Internal`.
pub async fn insert(
    db: &impl ConnectionTrait,
    by: By,
    new: &NewAccount,
    password_hash: String,
    now: DateTime<Utc>,
) -> AppResult<Account> {
    let organization = organizations::get(db, new.organization_id).await?;
    new.check_organization(organization.map(|o| (o.kind, o.status)))?;
    let id = AccountId::from(uuid::Uuid::now_v7());
    let account = accounts::insert(db, id, new, password_hash, now).await?;
    emit_about(db, EventKind::CreateAccount, Subject::Account(id), by, now).await?;
    Ok(account)
}

/// Creates an account (administrators only); it can log in at once. `new` is the request as
/// parsed: the caller's right is checked before its faults are reported.
///
/// # Errors
/// `Forbidden`; `Invalid` for the request or the organisation; `Conflict` for a taken username;
/// `Internal`.
pub async fn create(
    state: &AppState,
    caller: &Principal,
    new: Result<NewAccount, ValidationErrors>,
) -> AppResult<Account> {
    permit(authorize(caller, Action::Create, &Resource::Accounts))?;
    let new = new?;
    let password_hash = hash(&state.hasher, &new.password).await?;
    let account = write(&state.db, async |txn| {
        let account = insert(
            txn,
            caller.actor().into(),
            &new,
            password_hash,
            state.clock.now(),
        )
        .await?;
        created(Created::Account(account.id));
        Ok(account)
    })
    .await?;
    tracing::info!(account = %account.id, role = account.role.as_str(), "account created");
    Ok(account)
}

/// Whether `caller` may list accounts (administrators only).
///
/// # Errors
/// `Forbidden`.
pub fn may_list(caller: &Principal) -> AppResult<()> {
    permit(authorize(caller, Action::List, &Resource::Accounts))
}

/// One page of accounts matching `filter`, oldest first.
///
/// # Errors
/// `Forbidden`, `Internal`.
pub async fn list(
    state: &AppState,
    caller: &Principal,
    filter: &AccountFilter,
    page: PageRequest,
) -> AppResult<Page<Account>> {
    may_list(caller)?;
    Ok(accounts::list(&state.db, filter, page).await?)
}

/// One account (administrators only).
///
/// # Errors
/// `Forbidden`, `NotFound`, `Internal`.
pub async fn get(state: &AppState, caller: &Principal, id: AccountId) -> AppResult<Account> {
    permit(authorize(caller, Action::Read, &Resource::Account(id)))?;
    accounts::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Disables an account: it can no longer log in and its tokens stop working; nothing is
/// deleted.
///
/// # Errors
/// `Forbidden`; `NotFound`; `Refused` with `cannot_disable_self` for the caller's own account
/// (or organisation) and `last_admin` for the last active administrator; `Internal`.
pub async fn disable(state: &AppState, caller: &Principal, id: AccountId) -> AppResult<Account> {
    permit(authorize(caller, Action::Disable, &Resource::Account(id)))?;
    let txn = begin_write(&state.db).await?;
    // Refused or not found: the transaction is dropped, nothing is committed or recorded as
    // done (the middleware records the refusal).
    let now = state.clock.now();
    match accounts::disable(&txn, caller.account_id, id, now).await? {
        DisableOutcome::Disabled(account) => {
            let event = EventKind::DisableAccount;
            emit_about(&txn, event, Subject::Account(id), caller.actor(), now).await?;
            commit(txn).await?;
            tracing::info!(account = %id, "account disabled");
            Ok(account)
        }
        DisableOutcome::NotFound => Err(AppError::NotFound),
        DisableOutcome::Refused(refusal) => Err(refusal.refusal().into()),
    }
}

/// Enables an account again; tokens issued before it was disabled stay invalid.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Internal`.
pub async fn enable(state: &AppState, caller: &Principal, id: AccountId) -> AppResult<Account> {
    permit(authorize(caller, Action::Enable, &Resource::Account(id)))?;
    let enabled = write(&state.db, async |txn| {
        let now = state.clock.now();
        let enabled = accounts::enable(txn, id, now)
            .await?
            .ok_or(AppError::NotFound)?;
        emit_about(
            txn,
            EventKind::EnableAccount,
            Subject::Account(id),
            caller.actor(),
            now,
        )
        .await?;
        Ok(enabled)
    })
    .await?;
    tracing::info!(account = %id, "account enabled");
    Ok(enabled)
}

/// Sets a new password of an account (administrators only) and revokes its tokens. `password`
/// is the new password as parsed: the caller's right is checked before its faults are reported.
///
/// # Errors
/// `Forbidden`, `Invalid`, `NotFound`, `Internal`.
pub async fn reset_password(
    state: &AppState,
    caller: &Principal,
    id: AccountId,
    password: Result<NewPassword, ValidationErrors>,
) -> AppResult<()> {
    permit(authorize(
        caller,
        Action::ResetPassword,
        &Resource::Account(id),
    ))?;
    let password = password?;
    let password_hash = hash(&state.hasher, &password).await?;
    write(&state.db, async |txn| {
        let now = state.clock.now();
        accounts::set_password(txn, id, password_hash, now)
            .await?
            .ok_or(AppError::NotFound)?;
        emit_about(
            txn,
            EventKind::ResetPassword,
            Subject::Account(id),
            caller.actor(),
            now,
        )
        .await
    })
    .await?;
    tracing::info!(account = %id, "password reset by an administrator");
    Ok(())
}

/// The caller's own account and organisation.
///
/// # Errors
/// `Unauthenticated` when either is gone, `Internal`.
pub async fn me(state: &AppState, caller: &Principal) -> AppResult<(Account, Organization)> {
    permit(authorize(caller, Action::Read, &Resource::Caller))?;
    let account = accounts::get(&state.db, caller.account_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let organization = organizations::get(&state.db, caller.organization_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok((account, organization))
}
