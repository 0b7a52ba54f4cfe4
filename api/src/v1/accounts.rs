//! `/api/v1/accounts`: user accounts of this instance. Administrators only.
use chrono::{DateTime, Utc};
use ipdr_domain::account::{Account, NewAccount, NewPassword, Role};
use ipdr_domain::{AccountId, OrganizationId, Status, ValidationErrors};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

use super::ApiTags;
use super::paging::{encode_cursor, page_request};
use super::wire::{RoleName, StatusName};
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::service::accounts::{self, AccountFilter};
use crate::state::AppState;

#[derive(Default)]
pub struct AccountsApi;

/// A user account. Password hashes are never shown.
#[derive(Object)]
pub struct AccountView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: RoleName,
    pub organization_id: Uuid,
    pub status: StatusName,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub last_login_at: Option<DateTime<Utc>>,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        Self {
            id: a.id.as_uuid(),
            username: a.username.as_str().to_owned(),
            display_name: a.display_name.as_str().to_owned(),
            role: a.role.into(),
            organization_id: a.organization_id.as_uuid(),
            status: a.status.into(),
            created_at: a.created_at,
            updated_at: a.updated_at,
            last_login_at: a.last_login_at,
        }
    }
}

/// A new account.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct CreateAccountRequest {
    /// 3–64 characters of `a-z 0-9 . _ -`, case-insensitive, unique.
    pub username: String,
    /// The person's name as shown to others, at most 100 characters.
    pub display_name: String,
    pub role: RoleName,
    /// An active organisation whose kind fits the role (mediators in mediation bodies, court
    /// users in courts, administrators in the operator …).
    pub organization_id: Uuid,
    /// The initial password, 12 to 128 characters.
    #[oai(write_only)]
    pub password: String,
}

/// A new password set by an administrator.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    /// 12 to 128 characters.
    #[oai(write_only)]
    pub new_password: String,
}

/// One page of accounts.
#[derive(Object)]
pub struct AccountPage {
    pub items: Vec<AccountView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

#[derive(ApiResponse)]
pub enum CreatedAccount {
    /// Created; the account can log in at once.
    #[oai(status = 201)]
    Created(
        Json<AccountView>,
        /// Where the new account can be read.
        #[oai(header = "Location")]
        String,
    ),
}

#[derive(ApiResponse)]
pub enum AccountFound {
    /// The account.
    #[oai(status = 200)]
    Ok(Json<AccountView>),
}

#[derive(ApiResponse)]
pub enum AccountList {
    /// A page of accounts, oldest first.
    #[oai(status = 200)]
    Ok(Json<AccountPage>),
}

#[derive(ApiResponse)]
pub enum PasswordReset {
    /// The password was replaced and every token of the account revoked.
    #[oai(status = 204)]
    Reset,
}

#[OpenApi(prefix_path = "/api/v1/accounts", tag = "ApiTags::Accounts")]
impl AccountsApi {
    /// Create an account.
    ///
    /// Administrators only. The organisation must exist, be active and be of a kind the role
    /// belongs to (422 on `organization_id` otherwise); the username must be free (409
    /// `username_taken`).
    #[oai(path = "/", method = "post", operation_id = "create_account")]
    async fn create_account(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        body: JsonBody<CreateAccountRequest>,
    ) -> ApiResult<
        CreatedAccount,
        { status::AUTHENTICATED | status::FORBIDDEN | status::JSON_BODY | status::CONFLICT },
    > {
        let r = body.0;
        let new = NewAccount::parse(
            &r.username,
            &r.display_name,
            r.role.into(),
            OrganizationId::from(r.organization_id),
            &r.password,
        );
        let created = accounts::create(&state, &caller.0, new).await?;
        let location = format!("/api/v1/accounts/{}", created.id);
        Ok(CreatedAccount::Created(Json(created.into()), location))
    }

    /// List accounts.
    ///
    /// Administrators only. Oldest first, filtered by `role`, `organization_id` and `status`;
    /// pages of `limit` (1–100, default 50) continued with `cursor`.
    #[oai(path = "/", method = "get", operation_id = "list_accounts")]
    #[allow(
        clippy::too_many_arguments,
        reason = "poem-openapi takes one argument per query parameter"
    )]
    async fn list_accounts(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        role: Query<Option<RoleName>>,
        organization_id: Query<Option<Uuid>>,
        status: Query<Option<StatusName>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<AccountList, { status::AUTHENTICATED | status::FORBIDDEN | status::BAD_REQUEST }>
    {
        accounts::may_list(&caller.0)?;
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let filter = AccountFilter {
            role: role.0.map(Role::from),
            organization_id: organization_id.0.map(OrganizationId::from),
            status: status.0.map(Status::from),
        };
        let found = accounts::list(&state, &caller.0, &filter, page).await?;
        Ok(AccountList::Ok(Json(AccountPage {
            next_cursor: found.next_after.map(encode_cursor),
            items: found.items.into_iter().map(Into::into).collect(),
        })))
    }

    /// Read an account.
    ///
    /// Administrators only.
    #[oai(path = "/:id", method = "get", operation_id = "get_account")]
    async fn get_account(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<AccountFound, { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND }>
    {
        let found = accounts::get(&state, &caller.0, AccountId::from(id.0)).await?;
        Ok(AccountFound::Ok(Json(found.into())))
    }

    /// Disable an account.
    ///
    /// Administrators only. The account can no longer log in and its tokens stop working on
    /// their next request; nothing is deleted. Refused (409) for the administrator's own account
    /// (`cannot_disable_self`) and for the last active administrator (`last_admin`).
    #[oai(
        path = "/:id/disable",
        method = "post",
        operation_id = "disable_account"
    )]
    async fn disable_account(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<
        AccountFound,
        { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND | status::CONFLICT },
    > {
        let disabled = accounts::disable(&state, &caller.0, AccountId::from(id.0)).await?;
        Ok(AccountFound::Ok(Json(disabled.into())))
    }

    /// Enable an account.
    ///
    /// Administrators only. The account can log in again; tokens issued before it was disabled
    /// stay invalid.
    #[oai(path = "/:id/enable", method = "post", operation_id = "enable_account")]
    async fn enable_account(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<AccountFound, { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND }>
    {
        let enabled = accounts::enable(&state, &caller.0, AccountId::from(id.0)).await?;
        Ok(AccountFound::Ok(Json(enabled.into())))
    }

    /// Reset an account's password.
    ///
    /// Administrators only. Sets a new password (12 to 128 characters) and revokes every token
    /// of the account.
    #[oai(
        path = "/:id/password",
        method = "post",
        operation_id = "reset_password"
    )]
    async fn reset_password(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<ResetPasswordRequest>,
    ) -> ApiResult<
        PasswordReset,
        { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND | status::JSON_BODY },
    > {
        let password = NewPassword::parse(&body.0.new_password)
            .map_err(|e| ValidationErrors::one("new_password", e));
        accounts::reset_password(&state, &caller.0, AccountId::from(id.0), password).await?;
        Ok(PasswordReset::Reset)
    }
}
