//! Assignments and documents of a case.
use crate::service::unit_of_work::{emit_concerning, emit_on_case};
use ipdr_domain::access::{Action, CaseRef, Decision, Principal, Resource, authorize};
use ipdr_domain::case::DocumentKind;
use ipdr_domain::case::files::{self, check_assignee};
use ipdr_domain::case::lifecycle::check_not_closed;
use ipdr_domain::case::stored::{Assignment, Case, CaseEvent, Document};
use ipdr_domain::event::EventKind;
use ipdr_domain::validation::Invalid;
use ipdr_domain::{AccountId, CaseId, DocumentId, ValidationErrors, sha256_hex};
use ipdr_persistence::repo::accounts;
use ipdr_persistence::repo::cases::{assignments, documents};

use crate::service::cases::{authorized, begin_case_write, case_ref, event};
use crate::service::error::{AppError, permit};
use crate::service::unit_of_work::commit;
use crate::state::AppState;

/// Assigns an active mediator of the handling organisation to the case.
///
/// # Errors
/// `Refused` on a closed case (R5) or when already assigned; `Invalid` on `account_id`; `Internal`.
pub async fn assign(
    state: &AppState,
    caller: &Principal,
    case: &Case,
    account: AccountId,
) -> Result<Vec<Assignment>, AppError> {
    check_not_closed(case.status)?;
    let assignee = accounts::get(&state.db, account).await?;
    let fits = assignee.map_or(Err(Invalid::new("not_found", "no such account")), |a| {
        check_assignee(a.role, a.organization_id, a.status, case.organization_id)
    });
    fits.map_err(|e| ValidationErrors::one("account_id", e))?;
    let txn = begin_case_write(state, case.id).await?;
    assignments::assign(&txn, case.id, account, caller.account_id, state.clock.now()).await?;
    let recorded = CaseEvent {
        detail: Some(format!("assigned {account}")),
        ..event(state, caller, EventKind::AssignMediator)
    };
    emit_concerning(&txn, case.id, recorded, account).await?;
    let all = assignments::of_case(&txn, case.id).await?;
    commit(txn).await?;
    Ok(all)
}

/// Removes a mediator from the case.
///
/// # Errors
/// `NotFound` when not assigned; `Refused` on a closed case (R5); `Internal`.
pub async fn unassign(
    state: &AppState,
    caller: &Principal,
    case: &Case,
    account: AccountId,
) -> Result<Vec<Assignment>, AppError> {
    check_not_closed(case.status)?;
    let txn = begin_case_write(state, case.id).await?;
    if !assignments::unassign(&txn, case.id, account).await? {
        // No such assignment.
        return Err(AppError::NotFound);
    }
    let recorded = CaseEvent {
        detail: Some(format!("unassigned {account}")),
        ..event(state, caller, EventKind::UnassignMediator)
    };
    emit_on_case(&txn, case.id, None, recorded).await?;
    let all = assignments::of_case(&txn, case.id).await?;
    commit(txn).await?;
    Ok(all)
}

/// A file name as uploaded (see `ipdr_domain::case::files::filename`).
///
/// # Errors
/// `Invalid` on `filename`.
pub fn filename(name: &str) -> Result<String, AppError> {
    files::filename(name).map_err(|e| ValidationErrors::one("filename", e).into())
}

/// A media type `type/subtype`, defaulting to `application/octet-stream`.
pub fn media_type(content_type: Option<&str>) -> String {
    content_type
        .and_then(|c| c.parse::<mime::Mime>().ok())
        .map_or_else(
            || "application/octet-stream".to_owned(),
            |m| m.essence_str().to_owned(),
        )
}

/// The SHA-256 and size of an uploaded file, which may not be empty.
///
/// # Errors
/// `Invalid` on `body` for an empty file.
pub(crate) fn fingerprint(content: &[u8]) -> Result<(String, u64), AppError> {
    files::check_content(content).map_err(|e| ValidationErrors::one("body", e))?;
    let size = u64::try_from(content.len()).unwrap_or(u64::MAX);
    Ok((sha256_hex(content), size))
}

