//! `case_assignments`: the mediators working on a case.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: Uuid,
    pub assigned_by: Uuid,
    pub assigned_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
