//! Technical opinions (R23): written by the assigned investigator, submitted once per version,
//! corrected by new versions, read only by the case's mediators and court and the author.
use ipdr_domain::ValidationErrors;
use ipdr_domain::access::Principal;
use ipdr_domain::account::Role;
use ipdr_domain::case::lifecycle::check_not_closed;
use ipdr_domain::case::stored::{Case, CaseEvent};
use ipdr_domain::investigator::stored::{Assignment, Opinion, OpinionDocument};
use ipdr_domain::investigator::{opinion_text, recusal};
use ipdr_domain::validation::Invalid;
use ipdr_persistence::repo::cases::{events, investigators as on_cases};
use ipdr_persistence::{ConnectionTrait, commit};
use sha2::{Digest, Sha256};

use crate::problem::ApiProblem;
use crate::service::cases::{begin_case_write, event};
use crate::state::AppState;

/// The caller's assignment on the case, which must be active: a suspended investigator stops
/// work while a recusal request is pending (R24).
async fn working_assignment(
    db: &impl ConnectionTrait,
    caller: &Principal,
    case: &Case,
) -> Result<Assignment, ApiProblem> {
    let assignment = on_cases::current_assignment(db, case.id, caller.account_id)
        .await?
        .ok_or_else(ApiProblem::not_found)?;
    recusal::check_may_work(assignment.status)?;
    Ok(assignment)
}

/// Stores a document for the caller's opinions on the case.
///
/// # Errors
/// 404 without an assignment, 409 while suspended or on a closed case, 422 for an empty file.
pub async fn upload_document(
    state: &AppState,
    caller: &Principal,
    case: &Case,
    filename: String,
    media_type: String,
    content: Vec<u8>,
) -> Result<OpinionDocument, ApiProblem> {
    check_not_closed(case.status)?;
    let txn = begin_case_write(state, case.id).await?;
    working_assignment(&txn, caller, case).await?;
    if content.is_empty() {
        return Err(
            ValidationErrors::one("body", Invalid::new("required", "the file is empty")).into(),
        );
    }
    let document = OpinionDocument {
        sha256: hex::encode(Sha256::digest(&content)),
        filename,
        media_type,
        size: u64::try_from(content.len()).unwrap_or(u64::MAX),
    };
    on_cases::add_opinion_document(
        &txn,
        case.id,
        caller.account_id,
        &document,
        content,
        state.clock.now(),
    )
    .await?;
    commit(txn).await?;
    Ok(document)
}

/// Submits the next version of the caller's opinion on the case. The text is fixed by its
/// SHA-256; documents are named by the digests of files the caller uploaded for this case.
///
/// # Errors
/// 404 without an assignment, 409 while suspended, on a closed case or on a concurrent
/// submission, 422 (text, unknown documents), 500.
pub async fn submit(
    state: &AppState,
    caller: &Principal,
    case: &Case,
    text: &str,
    documents: &[String],
) -> Result<Opinion, ApiProblem> {
    check_not_closed(case.status)?;
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
    let previous = on_cases::opinions_of_case(&txn, case.id)
        .await?
        .iter()
        .filter(|o| o.assignment_id == assignment.id)
        .count();
    let opinion = Opinion {
        assignment_id: assignment.id,
        version: u32::try_from(previous + 1).unwrap_or(u32::MAX),
        case_id: case.id,
        author_id: caller.account_id,
        digest: hex::encode(Sha256::digest(text.as_bytes())),
        text,
        documents: attached,
        submitted_at: state.clock.now(),
    };
    on_cases::insert_opinion(&txn, &opinion).await?;
    // The text stays out of the timeline: only the digest is recorded.
    let detail = format!("version {} (sha256 {})", opinion.version, opinion.digest);
    events::append(
        &txn,
        case.id,
        &CaseEvent {
            detail: Some(detail),
            ..event(state, caller, "submit_opinion")
        },
    )
    .await?;
    commit(txn).await?;
    tracing::info!(case = %case.id, version = opinion.version, "technical opinion submitted");
    Ok(opinion)
}

/// The opinions the caller may read: all of the case's for its mediators and court, their own
/// for an investigator.
///
/// # Errors
/// 500.
pub async fn readable(
    state: &AppState,
    caller: &Principal,
    case: &Case,
) -> Result<Vec<Opinion>, ApiProblem> {
    let all = on_cases::opinions_of_case(&state.db, case.id).await?;
    Ok(match caller.role {
        Role::Investigator => all
            .into_iter()
            .filter(|o| o.author_id == caller.account_id)
            .collect(),
        _ => all,
    })
}
