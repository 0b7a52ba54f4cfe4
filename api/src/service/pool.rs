//! The technical investigator pool: profiles, managed by administrators; and each
//! investigator's own declared conflicts.
use ipdr_domain::access::{Action, Principal, Resource, authorize};
use ipdr_domain::investigator::stored::{Profile, StoredConflict};
use ipdr_domain::investigator::{DeclaredConflict, ProfileInput, check_pool_account};
use ipdr_domain::validation::Invalid;
use ipdr_domain::{AccountId, OrganizationId, ValidationErrors};
use ipdr_persistence::repo::{accounts, investigators, organizations};

use crate::service::error::{AppError, AppResult, permit};
use crate::service::paging::{Page, PageRequest};
use crate::service::unit_of_work::{emit_about, write};
use crate::state::AppState;
use ipdr_domain::event::{EventKind, Subject};

/// Adds an investigator account to the pool, reporting every problem of the request at once
/// (`input` carries the profile's own).
///
/// Administrators only.
///
/// # Errors
/// `Forbidden`; `Invalid` (profile, `account_id`, `contributed_by`), `Conflict` when the
/// account has a profile already, `Internal`.
pub async fn add(
    state: &AppState,
    caller: &Principal,
    account: AccountId,
    input: Result<ProfileInput, ValidationErrors>,
    contributed_by: OrganizationId,
) -> Result<Profile, AppError> {
    permit(authorize(caller, Action::Create, &Resource::Investigators))?;
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
    write(&state.db, async |txn| {
        let now = state.clock.now();
        investigators::insert_profile(txn, account, &input, contributed_by, now).await?;
        let subject = Subject::Investigator(account);
        emit_about(
            txn,
            EventKind::AddInvestigator,
            subject,
            caller.actor(),
            now,
        )
        .await
    })
    .await?;
    profile(state, account).await
}

/// Changes a profile (administrators only): fields, affiliation, load limit, active or not.
/// `input` is the profile as parsed: the caller's right is checked before its faults are
/// reported.
///
/// # Errors
/// `Forbidden`, `Invalid`, `NotFound` for an account outside the pool, `Internal`.
pub async fn update(
    state: &AppState,
    caller: &Principal,
    account: AccountId,
    input: Result<ProfileInput, ValidationErrors>,
    active: bool,
) -> Result<Profile, AppError> {
    permit(authorize(
        caller,
        Action::Update,
        &Resource::Investigator(account),
    ))?;
    let input = input?;
    write(&state.db, async |txn| {
        let now = state.clock.now();
        if investigators::update_profile(txn, account, &input, active, now).await? {
            let subject = Subject::Investigator(account);
            emit_about(
                txn,
                EventKind::UpdateInvestigator,
                subject,
                caller.actor(),
                now,
            )
            .await
        } else {
            Err(AppError::NotFound)
        }
    })
    .await?;
    profile(state, account).await
}

/// The profile just written.
async fn profile(state: &AppState, account: AccountId) -> Result<Profile, AppError> {
    investigators::get_profile(&state.db, account)
        .await?
        .ok_or_else(|| AppError::missing("the investigator profile just written"))
}

/// Whether `caller` may list the pool (administrators only).
///
/// # Errors
/// `Forbidden`.
pub fn may_list(caller: &Principal) -> AppResult<()> {
    permit(authorize(caller, Action::List, &Resource::Investigators))
}

/// One page of the pool.
///
/// # Errors
/// `Forbidden`, `Internal`.
pub async fn list(
    state: &AppState,
    caller: &Principal,
    page: PageRequest,
) -> AppResult<Page<Profile>> {
    may_list(caller)?;
    Ok(investigators::list_profiles(&state.db, page).await?)
}

/// An investigator's profile, for administrators and the investigator themselves.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Internal`.
pub async fn get(state: &AppState, caller: &Principal, account: AccountId) -> AppResult<Profile> {
    permit(authorize(
        caller,
        Action::Read,
        &Resource::Investigator(account),
    ))?;
    investigators::get_profile(&state.db, account)
        .await?
        .ok_or(AppError::NotFound)
}

/// The conflicts the calling investigator declared.
///
/// # Errors
/// `Forbidden` for anyone but an investigator, `Internal`.
pub async fn own_conflicts(state: &AppState, caller: &Principal) -> AppResult<Vec<StoredConflict>> {
    permit(authorize(caller, Action::Read, &Resource::OwnConflicts))?;
    Ok(investigators::conflicts(&state.db, caller.account_id).await?)
}

/// Declares a conflict of the calling investigator; from now on they are neither proposed for
/// nor assignable to a case where it matches a party. `conflict` is the declaration as parsed:
/// the caller's right is checked before its faults are reported.
///
/// # Errors
/// `Forbidden`, `Invalid`, `Internal`.
pub async fn declare_conflict(
    state: &AppState,
    caller: &Principal,
    conflict: Result<DeclaredConflict, ValidationErrors>,
) -> AppResult<StoredConflict> {
    permit(authorize(caller, Action::Update, &Resource::OwnConflicts))?;
    let conflict = conflict?;
    write(&state.db, async |txn| {
        let now = state.clock.now();
        let stored = investigators::add_conflict(txn, caller.account_id, &conflict, now).await?;
        let subject = Subject::Investigator(caller.account_id);
        emit_about(
            txn,
            EventKind::DeclareConflict,
            subject,
            caller.actor(),
            now,
        )
        .await?;
        Ok(stored)
    })
    .await
}

/// Withdraws one of the calling investigator's declared conflicts.
///
/// # Errors
/// `Forbidden`, `NotFound` when the caller declared no such conflict, `Internal`.
pub async fn withdraw_conflict(
    state: &AppState,
    caller: &Principal,
    id: uuid::Uuid,
) -> AppResult<()> {
    permit(authorize(caller, Action::Update, &Resource::OwnConflicts))?;
    write(&state.db, async |txn| {
        if investigators::delete_conflict(txn, caller.account_id, id).await? {
            let subject = Subject::Investigator(caller.account_id);
            let kind = EventKind::WithdrawConflict;
            emit_about(txn, kind, subject, caller.actor(), state.clock.now()).await
        } else {
            Err(AppError::NotFound)
        }
    })
    .await
}
