//! `organizations`: the mediation bodies, courts, pools and offices of this instance.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: String,
    pub name: String,
    /// `OrganizationKind::name()`
    pub kind: String,
    /// `CourtLevel::as_str()`, only for courts
    pub court_level: Option<String>,
    pub city: String,
    /// `Status::as_str()`
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// R16 target in days; `None`: the default.
    pub people_mediation_days: Option<i32>,
    /// Courts: JSON `{"areas": [...], "divisions": [...], "ip_types": [...]}` (R9, R14).
    pub jurisdiction: Option<String>,
    /// Where it sits: a GB/T 2260 code.
    pub division_code: Option<String>,
    #[sea_orm(has_many)]
    pub accounts: HasMany<super::accounts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
