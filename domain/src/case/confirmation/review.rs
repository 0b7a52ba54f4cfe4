//! The court's handling of an application: acceptance within 3 days (3 working days for
//! administrative mediation, R14), a ruling within 15 days (+10 once with approval, R10), a
//! refusal naming its ground (R13).
use chrono::NaiveDate;

use crate::calendar::Period;
use crate::case::lifecycle::Reason;
use crate::case::{Refusal, Track, refuse};
use crate::validation::{Invalid, bounded_text};

/// R10: the court rules within 15 days of accepting the application…
pub const RULING_PERIOD: Period = Period::CalendarDays(15);
/// …or 25 with the court president's approval of a 10-day extension.
pub const EXTENDED_RULING_PERIOD: Period = Period::CalendarDays(25);

/// R10: the court decides on acceptance within 3 days; R14: 3 working days for administrative
/// mediation agreements.
pub fn acceptance_period(track: Track) -> Period {
    match track {
        Track::AdminPatent | Track::AdminTrademark => Period::WorkingDays(3),
        _ => Period::CalendarDays(3),
    }
}

named_enum! {
    /// Where an application stands.
    pub enum ApplicationStatus {
        /// Sent to the court, which has not yet decided whether to accept it.
        Submitted = "submitted",
        /// Accepted; the court is reviewing it (R10: ruling within 15 days).
        Accepted = "accepted",
        /// The court refused to accept it (不予受理).
        NotAccepted = "not_accepted",
        /// The ruling confirms the agreement: it is enforceable.
        Confirmed = "confirmed",
        /// The ruling refuses confirmation on an R13 ground.
        Refused = "refused",
        /// The applicants withdrew it before the ruling.
        Withdrawn = "withdrawn",
        /// The agreement changed while it was pending.
        Voided = "voided",
    }
}

impl ApplicationStatus {
    /// Still before the court: a case has at most one such application.
    pub fn is_pending(self) -> bool {
        matches!(self, Self::Submitted | Self::Accepted)
    }
}

named_enum! {
    /// R13: the grounds on which a court refuses confirmation.
    pub enum RefusalGround {
        ViolatesMandatoryLaw = "violates_mandatory_law",
        HarmsStateInterest = "harms_state_interest",
        HarmsPublicInterest = "harms_public_interest",
        HarmsThirdPartyInterest = "harms_third_party_interest",
        OffendsPublicOrder = "offends_public_order",
        NotVoluntary = "not_voluntary",
        UnclearContent = "unclear_content",
    }
}

impl RefusalGround {
    /// R13: a refusal of confirmation names its ground; `None` is refused, listing every
    /// ground there is.
    ///
    /// # Errors
    /// `required` when no ground is named.
    pub fn required(ground: Option<Self>) -> Result<Self, Invalid> {
        ground.ok_or_else(|| {
            let grounds: Vec<&str> = Self::ALL.iter().map(|g| g.as_str()).collect();
            Invalid::new(
                "required",
                format!("R13: a refusal names its ground ({})", grounds.join(", ")),
            )
        })
    }
}

/// A ruling's number (裁定书案号), e.g. （2026）辽02民特123号.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulingNumber(String);

impl RulingNumber {
    /// # Errors
    /// Blank, longer than 64 characters, or containing control characters.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        bounded_text(input, 64).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who approved an extension of the review (R10: the court president), by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approver(String);

impl Approver {
    /// # Errors
    /// Blank, longer than 100 characters, or containing control characters.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        bounded_text(input, 100).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

named_enum! {
    /// The operations on an application.
    pub enum ApplicationActionKind {
        Submit = "apply_for_confirmation",
        Accept = "accept_application",
        RefuseAcceptance = "refuse_acceptance",
        Extend = "extend_review",
        Confirm = "confirm_agreement",
        Refuse = "refuse_confirmation",
        Withdraw = "withdraw_application",
        Void = "void_application",
    }
}

/// An operation on an application with what it records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplicationAction {
    Accept,
    RefuseAcceptance {
        reason: Reason,
    },
    /// R10: +10 days with the court president's approval, once.
    Extend {
        approved_by: Approver,
        reason: Reason,
    },
    Confirm {
        ruling_number: RulingNumber,
        ruling_date: NaiveDate,
    },
    /// R13: refusal names its ground.
    Refuse {
        ground: RefusalGround,
        reason: Option<Reason>,
    },
    Withdraw {
        reason: Reason,
    },
    /// The agreement changed (the case went back to mediation).
    Void,
}

impl ApplicationAction {
    pub fn kind(&self) -> ApplicationActionKind {
        use ApplicationActionKind as K;
        match self {
            Self::Accept => K::Accept,
            Self::RefuseAcceptance { .. } => K::RefuseAcceptance,
            Self::Extend { .. } => K::Extend,
            Self::Confirm { .. } => K::Confirm,
            Self::Refuse { .. } => K::Refuse,
            Self::Withdraw { .. } => K::Withdraw,
            Self::Void => K::Void,
        }
    }
}

/// What the machine needs to know about an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplicationState {
    pub status: ApplicationStatus,
    /// The review has been extended (R10 allows it once).
    pub extended: bool,
    /// The day the court accepted it.
    pub accepted_on: Option<NaiveDate>,
}

