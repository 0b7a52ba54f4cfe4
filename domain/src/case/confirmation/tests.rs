use chrono::NaiveDate;

use super::*;
use crate::calendar::Period;
use crate::case::lifecycle::Reason;
use crate::case::{CaseStatus, IpType, Track};
use crate::organization::{CourtLevel, Jurisdiction};

#[test]
fn a_refusal_without_a_ground_lists_every_r13_ground() {
    assert_eq!(
        RefusalGround::required(Some(RefusalGround::NotVoluntary)),
        Ok(RefusalGround::NotVoluntary)
    );
    let Err(missing) = RefusalGround::required(None) else {
        panic!("a refusal without a ground was accepted");
    };
    assert_eq!(missing.code, "required");
    let listed = missing
        .message
        .strip_prefix("R13: a refusal names its ground (")
        .and_then(|m| m.strip_suffix(')'))
        .unwrap();
    let listed: Vec<&str> = listed.split(", ").collect();
    let every: Vec<&str> = [
        RefusalGround::ViolatesMandatoryLaw,
        RefusalGround::HarmsStateInterest,
        RefusalGround::HarmsPublicInterest,
        RefusalGround::HarmsThirdPartyInterest,
        RefusalGround::OffendsPublicOrder,
        RefusalGround::NotVoluntary,
        RefusalGround::UnclearContent,
    ]
    .into_iter()
    .map(|g| {
        // A new ground fails to compile here until it is listed above.
        match g {
            RefusalGround::ViolatesMandatoryLaw
            | RefusalGround::HarmsStateInterest
            | RefusalGround::HarmsPublicInterest
            | RefusalGround::HarmsThirdPartyInterest
            | RefusalGround::OffendsPublicOrder
            | RefusalGround::NotVoluntary
            | RefusalGround::UnclearContent => g.as_str(),
        }
    })
    .collect();
    assert_eq!(listed, every);
    assert_eq!(listed.len(), RefusalGround::ALL.len());
}
use uuid::Uuid;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn court(level: CourtLevel, areas: &[&str], ip_types: &[IpType]) -> CourtFacts {
    CourtFacts {
        id: Uuid::now_v7().into(),
        level,
        active: true,
        jurisdiction: Some(Jurisdiction {
            areas: areas.iter().map(|a| (*a).to_owned()).collect(),
            divisions: vec![],
            ip_types: ip_types.to_vec(),
        }),
    }
}

fn places(track: Track, ip_type: IpType) -> ConfirmationPlaces<'static> {
    ConfirmationPlaces {
        track,
        ip_type,
        referring_court_id: None,
        party_addresses: vec!["辽宁省大连市甘井子区软件园路1号", "山东省威海市环翠区"],
        subject_location: "大连",
        mediation_body_city: "大连",
        mediation_body_division: None,
    }
}

#[test]
fn the_basic_court_where_the_body_sits_is_found_by_division_code_r9() {
    // A committee of the city of Dalian (210200); a basic court of its Zhongshan district
    // (210202), whose jurisdiction names no place a party's address or the city contains.
    let mut zhongshan = court(CourtLevel::Basic, &["中山区"], &[IpType::Trademark]);
    let mut shenyang = court(CourtLevel::Basic, &["和平区"], &[IpType::Trademark]);
    for (c, code) in [(&mut zhongshan, "210202"), (&mut shenyang, "210102")] {
        if let Some(j) = c.jurisdiction.as_mut() {
            j.divisions = vec![crate::division::DivisionCode::parse(code).unwrap()];
        }
    }
    let dalian = crate::division::DivisionCode::parse("210200").unwrap();
    let mut case = places(Track::People, IpType::Trademark);
    case.party_addresses = vec![];
    let courts = [zhongshan.clone(), shenyang];
    assert_eq!(
        eligible_courts(&case, &courts),
        [],
        "by name alone: nowhere"
    );
    case.mediation_body_division = Some(&dalian);
    assert_eq!(
        eligible_courts(&case, &courts),
        [EligibleCourt {
            court_id: zhongshan.id,
            grounds: vec![EligibilityGround::MediationBodyLocation]
        }]
    );
    case.track = Track::AdminTrademark;
    assert_eq!(
        eligible_courts(&case, &courts)[0].grounds,
        [EligibilityGround::AuthorityLocation]
    );
}

#[test]
fn basic_courts_of_a_party_the_subject_or_the_mediation_body_are_eligible() {
    let ganjingzi = court(CourtLevel::Basic, &["甘井子区"], &[IpType::Trademark]);
    let huancui = court(CourtLevel::Basic, &["环翠区"], &[IpType::Trademark]);
    let dalian_mid = court(CourtLevel::Intermediate, &["大连"], &[IpType::Trademark]);
    let no_trademarks = court(CourtLevel::Basic, &["大连"], &[IpType::Copyright]);
    let elsewhere = court(CourtLevel::Basic, &["西宁"], &[IpType::Trademark]);
    let courts = [
        ganjingzi.clone(),
        huancui.clone(),
        dalian_mid,
        no_trademarks,
        elsewhere,
    ];
    let found = eligible_courts(&places(Track::People, IpType::Trademark), &courts);
    assert_eq!(
        found,
        [
            EligibleCourt {
                court_id: ganjingzi.id,
                grounds: vec![EligibilityGround::PartyDomicile]
            },
            EligibleCourt {
                court_id: huancui.id,
                grounds: vec![EligibilityGround::PartyDomicile]
            },
        ]
    );
}

