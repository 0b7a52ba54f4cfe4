//! `notifications`: in-app notices, one per (notice, recipient).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub account_id: Uuid,
    pub dedupe_key: String,
    pub kind: String,
    pub case_id: Option<Uuid>,
    pub case_number: Option<String>,
    pub referral_id: Option<Uuid>,
    pub rule: Option<String>,
    pub due_on: Option<Date>,
    pub link: String,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
