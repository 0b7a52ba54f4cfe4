//! The clocks of a referral: the agreement's response deadlines (R28) in working days, and for a
//! crime transfer the R26 deadlines in days. Both nodes compute them from the dates the steps
//! carry, on the same official calendar, so both show the same last days.
use chrono::NaiveDate;

use super::{Milestone, ReferralKind, ResponseDays, StepKind};
use crate::calendar::{Calendar, Deadline, Period};

named_enum! {
    /// One clock of a referral.
    pub enum ReferralClock {
        /// R28: acknowledge receipt.
        Acknowledge = "acknowledge",
        /// R28: accept or decline.
        Decide = "decide",
        /// R28: report progress (again after every report) until the outcome.
        Report = "report",
        /// R26: the head of the receiving authority decides on a suspected crime within 3 days.
        R26Decision = "r26_decision",
        /// R26: once decided, the transfer to the police within 24 hours.
        R26PoliceTransfer = "r26_police_transfer",
        /// R26: the police decide within 3 days of the transfer.
        R26PoliceDecision = "r26_police_decision",
    }
}

impl ReferralClock {
    /// The rule the clock comes from.
    pub fn rule(self) -> &'static str {
        match self {
            Self::Acknowledge | Self::Decide | Self::Report => "R28",
            _ => "R26",
        }
    }

    /// The period of `n` days of this clock's kind.
    fn period(self, n: u32) -> Period {
        match self {
            Self::Acknowledge | Self::Decide | Self::Report => Period::WorkingDays(n),
            _ => Period::CalendarDays(n),
        }
    }
}

/// R26: 3 days for the decision, 24 hours (one day) for the transfer, 3 days for the police.
const R26_DECISION_DAYS: u32 = 3;
const R26_TRANSFER_DAYS: u32 = 1;
const R26_POLICE_DAYS: u32 = 3;

/// The clock that runs until the receiver accepts or declines.
fn decision_clock(kind: ReferralKind, days: ResponseDays) -> (ReferralClock, Period) {
    if kind == ReferralKind::CrimeTransfer {
        let clock = ReferralClock::R26Decision;
        (clock, clock.period(R26_DECISION_DAYS))
    } else {
        let clock = ReferralClock::Decide;
        (clock, clock.period(days.decide))
    }
}

/// What a step does to the clocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClockChanges {
    pub meets: Vec<ReferralClock>,
    pub opens: Vec<(ReferralClock, Period)>,
    /// Stopped until information arrives (the remaining days are kept).
    pub pauses: Vec<ReferralClock>,
    pub resumes: Vec<ReferralClock>,
}

/// The clocks opened when a referral is sent, counted from its sending day.
pub fn at_referral(kind: ReferralKind, days: ResponseDays) -> Vec<(ReferralClock, Period)> {
    let acknowledge = ReferralClock::Acknowledge;
    vec![
        (acknowledge, acknowledge.period(days.acknowledge)),
        decision_clock(kind, days),
    ]
}

/// What `step` (with its `milestone`, for progress reports) does to the clocks.
pub fn on_step(
    kind: ReferralKind,
    days: ResponseDays,
    step: StepKind,
    milestone: Option<Milestone>,
) -> ClockChanges {
    use ReferralClock as C;
    let (decision, _) = decision_clock(kind, days);
    let report = (C::Report, C::Report.period(days.report));
    let crime = kind == ReferralKind::CrimeTransfer;
    match step {
        StepKind::Referred => ClockChanges {
            opens: at_referral(kind, days),
            ..ClockChanges::default()
        },
        StepKind::Acknowledged => ClockChanges {
            meets: vec![C::Acknowledge],
            ..ClockChanges::default()
        },
        StepKind::InformationRequested => ClockChanges {
            meets: vec![C::Acknowledge],
            pauses: vec![decision],
            ..ClockChanges::default()
        },
        StepKind::InformationProvided => ClockChanges {
            resumes: vec![decision],
            ..ClockChanges::default()
        },
        StepKind::Accepted => {
            let mut opens = vec![report];
            if crime {
                opens.push((
                    C::R26PoliceTransfer,
                    C::R26PoliceTransfer.period(R26_TRANSFER_DAYS),
                ));
            }
            ClockChanges {
                meets: vec![C::Acknowledge, decision],
                opens,
                ..ClockChanges::default()
            }
        }
        StepKind::Declined => ClockChanges {
            meets: vec![C::Acknowledge, decision],
            ..ClockChanges::default()
        },
        StepKind::ProgressReported => {
            let mut changes = ClockChanges {
                meets: vec![C::Report],
                opens: vec![report],
                ..ClockChanges::default()
            };
            match milestone {
                Some(Milestone::TransferredToPolice) if crime => {
                    changes.meets.push(C::R26PoliceTransfer);
                    changes.opens.push((
                        C::R26PoliceDecision,
                        C::R26PoliceDecision.period(R26_POLICE_DAYS),
                    ));
                }
                Some(Milestone::PoliceDecided) if crime => {
                    changes.meets.push(C::R26PoliceDecision);
                }
                _ => {}
            }
            changes
        }
        StepKind::OutcomeReported => ClockChanges {
            meets: C::ALL.to_vec(),
            ..ClockChanges::default()
        },
    }
}

