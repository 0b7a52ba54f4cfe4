//! The case lifecycle as a pure state machine.
//!
//! ```text
//! submitted ──accept──▶ accepted ──start_mediation (consent, R2)──▶ in_mediation
//!     │                    │                                         │ │ │
//!  decline            decline (consent refused, R2)         settle (R6) fail (R4) withdraw (R2)
//!     ▼                    ▼                                         ▼   ▼    ▼
//!  declined ◀──────────────┘                                    settled failed withdrawn
//!                                                                  │
//!                                                  record_performance (R7)
//!                                                           ▼          ▼
//!                                                      performed   breached
//! settled ──reopen_mediation (the parties amend the agreement; not once confirmed)──▶ in_mediation
//! submitted, accepted, in_mediation ──return_to_court (court tracks, R15 term over)──▶ returned
//! declined, failed, withdrawn, performed, breached, returned ──close──▶ closed (read-only, R5)
//! ```
//! `record_consent` keeps the status and records the respondent's answer (once). On the
//! `admin_patent` track the case is only accepted once the respondent has agreed (R19).
use crate::case::{CaseStatus, Consent, Performance, Refusal, Route, Side, Track, refuse};
use crate::validation::{Invalid, bounded_text};

named_enum! {
    /// The operations that move a case.
    pub enum ActionKind {
        Accept = "accept_case",
        Decline = "decline_case",
        RecordConsent = "record_consent",
        StartMediation = "start_mediation",
        Settle = "settle_case",
        Fail = "fail_mediation",
        Withdraw = "withdraw_case",
        RecordPerformance = "record_performance",
        ReopenMediation = "reopen_mediation",
        ReturnToCourt = "return_to_court",
        Close = "close_case",
    }
}

/// A reason in words, 1 to 2000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    /// # Errors
    /// Blank or too long.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        bounded_text(input, 2000).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An operation with what it records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseAction {
    Accept,
    Decline {
        reason: Reason,
    },
    RecordConsent {
        consent: bool,
    },
    StartMediation,
    /// Only through the settlement agreement taking effect (R6).
    Settle,
    Fail {
        reason: Reason,
        routes: Vec<Route>,
    },
    Withdraw {
        by: Side,
        reason: Reason,
    },
    RecordPerformance {
        outcome: Performance,
        note: Option<Reason>,
    },
    /// The parties amend the settled agreement and mediate again; the signed one is archived
    /// and an application still before a court is voided.
    ReopenMediation {
        reason: Reason,
    },
    /// R15: the court's term ran out without a settlement (done by the platform).
    ReturnToCourt,
    Close,
}

impl CaseAction {
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::Accept => ActionKind::Accept,
            Self::Decline { .. } => ActionKind::Decline,
            Self::RecordConsent { .. } => ActionKind::RecordConsent,
            Self::StartMediation => ActionKind::StartMediation,
            Self::Settle => ActionKind::Settle,
            Self::Fail { .. } => ActionKind::Fail,
            Self::Withdraw { .. } => ActionKind::Withdraw,
            Self::RecordPerformance { .. } => ActionKind::RecordPerformance,
            Self::ReopenMediation { .. } => ActionKind::ReopenMediation,
            Self::ReturnToCourt => ActionKind::ReturnToCourt,
            Self::Close => ActionKind::Close,
        }
    }
}

/// What the machine needs to know about a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub status: CaseStatus,
    pub track: Track,
    pub consent: Consent,
    /// Every required party and the mediator have signed the agreement (R6).
    pub agreement_effective: bool,
    /// A court confirmed the agreement: it is enforceable and can no longer be reopened.
    pub enforceable: bool,
}

/// The result of an allowed action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub to: CaseStatus,
    pub consent: Consent,
}

/// R5: a closed case is read-only — its file is complete and archived.
///
/// # Errors
/// `case_closed`.
pub fn check_not_closed(status: CaseStatus) -> Result<(), Refusal> {
    if status == CaseStatus::Closed {
        Err(refuse(
            "case_closed",
            Some("R5"),
            "the case is closed and read-only",
        ))
    } else {
        Ok(())
    }
}