#[test]
fn invention_patents_belong_to_intermediate_and_ip_courts() {
    let basic = court(CourtLevel::Basic, &["大连"], &[IpType::InventionPatent]);
    let mid = court(
        CourtLevel::Intermediate,
        &["大连"],
        &[IpType::InventionPatent],
    );
    let found = eligible_courts(
        &places(Track::People, IpType::InventionPatent),
        &[basic, mid.clone()],
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].court_id, mid.id);
    assert_eq!(
        found[0].grounds,
        [
            EligibilityGround::PartyDomicile,
            EligibilityGround::SubjectLocation,
            EligibilityGround::MediationBodyLocation
        ]
    );
}

#[test]
fn administrative_mediation_goes_to_the_court_where_the_authority_sits() {
    let mid = court(
        CourtLevel::Intermediate,
        &["大连"],
        &[IpType::InventionPatent],
    );
    let weihai = court(
        CourtLevel::Intermediate,
        &["威海"],
        &[IpType::InventionPatent],
    );
    let found = eligible_courts(
        &places(Track::AdminPatent, IpType::InventionPatent),
        &[mid.clone(), weihai],
    );
    assert_eq!(
        found,
        [EligibleCourt {
            court_id: mid.id,
            grounds: vec![EligibilityGround::AuthorityLocation]
        }]
    );
}

#[test]
fn a_referred_case_goes_back_to_its_court_alone_and_disabled_courts_never_count() {
    let referrer = court(CourtLevel::Basic, &[], &[]);
    let other = court(CourtLevel::Basic, &["大连"], &[IpType::Trademark]);
    let mut case = places(Track::CourtDelegated, IpType::Trademark);
    case.referring_court_id = Some(referrer.id);
    let found = eligible_courts(&case, &[referrer.clone(), other]);
    assert_eq!(
        found,
        [EligibleCourt {
            court_id: referrer.id,
            grounds: vec![EligibilityGround::ReferringCourt]
        }]
    );
    let disabled = CourtFacts {
        active: false,
        ..referrer
    };
    assert!(eligible_courts(&case, &[disabled]).is_empty());
}

fn facts() -> ApplicationFacts {
    ApplicationFacts {
        status: CaseStatus::Settled,
        enforceable: false,
        agreement_effective: true,
        decides_ownership_or_validity: false,
        window_last_day: day(2026, 3, 2),
        today: day(2026, 3, 2),
        parties: vec![1, 2],
        consenting: vec![2, 1],
        court_eligible: true,
        pending_application: false,
    }
}

#[test]
fn an_application_on_the_last_day_is_accepted_and_the_next_day_refused() {
    assert_eq!(check_application(&facts()), Ok(()));
    let late = ApplicationFacts {
        today: day(2026, 3, 3),
        ..facts()
    };
    let refusal = check_application(&late).unwrap_err();
    assert_eq!(
        (refusal.code, refusal.rule),
        ("confirmation_window_closed", Some("R8"))
    );
}

#[test]
fn each_precondition_is_refused_with_its_rule() {
    let cases: [(ApplicationFacts, &str, Option<&str>); 6] = [
        (
            ApplicationFacts {
                status: CaseStatus::InMediation,
                ..facts()
            },
            "invalid_transition",
            Some("R8"),
        ),
        (
            ApplicationFacts {
                enforceable: true,
                ..facts()
            },
            "already_confirmed",
            None,
        ),
        (
            ApplicationFacts {
                decides_ownership_or_validity: true,
                ..facts()
            },
            "not_confirmable",
            Some("R12"),
        ),
        (
            ApplicationFacts {
                pending_application: true,
                ..facts()
            },
            "application_pending",
            None,
        ),
        (
            ApplicationFacts {
                court_eligible: false,
                ..facts()
            },
            "ineligible_court",
            Some("R9"),
        ),
        (
            ApplicationFacts {
                consenting: vec![1],
                ..facts()
            },
            "joint_application_required",
            Some("R8"),
        ),
    ];
    for (facts, code, rule) in cases {
        let refusal = check_application(&facts).unwrap_err();
        assert_eq!((refusal.code, refusal.rule), (code, rule), "{facts:?}");
    }
}

#[test]
fn consents_are_required_and_listed_once() {
    assert_eq!(parse_consents(&[2, 1]), Ok(vec![2, 1]));
    assert_eq!(parse_consents(&[]).unwrap_err().0[0].field, "consents");
    assert_eq!(
        parse_consents(&[1, 1]).unwrap_err().0[0].field,
        "consents[1]"
    );
}

fn state(status: ApplicationStatus) -> ApplicationState {
    ApplicationState {
        status,
        extended: false,
        accepted_on: Some(day(2026, 3, 4)),
    }
}

fn reason() -> Reason {
    Reason::parse("理由").unwrap()
}

