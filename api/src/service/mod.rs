//! Operations that span several repositories in one transaction. Handlers call these after
//! parsing; the rules come from `ipdr_domain`, the storage from `ipdr_persistence`.
pub mod accounts;
pub mod agreements;
pub mod application_views;
pub mod audit_trail;
pub mod calendar;
pub mod case_views;
pub mod cases;
pub mod confirmations;
pub mod cooperation;
pub mod court_terms;
pub mod deadlines;
pub mod error;
pub mod files;
pub mod investigators;
pub mod opinions;
pub mod paging;
pub mod pool;
pub mod referrals;
