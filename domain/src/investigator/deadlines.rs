//! The deadlines of an investigator's assignment: the parties are told of the appointment
//! within 3 days (R22), a recusal request is decided within 3 days (R24). Each runs per
//! assignment (its *subject*), so two investigators on one case have their own.
use crate::AssignmentId;
use crate::calendar::Period;
use crate::case::deadlines::{DeadlineRule, INVESTIGATOR_PERIOD};
use crate::investigator::recusal::RecusalStage;

/// A step of an assignment that moves its deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentStep {
    Assigned,
    PartiesNotified,
    /// A recusal request (or its reconsideration), leaving the request at `stage`.
    RecusalRequested {
        stage: RecusalStage,
    },
    /// The decision on the request pending at `pending`.
    RecusalDecided {
        pending: RecusalStage,
        granted: bool,
    },
    Released,
}

/// What a step does to the assignment's deadlines: those it opens (from the step's day) and
/// those it meets, each with its subject.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignmentDeadlines {
    pub open: Vec<(DeadlineRule, Period, String)>,
    pub meet: Vec<(DeadlineRule, String)>,
}

/// The subject of an R24 clock: a reconsideration runs its own, beside the first request's.
fn r24_subject(id: AssignmentId, stage: RecusalStage) -> String {
    if stage == RecusalStage::ReconsiderationRequested {
        format!("{id}/reconsideration")
    } else {
        id.to_string()
    }
}

/// The deadline changes of `step` on assignment `id`.
pub fn on_step(id: AssignmentId, step: AssignmentStep) -> AssignmentDeadlines {
    let own = id.to_string();
    match step {
        // R22: the parties are told who was appointed within 3 days.
        AssignmentStep::Assigned => AssignmentDeadlines {
            open: vec![(DeadlineRule::R22, INVESTIGATOR_PERIOD, own)],
            meet: vec![],
        },
        AssignmentStep::PartiesNotified => AssignmentDeadlines {
            open: vec![],
            meet: vec![(DeadlineRule::R22, own)],
        },
        // R24: the request is decided within 3 days.
        AssignmentStep::RecusalRequested { stage } => AssignmentDeadlines {
            open: vec![(
                DeadlineRule::R24,
                INVESTIGATOR_PERIOD,
                r24_subject(id, stage),
            )],
            meet: vec![],
        },
        AssignmentStep::RecusalDecided { pending, granted } => {
            let mut meet = vec![(DeadlineRule::R24, r24_subject(id, pending))];
            // A recused investigator's appointment is no longer to be told.
            if granted {
                meet.push((DeadlineRule::R22, own));
            }
            AssignmentDeadlines { open: vec![], meet }
        }
        AssignmentStep::Released => AssignmentDeadlines {
            open: vec![],
            meet: vec![(DeadlineRule::R22, own)],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> AssignmentId {
        AssignmentId::from(uuid::Uuid::nil())
    }

    #[test]
    fn an_assignment_opens_the_three_days_to_tell_the_parties_r22() {
        let opened = on_step(id(), AssignmentStep::Assigned);
        assert_eq!(
            opened.open,
            [(DeadlineRule::R22, Period::CalendarDays(3), id().to_string())]
        );
        assert_eq!(
            on_step(id(), AssignmentStep::PartiesNotified).meet,
            [(DeadlineRule::R22, id().to_string())]
        );
    }

    #[test]
    fn a_reconsideration_runs_its_own_three_day_decision_clock_r24() {
        let first = on_step(
            id(),
            AssignmentStep::RecusalRequested {
                stage: RecusalStage::Requested,
            },
        );
        let again = on_step(
            id(),
            AssignmentStep::RecusalRequested {
                stage: RecusalStage::ReconsiderationRequested,
            },
        );
        assert_eq!(first.open[0].0, DeadlineRule::R24);
        assert_eq!(first.open[0].1, Period::CalendarDays(3));
        assert_ne!(first.open[0].2, again.open[0].2);
        let decided = on_step(
            id(),
            AssignmentStep::RecusalDecided {
                pending: RecusalStage::ReconsiderationRequested,
                granted: false,
            },
        );
        assert_eq!(decided.meet, [(DeadlineRule::R24, again.open[0].2.clone())]);
    }

    #[test]
    fn a_granted_recusal_or_a_release_ends_the_duty_to_tell_the_parties() {
        let granted = on_step(
            id(),
            AssignmentStep::RecusalDecided {
                pending: RecusalStage::Requested,
                granted: true,
            },
        );
        assert!(
            granted
                .meet
                .contains(&(DeadlineRule::R22, id().to_string()))
        );
        assert_eq!(
            on_step(id(), AssignmentStep::Released).meet,
            [(DeadlineRule::R22, id().to_string())]
        );
    }
}
