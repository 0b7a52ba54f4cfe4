//! `organization_webhooks`: where an organisation's notices are posted, and the secret they are
//! signed with (Standard Webhooks, `whsec_…`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organization_webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: Uuid,
    pub url: String,
    /// Never leaves the persistence layer and the webhook signer.
    pub secret: String,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
