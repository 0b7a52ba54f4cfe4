//! `cases`: mediation cases. Parties, deadlines, events, agreements live in their own tables.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_number: Option<String>,
    pub organization_id: Uuid,
    pub referring_court_id: Option<Uuid>,
    pub track: String,
    pub ip_type: String,
    pub right_identifier: String,
    pub right_title: Option<String>,
    /// JSON array of strings.
    pub claims: String,
    pub amount_fen: Option<i64>,
    pub city: String,
    pub court_procedure: Option<String>,
    pub status: String,
    pub consent: String,
    pub reason: Option<String>,
    /// Comma-separated `Route` names.
    pub routes: Option<String>,
    pub withdrawn_by: Option<String>,
    pub version: i64,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// A court confirmed the settlement (司法确认).
    pub enforceable: bool,
    /// When a court-referred case went back to its court unsettled (R15).
    pub returned_on: Option<Date>,
}

impl ActiveModelBehavior for ActiveModel {}
