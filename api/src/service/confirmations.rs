//! Judicial confirmation (司法确认): the eligible courts of a case, the joint application, the
//! court's decisions, and voiding an application when the agreement changes.
use crate::service::unit_of_work::emit_on_case;
use ipdr_domain::access::{Action, Principal, Resource, authorize};
use ipdr_domain::calendar::local_date;
use ipdr_domain::case::confirmation::{
    self, APPLICATION_WINDOW, Application, ApplicationAction, ApplicationFacts, ApplicationStatus,
    ConfirmationPlaces, CourtFacts, EligibilityGround, acceptance_period, check_application,
    eligible_courts,
};
use ipdr_domain::case::deadlines::DeadlineRule;
use ipdr_domain::case::stored::{Actor, Case, CaseEvent};
use ipdr_domain::event::EventKind;
use ipdr_domain::organization::Organization;
use ipdr_domain::validation::{Invalid, bounded_text};
use ipdr_domain::{ApplicationId, CaseId, OrganizationId, Status, ValidationErrors};
use ipdr_persistence::ConnectionTrait;
use ipdr_persistence::repo::cases::{
    self as case_repo, confirmations, deadlines as stored_deadlines, settlement_agreement,
};
use ipdr_persistence::repo::{calendar, organizations};

use super::cases::{authorized, begin_case_write, case_ref, event_by, open_deadlines};
use crate::service::error::permit;
use crate::service::error::{AppError, Versioned};
use crate::service::unit_of_work::{Created, commit, created};
use crate::state::AppState;

/// A court that may confirm a case's agreement, and why.
pub struct Eligible {
    pub court: Organization,
    pub grounds: Vec<EligibilityGround>,
}

/// The courts that may confirm the agreement of `case` (R9, R14).
///
/// # Errors
/// Database errors.
pub async fn eligible(db: &impl ConnectionTrait, case: &Case) -> Result<Vec<Eligible>, AppError> {
    let mut courts = organizations::courts(db).await?;
    let body = organizations::get(db, case.organization_id)
        .await?
        .ok_or_else(|| AppError::missing("the case's organisation"))?;
    let facts: Vec<CourtFacts> = courts
        .iter()
        .filter_map(|c| {
            Some(CourtFacts {
                id: c.id,
                level: c.kind.court_level()?,
                active: c.status == Status::Active,
                jurisdiction: c.jurisdiction.clone(),
            })
        })
        .collect();
    let places = ConfirmationPlaces {
        track: case.track,
        ip_type: case.ip_type,
        referring_court_id: case.referring_court_id,
        party_addresses: case
            .parties
            .iter()
            .filter_map(|p| p.address.as_deref())
            .collect(),
        subject_location: &case.city,
        mediation_body_city: body.city.as_str(),
        mediation_body_division: body.division.as_ref(),
    };
    Ok(eligible_courts(&places, &facts)
        .into_iter()
        .filter_map(|found| {
            let at = courts.iter().position(|c| c.id == found.court_id)?;
            Some(Eligible {
                court: courts.swap_remove(at),
                grounds: found.grounds,
            })
        })
        .collect())
}

/// A joint application as requested.
pub struct ApplicationRequest {
    pub court_id: OrganizationId,
    /// The parties (by number) whose consent to the joint application is recorded.
    pub consents: Vec<u32>,
    pub note: Option<String>,
}

fn subject(id: ApplicationId, which: &str) -> String {
    format!("{id}/{which}")
}

/// A timeline event by `actor` now, with `detail`.
fn case_event(state: &AppState, actor: Actor, action: EventKind, detail: String) -> CaseEvent {
    CaseEvent {
        detail: Some(detail),
        ..event_by(state, actor, action)
    }
}

