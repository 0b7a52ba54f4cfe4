//! Documents of cases; their contents are stored once per SHA-256.
use ipdr_domain::case::DocumentKind;
use ipdr_domain::case::stored::Document;
use ipdr_domain::{CaseId, DocumentId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entity::{blobs, case_documents};
use crate::repo::{RepoError, parse_stored, stored_int};

fn from_row(row: case_documents::Model) -> Result<Document, RepoError> {
    Ok(Document {
        id: row.id.into(),
        case_id: row.case_id.into(),
        kind: parse_stored("document kind", &row.kind, DocumentKind::parse)?,
        filename: row.filename,
        media_type: row.media_type,
        size: stored_int("document size", row.size)?,
        sha256: row.sha256,
        uploaded_by: row.uploaded_by.into(),
        uploaded_at: row.uploaded_at,
    })
}

/// Stores the content (unless identical content is stored already) and the document.
///
/// # Errors
/// Database errors.
pub async fn insert(
    db: &impl ConnectionTrait,
    document: &Document,
    content: Vec<u8>,
) -> Result<(), RepoError> {
    store_blob(db, &document.sha256, content).await?;
    case_documents::Entity::insert(case_documents::ActiveModel {
        id: Set(document.id.as_uuid()),
        case_id: Set(document.case_id.as_uuid()),
        kind: Set(document.kind.as_str().to_owned()),
        filename: Set(document.filename.clone()),
        media_type: Set(document.media_type.clone()),
        size: Set(i64::try_from(document.size).unwrap_or(i64::MAX)),
        sha256: Set(document.sha256.clone()),
        uploaded_by: Set(document.uploaded_by.as_uuid()),
        uploaded_at: Set(document.uploaded_at),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// The documents of a case, oldest first.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn list(db: &impl ConnectionTrait, case_id: CaseId) -> Result<Vec<Document>, RepoError> {
    case_documents::Entity::find()
        .filter(case_documents::Column::CaseId.eq(case_id.as_uuid()))
        .order_by_asc(case_documents::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// One document of one case (a document of another case is `None`).
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn get(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    id: DocumentId,
) -> Result<Option<Document>, RepoError> {
    case_documents::Entity::find_by_id(id.as_uuid())
        .filter(case_documents::Column::CaseId.eq(case_id.as_uuid()))
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// Stores content under its SHA-256 (`sha256`, computed by the caller), once: identical
/// content already stored is kept as it is.
///
/// # Errors
/// Database errors.
pub async fn store_blob(
    db: &impl ConnectionTrait,
    sha256: &str,
    content: Vec<u8>,
) -> Result<(), RepoError> {
    blobs::Entity::insert(blobs::ActiveModel {
        sha256: Set(sha256.to_owned()),
        size: Set(i64::try_from(content.len()).unwrap_or(i64::MAX)),
        content: Set(content),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    Ok(())
}

/// The bytes stored under a digest.
///
/// # Errors
/// Database errors.
pub async fn content(
    db: &impl ConnectionTrait,
    sha256: &str,
) -> Result<Option<Vec<u8>>, RepoError> {
    Ok(blobs::Entity::find_by_id(sha256.to_owned())
        .one(db)
        .await?
        .map(|b| b.content))
}
