//! Opening cases and moving them through their lifecycle.
use crate::service::unit_of_work::emit_on_case;
use chrono::Datelike;
use ipdr_domain::access::{Action, CaseRef, Principal, Resource, authorize};
use ipdr_domain::account::Role;
use ipdr_domain::calendar::Period;
use ipdr_domain::case::deadlines::{
    self, DEFAULT_PEOPLE_MEDIATION_DAYS, DeadlineChanges, DeadlineRule,
};
use ipdr_domain::case::effects::{Effects, effects};
use ipdr_domain::case::intake::{CaseDraft, check_handler, check_opener};
use ipdr_domain::case::lifecycle::{self, CaseAction, check_not_closed};
use ipdr_domain::case::number::case_number;
use ipdr_domain::case::stored::{Actor, Case, CaseDeadline, CaseEvent, DeadlineStatus};
use ipdr_domain::event::EventKind;
use ipdr_domain::validation::Invalid;
use ipdr_domain::{CaseId, OrganizationId, ValidationErrors};
use ipdr_persistence::repo::cases::{
    self, assignments, confirmations, deadlines as stored_deadlines, investigators,
    settlement_agreement,
};
use ipdr_persistence::repo::{RepoError, calendar, organizations};
use ipdr_persistence::{ConnectionTrait, DatabaseTransaction, begin_write};

use crate::service::error::permit;
use crate::service::error::{AppError, Versioned};
use crate::service::unit_of_work::{Created, commit, created};
use crate::state::AppState;

/// Loads a case the caller may do `action` to: `NotFound` when it is missing or out of the caller's
/// sight (the same answer), `Forbidden` when visible but the action is not the caller's.
///
/// # Errors
/// `NotFound`, `Forbidden`, `Internal`.
pub async fn authorized(
    state: &AppState,
    caller: &Principal,
    id: CaseId,
    action: Action,
) -> Result<Case, AppError> {
    let case = cases::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let reference = case_ref(&state.db, caller, &case).await?;
    permit(authorize(caller, action, &Resource::Case(reference)))?;
    Ok(case)
}

/// The policy's view of a case for `caller`; for an investigator it looks up whether they hold
/// an assignment on it that has not ended, for a court whether it was sent an application to
/// confirm the case's agreement.
///
/// # Errors
/// Database errors.
pub async fn case_ref(
    db: &impl ConnectionTrait,
    caller: &Principal,
    case: &Case,
) -> Result<CaseRef, RepoError> {
    let assigned_to_caller = caller.role == Role::Investigator
        && investigators::current_assignment(db, case.id, caller.account_id)
            .await?
            .is_some();
    let applied_to_caller = caller.role == Role::Court
        && case.referring_court_id != Some(caller.organization_id)
        && confirmations::addressed_to(db, case.id, caller.organization_id).await?;
    Ok(CaseRef {
        organization_id: case.organization_id,
        referring_court_id: case.referring_court_id,
        assigned_to_caller,
        applied_to_caller,
    })
}

/// An event by `caller` now.
pub fn event(state: &AppState, caller: &Principal, action: EventKind) -> CaseEvent {
    event_by(state, caller.actor(), action)
}

/// An event by `actor` (an account, or the platform itself) now.
pub fn event_by(state: &AppState, actor: Actor, action: EventKind) -> CaseEvent {
    CaseEvent {
        at: state.clock.now(),
        actor,
        action,
        from_status: None,
        to_status: None,
        detail: None,
    }
}