/// The stored content with this SHA-256, which a document row names.
///
/// # Errors
/// `Internal`, also when the content is missing (the row and its content are written together).
pub(crate) async fn stored_content(state: &AppState, sha256: &str) -> Result<Vec<u8>, AppError> {
    documents::content(&state.db, sha256)
        .await?
        .ok_or_else(|| AppError::missing("the content of a stored document"))
}

/// Whether `caller` may list and download documents of `kind` of `case` (the access policy
/// decides by kind: no identity documents or agreement scans for investigators, none for
/// auditors).
fn reads_kind(caller: &Principal, case: CaseRef, kind: DocumentKind) -> bool {
    authorize(caller, Action::Read, &Resource::Document { case, kind }) == Decision::Allow
}

/// A document of a case the caller may read, with its content.
///
/// # Errors
/// `NotFound` for a case outside the caller's sight, an unknown document, or a document of a kind the
/// caller may not read; `Internal`.
pub async fn download(
    state: &AppState,
    caller: &Principal,
    case_id: CaseId,
    id: DocumentId,
) -> Result<(Document, Vec<u8>), AppError> {
    let case = authorized(state, caller, case_id, Action::Read).await?;
    let document = documents::get(&state.db, case.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reference = case_ref(&state.db, caller, &case).await?;
    if !reads_kind(caller, reference, document.kind) {
        return Err(AppError::NotFound);
    }
    let content = stored_content(state, &document.sha256).await?;
    Ok((document, content))
}

/// The documents of a case the caller may read, oldest first (only the kinds the caller may
/// download).
///
/// # Errors
/// `NotFound` for a case outside the caller's sight, `Internal`.
pub async fn list(
    state: &AppState,
    caller: &Principal,
    case_id: CaseId,
) -> Result<(Case, Vec<Document>), AppError> {
    let case = authorized(state, caller, case_id, Action::Read).await?;
    let reference = case_ref(&state.db, caller, &case).await?;
    let items = documents::list(&state.db, case.id)
        .await?
        .into_iter()
        .filter(|d| reads_kind(caller, reference, d.kind))
        .collect();
    Ok((case, items))
}

/// The documents of the case `detail` shows whose kind the caller may read: what [`list`]
/// answers, without reading the case again.
///
/// # Errors
/// `Forbidden`, `Internal`.
pub async fn list_of(
    state: &AppState,
    caller: &Principal,
    detail: &crate::service::case_views::CaseDetail,
) -> Result<Vec<Document>, AppError> {
    permit(authorize(
        caller,
        Action::Read,
        &Resource::Case(detail.reference),
    ))?;
    Ok(documents::list(&state.db, detail.case.id)
        .await?
        .into_iter()
        .filter(|d| reads_kind(caller, detail.reference, d.kind))
        .collect())
}

/// Stores a document of a case (its content once per SHA-256) and records it in the timeline.
///
/// # Errors
/// `Refused` on a closed case (R5); `Invalid` for an empty file; `Internal`.
pub async fn upload(
    state: &AppState,
    caller: &Principal,
    case: &Case,
    kind: DocumentKind,
    filename: String,
    media_type: String,
    content: Vec<u8>,
) -> Result<Document, AppError> {
    check_not_closed(case.status)?;
    let (sha256, size) = fingerprint(&content)?;
    let document = Document {
        id: DocumentId::from(uuid::Uuid::now_v7()),
        case_id: case.id,
        kind,
        filename,
        media_type,
        size,
        sha256,
        uploaded_by: caller.account_id,
        uploaded_at: state.clock.now(),
    };
    let txn = begin_case_write(state, case.id).await?;
    documents::insert(&txn, &document, content).await?;
    let recorded = CaseEvent {
        detail: Some(format!(
            "{} ({} bytes, sha256 {})",
            document.filename, document.size, document.sha256
        )),
        ..event(state, caller, EventKind::UploadDocument)
    };
    emit_on_case(&txn, case.id, None, recorded).await?;
    commit(txn).await?;
    Ok(document)
}