#[test]
fn acceptance_opens_the_ruling_period_and_one_extension_makes_it_25_days() {
    let today = day(2026, 3, 4);
    let (to, d) = apply(
        &state(ApplicationStatus::Submitted),
        &ApplicationAction::Accept,
        today,
    )
    .unwrap();
    assert_eq!(to, ApplicationStatus::Accepted);
    assert_eq!(d.open, [(RULING, RULING_PERIOD, today)]);
    assert_eq!(d.meet, [ACCEPTANCE]);
    let extend = ApplicationAction::Extend {
        approved_by: Approver::parse("院长 张三").unwrap(),
        reason: reason(),
    };
    let (_, d) = apply(
        &state(ApplicationStatus::Accepted),
        &extend,
        day(2026, 3, 10),
    )
    .unwrap();
    assert_eq!(d.open, [(RULING, EXTENDED_RULING_PERIOD, today)]);
    let twice = ApplicationState {
        extended: true,
        ..state(ApplicationStatus::Accepted)
    };
    let refusal = apply(&twice, &extend, day(2026, 3, 10)).unwrap_err();
    assert_eq!(
        (refusal.code, refusal.rule),
        ("already_extended", Some("R10"))
    );
}

#[test]
fn a_ruling_is_dated_between_acceptance_and_today() {
    let confirm = |d| ApplicationAction::Confirm {
        ruling_number: RulingNumber::parse("（2026）辽0211民特1号").unwrap(),
        ruling_date: d,
    };
    let accepted = state(ApplicationStatus::Accepted);
    let today = day(2026, 3, 20);
    assert!(apply(&accepted, &confirm(day(2026, 3, 4)), today).is_ok());
    assert!(apply(&accepted, &confirm(today), today).is_ok());
    for bad in [day(2026, 3, 3), day(2026, 3, 21)] {
        assert_eq!(
            apply(&accepted, &confirm(bad), today).unwrap_err().code,
            "ruling_date_out_of_range"
        );
    }
}

#[test]
fn every_status_and_action_follows_the_diagram() {
    use ApplicationStatus as S;
    let actions = [
        ApplicationAction::Accept,
        ApplicationAction::RefuseAcceptance { reason: reason() },
        ApplicationAction::Extend {
            approved_by: Approver::parse("院长").unwrap(),
            reason: reason(),
        },
        ApplicationAction::Confirm {
            ruling_number: RulingNumber::parse("1").unwrap(),
            ruling_date: day(2026, 3, 4),
        },
        ApplicationAction::Refuse {
            ground: RefusalGround::UnclearContent,
            reason: None,
        },
        ApplicationAction::Withdraw { reason: reason() },
        ApplicationAction::Void,
    ];
    let expected = |from: S, kind: ApplicationActionKind| -> Option<S> {
        use ApplicationActionKind as K;
        match (from, kind) {
            (S::Submitted, K::Accept) => Some(S::Accepted),
            (S::Submitted, K::RefuseAcceptance) => Some(S::NotAccepted),
            (S::Accepted, K::Extend) => Some(S::Accepted),
            (S::Accepted, K::Confirm) => Some(S::Confirmed),
            (S::Accepted, K::Refuse) => Some(S::Refused),
            (S::Submitted | S::Accepted, K::Withdraw) => Some(S::Withdrawn),
            (S::Submitted | S::Accepted, K::Void) => Some(S::Voided),
            _ => None,
        }
    };
    for from in ApplicationStatus::ALL {
        for action in &actions {
            let got = apply(&state(*from), action, day(2026, 3, 5)).map(|(to, _)| to);
            match expected(*from, action.kind()) {
                Some(to) => assert_eq!(got, Ok(to), "{from} × {}", action.kind()),
                None => assert_eq!(
                    got.unwrap_err().code,
                    "invalid_transition",
                    "{from} × {}",
                    action.kind()
                ),
            }
        }
    }
}

#[test]
fn admin_tracks_have_three_working_days_to_accept() {
    assert_eq!(
        acceptance_period(Track::AdminTrademark),
        Period::WorkingDays(3)
    );
    assert_eq!(acceptance_period(Track::People), Period::CalendarDays(3));
}

#[test]
fn a_court_is_offered_only_the_decisions_the_review_allows_now() {
    use super::review::{ApplicationState, decisions};
    use ApplicationActionKind as K;
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let state = |status, extended| ApplicationState {
        status,
        extended,
        accepted_on: Some(today),
    };
    assert_eq!(
        decisions(&state(ApplicationStatus::Submitted, false), today),
        [K::Accept, K::RefuseAcceptance]
    );
    assert_eq!(
        decisions(&state(ApplicationStatus::Accepted, false), today),
        [K::Extend, K::Confirm, K::Refuse]
    );
    // R10: extended once, not twice.
    assert_eq!(
        decisions(&state(ApplicationStatus::Accepted, true), today),
        [K::Confirm, K::Refuse]
    );
    for done in [
        ApplicationStatus::Confirmed,
        ApplicationStatus::Refused,
        ApplicationStatus::Withdrawn,
    ] {
        assert_eq!(decisions(&state(done, false), today), []);
    }
}
