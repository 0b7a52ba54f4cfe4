//! What the probes ask of the application: whether it can serve requests.
use std::time::Duration;

use crate::state::AppState;

/// Whether the database answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// The database did not answer (`reason`: its error, or `timed out`).
    Unreachable {
        reason: String,
    },
}

/// Runs one round trip to the database, waiting at most `timeout`. Needs no principal: load
/// balancers ask it unauthenticated. Logs when the database is unreachable.
pub async fn readiness(state: &AppState, timeout: Duration) -> Readiness {
    match tokio::time::timeout(timeout, ipdr_persistence::ping(&state.db)).await {
        Ok(Ok(())) => Readiness::Ready,
        outcome => {
            let reason = match outcome {
                Ok(Err(e)) => e.to_string(),
                _ => "timed out".to_owned(),
            };
            tracing::warn!(%reason, "not ready: database unreachable");
            Readiness::Unreachable { reason }
        }
    }
}
