//! Who is told what (issue 16): one table from the events and the deadlines to the notices and
//! the people accountable for them, and when a deadline's notices fall due.
//!
//! The table names audiences, not accounts: the application layer resolves an audience to the
//! accounts it holds at the moment of the change, and drops anyone the access policy does not let
//! read the object the notice is about. A notice carries the case number, its kind, the due date
//! and a link; never a party's identity, contact data, an agreement's text or an opinion.
use chrono::{Days, NaiveDate};

use crate::calendar::Calendar;
use crate::case::deadlines::DeadlineRule;
use crate::event::{By, EventKind, SubjectKind};

named_enum! {
    /// What a notice says happened.
    pub enum NoticeKind {
        /// A deadline's lead time has come (by default 2 working days before it, and on its day).
        DeadlineApproaching = "deadline_approaching",
        /// A deadline's last day has passed with the deadline still open.
        DeadlineBreached = "deadline_breached",
        /// A mediator was assigned to a case.
        CaseAssigned = "case_assigned",
        /// A technical investigator was assigned to a case (R21).
        InvestigatorAssigned = "investigator_assigned",
        /// A party asked for an investigator's recusal (R24).
        RecusalRequested = "recusal_requested",
        /// The recusal request was decided (R24).
        RecusalDecided = "recusal_decided",
        /// A court received an application for judicial confirmation (R8, R10).
        ApplicationReceived = "application_received",
        /// The court decided on the application: accepted, refused, extended, ruled.
        ApplicationDecided = "application_decided",
        /// A court-referred case went back to its court at the end of its term (R15).
        CaseReturnedToCourt = "case_returned_to_court",
        /// A partner city's referral arrived here (R25).
        ReferralReceived = "referral_received",
        /// The receiving city acknowledged, accepted or declined a referral (R26, R28).
        ReferralAnswered = "referral_answered",
        /// The receiving city asked the sender for more information.
        ReferralInformationRequested = "referral_information_requested",
        /// The receiving city reported progress or the outcome of a referral (R28).
        ReferralOutcomeReported = "referral_outcome_reported",
    }
}

named_enum! {
    /// Whom a notice goes to, as the application layer resolves it at the time of the change.
    pub enum Audience {
        /// The mediators assigned to the case.
        CaseMediators = "case_mediators",
        /// The one account the event is about: the mediator or investigator just assigned.
        Concerned = "concerned",
        /// The investigators currently assigned to the case.
        CaseInvestigators = "case_investigators",
        /// The court's accounts: the court the application is addressed to, or for a case the
        /// court that referred it.
        Court = "court",
        /// The liaison officers of the referral's cooperation agreement on this node.
        LiaisonOfficers = "liaison_officers",
    }
}

named_enum! {
    /// How a notice reaches its recipient.
    pub enum Channel {
        InApp = "in_app",
        Email = "email",
        Webhook = "webhook",
    }
}

/// One row of the table: the notice an event raises and its audiences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventNotice {
    pub event: EventKind,
    pub notice: NoticeKind,
    pub audience: &'static [Audience],
}

use Audience as A;
use EventKind as E;
use NoticeKind as N;