/// Applies `action` to a case described by `facts`.
///
/// # Errors
/// The precondition that fails, with its rule.
pub fn apply(facts: &Facts, action: &CaseAction) -> Result<Change, Refusal> {
    use CaseStatus as S;
    let kind = action.kind();
    check_not_closed(facts.status)?;
    let keep = |to| {
        Ok(Change {
            to,
            consent: facts.consent,
        })
    };
    let wrong_state = || {
        Err(refuse(
            "invalid_transition",
            None,
            format!(
                "{} is not possible while the case is {}",
                kind.as_str(),
                facts.status.as_str()
            ),
        ))
    };
    match (facts.status, action) {
        (S::Submitted, CaseAction::Accept) => {
            // R19: administrative patent mediation opens only if the respondent agrees.
            if facts.track == Track::AdminPatent && facts.consent != Consent::Given {
                Err(refuse(
                    "respondent_consent_required",
                    Some("R19"),
                    "an administrative patent case is accepted only once the respondent has agreed to mediation",
                ))
            } else {
                keep(S::Accepted)
            }
        }
        (S::Submitted, CaseAction::Decline { .. }) => keep(S::Declined),
        // R2: without the respondent's consent there is no mediation.
        (S::Accepted, CaseAction::Decline { .. }) if facts.consent == Consent::Refused => {
            keep(S::Declined)
        }
        (S::Accepted, CaseAction::Decline { .. }) => Err(refuse(
            "invalid_transition",
            Some("R2"),
            "an accepted case is declined only when the respondent refused mediation",
        )),
        (S::Submitted | S::Accepted, CaseAction::RecordConsent { consent }) => {
            if facts.consent == Consent::Pending {
                Ok(Change {
                    to: facts.status,
                    consent: if *consent {
                        Consent::Given
                    } else {
                        Consent::Refused
                    },
                })
            } else {
                Err(refuse(
                    "consent_already_recorded",
                    Some("R2"),
                    "the respondent's answer is already recorded",
                ))
            }
        }
        (S::Accepted, CaseAction::StartMediation) => match facts.consent {
            Consent::Given => keep(S::InMediation),
            Consent::Pending => Err(refuse(
                "consent_required",
                Some("R2"),
                "mediation is voluntary: record the respondent's consent first",
            )),
            Consent::Refused => Err(refuse(
                "consent_refused",
                Some("R2"),
                "the respondent refused mediation; decline the case",
            )),
        },
        (S::InMediation, CaseAction::Settle) if facts.agreement_effective => keep(S::Settled),
        (S::InMediation, CaseAction::Settle) => Err(refuse(
            "agreement_not_effective",
            Some("R6"),
            "a case is settled when every party and the mediator have signed the agreement",
        )),
        // R4: the routes the parties were told of are recorded.
        (S::InMediation, CaseAction::Fail { routes, .. }) if routes.is_empty() => Err(refuse(
            "routes_required",
            Some("R4"),
            "record which routes (arbitration, administrative, litigation) the parties were told of",
        )),
        (S::InMediation, CaseAction::Fail { .. }) => keep(S::Failed),
        (S::InMediation, CaseAction::Withdraw { .. }) => keep(S::Withdrawn),
        (S::Settled, CaseAction::RecordPerformance { outcome, .. }) => keep(match outcome {
            Performance::Performed => S::Performed,
            Performance::Breached => S::Breached,
        }),
        (S::Settled, CaseAction::ReopenMediation { .. }) if facts.enforceable => Err(refuse(
            "already_confirmed",
            None,
            "a judicially confirmed agreement cannot be reopened; its performance goes to enforcement (R7)",
        )),
        (S::Settled, CaseAction::ReopenMediation { .. }) => keep(S::InMediation),
        // R15: at the end of its term an unsettled court-referred case goes back to the court.
        (S::Submitted | S::Accepted | S::InMediation, CaseAction::ReturnToCourt)
            if facts.track.is_court() =>
        {
            keep(S::Returned)
        }
        (
            S::Declined | S::Failed | S::Withdrawn | S::Performed | S::Breached | S::Returned,
            CaseAction::Close,
        ) => keep(S::Closed),
        _ => wrong_state(),
    }
}

