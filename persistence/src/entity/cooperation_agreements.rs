//! `cooperation_agreements`: this node's copy of an agreement with one partner node (R28).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cooperation_agreements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The code both nodes know the agreement by; messages name it.
    pub code: String,
    pub title: String,
    pub local_node: String,
    pub partner_node: String,
    /// JSON array of `IpType` names.
    pub ip_types: String,
    /// JSON array of `ReferralKind` names.
    pub kinds: String,
    pub acknowledge_days: i32,
    pub decide_days: i32,
    pub report_days: i32,
    pub valid_from: Date,
    pub valid_until: Option<Date>,
    /// `draft`, `active` or `suspended` (expiry is read from the dates).
    pub status: String,
    /// JSON array of the local liaison accounts' ids.
    pub liaisons: String,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