/// The new last day of `clock`, paused on `paused_on` when it was due on `due_on` and resumed on
/// `resumed_on`: the days that were left when it paused run again from the resumption.
pub fn resumed(
    calendar: &Calendar,
    clock: ReferralClock,
    paused_on: NaiveDate,
    due_on: NaiveDate,
    resumed_on: NaiveDate,
) -> Deadline {
    let left = match clock.period(0) {
        Period::WorkingDays(_) => paused_on
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= due_on)
            .filter(|d| calendar.is_working_day(*d))
            .count(),
        Period::CalendarDays(_) => {
            usize::try_from((due_on - paused_on).num_days().max(0)).unwrap_or(0)
        }
    };
    calendar.deadline(
        resumed_on,
        clock.period(u32::try_from(left).unwrap_or(u32::MAX)),
    )
}

/// The dates of a stored clock that a step can move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockDates {
    pub due_on: NaiveDate,
    /// Whether `due_on` was counted on an official calendar (not the fallback).
    pub calendar_verified: bool,
    pub paused_on: Option<NaiveDate>,
    pub met_on: Option<NaiveDate>,
}

/// What `changes` does to the running clock `clock` on `on` (R26, R28): met (it stops), paused
/// (while information is awaited), or resumed with the days it had left when paused. `None`
/// when the step leaves it as it is; a met clock never moves again.
pub fn moved(
    calendar: &Calendar,
    clock: ReferralClock,
    dates: ClockDates,
    changes: &ClockChanges,
    on: NaiveDate,
) -> Option<ClockDates> {
    if dates.met_on.is_some() {
        return None;
    }
    if changes.meets.contains(&clock) {
        return Some(ClockDates {
            met_on: Some(on),
            paused_on: None,
            ..dates
        });
    }
    if changes.pauses.contains(&clock) {
        return dates.paused_on.is_none().then_some(ClockDates {
            paused_on: Some(on),
            ..dates
        });
    }
    if changes.resumes.contains(&clock) {
        let paused_on = dates.paused_on?;
        let resumed = resumed(calendar, clock, paused_on, dates.due_on, on);
        return Some(ClockDates {
            due_on: resumed.due,
            calendar_verified: dates.calendar_verified && resumed.calendar_verified,
            paused_on: None,
            met_on: None,
        });
    }
    None
}

named_enum! {
    /// Where a referral clock stands on a given day.
    pub enum ClockState {
        /// Running, its last day not yet passed.
        Running = "running",
        /// Stopped while information is awaited.
        Paused = "paused",
        /// Running past its last day.
        Overdue = "overdue",
        /// Ended by its last day.
        Met = "met",
        /// Ended after its last day.
        Lapsed = "lapsed",
    }
}

