//! Notices by e-mail and webhook (issue 16): the caller's notice settings, an organisation's
//! webhook and defaults, and the delivery queue for administrators.
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

use super::ApiTags;
use super::federation::outbox::OutboxStatusName;
use super::paging::{encode_cursor, page_request};
use super::wire::{ChannelName, NoticeKindName};
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::service::notice_channels::{
    self as service, AccountNoticeSettings, Delivery, OrganizationNotices, OutboxStatus,
    Preference, SetOrganizationNotices,
};
use crate::state::AppState;

#[derive(Default)]
pub struct NoticeChannelsApi;

/// Whether a kind of notice is wanted on a channel.
#[derive(Object, Deserialize, Debug, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct PreferenceView {
    pub kind: NoticeKindName,
    pub channel: ChannelName,
    pub enabled: bool,
}

impl From<Preference> for PreferenceView {
    fn from(p: Preference) -> Self {
        Self {
            kind: p.kind.into(),
            channel: p.channel.into(),
            enabled: p.enabled,
        }
    }
}

impl From<PreferenceView> for Preference {
    fn from(p: PreferenceView) -> Self {
        Self {
            kind: p.kind.into(),
            channel: p.channel.into(),
            enabled: p.enabled,
        }
    }
}

/// Where and in which language the caller's notices are e-mailed, and which they want where.
#[derive(Object)]
pub struct NoticeSettingsView {
    /// The address notices are e-mailed to; absent: none are.
    #[oai(skip_serializing_if_is_none)]
    pub email: Option<String>,
    /// `zh-CN` (the default) or `en`.
    pub language: String,
    /// The caller's own choices; a kind and channel not listed follows the organisation's
    /// default, and is wanted when that says nothing either.
    pub preferences: Vec<PreferenceView>,
}

impl From<AccountNoticeSettings> for NoticeSettingsView {
    fn from(s: AccountNoticeSettings) -> Self {
        Self {
            email: s.email,
            language: s.language,
            preferences: s.preferences.into_iter().map(Into::into).collect(),
        }
    }
}

/// The caller's new notice settings: they replace the old ones.
#[derive(Object, Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct NoticeSettingsRequest {
    /// Absent or empty: no e-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// `zh-CN` or `en`.
    pub language: String,
    /// Choices for the channels `in_app` and `email`; absent: none (every kind wanted).
    #[oai(default)]
    #[serde(default)]
    pub preferences: Vec<PreferenceView>,
}

#[derive(ApiResponse)]
pub enum NoticeSettingsFound {
    /// The caller's notice settings.
    #[oai(status = 200)]
    Ok(Json<NoticeSettingsView>),
}

/// An organisation's notices: its webhook and its accounts' defaults.
#[derive(Object)]
pub struct OrganizationNoticesView {
    /// Where the organisation's notices are posted; absent: nowhere.
    #[oai(skip_serializing_if_is_none)]
    pub webhook_url: Option<String>,
    /// The signing secret (Standard Webhooks, `whsec_…`): only in the answer that set the
    /// webhook, never again.
    #[oai(skip_serializing_if_is_none)]
    pub webhook_secret: Option<String>,
    /// The default of the organisation's accounts on `in_app` and `email`, and the
    /// organisation's own choice on `webhook`.
    pub defaults: Vec<PreferenceView>,
}

fn organization_view(o: OrganizationNotices, secret: Option<String>) -> OrganizationNoticesView {
    OrganizationNoticesView {
        webhook_url: o.webhook_url,
        webhook_secret: secret,
        defaults: o.defaults.into_iter().map(Into::into).collect(),
    }
}

/// An organisation's new notice settings.
#[derive(Object, Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct OrganizationNoticesRequest {
    /// Sets the webhook (HTTPS; HTTP only to this machine) with a new signing secret, returned
    /// once. Absent: the webhook stays as it is.
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// Removes the webhook.
    #[oai(default)]
    #[serde(default)]
    pub remove_webhook: bool,
    /// Replaces the defaults; absent: they stay as they are.
    #[serde(default)]
    pub defaults: Option<Vec<PreferenceView>>,
}

#[derive(ApiResponse)]
pub enum OrganizationNoticesFound {
    /// The organisation's notice settings.
    #[oai(status = 200)]
    Ok(Json<OrganizationNoticesView>),
}

/// A notice on its way by e-mail or webhook (the notice itself is not shown).
#[derive(Object)]
pub struct DeliveryView {
    /// Also the e-mail's Message-ID and the webhook's `webhook-id`.
    pub id: Uuid,
    pub channel: ChannelName,
    pub kind: NoticeKindName,
    /// The account (e-mail) or organisation (webhook) it goes to.
    pub recipient: Uuid,
    pub status: OutboxStatusName,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id,
            channel: d.channel.into(),
            kind: d.kind.into(),
            recipient: d.recipient,
            status: d.status.into(),
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_error: d.last_error,
            created_at: d.created_at,
            delivered_at: d.delivered_at,
        }
    }
}

/// One page of deliveries.
#[derive(Object)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryView>,
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

#[derive(ApiResponse)]
pub enum DeliveryList {
    /// A page of deliveries, oldest first.
    #[oai(status = 200)]
    Ok(Json<DeliveryPage>),
}

