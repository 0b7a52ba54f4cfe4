//! The event kinds and records.
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::*;
use crate::account::Role;
use crate::case::CaseStatus;
use crate::case::confirmation::ApplicationActionKind;
use crate::case::lifecycle::ActionKind;
use crate::case::stored::{Actor, CaseEvent};
use crate::referral::StepKind;
use crate::{AccountId, ApplicationId, CaseId};

#[test]
fn every_case_and_application_action_is_an_event_of_the_same_name() {
    for action in ActionKind::ALL {
        assert_eq!(EventKind::from(*action).as_str(), action.as_str());
    }
    for action in ApplicationActionKind::ALL {
        assert_eq!(EventKind::from(*action).as_str(), action.as_str());
    }
}

#[test]
fn names_are_unique_and_parse_back() {
    let mut names: Vec<_> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), EventKind::ALL.len());
    for kind in EventKind::ALL {
        assert_eq!(EventKind::parse(kind.as_str()), Some(*kind));
    }
    assert_eq!(EventKind::parse("accept"), None);
}

#[test]
fn every_referral_step_is_an_event_about_the_referral() {
    let mut kinds: Vec<_> = StepKind::ALL.iter().map(|s| EventKind::from(*s)).collect();
    for kind in &kinds {
        assert_eq!(kind.subject_kind(), SubjectKind::Referral, "{kind}");
    }
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds.len(), StepKind::ALL.len());
}

#[test]
fn an_event_refuses_a_subject_its_kind_is_not_about() {
    let at = DateTime::<Utc>::UNIX_EPOCH;
    let case = CaseId::from(Uuid::nil());
    let err = DomainEvent::new(
        EventKind::CreateAccount,
        Subject::Case(case),
        By::Platform,
        at,
    )
    .unwrap_err();
    assert_eq!(err.expected, SubjectKind::Account);
    assert_eq!(err.got, SubjectKind::Case);
    assert!(DomainEvent::new(EventKind::SettleCase, Subject::Case(case), By::Platform, at).is_ok());
    // An application's event needs its application, not just the case.
    assert!(
        DomainEvent::new(
            EventKind::ConfirmAgreement,
            Subject::Case(case),
            By::Platform,
            at
        )
        .is_err()
    );
}

#[test]
fn case_and_application_events_are_on_the_case_timeline_and_partner_steps_are_not() {
    let at = DateTime::<Utc>::UNIX_EPOCH;
    let case = CaseId::from(Uuid::now_v7());
    let application = ApplicationId::from(Uuid::now_v7());
    let by = By::Account {
        id: AccountId::from(Uuid::now_v7()),
        role: Role::Court,
    };
    let confirmed = DomainEvent::new(
        EventKind::ConfirmAgreement,
        Subject::Application {
            id: application,
            case,
        },
        by.clone(),
        at,
    )
    .unwrap()
    .with_detail("(2026)辽02民特1号");
    let (on, entry) = confirmed.timeline_entry().unwrap();
    assert_eq!(on, case);
    assert_eq!(entry.action, EventKind::ConfirmAgreement);
    assert_eq!(entry.detail.as_deref(), Some("(2026)辽02民特1号"));

    let referral = DomainEvent::new(
        EventKind::AcknowledgeReferral,
        Subject::Referral(Uuid::now_v7()),
        By::Partner {
            node: "weihai".into(),
            role: "liaison".into(),
        },
        at,
    )
    .unwrap();
    assert_eq!(referral.timeline_entry(), None);
    let account = DomainEvent::new(
        EventKind::DisableAccount,
        Subject::Account(AccountId::from(Uuid::now_v7())),
        by,
        at,
    )
    .unwrap();
    assert_eq!(account.timeline_entry(), None);
}

#[test]
fn a_timeline_entry_round_trips_through_its_event() {
    let entry = CaseEvent {
        at: DateTime::<Utc>::UNIX_EPOCH,
        actor: Actor::Platform,
        action: EventKind::ReturnToCourt,
        from_status: Some(CaseStatus::InMediation),
        to_status: Some(CaseStatus::Closed),
        detail: Some("term ended".into()),
    };
    let case = CaseId::from(Uuid::now_v7());
    let event = DomainEvent::on_case(case, None, entry.clone()).unwrap();
    assert_eq!(event.by, By::Platform);
    assert_eq!(event.timeline_entry(), Some((case, entry)));
}
