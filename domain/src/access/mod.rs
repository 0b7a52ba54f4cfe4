//! The access policy: one pure function decides what a principal may do to a resource.
//!
//! Every handler calls [`authorize`]. The answer distinguishes a resource the caller may not even
//! know exists ([`Decision::NotFound`], rendered exactly like a missing one) from a visible resource
//! on which the action is forbidden ([`Decision::Forbidden`]). Anything not explicitly allowed is
//! forbidden.
use crate::account::Role;
use crate::{AccountId, OrganizationId};

#[cfg(test)]
mod tests;

/// Who is asking: an authenticated, active account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub account_id: AccountId,
    pub role: Role,
    pub organization_id: OrganizationId,
}

impl Principal {
    /// The principal as the actor of a timeline event.
    pub fn actor(&self) -> crate::case::stored::Actor {
        crate::case::stored::Actor::Account {
            id: self.account_id,
            role: self.role,
        }
    }
}

/// What the caller wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    List,
    Create,
    Read,
    Disable,
    Enable,
    ResetPassword,
    ChangePassword,
    /// Change a case: its lifecycle, agreement, assignments, documents; change a profile.
    Update,
    /// See parties' identity numbers, phones and addresses (without it they are masked).
    ReadPersonalData,
    /// Read the settlement agreement's text and terms (confidential).
    ReadAgreement,
    /// Read a case's timeline.
    ReadTimeline,
    /// Propose and assign technical investigators to a case.
    AssignInvestigator,
    /// Write the technical opinion of a case one is assigned to (R23).
    WriteOpinion,
    /// Maintain reference data such as the holiday calendar.
    Administer,
    /// A court's decisions on an application for judicial confirmation: accept or refuse it,
    /// extend the review, rule (R10, R13).
    Decide,
}

impl Action {
    pub const ALL: [Action; 15] = [
        Self::List,
        Self::Create,
        Self::Read,
        Self::Disable,
        Self::Enable,
        Self::ResetPassword,
        Self::ChangePassword,
        Self::Update,
        Self::ReadPersonalData,
        Self::ReadAgreement,
        Self::ReadTimeline,
        Self::AssignInvestigator,
        Self::WriteOpinion,
        Self::Administer,
        Self::Decide,
    ];
}

/// A case as the policy sees it: who handles it, which court referred it, and facts about the
/// caller looked up per request — whether they are an investigator assigned to it, whether
/// their court was ever sent an application to confirm its agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseRef {
    pub organization_id: OrganizationId,
    pub referring_court_id: Option<OrganizationId>,
    pub assigned_to_caller: bool,
    pub applied_to_caller: bool,
}

/// What the action is done to. Only what the policy needs to know is carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// The instance's organisations as a whole (listing, creating).
    Organizations,
    Organization(OrganizationId),
    /// The instance's accounts as a whole (listing, creating).
    Accounts,
    Account(AccountId),
    /// The caller's own account (who am I, change my password).
    Caller,
    /// The cases of the instance as a whole (opening a case, listing).
    Cases,
    Case(CaseRef),
    /// A document of a case, of `kind` (listing it, downloading it).
    Document {
        case: CaseRef,
        kind: crate::case::DocumentKind,
    },
    /// A case's technical opinions (R23).
    Opinion {
        case: CaseRef,
        caller_is_author: bool,
    },
    /// The applications for judicial confirmation as a whole (a court's inbox, a mediation
    /// organisation's outbox).
    Applications,
    /// One application for judicial confirmation, addressed to `court_id`.
    Application {
        case: CaseRef,
        court_id: OrganizationId,
    },
    /// The investigator pool as a whole (listing, adding profiles).
    Investigators,
    /// One investigator's profile.
    Investigator(AccountId),
    /// The caller's own declared conflicts (investigators).
    OwnConflicts,
    /// The official working-day calendar.
    Calendar,
    /// Cross-city referrals as a whole (sending one, listing).
    Referrals,
    /// One referral, with the facts about the caller the policy needs.
    Referral(ReferralRef),
    /// The federation's administration: partner nodes, cooperation agreements, the outbox.
    Federation,
    /// The audit trail: auditors read it; nobody writes it through the API.
    AuditTrail,
}