/// Deadlines an application step opens (with its start day) and meets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationDeadlines {
    /// (subject suffix, period, start day).
    pub open: Vec<(&'static str, Period, NaiveDate)>,
    pub meet: Vec<&'static str>,
}

/// The subject suffix of the R10 acceptance deadline (`<application id>/acceptance`).
pub const ACCEPTANCE: &str = "acceptance";
/// The subject suffix of the R10 ruling deadline (`<application id>/ruling`).
pub const RULING: &str = "ruling";

/// Applies `action` on `today`: the new status and the R10 deadlines it opens and meets.
///
/// # Errors
/// `invalid_transition` from a state that does not allow it; `already_extended` (R10);
/// `ruling_date_out_of_range` for a ruling dated before acceptance or in the future.
pub fn apply(
    state: &ApplicationState,
    action: &ApplicationAction,
    today: NaiveDate,
) -> Result<(ApplicationStatus, ApplicationDeadlines), Refusal> {
    use ApplicationStatus as S;
    let kind = action.kind();
    let deadlines = |open: Vec<(&'static str, Period, NaiveDate)>, meet: Vec<&'static str>| {
        ApplicationDeadlines { open, meet }
    };
    match (state.status, action) {
        (S::Submitted, ApplicationAction::Accept) => Ok((
            S::Accepted,
            deadlines(vec![(RULING, RULING_PERIOD, today)], vec![ACCEPTANCE]),
        )),
        (S::Submitted, ApplicationAction::RefuseAcceptance { .. }) => {
            Ok((S::NotAccepted, deadlines(vec![], vec![ACCEPTANCE])))
        }
        (S::Accepted, ApplicationAction::Extend { .. }) if state.extended => Err(refuse(
            "already_extended",
            Some("R10"),
            "the review can be extended once, by 10 days",
        )),
        (S::Accepted, ApplicationAction::Extend { .. }) => {
            let accepted_on = state.accepted_on.unwrap_or(today);
            Ok((
                S::Accepted,
                deadlines(vec![(RULING, EXTENDED_RULING_PERIOD, accepted_on)], vec![]),
            ))
        }
        (S::Accepted, ApplicationAction::Confirm { ruling_date, .. }) => {
            let earliest = state.accepted_on.unwrap_or(today);
            if *ruling_date < earliest || *ruling_date > today {
                return Err(refuse(
                    "ruling_date_out_of_range",
                    None,
                    format!("the ruling is dated between the acceptance ({earliest}) and today"),
                ));
            }
            Ok((S::Confirmed, deadlines(vec![], vec![RULING])))
        }
        (S::Accepted, ApplicationAction::Refuse { .. }) => {
            Ok((S::Refused, deadlines(vec![], vec![RULING])))
        }
        (S::Submitted | S::Accepted, ApplicationAction::Withdraw { .. }) => {
            Ok((S::Withdrawn, deadlines(vec![], vec![ACCEPTANCE, RULING])))
        }
        (S::Submitted | S::Accepted, ApplicationAction::Void) => {
            Ok((S::Voided, deadlines(vec![], vec![ACCEPTANCE, RULING])))
        }
        (status, _) => Err(refuse(
            "invalid_transition",
            None,
            format!(
                "{} is not possible while the application is {}",
                kind.as_str(),
                status.as_str()
            ),
        )),
    }
}

/// The decisions a court may take now on an application in `state` (R10, R13): each one the
/// machine allows on `today` with well-formed input. Withdrawal is the applicants' and voiding
/// the platform's; neither is offered to the court.
pub fn decisions(state: &ApplicationState, today: NaiveDate) -> Vec<ApplicationActionKind> {
    let reason = || Reason::parse("-").ok();
    let (Some(reason), Ok(approver), Ok(ruling)) = (
        reason(),
        Approver::parse("-"),
        RulingNumber::parse("(2026)辽02民特1号"),
    ) else {
        return Vec::new();
    };
    let samples = [
        ApplicationAction::Accept,
        ApplicationAction::RefuseAcceptance {
            reason: reason.clone(),
        },
        ApplicationAction::Extend {
            approved_by: approver,
            reason,
        },
        ApplicationAction::Confirm {
            ruling_number: ruling,
            ruling_date: today,
        },
        ApplicationAction::Refuse {
            ground: RefusalGround::UnclearContent,
            reason: None,
        },
    ];
    samples
        .iter()
        .filter(|action| apply(state, action, today).is_ok())
        .map(ApplicationAction::kind)
        .collect()
}

/// R10: an extension of the review and who approved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub approved_by: String,
    pub reason: String,
}
