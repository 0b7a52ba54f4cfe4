//! Which deadlines a case has, when they open and close, and how long they run.
use crate::calendar::Period;
use crate::case::lifecycle::ActionKind;
use crate::case::{CourtProcedure, Track};

named_enum! {
    /// The rule a deadline comes from (DOMAIN-RULES.md).
    pub enum DeadlineRule {
        /// 30 days from the agreement taking effect to apply for judicial confirmation.
        R8 = "R8",
        /// The term of court-referred mediation: 30 days (委派), 15 or 7 days (委托).
        R15 = "R15",
        /// A people's-mediation committee concludes within about a month (configurable).
        R16 = "R16",
        /// The respondent answers an administrative patent mediation request within 15 days.
        R19 = "R19",
        /// Parties are told of a technical investigator's appointment within 3 days.
        R22 = "R22",
        /// A recusal request (or its one reconsideration) is decided within 3 days.
        R24 = "R24",
    }
}

impl DeadlineRule {
    /// What the deadline is for, in words.
    pub fn description(self) -> &'static str {
        match self {
            Self::R8 => {
                "parties may jointly apply for judicial confirmation within 30 days of the agreement taking effect"
            }
            Self::R15 => {
                "court-referred mediation ends within its term, after which the case returns to the court"
            }
            Self::R16 => "a people's mediation committee concludes the mediation within its target",
            Self::R19 => {
                "the respondent answers the administrative patent mediation request within 15 days"
            }
            Self::R22 => {
                "the parties are told of the technical investigator's appointment within 3 days"
            }
            Self::R24 => {
                "the recusal request (or its one reconsideration) is decided within 3 days"
            }
        }
    }
}

/// R22 (the parties are told of an investigator) and R24 (a recusal request is decided): 3 days.
pub const INVESTIGATOR_PERIOD: Period = Period::CalendarDays(3);

/// The default R16 target in days, when the organisation has not set its own.
pub const DEFAULT_PEOPLE_MEDIATION_DAYS: u32 = 30;

/// The deadlines opened when a case is submitted.
pub fn at_intake(track: Track, procedure: Option<CourtProcedure>) -> Vec<(DeadlineRule, Period)> {
    match (track, procedure) {
        (Track::AdminPatent, _) => vec![(DeadlineRule::R19, Period::CalendarDays(15))],
        (Track::CourtDelegated, _) => vec![(DeadlineRule::R15, Period::CalendarDays(30))],
        (Track::CourtEntrusted, Some(CourtProcedure::Summary)) => {
            vec![(DeadlineRule::R15, Period::CalendarDays(7))]
        }
        (Track::CourtEntrusted, _) => vec![(DeadlineRule::R15, Period::CalendarDays(15))],
        _ => vec![],
    }
}

/// What an action does to the deadlines: those it opens (from the action's date) and those it
/// meets (closes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeadlineChanges {
    pub open: Vec<(DeadlineRule, Period)>,
    pub meet: Vec<DeadlineRule>,
}

/// The deadline changes of `action` on a case of `track`. `people_days` is the handling
/// organisation's R16 target.
pub fn on_action(action: ActionKind, track: Track, people_days: u32) -> DeadlineChanges {
    use DeadlineRule as R;
    let (open, meet) = match action {
        ActionKind::RecordConsent => (vec![], vec![R::R19]),
        ActionKind::Accept if track == Track::People => {
            (vec![(R::R16, Period::CalendarDays(people_days))], vec![])
        }
        ActionKind::Accept => (vec![], vec![]),
        ActionKind::Decline => (vec![], vec![R::R19, R::R15, R::R16]),
        ActionKind::Settle => (
            vec![(R::R8, Period::CalendarDays(30))],
            vec![R::R15, R::R16],
        ),
        ActionKind::Fail | ActionKind::Withdraw => (vec![], vec![R::R15, R::R16]),
        ActionKind::Close => (vec![], DeadlineRule::ALL.to_vec()),
        ActionKind::StartMediation | ActionKind::RecordPerformance => (vec![], vec![]),
    };
    DeadlineChanges { open, meet }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intake_opens_the_respondents_fifteen_days_and_the_court_terms() {
        assert_eq!(
            at_intake(Track::AdminPatent, None),
            [(DeadlineRule::R19, Period::CalendarDays(15))]
        );
        assert_eq!(
            at_intake(Track::CourtDelegated, None),
            [(DeadlineRule::R15, Period::CalendarDays(30))]
        );
        assert_eq!(
            at_intake(Track::CourtEntrusted, Some(CourtProcedure::Ordinary)),
            [(DeadlineRule::R15, Period::CalendarDays(15))]
        );
        assert_eq!(
            at_intake(Track::CourtEntrusted, Some(CourtProcedure::Summary)),
            [(DeadlineRule::R15, Period::CalendarDays(7))]
        );
        assert!(at_intake(Track::People, None).is_empty());
    }

    #[test]
    fn acceptance_opens_the_peoples_mediation_target_with_the_organisations_days() {
        assert_eq!(
            on_action(ActionKind::Accept, Track::People, 45).open,
            [(DeadlineRule::R16, Period::CalendarDays(45))]
        );
        assert!(
            on_action(ActionKind::Accept, Track::Industry, 45)
                .open
                .is_empty()
        );
    }

    #[test]
    fn settlement_opens_the_confirmation_window_and_meets_the_mediation_terms() {
        let changes = on_action(ActionKind::Settle, Track::CourtDelegated, 30);
        assert_eq!(changes.open, [(DeadlineRule::R8, Period::CalendarDays(30))]);
        assert_eq!(changes.meet, [DeadlineRule::R15, DeadlineRule::R16]);
    }

    #[test]
    fn closing_meets_everything() {
        assert_eq!(
            on_action(ActionKind::Close, Track::People, 30).meet,
            DeadlineRule::ALL
        );
    }
}
