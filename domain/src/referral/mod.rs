//! Cross-city referrals between partner nodes under cooperation agreements (R26, R28).
//!
//! A referral is sent by one node (the *sender*) to a partner node (the *receiver*). Both nodes
//! keep a copy; every step is taken on one side and reaches the other as a federation message,
//! and both copies move through the same state machine ([`advance`]). The receiver answers
//! (acknowledge, request information, accept, decline, report progress and the outcome); the
//! sender only supplies information it was asked for.
pub mod cooperation_agreement;
pub mod deadlines;
pub mod partner;

use crate::case::{Refusal, refuse};

pub use cooperation_agreement::{AgreementScope, AgreementStatus, NodeId, ResponseDays};

named_enum! {
    /// What a referral asks of the partner (R28: the kinds of cooperation agreed).
    pub enum ReferralKind {
        ClueTransfer = "clue_transfer",
        CaseTransfer = "case_transfer",
        InvestigationAssistance = "investigation_assistance",
        JointMediation = "joint_mediation",
        DocumentService = "document_service",
        /// A suspected crime handed on for transfer to the police (R26).
        CrimeTransfer = "crime_transfer",
    }
}

named_enum! {
    /// Where a referral stands, the same on both nodes.
    pub enum ReferralStatus {
        Sent = "sent",
        Acknowledged = "acknowledged",
        /// The receiver asked the sender for information; its decision clock is paused.
        InformationRequested = "information_requested",
        Accepted = "accepted",
        Declined = "declined",
        /// The outcome was reported.
        Concluded = "concluded",
    }
}

named_enum! {
    /// Why a receiver declines a referral.
    pub enum DeclineReason {
        NoJurisdiction = "no_jurisdiction",
        OutOfScope = "out_of_scope",
        Duplicate = "duplicate",
    }
}

named_enum! {
    /// How a referral ended at the receiver.
    pub enum Outcome {
        Mediated = "mediated",
        Penalised = "penalised",
        ConfirmedByCourt = "confirmed_by_court",
        Closed = "closed",
        Transferred = "transferred",
    }
}

named_enum! {
    /// Milestones a progress report may record; the R26 ones move a crime transfer's clocks.
    pub enum Milestone {
        TransferredToPolice = "transferred_to_police",
        PoliceDecided = "police_decided",
    }
}

named_enum! {
    /// Which way a referral goes, seen from this node.
    pub enum Direction {
        Outgoing = "outgoing",
        Incoming = "incoming",
    }
}

named_enum! {
    /// The steps of a referral's life, as recorded on its timeline and sent between nodes.
    pub enum StepKind {
        Referred = "referred",
        Acknowledged = "acknowledged",
        InformationRequested = "information_requested",
        InformationProvided = "information_provided",
        Accepted = "accepted",
        Declined = "declined",
        ProgressReported = "progress_reported",
        OutcomeReported = "outcome_reported",
    }
}

/// The two ends of a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Sender,
    Receiver,
}

impl Direction {
    /// Which end this node is.
    pub fn local_end(self) -> End {
        match self {
            Self::Outgoing => End::Sender,
            Self::Incoming => End::Receiver,
        }
    }
}

impl StepKind {
    /// Which end takes this step.
    pub fn taken_by(self) -> End {
        match self {
            Self::Referred | Self::InformationProvided => End::Sender,
            _ => End::Receiver,
        }
    }
}

/// The status after `step`, or why the step is not possible now.
///
/// # Errors
/// `referral_step_not_allowed` when the step does not follow from `status`.
pub fn advance(status: ReferralStatus, step: StepKind) -> Result<ReferralStatus, Refusal> {
    use ReferralStatus as S;
    use StepKind as K;
    let next = match (status, step) {
        (S::Sent, K::Acknowledged) => Some(S::Acknowledged),
        (S::Sent | S::Acknowledged, K::InformationRequested) => Some(S::InformationRequested),
        (S::InformationRequested, K::InformationProvided) => Some(S::Acknowledged),
        // Accepting or declining at once also acknowledges.
        (S::Sent | S::Acknowledged, K::Accepted) => Some(S::Accepted),
        (S::Sent | S::Acknowledged | S::InformationRequested, K::Declined) => Some(S::Declined),
        (S::Accepted, K::ProgressReported) => Some(S::Accepted),
        (S::Accepted, K::OutcomeReported) => Some(S::Concluded),
        _ => None,
    };
    next.ok_or_else(|| {
        refuse(
            "referral_step_not_allowed",
            None,
            format!("a referral that is {status} cannot be {step}"),
        )
    })
}

