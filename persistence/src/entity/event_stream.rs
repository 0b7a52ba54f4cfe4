//! `event_stream`: every domain event, written in the transaction of its change.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_stream")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    /// The writing transaction's id on PostgreSQL (a column default), 0 on SQLite.
    pub txid: i64,
    pub at: DateTimeUtc,
    pub kind: String,
    pub subject_kind: String,
    pub subject_id: String,
    /// The case whose timeline shows the event.
    pub case_id: Option<Uuid>,
    /// The account that acted; none for the platform and for partner nodes.
    pub actor_id: Option<Uuid>,
    pub actor_role: String,
    pub partner_node: Option<String>,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub detail: Option<String>,
    /// The operation that caused it (`settle_case`, `receive_message`) or the platform's action.
    pub cause: String,
}

impl ActiveModelBehavior for ActiveModel {}
