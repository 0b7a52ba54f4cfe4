//! The federation: this node's identity and keys, the protocol's messages, the outbound client,
//! the outbox delivery worker, and the endpoint partners call (`/federation/v1`).
pub mod client;
pub mod endpoint;
pub mod keys;
pub mod message;
pub mod worker;

use ipdr_domain::referral::NodeId;

/// Who this node is, as partners see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeIdentity {
    pub id: NodeId,
    pub name: String,
    pub city: String,
}
