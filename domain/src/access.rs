//! The access policy: one pure function decides what a principal may do to a resource.
//!
//! Every handler calls [`authorize`]. The answer distinguishes a resource the caller may not even
//! know exists ([`Decision::NotFound`], rendered exactly like a missing one) from a visible resource
//! on which the action is forbidden ([`Decision::Forbidden`]). Anything not explicitly allowed is
//! forbidden.
use crate::account::Role;
use crate::{AccountId, OrganizationId};

/// Who is asking: an authenticated, active account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub account_id: AccountId,
    pub role: Role,
    pub organization_id: OrganizationId,
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
    /// Change a case: its lifecycle, agreement, assignments, documents.
    Update,
    /// See parties' identity numbers, phones and addresses (without it they are masked).
    ReadPersonalData,
    /// Maintain reference data such as the holiday calendar.
    Administer,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Self::List,
        Self::Create,
        Self::Read,
        Self::Disable,
        Self::Enable,
        Self::ResetPassword,
        Self::ChangePassword,
        Self::Update,
        Self::ReadPersonalData,
        Self::Administer,
    ];
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
    /// One case, described by who handles it and which court referred it.
    Case {
        organization_id: OrganizationId,
        referring_court_id: Option<OrganizationId>,
    },
    /// The official working-day calendar.
    Calendar,
}

/// Which cases a principal may see, as a filter lists can apply in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseScope {
    /// None at all.
    Nothing,
    /// Those handled by this organisation.
    HandledBy(OrganizationId),
    /// Those referred by this court.
    ReferredBy(OrganizationId),
}

impl CaseScope {
    /// Whether a case handled by `organization_id` and referred by `referring_court_id` is in scope.
    pub fn covers(
        self,
        organization_id: OrganizationId,
        referring_court_id: Option<OrganizationId>,
    ) -> bool {
        match self {
            Self::Nothing => false,
            Self::HandledBy(org) => org == organization_id,
            Self::ReferredBy(court) => referring_court_id == Some(court),
        }
    }
}

