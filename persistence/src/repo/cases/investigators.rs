//! Investigators on cases: assignments, and technical opinions with their documents.
use ipdr_domain::case::Side;
use ipdr_domain::investigator::recusal::RecusalStage;
use ipdr_domain::investigator::stored::{Assignment, EndReason, Opinion, OpinionDocument};
use ipdr_domain::investigator::{AssignmentStatus, Procedure, TechnicalField};
use ipdr_domain::{AccountId, AssignmentId, CaseId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entity::{investigator_assignments as ia, opinion_documents, technical_opinions};
use crate::repo::{
    Conflict, RepoError, json_text, parse_json, parse_stored, stored_int, violates_unique,
};

pub(crate) fn assignment(row: ia::Model) -> Result<Assignment, RepoError> {
    Ok(Assignment {
        id: row.id.into(),
        case_id: row.case_id.into(),
        investigator_id: row.investigator_id.into(),
        procedure: parse_stored("procedure", &row.procedure, Procedure::parse)?,
        field: parse_stored("technical field", &row.field, TechnicalField::parse)?,
        question: row.question,
        status: parse_stored("assignment status", &row.status, AssignmentStatus::parse)?,
        recusal: parse_stored("recusal stage", &row.recusal_stage, RecusalStage::parse)?,
        recusal_requested_by: row
            .recusal_requested_by
            .as_deref()
            .map(|s| parse_stored("side", s, Side::parse))
            .transpose()?,
        recusal_grounds: row.recusal_grounds,
        end_reason: row
            .end_reason
            .as_deref()
            .map(|r| parse_stored("end reason", r, EndReason::parse))
            .transpose()?,
        assigned_by: row.assigned_by.into(),
        assigned_at: row.assigned_at,
        parties_notified_on: row.parties_notified_on,
        ended_at: row.ended_at,
    })
}

fn active_model(a: &Assignment) -> ia::ActiveModel {
    ia::ActiveModel {
        id: Set(a.id.as_uuid()),
        case_id: Set(a.case_id.as_uuid()),
        investigator_id: Set(a.investigator_id.as_uuid()),
        procedure: Set(a.procedure.as_str().to_owned()),
        field: Set(a.field.as_str().to_owned()),
        question: Set(a.question.clone()),
        status: Set(a.status.as_str().to_owned()),
        recusal_stage: Set(a.recusal.as_str().to_owned()),
        recusal_requested_by: Set(a.recusal_requested_by.map(|s| s.as_str().to_owned())),
        recusal_grounds: Set(a.recusal_grounds.clone()),
        end_reason: Set(a.end_reason.map(|r| r.as_str().to_owned())),
        assigned_by: Set(a.assigned_by.as_uuid()),
        assigned_at: Set(a.assigned_at),
        parties_notified_on: Set(a.parties_notified_on),
        ended_at: Set(a.ended_at),
    }
}

/// # Errors
/// Database errors.
pub async fn insert_assignment(db: &impl ConnectionTrait, a: &Assignment) -> Result<(), RepoError> {
    ia::Entity::insert(active_model(a)).exec(db).await?;
    Ok(())
}

/// Writes every field of an assignment (its id and case unchanged).
///
/// # Errors
/// Database errors.
pub async fn save_assignment(db: &impl ConnectionTrait, a: &Assignment) -> Result<(), RepoError> {
    active_model(a).update(db).await?;
    Ok(())
}

/// One assignment of one case (an assignment of another case is `None`).
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn get_assignment(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    id: AssignmentId,
) -> Result<Option<Assignment>, RepoError> {
    ia::Entity::find_by_id(id.as_uuid())
        .filter(ia::Column::CaseId.eq(case_id.as_uuid()))
        .one(db)
        .await?
        .map(assignment)
        .transpose()
}

/// Every assignment of a case, oldest first.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn assignments_of_case(
    db: &impl ConnectionTrait,
    case_id: CaseId,
) -> Result<Vec<Assignment>, RepoError> {
    ia::Entity::find()
        .filter(ia::Column::CaseId.eq(case_id.as_uuid()))
        .order_by_asc(ia::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(assignment)
        .collect()
}

/// The investigator's assignment on the case that has not ended, if any.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn current_assignment(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    investigator: AccountId,
) -> Result<Option<Assignment>, RepoError> {
    ia::Entity::find()
        .filter(ia::Column::CaseId.eq(case_id.as_uuid()))
        .filter(ia::Column::InvestigatorId.eq(investigator.as_uuid()))
        .filter(ia::Column::Status.ne(AssignmentStatus::Ended.as_str()))
        .one(db)
        .await?
        .map(assignment)
        .transpose()
}

