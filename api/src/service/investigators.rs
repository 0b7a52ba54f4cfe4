//! Technical investigators on cases: candidates, assignment, the parties' notification (R22),
//! recusal (R24) and release.
use crate::service::unit_of_work::{emit_concerning, emit_on_case};
use chrono::NaiveDate;
use ipdr_domain::access::Principal;
use ipdr_domain::case::Side;
use ipdr_domain::case::lifecycle::{Reason, check_not_closed};
use ipdr_domain::case::stored::{Case, CaseEvent};
use ipdr_domain::event::EventKind;
use ipdr_domain::investigator::candidates::{Assessment, assess, exclusions};
use ipdr_domain::investigator::deadlines::{self as assignment_deadlines, AssignmentStep};
use ipdr_domain::investigator::recusal;
use ipdr_domain::investigator::stored::{Assignment, EndReason};
use ipdr_domain::investigator::{AssignmentStatus, Procedure, TechnicalField};
use ipdr_domain::validation::Invalid;
use ipdr_domain::{AccountId, AssignmentId, ValidationErrors};
use ipdr_persistence::ConnectionTrait;
use ipdr_persistence::repo::cases::{deadlines, investigators as on_cases};
use ipdr_persistence::repo::investigators;

use crate::service::cases::{begin_case_write, event, open_deadlines};
use crate::service::error::AppError;
use crate::service::unit_of_work::commit;
use crate::state::AppState;
use ipdr_domain::case::Refusal;
use ipdr_domain::validation::FieldError;

/// The pool ranked for `field` on `case`, with everyone excluded and why.
///
/// # Errors
/// `Internal`.
pub async fn candidates(
    state: &AppState,
    case: &Case,
    field: TechnicalField,
    procedure: Procedure,
) -> Result<Assessment, AppError> {
    let pool = investigators::candidate_facts(&state.db, case.id, None, false).await?;
    Ok(assess(pool, &case.parties, field, procedure))
}

/// The request of an assignment.
pub struct AssignmentRequest {
    pub investigator: AccountId,
    pub field: TechnicalField,
    pub question: String,
    pub procedure: Procedure,
}

/// Assigns an investigator, refusing anyone the ranking would exclude (conflict, R22, load,
/// recusal). The investigator's profile is locked for the transaction, so concurrent
/// assignments of one investigator queue and the load limit holds. Starts the parties' 3 days
/// to be told (R22).
///
/// # Errors
/// `Invalid` (no such active investigator, blank question), `Refused` with the exclusion, `Internal`.
pub async fn assign(
    state: &AppState,
    caller: &Principal,
    case: &Case,
    request: AssignmentRequest,
) -> Result<Assignment, AppError> {
    check_not_closed(case.status)?;
    let question =
        Reason::parse(&request.question).map_err(|e| ValidationErrors::one("question", e))?;
    let txn = begin_case_write(state, case.id).await?;
    let facts =
        investigators::candidate_facts(&txn, case.id, Some(request.investigator), true).await?;
    let Some(facts) = facts.into_iter().next() else {
        return Err(ValidationErrors::one(
            "investigator_id",
            Invalid::new(
                "not_in_pool",
                "no active investigator in the pool with this account",
            ),
        )
        .into());
    };
    let reasons = exclusions(&facts, &case.parties, request.procedure);
    if let Some(first) = reasons.first() {
        return Err(AppError::Refused {
            refusal: Refusal {
                code: first.code(),
                rule: first.rule(),
                message: first.explain(),
            },
            fields: reasons
                .iter()
                .map(|reason| FieldError {
                    field: "investigator_id".to_owned(),
                    code: reason.code(),
                    message: reason.explain(),
                })
                .collect(),
        });
    }
    let assignment = Assignment {
        id: AssignmentId::from(uuid::Uuid::now_v7()),
        case_id: case.id,
        investigator_id: request.investigator,
        procedure: request.procedure,
        field: request.field,
        question: question.as_str().to_owned(),
        status: AssignmentStatus::Active,
        recusal: recusal::RecusalStage::None,
        recusal_requested_by: None,
        recusal_grounds: None,
        end_reason: None,
        assigned_by: caller.account_id,
        assigned_at: state.clock.now(),
        parties_notified_on: None,
        ended_at: None,
    };
    on_cases::insert_assignment(&txn, &assignment).await?;
    let detail = format!(
        "{} assigned in {} for {}",
        request.investigator, request.procedure, request.field
    );
    emit_concerning(
        &txn,
        case.id,
        CaseEvent {
            detail: Some(detail),
            ..event(state, caller, EventKind::AssignInvestigator)
        },
        request.investigator,
    )
    .await?;
    move_deadlines(
        &txn,
        case,
        assignment.id,
        AssignmentStep::Assigned,
        state.clock.today(),
    )
    .await?;
    commit(txn).await?;
    tracing::info!(case = %case.id, assignment = %assignment.id, "investigator assigned");
    Ok(assignment)
}

