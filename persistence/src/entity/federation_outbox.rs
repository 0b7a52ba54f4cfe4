//! `federation_outbox`: messages to partner nodes, written in the transaction of the change they
//! announce and delivered by a worker.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "federation_outbox")]
pub struct Model {
    /// The message id: the receiver's inbox key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partner_node: String,
    pub referral_id: Uuid,
    /// Messages of one referral are delivered in this order.
    pub seq: i64,
    /// The message as sent (JSON).
    pub body: String,
    /// `pending`, `delivered` or `dead`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// While set and in the future, one process is delivering the message.
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
