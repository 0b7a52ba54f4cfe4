//! `accounts`: users of this instance, one role each, in one organisation.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Lower case, unique.
    pub username: String,
    pub display_name: String,
    /// `Role::as_str()`
    pub role: String,
    pub organization_id: Uuid,
    /// An argon2id PHC string; never leaves the persistence and auth layers.
    pub password_hash: String,
    /// `Status::as_str()`
    pub status: String,
    /// Bumped whenever existing tokens must stop working (password change, disabling).
    pub auth_version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub last_login_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "organization_id", to = "id")]
    pub organization: BelongsTo<super::organizations::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
