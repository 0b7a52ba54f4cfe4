//! Repositories, one module per aggregate. Each function documents its `# Errors`.
pub mod accounts;
pub mod calendar;
pub mod cases;
pub mod idempotency;
pub mod investigators;
pub mod organizations;
pub mod signing_keys;

use sea_orm::{DbErr, SqlErr};
use uuid::Uuid;

/// What a repository call can fail with. "Not found" is an `Option`, not an error.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// A uniqueness rule of the data was violated (mapped from the database's own check, so it
    /// holds under concurrency).
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// The row changed since the caller read it (optimistic concurrency): nothing was written.
    #[error("the row changed since it was read")]
    Stale,
    /// A stored row does not parse into a domain value (hand-edited data, a bug).
    #[error("stored data does not parse: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Which uniqueness rule was violated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    OrganizationCode,
    OrganizationName,
    Username,
    /// The same `Idempotency-Key` is being used by a concurrent request.
    IdempotencyKey,
    /// The account is already assigned to the case.
    Assignment,
    /// The account already has an investigator profile.
    InvestigatorProfile,
    /// A concurrent submission took this opinion version number.
    OpinionVersion,
}

/// Whether `err` violates the unique index `index` on `table(columns…)`.
///
/// PostgreSQL names the index in its message; SQLite names the columns as `table.column`.
/// Indexes are named `uq-<table>-<columns>` in the migrations for this reason.
pub(crate) fn violates_unique(err: &DbErr, index: &str, table: &str, columns: &[&str]) -> bool {
    let Some(SqlErr::UniqueConstraintViolation(message)) = err.sql_err() else {
        return false;
    };
    let sqlite_columns = columns
        .iter()
        .map(|c| format!("{table}.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    message.contains(&format!("\"{index}\"")) || message.ends_with(&sqlite_columns)
}

/// A keyset page request: items after `after` (exclusive), at most `limit` of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub after: Option<Uuid>,
    pub limit: u64,
}

/// One page of results, in ascending id (creation) order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The id to continue after, when there may be more.
    pub next_after: Option<Uuid>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only proves there is more.
    pub(crate) fn from_overfetch(mut rows: Vec<T>, limit: u64, id: impl Fn(&T) -> Uuid) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_after = if more { rows.last().map(&id) } else { None };
        Page {
            items: rows,
            next_after,
        }
    }

    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<Result<_, _>>()?,
            next_after: self.next_after,
        })
    }
}

/// Parses a stored enumeration value with its domain parser, or reports the row as corrupt.
pub(crate) fn parse_stored<T>(
    what: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, RepoError> {
    parse(value).ok_or_else(|| RepoError::Corrupt(format!("{what} `{value}`")))
}
