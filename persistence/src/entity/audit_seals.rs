//! `audit_seals`: the hash chain over `audit_events`, in the order the sealer fixed. Append-only.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_seals")]
pub struct Model {
    /// 1, 2, 3 … without gaps.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    #[sea_orm(unique)]
    pub record_id: i64,
    /// `SHA-256(previous hash ‖ canonical record)`, lower-case hex.
    pub hash: String,
    pub sealed_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
