//! Liveness and readiness probes, for load balancers and orchestrators. No authentication.
use std::time::Duration;

use poem::http::StatusCode;
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::ApiTags;
use crate::error::{ApiResult, status};
use crate::problem::ApiProblem;
use crate::service::ops::{Readiness, readiness};
use crate::state::AppState;

/// How long readiness waits for the database.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Default)]
pub struct OpsApi;

/// A probe's answer.
#[derive(Object)]
pub struct ProbeView {
    /// `ok` (alive) or `ready` (can serve requests).
    pub status: String,
}

#[derive(ApiResponse)]
pub enum HealthResponse {
    /// The process is up and serving HTTP.
    #[oai(status = 200)]
    Ok(Json<ProbeView>),
}

#[derive(ApiResponse)]
pub enum ReadyResponse {
    /// The database answers; requests can be served.
    #[oai(status = 200)]
    Ready(Json<ProbeView>),
}

#[OpenApi(tag = "ApiTags::Operations")]
impl OpsApi {
    /// Liveness: the process is up.
    ///
    /// Answers 200 as long as the process serves HTTP, whatever the state of the database.
    #[oai(path = "/healthz", method = "get", operation_id = "get_health")]
    async fn get_health(&self) -> HealthResponse {
        HealthResponse::Ok(Json(ProbeView {
            status: "ok".into(),
        }))
    }

    /// Readiness: the database is reachable.
    ///
    /// Runs one round trip to the database (at most 2 s) and answers 503 when it fails, so a load
    /// balancer stops sending traffic to this process until the database is back.
    #[oai(path = "/readyz", method = "get", operation_id = "get_readiness")]
    async fn get_readiness(
        &self,
        state: Data<&AppState>,
    ) -> ApiResult<ReadyResponse, { status::UNAVAILABLE }> {
        match readiness(&state, READY_TIMEOUT).await {
            Readiness::Ready => Ok(ReadyResponse::Ready(Json(ProbeView {
                status: "ready".into(),
            }))),
            Readiness::Unreachable { .. } => {
                let mut problem =
                    ApiProblem::new(StatusCode::SERVICE_UNAVAILABLE, "not_ready", "Not ready")
                        .detail("the database cannot be reached");
                problem.retry_after = Some(5);
                Err(problem.into())
            }
        }
    }
}
