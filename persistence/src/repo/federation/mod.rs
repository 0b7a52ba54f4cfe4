//! The federation's storage: partner nodes, cooperation agreements, referrals, and the outbox
//! and inbox of the protocol.
pub mod cooperation_agreements;
pub mod inbox;
pub mod outbox;
pub mod partners;
pub mod referrals;
