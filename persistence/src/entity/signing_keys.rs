//! `signing_keys`: the keys that sign access tokens. The newest unretired key signs; every
//! unretired key verifies, so a rotation does not log anybody out. The repository hands out
//! `repo::signing_keys::SigningKey`, whose `Debug` hides the secret.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signing_keys")]
pub struct Model {
    /// The `kid` header of the tokens it signs.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kid: String,
    /// The JWT algorithm, pinned per key (`HS256`).
    pub algorithm: String,
    pub secret: Vec<u8>,
    pub created_at: DateTimeUtc,
    pub retired_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
