//! `/api/v1/auth`: logging in, who am I, changing one's own password.
use std::net::IpAddr;

use poem::web::{Data, RemoteAddr};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;

use super::ApiTags;
use super::accounts::AccountView;
use super::organizations::OrganizationView;
use crate::auth::{self, BearerAuth};
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::service;
use crate::state::AppState;

#[derive(Default)]
pub struct AuthApi;

/// Credentials.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Case-insensitive.
    pub username: String,
    #[oai(write_only)]
    pub password: String,
}

/// An access token.
#[derive(Object)]
pub struct TokenView {
    /// A JWT to send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: u64,
}

/// The caller's account and organisation.
#[derive(Object)]
pub struct MeView {
    pub account: AccountView,
    pub organization: OrganizationView,
}

/// Change one's own password.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[oai(write_only)]
    pub current_password: String,
    /// 12 to 128 characters.
    #[oai(write_only)]
    pub new_password: String,
}

#[derive(ApiResponse)]
pub enum LoginResponse {
    /// Logged in.
    #[oai(status = 200)]
    Ok(Json<TokenView>),
}

#[derive(ApiResponse)]
pub enum MeResponse {
    /// The caller.
    #[oai(status = 200)]
    Ok(Json<MeView>),
}

#[derive(ApiResponse)]
pub enum PasswordChanged {
    /// The password was changed; every token issued before, this one included, no longer works.
    #[oai(status = 204)]
    Changed,
}

fn client_ip(remote: &RemoteAddr) -> Option<IpAddr> {
    remote.as_socket_addr().map(std::net::SocketAddr::ip)
}

#[OpenApi(prefix_path = "/api/v1/auth", tag = "ApiTags::Auth")]
impl AuthApi {
    /// Log in.
    ///
    /// Exchanges a username and password for an access token. A wrong password, an unknown
    /// username and a disabled account all get the same 401 `invalid_credentials`, in the same
    /// time. After repeated failures for one username or from one address, every attempt —
    /// even with the right password — gets 429 with `Retry-After` until the window has passed.
    #[oai(path = "/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        state: Data<&AppState>,
        remote: &RemoteAddr,
        body: JsonBody<LoginRequest>,
    ) -> ApiResult<
        LoginResponse,
        {
            status::BAD_REQUEST
                | status::PAYLOAD_TOO_LARGE
                | status::UNSUPPORTED_MEDIA_TYPE
                | status::UNAUTHORIZED
                | status::TOO_MANY_REQUESTS
                | status::INTERNAL
        },
    > {
        let LoginRequest { username, password } = body.0;
        let issued = auth::login(&state, &username, password, client_ip(remote)).await?;
        Ok(LoginResponse::Ok(Json(TokenView {
            access_token: issued.token,
            token_type: "Bearer".into(),
            expires_in: issued.expires_in,
        })))
    }

    /// Who am I.
    ///
    /// The caller's account and organisation. Any active account may call it.
    #[oai(path = "/me", method = "get", operation_id = "get_me")]
    async fn get_me(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
    ) -> ApiResult<MeResponse, { status::AUTHENTICATED }> {
        let (account, organization) = service::accounts::me(&state, &caller.0).await?;
        Ok(MeResponse::Ok(Json(MeView {
            account: account.into(),
            organization: organization.into(),
        })))
    }

    /// Change my password.
    ///
    /// Needs the current password. The new one must have 12 to 128 characters. Afterwards every
    /// token of the account stops working: log in again. Wrong current passwords count as failed
    /// logins and are throttled the same way.
    #[oai(path = "/password", method = "post", operation_id = "change_password")]
    async fn change_password(
        &self,
        state: Data<&AppState>,
        remote: &RemoteAddr,
        caller: BearerAuth,
        body: JsonBody<ChangePasswordRequest>,
    ) -> ApiResult<
        PasswordChanged,
        { status::AUTHENTICATED | status::JSON_BODY | status::TOO_MANY_REQUESTS },
    > {
        let caller = caller.0;
        let ChangePasswordRequest {
            current_password,
            new_password,
        } = body.0;
        auth::change_password(
            &state,
            &caller,
            current_password,
            &new_password,
            client_ip(remote),
        )
        .await?;
        Ok(PasswordChanged::Changed)
    }
}
