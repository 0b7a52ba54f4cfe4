//! `notice_preferences`: a kind of notice on a channel, wanted or not, by an account or (as the
//! default of its accounts) an organisation.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice_preferences")]
pub struct Model {
    /// An account's or an organisation's id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub owner_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub channel: String,
    pub enabled: bool,
}

impl ActiveModelBehavior for ActiveModel {}