/// What each event notifies, and to whom. Events not listed notify nobody.
pub const ON_EVENTS: &[EventNotice] = &[
    EventNotice {
        event: E::AssignMediator,
        notice: N::CaseAssigned,
        audience: &[A::Concerned],
    },
    EventNotice {
        event: E::AssignInvestigator,
        notice: N::InvestigatorAssigned,
        audience: &[A::Concerned, A::CaseMediators],
    },
    EventNotice {
        event: E::RequestRecusal,
        notice: N::RecusalRequested,
        audience: &[A::CaseMediators, A::CaseInvestigators],
    },
    EventNotice {
        event: E::DecideRecusal,
        notice: N::RecusalDecided,
        audience: &[A::CaseMediators, A::CaseInvestigators],
    },
    EventNotice {
        event: E::ApplyForConfirmation,
        notice: N::ApplicationReceived,
        audience: &[A::Court],
    },
    EventNotice {
        event: E::AcceptApplication,
        notice: N::ApplicationDecided,
        audience: &[A::CaseMediators],
    },
    EventNotice {
        event: E::RefuseAcceptance,
        notice: N::ApplicationDecided,
        audience: &[A::CaseMediators],
    },
    EventNotice {
        event: E::ExtendReview,
        notice: N::ApplicationDecided,
        audience: &[A::CaseMediators],
    },
    EventNotice {
        event: E::ConfirmAgreement,
        notice: N::ApplicationDecided,
        audience: &[A::CaseMediators],
    },
    EventNotice {
        event: E::RefuseConfirmation,
        notice: N::ApplicationDecided,
        audience: &[A::CaseMediators],
    },
    EventNotice {
        event: E::ReturnToCourt,
        notice: N::CaseReturnedToCourt,
        audience: &[A::Court, A::CaseMediators],
    },
    EventNotice {
        event: E::SendReferral,
        notice: N::ReferralReceived,
        audience: &[A::LiaisonOfficers],
    },
    EventNotice {
        event: E::AcknowledgeReferral,
        notice: N::ReferralAnswered,
        audience: &[A::LiaisonOfficers],
    },
    EventNotice {
        event: E::AcceptReferral,
        notice: N::ReferralAnswered,
        audience: &[A::LiaisonOfficers],
    },
    EventNotice {
        event: E::DeclineReferral,
        notice: N::ReferralAnswered,
        audience: &[A::LiaisonOfficers],
    },
    EventNotice {
        event: E::RequestReferralInformation,
        notice: N::ReferralInformationRequested,
        audience: &[A::LiaisonOfficers],
    },
    EventNotice {
        event: E::ReportReferralProgress,
        notice: N::ReferralOutcomeReported,
        audience: &[A::LiaisonOfficers],
    },
    EventNotice {
        event: E::ReportReferralOutcome,
        notice: N::ReferralOutcomeReported,
        audience: &[A::LiaisonOfficers],
    },
];

/// The notice `event` raises, if any (see [`ON_EVENTS`]).
pub fn on_event(event: EventKind) -> Option<&'static EventNotice> {
    ON_EVENTS.iter().find(|row| row.event == event)
}

/// The notice an event of `kind` taken `by` raises on this node: a referral's step notifies
/// this node's liaison officers only when the partner city took it (the end that took a step
/// needs no notice of it); any other event as [`on_event`] says. The actor is never among the
/// recipients of their own event (the application layer leaves them out).
pub fn raised(kind: EventKind, by: &By) -> Option<&'static EventNotice> {
    let row = on_event(kind)?;
    let from_partner = matches!(by, By::Partner { .. });
    (kind.subject_kind() != SubjectKind::Referral || from_partner).then_some(row)
}

/// Who is accountable for a case deadline of `rule`: the court for its own R10 clocks; the
/// investigators and the case's mediators for R22 and R24; the case's mediators for the rest.
pub fn deadline_audience(rule: DeadlineRule) -> &'static [Audience] {
    match rule {
        DeadlineRule::R10 => &[A::Court],
        DeadlineRule::R22 | DeadlineRule::R24 => &[A::CaseInvestigators, A::CaseMediators],
        DeadlineRule::R8 | DeadlineRule::R15 | DeadlineRule::R16 | DeadlineRule::R19 => {
            &[A::CaseMediators]
        }
    }
}

/// Who is accountable for a referral's clock (R26, R28): the liaison officers of its agreement.
pub const REFERRAL_CLOCK_AUDIENCE: &[Audience] = &[A::LiaisonOfficers];

/// The default lead times: 2 working days before the last day, and on the last day.
pub const DEFAULT_LEADS: &[u32] = &[2, 0];

/// One notice of a deadline, as the sweep raises it. With its deadline's identity it is the
/// notice's dedupe key: each is raised once, however often the sweep runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadlineNotice {
    /// `lead` working days before the last day (0: on the day).
    Approaching { lead: u32 },
    /// The last day has passed.
    Breached,
}

impl DeadlineNotice {
    pub fn kind(self) -> NoticeKind {
        match self {
            Self::Approaching { .. } => NoticeKind::DeadlineApproaching,
            Self::Breached => NoticeKind::DeadlineBreached,
        }
    }

    /// The stable name of this notice for a deadline due on `due`: `approaching-2@2026-10-08`,
    /// `breached@2026-10-08`. A deadline moved to another day is a new deadline to notify.
    pub fn key(self, due: NaiveDate) -> String {
        match self {
            Self::Approaching { lead } => format!("approaching-{lead}@{due}"),
            Self::Breached => format!("breached@{due}"),
        }
    }
}

/// The day a lead of `lead` working days before `due` falls on (R30: working days follow the
/// official calendar, make-up workdays included). A lead of 0 is the due day itself.
pub fn lead_day(calendar: &Calendar, due: NaiveDate, lead: u32) -> NaiveDate {
    let mut day = due;
    let mut counted = 0;
    while counted < lead {
        let Some(before) = day.checked_sub_days(Days::new(1)) else {
            return day;
        };
        day = before;
        if calendar.is_working_day(day) {
            counted += 1;
        }
    }
    day
}

