//! `audit_events`: one row per security-relevant event. Append-only (a trigger refuses changes).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The writing transaction's id on PostgreSQL (a column default), 0 on SQLite: the chain order.
    pub txid: i64,
    pub occurred_at: DateTimeUtc,
    pub actor: Option<String>,
    pub role: Option<String>,
    pub action: String,
    pub object: String,
    pub outcome: String,
    pub status: i32,
    pub client_address: Option<String>,
    pub request_id: Option<String>,
    pub detail: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
