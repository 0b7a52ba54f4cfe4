//! The technical investigator pool: profiles, managed by administrators.
use ipdr_domain::investigator::stored::Profile;
use ipdr_domain::investigator::{ProfileInput, check_pool_account};
use ipdr_domain::validation::Invalid;
use ipdr_domain::{AccountId, OrganizationId, ValidationErrors};
use ipdr_persistence::repo::{accounts, investigators, organizations};

use crate::service::error::AppError;
use crate::state::AppState;

/// Adds an investigator account to the pool, reporting every problem of the request at once
/// (`input` carries the profile's own).
///
/// # Errors
/// `Invalid` (profile, `account_id`, `contributed_by`), `Conflict` when the account has a
/// profile already, `Internal`.
pub async fn add(
    state: &AppState,
    account: AccountId,
    input: Result<ProfileInput, ValidationErrors>,
    contributed_by: OrganizationId,
) -> Result<Profile, AppError> {
    let (input, mut errors) = match input {
        Ok(input) => (Some(input), ValidationErrors::default()),
        Err(errors) => (None, errors),
    };
    let role = accounts::get(&state.db, account).await?.map(|a| a.role);
    if let Err(e) = check_pool_account(role) {
        errors.push("account_id", e);
    }
    if organizations::get(&state.db, contributed_by)
        .await?
        .is_none()
    {
        errors.push(
            "contributed_by",
            Invalid::new("not_found", "no such organisation"),
        );
    }
    let (Some(input), true) = (input, errors.is_empty()) else {
        return Err(errors.into());
    };
    investigators::insert_profile(
        &state.db,
        account,
        &input,
        contributed_by,
        state.clock.now(),
    )
    .await?;
    profile(state, account).await
}

/// Changes a profile.
///
/// # Errors
/// `NotFound` for an account outside the pool, `Internal`.
pub async fn update(
    state: &AppState,
    account: AccountId,
    input: &ProfileInput,
    active: bool,
) -> Result<Profile, AppError> {
    if !investigators::update_profile(&state.db, account, input, active, state.clock.now()).await? {
        return Err(AppError::NotFound);
    }
    profile(state, account).await
}

/// The profile just written.
async fn profile(state: &AppState, account: AccountId) -> Result<Profile, AppError> {
    investigators::get_profile(&state.db, account)
        .await?
        .ok_or_else(|| AppError::internal("a row this operation relies on is missing"))
}