/// A referral as the policy sees it. Partner nodes never reach the policy: they speak only
/// the federation protocol, which exposes nothing but the referrals addressed to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralRef {
    /// Sent to this node by a partner (else sent from this node).
    pub incoming: bool,
    /// The caller is a liaison officer named on the referral's agreement.
    pub caller_is_agreement_liaison: bool,
    /// The caller sent it.
    pub sent_by_caller: bool,
    /// The organisation handling the local case linked to it, if any.
    pub case_organization_id: Option<OrganizationId>,
}

/// Which cases a principal may see, as a filter lists can apply in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseScope {
    /// None at all.
    Nothing,
    /// Those handled by this organisation.
    HandledBy(OrganizationId),
    /// Those this court referred, or was asked to confirm.
    Court(OrganizationId),
    /// Those this investigator holds an assignment on (not ended).
    AssignedTo(AccountId),
}

impl CaseScope {
    /// Whether the case is in scope.
    pub fn covers(self, case: &CaseRef) -> bool {
        match self {
            Self::Nothing => false,
            Self::HandledBy(org) => org == case.organization_id,
            Self::Court(court) => case.referring_court_id == Some(court) || case.applied_to_caller,
            Self::AssignedTo(_) => case.assigned_to_caller,
        }
    }
}

/// The cases `principal` may see: mediators and auditors those of their organisation, court
/// users those their court referred or was asked to confirm, investigators those they are assigned to; administrators
/// none (they read no case contents), liaison officers none (they see referrals, not cases).
pub fn case_scope(principal: &Principal) -> CaseScope {
    match principal.role {
        Role::Mediator | Role::Auditor => CaseScope::HandledBy(principal.organization_id),
        Role::Court => CaseScope::Court(principal.organization_id),
        Role::Investigator => CaseScope::AssignedTo(principal.account_id),
        Role::Admin | Role::Liaison => CaseScope::Nothing,
    }
}

/// Which referrals a principal may see, as a filter lists can apply in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralScope {
    /// None at all.
    Nothing,
    /// A liaison officer: those under the agreements naming them, and those they sent.
    Liaison(AccountId),
    /// A mediator: those they sent, and those concerning their organisation's cases.
    Mediator {
        account: AccountId,
        organization: OrganizationId,
    },
}

impl ReferralScope {
    /// Whether the referral is in scope.
    pub fn covers(self, referral: &ReferralRef) -> bool {
        match self {
            Self::Nothing => false,
            Self::Liaison(_) => referral.caller_is_agreement_liaison || referral.sent_by_caller,
            Self::Mediator { organization, .. } => {
                referral.sent_by_caller || referral.case_organization_id == Some(organization)
            }
        }
    }
}

/// The referrals `principal` may see: liaison officers those under the agreements naming them
/// and those they sent, mediators those they sent and those about their organisation's cases;
/// every other role none (administrators included: they see no referral contents).
pub fn referral_scope(principal: &Principal) -> ReferralScope {
    match principal.role {
        Role::Liaison => ReferralScope::Liaison(principal.account_id),
        Role::Mediator => ReferralScope::Mediator {
            account: principal.account_id,
            organization: principal.organization_id,
        },
        Role::Admin | Role::Auditor | Role::Court | Role::Investigator => ReferralScope::Nothing,
    }
}

/// The policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// The caller may see the resource but not do this (HTTP 403).
    Forbidden,
    /// The caller may not know the resource exists (HTTP 404, exactly like a missing one).
    NotFound,
}

/// What each role may do to a case it can see.
fn case_action_allowed(role: Role, action: Action) -> bool {
    use Action as A;
    match role {
        Role::Mediator => matches!(
            action,
            A::Read
                | A::ReadPersonalData
                | A::Update
                | A::ReadAgreement
                | A::ReadTimeline
                | A::AssignInvestigator
        ),
        Role::Court => matches!(
            action,
            A::Read
                | A::ReadPersonalData
                | A::ReadAgreement
                | A::ReadTimeline
                | A::AssignInvestigator
        ),
        // Statistics and supervision: the case without personal data or settlement terms.
        Role::Auditor => matches!(action, A::Read | A::ReadTimeline),
        // What the work needs: the case without personal data, and writing the opinion.
        Role::Investigator => matches!(action, A::Read | A::WriteOpinion),
        Role::Admin | Role::Liaison => false,
    }
}

