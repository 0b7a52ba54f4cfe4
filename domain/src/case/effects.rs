//! What a lifecycle action writes onto the case beside its new status and consent: the reason,
//! the routes the parties were told of (R4), who withdrew, the day the case went back to its
//! court (R15), and the detail its timeline entry shows. The case number given on acceptance
//! comes from the organisation's sequence, which the caller holds.
use chrono::NaiveDate;

use crate::case::deadlines::returns_to_court;
use crate::case::lifecycle::{CaseAction, Change};
use crate::case::stored::Case;

/// The case after an action, and what its timeline entry says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effects {
    pub next: Case,
    pub detail: Option<String>,
    /// R15: the action ended a court-referred case unsettled, so it goes back to its court.
    pub returned_to_court: bool,
}

/// The effects of `action`, allowed by `change`, on `current` on `today`.
pub fn effects(current: &Case, change: &Change, action: &CaseAction, today: NaiveDate) -> Effects {
    let mut next = Case {
        status: change.to,
        consent: change.consent,
        ..current.clone()
    };
    let reason = |text: &str| Some(text.to_owned());
    let detail = match action {
        CaseAction::Decline { reason: why } | CaseAction::ReopenMediation { reason: why } => {
            next.reason = reason(why.as_str());
            next.reason.clone()
        }
        CaseAction::Withdraw { reason: why, by } => {
            next.reason = reason(why.as_str());
            next.withdrawn_by = Some(*by);
            next.reason.clone()
        }
        // R4: the parties are told where else they can turn.
        CaseAction::Fail {
            reason: why,
            routes,
        } => {
            next.reason = reason(why.as_str());
            next.routes.clone_from(routes);
            let told: Vec<&str> = routes.iter().map(|r| r.as_str()).collect();
            Some(format!(
                "{}; routes told: {}",
                why.as_str(),
                told.join(", ")
            ))
        }
        CaseAction::RecordPerformance { note, .. } => {
            next.reason = note.as_ref().map(|n| n.as_str().to_owned());
            next.reason.clone()
        }
        CaseAction::RecordConsent { consent } => Some(
            if *consent {
                "consent given"
            } else {
                "consent refused"
            }
            .to_owned(),
        ),
        CaseAction::ReturnToCourt => {
            next.reason = reason("R15: the court's mediation term ran out without a settlement");
            next.reason.clone()
        }
        // The case number is the detail of an acceptance; the caller assigns it.
        CaseAction::Accept
        | CaseAction::StartMediation
        | CaseAction::Settle
        | CaseAction::Close => None,
    };
    // R15: a court-referred case that ends unsettled goes back to its court, with the outcome.
    let returned_to_court = returns_to_court(next.track, next.status)
        && !returns_to_court(current.track, current.status);
    if returned_to_court {
        next.returned_on = Some(today);
    }
    Effects {
        next,
        detail,
        returned_to_court,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::case::lifecycle::Reason;
    use crate::case::{CaseStatus, Consent, IpType, Route, Side, Track};
    use crate::{AccountId, CaseId, OrganizationId};

    fn case(track: Track, status: CaseStatus) -> Case {
        Case {
            id: CaseId::from(uuid::Uuid::nil()),
            case_number: None,
            organization_id: OrganizationId::from(uuid::Uuid::nil()),
            referring_court_id: None,
            track,
            ip_type: IpType::InventionPatent,
            right: "ZL202310000000.1".to_owned(),
            right_title: None,
            parties: vec![],
            claims: vec![],
            amount_fen: None,
            city: "大连".to_owned(),
            court_procedure: None,
            status,
            consent: Consent::Given,
            reason: None,
            routes: vec![],
            withdrawn_by: None,
            enforceable: false,
            returned_on: None,
            version: 3,
            created_by: AccountId::from(uuid::Uuid::nil()),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn to(status: CaseStatus) -> Change {
        Change {
            to: status,
            consent: Consent::Given,
        }
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    #[test]
    fn a_failed_mediation_keeps_its_reason_and_the_routes_the_parties_were_told_r4() {
        let current = case(Track::People, CaseStatus::InMediation);
        let action = CaseAction::Fail {
            reason: Reason::parse("双方分歧过大").unwrap(),
            routes: vec![Route::Arbitration, Route::Litigation],
        };
        let done = effects(&current, &to(CaseStatus::Failed), &action, day());
        assert_eq!(done.next.status, CaseStatus::Failed);
        assert_eq!(done.next.reason.as_deref(), Some("双方分歧过大"));
        assert_eq!(done.next.routes, [Route::Arbitration, Route::Litigation]);
        assert_eq!(
            done.detail.as_deref(),
            Some("双方分歧过大; routes told: arbitration, litigation")
        );
        assert!(!done.returned_to_court);
        assert_eq!(done.next.returned_on, None);
    }

    #[test]
    fn a_court_referred_case_ending_unsettled_goes_back_to_its_court_that_day_r15() {
        let current = case(Track::CourtDelegated, CaseStatus::InMediation);
        let action = CaseAction::Withdraw {
            reason: Reason::parse("申请人撤回").unwrap(),
            by: Side::Applicant,
        };
        let done = effects(&current, &to(CaseStatus::Withdrawn), &action, day());
        assert!(done.returned_to_court);
        assert_eq!(done.next.returned_on, Some(day()));
        assert_eq!(done.next.withdrawn_by, Some(Side::Applicant));
        // A people's-mediation case has no court to go back to.
        let people = case(Track::People, CaseStatus::InMediation);
        let done = effects(&people, &to(CaseStatus::Withdrawn), &action, day());
        assert!(!done.returned_to_court);
    }

    #[test]
    fn an_acceptance_leaves_the_case_number_to_the_caller() {
        let current = case(Track::People, CaseStatus::Submitted);
        let done = effects(
            &current,
            &to(CaseStatus::Accepted),
            &CaseAction::Accept,
            day(),
        );
        assert_eq!(done.next.case_number, None);
        assert_eq!(done.detail, None);
        assert_eq!(
            done.next.version, current.version,
            "the store moves the version"
        );
    }
}
