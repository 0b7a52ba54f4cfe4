//! Settlement agreements and their signatures.
use chrono::{DateTime, Utc};
use ipdr_domain::CaseId;
use ipdr_domain::case::agreement::{AgreementContent, SignatureMethod, Signer};
use ipdr_domain::case::stored::{SettlementAgreement, Signature};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entity::{agreement_signatures, case_agreements, superseded_agreements};
use crate::repo::{RepoError, Versioned, json_text, parse_stored, violates_unique};

fn signer_name(signer: Signer) -> String {
    match signer {
        Signer::Party(n) => format!("party:{n}"),
        Signer::Mediator => "mediator".to_owned(),
    }
}

fn parse_signer(name: &str) -> Option<Signer> {
    match name.strip_prefix("party:") {
        Some(n) => n.parse().ok().map(Signer::Party),
        None => (name == "mediator").then_some(Signer::Mediator),
    }
}

/// The agreement of a case with its signatures, if one was recorded.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn get(
    db: &impl ConnectionTrait,
    case_id: CaseId,
) -> Result<Option<SettlementAgreement>, RepoError> {
    let Some(row) = case_agreements::Entity::find_by_id(case_id.as_uuid())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let signatures = agreement_signatures::Entity::find()
        .filter(agreement_signatures::Column::CaseId.eq(case_id.as_uuid()))
        .order_by_asc(agreement_signatures::Column::RecordedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|s| {
            Ok(Signature {
                signer: parse_stored("signer", &s.signer, parse_signer)?,
                method: parse_stored("signature method", &s.method, SignatureMethod::parse)?,
                recorded_by: s.recorded_by.into(),
                recorded_at: s.recorded_at,
            })
        })
        .collect::<Result<Vec<_>, RepoError>>()?;
    let terms: Vec<String> = serde_json::from_str(&row.terms)
        .map_err(|_| RepoError::Corrupt(format!("terms of case {}", row.case_id)))?;
    Ok(Some(SettlementAgreement {
        content: AgreementContent {
            text: row.text,
            terms,
            decides_ownership_or_validity: row.decides_ownership_or_validity,
        },
        digest: row.digest,
        recorded_by: row.recorded_by.into(),
        recorded_at: row.recorded_at,
        signatures,
        effective_at: row.effective_at,
    }))
}

/// Records or replaces the agreement (the caller has checked no one signed yet).
///
/// # Errors
/// Database errors.
pub async fn put(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    content: &AgreementContent,
    recorded_by: ipdr_domain::AccountId,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    use case_agreements::Column as C;
    case_agreements::Entity::insert(case_agreements::ActiveModel {
        case_id: Set(case_id.as_uuid()),
        text: Set(content.text.clone()),
        terms: Set(json_text(&content.terms)),
        decides_ownership_or_validity: Set(content.decides_ownership_or_validity),
        digest: Set(content.digest()),
        recorded_by: Set(recorded_by.as_uuid()),
        recorded_at: Set(now),
        effective_at: Set(None),
    })
    .on_conflict(
        OnConflict::column(C::CaseId)
            .update_columns([
                C::Text,
                C::Terms,
                C::DecidesOwnershipOrValidity,
                C::Digest,
                C::RecordedBy,
                C::RecordedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Records a signature.
///
/// # Errors
/// [`RepoError::Stale`] when the same signer's signature was recorded by a concurrent request
/// (the case changed under this one); database errors.
pub async fn add_signature(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    signature: &Signature,
) -> Result<(), RepoError> {
    let inserted = agreement_signatures::Entity::insert(agreement_signatures::ActiveModel {
        case_id: Set(case_id.as_uuid()),
        signer: Set(signer_name(signature.signer)),
        method: Set(signature.method.as_str().to_owned()),
        recorded_by: Set(signature.recorded_by.as_uuid()),
        recorded_at: Set(signature.recorded_at),
    })
    .exec(db)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(e)
            if violates_unique(
                &e,
                "agreement_signatures_pkey",
                "agreement_signatures",
                &["case_id", "signer"],
            ) =>
        {
            Err(RepoError::Stale(Versioned::SettlementAgreement))
        }
        Err(e) => Err(e.into()),
    }
}

/// Marks the agreement effective (R6).
///
/// # Errors
/// Database errors.
pub async fn mark_effective(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    at: DateTime<Utc>,
) -> Result<(), RepoError> {
    case_agreements::Entity::update_many()
        .col_expr(case_agreements::Column::EffectiveAt, Expr::value(at))
        .filter(case_agreements::Column::CaseId.eq(case_id.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// How a set-aside agreement is kept in the case file.
#[derive(serde::Serialize)]
struct Archived<'a> {
    text: &'a str,
    terms: &'a [String],
    decides_ownership_or_validity: bool,
    recorded_by: uuid::Uuid,
    recorded_at: DateTime<Utc>,
    effective_at: Option<DateTime<Utc>>,
    signatures: Vec<ArchivedSignature>,
}

#[derive(serde::Serialize)]
struct ArchivedSignature {
    signer: String,
    method: &'static str,
    recorded_by: uuid::Uuid,
    recorded_at: DateTime<Utc>,
}

/// Sets the case's agreement aside when the parties amend it: the agreement with its signatures
/// moves to `superseded_agreements` (the case file keeps it, R5) and the case has none until a
/// new one is recorded. Returns the digest set aside, `None` when there was no agreement.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn supersede(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    by: ipdr_domain::AccountId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, RepoError> {
    let Some(current) = get(db, case_id).await? else {
        return Ok(None);
    };
    let archived = Archived {
        text: &current.content.text,
        terms: &current.content.terms,
        decides_ownership_or_validity: current.content.decides_ownership_or_validity,
        recorded_by: current.recorded_by.as_uuid(),
        recorded_at: current.recorded_at,
        effective_at: current.effective_at,
        signatures: current
            .signatures
            .iter()
            .map(|s| ArchivedSignature {
                signer: signer_name(s.signer),
                method: s.method.as_str(),
                recorded_by: s.recorded_by.as_uuid(),
                recorded_at: s.recorded_at,
            })
            .collect(),
    };
    let agreement = serde_json::to_string(&archived)
        .map_err(|e| RepoError::Corrupt(format!("agreement of case {case_id}: {e}")))?;
    superseded_agreements::Entity::insert(superseded_agreements::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        case_id: Set(case_id.as_uuid()),
        digest: Set(current.digest.clone()),
        agreement: Set(agreement),
        superseded_by: Set(by.as_uuid()),
        superseded_at: Set(now),
        reason: Set(reason.to_owned()),
    })
    .exec(db)
    .await?;
    agreement_signatures::Entity::delete_many()
        .filter(agreement_signatures::Column::CaseId.eq(case_id.as_uuid()))
        .exec(db)
        .await?;
    case_agreements::Entity::delete_by_id(case_id.as_uuid())
        .exec(db)
        .await?;
    Ok(Some(current.digest))
}
