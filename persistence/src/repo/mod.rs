//! Repositories, one module per aggregate. Each function documents its `# Errors`.
pub mod accounts;
pub mod audit;
pub mod calendar;
pub mod cases;
pub mod federation;
pub mod idempotency;
pub mod investigators;
pub mod notice_channels;
pub mod notifications;
pub mod organizations;
pub mod queue;
pub mod sessions;
pub mod signing_keys;
pub mod stream;

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
    #[error("the {} changed since it was read", .0.as_str())]
    Stale(Versioned),
    /// A stored row does not parse into a domain value (hand-edited data, a bug).
    #[error("stored data does not parse: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// What a version guards: the object a stale write names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versioned {
    Case,
    /// An application for judicial confirmation.
    Application,
    /// A case's settlement agreement (its signatures).
    SettlementAgreement,
    Referral,
    CooperationAgreement,
}

impl Versioned {
    /// The object in words, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Case => "case",
            Self::Application => "application",
            Self::SettlementAgreement => "settlement agreement",
            Self::Referral => "referral",
            Self::CooperationAgreement => "cooperation agreement",
        }
    }
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
    /// The partner node is registered already.
    PartnerNode,
    /// Another cooperation agreement has this code.
    AgreementCode,
    /// A referral with this id exists (a partner's message applied concurrently).
    Referral,
    /// This federation message was recorded by a concurrent delivery.
    InboxMessage,
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

/// A stored integer in the domain's type, or the row is corrupt (a negative size, say).
pub(crate) fn stored_int<T: TryFrom<i64>>(
    what: &str,
    value: impl Into<i64>,
) -> Result<T, RepoError> {
    let value = value.into();
    T::try_from(value).map_err(|_| RepoError::Corrupt(format!("{what} {value}")))
}

/// How a deadline's period is stored: its unit and length.
pub(crate) fn period_parts(period: ipdr_domain::calendar::Period) -> (&'static str, i32) {
    use ipdr_domain::calendar::Period;
    match period {
        Period::CalendarDays(n) => ("calendar_days", i32::try_from(n).unwrap_or(i32::MAX)),
        Period::WorkingDays(n) => ("working_days", i32::try_from(n).unwrap_or(i32::MAX)),
    }
}

/// A stored period read back, or the row is corrupt.
pub(crate) fn stored_period(
    unit: &str,
    length: i32,
) -> Result<ipdr_domain::calendar::Period, RepoError> {
    use ipdr_domain::calendar::Period;
    let length: u32 = stored_int("deadline length", length)?;
    match unit {
        "calendar_days" => Ok(Period::CalendarDays(length)),
        "working_days" => Ok(Period::WorkingDays(length)),
        other => Err(RepoError::Corrupt(format!("deadline unit `{other}`"))),
    }
}

/// A list kept as JSON text. Lists of strings, dates and plain records always serialise.
pub(crate) fn json_text<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

/// A JSON column read back, or the row is corrupt.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    what: &str,
    text: &str,
) -> Result<T, RepoError> {
    serde_json::from_str(text).map_err(|e| RepoError::Corrupt(format!("{what}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_integers_and_bad_json_are_corrupt_rows_not_defaults() {
        assert_eq!(stored_int::<u64>("size", 7_i64).unwrap(), 7);
        assert!(matches!(
            stored_int::<u64>("size", -1_i64),
            Err(RepoError::Corrupt(what)) if what == "size -1"
        ));
        assert!(matches!(
            stored_int::<u16>("status", 70_000),
            Err(RepoError::Corrupt(_))
        ));
        assert_eq!(
            parse_json::<Vec<String>>("terms", &json_text(&["甲"])).unwrap(),
            ["甲"]
        );
        assert!(matches!(
            parse_json::<Vec<String>>("terms", "[1"),
            Err(RepoError::Corrupt(what)) if what.starts_with("terms: ")
        ));
    }
}
