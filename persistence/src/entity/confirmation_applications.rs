//! `confirmation_applications`: applications for judicial confirmation (司法确认) of a case's
//! settlement agreement, addressed to one court (R8–R14).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "confirmation_applications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub court_id: Uuid,
    /// The handling mediation organisation of the case.
    pub organization_id: Uuid,
    /// The SHA-256 of the agreement the parties signed: what the court reviews.
    pub agreement_digest: String,
    /// `ApplicationStatus::as_str()`
    pub status: String,
    /// JSON array of the consenting parties' numbers (R8: a joint application).
    pub consents: String,
    pub note: Option<String>,
    pub submitted_by: Uuid,
    pub submitted_at: DateTimeUtc,
    pub accepted_on: Option<Date>,
    /// R10: who approved the extension of the review, by name.
    pub extension_approved_by: Option<String>,
    pub extension_reason: Option<String>,
    pub ruling_number: Option<String>,
    pub ruling_date: Option<Date>,
    /// `RefusalGround::as_str()` (R13)
    pub refusal_ground: Option<String>,
    /// Why acceptance was refused, the application withdrawn or voided; the ruling's words.
    pub reason: Option<String>,
    pub ended_at: Option<DateTimeUtc>,
    pub version: i64,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