/// The state on `today` of a clock due on `due_on`, paused since `paused_on`, ended on `met_on`:
/// an ended clock is met or lapsed by the rule every deadline follows
/// ([`crate::case::stored::DeadlineStatus::closed`]).
pub fn clock_state(
    due_on: NaiveDate,
    paused_on: Option<NaiveDate>,
    met_on: Option<NaiveDate>,
    today: NaiveDate,
) -> ClockState {
    use crate::case::stored::DeadlineStatus;
    match (met_on, paused_on) {
        (Some(ended), _) => match DeadlineStatus::closed(due_on, ended) {
            DeadlineStatus::Lapsed => ClockState::Lapsed,
            _ => ClockState::Met,
        },
        (None, Some(_)) => ClockState::Paused,
        (None, None) if today > due_on => ClockState::Overdue,
        (None, None) => ClockState::Running,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running(due_on: NaiveDate) -> ClockDates {
        ClockDates {
            due_on,
            calendar_verified: true,
            paused_on: None,
            met_on: None,
        }
    }

    fn only(f: impl FnOnce(&mut ClockChanges)) -> ClockChanges {
        let mut changes = ClockChanges::default();
        f(&mut changes);
        changes
    }

    #[test]
    fn a_step_meets_pauses_or_resumes_a_running_clock_and_never_a_met_one() {
        let calendar = Calendar::default();
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let decide = ReferralClock::Decide;
        let meet = only(|c| c.meets.push(decide));
        let met = moved(&calendar, decide, running(day(27)), &meet, day(23)).unwrap();
        assert_eq!(met.met_on, Some(day(23)));
        assert_eq!(
            moved(&calendar, decide, met, &meet, day(24)),
            None,
            "met once"
        );

        let pause = only(|c| c.pauses.push(decide));
        let paused = moved(&calendar, decide, running(day(27)), &pause, day(23)).unwrap();
        assert_eq!(paused.paused_on, Some(day(23)));
        assert_eq!(
            moved(&calendar, decide, paused, &pause, day(24)),
            None,
            "paused once"
        );

        let resume = only(|c| c.resumes.push(decide));
        assert_eq!(
            moved(&calendar, decide, running(day(27)), &resume, day(24)),
            None
        );
        let resumed = moved(&calendar, decide, paused, &resume, day(25)).unwrap();
        assert_eq!(resumed.paused_on, None);
        assert!(
            resumed.due_on > day(27),
            "the days left run from the resumption"
        );

        let other = only(|c| c.meets.push(ReferralClock::Acknowledge));
        assert_eq!(
            moved(&calendar, decide, running(day(27)), &other, day(23)),
            None
        );
    }
    use crate::calendar::YearCalendar;

    #[test]
    fn a_clock_is_overdue_past_its_day_and_lapsed_when_it_ends_late() {
        let due = day("2026-10-09");
        let (before, after) = (day("2026-10-08"), day("2026-10-10"));
        assert_eq!(clock_state(due, None, None, due), ClockState::Running);
        assert_eq!(clock_state(due, None, None, after), ClockState::Overdue);
        assert_eq!(
            clock_state(due, Some(before), None, after),
            ClockState::Paused
        );
        assert_eq!(clock_state(due, None, Some(due), after), ClockState::Met);
        assert_eq!(
            clock_state(due, None, Some(after), after),
            ClockState::Lapsed
        );
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn calendar_2026() -> Calendar {
        let days_off = [
            ("2026-02-15", "2026-02-23"),
            ("2026-09-25", "2026-09-27"),
            ("2026-10-01", "2026-10-07"),
        ]
        .iter()
        .flat_map(|(a, b)| day(a).iter_days().take_while(move |d| *d <= day(b)))
        .collect::<Vec<_>>();
        Calendar::new([YearCalendar::new(
            2026,
            days_off,
            vec![
                day("2026-02-14"),
                day("2026-02-28"),
                day("2026-09-20"),
                day("2026-10-10"),
            ],
        )
        .unwrap()])
    }

    #[test]
    fn an_ordinary_referral_opens_the_agreements_working_day_clocks() {
        let opened = at_referral(ReferralKind::ClueTransfer, ResponseDays::R28_DEFAULTS);
        assert_eq!(
            opened,
            [
                (ReferralClock::Acknowledge, Period::WorkingDays(2)),
                (ReferralClock::Decide, Period::WorkingDays(5)),
            ]
        );
        // Sent Wed 2026-09-30: the National Day holiday and the make-up Saturday count right.
        let calendar = calendar_2026();
        assert_eq!(
            calendar
                .deadline(day("2026-09-30"), Period::WorkingDays(2))
                .due,
            day("2026-10-09")
        );
        assert_eq!(
            calendar
                .deadline(day("2026-09-30"), Period::WorkingDays(5))
                .due,
            day("2026-10-13")
        );
    }

    #[test]
    fn a_crime_transfer_carries_the_r26_clocks() {
        let days = ResponseDays::R28_DEFAULTS;
        let kind = ReferralKind::CrimeTransfer;
        assert_eq!(
            at_referral(kind, days)[1],
            (ReferralClock::R26Decision, Period::CalendarDays(3))
        );
        let accepted = on_step(kind, days, StepKind::Accepted, None);
        assert_eq!(
            accepted.meets,
            [ReferralClock::Acknowledge, ReferralClock::R26Decision]
        );
        assert!(
            accepted
                .opens
                .contains(&(ReferralClock::R26PoliceTransfer, Period::CalendarDays(1)))
        );
        let transferred = on_step(
            kind,
            days,
            StepKind::ProgressReported,
            Some(Milestone::TransferredToPolice),
        );
        assert!(
            transferred
                .meets
                .contains(&ReferralClock::R26PoliceTransfer)
        );
        assert!(
            transferred
                .opens
                .contains(&(ReferralClock::R26PoliceDecision, Period::CalendarDays(3)))
        );
        let decided = on_step(
            kind,
            days,
            StepKind::ProgressReported,
            Some(Milestone::PoliceDecided),
        );
        assert!(decided.meets.contains(&ReferralClock::R26PoliceDecision));
        // Milestones mean nothing for other kinds.
        let other = on_step(
            ReferralKind::ClueTransfer,
            days,
            StepKind::ProgressReported,
            Some(Milestone::TransferredToPolice),
        );
        assert_eq!(other.meets, [ReferralClock::Report]);
        assert_eq!(R26_DECISION_DAYS + R26_TRANSFER_DAYS + R26_POLICE_DAYS, 7);
    }

    #[test]
    fn asking_for_information_pauses_the_decision_and_supplying_it_resumes_it() {
        let days = ResponseDays::R28_DEFAULTS;
        let asked = on_step(
            ReferralKind::CaseTransfer,
            days,
            StepKind::InformationRequested,
            None,
        );
        assert_eq!(asked.pauses, [ReferralClock::Decide]);
        assert_eq!(asked.meets, [ReferralClock::Acknowledge]);
        let supplied = on_step(
            ReferralKind::CaseTransfer,
            days,
            StepKind::InformationProvided,
            None,
        );
        assert_eq!(supplied.resumes, [ReferralClock::Decide]);
        assert!(supplied.meets.is_empty() && supplied.opens.is_empty());
    }

    #[test]
    fn a_resumed_clock_keeps_the_days_that_were_left() {
        let calendar = calendar_2026();
        // Paused Mon 09-21, due Mon 09-28: 4 working days left (22, 23, 24, 28; 25–27 off).
        // Resumed Thu 10-08: 09, 10 (a make-up Saturday), 12, 13.
        let resumed_due = resumed(
            &calendar,
            ReferralClock::Decide,
            day("2026-09-21"),
            day("2026-09-28"),
            day("2026-10-08"),
        );
        assert_eq!(resumed_due.due, day("2026-10-13"));
        // Calendar-day clocks keep calendar days.
        let r26 = resumed(
            &calendar,
            ReferralClock::R26Decision,
            day("2026-11-02"),
            day("2026-11-04"),
            day("2026-11-10"),
        );
        assert_eq!(r26.due, day("2026-11-12"));
        // Paused after it was due: nothing left, due on the resumption day (a working day).
        let late = resumed(
            &calendar,
            ReferralClock::Decide,
            day("2026-11-10"),
            day("2026-11-09"),
            day("2026-11-12"),
        );
        assert_eq!(late.due, day("2026-11-12"));
    }

    #[test]
    fn the_outcome_meets_every_clock_still_running() {
        let done = on_step(
            ReferralKind::CrimeTransfer,
            ResponseDays::R28_DEFAULTS,
            StepKind::OutcomeReported,
            None,
        );
        assert_eq!(done.meets, ReferralClock::ALL);
    }
}
