//! Reading cases: one case with what its view shows, lists, the timeline, the agreement.
//! Parties' identity numbers, phones and addresses are masked for callers the policy does not
//! let read personal data (auditors).
use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::access::{Action, CaseRef, Decision, Principal, Resource, authorize, case_scope};
use ipdr_domain::case::intake::CaseDraft;
use ipdr_domain::case::lifecycle::{self, ActionKind};
use ipdr_domain::case::masking::mask;
use ipdr_domain::case::search;
use ipdr_domain::case::stored::{Case, CaseDeadline, CaseEvent, SettlementAgreement};
use ipdr_domain::case::{CaseStatus, IpType, Track};
use ipdr_domain::{AccountId, CaseId, OrganizationId};
use ipdr_persistence::ConnectionTrait;
use ipdr_persistence::repo::cases::{
    self, CaseFilter, assignments, deadlines, events, settlement_agreement,
};

use crate::service::cases::{authorized, case_ref, open_in};
use crate::service::error::{AppResult, permit};
use crate::service::paging::{Page, PageRequest};
use crate::state::AppState;

/// A case as one caller may see it, with what its view shows.
pub struct CaseDetail {
    /// With the parties masked when `personal_data_masked`.
    pub case: Case,
    pub personal_data_masked: bool,
    pub deadlines: Vec<CaseDeadline>,
    /// The mediators assigned to it.
    pub assigned_mediators: Vec<AccountId>,
    pub agreement: Option<SettlementAgreement>,
    /// The day (China time) the deadlines' `overdue` is judged on.
    pub today: NaiveDate,
    /// The policy's view of the case for the caller who read it.
    pub reference: CaseRef,
}

/// What `caller` may see of `case`, read on `db` (a connection or the transaction that just
/// changed it).
///
/// # Errors
/// `Internal`.
pub async fn detail_in(
    db: &impl ConnectionTrait,
    state: &AppState,
    caller: &Principal,
    mut case: Case,
) -> AppResult<CaseDetail> {
    let deadlines = deadlines::of_case(db, case.id).await?;
    let assigned = assignments::of_case(db, case.id).await?;
    let agreement = settlement_agreement::get(db, case.id).await?;
    let reference = case_ref(db, caller, &case).await?;
    let personal_data_masked =
        authorize(caller, Action::ReadPersonalData, &Resource::Case(reference)) != Decision::Allow;
    if personal_data_masked {
        case.parties = case.parties.iter().map(mask).collect();
    }
    Ok(CaseDetail {
        case,
        personal_data_masked,
        deadlines,
        assigned_mediators: assigned.into_iter().map(|a| a.account_id).collect(),
        agreement,
        today: state.clock.today(),
        reference,
    })
}

/// What `caller` may do now to the case of `detail`: what the state machine allows (see
/// [`lifecycle::offered`]), when the policy lets the caller change the case at all.
///
/// # Errors
/// `Internal`.
pub async fn offered_actions(
    state: &AppState,
    caller: &Principal,
    detail: &CaseDetail,
) -> AppResult<Vec<ActionKind>> {
    if !may_update(state, caller, detail).await? {
        return Ok(Vec::new());
    }
    let effective = detail
        .agreement
        .as_ref()
        .is_some_and(|a| a.effective_at.is_some());
    Ok(lifecycle::offered(&detail.case.facts(effective)))
}

/// Whether the policy lets `caller` change the case of `detail` at all.
///
/// # Errors
/// `Internal`.
pub async fn may_update(
    state: &AppState,
    caller: &Principal,
    detail: &CaseDetail,
) -> AppResult<bool> {
    may(state, caller, detail, Action::Update).await
}

/// Whether the policy lets `caller` do `action` to the case of `detail` (on the policy's view
/// of the case read with it; async and given the state so that callers need not change when a
/// rule needs to read more).
///
/// # Errors
/// `Internal`.
pub async fn may(
    _state: &AppState,
    caller: &Principal,
    detail: &CaseDetail,
    action: Action,
) -> AppResult<bool> {
    Ok(authorize(caller, action, &Resource::Case(detail.reference)) == Decision::Allow)
}

/// [`detail_in`] on the database, for a case just read or changed.
///
/// # Errors
/// `Internal`.
pub async fn detail(state: &AppState, caller: &Principal, case: Case) -> AppResult<CaseDetail> {
    detail_in(&state.db, state, caller, case).await
}

/// One case the caller may read.
///
/// # Errors
/// `NotFound` when it is missing or out of the caller's sight (the same answer), `Internal`.
pub async fn get(state: &AppState, caller: &Principal, id: CaseId) -> AppResult<CaseDetail> {
    let case = authorized(state, caller, id, Action::Read).await?;
    detail(state, caller, case).await
}

/// The names of the mediators assigned to the case `detail` shows, in assignment order (the
/// account's id where it has no name), read in one query.
///
/// # Errors
/// `Internal`.
pub async fn mediator_names(state: &AppState, detail: &CaseDetail) -> AppResult<Vec<String>> {
    let ids = &detail.assigned_mediators;
    let mut names = ipdr_persistence::repo::accounts::display_names(&state.db, ids).await?;
    Ok(ids
        .iter()
        .map(|id| names.remove(id).unwrap_or_else(|| id.to_string()))
        .collect())
}

