//! The one way a change is committed: the change, its domain events (with the case timeline
//! entries derived from them) and its audit record in one transaction.
//!
//! A user's change (through the JSON API or the federation endpoint) is recorded with the
//! caller, the operation and the object that the request's audit scope names; the platform's
//! own changes (returns at the end of an R15 term, escalations of breached referral clocks)
//! are recorded with the actor `platform`. Either way a crash can lose the change and its
//! record together, never one without the other.
use chrono::{DateTime, Utc};
use ipdr_domain::audit::Outcome;
use ipdr_domain::case::stored::CaseEvent;
use ipdr_domain::event::{By, DomainEvent, EventKind, Subject};
use ipdr_domain::{AccountId, ApplicationId, CaseId, OrganizationId};
use ipdr_persistence::repo::audit::{self, NewEvent};
use ipdr_persistence::repo::cases::events as timeline;
use ipdr_persistence::repo::stream;
use ipdr_persistence::{ConnectionTrait, DatabaseTransaction, Db, begin_write};
use uuid::Uuid;

use super::error::{AppError, AppResult};

/// An object a change created, named in its audit record the way every record names it.
#[derive(Debug, Clone, Copy)]
pub enum Created {
    Case(CaseId),
    Referral(Uuid),
    Application(ApplicationId),
    Organization(OrganizationId),
    Account(AccountId),
}

impl Created {
    /// The reference audit records use: the object's path in the JSON API.
    fn reference(self) -> String {
        match self {
            Self::Case(id) => format!("/api/v1/cases/{id}"),
            Self::Referral(id) => format!("/api/v1/referrals/{id}"),
            Self::Application(id) => format!("/api/v1/confirmation-applications/{id}"),
            Self::Organization(id) => format!("/api/v1/organizations/{id}"),
            Self::Account(id) => format!("/api/v1/accounts/{id}"),
        }
    }
}

/// Names the object the change of the current request created, for its audit record.
pub fn created(object: Created) {
    crate::audit::describe(Some(object.reference()), None);
}

/// Records `event` in the transaction of its change: appended to the event stream, caused by
/// the operation being handled (or, outside a request, by the platform action or command the
/// event names), and, for an event about a case, as the case's timeline entry derived from it.
///
/// # Errors
/// `Internal`; the caller's transaction then commits nothing.
pub async fn emit(db: &impl ConnectionTrait, event: DomainEvent) -> AppResult<()> {
    let cause = crate::audit::operation().unwrap_or(match event.by {
        By::Platform => PLATFORM,
        _ => event.kind().as_str(),
    });
    let seq = stream::append(db, &event, cause).await?;
    crate::service::notifications::on_event(db, &event, seq).await?;
    crate::audit::note_event();
    if let Some((case, entry)) = event.timeline_entry() {
        timeline::append(db, case, &entry).await?;
    }
    Ok(())
}

/// Records a case's timeline entry as its event (see [`emit`]); `application` when the entry
/// is about one of the case's applications for judicial confirmation.
///
/// # Errors
/// `Internal`, also for an entry whose kind is about neither a case nor an application.
pub async fn emit_on_case(
    db: &impl ConnectionTrait,
    case: CaseId,
    application: Option<ApplicationId>,
    entry: CaseEvent,
) -> AppResult<()> {
    let event = DomainEvent::on_case(case, application, entry)
        .map_err(|e| AppError::internal(e.to_string()))?;
    emit(db, event).await
}

/// [`emit_on_case`] for an entry about one account (the mediator or investigator assigned),
/// whom its notice goes to.
///
/// # Errors
/// As [`emit_on_case`].
pub async fn emit_concerning(
    db: &impl ConnectionTrait,
    case: CaseId,
    entry: CaseEvent,
    account: AccountId,
) -> AppResult<()> {
    let event = DomainEvent::on_case(case, None, entry)
        .map_err(|e| AppError::internal(e.to_string()))?
        .concerning(account);
    emit(db, event).await
}

/// Records an event of `kind` about `subject` (see [`emit`]).
///
/// # Errors
/// `Internal`, also when `subject` is not what `kind` is about.
pub async fn emit_about(
    db: &impl ConnectionTrait,
    kind: EventKind,
    subject: Subject,
    by: impl Into<By>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let event = DomainEvent::new(kind, subject, by.into(), at)
        .map_err(|e| AppError::internal(e.to_string()))?;
    emit(db, event).await
}

/// Commits `txn` with the audit record of the request it serves (when it serves one and its
/// record is not committed yet).
///
/// # Errors
/// `Internal` when the record or the commit fails; nothing of the transaction is kept.
pub async fn commit(txn: DatabaseTransaction) -> AppResult<()> {
    let record = crate::audit::success_record();
    let emitted = crate::audit::take_emitted();
    if let Some(record) = record.clone() {
        // Every change a user makes is an event: notifications and statistics see nothing
        // else. A change without one is a bug the test suite must catch.
        if emitted == 0 {
            tracing::error!(operation = %record.action, "a change committed without its event");
            debug_assert!(emitted > 0, "{} committed without its event", record.action);
        }
        audit::append(&txn, record).await?;
    }
    ipdr_persistence::commit(txn).await?;
    if record.is_some() {
        crate::audit::recorded();
    }
    Ok(())
}

/// Runs `change` in a write transaction and commits it with the request's audit record: the
/// shape of a change that is one or two statements.
///
/// # Errors
/// What `change` fails with (nothing is kept then); `Internal` when the commit fails.
pub async fn write<T>(
    db: &Db,
    change: impl AsyncFnOnce(&DatabaseTransaction) -> AppResult<T>,
) -> AppResult<T> {
    let txn = begin_write(db).await?;
    let done = change(&txn).await?;
    commit(txn).await?;
    Ok(done)
}

/// What the platform did on its own, for its audit record.
#[derive(Debug, Clone)]
pub struct PlatformAction {
    /// What the platform did: `return_to_court`, `escalate_referral_clock`.
    pub action: EventKind,
    /// `case:<id>`, `referral:<id>`.
    pub object: String,
    /// A short machine-readable reason; never personal data.
    pub detail: Option<String>,
}

/// Commits a change the platform made on its own (no request, no caller), with its audit
/// record under the actor `platform`.
///
/// # Errors
/// `Internal` when the record or the commit fails; nothing of the transaction is kept.
pub async fn commit_platform(txn: DatabaseTransaction, done: PlatformAction) -> AppResult<()> {
    let record = NewEvent {
        actor: Some(PLATFORM.to_owned()),
        role: Some(PLATFORM.to_owned()),
        detail: done.detail,
        ..crate::audit::event(done.action.as_str(), done.object, Outcome::Succeeded, 0)
    };
    audit::append(&txn, record).await?;
    ipdr_persistence::commit(txn).await?;
    Ok(())
}

/// The actor and role of what the platform does on its own.
pub const PLATFORM: &str = "platform";