/// Stores an opinion document's content (once per digest) for its author on the case.
///
/// # Errors
/// Database errors.
pub async fn add_opinion_document(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    author: AccountId,
    document: &OpinionDocument,
    content: Vec<u8>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), RepoError> {
    super::documents::store_blob(db, &document.sha256, content).await?;
    opinion_documents::Entity::insert(opinion_documents::ActiveModel {
        case_id: Set(case_id.as_uuid()),
        author_id: Set(author.as_uuid()),
        sha256: Set(document.sha256.clone()),
        filename: Set(document.filename.clone()),
        media_type: Set(document.media_type.clone()),
        size: Set(i64::try_from(document.size).unwrap_or(i64::MAX)),
        uploaded_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    Ok(())
}

/// A document the author uploaded for their opinions on the case.
///
/// # Errors
/// Database errors.
pub async fn opinion_document(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    author: AccountId,
    sha256: &str,
) -> Result<Option<OpinionDocument>, RepoError> {
    let Some(row) = opinion_documents::Entity::find_by_id((
        case_id.as_uuid(),
        author.as_uuid(),
        sha256.to_owned(),
    ))
    .one(db)
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(OpinionDocument {
        size: stored_int("opinion document size", row.size)?,
        sha256: row.sha256,
        filename: row.filename,
        media_type: row.media_type,
    }))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct DocumentRow {
    sha256: String,
    filename: String,
    media_type: String,
    size: u64,
}

fn opinion(row: technical_opinions::Model) -> Result<Opinion, RepoError> {
    let documents: Vec<DocumentRow> = parse_json(
        &format!("opinion documents of {}", row.assignment_id),
        &row.documents,
    )?;
    Ok(Opinion {
        assignment_id: row.assignment_id.into(),
        version: stored_int("opinion version", row.version)?,
        case_id: row.case_id.into(),
        author_id: row.author_id.into(),
        text: row.text,
        digest: row.digest,
        documents: documents
            .into_iter()
            .map(|d| OpinionDocument {
                sha256: d.sha256,
                filename: d.filename,
                media_type: d.media_type,
                size: d.size,
            })
            .collect(),
        submitted_at: row.submitted_at,
    })
}

/// The latest opinion version submitted on the assignment, 0 before the first.
///
/// # Errors
/// Database errors; a corrupt version.
pub async fn latest_opinion_version(
    db: &impl ConnectionTrait,
    assignment: AssignmentId,
) -> Result<u32, RepoError> {
    let latest: Option<Option<i32>> = technical_opinions::Entity::find()
        .select_only()
        .column_as(technical_opinions::Column::Version.max(), "latest")
        .filter(technical_opinions::Column::AssignmentId.eq(assignment.as_uuid()))
        .into_tuple()
        .one(db)
        .await?;
    stored_int("opinion version", latest.flatten().unwrap_or(0))
}

/// Stores a submitted opinion version (the caller numbered it).
///
/// # Errors
/// [`Conflict::OpinionVersion`] when a concurrent submission took the version; database errors.
pub async fn insert_opinion(db: &impl ConnectionTrait, o: &Opinion) -> Result<(), RepoError> {
    let documents: Vec<DocumentRow> = o
        .documents
        .iter()
        .map(|d| DocumentRow {
            sha256: d.sha256.clone(),
            filename: d.filename.clone(),
            media_type: d.media_type.clone(),
            size: d.size,
        })
        .collect();
    let inserted = technical_opinions::Entity::insert(technical_opinions::ActiveModel {
        assignment_id: Set(o.assignment_id.as_uuid()),
        version: Set(i32::try_from(o.version).unwrap_or(i32::MAX)),
        case_id: Set(o.case_id.as_uuid()),
        author_id: Set(o.author_id.as_uuid()),
        text: Set(o.text.clone()),
        digest: Set(o.digest.clone()),
        documents: Set(json_text(&documents)),
        submitted_at: Set(o.submitted_at),
    })
    .exec(db)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(e)
            if violates_unique(
                &e,
                "technical_opinions_pkey",
                "technical_opinions",
                &["assignment_id", "version"],
            ) =>
        {
            Err(RepoError::Conflict(Conflict::OpinionVersion))
        }
        Err(e) => Err(e.into()),
    }
}

/// Every opinion version of a case, by assignment and version.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn opinions_of_case(
    db: &impl ConnectionTrait,
    case_id: CaseId,
) -> Result<Vec<Opinion>, RepoError> {
    technical_opinions::Entity::find()
        .filter(technical_opinions::Column::CaseId.eq(case_id.as_uuid()))
        .order_by_asc(technical_opinions::Column::AssignmentId)
        .order_by_asc(technical_opinions::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(opinion)
        .collect()
}
