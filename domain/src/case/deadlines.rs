//! Which deadlines a case has, when they open and close, and how long they run.
use crate::calendar::Period;
use crate::case::lifecycle::ActionKind;
use crate::case::{CaseStatus, CourtProcedure, Track};
use crate::validation::{Invalid, ValidationErrors};

named_enum! {
    /// The rule a deadline comes from (DOMAIN-RULES.md).
    pub enum DeadlineRule {
        /// 30 days from the agreement taking effect to apply for judicial confirmation.
        R8 = "R8",
        /// The court decides on accepting an application for confirmation within 3 days (3
        /// working days for administrative mediation, R14) and rules within 15 days (+10).
        R10 = "R10",
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
            Self::R10 => {
                "the court decides on accepting the application within 3 days and rules within 15 days of acceptance (+10 with approval)"
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
            vec![(R::R8, crate::case::confirmation::APPLICATION_WINDOW)],
            vec![R::R15, R::R16],
        ),
        ActionKind::Fail | ActionKind::Withdraw => (vec![], vec![R::R15, R::R16]),
        // The signed agreement is set aside: its confirmation window no longer runs.
        ActionKind::ReopenMediation => (vec![], vec![R::R8]),
        ActionKind::ReturnToCourt => (vec![], vec![R::R15, R::R16]),
        ActionKind::Close => (vec![], DeadlineRule::ALL.to_vec()),
        ActionKind::StartMediation | ActionKind::RecordPerformance => (vec![], vec![]),
    };
    DeadlineChanges { open, meet }
}

/// Whether a case that reached `status` goes back to its referring court (R15): a court-referred
/// case that ends without a settlement — declined, failed, withdrawn, or its term over.
pub fn returns_to_court(track: Track, status: CaseStatus) -> bool {
    track.is_court()
        && matches!(
            status,
            CaseStatus::Declined
                | CaseStatus::Failed
                | CaseStatus::Withdrawn
                | CaseStatus::Returned
        )
}

/// The most days one extension of a court-delegated term may add.
pub const MAX_TERM_EXTENSION_DAYS: u32 = 90;

/// An R15 extension as asked: how many days, with whose consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermExtension {
    pub days: u32,
    /// The parties whose consent is recorded, each once.
    pub consents: Vec<u32>,
}

impl TermExtension {
    /// R15: 1 to [`MAX_TERM_EXTENSION_DAYS`] days, with at least one consent listed (whether
    /// they are every party's is checked against the case by [`check_term_extension`]).
    ///
    /// # Errors
    /// Every bad field: `days` out of range, `consents` missing or listing a party twice.
    pub fn parse(days: u32, consents: &[u32]) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if !(1..=MAX_TERM_EXTENSION_DAYS).contains(&days) {
            errors.push(
                "days",
                Invalid::new(
                    "out_of_range",
                    format!("1 to {MAX_TERM_EXTENSION_DAYS} days"),
                ),
            );
        }
        let consents = crate::case::confirmation::consenting_parties(
            consents,
            "record each party's consent to extending the term (R15)",
            &mut errors,
        );
        if errors.is_empty() {
            Ok(Self { days, consents })
        } else {
            Err(errors)
        }
    }

    /// The length in calendar days of the running term `term` made longer by this extension,
    /// counted from the same start; `None` for a term not counted in calendar days (R15 terms
    /// always are, so that is broken data).
    pub fn extended_days(&self, term: Period) -> Option<u32> {
        match term {
            Period::CalendarDays(length) => Some(length + self.days),
            Period::WorkingDays(_) => None,
        }
    }
}

