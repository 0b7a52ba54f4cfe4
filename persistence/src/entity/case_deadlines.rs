//! `case_deadlines`: one row per rule per case (R8, R15, R16, R19).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_deadlines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub rule: String,
    /// Empty for the case itself; an investigator assignment's id for R22/R24 (with
    /// `/reconsideration` for the second R24 decision).
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject: String,
    pub organization_id: Uuid,
    pub starts_on: Date,
    /// `calendar_days` or `working_days`.
    pub period_unit: String,
    pub period_length: i32,
    pub due_on: Date,
    pub calendar_verified: bool,
    pub status: String,
    pub met_on: Option<Date>,
}

impl ActiveModelBehavior for ActiveModel {}
