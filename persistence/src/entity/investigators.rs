//! `investigators`: the pool's profiles, one per `investigator` account.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "investigators")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: Uuid,
    /// Comma-separated `TechnicalField` names.
    pub fields: String,
    pub affiliation: String,
    pub contributed_by: Uuid,
    pub active: bool,
    pub max_assignments: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "account_id", to = "id")]
    pub account: BelongsTo<super::accounts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
