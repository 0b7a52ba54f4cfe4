//! The organisations of this instance, as administrators keep them.
//!
//! Inputs that need parsing arrive as the adapter parsed them (`Result<_, ValidationErrors>`):
//! the policy is asked first, so a caller who may not do this never learns what was wrong with
//! the input.
use ipdr_domain::access::{Action, Principal, Resource, authorize};
use ipdr_domain::account::check_disable_organization;
use ipdr_domain::division::DivisionCode;
use ipdr_domain::organization::{Jurisdiction, NewOrganization, Organization};
use ipdr_domain::{OrganizationId, Status, ValidationErrors};
use ipdr_persistence::begin_write;
use ipdr_persistence::repo::organizations;
use uuid::Uuid;

pub use ipdr_persistence::repo::organizations::OrganizationFilter;
pub use ipdr_persistence::repo::{Page, PageRequest};

use crate::service::error::{AppError, AppResult, permit};
use crate::service::unit_of_work::{Created, commit, created, emit_about, write};
use crate::state::AppState;
use ipdr_domain::event::{EventKind, Subject};
use ipdr_persistence::ConnectionTrait;

fn may(caller: &Principal, action: Action, id: OrganizationId) -> AppResult<()> {
    permit(authorize(caller, action, &Resource::Organization(id)))
}

/// Creates an organisation.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `Invalid` (the parse's errors); `Conflict` for
/// a taken code, or a name taken in its city; `Internal`.
pub async fn create_organization(
    state: &AppState,
    caller: &Principal,
    new: Result<NewOrganization, ValidationErrors>,
) -> AppResult<Organization> {
    permit(authorize(caller, Action::Create, &Resource::Organizations))?;
    let new = new?;
    let id = OrganizationId::from(Uuid::now_v7());
    let organization = write(&state.db, async |txn| {
        let organization = organizations::insert(txn, id, &new, state.clock.now()).await?;
        created(Created::Organization(id));
        changed(
            txn,
            state,
            caller,
            EventKind::CreateOrganization,
            organization,
        )
        .await
    })
    .await?;
    tracing::info!(organization = %id, "organisation created");
    Ok(organization)
}

/// One page of organisations, oldest first, filtered.
///
/// `page` is the page asked for, as the adapter read it: its own error for a malformed one is
/// returned as it is, once the caller is known to be an administrator.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; then `page`'s error; `Internal`.
pub async fn list_organizations<E: From<AppError>>(
    state: &AppState,
    caller: &Principal,
    filter: &OrganizationFilter,
    page: Result<PageRequest, E>,
) -> Result<Page<Organization>, E> {
    permit(authorize(caller, Action::List, &Resource::Organizations))?;
    let page = page?;
    Ok(organizations::list(&state.db, filter, page)
        .await
        .map_err(AppError::from)?)
}

