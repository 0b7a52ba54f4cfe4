//! Notices beyond the in-app list: the e-mail and webhook delivery queue (a [`queue`] like the
//! federation outbox), each account's e-mail settings and preferences, and each organisation's
//! webhook.
use chrono::{DateTime, Utc};
use ipdr_domain::notification::{Channel, NoticeKind};
use ipdr_domain::{AccountId, OrganizationId};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::queue::{self, OutboxStatus, Queue};
use super::{Page, PageRequest, RepoError, parse_stored};
use crate::entity::{
    notice_deliveries, notice_preferences, notice_settings, organization_webhooks,
};

/// The e-mail deliveries: claimed only by a process that has an SMTP server.
pub const EMAIL: Queue = Queue {
    table: "notice_deliveries",
    in_order: None,
    only: Some("o.channel = 'email'"),
};

/// The webhook deliveries.
pub const WEBHOOK: Queue = Queue {
    table: "notice_deliveries",
    in_order: None,
    only: Some("o.channel = 'webhook'"),
};

/// The queue of a channel that has one.
pub fn queue_of(channel: Channel) -> Option<Queue> {
    match channel {
        Channel::Email => Some(EMAIL),
        Channel::Webhook => Some(WEBHOOK),
        Channel::InApp => None,
    }
}

/// A notice to deliver to one recipient on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    pub dedupe_key: String,
    pub channel: Channel,
    /// The account (e-mail) or organisation (webhook).
    pub recipient: Uuid,
    pub kind: NoticeKind,
    pub payload: String,
}

/// A delivery as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: Uuid,
    pub dedupe_key: String,
    pub channel: Channel,
    pub recipient: Uuid,
    pub kind: NoticeKind,
    pub payload: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

fn from_row(row: notice_deliveries::Model) -> Result<Delivery, RepoError> {
    Ok(Delivery {
        channel: parse_stored("delivery channel", &row.channel, Channel::parse)?,
        kind: parse_stored("notice kind", &row.kind, NoticeKind::parse)?,
        status: parse_stored("delivery status", &row.status, OutboxStatus::parse)?,
        id: row.id,
        dedupe_key: row.dedupe_key,
        recipient: row.recipient,
        payload: row.payload,
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at,
        last_error: row.last_error,
        created_at: row.created_at,
        delivered_at: row.delivered_at,
    })
}