/// The cases `principal` may see: mediators and auditors those of their organisation, court
/// users those their court referred; administrators none (they read no case contents), and
/// investigators and liaison officers none yet (their access comes with assignments and
/// referrals).
pub fn case_scope(principal: &Principal) -> CaseScope {
    match principal.role {
        Role::Mediator | Role::Auditor => CaseScope::HandledBy(principal.organization_id),
        Role::Court => CaseScope::ReferredBy(principal.organization_id),
        Role::Admin | Role::Investigator | Role::Liaison => CaseScope::Nothing,
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

/// Decides whether `principal` may do `action` to `resource`.
///
/// Account and organisation administration is the admin's alone; every other role is refused it
/// (the admin area is no secret, so the answer is `Forbidden`, never `NotFound`, and it does not
/// depend on whether the target exists). Anyone may read their own account and change their
/// own password.
pub fn authorize(principal: &Principal, action: Action, resource: &Resource) -> Decision {
    use Action as A;
    use Resource as R;
    let admin = principal.role == Role::Admin;
    let allowed = match (resource, action) {
        (R::Organizations | R::Accounts, A::List | A::Create) => admin,
        (R::Organization(_), A::Read | A::Disable | A::Enable | A::Update) => admin,
        (R::Account(_), A::Read | A::Disable | A::Enable | A::ResetPassword) => admin,
        (R::Caller, A::Read | A::ChangePassword) => true,
        // Mediators open mediation cases, court users refer court cases (which tracks each may
        // open is an intake rule); everyone with a scope may list.
        (R::Cases, A::Create) => matches!(principal.role, Role::Mediator | Role::Court),
        (R::Cases, A::List) => case_scope(principal) != CaseScope::Nothing,
        (
            R::Case {
                organization_id,
                referring_court_id,
            },
            action,
        ) => {
            if !case_scope(principal).covers(*organization_id, *referring_court_id) {
                return Decision::NotFound;
            }
            match principal.role {
                Role::Mediator => matches!(action, A::Read | A::ReadPersonalData | A::Update),
                Role::Court => matches!(action, A::Read | A::ReadPersonalData),
                Role::Auditor => action == A::Read,
                _ => false,
            }
        }
        (R::Calendar, A::Read) => true,
        (R::Calendar, A::Administer) => admin,
        _ => false,
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn principal(role: Role) -> Principal {
        Principal {
            account_id: Uuid::from_u128(1).into(),
            role,
            organization_id: Uuid::from_u128(2).into(),
        }
    }

    fn any_role() -> impl Strategy<Value = Role> {
        prop::sample::select(Role::ALL.to_vec())
    }

    fn any_action() -> impl Strategy<Value = Action> {
        prop::sample::select(Action::ALL.to_vec())
    }

    fn admin_resource() -> impl Strategy<Value = Resource> {
        // The account and organisation administration (cases and the calendar have their own tests).
        (any::<u128>(), 0..4u8).prop_map(|(id, which)| match which {
            0 => Resource::Organizations,
            1 => Resource::Accounts,
            2 => Resource::Organization(Uuid::from_u128(id).into()),
            _ => Resource::Account(Uuid::from_u128(id).into()),
        })
    }

    proptest! {
        #[test]
        fn no_role_but_admin_may_do_anything_in_the_admin_area(
            role in any_role(), action in any_action(), resource in admin_resource()
        ) {
            prop_assume!(role != Role::Admin);
            prop_assert_eq!(authorize(&principal(role), action, &resource), Decision::Forbidden);
        }

        #[test]
        fn the_admin_area_never_answers_not_found(
            role in any_role(), action in any_action(), resource in admin_resource()
        ) {
            prop_assert_ne!(authorize(&principal(role), action, &resource), Decision::NotFound);
        }

        #[test]
        fn everyone_may_read_themselves_and_change_their_password_but_nothing_else(
            role in any_role(), action in any_action()
        ) {
            let expected = if matches!(action, Action::Read | Action::ChangePassword) {
                Decision::Allow
            } else {
                Decision::Forbidden
            };
            prop_assert_eq!(authorize(&principal(role), action, &Resource::Caller), expected);
        }
    }

    fn any_case() -> impl Strategy<Value = (OrganizationId, Option<OrganizationId>)> {
        (0u128..4, prop::option::of(0u128..4)).prop_map(|(org, court)| {
            (
                Uuid::from_u128(org).into(),
                court.map(|c| Uuid::from_u128(c).into()),
            )
        })
    }

    fn any_principal() -> impl Strategy<Value = Principal> {
        (any_role(), 0u128..4).prop_map(|(role, org)| Principal {
            account_id: Uuid::from_u128(100).into(),
            role,
            organization_id: Uuid::from_u128(org).into(),
        })
    }

    proptest! {
        #[test]
        fn a_case_outside_the_callers_scope_is_not_found_whatever_the_action(
            principal in any_principal(), (org, court) in any_case(), action in any_action()
        ) {
            let case = Resource::Case { organization_id: org, referring_court_id: court };
            let decision = authorize(&principal, action, &case);
            prop_assert_eq!(
                decision == Decision::NotFound,
                !case_scope(&principal).covers(org, court),
                "NotFound exactly when out of scope"
            );
        }

        #[test]
        fn admins_never_see_a_case(principal in any_principal(), (org, court) in any_case(), action in any_action()) {
            let admin = Principal { role: Role::Admin, ..principal };
            let case = Resource::Case { organization_id: org, referring_court_id: court };
            prop_assert_eq!(authorize(&admin, action, &case), Decision::NotFound);
        }

        #[test]
        fn only_mediators_of_the_handling_organisation_change_a_case(
            principal in any_principal(), (org, court) in any_case()
        ) {
            let case = Resource::Case { organization_id: org, referring_court_id: court };
            let may = authorize(&principal, Action::Update, &case) == Decision::Allow;
            prop_assert_eq!(may, principal.role == Role::Mediator && principal.organization_id == org);
        }

        #[test]
        fn auditors_read_their_organisations_cases_without_personal_data(
            principal in any_principal(), (org, court) in any_case()
        ) {
            let auditor = Principal { role: Role::Auditor, ..principal };
            let case = Resource::Case { organization_id: org, referring_court_id: court };
            if auditor.organization_id == org {
                prop_assert_eq!(authorize(&auditor, Action::Read, &case), Decision::Allow);
                prop_assert_eq!(authorize(&auditor, Action::ReadPersonalData, &case), Decision::Forbidden);
            }
        }
    }

    #[test]
    fn admins_administer_exactly_the_meaningful_actions() {
        let admin = principal(Role::Admin);
        let id = Uuid::from_u128(9);
        let allowed = |resource: Resource| -> Vec<Action> {
            Action::ALL
                .into_iter()
                .filter(|a| authorize(&admin, *a, &resource) == Decision::Allow)
                .collect()
        };
        use Action::*;
        assert_eq!(allowed(Resource::Organizations), [List, Create]);
        assert_eq!(allowed(Resource::Accounts), [List, Create]);
        assert_eq!(
            allowed(Resource::Organization(id.into())),
            [Read, Disable, Enable, Update]
        );
        assert!(
            allowed(Resource::Cases).is_empty(),
            "admins open and list no cases"
        );
        assert_eq!(allowed(Resource::Calendar), [Read, Administer]);
        assert_eq!(
            allowed(Resource::Account(id.into())),
            [Read, Disable, Enable, ResetPassword]
        );
    }
}
