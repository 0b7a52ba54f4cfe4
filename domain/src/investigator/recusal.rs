//! Recusal of an assigned investigator (R24): a party asks, the assignment is suspended, the
//! decision comes within 3 days; after a refusal the party may ask once for reconsideration,
//! also decided within 3 days. A granted recusal ends the assignment.
use crate::case::{Refusal, refuse};
use crate::investigator::AssignmentStatus;

named_enum! {
    /// How far a recusal has gone.
    pub enum RecusalStage {
        None = "none",
        Requested = "requested",
        /// Refused; one reconsideration may still be asked.
        Rejected = "rejected",
        ReconsiderationRequested = "reconsideration_requested",
        /// Refused on reconsideration: no further request.
        Final = "final",
        Granted = "granted",
    }
}

/// An assignment's recusal facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecusalState {
    pub stage: RecusalStage,
    pub status: AssignmentStatus,
}

fn ended() -> Refusal {
    refuse("assignment_ended", None, "the assignment has ended")
}

/// After a request: suspended, with the stage reached; `reconsideration` tells which deadline
/// opens.
///
/// # Errors
/// `assignment_ended`, `recusal_pending`, `reconsideration_used` (R24: only one).
pub fn request(state: RecusalState) -> Result<(RecusalState, bool), Refusal> {
    if state.status == AssignmentStatus::Ended {
        return Err(ended());
    }
    let (stage, reconsideration) = match state.stage {
        RecusalStage::None => (RecusalStage::Requested, false),
        RecusalStage::Rejected => (RecusalStage::ReconsiderationRequested, true),
        RecusalStage::Requested | RecusalStage::ReconsiderationRequested => {
            return Err(refuse(
                "recusal_pending",
                Some("R24"),
                "a recusal request is already pending",
            ));
        }
        RecusalStage::Final | RecusalStage::Granted => {
            return Err(refuse(
                "reconsideration_used",
                Some("R24"),
                "the one reconsideration has been decided",
            ));
        }
    };
    Ok((
        RecusalState {
            stage,
            status: AssignmentStatus::Suspended,
        },
        reconsideration,
    ))
}

/// After the case no longer needs the investigator: the assignment ends.
///
/// # Errors
/// `assignment_ended`, `recusal_pending` (R24: the pending request is decided first).
pub fn release(state: RecusalState) -> Result<RecusalState, Refusal> {
    match state.status {
        AssignmentStatus::Ended => Err(ended()),
        AssignmentStatus::Suspended => Err(refuse(
            "recusal_pending",
            Some("R24"),
            "decide the pending recusal request first",
        )),
        AssignmentStatus::Active => Ok(RecusalState {
            stage: state.stage,
            status: AssignmentStatus::Ended,
        }),
    }
}

/// R24: a suspended investigator stops work until the recusal request is decided.
///
/// # Errors
/// `assignment_suspended`.
pub fn check_may_work(status: AssignmentStatus) -> Result<(), Refusal> {
    if status == AssignmentStatus::Suspended {
        Err(refuse(
            "assignment_suspended",
            Some("R24"),
            "a recusal request is pending: work stops until it is decided",
        ))
    } else {
        Ok(())
    }
}

/// After a decision on the pending request.
///
/// # Errors
/// `no_pending_recusal`.
pub fn decide(state: RecusalState, granted: bool) -> Result<RecusalState, Refusal> {
    let refused_stage = match state.stage {
        RecusalStage::Requested => RecusalStage::Rejected,
        RecusalStage::ReconsiderationRequested => RecusalStage::Final,
        _ => {
            return Err(refuse(
                "no_pending_recusal",
                Some("R24"),
                "there is no pending recusal request",
            ));
        }
    };
    Ok(if granted {
        RecusalState {
            stage: RecusalStage::Granted,
            status: AssignmentStatus::Ended,
        }
    } else {
        RecusalState {
            stage: refused_stage,
            status: AssignmentStatus::Active,
        }
    })
}