/// Whether a local user at `local_end` may take `step` (the other end's steps arrive only as
/// messages from the partner).
///
/// # Errors
/// `not_your_step` naming who takes it.
pub fn check_local_end(local_end: End, step: StepKind) -> Result<(), Refusal> {
    if step.taken_by() == local_end {
        return Ok(());
    }
    let who = match step.taken_by() {
        End::Sender => "the sending node",
        End::Receiver => "the receiving node",
    };
    Err(refuse(
        "not_your_step",
        None,
        format!("only {who} can record that a referral was {step}"),
    ))
}

/// The steps a local user at `local_end` may take now on a referral that is `status`: those
/// that follow ([`advance`]) and are this end's to take ([`check_local_end`]).
pub fn offered(status: ReferralStatus, local_end: End) -> Vec<StepKind> {
    StepKind::ALL
        .iter()
        .copied()
        .filter(|step| *step != StepKind::Referred)
        .filter(|step| advance(status, *step).is_ok() && check_local_end(local_end, *step).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_receiver_is_offered_its_answers_and_the_sender_only_the_information() {
        use ReferralStatus as S;
        use StepKind as K;
        assert_eq!(
            offered(S::Sent, End::Receiver),
            vec![
                K::Acknowledged,
                K::InformationRequested,
                K::Accepted,
                K::Declined
            ]
        );
        assert_eq!(offered(S::Sent, End::Sender), Vec::<StepKind>::new());
        assert_eq!(
            offered(S::InformationRequested, End::Sender),
            vec![K::InformationProvided]
        );
        assert_eq!(
            offered(S::InformationRequested, End::Receiver),
            vec![K::Declined]
        );
        assert_eq!(
            offered(S::Accepted, End::Receiver),
            vec![K::ProgressReported, K::OutcomeReported]
        );
        assert_eq!(offered(S::Concluded, End::Receiver), Vec::<StepKind>::new());
        assert_eq!(offered(S::Declined, End::Sender), Vec::<StepKind>::new());
    }

    #[test]
    fn every_status_and_step_pair_follows_the_diagram() {
        use ReferralStatus as S;
        use StepKind as K;
        let allowed = [
            (S::Sent, K::Acknowledged, S::Acknowledged),
            (S::Sent, K::InformationRequested, S::InformationRequested),
            (
                S::Acknowledged,
                K::InformationRequested,
                S::InformationRequested,
            ),
            (
                S::InformationRequested,
                K::InformationProvided,
                S::Acknowledged,
            ),
            (S::Sent, K::Accepted, S::Accepted),
            (S::Acknowledged, K::Accepted, S::Accepted),
            (S::Sent, K::Declined, S::Declined),
            (S::Acknowledged, K::Declined, S::Declined),
            (S::InformationRequested, K::Declined, S::Declined),
            (S::Accepted, K::ProgressReported, S::Accepted),
            (S::Accepted, K::OutcomeReported, S::Concluded),
        ];
        for status in S::ALL {
            for step in K::ALL {
                let expected = allowed
                    .iter()
                    .find(|(s, k, _)| s == status && k == step)
                    .map(|(_, _, to)| *to);
                match advance(*status, *step) {
                    Ok(to) => assert_eq!(Some(to), expected, "{status} --{step}-->"),
                    Err(refusal) => {
                        assert_eq!(expected, None, "{status} --{step}--> refused");
                        assert_eq!(refusal.code, "referral_step_not_allowed");
                    }
                }
            }
        }
    }

    #[test]
    fn only_the_sender_supplies_information_and_only_the_receiver_answers() {
        assert!(check_local_end(End::Sender, StepKind::InformationProvided).is_ok());
        assert!(check_local_end(End::Receiver, StepKind::InformationProvided).is_err());
        for step in [
            StepKind::Acknowledged,
            StepKind::Accepted,
            StepKind::Declined,
            StepKind::InformationRequested,
            StepKind::ProgressReported,
            StepKind::OutcomeReported,
        ] {
            assert!(check_local_end(End::Receiver, step).is_ok());
            assert_eq!(
                check_local_end(End::Sender, step).unwrap_err().code,
                "not_your_step"
            );
        }
    }

    #[test]
    fn declined_and_concluded_referrals_take_no_further_step() {
        for step in StepKind::ALL {
            assert!(advance(ReferralStatus::Declined, *step).is_err());
            assert!(advance(ReferralStatus::Concluded, *step).is_err());
        }
    }
}
