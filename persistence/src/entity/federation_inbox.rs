//! `federation_inbox`: every message applied from a partner, with the answer it got.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "federation_inbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub message_id: Uuid,
    pub partner_node: String,
    pub referral_id: Uuid,
    pub received_at: DateTimeUtc,
    pub answer_status: i32,
    /// The JSON answer, returned again to a redelivery.
    pub answer: String,
}

impl ActiveModelBehavior for ActiveModel {}
