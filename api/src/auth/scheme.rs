//! The `Bearer` security scheme of the OpenAPI document, backed by [`super::authenticate`].
use ipdr_domain::access::Principal;
use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;

use crate::problem::ApiProblem;
use crate::state::AppState;

/// An access token from `POST /api/v1/auth/login`, sent as `Authorization: Bearer <token>`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT", checker = "check_bearer")]
pub struct BearerAuth(pub Principal);

async fn check_bearer(req: &Request, bearer: Bearer) -> poem::Result<Principal> {
    let state = req.data::<AppState>().ok_or_else(|| {
        tracing::error!("application state missing from the request");
        ApiProblem::internal()
    })?;
    let principal = super::authenticate(state, &bearer.token).await?;
    crate::audit::identify(
        format!("account:{}", principal.account_id),
        Some(principal.role.as_str()),
    );
    Ok(principal)
}
