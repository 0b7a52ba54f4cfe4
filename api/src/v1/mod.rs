//! Version 1 of the HTTP API: one `#[OpenApi]` struct per resource.
pub mod accounts;
pub mod auth;
pub mod ops;
pub mod organizations;
pub mod paging;
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
    /// Liveness and readiness probes.
    Operations,
}

/// Every API of version 1, for the OpenAPI service.
pub fn apis() -> (
    ops::OpsApi,
    auth::AuthApi,
    organizations::OrganizationsApi,
    accounts::AccountsApi,
) {
    (
        ops::OpsApi,
        auth::AuthApi,
        organizations::OrganizationsApi,
        accounts::AccountsApi,
    )
}
