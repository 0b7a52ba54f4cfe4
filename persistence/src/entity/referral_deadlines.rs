//! `referral_deadlines`: one row per clock per referral (R26, R28).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referral_deadlines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub referral_id: Uuid,
    /// `ReferralClock::as_str()`
    #[sea_orm(primary_key, auto_increment = false)]
    pub clock: String,
    pub starts_on: Date,
    /// `calendar_days` or `working_days`.
    pub period_unit: String,
    pub period_length: i32,
    pub due_on: Date,
    pub calendar_verified: bool,
    /// Set while the clock is paused (information requested).
    pub paused_on: Option<Date>,
    pub met_on: Option<Date>,
    /// The day the breach was escalated to the liaisons.
    pub breached_on: Option<Date>,
}

impl ActiveModelBehavior for ActiveModel {}
