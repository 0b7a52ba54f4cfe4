//! What can happen to the things IPDR keeps: one kind per change, each with a stable name.
//!
//! A case's timeline names its entries by these kinds, the audit trail names the platform's own
//! actions by them, and notifications and statistics read them. A name never changes once
//! released: stored timelines hold it.
use crate::case::confirmation::ApplicationActionKind;
use crate::case::lifecycle::ActionKind;

named_enum! {
    /// The kind of an event.
    pub enum EventKind {
        // A case's lifecycle (R2–R7, R15–R19).
        SubmitCase = "submit_case",
        AcceptCase = "accept_case",
        DeclineCase = "decline_case",
        RecordConsent = "record_consent",
        StartMediation = "start_mediation",
        SettleCase = "settle_case",
        FailMediation = "fail_mediation",
        WithdrawCase = "withdraw_case",
        RecordPerformance = "record_performance",
        ReopenMediation = "reopen_mediation",
        /// The platform sent a court-referred case back at the end of its term (R15).
        ReturnToCourt = "return_to_court",
        CloseCase = "close_case",
        /// A court-delegated term extended with every party's consent (R15).
        ExtendTerm = "extend_term",
        // The people on a case.
        AssignMediator = "assign_mediator",
        UnassignMediator = "unassign_mediator",
        AssignInvestigator = "assign_investigator",
        /// The parties were told who the investigator is (R22).
        NotifyPartiesOfInvestigator = "notify_parties_of_investigator",
        RequestRecusal = "request_recusal",
        DecideRecusal = "decide_recusal",
        ReleaseInvestigator = "release_investigator",
        SubmitOpinion = "submit_opinion",
        // The case file.
        UploadDocument = "upload_document",
        RecordAgreement = "record_agreement",
        SignAgreement = "sign_agreement",
        // Judicial confirmation (R8–R14).
        ApplyForConfirmation = "apply_for_confirmation",
        AcceptApplication = "accept_application",
        RefuseAcceptance = "refuse_acceptance",
        ExtendReview = "extend_review",
        ConfirmAgreement = "confirm_agreement",
        RefuseConfirmation = "refuse_confirmation",
        WithdrawApplication = "withdraw_application",
        VoidApplication = "void_application",
        // Referrals between cities (R25–R28).
        /// The platform escalated a breached referral clock to the liaison officers.
        EscalateReferralClock = "escalate_referral_clock",
    }
}

impl From<ActionKind> for EventKind {
    fn from(action: ActionKind) -> Self {
        use ActionKind as A;
        match action {
            A::Accept => Self::AcceptCase,
            A::Decline => Self::DeclineCase,
            A::RecordConsent => Self::RecordConsent,
            A::StartMediation => Self::StartMediation,
            A::Settle => Self::SettleCase,
            A::Fail => Self::FailMediation,
            A::Withdraw => Self::WithdrawCase,
            A::RecordPerformance => Self::RecordPerformance,
            A::ReopenMediation => Self::ReopenMediation,
            A::ReturnToCourt => Self::ReturnToCourt,
            A::Close => Self::CloseCase,
        }
    }
}

impl From<ApplicationActionKind> for EventKind {
    fn from(action: ApplicationActionKind) -> Self {
        use ApplicationActionKind as A;
        match action {
            A::Submit => Self::ApplyForConfirmation,
            A::Accept => Self::AcceptApplication,
            A::RefuseAcceptance => Self::RefuseAcceptance,
            A::Extend => Self::ExtendReview,
            A::Confirm => Self::ConfirmAgreement,
            A::Refuse => Self::RefuseConfirmation,
            A::Withdraw => Self::WithdrawApplication,
            A::Void => Self::VoidApplication,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_and_application_action_is_an_event_of_the_same_name() {
        for action in ActionKind::ALL {
            assert_eq!(EventKind::from(*action).as_str(), action.as_str());
        }
        for action in ApplicationActionKind::ALL {
            assert_eq!(EventKind::from(*action).as_str(), action.as_str());
        }
    }

    #[test]
    fn names_are_unique_and_parse_back() {
        let mut names: Vec<_> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EventKind::ALL.len());
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(EventKind::parse("accept"), None);
    }
}
