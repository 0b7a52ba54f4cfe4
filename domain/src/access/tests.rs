//! The access policy, exhaustively and by property.
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
    (any::<u128>(), 0..5u8).prop_map(|(id, which)| match which {
        0 => Resource::Organizations,
        1 => Resource::Accounts,
        2 => Resource::Organization(Uuid::from_u128(id).into()),
        3 => Resource::Investigators,
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

fn any_case() -> impl Strategy<Value = CaseRef> {
    (
        0u128..4,
        prop::option::of(0u128..4),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(org, court, assigned, applied)| CaseRef {
            organization_id: Uuid::from_u128(org).into(),
            referring_court_id: court.map(|c| Uuid::from_u128(c).into()),
            assigned_to_caller: assigned,
            applied_to_caller: applied,
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
        principal in any_principal(), case in any_case(), action in any_action()
    ) {
        let decision = authorize(&principal, action, &Resource::Case(case));
        prop_assert_eq!(
            decision == Decision::NotFound,
            !case_scope(&principal).covers(&case),
            "NotFound exactly when out of scope"
        );
    }

    #[test]
    fn admins_never_see_a_case_or_an_opinion(principal in any_principal(), case in any_case(), action in any_action()) {
        let admin = Principal { role: Role::Admin, ..principal };
        prop_assert_eq!(authorize(&admin, action, &Resource::Case(case)), Decision::NotFound);
        let opinion = Resource::Opinion { case, caller_is_author: false };
        prop_assert_eq!(authorize(&admin, action, &opinion), Decision::NotFound);
    }

    #[test]
    fn only_mediators_of_the_handling_organisation_change_a_case(principal in any_principal(), case in any_case()) {
        let may = authorize(&principal, Action::Update, &Resource::Case(case)) == Decision::Allow;
        prop_assert_eq!(may, principal.role == Role::Mediator && principal.organization_id == case.organization_id);
    }

    #[test]
    fn auditors_and_investigators_never_see_personal_data_or_the_agreement(
        principal in any_principal(), case in any_case(), role in prop::sample::select(vec![Role::Auditor, Role::Investigator])
    ) {
        let reader = Principal { role, ..principal };
        for action in [Action::ReadPersonalData, Action::ReadAgreement] {
            prop_assert_ne!(authorize(&reader, action, &Resource::Case(case)), Decision::Allow);
        }
    }

    #[test]
    fn investigators_see_exactly_the_cases_they_are_assigned_to(principal in any_principal(), case in any_case()) {
        let investigator = Principal { role: Role::Investigator, ..principal };
        let read = authorize(&investigator, Action::Read, &Resource::Case(case));
        prop_assert_eq!(read == Decision::Allow, case.assigned_to_caller);
        prop_assert_ne!(authorize(&investigator, Action::ReadTimeline, &Resource::Case(case)), Decision::Allow);
    }

    #[test]
    fn an_opinion_is_read_by_the_cases_mediator_or_court_and_its_author_only_r23(
        principal in any_principal(), case in any_case(), author in any::<bool>()
    ) {
        let opinion = Resource::Opinion { case, caller_is_author: author };
        let expected = match principal.role {
            Role::Mediator => principal.organization_id == case.organization_id,
            Role::Court => {
                case.referring_court_id == Some(principal.organization_id) || case.applied_to_caller
            }
            Role::Investigator => author,
            _ => false,
        };
        let decision = authorize(&principal, Action::Read, &opinion);
        prop_assert_eq!(decision == Decision::Allow, expected);
        prop_assert!(decision != Decision::Forbidden, "an unreadable opinion is invisible, not forbidden");
    }
}

proptest! {
    #[test]
    fn an_application_is_decided_by_its_court_alone_and_other_courts_do_not_see_it(
        principal in any_principal(), case in any_case(), court in 0u128..4, action in any_action()
    ) {
        let court_id = Uuid::from_u128(court).into();
        let decision = authorize(&principal, action, &Resource::Application { case, court_id });
        let own = principal.organization_id;
        let sees = match principal.role {
            Role::Court => court_id == own,
            Role::Mediator | Role::Auditor => case.organization_id == own,
            _ => false,
        };
        prop_assert_eq!(decision != Decision::NotFound, sees);
        let allowed = decision == Decision::Allow;
        match action {
            Action::Decide => prop_assert_eq!(allowed, principal.role == Role::Court && court_id == own),
            Action::Update => prop_assert_eq!(
                allowed,
                principal.role == Role::Mediator && case.organization_id == own
            ),
            Action::Read => prop_assert_eq!(allowed, sees),
            _ => prop_assert!(!allowed),
        }
    }

    #[test]
    fn a_court_sees_the_cases_it_referred_or_was_asked_to_confirm(principal in any_principal(), case in any_case()) {
        let court = Principal { role: Role::Court, ..principal };
        let read = authorize(&court, Action::Read, &Resource::Case(case)) == Decision::Allow;
        prop_assert_eq!(
            read,
            case.referring_court_id == Some(court.organization_id) || case.applied_to_caller
        );
        prop_assert_ne!(authorize(&court, Action::Update, &Resource::Case(case)), Decision::Allow);
    }
}

#[test]
fn investigators_keep_their_own_conflicts_and_read_their_own_profile() {
    let me = principal(Role::Investigator);
    assert_eq!(
        authorize(&me, Action::Update, &Resource::OwnConflicts),
        Decision::Allow
    );
    assert_eq!(
        authorize(&me, Action::Read, &Resource::Investigator(me.account_id)),
        Decision::Allow
    );
    assert_eq!(
        authorize(&me, Action::Update, &Resource::Investigator(me.account_id)),
        Decision::Forbidden
    );
    let other = Uuid::from_u128(77).into();
    assert_eq!(
        authorize(&me, Action::Read, &Resource::Investigator(other)),
        Decision::Forbidden
    );
    assert_eq!(
        authorize(
            &principal(Role::Mediator),
            Action::Update,
            &Resource::OwnConflicts
        ),
        Decision::Forbidden
    );
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

fn any_referral() -> impl Strategy<Value = ReferralRef> {
    (any::<bool>(), any::<bool>(), any::<bool>(), 0..3u8).prop_map(
        |(incoming, listed, sent, case_org)| ReferralRef {
            incoming,
            caller_is_agreement_liaison: listed,
            sent_by_caller: sent,
            case_organization_id: match case_org {
                0 => None,
                1 => Some(Uuid::from_u128(2).into()),
                _ => Some(Uuid::from_u128(99).into()),
            },
        },
    )
}

proptest! {
    #[test]
    fn a_referral_is_seen_only_by_its_liaisons_its_sender_and_its_cases_mediators(
        role in any_role(), action in any_action(), referral in any_referral()
    ) {
        let caller = principal(role);
        let decision = authorize(&caller, action, &Resource::Referral(referral));
        let own_case = referral.case_organization_id == Some(caller.organization_id);
        let reader = match role {
            Role::Liaison => referral.caller_is_agreement_liaison || referral.sent_by_caller,
            Role::Mediator => referral.sent_by_caller || own_case,
            _ => false,
        };
        if !reader {
            prop_assert_eq!(decision, Decision::NotFound);
        } else {
            let may = match action {
                Action::Read => true,
                // Mediators never answer an incoming referral: that is the liaison's work.
                Action::Update => role == Role::Liaison || !referral.incoming,
                _ => false,
            };
            prop_assert_eq!(decision == Decision::Allow, may);
            prop_assert_ne!(decision, Decision::NotFound);
        }
    }

    #[test]
    fn a_referral_list_shows_exactly_the_referrals_the_caller_may_read(
        role in any_role(), referral in any_referral()
    ) {
        let caller = principal(role);
        let readable = authorize(&caller, Action::Read, &Resource::Referral(referral));
        prop_assert_eq!(
            referral_scope(&caller).covers(&referral),
            readable == Decision::Allow
        );
    }

    #[test]
    fn only_auditors_list_the_audit_trail_and_nobody_changes_it(role in any_role(), action in any_action()) {
        let decision = authorize(&principal(role), action, &Resource::AuditTrail);
        let may = role == Role::Auditor && action == Action::List;
        prop_assert_eq!(decision, if may { Decision::Allow } else { Decision::Forbidden });
    }

    #[test]
    fn only_admins_administer_the_federation(role in any_role(), action in any_action()) {
        let decision = authorize(&principal(role), action, &Resource::Federation);
        if role != Role::Admin {
            prop_assert_eq!(decision, Decision::Forbidden);
        }
    }
}

fn any_document_kind() -> impl Strategy<Value = crate::case::DocumentKind> {
    prop::sample::select(crate::case::DocumentKind::ALL.to_vec())
}

proptest! {
    #[test]
    fn case_documents_are_read_by_kind_and_never_by_auditors(
        principal in any_principal(), case in any_case(), kind in any_document_kind(), action in any_action()
    ) {
        use crate::case::DocumentKind as K;
        let decision = authorize(&principal, action, &Resource::Document { case, kind });
        let sees_case = case_scope(&principal).covers(&case);
        let by_kind = match principal.role {
            Role::Mediator | Role::Court => true,
            Role::Investigator => matches!(kind, K::Evidence | K::Technical),
            _ => false,
        };
        let expected = match (sees_case && by_kind, action) {
            (false, _) => Decision::NotFound,
            (true, Action::Read) => Decision::Allow,
            (true, _) => Decision::Forbidden,
        };
        prop_assert_eq!(decision, expected);
        // The two rules the exhaustive table above restates, spelt out.
        if principal.role == Role::Auditor {
            prop_assert_eq!(decision, Decision::NotFound);
        }
        if principal.role == Role::Investigator && matches!(kind, K::Identity | K::Agreement) {
            prop_assert_eq!(decision, Decision::NotFound);
        }
    }
}

#[test]
fn liaison_officers_and_mediators_list_referrals_by_their_own_scope_and_nobody_else_any() {
    for role in Role::ALL {
        let caller = principal(role);
        let expected = match role {
            Role::Liaison => ReferralScope::Liaison(caller.account_id),
            Role::Mediator => ReferralScope::Mediator {
                account: caller.account_id,
                organization: caller.organization_id,
            },
            _ => ReferralScope::Nothing,
        };
        assert_eq!(referral_scope(&caller), expected, "{role:?}");
    }
    let listed = ReferralRef {
        incoming: true,
        caller_is_agreement_liaison: true,
        sent_by_caller: false,
        case_organization_id: None,
    };
    let own_case = ReferralRef {
        caller_is_agreement_liaison: false,
        case_organization_id: Some(principal(Role::Mediator).organization_id),
        ..listed
    };
    let liaison = referral_scope(&principal(Role::Liaison));
    let mediator = referral_scope(&principal(Role::Mediator));
    assert!(liaison.covers(&listed) && !liaison.covers(&own_case));
    assert!(mediator.covers(&own_case) && !mediator.covers(&listed));
    assert!(!ReferralScope::Nothing.covers(&listed));
}
