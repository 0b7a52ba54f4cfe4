//! Technical opinions (R23): written by the assigned investigator, submitted once per version,
//! corrected by new versions, read only by the case's mediators and court and the author.
use crate::service::unit_of_work::emit_on_case;
use ipdr_domain::access::{Action, Decision, Principal, Resource, authorize};
use ipdr_domain::case::lifecycle::check_not_closed;
use ipdr_domain::case::stored::{Case, CaseEvent};
use ipdr_domain::event::EventKind;
use ipdr_domain::investigator::stored::{Assignment, Opinion, OpinionDocument};
use ipdr_domain::investigator::{opinion_text, recusal};
use ipdr_domain::validation::Invalid;
use ipdr_domain::{CaseId, ValidationErrors, sha256_hex};
use ipdr_persistence::ConnectionTrait;
use ipdr_persistence::repo::cases::investigators as on_cases;

use crate::service::cases::{authorized, begin_case_write, case_ref, event};
use crate::service::error::AppError;
use crate::service::error::permit;
use crate::service::files::{fingerprint, stored_content};
use crate::service::unit_of_work::commit;
use crate::state::AppState;

/// The caller's assignment on the case, which must be active: a suspended investigator stops
/// work while a recusal request is pending (R24).
async fn working_assignment(
    db: &impl ConnectionTrait,
    caller: &Principal,
    case: &Case,
) -> Result<Assignment, AppError> {
    let assignment = on_cases::current_assignment(db, case.id, caller.account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    recusal::check_may_work(assignment.status)?;
    Ok(assignment)
}

/// Stores a document for the caller's opinions on the case.
///
/// # Errors
/// `NotFound` without an assignment, `Refused` while suspended or on a closed case, `Invalid` for an empty file.
pub async fn upload_document(
    state: &AppState,
    caller: &Principal,
    case: &Case,
    filename: String,
    media_type: String,
    content: Vec<u8>,
) -> Result<OpinionDocument, AppError> {
    check_not_closed(case.status)?;
    let txn = begin_case_write(state, case.id).await?;
    working_assignment(&txn, caller, case).await?;
    let (sha256, size) = fingerprint(&content)?;
    let document = OpinionDocument {
        sha256,
        filename,
        media_type,
        size,
    };
    let now = state.clock.now();
    on_cases::add_opinion_document(&txn, case.id, caller.account_id, &document, content, now)
        .await?;
    // Only the digest: the document belongs to the opinion, still a draft.
    let entry = CaseEvent {
        detail: Some(format!("opinion document (sha256 {})", document.sha256)),
        ..event(state, caller, EventKind::UploadOpinionDocument)
    };
    emit_on_case(&txn, case.id, None, entry).await?;
    commit(txn).await?;
    Ok(document)
}

/// Submits the next version of the caller's opinion on the case. The text is fixed by its
/// SHA-256; documents are named by the digests of files the caller uploaded for this case.
///
/// # Errors
/// `NotFound` without an assignment, `Refused` while suspended, on a closed case or on a concurrent
/// submission, `Invalid` (text, unknown documents), `Internal`.
pub async fn submit(
    state: &AppState,
    caller: &Principal,
    case: &Case,
    text: &str,
    documents: &[String],
) -> Result<Opinion, AppError> {
    check_not_closed(case.status)?;
    // PostgreSQL text cannot hold NUL (SQLite can): refused alike on every database.
    if text.contains('\0') {
        return Err(ValidationErrors::one(
            "text",
            Invalid::new("invalid_characters", "must not contain NUL characters"),
        )
        .into());
    }
    let text = opinion_text(text)?;
    let txn = begin_case_write(state, case.id).await?;
    let assignment = working_assignment(&txn, caller, case).await?;
    let mut attached = Vec::new();
    let mut errors = ValidationErrors::default();
    for (i, sha) in documents.iter().enumerate() {
        match on_cases::opinion_document(&txn, case.id, caller.account_id, &sha.to_lowercase())
            .await?
        {
            Some(d) => attached.push(d),
            None => errors.push(
                &format!("documents[{i}]"),
                Invalid::new("not_found", "upload the file for this case first"),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let latest = on_cases::latest_opinion_version(&txn, assignment.id).await?;
    let opinion = Opinion {
        assignment_id: assignment.id,
        version: latest.saturating_add(1),
        case_id: case.id,
        author_id: caller.account_id,
        digest: sha256_hex(text.as_bytes()),
        text,
        documents: attached,
        submitted_at: state.clock.now(),
    };
    on_cases::insert_opinion(&txn, &opinion).await?;
    // The text stays out of the timeline: only the digest is recorded.
    let detail = format!("version {} (sha256 {})", opinion.version, opinion.digest);
    emit_on_case(
        &txn,
        case.id,
        None,
        CaseEvent {
            detail: Some(detail),
            ..event(state, caller, EventKind::SubmitOpinion)
        },
    )
    .await?;
    commit(txn).await?;
    tracing::info!(case = %case.id, version = opinion.version, "technical opinion submitted");
    Ok(opinion)
}

/// The case and the opinions on it the caller may read (R23): all of them for the case's
/// mediators and court, their own for an investigator. Whether the caller reads opinions of the
/// case at all, and each opinion, is the access policy's decision.
///
/// # Errors
/// `NotFound` for a case outside the caller's sight or whose opinions are not theirs to read, `Internal`.
pub async fn readable(
    state: &AppState,
    caller: &Principal,
    id: CaseId,
) -> Result<(Case, Vec<Opinion>), AppError> {
    let case = authorized(state, caller, id, Action::Read).await?;
    let reference = case_ref(&state.db, caller, &case).await?;
    let opinion = |caller_is_author| Resource::Opinion {
        case: reference,
        caller_is_author,
    };
    // Could the caller read any opinion here (as an author, if an investigator)?
    permit(authorize(caller, Action::Read, &opinion(true)))?;
    let all = on_cases::opinions_of_case(&state.db, case.id).await?;
    let readable = all
        .into_iter()
        .filter(|o| {
            let is_author = o.author_id == caller.account_id;
            authorize(caller, Action::Read, &opinion(is_author)) == Decision::Allow
        })
        .collect();
    Ok((case, readable))
}

/// A document named by an opinion the caller may read, with its content.
///
/// # Errors
/// `NotFound` (see [`readable`], or no readable opinion names it), `Internal`.
pub async fn download_document(
    state: &AppState,
    caller: &Principal,
    id: CaseId,
    sha256: &str,
) -> Result<(OpinionDocument, Vec<u8>), AppError> {
    let wanted = sha256.to_lowercase();
    let (_, opinions) = readable(state, caller, id).await?;
    let document = opinions
        .into_iter()
        .flat_map(|o| o.documents)
        .find(|d| d.sha256 == wanted)
        .ok_or(AppError::NotFound)?;
    let content = stored_content(state, &document.sha256).await?;
    Ok((document, content))
}
