//! Authentication: logging in, and turning a bearer token into a [`Principal`] on every request.
pub mod password;
mod scheme;
pub mod throttle;
pub mod tokens;

use ipdr_domain::event::{EventKind, Subject};
use std::net::IpAddr;

use ipdr_domain::access::{Action, Principal, Resource, authorize};
use ipdr_domain::account::{NewPassword, Username};
use ipdr_domain::{AccountId, ValidationErrors};
use ipdr_persistence::repo::accounts;

pub use scheme::BearerAuth;

use crate::problem::ApiProblem;
use crate::service::error::AppError;
use crate::state::AppState;
use tokens::IssuedToken;

fn throttled(retry_after: std::time::Duration) -> ApiProblem {
    AppError::Throttled { retry_after }.into()
}

fn internal(e: impl std::fmt::Display) -> ApiProblem {
    tracing::error!(error = %e, "authentication failed internally");
    ApiProblem::internal()
}

/// Logs in with a username and password and issues a token.
///
/// # Errors
/// 401 `invalid_credentials`, 429 `login_throttled`, 500.
pub async fn login(
    state: &AppState,
    username: &str,
    password: String,
    address: Option<IpAddr>,
) -> Result<IssuedToken, ApiProblem> {
    let c = check_password(state, username, password, address).await?;
    state
        .keys
        .issue(c.account_id, c.auth_version)
        .map_err(internal)
}

/// Checks a username and password: the one sign-in path of the API and the console.
///
/// Every path — unknown user, wrong password, disabled account — runs exactly one argon2
/// verification and answers the same `InvalidCredentials`, so neither the answer nor its timing
/// tells whether an account exists. A throttled name or address is refused before any of that,
/// even with the right password.
///
/// # Errors
/// `InvalidCredentials`, `Throttled`, `Internal`.
pub async fn check_password(
    state: &AppState,
    username: &str,
    password: String,
    address: Option<IpAddr>,
) -> Result<accounts::Credentials, AppError> {
    state.throttle.check(username, address).map_err(|wait| {
        tracing::info!("login refused: throttled");
        AppError::Throttled { retry_after: wait }
    })?;
    let credentials = match Username::parse(username) {
        Ok(name) => accounts::find_credentials(&state.db, &name).await?,
        Err(_) => None,
    };
    let stored = credentials.as_ref().map(|c| c.password_hash.clone());
    let matches = state.hasher.verify(password, stored).await.map_err(|e| {
        tracing::error!(error = %e, "authentication failed internally");
        AppError::internal("password verification failed")
    })?;
    if let Some(c) = &credentials {
        crate::audit::identify(format!("account:{}", c.account_id), Some(&c.role));
    }
    match credentials {
        Some(c) if matches && c.may_log_in => {
            state.throttle.record_success(username);
            accounts::record_login(&state.db, c.account_id, state.clock.now()).await?;
            tracing::info!(account = %c.account_id, "login succeeded");
            Ok(c)
        }
        other => {
            state.throttle.record_failure(username, address);
            let (reason, code) = match other {
                None => ("unknown account", "unknown_account"),
                Some(_) if matches => ("account or organisation disabled", "disabled"),
                Some(_) => ("wrong password", "wrong_password"),
            };
            crate::audit::describe(None, Some(code.to_owned()));
            tracing::info!(reason, "login failed");
            Err(AppError::InvalidCredentials)
        }
    }
}

/// Resolves a bearer token to the caller. The account is read on every request, so disabling
/// it, disabling its organisation or changing its password ends its tokens at once.
///
/// # Errors
/// 401 for any refused token, 500 when the database fails.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Principal, ApiProblem> {
    let claims = state.keys.verify(token).await.map_err(|rejection| {
        tracing::debug!(%rejection, "token refused");
        ApiProblem::unauthenticated()
    })?;
    let id = uuid::Uuid::parse_str(&claims.sub).map_err(|_| ApiProblem::unauthenticated())?;
    match accounts::load_auth(&state.db, AccountId::from(id)).await? {
        Some(record) if record.active && record.auth_version == claims.ver => Ok(record.principal),
        _ => {
            tracing::debug!("token of a disabled, changed or deleted account");
            Err(ApiProblem::unauthenticated())
        }
    }
}

/// Changes the caller's own password after checking the current one. Failures count towards the
/// login throttle, so a stolen token cannot be used to guess the password.
///
/// # Errors
/// 403 when the caller may not change a password, 422 on `current_password` when it is wrong, 422 on `new_password` when it is too weak,
/// 429 when throttled, 500.
pub async fn change_password(
    state: &AppState,
    caller: &Principal,
    current: String,
    new: &str,
    address: Option<IpAddr>,
) -> Result<(), ApiProblem> {
    crate::service::error::permit(authorize(caller, Action::ChangePassword, &Resource::Caller))?;
    let new = NewPassword::parse(new).map_err(|e| ValidationErrors::one("new_password", e))?;
    let account = accounts::get(&state.db, caller.account_id)
        .await?
        .ok_or_else(ApiProblem::unauthenticated)?;
    let username = account.username.as_str();
    state.throttle.check(username, address).map_err(throttled)?;
    let stored = accounts::find_credentials(&state.db, &account.username)
        .await?
        .map(|c| c.password_hash);
    if !state
        .hasher
        .verify(current, stored)
        .await
        .map_err(internal)?
    {
        state.throttle.record_failure(username, address);
        return Err(ValidationErrors::one(
            "current_password",
            ipdr_domain::Invalid::new("mismatch", "is not your current password"),
        )
        .into());
    }
    let hash = state
        .hasher
        .hash(new.expose().to_owned())
        .await
        .map_err(internal)?;
    crate::service::unit_of_work::write(&state.db, async |txn| {
        let now = state.clock.now();
        accounts::set_password(txn, caller.account_id, hash, now).await?;
        crate::service::unit_of_work::emit_about(
            txn,
            EventKind::ChangePassword,
            Subject::Account(caller.account_id),
            caller.actor(),
            now,
        )
        .await
    })
    .await?;
    tracing::info!(account = %caller.account_id, "password changed");
    Ok(())
}
