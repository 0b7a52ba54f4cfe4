//! `case_agreements`: a case's settlement agreement.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_agreements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: Uuid,
    pub text: String,
    /// JSON array of strings.
    pub terms: String,
    pub decides_ownership_or_validity: bool,
    pub digest: String,
    pub recorded_by: Uuid,
    pub recorded_at: DateTimeUtc,
    pub effective_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
