//! Reading applications for judicial confirmation with what their views show: the court's R10
//! deadlines, and for one application the agreement under review and the readable opinions.
//! The changes themselves are in [`super::confirmations`].
use ipdr_domain::access::{Action, Decision, Principal, Resource, authorize};
use ipdr_domain::account::Role;
use ipdr_domain::case::confirmation::review;
use ipdr_domain::case::confirmation::{
    Application, ApplicationAction, ApplicationActionKind, ApplicationStatus,
};
use ipdr_domain::case::deadlines::DeadlineRule;
use ipdr_domain::case::stored::{CaseDeadline, SettlementAgreement};
use ipdr_domain::investigator::stored::Opinion;
use ipdr_domain::{ApplicationId, CaseId, ValidationErrors};
use ipdr_persistence::repo::cases::confirmations::{self, ApplicationScope};
use ipdr_persistence::repo::cases::{self as case_repo, deadlines, settlement_agreement};

use crate::service::cases::{authorized, case_ref};
use crate::service::confirmations::{
    ApplicationRequest, Eligible, act, authorized_application, eligible, submit,
};
use crate::service::error::{AppError, AppResult, permit};
use crate::service::opinions;
use crate::service::paging::{Page, PageRequest};
use crate::state::AppState;

/// An application with its own R10 deadlines (acceptance, ruling).
pub struct ApplicationEntry {
    pub application: Application,
    pub deadlines: Vec<CaseDeadline>,
    /// The day (China time) the deadlines' `overdue` is judged on.
    pub today: chrono::NaiveDate,
}

/// One application as its reader sees it.
pub struct ApplicationDetail {
    pub entry: ApplicationEntry,
    /// The agreement under review, for those who may read it, while it is still the case's
    /// agreement (its digest is the application's).
    pub agreement: Option<SettlementAgreement>,
    /// The technical opinions the caller may read (R23).
    pub opinions: Vec<Opinion>,
    /// The decisions the caller may take on it now: the review's (R10, R13) when the policy
    /// lets the caller decide, else none.
    pub decisions: Vec<ApplicationActionKind>,
}

/// `applications` with their own R10 deadlines, read in one query.
async fn with_deadlines(
    state: &AppState,
    applications: Vec<Application>,
) -> AppResult<Vec<ApplicationEntry>> {
    let cases: Vec<CaseId> = applications.iter().map(|a| a.case_id).collect();
    let all = deadlines::of_rule_on_cases(&state.db, DeadlineRule::R10, &cases).await?;
    let today = state.clock.today();
    Ok(applications
        .into_iter()
        .map(|application| {
            let prefix = format!("{}/", application.id);
            let deadlines = all
                .iter()
                .filter(|d| d.subject.as_deref().is_some_and(|s| s.starts_with(&prefix)))
                .cloned()
                .collect();
            ApplicationEntry {
                application,
                deadlines,
                today,
            }
        })
        .collect())
}

/// One application with its R10 deadlines.
async fn entry(state: &AppState, application: Application) -> AppResult<ApplicationEntry> {
    with_deadlines(state, vec![application])
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("an application's entry is missing"))
}

/// The courts eligible to confirm the agreement of a case the caller may read (R9, R14).
///
/// # Errors
/// `NotFound`, `Forbidden`, `Internal`.
pub async fn eligible_courts(
    state: &AppState,
    caller: &Principal,
    case_id: CaseId,
) -> AppResult<Vec<Eligible>> {
    let case = authorized(state, caller, case_id, Action::Read).await?;
    eligible(&state.db, &case).await
}

/// Sends the parties' joint application (see [`submit`]) and answers it with its deadlines.
///
/// # Errors
/// As [`submit`].
pub async fn apply(
    state: &AppState,
    caller: &Principal,
    case_id: CaseId,
    request: ApplicationRequest,
) -> AppResult<ApplicationEntry> {
    let application = submit(state, caller, case_id, request).await?;
    entry(state, application).await
}

/// A court's decision or the applicants' withdrawal (see [`act`]), answered with the
/// application's deadlines.
///
/// # Errors
/// As [`act`].
pub async fn decide(
    state: &AppState,
    caller: &Principal,
    withdrawing: bool,
    id: ApplicationId,
    if_match: Option<i64>,
    action: Result<ApplicationAction, ValidationErrors>,
) -> AppResult<ApplicationEntry> {
    let saved = act(state, caller, withdrawing, id, if_match, action).await?;
    entry(state, saved).await
}

