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
}

impl Action {
    pub const ALL: [Action; 7] = [
        Self::List,
        Self::Create,
        Self::Read,
        Self::Disable,
        Self::Enable,
        Self::ResetPassword,
        Self::ChangePassword,
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
        (R::Organization(_), A::Read | A::Disable | A::Enable) => admin,
        (R::Account(_), A::Read | A::Disable | A::Enable | A::ResetPassword) => admin,
        (R::Caller, A::Read | A::ChangePassword) => true,
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
            [Read, Disable, Enable]
        );
        assert_eq!(
            allowed(Resource::Account(id.into())),
            [Read, Disable, Enable, ResetPassword]
        );
    }
}
