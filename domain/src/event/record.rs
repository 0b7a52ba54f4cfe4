//! One event as it is recorded: its kind, what it is about, who and when.
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{EventKind, SubjectKind};
use crate::account::Role;
use crate::case::CaseStatus;
use crate::case::stored::{Actor, CaseEvent};
use crate::{AccountId, ApplicationId, CaseId, OrganizationId};

/// What an event is about, with its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Case(CaseId),
    /// An application for judicial confirmation, on the timeline of its case.
    Application {
        id: ApplicationId,
        case: CaseId,
    },
    Referral(Uuid),
    OutboxMessage(Uuid),
    /// A partner node, by its node id.
    Partner(String),
    CooperationAgreement(Uuid),
    Organization(OrganizationId),
    Account(AccountId),
    /// An investigator's entry in the pool (their account).
    Investigator(AccountId),
    CalendarYear(i32),
}

impl Subject {
    pub fn kind(&self) -> SubjectKind {
        match self {
            Self::Case(_) => SubjectKind::Case,
            Self::Application { .. } => SubjectKind::Application,
            Self::Referral(_) => SubjectKind::Referral,
            Self::OutboxMessage(_) => SubjectKind::OutboxMessage,
            Self::Partner(_) => SubjectKind::Partner,
            Self::CooperationAgreement(_) => SubjectKind::CooperationAgreement,
            Self::Organization(_) => SubjectKind::Organization,
            Self::Account(_) => SubjectKind::Account,
            Self::Investigator(_) => SubjectKind::Investigator,
            Self::CalendarYear(_) => SubjectKind::CalendarYear,
        }
    }

    /// The subject's identity, without its kind.
    pub fn id(&self) -> String {
        match self {
            Self::Case(id) => id.to_string(),
            Self::Application { id, .. } => id.to_string(),
            Self::Referral(id) | Self::OutboxMessage(id) | Self::CooperationAgreement(id) => {
                id.to_string()
            }
            Self::Partner(node) => node.clone(),
            Self::Organization(id) => id.to_string(),
            Self::Account(id) | Self::Investigator(id) => id.to_string(),
            Self::CalendarYear(year) => year.to_string(),
        }
    }

    /// The case whose timeline shows the event, if any.
    pub fn case(&self) -> Option<CaseId> {
        match self {
            Self::Case(case) | Self::Application { case, .. } => Some(*case),
            _ => None,
        }
    }
}

/// Who made an event happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum By {
    /// A user of this node.
    Account { id: AccountId, role: Role },
    /// The platform on its own (a term running out, a breached clock).
    Platform,
    /// A partner node, through the federation API, with the role its user acted in.
    Partner { node: String, role: String },
}

impl From<Actor> for By {
    fn from(actor: Actor) -> Self {
        match actor {
            Actor::Account { id, role } => Self::Account { id, role },
            Actor::Platform => Self::Platform,
        }
    }
}

/// Something that happened: the one record notifications and statistics read, written in the
/// transaction of the change. A case's timeline entry is derived from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainEvent {
    kind: EventKind,
    subject: Subject,
    pub by: By,
    pub at: DateTime<Utc>,
    /// For a case's events, the status before and after.
    pub from_status: Option<CaseStatus>,
    pub to_status: Option<CaseStatus>,
    /// The reason or what was recorded, in words; never a secret.
    pub detail: Option<String>,
    /// The one account the event is about, when it is about one: the mediator or the
    /// investigator assigned (notices go to them).
    pub concerns: Option<crate::AccountId>,
}

/// An event whose subject is not what its kind is about: a programming error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an event {kind} is about a {expected}, not a {got}")]
pub struct WrongSubject {
    pub kind: EventKind,
    pub expected: SubjectKind,
    pub got: SubjectKind,
}

impl DomainEvent {
    /// An event of `kind` about `subject`.
    ///
    /// # Errors
    /// `WrongSubject` when `subject` is not the kind of thing `kind` is about.
    pub fn new(
        kind: EventKind,
        subject: Subject,
        by: By,
        at: DateTime<Utc>,
    ) -> Result<Self, WrongSubject> {
        let expected = kind.subject_kind();
        if subject.kind() != expected {
            return Err(WrongSubject {
                kind,
                expected,
                got: subject.kind(),
            });
        }
        Ok(Self {
            kind,
            subject,
            by,
            at,
            from_status: None,
            to_status: None,
            detail: None,
            concerns: None,
        })
    }

    /// The event a case's timeline entry records: about the case, or about an application
    /// of the case when its kind is an application's.
    ///
    /// # Errors
    /// `WrongSubject` when the entry's kind is about neither (a programming error).
    pub fn on_case(
        case: CaseId,
        application: Option<ApplicationId>,
        entry: CaseEvent,
    ) -> Result<Self, WrongSubject> {
        let subject = match application {
            Some(id) => Subject::Application { id, case },
            None => Subject::Case(case),
        };
        Ok(Self {
            from_status: entry.from_status,
            to_status: entry.to_status,
            detail: entry.detail,
            ..Self::new(entry.action, subject, entry.actor.into(), entry.at)?
        })
    }

    pub fn kind(&self) -> EventKind {
        self.kind
    }

    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    /// About `account` (see [`Self::concerns`]).
    #[must_use]
    pub fn concerning(mut self, account: crate::AccountId) -> Self {
        self.concerns = Some(account);
        self
    }

    /// With `detail` in words.
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The entry this event puts on its case's timeline, when it is about a case and was
    /// made by a user of this node or by the platform.
    pub fn timeline_entry(&self) -> Option<(CaseId, CaseEvent)> {
        let case = self.subject.case()?;
        let actor = match self.by {
            By::Account { id, role } => Actor::Account { id, role },
            By::Platform => Actor::Platform,
            By::Partner { .. } => return None,
        };
        Some((
            case,
            CaseEvent {
                at: self.at,
                actor,
                action: self.kind,
                from_status: self.from_status,
                to_status: self.to_status,
                detail: self.detail.clone(),
            },
        ))
    }
}