async fn load(
    db: &impl ConnectionTrait,
    case: &Case,
    id: AssignmentId,
) -> Result<Assignment, AppError> {
    on_cases::get_assignment(db, case.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Records that the parties were told of the appointment (R22), meeting its deadline.
///
/// # Errors
/// `NotFound`, `Refused` once ended or already recorded, `Internal`.
pub async fn parties_notified(
    state: &AppState,
    caller: &Principal,
    case: &Case,
    id: AssignmentId,
    on: Option<NaiveDate>,
) -> Result<Assignment, AppError> {
    check_not_closed(case.status)?;
    let today = state.clock.today();
    let on = on.unwrap_or(today);
    if on > today {
        return Err(ValidationErrors::one(
            "notified_on",
            Invalid::new("in_future", "cannot be after today"),
        )
        .into());
    }
    let txn = begin_case_write(state, case.id).await?;
    let mut assignment = load(&txn, case, id).await?;
    if assignment.parties_notified_on.is_some() {
        return Err(AppError::refused_now(
            "already_notified",
            "the parties' notification is already recorded",
        ));
    }
    assignment.parties_notified_on = Some(on);
    on_cases::save_assignment(&txn, &assignment).await?;
    move_deadlines(&txn, case, id, AssignmentStep::PartiesNotified, on).await?;
    let detail = format!("parties told of {} on {on}", assignment.investigator_id);
    emit_on_case(
        &txn,
        case.id,
        None,
        CaseEvent {
            detail: Some(detail),
            ..event(state, caller, EventKind::NotifyPartiesOfInvestigator)
        },
    )
    .await?;
    commit(txn).await?;
    Ok(assignment)
}

/// Opens and meets what `step` of assignment `id` does to its deadlines (R22, R24), on `on`.
async fn move_deadlines(
    db: &impl ConnectionTrait,
    case: &Case,
    id: AssignmentId,
    step: AssignmentStep,
    on: NaiveDate,
) -> Result<(), AppError> {
    let changes = assignment_deadlines::on_step(id, step);
    for (rule, period, subject) in &changes.open {
        open_deadlines(db, case, &[(*rule, *period)], Some(subject), on).await?;
    }
    for (rule, subject) in &changes.meet {
        deadlines::meet_subject(db, case.id, *rule, subject, on).await?;
    }
    Ok(())
}

/// Records a party's recusal request (or its one reconsideration): the assignment is
/// suspended and the 3-day decision deadline opens (R24).
///
/// # Errors
/// `NotFound`, `Refused` (`recusal_pending`, `reconsideration_used`, `assignment_ended`), `Internal`.
pub async fn request_recusal(
    state: &AppState,
    caller: &Principal,
    case: &Case,
    id: AssignmentId,
    by: Side,
    grounds: &str,
) -> Result<Assignment, AppError> {
    check_not_closed(case.status)?;
    let grounds = Reason::parse(grounds).map_err(|e| ValidationErrors::one("grounds", e))?;
    let txn = begin_case_write(state, case.id).await?;
    let mut assignment = load(&txn, case, id).await?;
    let (next, reconsideration) = recusal::request(assignment.recusal_state())?;
    assignment.recusal = next.stage;
    assignment.status = next.status;
    assignment.recusal_requested_by = Some(by);
    assignment.recusal_grounds = Some(grounds.as_str().to_owned());
    on_cases::save_assignment(&txn, &assignment).await?;
    move_deadlines(
        &txn,
        case,
        id,
        AssignmentStep::RecusalRequested { stage: next.stage },
        state.clock.today(),
    )
    .await?;
    let what = if reconsideration {
        "reconsideration of recusal"
    } else {
        "recusal"
    };
    let detail = format!(
        "{by} asked for {what} of {}: {}",
        assignment.investigator_id,
        grounds.as_str()
    );
    emit_on_case(
        &txn,
        case.id,
        None,
        CaseEvent {
            detail: Some(detail),
            ..event(state, caller, EventKind::RequestRecusal)
        },
    )
    .await?;
    commit(txn).await?;
    Ok(assignment)
}

/// Decides the pending recusal request: granted ends the assignment (a replacement may then be
/// assigned), refused resumes it. Meets the R24 deadline.
///
/// # Errors
/// `NotFound`, `Refused` `no_pending_recusal`, `Internal`.
pub async fn decide_recusal(
    state: &AppState,
    caller: &Principal,
    case: &Case,
    id: AssignmentId,
    granted: bool,
    reason: &str,
) -> Result<Assignment, AppError> {
    check_not_closed(case.status)?;
    let reason = Reason::parse(reason).map_err(|e| ValidationErrors::one("reason", e))?;
    let txn = begin_case_write(state, case.id).await?;
    let mut assignment = load(&txn, case, id).await?;
    let pending = assignment.recusal;
    let next = recusal::decide(assignment.recusal_state(), granted)?;
    assignment.recusal = next.stage;
    assignment.status = next.status;
    if granted {
        assignment.end_reason = Some(EndReason::Recused);
        assignment.ended_at = Some(state.clock.now());
    }
    on_cases::save_assignment(&txn, &assignment).await?;
    let today = state.clock.today();
    move_deadlines(
        &txn,
        case,
        id,
        AssignmentStep::RecusalDecided { pending, granted },
        today,
    )
    .await?;
    let outcome = if granted { "granted" } else { "refused" };
    let detail = format!(
        "recusal of {} {outcome}: {}",
        assignment.investigator_id,
        reason.as_str()
    );
    emit_on_case(
        &txn,
        case.id,
        None,
        CaseEvent {
            detail: Some(detail),
            ..event(state, caller, EventKind::DecideRecusal)
        },
    )
    .await?;
    commit(txn).await?;
    Ok(assignment)
}

/// Ends an assignment that is no longer needed.
///
/// # Errors
/// `NotFound`, `Refused` once ended or while a recusal is pending, `Internal`.
pub async fn release(
    state: &AppState,
    caller: &Principal,
    case: &Case,
    id: AssignmentId,
) -> Result<Assignment, AppError> {
    check_not_closed(case.status)?;
    let txn = begin_case_write(state, case.id).await?;
    let mut assignment = load(&txn, case, id).await?;
    assignment.status = recusal::release(assignment.recusal_state())?.status;
    assignment.end_reason = Some(EndReason::Released);
    assignment.ended_at = Some(state.clock.now());
    on_cases::save_assignment(&txn, &assignment).await?;
    let today = state.clock.today();
    move_deadlines(&txn, case, id, AssignmentStep::Released, today).await?;
    let detail = format!("{} released", assignment.investigator_id);
    emit_on_case(
        &txn,
        case.id,
        None,
        CaseEvent {
            detail: Some(detail),
            ..event(state, caller, EventKind::ReleaseInvestigator)
        },
    )
    .await?;
    commit(txn).await?;
    Ok(assignment)
}

/// The assignments of a case the caller may see: all of them for its mediators and court, an
/// investigator's own for an investigator.
///
/// # Errors
/// `Internal`.
pub async fn visible_assignments(
    state: &AppState,
    caller: &Principal,
    case: &Case,
) -> Result<Vec<Assignment>, AppError> {
    let all = on_cases::assignments_of_case(&state.db, case.id).await?;
    Ok(match caller.role {
        ipdr_domain::account::Role::Investigator => all
            .into_iter()
            .filter(|a| a.investigator_id == caller.account_id)
            .collect(),
        _ => all,
    })
}

/// [`visible_assignments`], each with its investigator's display name.
///
/// # Errors
/// `Internal`.
pub async fn visible_with_names(
    state: &AppState,
    caller: &Principal,
    case: &Case,
) -> Result<Vec<(Assignment, String)>, AppError> {
    let assignments = visible_assignments(state, caller, case).await?;
    let ids: Vec<_> = assignments.iter().map(|a| a.investigator_id).collect();
    let mut names = ipdr_persistence::repo::accounts::display_names(&state.db, &ids).await?;
    Ok(assignments
        .into_iter()
        .map(|assignment| {
            let name = names
                .remove(&assignment.investigator_id)
                .unwrap_or_else(|| assignment.investigator_id.to_string());
            (assignment, name)
        })
        .collect())
}