/// Whether `caller` may open cases.
///
/// # Errors
/// `Forbidden`.
pub fn may_open(caller: &Principal) -> AppResult<()> {
    permit(authorize(caller, Action::Create, &Resource::Cases))
}

/// The tracks `caller` may open cases in, and the organisations a court may refer a dispute to
/// (委派/委托, R15): a court opens court tracks in a mediation organisation; everyone else opens
/// the other tracks in their own.
///
/// # Errors
/// `Forbidden`; `Internal`.
pub async fn intake_choices(
    state: &AppState,
    caller: &Principal,
) -> AppResult<(Vec<Track>, Vec<ipdr_domain::organization::Organization>)> {
    may_open(caller)?;
    let court = caller.role == ipdr_domain::account::Role::Court;
    let tracks: Vec<Track> = Track::ALL
        .iter()
        .copied()
        .filter(|t| t.is_court() == court)
        .collect();
    let targets = if court {
        crate::service::organizations::handling(state, &tracks).await?
    } else {
        Vec::new()
    };
    Ok((tracks, targets))
}

/// Opens a dispute as a `submitted` case in the caller's transaction `db` (see
/// [`open_in`]) and answers what the caller sees of it.
///
/// # Errors
/// `Forbidden`; `Invalid` naming the fields at fault; `Internal`.
pub async fn open(
    db: &impl ConnectionTrait,
    state: &AppState,
    caller: &Principal,
    draft: &CaseDraft,
    organization_id: Option<OrganizationId>,
) -> AppResult<CaseDetail> {
    may_open(caller)?;
    let case = open_in(db, state, caller, draft, organization_id).await?;
    detail_in(db, state, caller, case).await
}

/// Opens a dispute as a `submitted` case in its own unit of work (see [`open_in`]): the shape
/// of a caller that has no idempotency key to honour (the console).
///
/// # Errors
/// `Forbidden`; `Invalid` naming the fields at fault; `Internal`.
pub async fn open_new(
    state: &AppState,
    caller: &Principal,
    draft: &CaseDraft,
    organization_id: Option<OrganizationId>,
) -> AppResult<Case> {
    may_open(caller)?;
    let txn = ipdr_persistence::begin_write(&state.db).await?;
    let case = open_in(&txn, state, caller, draft, organization_id).await?;
    crate::service::unit_of_work::commit(txn).await?;
    Ok(case)
}

/// Which cases to list; `None` means any.
#[derive(Default)]
pub struct CaseQuery {
    pub status: Option<CaseStatus>,
    pub track: Option<Track>,
    pub ip_type: Option<IpType>,
    /// Cases this mediator is assigned to.
    pub assigned_to: Option<AccountId>,
    /// With (`true`) or without (`false`) an open deadline past its day.
    pub overdue: Option<bool>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
    /// Search text as typed: a prefix of a party's name (or a word of it), a credit code, the
    /// right's identifier or title, or the case number.
    pub text: Option<String>,
}

/// Whether `caller` may list cases.
///
/// # Errors
/// `Forbidden`.
pub fn may_list(caller: &Principal) -> AppResult<()> {
    permit(authorize(caller, Action::List, &Resource::Cases))
}

/// One page of the cases `caller` may see, newest first.
///
/// # Errors
/// `Forbidden`, `Internal`.
pub async fn list(
    state: &AppState,
    caller: &Principal,
    query: CaseQuery,
    page: PageRequest,
) -> AppResult<Page<Case>> {
    may_list(caller)?;
    let filter = CaseFilter {
        scope: case_scope(caller),
        status: query.status,
        track: query.track,
        ip_type: query.ip_type,
        assigned_to: query.assigned_to,
        overdue: query.overdue,
        today: state.clock.today(),
        created_from: query.created_from,
        created_before: query.created_before,
        query: query.text.as_deref().map(search::normalize),
    };
    Ok(cases::list(&state.db, &filter, page).await?)
}

/// A case's timeline, oldest first, for those who may read it.
///
/// # Errors
/// `NotFound`, `Forbidden`, `Internal`.
pub async fn timeline(
    state: &AppState,
    caller: &Principal,
    id: CaseId,
) -> AppResult<(Case, Vec<CaseEvent>)> {
    let case = authorized(state, caller, id, Action::ReadTimeline).await?;
    let events = events::list(&state.db, case.id).await?;
    Ok((case, events))
}

/// The timeline of the case `detail` shows, oldest first, for those who may read it: what
/// [`timeline`] answers, without reading the case again.
///
/// # Errors
/// `Forbidden`, `Internal`.
pub async fn timeline_of(
    state: &AppState,
    caller: &Principal,
    detail: &CaseDetail,
) -> AppResult<Vec<CaseEvent>> {
    permit(authorize(
        caller,
        Action::ReadTimeline,
        &Resource::Case(detail.reference),
    ))?;
    Ok(events::list(&state.db, detail.case.id).await?)
}

/// A case's settlement agreement with its signatures, `None` when none has been recorded.
///
/// # Errors
/// `NotFound`, `Forbidden`, `Internal`.
pub async fn agreement(
    state: &AppState,
    caller: &Principal,
    id: CaseId,
) -> AppResult<(Case, Option<SettlementAgreement>)> {
    let case = authorized(state, caller, id, Action::ReadAgreement).await?;
    let stored = settlement_agreement::get(&state.db, case.id).await?;
    Ok((case, stored))
}
