//! `/api/v1/partners`, `/api/v1/cooperation-agreements`, `/api/v1/federation/outbox`: the
//! federation's administration. Administrators only; they see no referral contents.
pub mod cooperation_agreements;
pub mod outbox;
pub mod partners;

use crate::error::status;

/// The federation's administration, one API per resource (a tuple of APIs is an API).
pub type FederationAdminApi = (
    partners::PartnersApi,
    cooperation_agreements::CooperationAgreementsApi,
    outbox::OutboxApi,
);

/// What every administration operation can answer.
const ADMIN: u32 = status::AUTHENTICATED | status::FORBIDDEN;
