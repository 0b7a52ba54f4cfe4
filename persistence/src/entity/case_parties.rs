//! `case_parties`: applicants and respondents, numbered from 1 within their case.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_parties")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub number: i32,
    pub side: String,
    pub kind: String,
    pub name: String,
    pub id_number: Option<String>,
    /// `IdDocumentKind::as_str()` of `id_number`'s document.
    pub id_type: Option<String>,
    pub credit_code: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// JSON array of `{name, phone, firm}`.
    pub agents: String,
}

impl ActiveModelBehavior for ActiveModel {}
