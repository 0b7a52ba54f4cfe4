//! `notice_deliveries`: notices by e-mail and webhook, a delivery queue like the federation
//! outbox (`repo::queue`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice_deliveries")]
pub struct Model {
    /// The delivery id: the webhook's `webhook-id`, the e-mail's Message-ID.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The notice's dedupe key (as in `notifications`).
    pub dedupe_key: String,
    /// `email` or `webhook`.
    pub channel: String,
    /// The account (e-mail) or organisation (webhook) it goes to.
    pub recipient: Uuid,
    /// `NoticeKind::as_str()`
    pub kind: String,
    /// The notice as JSON: no personal data.
    pub payload: String,
    /// `pending`, `delivered` or `dead`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
