//! The wire types of judicial confirmation: requests, views and responses.
use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::case::stored::SettlementAgreement;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};
use serde::Deserialize;
use uuid::Uuid;

use crate::service::application_views::{ApplicationDetail, ApplicationEntry};
use crate::service::confirmations::Eligible;
use crate::v1::cases::opinions::OpinionView;
use crate::v1::cases::views::DeadlineView;
use crate::v1::wire::{
    ApplicationStatusName, CourtLevelName, EligibilityGroundName, RefusalGroundName,
};

/// A court eligible to confirm a case's agreement.
#[derive(Object)]
pub struct EligibleCourtView {
    pub court_id: Uuid,
    pub code: String,
    pub name: String,
    pub level: CourtLevelName,
    pub city: String,
    /// Why it is eligible (R9, R14).
    pub grounds: Vec<EligibilityGroundName>,
}

/// The courts eligible for a case.
#[derive(Object)]
pub struct EligibleCourts {
    pub items: Vec<EligibleCourtView>,
}

#[derive(ApiResponse)]
pub enum EligibleCourtsFound {
    /// The eligible courts, in the order the instance lists its courts.
    #[oai(status = 200)]
    Ok(Json<EligibleCourts>),
}

/// The parties' joint application for judicial confirmation (R8).
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    /// One of the case's eligible courts (`GET /api/v1/cases/{id}/eligible-courts`).
    pub court_id: Uuid,
    /// The parties (by number) whose consent to apply jointly is recorded: every party.
    pub consents: Vec<u32>,
    /// For the court, at most 2000 characters.
    #[serde(default)]
    pub note: Option<String>,
}

/// R10: the extension of the review by 10 days and who approved it.
#[derive(Object)]
pub struct ExtensionView {
    /// The court president (or deputy) who approved it, by name.
    pub approved_by: String,
    pub reason: String,
}

/// The agreement the court reviews: exactly what the parties signed.
#[derive(Object)]
pub struct ReviewedSettlementAgreement {
    /// SHA-256 of `text`, equal to the application's `agreement_digest`.
    pub digest: String,
    pub text: String,
    pub terms: Vec<String>,
    pub decides_ownership_or_validity: bool,
    #[oai(skip_serializing_if_is_none)]
    pub effective_at: Option<DateTime<Utc>>,
}

/// An application for judicial confirmation.
#[derive(Object)]
pub struct ApplicationView {
    pub id: Uuid,
    pub case_id: Uuid,
    /// The court it is addressed to.
    pub court_id: Uuid,
    /// The mediation organisation handling the case.
    pub organization_id: Uuid,
    pub status: ApplicationStatusName,
    /// SHA-256 of the signed agreement the application is for.
    pub agreement_digest: String,
    /// The parties whose consent to the joint application was recorded (R8).
    pub consents: Vec<u32>,
    #[oai(skip_serializing_if_is_none)]
    pub note: Option<String>,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub accepted_on: Option<NaiveDate>,
    #[oai(skip_serializing_if_is_none)]
    pub extension: Option<ExtensionView>,
    #[oai(skip_serializing_if_is_none)]
    pub ruling_number: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub ruling_date: Option<NaiveDate>,
    /// R13: why confirmation was refused.
    #[oai(skip_serializing_if_is_none)]
    pub refusal_ground: Option<RefusalGroundName>,
    /// Why acceptance was refused, it was withdrawn or voided; the refusal's words.
    #[oai(skip_serializing_if_is_none)]
    pub reason: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub ended_at: Option<DateTime<Utc>>,
    /// The court's R10 deadlines: acceptance (3 days; 3 working days on `admin_*` tracks) and
    /// the ruling (15 days from acceptance, 25 with the extension).
    pub deadlines: Vec<DeadlineView>,
    /// Reading one application: the agreement under review, for those who may read it (the
    /// court, the mediators), while it is still the case's agreement.
    #[oai(skip_serializing_if_is_none)]
    pub agreement: Option<ReviewedSettlementAgreement>,
    /// Reading one application: the technical opinions the caller may read (R23).
    #[oai(skip_serializing_if_is_none)]
    pub technical_opinions: Option<Vec<OpinionView>>,
    /// For `If-Match`.
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// Applications, newest first.
#[derive(Object)]
pub struct ApplicationPage {
    pub items: Vec<ApplicationView>,
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

#[derive(ApiResponse)]
pub enum ApplicationCreated {
    /// Sent to the court.
    #[oai(status = 201)]
    Created(
        Json<ApplicationView>,
        /// Where the application can be read.
        #[oai(header = "Location")]
        String,
        /// The application's version, for `If-Match`.
        #[oai(header = "ETag")]
        String,
    ),
}

#[derive(ApiResponse)]
pub enum ApplicationFound {
    /// The application.
    #[oai(status = 200)]
    Ok(
        Json<ApplicationView>,
        /// The application's version, for `If-Match`.
        #[oai(header = "ETag")]
        String,
    ),
}

#[derive(ApiResponse)]
pub enum ApplicationList {
    /// Applications, newest first.
    #[oai(status = 200)]
    Ok(Json<ApplicationPage>),
}

/// A reason, in words.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ApplicationReason {
    /// 1 to 2000 characters.
    pub reason: String,
}

/// R10: who approved the extension and why.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ExtendRequest {
    /// The approving court president, by name (1 to 100 characters).
    pub approved_by: String,
    pub reason: String,
}

