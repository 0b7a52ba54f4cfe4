//! `/api/v1/audit-records`: the audit trail, for auditors.
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::ApiTags;
use crate::auth::BearerAuth;
use crate::error::{ApiResult, status};
use crate::service::audit_trail;
use crate::state::AppState;

#[derive(Default)]
pub struct AuditApi;

/// One audit record: who did what to which object, how it ended, when and from where.
#[derive(Object)]
pub struct AuditRecordView {
    /// Increases with every record; the `before` of the next page.
    pub id: i64,
    /// UTC.
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    /// `account:<id>`, `partner:<node>`, `node:<this node>`; absent when nobody authenticated.
    #[oai(skip_serializing_if_is_none)]
    pub actor: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub role: Option<String>,
    /// The operation (`open_case`, `login`, `receive_message`, `federation.deliver` …).
    pub action: String,
    /// The path acted on, what was created, or `referral:<id>`.
    pub object: String,
    /// `succeeded`, `failed`, `unauthenticated`, `denied`, `not_found`, `refused`, `invalid`,
    /// `throttled`, `error` or `retrying`.
    pub outcome: String,
    /// The HTTP status answered; 0 for outgoing federation messages.
    pub status: i32,
    #[oai(skip_serializing_if_is_none)]
    pub client_address: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub request_id: Option<String>,
    /// A short machine reason (`wrong_password`, `message <id> seq <n>` …).
    #[oai(skip_serializing_if_is_none)]
    pub detail: Option<String>,
}

/// A page of audit records, newest first.
#[derive(Object)]
pub struct AuditPage {
    pub items: Vec<AuditRecordView>,
    /// Pass as `before` for the next (older) page.
    #[oai(skip_serializing_if_is_none)]
    pub next_before: Option<i64>,
}

#[derive(ApiResponse)]
pub enum AuditList {
    /// Newest first.
    #[oai(status = 200)]
    Ok(Json<AuditPage>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Audit")]
impl AuditApi {
    /// List audit records.
    ///
    /// Every login and failed login, every refused request, every state change and every
    /// federation message in and out, newest first (auditors only). The trail is hash-chained;
    /// `ipdr audit verify` checks it.
    #[oai(
        path = "/audit-records",
        method = "get",
        operation_id = "list_audit_records"
    )]
    async fn list_audit_records(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        /// Only records older than this id (the previous page's `next_before`).
        #[oai(validator(minimum(value = "1")))]
        before: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
    ) -> ApiResult<AuditList, { status::AUTHENTICATED | status::FORBIDDEN | status::BAD_REQUEST }>
    {
        let size = super::paging::limit(limit.0);
        let page = audit_trail::recent(&state, &caller.0, before.0, size).await?;
        Ok(AuditList::Ok(Json(AuditPage {
            items: page
                .records
                .into_iter()
                .map(|r| AuditRecordView {
                    id: r.id,
                    occurred_at: r.occurred_at,
                    actor: r.actor,
                    role: r.role,
                    action: r.action,
                    object: r.object,
                    outcome: r.outcome,
                    status: r.status,
                    client_address: r.client_address,
                    request_id: r.request_id,
                    detail: r.detail,
                })
                .collect(),
            next_before: page.next_before,
        })))
    }
}
