//! Operations that span several repositories in one transaction. Handlers call these after
//! parsing; the rules come from `ipdr_domain`, the storage from `ipdr_persistence`.
pub mod agreements;
pub mod calendar;
pub mod cases;
pub mod confirmations;
pub mod cooperation;
pub mod court_terms;
pub mod error;
pub mod files;
pub mod investigators;
pub mod opinions;
pub mod ops;
pub mod organizations;
pub mod outbox;
pub mod partners;
pub mod pool;
pub mod referrals;
pub mod unit_of_work;
