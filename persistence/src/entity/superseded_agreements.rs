//! `superseded_agreements`: signed agreements set aside when the parties amended a settled one;
//! the case file keeps them (R5).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "superseded_agreements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub digest: String,
    /// JSON: the text, terms, R12 flag, signatures and effective time as they were.
    pub agreement: String,
    pub superseded_by: Uuid,
    pub superseded_at: DateTimeUtc,
    pub reason: String,
}

impl ActiveModelBehavior for ActiveModel {}
