//! `case_search_terms`: lower-cased words a case can be found by (prefix match).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_search_terms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub term: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: Uuid,
    /// The handling organisation (searches run within one).
    pub organization_id: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
