//! `investigator_assignments`: an investigator on a case, in one procedure.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "investigator_assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub investigator_id: Uuid,
    pub procedure: String,
    pub field: String,
    pub question: String,
    pub status: String,
    pub recusal_stage: String,
    pub recusal_requested_by: Option<String>,
    pub recusal_grounds: Option<String>,
    pub end_reason: Option<String>,
    pub assigned_by: Uuid,
    pub assigned_at: DateTimeUtc,
    pub parties_notified_on: Option<Date>,
    pub ended_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
