//! `Idempotency-Key` for creates: the same key with the same request replays the first answer;
//! with a different request it is refused (422); without a key a create just runs.
//!
//! The answer is stored in the transaction that produced it, so a retry after a crash or a
//! timeout never creates a second case, and two concurrent requests with one key yield one case
//! (the loser's transaction is rolled back and it replays the winner's answer).
use ipdr_domain::AccountId;
use ipdr_persistence::repo::idempotency::{self, StoredResponse};
use ipdr_persistence::repo::{Conflict, RepoError};
use ipdr_persistence::{DatabaseTransaction, begin_write};
use serde_json::Value;

use crate::problem::ApiProblem;
use crate::service::unit_of_work::commit;
use crate::state::AppState;

/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// What a key may be, as stated in the OpenAPI document: see [`parse_key`].
pub const KEY_PATTERN: &str = "^[!-~]{1,255}$";

/// Checks a key: 1 to 255 visible ASCII characters.
///
/// # Errors
/// 400 naming the `Idempotency-Key` header.
pub fn parse_key(key: Option<&str>) -> Result<Option<&str>, ApiProblem> {
    match key {
        None => Ok(None),
        Some(k)
            if !k.is_empty()
                && k.len() <= MAX_KEY_LEN
                && k.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(Some(k))
        }
        Some(_) => Err(ApiProblem::bad_request(
            "invalid_parameter",
            "header `Idempotency-Key` is invalid",
        )
        .field(
            "Idempotency-Key",
            "invalid_format",
            "1 to 255 visible ASCII characters",
        )),
    }
}

/// The fingerprint of a request: SHA-256 of its canonical JSON.
pub fn fingerprint(request: &impl serde::Serialize) -> String {
    let canonical = serde_json::to_value(request)
        .map(|v| v.to_string())
        .unwrap_or_default();
    ipdr_domain::sha256_hex(canonical.as_bytes())
}

fn replay(
    stored: StoredResponse,
    operation: &str,
    request_hash: &str,
) -> Result<Value, ApiProblem> {
    if stored.operation == operation && stored.request_hash == request_hash {
        tracing::info!(operation, "idempotent replay");
        serde_json::from_str(&stored.response).map_err(|_| ApiProblem::internal())
    } else {
        Err(ApiProblem::new(
            poem::http::StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "Idempotency key reused",
        )
        .detail("this Idempotency-Key was used for a different request; use a new key"))
    }
}

/// Runs `work` in a write transaction, once per (account, key): the answer (a JSON document)
/// is stored with the work's effects and replayed for later requests with the same key.
///
/// # Errors
/// 422 `idempotency_key_reused`; whatever `work` fails with (nothing is stored then).
pub async fn once(
    state: &AppState,
    account: AccountId,
    key: Option<&str>,
    operation: &str,
    request_hash: &str,
    work: impl AsyncFnOnce(&DatabaseTransaction) -> Result<Value, ApiProblem>,
) -> Result<Value, ApiProblem> {
    // A retry is answered without taking the write lock (SQLite has one for the database)…
    if let Some(key) = key
        && let Some(stored) = idempotency::find(&state.db, account, key).await?
    {
        return replay(stored, operation, request_hash);
    }
    let txn = begin_write(&state.db).await?;
    // …and a key committed while we waited for it is answered without doing the work again.
    if let Some(key) = key
        && let Some(stored) = idempotency::find(&txn, account, key).await?
    {
        return replay(stored, operation, request_hash);
    }
    let answer = work(&txn).await?;
    if let Some(key) = key {
        let stored = StoredResponse {
            operation: operation.to_owned(),
            request_hash: request_hash.to_owned(),
            status: 201,
            response: answer.to_string(),
        };
        match idempotency::insert(&txn, account, key, &stored, state.clock.now()).await {
            Ok(()) => {}
            Err(RepoError::Conflict(Conflict::IdempotencyKey)) => {
                // A concurrent request with this key committed first: undo ours, answer theirs.
                drop(txn);
                let theirs = idempotency::find(&state.db, account, key)
                    .await?
                    .ok_or_else(ApiProblem::internal)?;
                return replay(theirs, operation, request_hash);
            }
            Err(e) => return Err(e.into()),
        }
    }
    commit(txn).await?;
    Ok(answer)
}
