//! `/api/v1/notifications`: the caller's in-app notices (issue 16).
use chrono::{DateTime, NaiveDate, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use uuid::Uuid;

use super::ApiTags;
use super::paging::{encode_cursor, page_request};
use super::wire::NoticeKindName;
use crate::auth::BearerAuth;
use crate::error::{ApiResult, status};
use crate::service::notifications::{self, Notice};
use crate::state::AppState;

#[derive(Default)]
pub struct NotificationsApi;

/// A notice: what happened, about which case or referral, and where to look. It never holds a
/// party's identity or contact data, an agreement's text or an opinion.
#[derive(Object)]
pub struct NotificationView {
    pub id: Uuid,
    pub kind: NoticeKindName,
    /// The case it is about, when it is about one.
    #[oai(skip_serializing_if_is_none)]
    pub case_id: Option<Uuid>,
    /// The case's number, once it has one.
    #[oai(skip_serializing_if_is_none)]
    pub case_number: Option<String>,
    /// The referral it is about, when it is about one.
    #[oai(skip_serializing_if_is_none)]
    pub referral_id: Option<Uuid>,
    /// For a deadline's notice: the rule (`R8` … `R24`) and the last day.
    #[oai(skip_serializing_if_is_none)]
    pub rule: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub due_on: Option<NaiveDate>,
    /// The console page it links to, relative to this instance (`/cases/{id}` …).
    pub link: String,
    pub created_at: DateTime<Utc>,
    /// When the recipient marked it read; absent while unread.
    #[oai(skip_serializing_if_is_none)]
    pub read_at: Option<DateTime<Utc>>,
}

impl From<Notice> for NotificationView {
    fn from(n: Notice) -> Self {
        Self {
            id: n.id,
            kind: n.kind.into(),
            case_id: n.case_id.map(|c| c.as_uuid()),
            case_number: n.case_number,
            referral_id: n.referral_id,
            rule: n.rule.map(|r| r.as_str().to_owned()),
            due_on: n.due_on,
            link: n.link,
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

/// One page of notices, newest first, with the count of unread ones.
#[derive(Object)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    /// How many of the caller's notices are unread (all of them, not only this page's).
    pub unread: u64,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

#[derive(ApiResponse)]
pub enum NotificationList {
    /// The caller's notices, newest first.
    #[oai(status = 200)]
    Ok(Json<NotificationPage>),
}

#[derive(ApiResponse)]
pub enum MarkedRead {
    /// Marked read (a notice already read keeps the time it was first read).
    #[oai(status = 204)]
    Done,
}

/// How many notices were marked read.
#[derive(Object)]
pub struct MarkedAll {
    pub marked: u64,
}

#[derive(ApiResponse)]
pub enum AllMarkedRead {
    /// Every unread notice of the caller is read now.
    #[oai(status = 200)]
    Ok(Json<MarkedAll>),
}

#[OpenApi(prefix_path = "/api/v1/notifications", tag = "ApiTags::Notifications")]
impl NotificationsApi {
    /// List my notifications.
    ///
    /// The caller's own notices, newest first, with the number unread: deadlines approaching
    /// (by default 2 working days before the last day, and on it) and breached, assignments,
    /// recusals, confirmation applications, cases returned to their court, referrals. `unread`
    /// keeps only the unread ones; pages of `limit` (1–100, default 50) continued with
    /// `cursor`. Every account has its own; nobody reads another's.
    #[oai(path = "/", method = "get", operation_id = "list_notifications")]
    async fn list_notifications(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        unread: Query<Option<bool>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<NotificationList, { status::AUTHENTICATED | status::BAD_REQUEST }> {
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let (found, unread_count) =
            notifications::list(&state, &caller.0, unread.0.unwrap_or(false), page).await?;
        Ok(NotificationList::Ok(Json(NotificationPage {
            next_cursor: found.next_after.map(encode_cursor),
            items: found.items.into_iter().map(Into::into).collect(),
            unread: unread_count,
        })))
    }

    /// Mark a notification read.
    ///
    /// 404 for a notice that is not the caller's.
    #[oai(
        path = "/:id/read",
        method = "post",
        operation_id = "mark_notification_read"
    )]
    async fn mark_notification_read(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<MarkedRead, { status::AUTHENTICATED | status::NOT_FOUND }> {
        notifications::mark_read(&state, &caller.0, id.0).await?;
        Ok(MarkedRead::Done)
    }

    /// Mark all my notifications read.
    ///
    /// Every unread notice of the caller becomes read now; the answer says how many were.
    #[oai(
        path = "/read",
        method = "post",
        operation_id = "mark_all_notifications_read"
    )]
    async fn mark_all_notifications_read(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
    ) -> ApiResult<AllMarkedRead, { status::AUTHENTICATED }> {
        let marked = notifications::mark_all_read(&state, &caller.0).await?;
        Ok(AllMarkedRead::Ok(Json(MarkedAll { marked })))
    }
}