/// What may be done to an assignment now (R24), as [`request`], [`decide`] and [`release`]
/// would allow it: a console offers exactly these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offered {
    pub request: bool,
    pub decide: bool,
    pub release: bool,
}

pub fn offered(state: RecusalState) -> Offered {
    Offered {
        request: request(state).is_ok(),
        decide: decide(state, false).is_ok(),
        release: release(state).is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offered_follows_the_steps() {
        let at = |stage, status| offered(RecusalState { stage, status });
        let active = at(RecusalStage::None, AssignmentStatus::Active);
        assert_eq!(
            active,
            Offered {
                request: true,
                decide: false,
                release: true
            }
        );
        let pending = at(RecusalStage::Requested, AssignmentStatus::Suspended);
        assert_eq!(
            pending,
            Offered {
                request: false,
                decide: true,
                release: false
            }
        );
        let rejected = at(RecusalStage::Rejected, AssignmentStatus::Active);
        assert_eq!(
            rejected,
            Offered {
                request: true,
                decide: false,
                release: true
            }
        );
        let final_ = at(RecusalStage::Final, AssignmentStatus::Active);
        assert_eq!(
            final_,
            Offered {
                request: false,
                decide: false,
                release: true
            }
        );
        let ended = at(RecusalStage::Granted, AssignmentStatus::Ended);
        assert_eq!(
            ended,
            Offered {
                request: false,
                decide: false,
                release: false
            }
        );
    }

    fn active() -> RecusalState {
        RecusalState {
            stage: RecusalStage::None,
            status: AssignmentStatus::Active,
        }
    }

    #[test]
    fn a_request_suspends_and_a_grant_ends_the_assignment() {
        let (requested, reconsideration) = request(active()).unwrap();
        assert_eq!(
            (requested.status, reconsideration),
            (AssignmentStatus::Suspended, false)
        );
        assert_eq!(
            decide(requested, true).unwrap(),
            RecusalState {
                stage: RecusalStage::Granted,
                status: AssignmentStatus::Ended
            }
        );
    }

    #[test]
    fn a_refusal_allows_one_reconsideration_only_r24() {
        let (requested, _) = request(active()).unwrap();
        let rejected = decide(requested, false).unwrap();
        assert_eq!(rejected.status, AssignmentStatus::Active);
        let (again, reconsideration) = request(rejected).unwrap();
        assert!(reconsideration);
        let last = decide(again, false).unwrap();
        assert_eq!(last.stage, RecusalStage::Final);
        assert_eq!(request(last).unwrap_err().code, "reconsideration_used");
    }

    #[test]
    fn nothing_is_decided_without_a_request_and_nothing_requested_twice() {
        assert_eq!(
            decide(active(), true).unwrap_err().code,
            "no_pending_recusal"
        );
        let (requested, _) = request(active()).unwrap();
        assert_eq!(request(requested).unwrap_err().code, "recusal_pending");
        let ended = RecusalState {
            stage: RecusalStage::Granted,
            status: AssignmentStatus::Ended,
        };
        assert_eq!(request(ended).unwrap_err().code, "assignment_ended");
    }

    #[test]
    fn a_release_ends_an_active_assignment_only() {
        assert_eq!(
            release(active()).unwrap(),
            RecusalState {
                stage: RecusalStage::None,
                status: AssignmentStatus::Ended
            }
        );
        let (requested, _) = request(active()).unwrap();
        let pending = release(requested).unwrap_err();
        assert_eq!(
            (pending.code, pending.rule),
            ("recusal_pending", Some("R24"))
        );
        let ended = release(active()).unwrap();
        assert_eq!(release(ended).unwrap_err().code, "assignment_ended");
    }

    #[test]
    fn a_suspended_investigator_stops_work_r24() {
        assert_eq!(
            check_may_work(AssignmentStatus::Suspended)
                .unwrap_err()
                .code,
            "assignment_suspended"
        );
        assert!(check_may_work(AssignmentStatus::Active).is_ok());
    }
}
