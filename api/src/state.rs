//! What every handler can reach: the database and the authentication machinery.
use std::sync::Arc;

use ipdr_persistence::Db;

use crate::auth::password::PasswordHasher;
use crate::auth::throttle::LoginThrottle;
use crate::auth::tokens::KeyRing;
use crate::clock::Clock;
use crate::federation::NodeIdentity;
use crate::federation::client::FederationClient;
use crate::federation::keys::NodeKeys;
use crate::federation::worker::RetryPolicy;

/// Shared, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub keys: Arc<KeyRing>,
    pub hasher: Arc<PasswordHasher>,
    pub throttle: Arc<LoginThrottle>,
    pub clock: Arc<dyn Clock>,
    /// The largest document accepted for upload, in bytes.
    pub max_document_bytes: usize,
    /// This node in the federation.
    pub node: Arc<NodeIdentity>,
    pub node_keys: Arc<NodeKeys>,
    pub federation_client: FederationClient,
    pub retry: RetryPolicy,
    /// Woken when a local change queued a federation message.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// The notices' channels: lead times, the mailer, the webhook client, where links point.
    pub notices: Arc<crate::notices::Notices>,
    /// Woken when an administrator queues a dead-lettered notice again; new deliveries are
    /// picked up by the workers' poll (`IPDR_NOTICE_POLL_MILLIS`).
    pub notice_wake: Arc<tokio::sync::Notify>,
    /// The console's cookie is sent over HTTPS only (`IPDR_PUBLIC_URL` is https).
    pub secure_cookies: bool,
}