/// Queues `deliveries`, except those queued already (the same notice, channel and recipient),
/// and returns how many were queued now: call in the transaction that raises the notice.
///
/// # Errors
/// Database errors.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    deliveries: &[NewDelivery],
    now: DateTime<Utc>,
) -> Result<u64, RepoError> {
    if deliveries.is_empty() {
        return Ok(0);
    }
    let rows = deliveries.iter().map(|d| notice_deliveries::ActiveModel {
        id: Set(Uuid::now_v7()),
        dedupe_key: Set(d.dedupe_key.clone()),
        channel: Set(d.channel.as_str().to_owned()),
        recipient: Set(d.recipient),
        kind: Set(d.kind.as_str().to_owned()),
        payload: Set(d.payload.clone()),
        status: Set(OutboxStatus::Pending.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
    });
    Ok(notice_deliveries::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                notice_deliveries::Column::DedupeKey,
                notice_deliveries::Column::Channel,
                notice_deliveries::Column::Recipient,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?)
}

/// Claims the deliveries of `channel` due at `now` (see [`queue::claim`]).
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn claim(
    db: &impl ConnectionTrait,
    queue: Queue,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Delivery>, RepoError> {
    queue::claim::<notice_deliveries::Entity>(db, queue, now, lease_until, limit)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// # Errors
/// Database errors, corrupt rows.
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Delivery>, RepoError> {
    notice_deliveries::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// One page of deliveries, oldest first, optionally of one status and one channel.
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn list(
    db: &impl ConnectionTrait,
    status: Option<OutboxStatus>,
    channel: Option<Channel>,
    page: PageRequest,
) -> Result<Page<Delivery>, RepoError> {
    use notice_deliveries::{Column, Entity};
    let mut query = Entity::find();
    if let Some(status) = status {
        query = query.filter(Column::Status.eq(status.as_str()));
    }
    if let Some(channel) = channel {
        query = query.filter(Column::Channel.eq(channel.as_str()));
    }
    if let Some(after) = page.after {
        query = query.filter(Column::Id.gt(after));
    }
    let rows = query
        .order_by_asc(Column::Id)
        .limit(page.limit + 1)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, page.limit, |d| d.id))
}

/// Where and how an account's notices are e-mailed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub email: Option<String>,
    /// `zh-CN` or `en`.
    pub language: String,
}

/// An account's settings; `None` when it never set any.
///
/// # Errors
/// Database errors.
pub async fn settings(
    db: &impl ConnectionTrait,
    account: AccountId,
) -> Result<Option<Settings>, RepoError> {
    Ok(notice_settings::Entity::find_by_id(account.as_uuid())
        .one(db)
        .await?
        .map(|row| Settings {
            email: row.email,
            language: row.language,
        }))
}

/// Replaces an account's settings.
///
/// # Errors
/// Database errors.
pub async fn put_settings(
    db: &impl ConnectionTrait,
    account: AccountId,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    use notice_settings::Column;
    notice_settings::Entity::insert(notice_settings::ActiveModel {
        account_id: Set(account.as_uuid()),
        email: Set(settings.email.clone()),
        language: Set(settings.language.clone()),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(Column::AccountId)
            .update_columns([Column::Email, Column::Language, Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// One preference: whether `kind` is wanted on `channel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preference {
    pub kind: NoticeKind,
    pub channel: Channel,
    pub enabled: bool,
}

/// The preferences an account or organisation (`owner`) set; kinds and channels not listed are
/// wanted.
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn preferences(
    db: &impl ConnectionTrait,
    owner: Uuid,
) -> Result<Vec<Preference>, RepoError> {
    use notice_preferences::{Column, Entity};
    Entity::find()
        .filter(Column::OwnerId.eq(owner))
        .order_by_asc(Column::Kind)
        .order_by_asc(Column::Channel)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            Ok(Preference {
                kind: parse_stored("notice kind", &row.kind, NoticeKind::parse)?,
                channel: parse_stored("notice channel", &row.channel, Channel::parse)?,
                enabled: row.enabled,
            })
        })
        .collect()
}

/// Replaces every preference of `owner` with `wanted`.
///
/// # Errors
/// Database errors.
pub async fn put_preferences(
    db: &impl ConnectionTrait,
    owner: Uuid,
    wanted: &[Preference],
) -> Result<(), RepoError> {
    use notice_preferences::{ActiveModel, Column, Entity};
    Entity::delete_many()
        .filter(Column::OwnerId.eq(owner))
        .exec(db)
        .await?;
    if wanted.is_empty() {
        return Ok(());
    }
    Entity::insert_many(wanted.iter().map(|p| ActiveModel {
        owner_id: Set(owner),
        kind: Set(p.kind.as_str().to_owned()),
        channel: Set(p.channel.as_str().to_owned()),
        enabled: Set(p.enabled),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// An organisation's webhook.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    pub organization_id: OrganizationId,
    pub url: String,
    /// The signing secret (`whsec_` and base64).
    pub secret: String,
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("organization_id", &self.organization_id)
            .field("url", &self.url)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// # Errors
/// Database errors.
pub async fn webhook(
    db: &impl ConnectionTrait,
    organization: OrganizationId,
) -> Result<Option<Webhook>, RepoError> {
    Ok(
        organization_webhooks::Entity::find_by_id(organization.as_uuid())
            .one(db)
            .await?
            .map(|row| Webhook {
                organization_id: row.organization_id.into(),
                url: row.url,
                secret: row.secret,
                updated_at: row.updated_at,
            }),
    )
}

/// Sets (or replaces) an organisation's webhook.
///
/// # Errors
/// Database errors.
pub async fn put_webhook(db: &impl ConnectionTrait, webhook: &Webhook) -> Result<(), RepoError> {
    use organization_webhooks::Column;
    organization_webhooks::Entity::insert(organization_webhooks::ActiveModel {
        organization_id: Set(webhook.organization_id.as_uuid()),
        url: Set(webhook.url.clone()),
        secret: Set(webhook.secret.clone()),
        updated_at: Set(webhook.updated_at),
    })
    .on_conflict(
        OnConflict::column(Column::OrganizationId)
            .update_columns([Column::Url, Column::Secret, Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Removes an organisation's webhook; whether it had one.
///
/// # Errors
/// Database errors.
pub async fn delete_webhook(
    db: &impl ConnectionTrait,
    organization: OrganizationId,
) -> Result<bool, RepoError> {
    Ok(
        organization_webhooks::Entity::delete_by_id(organization.as_uuid())
            .exec(db)
            .await?
            .rows_affected
            == 1,
    )
}
