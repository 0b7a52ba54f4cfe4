//! The application layer: every operation on cases, applications, investigators, referrals,
//! accounts and the federation, for every adapter (the JSON API, the federation endpoint, the
//! workers, the console). Each takes a principal and typed input and answers an
//! [`error::AppError`] in domain words; no HTTP type appears here (`.ci/check-deps` checks).
//! Every change commits through [`unit_of_work`], with its audit record in its transaction.
//! The rules come from `ipdr_domain`, the storage from `ipdr_persistence`.
pub mod accounts;
pub mod application_views;
pub mod audit_trail;
pub mod calendar;
pub mod case_views;
pub mod cases;
pub mod confirmations;
pub mod cooperation_agreements;
pub mod court_terms;
pub mod deadlines;
pub mod error;
pub mod files;
pub mod investigators;
pub mod notice_channels;
pub mod notifications;
pub mod opinions;
pub mod ops;
pub mod organizations;
pub mod outbox;
pub mod paging;
pub mod partners;
pub mod pool;
pub mod referrals;
pub mod sessions;
pub mod settlement_agreements;
pub mod unit_of_work;