/// The applications of a case the caller may read, oldest first: all of them for its mediators
/// and auditors, those addressed to it for a court.
///
/// # Errors
/// `NotFound`, `Forbidden`, `Internal`.
pub async fn of_case(
    state: &AppState,
    caller: &Principal,
    case_id: CaseId,
) -> AppResult<Vec<ApplicationEntry>> {
    let case = case_repo::get(&state.db, case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reference = case_ref(&state.db, caller, &case).await?;
    permit(authorize(caller, Action::Read, &Resource::Case(reference)))?;
    let readable = confirmations::of_case(&state.db, case.id)
        .await?
        .into_iter()
        .filter(|application| {
            let resource = Resource::Application {
                case: reference,
                court_id: application.court_id,
            };
            authorize(caller, Action::Read, &resource) == Decision::Allow
        })
        .collect();
    with_deadlines(state, readable).await
}

/// Whether `caller` may list applications.
///
/// # Errors
/// `Forbidden`.
pub fn may_list(caller: &Principal) -> AppResult<()> {
    permit(authorize(caller, Action::List, &Resource::Applications))
}

/// One page of applications, newest first: a court's inbox (those addressed to it), or those
/// of the cases of a mediator's or auditor's organisation.
///
/// # Errors
/// `Forbidden`, `Internal`.
pub async fn list(
    state: &AppState,
    caller: &Principal,
    status: Option<ApplicationStatus>,
    page: PageRequest,
) -> AppResult<Page<ApplicationEntry>> {
    may_list(caller)?;
    let scope = if caller.role == Role::Court {
        ApplicationScope::Court(caller.organization_id)
    } else {
        ApplicationScope::Organization(caller.organization_id)
    };
    let found = confirmations::list(&state.db, scope, status, page).await?;
    Ok(Page {
        items: with_deadlines(state, found.items).await?,
        next_after: found.next_after,
    })
}

/// The applications waiting for `caller`'s decision, at most `limit` of each status: for a
/// court, those it has not yet decided whether to accept and those under review (R10), each
/// only while the review offers a decision (the domain's [`review::decisions`]). Nobody else
/// decides applications, so for anyone else there are none.
///
/// # Errors
/// `Forbidden` (from [`list`]), `Internal`.
pub async fn awaiting_decision(
    state: &AppState,
    caller: &Principal,
    limit: u64,
) -> AppResult<Vec<ApplicationEntry>> {
    if caller.role != Role::Court {
        return Ok(Vec::new());
    }
    let today = state.clock.today();
    let mut waiting = Vec::new();
    for status in [ApplicationStatus::Submitted, ApplicationStatus::Accepted] {
        let page = PageRequest { after: None, limit };
        let found = list(state, caller, Some(status), page).await?;
        waiting.extend(
            found
                .items
                .into_iter()
                .filter(|entry| !review::decisions(&entry.application.state(), today).is_empty()),
        );
    }
    Ok(waiting)
}

/// One application the caller may read, with the agreement under review (for those who may
/// read the agreement) and the opinions the caller may read.
///
/// # Errors
/// `NotFound` (another court's application too), `Forbidden`, `Internal`.
pub async fn get(
    state: &AppState,
    caller: &Principal,
    id: ApplicationId,
) -> AppResult<ApplicationDetail> {
    let (application, case) = authorized_application(state, caller, id, Action::Read).await?;
    let reference = case_ref(&state.db, caller, &case).await?;
    let reads_agreement =
        authorize(caller, Action::ReadAgreement, &Resource::Case(reference)) == Decision::Allow;
    let agreement = if reads_agreement {
        settlement_agreement::get(&state.db, case.id)
            .await?
            .filter(|a| a.digest == application.agreement_digest)
    } else {
        None
    };
    let opinions = match opinions::readable(state, caller, case.id).await {
        Ok((_, opinions)) => opinions,
        Err(AppError::NotFound) => vec![],
        Err(e) => return Err(e),
    };
    let resource = Resource::Application {
        case: reference,
        court_id: application.court_id,
    };
    let decisions = if authorize(caller, Action::Decide, &resource) == Decision::Allow {
        review::decisions(&application.state(), state.clock.today())
    } else {
        Vec::new()
    };
    Ok(ApplicationDetail {
        entry: entry(state, application).await?,
        agreement,
        opinions,
        decisions,
    })
}