/// The confirming ruling (裁定).
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    /// The ruling's number, e.g. `（2026）辽0211民特12号`, 1 to 64 characters.
    pub ruling_number: String,
    /// Between the acceptance and today.
    pub ruling_date: NaiveDate,
}

/// The refusing ruling.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct RefuseRequest {
    /// Required: one of the R13 grounds.
    #[serde(default)]
    pub ground: Option<RefusalGroundName>,
    /// The ruling's words, at most 2000 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

impl EligibleCourtView {
    /// The view of an eligible court; `None` for an organisation that is no court.
    pub fn new(e: Eligible) -> Option<Self> {
        Some(Self {
            court_id: e.court.id.as_uuid(),
            code: e.court.code.as_str().to_owned(),
            name: e.court.name.as_str().to_owned(),
            level: e.court.kind.court_level()?.into(),
            city: e.court.city.as_str().to_owned(),
            grounds: e.grounds.into_iter().map(Into::into).collect(),
        })
    }
}

impl From<SettlementAgreement> for ReviewedSettlementAgreement {
    fn from(a: SettlementAgreement) -> Self {
        Self {
            digest: a.digest,
            text: a.content.text,
            terms: a.content.terms,
            decides_ownership_or_validity: a.content.decides_ownership_or_validity,
            effective_at: a.effective_at,
        }
    }
}

impl From<ApplicationEntry> for ApplicationView {
    fn from(entry: ApplicationEntry) -> Self {
        let ApplicationEntry {
            application,
            deadlines,
            today,
        } = entry;
        Self {
            id: application.id.as_uuid(),
            case_id: application.case_id.as_uuid(),
            court_id: application.court_id.as_uuid(),
            organization_id: application.organization_id.as_uuid(),
            status: application.status.into(),
            agreement_digest: application.agreement_digest,
            consents: application.consents,
            note: application.note,
            submitted_by: application.submitted_by.as_uuid(),
            submitted_at: application.submitted_at,
            accepted_on: application.accepted_on,
            extension: application.extension.map(|e| ExtensionView {
                approved_by: e.approved_by,
                reason: e.reason,
            }),
            ruling_number: application.ruling_number,
            ruling_date: application.ruling_date,
            refusal_ground: application.refusal_ground.map(Into::into),
            reason: application.reason,
            ended_at: application.ended_at,
            deadlines: deadlines
                .into_iter()
                .map(|d| DeadlineView::new(d, today))
                .collect(),
            agreement: None,
            technical_opinions: None,
            version: application.version,
            updated_at: application.updated_at,
        }
    }
}

impl From<ApplicationDetail> for ApplicationView {
    fn from(detail: ApplicationDetail) -> Self {
        Self {
            agreement: detail.agreement.map(Into::into),
            technical_opinions: Some(detail.opinions.into_iter().map(Into::into).collect()),
            ..detail.entry.into()
        }
    }
}