/// One organisation.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `NotFound`; `Internal`.
pub async fn get_organization(
    state: &AppState,
    caller: &Principal,
    id: OrganizationId,
) -> AppResult<Organization> {
    may(caller, Action::Read, id)?;
    organizations::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Disables an organisation: its accounts can no longer log in and their tokens stop working.
/// Disabling a disabled organisation changes nothing.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `Refused` (`cannot_disable_own_organization`)
/// for the caller's own organisation; `NotFound`; `Internal`.
pub async fn disable_organization(
    state: &AppState,
    caller: &Principal,
    id: OrganizationId,
) -> AppResult<Organization> {
    may(caller, Action::Disable, id)?;
    check_disable_organization(caller.organization_id, id)
        .map_err(|e| AppError::from(e.refusal()))?;
    set_status(state, caller, id, Status::Disabled).await
}

/// Enables an organisation: its (enabled) accounts can log in again; tokens issued before it
/// was disabled stay invalid.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `NotFound`; `Internal`.
pub async fn enable_organization(
    state: &AppState,
    caller: &Principal,
    id: OrganizationId,
) -> AppResult<Organization> {
    may(caller, Action::Enable, id)?;
    set_status(state, caller, id, Status::Active).await
}

async fn set_status(
    state: &AppState,
    caller: &Principal,
    id: OrganizationId,
    status: Status,
) -> AppResult<Organization> {
    let kind = match status {
        Status::Active => EventKind::EnableOrganization,
        Status::Disabled => EventKind::DisableOrganization,
    };
    let updated = write(&state.db, async |txn| {
        let updated = organizations::set_status(txn, id, status, state.clock.now())
            .await?
            .ok_or(AppError::NotFound)?;
        changed(txn, state, caller, kind, updated).await
    })
    .await?;
    tracing::info!(organization = %id, status = status.as_str(), "organisation status set");
    Ok(updated)
}

/// Sets a mediation committee's R16 target (`None` restores the default); it applies to cases
/// accepted afterwards.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `Invalid` (the parse's errors); `NotFound`;
/// `Internal`.
pub async fn set_people_mediation_days(
    state: &AppState,
    caller: &Principal,
    id: OrganizationId,
    days: Result<Option<u32>, ValidationErrors>,
) -> AppResult<Organization> {
    may(caller, Action::Update, id)?;
    let days = days?;
    write(&state.db, async |txn| {
        let updated = organizations::set_people_mediation_days(txn, id, days, state.clock.now())
            .await?
            .ok_or(AppError::NotFound)?;
        changed(txn, state, caller, EventKind::UpdateOrganization, updated).await
    })
    .await
}

/// Sets a court's jurisdiction (R9, R14), replacing what was set before.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `Invalid` (the parse's errors); `NotFound`;
/// `Refused` (`not_a_court`) for an organisation that is not a court; `Internal`.
pub async fn set_court_jurisdiction(
    state: &AppState,
    caller: &Principal,
    id: OrganizationId,
    jurisdiction: Result<Jurisdiction, ValidationErrors>,
) -> AppResult<Organization> {
    may(caller, Action::Update, id)?;
    let jurisdiction = jurisdiction?;
    let txn = begin_write(&state.db).await?;
    let organization = organizations::get(&txn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if organization.kind.court_level().is_none() {
        return Err(AppError::refused_now(
            "not_a_court",
            "only courts have a jurisdiction",
        ));
    }
    let updated = organizations::set_jurisdiction(&txn, id, &jurisdiction, state.clock.now())
        .await?
        .ok_or(AppError::NotFound)?;
    let updated = changed(&txn, state, caller, EventKind::UpdateOrganization, updated).await?;
    commit(txn).await?;
    tracing::info!(organization = %id, "court jurisdiction set");
    Ok(updated)
}

/// Records where an organisation sits (`None` clears it).
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `Invalid` (the parse's errors); `NotFound`;
/// `Internal`.
pub async fn set_organization_location(
    state: &AppState,
    caller: &Principal,
    id: OrganizationId,
    division: Result<Option<DivisionCode>, ValidationErrors>,
) -> AppResult<Organization> {
    may(caller, Action::Update, id)?;
    let division = division?;
    let updated = write(&state.db, async |txn| {
        let updated = organizations::set_division(txn, id, division.as_ref(), state.clock.now())
            .await?
            .ok_or(AppError::NotFound)?;
        changed(txn, state, caller, EventKind::UpdateOrganization, updated).await
    })
    .await?;
    tracing::info!(organization = %id, "organisation location set");
    Ok(updated)
}

/// Records the event of a change to `organization` and answers it.
async fn changed(
    db: &impl ConnectionTrait,
    state: &AppState,
    caller: &Principal,
    kind: EventKind,
    organization: Organization,
) -> AppResult<Organization> {
    let subject = Subject::Organization(organization.id);
    emit_about(db, kind, subject, caller.actor(), state.clock.now()).await?;
    Ok(organization)
}

/// The active organisations that handle cases of any of `tracks` (at most 100, by id): the
/// choices of a form that opens a case in one. Callers check the caller's right first.
///
/// # Errors
/// `Internal`.
pub async fn handling(
    state: &AppState,
    tracks: &[ipdr_domain::case::Track],
) -> AppResult<Vec<Organization>> {
    let filter = OrganizationFilter {
        kind: None,
        city: None,
        status: Some(ipdr_domain::Status::Active),
    };
    let first = PageRequest {
        after: None,
        limit: 100,
    };
    let found = organizations::list(&state.db, &filter, first).await?;
    Ok(found
        .items
        .into_iter()
        .filter(|o| tracks.iter().any(|t| t.handled_by(o.kind)))
        .collect())
}