/// The actions a person may take now on a case described by `facts`: each action the machine
/// allows with well-formed input. Settling is not offered (it follows from the agreement taking
/// effect, R6), nor the return to court at the end of its term (the platform's, R15).
pub fn offered(facts: &Facts) -> Vec<ActionKind> {
    let reason = Reason(String::from("-"));
    let samples = [
        CaseAction::Accept,
        CaseAction::Decline {
            reason: reason.clone(),
        },
        CaseAction::RecordConsent { consent: true },
        CaseAction::StartMediation,
        CaseAction::Fail {
            reason: reason.clone(),
            routes: vec![crate::case::Route::Litigation],
        },
        CaseAction::Withdraw {
            by: crate::case::Side::Applicant,
            reason: reason.clone(),
        },
        CaseAction::RecordPerformance {
            outcome: Performance::Performed,
            note: None,
        },
        CaseAction::ReopenMediation { reason },
        CaseAction::Close,
    ];
    samples
        .iter()
        .filter(|action| apply(facts, action).is_ok())
        .map(CaseAction::kind)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reason() -> Reason {
        Reason::parse("理由").unwrap()
    }

    /// One action of each kind.
    fn sample(kind: ActionKind) -> CaseAction {
        match kind {
            ActionKind::Accept => CaseAction::Accept,
            ActionKind::Decline => CaseAction::Decline { reason: reason() },
            ActionKind::RecordConsent => CaseAction::RecordConsent { consent: true },
            ActionKind::StartMediation => CaseAction::StartMediation,
            ActionKind::Settle => CaseAction::Settle,
            ActionKind::Fail => CaseAction::Fail {
                reason: reason(),
                routes: vec![Route::Litigation],
            },
            ActionKind::Withdraw => CaseAction::Withdraw {
                by: Side::Applicant,
                reason: reason(),
            },
            ActionKind::RecordPerformance => CaseAction::RecordPerformance {
                outcome: Performance::Performed,
                note: None,
            },
            ActionKind::ReopenMediation => CaseAction::ReopenMediation { reason: reason() },
            ActionKind::ReturnToCourt => CaseAction::ReturnToCourt,
            ActionKind::Close => CaseAction::Close,
        }
    }

    /// Every legal edge, written out by hand: (from, action) → to, on a court-delegated case with
    /// consent given and the agreement effective (the preconditions are tested separately below).
    const EDGES: &[(CaseStatus, ActionKind, CaseStatus)] = {
        use ActionKind as A;
        use CaseStatus as S;
        &[
            (S::Submitted, A::Accept, S::Accepted),
            (S::Submitted, A::Decline, S::Declined),
            (S::Accepted, A::StartMediation, S::InMediation),
            (S::InMediation, A::Settle, S::Settled),
            (S::InMediation, A::Fail, S::Failed),
            (S::InMediation, A::Withdraw, S::Withdrawn),
            (S::Settled, A::RecordPerformance, S::Performed),
            (S::Settled, A::ReopenMediation, S::InMediation),
            (S::Submitted, A::ReturnToCourt, S::Returned),
            (S::Accepted, A::ReturnToCourt, S::Returned),
            (S::InMediation, A::ReturnToCourt, S::Returned),
            (S::Returned, A::Close, S::Closed),
            (S::Declined, A::Close, S::Closed),
            (S::Failed, A::Close, S::Closed),
            (S::Withdrawn, A::Close, S::Closed),
            (S::Performed, A::Close, S::Closed),
            (S::Breached, A::Close, S::Closed),
        ]
    };

    #[test]
    fn every_state_and_action_is_allowed_exactly_along_the_edges() {
        for status in CaseStatus::ALL {
            for kind in ActionKind::ALL {
                let facts = Facts {
                    status: *status,
                    track: Track::CourtDelegated,
                    consent: Consent::Given,
                    agreement_effective: true,
                    enforceable: false,
                };
                let result = apply(&facts, &sample(*kind));
                let expected = EDGES
                    .iter()
                    .find(|(f, a, _)| f == status && a == kind)
                    .map(|(_, _, to)| *to);
                match (expected, result) {
                    (Some(to), Ok(change)) => assert_eq!(change.to, to, "{status} × {kind}"),
                    (None, Err(refusal)) => {
                        let expected_code = match (status, kind) {
                            (CaseStatus::Closed, _) => "case_closed",
                            (
                                CaseStatus::Submitted | CaseStatus::Accepted,
                                ActionKind::RecordConsent,
                            ) => "consent_already_recorded",
                            _ => "invalid_transition",
                        };
                        assert_eq!(refusal.code, expected_code, "{status} × {kind}");
                    }
                    (expected, result) => {
                        panic!("{status} × {kind}: expected {expected:?}, got {result:?}")
                    }
                }
            }
        }
    }

    #[test]
    fn consent_is_recorded_once_before_mediation_and_keeps_the_status() {
        for status in [CaseStatus::Submitted, CaseStatus::Accepted] {
            let facts = Facts {
                status,
                track: Track::People,
                consent: Consent::Pending,
                agreement_effective: false,
                enforceable: false,
            };
            let given = apply(&facts, &CaseAction::RecordConsent { consent: true }).unwrap();
            assert_eq!(
                given,
                Change {
                    to: status,
                    consent: Consent::Given
                }
            );
            let refused = apply(&facts, &CaseAction::RecordConsent { consent: false }).unwrap();
            assert_eq!(refused.consent, Consent::Refused);
        }
    }

    #[test]
    fn mediation_needs_the_respondents_consent_r2() {
        let facts = |consent| Facts {
            status: CaseStatus::Accepted,
            track: Track::People,
            consent,
            agreement_effective: false,
            enforceable: false,
        };
        let pending = apply(&facts(Consent::Pending), &CaseAction::StartMediation).unwrap_err();
        assert_eq!(
            (pending.code, pending.rule),
            ("consent_required", Some("R2"))
        );
        let refused = apply(&facts(Consent::Refused), &CaseAction::StartMediation).unwrap_err();
        assert_eq!(refused.code, "consent_refused");
        // …and a refused case may then be declined, but not an agreeing one.
        assert!(
            apply(
                &facts(Consent::Refused),
                &CaseAction::Decline { reason: reason() }
            )
            .is_ok()
        );
        assert!(
            apply(
                &facts(Consent::Given),
                &CaseAction::Decline { reason: reason() }
            )
            .is_err()
        );
    }

    #[test]
    fn an_administrative_patent_case_is_accepted_only_after_the_respondent_agrees_r19() {
        let facts = |consent| Facts {
            status: CaseStatus::Submitted,
            track: Track::AdminPatent,
            consent,
            agreement_effective: false,
            enforceable: false,
        };
        let refusal = apply(&facts(Consent::Pending), &CaseAction::Accept).unwrap_err();
        assert_eq!(
            (refusal.code, refusal.rule),
            ("respondent_consent_required", Some("R19"))
        );
        assert!(apply(&facts(Consent::Given), &CaseAction::Accept).is_ok());
    }

    #[test]
    fn settlement_needs_the_effective_agreement_r6_and_failure_needs_the_routes_r4() {
        let facts = Facts {
            status: CaseStatus::InMediation,
            track: Track::People,
            consent: Consent::Given,
            agreement_effective: false,
            enforceable: false,
        };
        assert_eq!(
            apply(&facts, &CaseAction::Settle).unwrap_err().rule,
            Some("R6")
        );
        let no_routes = CaseAction::Fail {
            reason: reason(),
            routes: vec![],
        };
        assert_eq!(apply(&facts, &no_routes).unwrap_err().rule, Some("R4"));
    }

    #[test]
    fn a_breached_agreement_is_recorded_r7() {
        let facts = Facts {
            status: CaseStatus::Settled,
            track: Track::People,
            consent: Consent::Given,
            agreement_effective: true,
            enforceable: false,
        };
        let breached = CaseAction::RecordPerformance {
            outcome: Performance::Breached,
            note: None,
        };
        assert_eq!(apply(&facts, &breached).unwrap().to, CaseStatus::Breached);
    }

    #[test]
    fn only_court_referred_cases_return_to_the_court_r15() {
        for track in Track::ALL {
            let facts = Facts {
                status: CaseStatus::InMediation,
                track: *track,
                consent: Consent::Given,
                agreement_effective: false,
                enforceable: false,
            };
            assert_eq!(
                apply(&facts, &CaseAction::ReturnToCourt).is_ok(),
                track.is_court(),
                "{track}"
            );
        }
    }

    #[test]
    fn a_confirmed_agreement_cannot_be_reopened() {
        let facts = Facts {
            status: CaseStatus::Settled,
            track: Track::People,
            consent: Consent::Given,
            agreement_effective: true,
            enforceable: true,
        };
        let reopen = CaseAction::ReopenMediation { reason: reason() };
        assert_eq!(
            apply(&facts, &reopen).unwrap_err().code,
            "already_confirmed"
        );
        let unconfirmed = Facts {
            enforceable: false,
            ..facts
        };
        assert_eq!(
            apply(&unconfirmed, &reopen).unwrap().to,
            CaseStatus::InMediation
        );
    }

    #[test]
    fn every_state_is_reachable_from_submission_and_can_still_reach_closed() {
        // The edges above, plus the other performance outcome.
        let edges: Vec<(CaseStatus, CaseStatus)> = EDGES
            .iter()
            .map(|(from, _, to)| (*from, *to))
            .chain([(CaseStatus::Settled, CaseStatus::Breached)])
            .collect();
        let reach = |start: CaseStatus| {
            let mut seen = vec![start];
            let mut i = 0;
            while i < seen.len() {
                for (from, to) in &edges {
                    if *from == seen[i] && !seen.contains(to) {
                        seen.push(*to);
                    }
                }
                i += 1;
            }
            seen
        };
        let from_submission = reach(CaseStatus::Submitted);
        assert_eq!(from_submission.len(), CaseStatus::ALL.len());
        for state in from_submission {
            assert!(
                reach(state).contains(&CaseStatus::Closed),
                "{state} cannot reach closed"
            );
        }
    }

    fn any_action() -> impl Strategy<Value = CaseAction> {
        (0..ActionKind::ALL.len(), any::<bool>()).prop_map(|(i, flag)| {
            match sample(ActionKind::ALL[i]) {
                CaseAction::RecordConsent { .. } => CaseAction::RecordConsent { consent: flag },
                CaseAction::RecordPerformance { note, .. } => CaseAction::RecordPerformance {
                    outcome: if flag {
                        Performance::Performed
                    } else {
                        Performance::Breached
                    },
                    note,
                },
                other => other,
            }
        })
    }

    proptest! {
        #[test]
        fn random_histories_keep_the_invariants(
            actions in prop::collection::vec(any_action(), 0..40),
            track in 0usize..3,
            signed_at in 0usize..40,
        ) {
            let track = [Track::AdminPatent, Track::People, Track::CourtDelegated][track];
            let mut facts = Facts { status: CaseStatus::Submitted, track, consent: Consent::Pending, agreement_effective: false, enforceable: false };
            for (i, action) in actions.iter().enumerate() {
                facts.agreement_effective = i >= signed_at;
                let before = facts;
                match apply(&facts, action) {
                    Ok(change) => {
                        prop_assert_ne!(before.status, CaseStatus::Closed, "closed is final (R5)");
                        if change.to == CaseStatus::InMediation {
                            prop_assert_eq!(change.consent, Consent::Given, "no mediation without consent (R2)");
                        }
                        if change.to == CaseStatus::Settled {
                            prop_assert!(before.agreement_effective, "settled only by an effective agreement (R6)");
                        }
                        if change.to == CaseStatus::Returned {
                            prop_assert!(track.is_court(), "only court cases return to the court (R15)");
                        }
                        if change.to == CaseStatus::Accepted && track == Track::AdminPatent {
                            prop_assert_eq!(change.consent, Consent::Given, "R19");
                        }
                        if before.consent != Consent::Pending {
                            prop_assert_eq!(change.consent, before.consent, "consent is recorded once");
                        }
                        facts.status = change.to;
                        facts.consent = change.consent;
                    }
                    Err(_) => prop_assert_eq!(facts, before, "a refused action changes nothing"),
                }
            }
        }
    }

    #[test]
    fn only_what_the_machine_allows_now_is_offered_and_never_settling_or_the_return() {
        let facts = |status, consent| Facts {
            status,
            track: Track::People,
            consent,
            agreement_effective: false,
            enforceable: false,
        };
        use ActionKind as A;
        assert_eq!(
            offered(&facts(CaseStatus::Submitted, Consent::Pending)),
            [A::Accept, A::Decline, A::RecordConsent]
        );
        assert_eq!(
            offered(&facts(CaseStatus::Accepted, Consent::Given)),
            [A::StartMediation]
        );
        assert_eq!(
            offered(&facts(CaseStatus::Accepted, Consent::Pending)),
            [A::RecordConsent]
        );
        // R2: declined once the respondent refused.
        assert_eq!(
            offered(&facts(CaseStatus::Accepted, Consent::Refused)),
            [A::Decline]
        );
        assert_eq!(
            offered(&facts(CaseStatus::InMediation, Consent::Given)),
            [A::Fail, A::Withdraw]
        );
        assert_eq!(
            offered(&facts(CaseStatus::Settled, Consent::Given)),
            [A::RecordPerformance, A::ReopenMediation]
        );
        assert_eq!(
            offered(&facts(CaseStatus::Failed, Consent::Given)),
            [A::Close]
        );
        // R5: nothing on a closed case.
        assert_eq!(offered(&facts(CaseStatus::Closed, Consent::Given)), []);
        for status in CaseStatus::ALL {
            for consent in [Consent::Pending, Consent::Given, Consent::Refused] {
                let kinds = offered(&facts(*status, consent));
                assert!(!kinds.contains(&A::Settle) && !kinds.contains(&A::ReturnToCourt));
            }
        }
    }
}
