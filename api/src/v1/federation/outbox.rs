//! `/api/v1/federation/outbox`: the federation messages to partners, as delivery sees them.
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

use super::ADMIN;
use crate::auth::BearerAuth;
use crate::error::{ApiResult, status};
use crate::service::outbox::{self as service, OutboxMessage, OutboxStatus};
use crate::state::AppState;
use crate::v1::ApiTags;
use crate::v1::paging::{encode_cursor, page_request};

#[derive(Default)]
pub struct OutboxApi;

/// Where an outbox message stands.
#[derive(Enum, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatusName {
    Pending,
    Delivered,
    Dead,
}

/// A federation message to a partner (its contents are not shown).
#[derive(Object)]
pub struct OutboxMessageView {
    pub id: Uuid,
    pub partner_node: String,
    pub referral_id: Uuid,
    pub seq: i64,
    pub status: OutboxStatusName,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<OutboxStatus> for OutboxStatusName {
    fn from(status: OutboxStatus) -> Self {
        match status {
            OutboxStatus::Pending => Self::Pending,
            OutboxStatus::Delivered => Self::Delivered,
            OutboxStatus::Dead => Self::Dead,
        }
    }
}

impl From<OutboxStatusName> for OutboxStatus {
    fn from(status: OutboxStatusName) -> Self {
        match status {
            OutboxStatusName::Pending => Self::Pending,
            OutboxStatusName::Delivered => Self::Delivered,
            OutboxStatusName::Dead => Self::Dead,
        }
    }
}

fn outbox_view(m: OutboxMessage) -> OutboxMessageView {
    OutboxMessageView {
        id: m.id,
        partner_node: m.partner_node,
        referral_id: m.referral_id,
        seq: m.seq,
        status: m.status.into(),
        attempts: m.attempts,
        next_attempt_at: m.next_attempt_at,
        last_error: m.last_error,
        created_at: m.created_at,
        delivered_at: m.delivered_at,
    }
}

/// One page of outbox messages.
#[derive(Object)]
pub struct OutboxPage {
    pub items: Vec<OutboxMessageView>,
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

#[derive(ApiResponse)]
pub enum OutboxList {
    /// A page of messages, oldest first.
    #[oai(status = 200)]
    Ok(Json<OutboxPage>),
}

#[derive(ApiResponse)]
pub enum OutboxRetried {
    /// Queued again with a fresh count of attempts.
    #[oai(status = 200)]
    Ok(Json<OutboxMessageView>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::FederationAdmin")]
impl OutboxApi {
    /// List federation messages to partners.
    ///
    /// `status=dead` shows what gave up (after `IPDR_OUTBOX_MAX_ATTEMPTS`, or refused by the
    /// partner) with its last error; `pending` what is still being delivered.
    #[oai(
        path = "/federation/outbox",
        method = "get",
        operation_id = "list_outbox"
    )]
    async fn list_outbox(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        status: Query<Option<OutboxStatusName>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<OutboxList, { ADMIN | status::BAD_REQUEST }> {
        let page = page_request(limit.0, cursor.0.as_deref());
        let status = status.0.map(OutboxStatus::from);
        let found = service::list_outbox(&state, &caller.0, status, page).await?;
        Ok(OutboxList::Ok(Json(OutboxPage {
            next_cursor: found.next_after.map(encode_cursor),
            items: found.items.into_iter().map(outbox_view).collect(),
        })))
    }

    /// Retry a dead-lettered message.
    ///
    /// Queues it again with a fresh count of attempts (409 `not_dead` for any other message).
    #[oai(
        path = "/federation/outbox/:id/retry",
        method = "post",
        operation_id = "retry_outbox_message"
    )]
    async fn retry_outbox_message(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<OutboxRetried, { ADMIN | status::NOT_FOUND | status::CONFLICT }> {
        let message = service::retry_message(&state, &caller.0, id.0).await?;
        Ok(OutboxRetried::Ok(Json(outbox_view(message))))
    }
}