/// Sends a settled case's agreement to a court for confirmation on the parties' joint
/// application (R8), bound to the signed agreement's digest. Opens the court's R10 acceptance
/// deadline and meets the R8 window.
///
/// # Errors
/// `NotFound`/`Forbidden` as the case; `Invalid` for bad consents or note; `Refused` with the rule that refuses it (R8,
/// R9, R12); `Internal`.
pub async fn submit(
    state: &AppState,
    caller: &Principal,
    case_id: CaseId,
    request: ApplicationRequest,
) -> Result<Application, AppError> {
    let read = authorized(state, caller, case_id, Action::Update).await?;
    ipdr_domain::case::lifecycle::check_not_closed(read.status)?;
    let mut errors = ValidationErrors::default();
    let consents = confirmation::parse_consents(&request.consents)
        .map_err(|e| errors.0.extend(e.0))
        .unwrap_or_default();
    for (i, party) in consents.iter().enumerate() {
        if !read.parties.iter().any(|p| p.number == *party) {
            errors.push(
                &format!("consents[{i}]"),
                Invalid::new("not_found", format!("the case has no party {party}")),
            );
        }
    }
    let note = request
        .note
        .as_deref()
        .and_then(|n| errors.check("note", bounded_text(n, 2000)));
    if !errors.is_empty() {
        return Err(errors.into());
    }

    let txn = begin_case_write(state, case_id).await?;
    let case = case_repo::get(&txn, case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let signed = settlement_agreement::get(&txn, case_id).await?;
    let today = state.clock.today();
    let calendar = calendar::load(&txn).await?;
    let window_last_day = signed
        .as_ref()
        .and_then(|a| a.effective_at)
        .map_or(today, |at| {
            calendar.deadline(local_date(at), APPLICATION_WINDOW).due
        });
    let courts = eligible(&txn, &case).await?;
    let court = courts.iter().find(|e| e.court.id == request.court_id);
    let pending = confirmations::pending_of_case(&txn, case_id).await?;
    check_application(&ApplicationFacts {
        status: case.status,
        enforceable: case.enforceable,
        agreement_effective: signed.as_ref().is_some_and(|a| a.effective_at.is_some()),
        decides_ownership_or_validity: signed
            .as_ref()
            .is_some_and(|a| a.content.decides_ownership_or_validity),
        window_last_day,
        today,
        parties: case.parties.iter().map(|p| p.number).collect(),
        consenting: consents.clone(),
        court_eligible: court.is_some(),
        pending_application: !pending.is_empty(),
    })?;
    let (Some(signed), Some(court)) = (signed, court) else {
        return Err(AppError::internal(
            "an application was made without a signed agreement or an eligible court",
        ));
    };
    let now = state.clock.now();
    let application = Application {
        id: ApplicationId::from(uuid::Uuid::now_v7()),
        case_id,
        court_id: court.court.id,
        organization_id: case.organization_id,
        agreement_digest: signed.digest.clone(),
        status: ApplicationStatus::Submitted,
        consents,
        note,
        submitted_by: caller.account_id,
        submitted_at: now,
        accepted_on: None,
        extension: None,
        ruling_number: None,
        ruling_date: None,
        refusal_ground: None,
        reason: None,
        ended_at: None,
        version: 1,
        updated_at: now,
    };
    confirmations::insert(&txn, &application).await?;
    created(Created::Application(application.id));
    let detail = format!(
        "application {} to {} on the joint application of every party; agreement sha256 {}",
        application.id,
        court.court.name.as_str(),
        application.agreement_digest
    );
    emit_on_case(
        &txn,
        case_id,
        Some(application.id),
        case_event(
            state,
            caller.actor(),
            EventKind::ApplyForConfirmation,
            detail,
        ),
    )
    .await?;
    stored_deadlines::meet(&txn, case_id, &[DeadlineRule::R8], today).await?;
    open_deadlines(
        &txn,
        &case,
        &[(DeadlineRule::R10, acceptance_period(case.track))],
        Some(&subject(application.id, confirmation::ACCEPTANCE)),
        today,
    )
    .await?;
    commit(txn).await?;
    tracing::info!(case = %case_id, application = %application.id, "confirmation applied for");
    Ok(application)
}

/// Loads an application the caller may do `action` to, with its case: `NotFound` when missing or not
/// the caller's to see (another court's), `Forbidden` when visible but not the caller's to do.
///
/// # Errors
/// `NotFound`, `Forbidden`, `Internal`.
pub async fn authorized_application(
    state: &AppState,
    caller: &Principal,
    id: ApplicationId,
    action: Action,
) -> Result<(Application, Case), AppError> {
    let application = confirmations::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let case = case_repo::get(&state.db, application.case_id)
        .await?
        .ok_or_else(|| AppError::missing("the case of an application"))?;
    let reference = case_ref(&state.db, caller, &case).await?;
    permit(authorize(
        caller,
        action,
        &Resource::Application {
            case: reference,
            court_id: application.court_id,
        },
    ))?;
    Ok((application, case))
}

fn describe(action: &ApplicationAction) -> String {
    match action {
        ApplicationAction::Accept => "accepted for review".to_owned(),
        ApplicationAction::RefuseAcceptance { reason } => {
            format!("not accepted: {}", reason.as_str())
        }
        ApplicationAction::Extend {
            approved_by,
            reason,
        } => format!(
            "review extended by 10 days (R10), approved by {}: {}",
            approved_by.as_str(),
            reason.as_str()
        ),
        ApplicationAction::Confirm {
            ruling_number,
            ruling_date,
        } => format!(
            "confirmed by ruling {} of {ruling_date}; the agreement is enforceable",
            ruling_number.as_str()
        ),
        ApplicationAction::Refuse { ground, reason } => match reason {
            Some(reason) => format!("confirmation refused (R13: {ground}): {}", reason.as_str()),
            None => format!("confirmation refused (R13: {ground})"),
        },
        ApplicationAction::Withdraw { reason } => {
            format!("withdrawn by the applicants: {}", reason.as_str())
        }
        ApplicationAction::Void => "voided: the settlement agreement was changed".to_owned(),
    }
}

/// Moves an application inside the caller's transaction (the case row is locked): the rule,
/// the new version, the R10 deadlines, the case timeline; a confirmation makes the case
/// enforceable.
async fn apply_in(
    db: &impl ConnectionTrait,
    state: &AppState,
    actor: Actor,
    current: &Application,
    if_match: Option<i64>,
    action: &ApplicationAction,
) -> Result<Application, AppError> {
    let today = state.clock.today();
    let now = state.clock.now();
    let (to, changes) = confirmation::apply(&current.state(), action, today)?;
    let mut next = current.after(action, to, today, now);
    next.updated_at = now;
    let saved = confirmations::save(db, &next, current.version)
        .await
        .map_err(|e| AppError::from(e).with_named_version(if_match))?;
    let case = case_repo::get(db, current.case_id)
        .await?
        .ok_or_else(|| AppError::missing("the case of an application"))?;
    if let ApplicationAction::Confirm { .. } = action {
        // The court confirmed exactly what was signed: the digest is the one applied with.
        let signed = settlement_agreement::get(db, case.id).await?;
        if signed.map(|a| a.digest).as_deref() != Some(current.agreement_digest.as_str()) {
            return Err(AppError::refused_now(
                "agreement_changed",
                "the agreement differs from the one the application was made for",
            ));
        }
        let enforceable = Case {
            enforceable: true,
            ..case.clone()
        };
        case_repo::save(db, &enforceable, case.version, now).await?;
    }
    for which in &changes.meet {
        stored_deadlines::meet_subject(
            db,
            case.id,
            DeadlineRule::R10,
            &subject(current.id, which),
            today,
        )
        .await?;
    }
    for (which, period, start) in &changes.open {
        open_deadlines(
            db,
            &case,
            &[(DeadlineRule::R10, *period)],
            Some(&subject(current.id, which)),
            *start,
        )
        .await?;
    }
    let detail = format!("application {}: {}", current.id, describe(action));
    emit_on_case(
        db,
        case.id,
        Some(current.id),
        case_event(state, actor, action.kind().into(), detail),
    )
    .await?;
    tracing::info!(case = %case.id, application = %current.id, action = action.kind().as_str(), "application moved");
    Ok(saved)
}

/// A court's decision or the applicants' withdrawal, in one transaction.
///
/// # Errors
/// `NotFound`/`Forbidden` as [`authorized_application`]; `Refused` with the rule that refuses it; `Stale` when
/// `If-Match` names another version; `Internal`.
pub async fn act(
    state: &AppState,
    caller: &Principal,
    withdrawing: bool,
    id: ApplicationId,
    if_match: Option<i64>,
    action: Result<ApplicationAction, ValidationErrors>,
) -> Result<Application, AppError> {
    // The applicants withdraw (through the mediator); everything else is the court's decision.
    let needs = if withdrawing {
        Action::Update
    } else {
        Action::Decide
    };
    let (read, _) = authorized_application(state, caller, id, needs).await?;
    let action = action?;
    let txn = begin_case_write(state, read.case_id).await?;
    let current = confirmations::get(&txn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if if_match.is_some_and(|v| v != current.version) {
        return Err(AppError::stale(Versioned::Application, if_match));
    }
    let saved = apply_in(&txn, state, caller.actor(), &current, if_match, &action).await?;
    commit(txn).await?;
    Ok(saved)
}

/// Voids the case's applications still before a court because its agreement changed; inside
/// the transaction that changes it.
///
/// # Errors
/// Database errors.
pub async fn void_pending(
    db: &impl ConnectionTrait,
    state: &AppState,
    actor: Actor,
    case_id: CaseId,
) -> Result<(), AppError> {
    for pending in confirmations::pending_of_case(db, case_id).await? {
        apply_in(db, state, actor, &pending, None, &ApplicationAction::Void).await?;
    }
    Ok(())
}
