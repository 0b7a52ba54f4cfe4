//! How a case's agreement and documents look on the wire.
use chrono::{DateTime, Utc};
use ipdr_domain::case::agreement::{Signer, required_signers};
use ipdr_domain::case::stored::{Case, Document, SettlementAgreement};
use poem_openapi::Object;
use uuid::Uuid;

use crate::v1::wire::{DocumentKindName, SignatureMethodName};

/// Who signed: a party by its number, or the mediator.
#[derive(Object)]
pub struct SignatureView {
    /// The party's number; absent for the mediator's signature.
    #[oai(skip_serializing_if_is_none)]
    pub party_number: Option<u32>,
    pub mediator: bool,
    pub method: SignatureMethodName,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

/// The settlement agreement with its signatures.
#[derive(Object)]
pub struct SettlementAgreementView {
    pub case_id: Uuid,
    pub text: String,
    pub terms: Vec<String>,
    /// SHA-256 of `text` (UTF-8), lower-case hex.
    pub digest: String,
    pub decides_ownership_or_validity: bool,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
    pub signatures: Vec<SignatureView>,
    pub signatures_required: u32,
    /// Set at the last required signature (R6); the case is then `settled`.
    #[oai(skip_serializing_if_is_none)]
    pub effective_at: Option<DateTime<Utc>>,
    /// The case's version after the change (for `If-Match`).
    pub case_version: i64,
}

pub fn agreement_view(case: &Case, a: SettlementAgreement) -> SettlementAgreementView {
    SettlementAgreementView {
        case_id: case.id.as_uuid(),
        signatures_required: u32::try_from(required_signers(&case.parties).len())
            .unwrap_or(u32::MAX),
        text: a.content.text,
        terms: a.content.terms,
        digest: a.digest,
        decides_ownership_or_validity: a.content.decides_ownership_or_validity,
        recorded_by: a.recorded_by.as_uuid(),
        recorded_at: a.recorded_at,
        signatures: a
            .signatures
            .into_iter()
            .map(|s| SignatureView {
                party_number: match s.signer {
                    Signer::Party(n) => Some(n),
                    Signer::Mediator => None,
                },
                mediator: s.signer == Signer::Mediator,
                method: s.method.into(),
                recorded_by: s.recorded_by.as_uuid(),
                recorded_at: s.recorded_at,
            })
            .collect(),
        effective_at: a.effective_at,
        case_version: case.version,
    }
}

/// A document attached to a case.
#[derive(Object)]
pub struct DocumentView {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: DocumentKindName,
    pub filename: String,
    pub media_type: String,
    pub size: u64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    pub uploaded_by: Uuid,
    pub uploaded_at: DateTime<Utc>,
}

impl From<Document> for DocumentView {
    fn from(d: Document) -> Self {
        Self {
            id: d.id.as_uuid(),
            case_id: d.case_id.as_uuid(),
            kind: d.kind.into(),
            filename: d.filename,
            media_type: d.media_type,
            size: d.size,
            sha256: d.sha256,
            uploaded_by: d.uploaded_by.as_uuid(),
            uploaded_at: d.uploaded_at,
        }
    }
}
