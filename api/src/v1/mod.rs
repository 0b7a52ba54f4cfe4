//! Version 1 of the HTTP API: one `#[OpenApi]` struct per resource.
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod confirmations;
pub mod deadlines;
pub mod federation;
pub mod investigators;
pub mod notice_channels;
pub mod notifications;
pub mod ops;
pub mod organizations;
pub mod paging;
pub mod referrals;
pub mod wire;

use poem_openapi::Tags;

/// The sections of the API documentation.
#[derive(Tags)]
pub enum ApiTags {
    /// Logging in and the caller's own account.
    Auth,
    /// Organisations of this instance: mediation bodies, courts, pools, offices (administrators).
    Organizations,
    /// User accounts of this instance (administrators).
    Accounts,
    /// Mediation cases: intake, lists, reading, timeline, assigned mediators.
    Cases,
    /// Moving a case through its lifecycle, one operation per action.
    CaseLifecycle,
    /// The settlement agreement and its signatures.
    SettlementAgreements,
    /// Evidence and agreement files of cases.
    Documents,
    /// The technical investigator pool and investigators on cases (R22, R24).
    Investigators,
    /// Technical opinions (R23).
    Opinions,
    /// Judicial confirmation (司法确认) of settlement agreements: eligible courts, applications,
    /// the court's decisions (R8–R14).
    Confirmations,
    /// Deadlines of cases on the official working-day calendar.
    Deadlines,
    /// The official working-day calendar.
    Calendar,
    /// Partner nodes, cooperation agreements and the federation outbox (administrators).
    FederationAdmin,
    /// Referrals to and from partner cities under cooperation agreements (R26, R28).
    Referrals,
    /// The federation protocol partner nodes speak: this node's identity, signed messages.
    Federation,
    /// Liveness and readiness probes.
    Operations,
    /// The tamper-evident audit trail (auditors).
    Audit,
    /// The caller's notices: deadlines approaching and breached, assignments, applications,
    /// referrals.
    Notifications,
}

/// Every API of version 1, grouped by theme (nested tuples are APIs too).
pub type Apis = (
    (
        ops::OpsApi,
        auth::AuthApi,
        organizations::OrganizationsApi,
        accounts::AccountsApi,
    ),
    (
        cases::CasesApi,
        cases::lifecycle::CaseLifecycleApi,
        cases::settlement_agreement::SettlementAgreementApi,
        cases::assignments::CaseAssignmentsApi,
        cases::documents::CaseDocumentsApi,
    ),
    (
        investigators::InvestigatorsApi,
        cases::investigators::CaseInvestigatorsApi,
        cases::opinions::OpinionsApi,
    ),
    (
        confirmations::ConfirmationsApi,
        deadlines::DeadlinesApi,
        calendar::CalendarApi,
    ),
    (
        federation::FederationAdminApi,
        referrals::ReferralsApi,
        crate::federation::endpoint::FederationApi,
    ),
    (
        audit::AuditApi,
        notifications::NotificationsApi,
        notice_channels::NoticeChannelsApi,
    ),
);

/// Every API of version 1, for the OpenAPI service.
pub fn apis() -> Apis {
    Apis::default()
}
