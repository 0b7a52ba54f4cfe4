//! When the parties may apply for confirmation: jointly, within 30 days of the agreement taking
//! effect, to an eligible court, with nothing pending (R8); an agreement deciding ownership or
//! validity of a right is not confirmed (R12).
use chrono::NaiveDate;

use crate::calendar::Period;
use crate::case::{CaseStatus, Refusal, refuse};
use crate::validation::{Invalid, ValidationErrors};

/// R8, R14: the parties apply within 30 days of the agreement taking effect.
pub const APPLICATION_WINDOW: Period = Period::CalendarDays(30);

/// What the application check needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationFacts {
    pub status: CaseStatus,
    /// A confirmation ruling already made the agreement enforceable.
    pub enforceable: bool,
    /// The agreement took effect (R6).
    pub agreement_effective: bool,
    /// R12: the agreement decides ownership or validity of an IP right.
    pub decides_ownership_or_validity: bool,
    /// The last day of the R8 window, on the working-day calendar (R30).
    pub window_last_day: NaiveDate,
    pub today: NaiveDate,
    /// Every party of the case, by number.
    pub parties: Vec<u32>,
    /// The parties whose consent to the joint application is recorded.
    pub consenting: Vec<u32>,
    /// The court is among the eligible ones (R9, R14).
    pub court_eligible: bool,
    /// An application of the case is still before a court.
    pub pending_application: bool,
}

/// Whether the parties may apply for confirmation now.
///
/// # Errors
/// In the order a mediator would fix them: `invalid_transition` (not settled),
/// `already_confirmed`, `not_confirmable` (R12), `confirmation_window_closed` (R8),
/// `application_pending`, `ineligible_court` (R9), `joint_application_required` (R8).
pub fn check_application(facts: &ApplicationFacts) -> Result<(), Refusal> {
    if facts.status != CaseStatus::Settled || !facts.agreement_effective {
        return Err(refuse(
            "invalid_transition",
            Some("R8"),
            "only a settled case's effective agreement can be sent for judicial confirmation",
        ));
    }
    if facts.enforceable {
        return Err(refuse(
            "already_confirmed",
            None,
            "the agreement has already been judicially confirmed",
        ));
    }
    // R12: an agreement deciding ownership or validity of an IP right (确权) is not confirmable.
    if facts.decides_ownership_or_validity {
        return Err(refuse(
            "not_confirmable",
            Some("R12"),
            "the agreement decides ownership or validity of an IP right and cannot be judicially confirmed",
        ));
    }
    // R8: within 30 days of the agreement taking effect (last day moved off a day off, R30).
    if facts.today > facts.window_last_day {
        return Err(refuse(
            "confirmation_window_closed",
            Some("R8"),
            format!(
                "the 30-day window for judicial confirmation ended on {}",
                facts.window_last_day
            ),
        ));
    }
    if facts.pending_application {
        return Err(refuse(
            "application_pending",
            None,
            "an application for this case is already before a court; withdraw it first",
        ));
    }
    if !facts.court_eligible {
        return Err(refuse(
            "ineligible_court",
            Some("R9"),
            "this court may not confirm the agreement; choose one of the eligible courts",
        ));
    }
    // R8: the parties apply jointly — each one's consent is recorded.
    match missing_consents(&facts.parties, &facts.consenting) {
        None => Ok(()),
        Some(missing) => Err(refuse(
            "joint_application_required",
            Some("R8"),
            format!("the parties apply jointly: record the consent of party {missing}"),
        )),
    }
}

/// The parties (of `parties`) whose consent is not among `consenting`, listed for a message;
/// `None` when every party consented.
pub fn missing_consents(parties: &[u32], consenting: &[u32]) -> Option<String> {
    let missing: Vec<String> = parties
        .iter()
        .filter(|p| !consenting.contains(p))
        .map(u32::to_string)
        .collect();
    (!missing.is_empty()).then(|| missing.join(", "))
}

/// The parties' consents as requested: party numbers, each once.
///
/// # Errors
/// `consents` empty; `consents[i]` repeated.
pub fn parse_consents(parties: &[u32]) -> Result<Vec<u32>, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let consents = consenting_parties(
        parties,
        "record each party's consent to the joint application (R8)",
        &mut errors,
    );
    if errors.is_empty() {
        Ok(consents)
    } else {
        Err(errors)
    }
}

/// The parties listed under `consents` (each once; at least one, else `required` says what
/// to record), collecting the errors in `errors`.
pub(crate) fn consenting_parties(
    parties: &[u32],
    required: &str,
    errors: &mut ValidationErrors,
) -> Vec<u32> {
    if parties.is_empty() {
        errors.push("consents", Invalid::new("required", required));
    }
    let mut seen = Vec::with_capacity(parties.len());
    for (i, party) in parties.iter().enumerate() {
        if seen.contains(party) {
            errors.push(
                &format!("consents[{i}]"),
                Invalid::new("duplicate", "listed twice"),
            );
        } else {
            seen.push(*party);
        }
    }
    seen
}
