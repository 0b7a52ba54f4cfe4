//! `partner_nodes`: the registry of partner IPDR instances. Outbound URLs come only from here.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_nodes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub node_id: String,
    pub name: String,
    pub city: String,
    pub base_url: String,
    /// JSON array of `{kid, x}`: the partner's Ed25519 public keys (base64url, as in a JWK).
    pub public_keys: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