/// Decides whether `principal` may do `action` to `resource`.
///
/// Account, organisation and pool administration is the admin's alone; every other role is
/// refused it (the admin area is no secret, so the answer is `Forbidden`, never `NotFound`, and
/// it does not depend on whether the target exists). Anyone may read their own account and
/// change their own password. A case outside the caller's scope, and an opinion the caller may
/// not read, are `NotFound`.
pub fn authorize(principal: &Principal, action: Action, resource: &Resource) -> Decision {
    use Action as A;
    use Resource as R;
    let admin = principal.role == Role::Admin;
    let allowed = match (resource, action) {
        (R::Organizations | R::Accounts | R::Investigators, A::List | A::Create) => admin,
        (R::Organization(_), A::Read | A::Disable | A::Enable | A::Update) => admin,
        (R::Account(_), A::Read | A::Disable | A::Enable | A::ResetPassword) => admin,
        (R::Investigator(id), A::Read) => admin || *id == principal.account_id,
        (R::Investigator(_), A::Update) => admin,
        (R::OwnConflicts, A::Read | A::Update) => principal.role == Role::Investigator,
        (R::Caller, A::Read | A::ChangePassword) => true,
        // Mediators open mediation cases, court users refer court cases (which tracks each may
        // open is an intake rule); everyone with a scope may list.
        (R::Cases, A::Create) => matches!(principal.role, Role::Mediator | Role::Court),
        (R::Cases, A::List) => case_scope(principal) != CaseScope::Nothing,
        (R::Case(case), action) => {
            if !case_scope(principal).covers(case) {
                return Decision::NotFound;
            }
            case_action_allowed(principal.role, action)
        }
        // Who reads which file of a case they can see: those handling or deciding it, all of
        // them; investigators what the technical work needs (no identity documents, no
        // agreement scans); auditors none, since every party document carries personal data or
        // the settlement terms their view of the case masks.
        (R::Document { case, kind }, action) => {
            use crate::case::DocumentKind as K;
            if !case_scope(principal).covers(case) {
                return Decision::NotFound;
            }
            let readable = match principal.role {
                Role::Mediator | Role::Court => true,
                Role::Investigator => matches!(kind, K::Evidence | K::Technical),
                _ => false,
            };
            if !readable {
                return Decision::NotFound;
            }
            action == A::Read
        }
        // R23: the opinion is for the mediator or court of the case, and its author.
        (
            R::Opinion {
                case,
                caller_is_author,
            },
            action,
        ) => {
            let reader = match principal.role {
                Role::Mediator => case.organization_id == principal.organization_id,
                Role::Court => case_scope(principal).covers(case),
                Role::Investigator => *caller_is_author,
                _ => false,
            };
            if !reader {
                return Decision::NotFound;
            }
            action == A::Read
        }
        (R::Applications, A::List) => {
            matches!(principal.role, Role::Court | Role::Mediator | Role::Auditor)
        }
        // The addressed court reads and decides; the handling organisation's mediators read
        // and withdraw on the parties' behalf, its auditors read. Other courts: not found.
        (R::Application { case, court_id }, action) => {
            let own_org = principal.organization_id;
            match principal.role {
                Role::Court if *court_id == own_org => matches!(action, A::Read | A::Decide),
                Role::Mediator if case.organization_id == own_org => {
                    matches!(action, A::Read | A::Update)
                }
                Role::Auditor if case.organization_id == own_org => action == A::Read,
                _ => return Decision::NotFound,
            }
        }
        (R::Calendar, A::Read) => true,
        (R::Calendar, A::Administer) => admin,
        (R::Referrals, A::Create | A::List) => {
            matches!(principal.role, Role::Liaison | Role::Mediator)
        }
        // Liaison officers named on the agreement read and answer; mediators read what they
        // sent or what concerns their organisation's case, and may supply information on an
        // outgoing referral. Everyone else — administrators included — does not see it.
        (R::Referral(referral), action) => {
            if !referral_scope(principal).covers(referral) {
                return Decision::NotFound;
            }
            match action {
                A::Read => true,
                A::Update => principal.role == Role::Liaison || !referral.incoming,
                _ => false,
            }
        }
        (R::Federation, A::List | A::Create | A::Read | A::Update | A::Administer) => admin,
        // Separation of duties: administrators act, auditors review what everybody did.
        (R::AuditTrail, A::List) => principal.role == Role::Auditor,
        _ => false,
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}
