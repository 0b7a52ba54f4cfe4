//! What can happen to the things IPDR keeps: one kind per change, each with a stable name.
//!
//! A case's timeline names its entries by these kinds, the audit trail names the platform's own
//! actions by them, and notifications and statistics read them. A name never changes once
//! released: stored timelines hold it.
use crate::case::confirmation::ApplicationActionKind;
use crate::case::lifecycle::ActionKind;
use crate::referral::StepKind;

mod record;
#[cfg(test)]
mod tests;

pub use record::{By, DomainEvent, Subject, WrongSubject};

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
        /// A document for the investigator's technical opinion (R23), before it is submitted.
        UploadOpinionDocument = "upload_opinion_document",
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
        // Referrals between cities (R25–R28), one per step, whichever node took it.
        SendReferral = "send_referral",
        AcknowledgeReferral = "acknowledge_referral",
        RequestReferralInformation = "request_referral_information",
        ProvideReferralInformation = "provide_referral_information",
        AcceptReferral = "accept_referral",
        DeclineReferral = "decline_referral",
        ReportReferralProgress = "report_referral_progress",
        ReportReferralOutcome = "report_referral_outcome",
        /// The platform escalated a breached referral clock to the liaison officers.
        EscalateReferralClock = "escalate_referral_clock",
        /// A dead-lettered message put back in its queue: to a partner node, or a notice by
        /// e-mail or webhook.
        RetryOutboxMessage = "retry_outbox_message",
        // The partners and what binds them.
        RegisterPartner = "register_partner",
        UpdatePartner = "update_partner",
        CreateCooperationAgreement = "create_cooperation_agreement",
        UpdateCooperationAgreement = "update_cooperation_agreement",
        // Organisations and their accounts.
        CreateOrganization = "create_organization",
        DisableOrganization = "disable_organization",
        EnableOrganization = "enable_organization",
        /// An organisation's own settings: people-mediation days, a court's jurisdiction, its
        /// location.
        UpdateOrganization = "update_organization",
        CreateAccount = "create_account",
        DisableAccount = "disable_account",
        EnableAccount = "enable_account",
        /// The account holder set where and in which language notices are e-mailed, and which
        /// they want on which channel.
        UpdateNoticeSettings = "update_notice_settings",
        /// The account holder changed their own password.
        ChangePassword = "change_password",
        /// An administrator set a new password for the account.
        ResetPassword = "reset_password",
        // The investigator pool (R21–R24).
        AddInvestigator = "add_investigator",
        UpdateInvestigator = "update_investigator",
        DeclareConflict = "declare_conflict",
        WithdrawConflict = "withdraw_conflict",
        // The working-day calendar every deadline counts on.
        LoadCalendarYear = "load_calendar_year",
    }
}

named_enum! {
    /// What kind of thing an event is about.
    pub enum SubjectKind {
        Case = "case",
        Application = "application",
        Referral = "referral",
        OutboxMessage = "outbox_message",
        Partner = "partner",
        CooperationAgreement = "cooperation_agreement",
        Organization = "organization",
        Account = "account",
        Investigator = "investigator",
        CalendarYear = "calendar_year",
    }
}

impl EventKind {
    /// What an event of this kind is about; [`DomainEvent::new`] refuses any other subject.
    pub fn subject_kind(self) -> SubjectKind {
        use EventKind as K;
        match self {
            K::ApplyForConfirmation
            | K::AcceptApplication
            | K::RefuseAcceptance
            | K::ExtendReview
            | K::ConfirmAgreement
            | K::RefuseConfirmation
            | K::WithdrawApplication
            | K::VoidApplication => SubjectKind::Application,
            K::SendReferral
            | K::AcknowledgeReferral
            | K::RequestReferralInformation
            | K::ProvideReferralInformation
            | K::AcceptReferral
            | K::DeclineReferral
            | K::ReportReferralProgress
            | K::ReportReferralOutcome
            | K::EscalateReferralClock => SubjectKind::Referral,
            K::RetryOutboxMessage => SubjectKind::OutboxMessage,
            K::RegisterPartner | K::UpdatePartner => SubjectKind::Partner,
            K::CreateCooperationAgreement | K::UpdateCooperationAgreement => {
                SubjectKind::CooperationAgreement
            }
            K::CreateOrganization
            | K::DisableOrganization
            | K::EnableOrganization
            | K::UpdateOrganization => SubjectKind::Organization,
            K::CreateAccount
            | K::DisableAccount
            | K::EnableAccount
            | K::ChangePassword
            | K::UpdateNoticeSettings
            | K::ResetPassword => SubjectKind::Account,
            K::AddInvestigator
            | K::UpdateInvestigator
            | K::DeclareConflict
            | K::WithdrawConflict => SubjectKind::Investigator,
            K::LoadCalendarYear => SubjectKind::CalendarYear,
            _ => SubjectKind::Case,
        }
    }
}

impl From<StepKind> for EventKind {
    fn from(step: StepKind) -> Self {
        use StepKind as S;
        match step {
            S::Referred => Self::SendReferral,
            S::Acknowledged => Self::AcknowledgeReferral,
            S::InformationRequested => Self::RequestReferralInformation,
            S::InformationProvided => Self::ProvideReferralInformation,
            S::Accepted => Self::AcceptReferral,
            S::Declined => Self::DeclineReferral,
            S::ProgressReported => Self::ReportReferralProgress,
            S::OutcomeReported => Self::ReportReferralOutcome,
        }
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
