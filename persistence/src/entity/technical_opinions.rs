//! `technical_opinions`: submitted versions of technical opinions (R23).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "technical_opinions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub assignment_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    pub case_id: Uuid,
    pub author_id: Uuid,
    pub text: String,
    pub digest: String,
    /// JSON array of `{sha256, filename, media_type, size}`.
    pub documents: String,
    pub submitted_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