/// R15: a court-delegated (委派) term is extended only with every party's recorded consent,
/// while mediation is still under way; court-entrusted (委托) terms are fixed.
///
/// # Errors
/// `not_extendable` (R15) on other tracks, `invalid_transition` once the case has moved on,
/// `consent_of_all_parties_required` (R15) naming the parties whose consent is missing.
pub fn check_term_extension(
    track: Track,
    status: CaseStatus,
    parties: &[u32],
    consenting: &[u32],
) -> Result<(), crate::case::Refusal> {
    use crate::case::refuse;
    if track != Track::CourtDelegated {
        return Err(refuse(
            "not_extendable",
            Some("R15"),
            "only a court-delegated (委派) mediation term can be extended",
        ));
    }
    if !matches!(
        status,
        CaseStatus::Submitted | CaseStatus::Accepted | CaseStatus::InMediation
    ) {
        return Err(refuse(
            "invalid_transition",
            None,
            format!("the term cannot be extended while the case is {status}"),
        ));
    }
    match crate::case::confirmation::missing_consents(parties, consenting) {
        None => Ok(()),
        Some(missing) => Err(refuse(
            "consent_of_all_parties_required",
            Some("R15"),
            format!("the term is extended only with both sides' consent: record party {missing}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_extension_takes_1_to_90_days_and_names_r15_when_consents_are_missing() {
        assert_eq!(
            TermExtension::parse(10, &[2, 1]),
            Ok(TermExtension {
                days: 10,
                consents: vec![2, 1]
            })
        );
        let refused = TermExtension::parse(0, &[]).unwrap_err().0;
        let fields: Vec<_> = refused.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(fields, [("days", "out_of_range"), ("consents", "required")]);
        assert!(
            refused[1].message.contains("(R15)"),
            "{}",
            refused[1].message
        );
        assert!(TermExtension::parse(MAX_TERM_EXTENSION_DAYS + 1, &[1]).is_err());
        assert_eq!(
            TermExtension::parse(1, &[1, 1]).unwrap_err().0[0].field,
            "consents[1]"
        );
    }

    #[test]
    fn an_extension_lengthens_the_running_term_from_the_same_start() {
        let ten = TermExtension::parse(10, &[1]).unwrap();
        assert_eq!(ten.extended_days(Period::CalendarDays(30)), Some(40));
        assert_eq!(ten.extended_days(Period::WorkingDays(30)), None);
    }

    #[test]
    fn the_r8_window_opened_on_settlement_is_the_one_the_application_check_counts() {
        let changes = on_action(ActionKind::Settle, Track::People, 30);
        assert_eq!(
            changes.open,
            [(
                DeadlineRule::R8,
                crate::case::confirmation::APPLICATION_WINDOW
            )]
        );
    }

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
    fn a_delegated_term_is_extended_only_with_every_partys_consent() {
        let ok = check_term_extension(
            Track::CourtDelegated,
            CaseStatus::InMediation,
            &[1, 2],
            &[2, 1],
        );
        assert_eq!(ok, Ok(()));
        let one = check_term_extension(
            Track::CourtDelegated,
            CaseStatus::InMediation,
            &[1, 2],
            &[1],
        )
        .unwrap_err();
        assert_eq!(
            (one.code, one.rule),
            ("consent_of_all_parties_required", Some("R15"))
        );
        let entrusted =
            check_term_extension(Track::CourtEntrusted, CaseStatus::InMediation, &[1], &[1])
                .unwrap_err();
        assert_eq!(entrusted.code, "not_extendable");
        let settled = check_term_extension(Track::CourtDelegated, CaseStatus::Settled, &[1], &[1])
            .unwrap_err();
        assert_eq!(settled.code, "invalid_transition");
    }

    #[test]
    fn court_cases_ending_unsettled_return_to_the_court() {
        for status in CaseStatus::ALL {
            let expected = matches!(
                status,
                CaseStatus::Declined
                    | CaseStatus::Failed
                    | CaseStatus::Withdrawn
                    | CaseStatus::Returned
            );
            assert_eq!(
                returns_to_court(Track::CourtEntrusted, *status),
                expected,
                "{status}"
            );
            assert!(!returns_to_court(Track::People, *status));
        }
    }

    #[test]
    fn closing_meets_everything() {
        assert_eq!(
            on_action(ActionKind::Close, Track::People, 30).meet,
            DeadlineRule::ALL
        );
    }
}