/// The notices of an open deadline due on `due` that have fallen due by `today`, for `leads`
/// (working days before the last day). An approaching notice whose day has come is due until
/// the last day; once the last day has passed only the breach is (an approaching notice the
/// sweep missed is not sent late, after the breach). Each is raised once: the caller keeps
/// [`DeadlineNotice::key`] and never raises a key twice.
pub fn due_notices(
    calendar: &Calendar,
    due: NaiveDate,
    today: NaiveDate,
    leads: &[u32],
) -> Vec<DeadlineNotice> {
    if today > due {
        return vec![DeadlineNotice::Breached];
    }
    // Of the leads whose day has come, the nearest to the last day: a sweep that missed a day
    // sends one notice, not one per lead passed.
    leads
        .iter()
        .copied()
        .filter(|lead| lead_day(calendar, due, *lead) <= today)
        .min()
        .map(|lead| vec![DeadlineNotice::Approaching { lead }])
        .unwrap_or_default()
}

/// Whether a kind of notice is wanted on a channel: what the account said, else what its
/// organisation set as its accounts' default, else yes. An organisation's own choice for the
/// webhook channel is its webhook's. Each list holds `(kind, channel, wanted)` choices.
pub fn wanted(
    account: &[(NoticeKind, Channel, bool)],
    organization: &[(NoticeKind, Channel, bool)],
    kind: NoticeKind,
    channel: Channel,
) -> bool {
    let said = |choices: &[(NoticeKind, Channel, bool)]| {
        choices
            .iter()
            .find(|(k, c, _)| *k == kind && *c == channel)
            .map(|(_, _, wanted)| *wanted)
    };
    said(account).or_else(|| said(organization)).unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::YearCalendar;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// 2026's Mid-Autumn and National Day holidays as DOMAIN-RULES.md gives them: 25–27
    /// September and 1–7 October off, Sunday 20 September and Saturday 10 October worked.
    fn calendar_2026() -> Calendar {
        let off = (25..=27)
            .map(|d| NaiveDate::from_ymd_opt(2026, 9, d).unwrap())
            .chain((1..=7).map(|d| NaiveDate::from_ymd_opt(2026, 10, d).unwrap()));
        let year = YearCalendar::new(2026, off, [day("2026-09-20"), day("2026-10-10")]).unwrap();
        Calendar::new([year])
    }

    #[test]
    fn every_event_row_is_unique_and_names_an_audience() {
        for (i, row) in ON_EVENTS.iter().enumerate() {
            assert!(!row.audience.is_empty(), "{:?}", row.event);
            assert!(
                ON_EVENTS[i + 1..]
                    .iter()
                    .all(|other| other.event != row.event),
                "{:?} twice",
                row.event
            );
        }
        assert_eq!(
            on_event(EventKind::AssignMediator).unwrap().notice,
            N::CaseAssigned
        );
        assert_eq!(
            on_event(EventKind::SubmitCase),
            None,
            "intake notifies nobody"
        );
        assert_eq!(on_event(EventKind::UploadDocument), None);
    }

    #[test]
    fn a_referral_step_notifies_this_node_only_when_the_partner_took_it() {
        let partner = By::Partner {
            node: "weihai".into(),
            role: "liaison".into(),
        };
        let here = By::Platform;
        assert_eq!(
            raised(EventKind::SendReferral, &partner).map(|r| r.notice),
            Some(N::ReferralReceived)
        );
        assert_eq!(raised(EventKind::SendReferral, &here), None);
        assert_eq!(raised(EventKind::AcceptReferral, &here), None);
        assert_eq!(
            raised(EventKind::AcceptReferral, &partner).map(|r| r.notice),
            Some(N::ReferralAnswered)
        );
        // A case's events notify whoever took them.
        assert_eq!(
            raised(EventKind::AssignMediator, &here).map(|r| r.notice),
            Some(N::CaseAssigned)
        );
    }

    #[test]
    fn the_court_answers_for_r10_and_investigators_with_the_mediators_for_r22_and_r24() {
        assert_eq!(deadline_audience(DeadlineRule::R10), &[A::Court]);
        assert_eq!(
            deadline_audience(DeadlineRule::R22),
            &[A::CaseInvestigators, A::CaseMediators]
        );
        assert_eq!(
            deadline_audience(DeadlineRule::R24),
            deadline_audience(DeadlineRule::R22)
        );
        for rule in [
            DeadlineRule::R8,
            DeadlineRule::R15,
            DeadlineRule::R16,
            DeadlineRule::R19,
        ] {
            assert_eq!(deadline_audience(rule), &[A::CaseMediators], "{rule}");
        }
    }

    #[test]
    fn two_working_days_before_skips_the_holiday_and_counts_the_makeup_workday() {
        let calendar = calendar_2026();
        // Due Thursday 8 October, the first working day after the holiday: 1–7 October are
        // off, so the working days before it are 30 and 29 September.
        assert_eq!(lead_day(&calendar, day("2026-10-08"), 1), day("2026-09-30"));
        assert_eq!(lead_day(&calendar, day("2026-10-08"), 2), day("2026-09-29"));
        assert_eq!(lead_day(&calendar, day("2026-10-08"), 0), day("2026-10-08"));
        // Due Monday 12 October: the make-up Saturday 10 October counts, Sunday 11 does not.
        assert_eq!(lead_day(&calendar, day("2026-10-12"), 1), day("2026-10-10"));
        assert_eq!(lead_day(&calendar, day("2026-10-12"), 2), day("2026-10-09"));
        // Due Monday 28 September: 25–27 September are off, so Thursday 24 and Wednesday 23.
        assert_eq!(lead_day(&calendar, day("2026-09-28"), 2), day("2026-09-23"));
    }

    #[test]
    fn each_day_around_the_holiday_raises_exactly_the_expected_notice() {
        let calendar = calendar_2026();
        let due = day("2026-10-08");
        let on = |today: &str| due_notices(&calendar, due, day(today), DEFAULT_LEADS);
        assert_eq!(on("2026-09-28"), vec![]);
        assert_eq!(
            on("2026-09-29"),
            vec![DeadlineNotice::Approaching { lead: 2 }]
        );
        // Every day from then to the day before the last, the same notice is due: the sweep
        // keeps its key and raises it once.
        for today in ["2026-09-30", "2026-10-01", "2026-10-05", "2026-10-07"] {
            assert_eq!(
                on(today),
                vec![DeadlineNotice::Approaching { lead: 2 }],
                "{today}"
            );
        }
        assert_eq!(
            on("2026-10-08"),
            vec![DeadlineNotice::Approaching { lead: 0 }]
        );
        assert_eq!(on("2026-10-09"), vec![DeadlineNotice::Breached]);
        assert_eq!(on("2026-12-31"), vec![DeadlineNotice::Breached]);
    }

    #[test]
    fn keys_name_the_notice_and_the_day_so_each_is_raised_once() {
        let due = day("2026-10-08");
        assert_eq!(
            DeadlineNotice::Approaching { lead: 2 }.key(due),
            "approaching-2@2026-10-08"
        );
        assert_eq!(
            DeadlineNotice::Approaching { lead: 0 }.key(due),
            "approaching-0@2026-10-08"
        );
        assert_eq!(DeadlineNotice::Breached.key(due), "breached@2026-10-08");
        assert_eq!(
            DeadlineNotice::Breached.kind(),
            NoticeKind::DeadlineBreached
        );
    }

    proptest::proptest! {
        #[test]
        fn a_sweep_on_any_day_raises_at_most_one_notice_and_never_a_breach_before_the_day(
            offset in -40i64..40,
            lead_a in 0u32..6,
            lead_b in 0u32..6,
        ) {
            let calendar = calendar_2026();
            let due = day("2026-10-08");
            let today = due.checked_add_signed(chrono::Duration::days(offset)).unwrap();
            let raised = due_notices(&calendar, due, today, &[lead_a, lead_b]);
            proptest::prop_assert!(raised.len() <= 1);
            if today <= due {
                proptest::prop_assert!(!raised.contains(&DeadlineNotice::Breached));
            } else {
                proptest::prop_assert_eq!(raised, vec![DeadlineNotice::Breached]);
            }
        }
    }

    #[test]
    fn a_preference_is_the_accounts_then_its_organisations_then_yes() {
        let kind = N::DeadlineApproaching;
        let org_off = [(kind, Channel::Email, false)];
        let account_on = [(kind, Channel::Email, true)];
        assert!(wanted(&[], &[], kind, Channel::Email));
        assert!(!wanted(&[], &org_off, kind, Channel::Email));
        assert!(wanted(&account_on, &org_off, kind, Channel::Email));
        // Another kind or channel is not what was said.
        assert!(wanted(&[], &org_off, N::CaseAssigned, Channel::Email));
        assert!(wanted(&[], &org_off, kind, Channel::InApp));
    }
}