#[derive(ApiResponse)]
pub enum DeliveryRetried {
    /// Queued again with a fresh count of attempts.
    #[oai(status = 200)]
    Ok(Json<DeliveryView>),
}

const ADMIN: u32 = status::AUTHENTICATED | status::FORBIDDEN;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Notifications")]
impl NoticeChannelsApi {
    /// Read my notice settings.
    ///
    /// The address the caller's notices are e-mailed to, their language, and the caller's own
    /// choices of which kinds they want in the app and by e-mail.
    #[oai(
        path = "/notifications/settings",
        method = "get",
        operation_id = "get_notice_settings"
    )]
    async fn get_notice_settings(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
    ) -> ApiResult<NoticeSettingsFound, { status::AUTHENTICATED }> {
        let found = service::settings(&state, &caller.0).await?;
        Ok(NoticeSettingsFound::Ok(Json(found.into())))
    }

    /// Set my notice settings.
    ///
    /// The address notices are e-mailed to (none: no e-mail), the language they are written in
    /// (`zh-CN`, `en`), and which kinds are wanted `in_app` and by `email`. Replaces the old
    /// settings; 422 names each bad field and changes nothing.
    #[oai(
        path = "/notifications/settings",
        method = "put",
        operation_id = "set_notice_settings"
    )]
    async fn set_notice_settings(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        body: JsonBody<NoticeSettingsRequest>,
    ) -> ApiResult<NoticeSettingsFound, { status::AUTHENTICATED | status::JSON_BODY }> {
        let body = body.0;
        let wanted = AccountNoticeSettings {
            email: body.email,
            language: body.language,
            preferences: body.preferences.into_iter().map(Into::into).collect(),
        };
        let set = service::set_settings(&state, &caller.0, wanted).await?;
        Ok(NoticeSettingsFound::Ok(Json(set.into())))
    }

    /// Read an organisation's notice settings.
    ///
    /// Its webhook's URL (never its secret) and its accounts' defaults. Administrators only.
    #[oai(
        path = "/organizations/:id/notices",
        method = "get",
        operation_id = "get_organization_notices"
    )]
    async fn get_organization_notices(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<OrganizationNoticesFound, { ADMIN | status::NOT_FOUND }> {
        let found = service::organization(&state, &caller.0, id.0.into()).await?;
        Ok(OrganizationNoticesFound::Ok(Json(organization_view(
            found, None,
        ))))
    }

    /// Set an organisation's notice settings.
    ///
    /// `webhook_url` sets its webhook with a new signing secret, returned in this answer only
    /// (Standard Webhooks: each delivery carries `webhook-id`, `webhook-timestamp` and
    /// `webhook-signature`); `remove_webhook` removes it; `defaults` replaces its accounts'
    /// defaults and its own choice on `webhook`. Administrators only.
    #[oai(
        path = "/organizations/:id/notices",
        method = "put",
        operation_id = "set_organization_notices"
    )]
    async fn set_organization_notices(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<OrganizationNoticesRequest>,
    ) -> ApiResult<OrganizationNoticesFound, { ADMIN | status::NOT_FOUND | status::JSON_BODY }>
    {
        let body = body.0;
        let wanted = SetOrganizationNotices {
            webhook_url: body.webhook_url,
            remove_webhook: body.remove_webhook,
            defaults: body
                .defaults
                .map(|d| d.into_iter().map(Into::into).collect()),
        };
        let (set, secret) =
            service::set_organization(&state, &caller.0, id.0.into(), wanted).await?;
        Ok(OrganizationNoticesFound::Ok(Json(organization_view(
            set, secret,
        ))))
    }

    /// List notice deliveries by e-mail and webhook.
    ///
    /// `status=dead` shows what gave up (after `IPDR_OUTBOX_MAX_ATTEMPTS`, or refused for good)
    /// with its last error; `pending` what is still on its way. Administrators only.
    #[oai(
        path = "/notifications/deliveries",
        method = "get",
        operation_id = "list_notice_deliveries"
    )]
    async fn list_notice_deliveries(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        status: Query<Option<OutboxStatusName>>,
        channel: Query<Option<ChannelName>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<DeliveryList, { ADMIN | status::BAD_REQUEST }> {
        let page = page_request(limit.0, cursor.0.as_deref());
        let found = service::list_deliveries(
            &state,
            &caller.0,
            status.0.map(OutboxStatus::from),
            channel.0.map(Into::into),
            page,
        )
        .await?;
        Ok(DeliveryList::Ok(Json(DeliveryPage {
            next_cursor: found.next_after.map(encode_cursor),
            items: found.items.into_iter().map(Into::into).collect(),
        })))
    }

    /// Retry a dead-lettered delivery.
    ///
    /// Queues it again with a fresh count of attempts (409 `not_dead` for any other).
    #[oai(
        path = "/notifications/deliveries/:id/retry",
        method = "post",
        operation_id = "retry_notice_delivery"
    )]
    async fn retry_notice_delivery(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<DeliveryRetried, { ADMIN | status::NOT_FOUND | status::CONFLICT }> {
        let retried = service::retry_delivery(&state, &caller.0, id.0).await?;
        Ok(DeliveryRetried::Ok(Json(retried.into())))
    }
}