/// Opens deadlines of `case` from `today` with the official calendar; `subject` names what a
/// deadline is about when a case can hold several of one rule (an investigator's R22/R24 clock).
pub(crate) async fn open_deadlines(
    db: &impl ConnectionTrait,
    case: &Case,
    opened: &[(DeadlineRule, Period)],
    subject: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<(), RepoError> {
    if opened.is_empty() {
        return Ok(());
    }
    let calendar = calendar::load(db).await?;
    for (rule, period) in opened {
        let computed = calendar.deadline(today, *period);
        stored_deadlines::open(
            db,
            &CaseDeadline {
                case_id: case.id,
                organization_id: case.organization_id,
                rule: *rule,
                subject: subject.map(str::to_owned),
                starts_on: today,
                period: *period,
                due_on: computed.due,
                calendar_verified: computed.calendar_verified,
                status: DeadlineStatus::Open,
                met_on: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// Opens a dispute as a `submitted` case inside the caller's transaction: mediators in their
/// own organisation, court users referring it to the mediation organisation named in
/// `organization_id`. The opening mediator is assigned to it.
///
/// # Errors
/// `Invalid` naming the fields at fault (the track for the caller's role, the handling organisation,
/// the dispute itself), `Internal`.
pub async fn open_in(
    db: &impl ConnectionTrait,
    state: &AppState,
    caller: &Principal,
    draft: &CaseDraft,
    organization_id: Option<OrganizationId>,
) -> Result<Case, AppError> {
    check_opener(caller.role, draft.track)?;
    let (handler_id, referring_court) = match (caller.role, organization_id) {
        (Role::Court, Some(org)) => (org, Some(caller.organization_id)),
        (Role::Court, None) => {
            return Err(ValidationErrors::one(
                "organization_id",
                Invalid::new(
                    "required",
                    "name the mediation organisation the dispute is referred to",
                ),
            )
            .into());
        }
        (_, Some(org)) if org != caller.organization_id => {
            return Err(ValidationErrors::one(
                "organization_id",
                Invalid::new(
                    "not_allowed",
                    "mediators open cases in their own organisation",
                ),
            )
            .into());
        }
        _ => (caller.organization_id, None),
    };
    let case = open_for(db, state, caller, draft, handler_id, referring_court).await?;
    created(Created::Case(case.id));
    Ok(case)
}

/// Opens a dispute as a `submitted` case handled by `handler_id` (checked to suit the track),
/// recorded as opened by `caller`; a mediator opener is assigned to it. Also used when a liaison
/// accepts a partner city's referral into a local mediation organisation.
///
/// # Errors
/// `Invalid` naming the fields at fault, `Internal`.
pub(crate) async fn open_for(
    db: &impl ConnectionTrait,
    state: &AppState,
    caller: &Principal,
    draft: &CaseDraft,
    handler_id: OrganizationId,
    referring_court: Option<OrganizationId>,
) -> Result<Case, AppError> {
    let handler = organizations::get(db, handler_id).await?;
    check_handler(draft.track, handler.map(|o| (o.kind, o.status)))?;
    let new = draft.parse(state.clock.today())?;

    let id = CaseId::from(uuid::Uuid::now_v7());
    let now = state.clock.now();
    let case = cases::insert(
        db,
        id,
        &new,
        handler_id,
        referring_court,
        caller.account_id,
        now,
    )
    .await?;
    let opened = CaseEvent {
        to_status: Some(case.status),
        ..event(state, caller, EventKind::SubmitCase)
    };
    emit_on_case(db, id, None, opened).await?;
    if caller.role == Role::Mediator {
        assignments::assign(db, id, caller.account_id, caller.account_id, now).await?;
    }
    open_deadlines(
        db,
        &case,
        &deadlines::at_intake(case.track, case.court_procedure),
        None,
        state.clock.today(),
    )
    .await?;
    tracing::info!(case = %id, track = case.track.as_str(), "case opened");
    Ok(case)
}

/// Checks `If-Match` against the case as read inside the transaction.
///
/// # Errors
/// `Stale` when they differ.
pub fn check_version(case: &Case, if_match: Option<i64>) -> Result<(), AppError> {
    match if_match {
        Some(expected) if expected != case.version => {
            Err(AppError::stale(Versioned::Case, if_match))
        }
        _ => Ok(()),
    }
}

/// Reads a case inside a write transaction and checks `If-Match` against it.
///
/// # Errors
/// `NotFound` (it vanished), `Stale`.
pub async fn load_for_update(
    db: &impl ConnectionTrait,
    id: CaseId,
    if_match: Option<i64>,
) -> Result<Case, AppError> {
    let current = cases::get(db, id).await?.ok_or(AppError::NotFound)?;
    check_version(&current, if_match)?;
    Ok(current)
}

/// Begins a write to the file of a case read earlier: the case row is locked for the
/// transaction and must still be open (R5), so a close committed since the read refuses the
/// write instead of letting it land on a closed case. (Services also check the case as read,
/// before validating their input, so a closed case answers `Refused` whatever the input.)
///
/// # Errors
/// `NotFound` when the case is gone, `Refused` `case_closed`, `Internal`.
pub async fn begin_case_write(
    state: &AppState,
    id: CaseId,
) -> Result<DatabaseTransaction, AppError> {
    let txn = begin_write(&state.db).await?;
    let status = cases::lock_status(&txn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    check_not_closed(status)?;
    Ok(txn)
}

/// Saves `next` over `current` (version check) and maps a lost race to `Stale`.
///
/// # Errors
/// `Stale` when another change got there first; `Internal`.
pub async fn save(
    db: &impl ConnectionTrait,
    state: &AppState,
    current: &Case,
    next: &Case,
    if_match: Option<i64>,
) -> Result<Case, AppError> {
    cases::save(db, next, current.version, state.clock.now())
        .await
        .map_err(|e| AppError::from(e).with_named_version(if_match))
}

/// Applies a lifecycle action for `caller`, checking first that the caller may change the
/// case at all (see [`transition`]).
///
/// # Errors
/// `NotFound` for a case out of the caller's sight, `Forbidden`, then as [`transition`].
pub async fn act(
    state: &AppState,
    caller: &Principal,
    id: CaseId,
    if_match: Option<i64>,
    action: &CaseAction,
) -> Result<Case, AppError> {
    authorized(state, caller, id, Action::Update).await?;
    transition(state, caller, id, if_match, action).await
}

/// Applies a lifecycle action to a case the caller may update, in one transaction.
///
/// # Errors
/// `Refused` with the refused precondition and its rule, `Stale` for a concurrent change, `Internal`.
pub async fn transition(
    state: &AppState,
    caller: &Principal,
    id: CaseId,
    if_match: Option<i64>,
    action: &CaseAction,
) -> Result<Case, AppError> {
    // The case row is locked first, so a change that reads the case's other tables (an
    // application being sent to a court) cannot interleave with this one.
    let txn = begin_case_write(state, id).await?;
    let current = load_for_update(&txn, id, if_match).await?;
    let saved = apply_in(&txn, state, caller.actor(), &current, if_match, action).await?;
    commit(txn).await?;
    Ok(saved)
}

/// The body of [`transition`], inside the caller's transaction: checks the rule, assigns the
/// case number on acceptance, saves with optimistic concurrency, writes the timeline event and
/// opens or meets the deadlines.
///
/// # Errors
/// As [`transition`].
pub async fn apply_in(
    db: &impl ConnectionTrait,
    state: &AppState,
    actor: Actor,
    current: &Case,
    if_match: Option<i64>,
    action: &CaseAction,
) -> Result<Case, AppError> {
    let id = current.id;
    let effective = settlement_agreement::get(db, id)
        .await?
        .is_some_and(|a| a.effective_at.is_some());
    let change = lifecycle::apply(&current.facts(effective), action)?;
    let today = state.clock.today();

    let organization = organizations::get(db, current.organization_id)
        .await?
        .ok_or_else(|| AppError::missing("the case's organisation"))?;
    let Effects {
        mut next,
        mut detail,
        returned_to_court: returned,
    } = effects(current, &change, action, today);
    if let CaseAction::Accept = action {
        let year = today.year();
        let sequence = cases::next_case_number(db, current.organization_id, year).await?;
        next.case_number = Some(case_number(&organization.code, year, sequence));
        detail.clone_from(&next.case_number);
    }
    let saved = save(db, state, current, &next, if_match).await?;
    let kind = action.kind();
    let recorded = CaseEvent {
        from_status: Some(current.status),
        to_status: Some(saved.status),
        detail,
        ..event_by(state, actor, kind.into())
    };
    emit_on_case(db, id, None, recorded).await?;
    if returned && !matches!(action, CaseAction::ReturnToCourt) {
        let back = CaseEvent {
            detail: Some(format!("returned to the referring court: {}", saved.status)),
            ..event_by(state, actor, EventKind::ReturnToCourt)
        };
        emit_on_case(db, id, None, back).await?;
    }
    if let CaseAction::ReopenMediation { reason } = action {
        // The signed agreement is set aside (kept in the file) and an application still
        // before a court is voided: the court must not confirm what is being changed.
        let by = match actor {
            Actor::Account { id, .. } => id,
            Actor::Platform => ipdr_domain::AccountId::from(uuid::Uuid::nil()),
        };
        settlement_agreement::supersede(db, id, by, reason.as_str(), state.clock.now()).await?;
        super::confirmations::void_pending(db, state, actor, id).await?;
    }
    let people_days = organization
        .people_mediation_days
        .unwrap_or(DEFAULT_PEOPLE_MEDIATION_DAYS);
    let DeadlineChanges { open, meet } = deadlines::on_action(kind, saved.track, people_days);
    stored_deadlines::meet(db, id, &meet, today).await?;
    open_deadlines(db, &saved, &open, None, today).await?;
    tracing::info!(case = %id, action = kind.as_str(), to = saved.status.as_str(), "case moved");
    Ok(saved)
}
