//! What an operation of the application layer answers when it does not happen, in domain
//! words. No transport type appears here: the JSON API maps these to problem documents in one
//! place (the `From` impl in the crate's error module); the console and the workers match on them.
use ipdr_domain::ValidationErrors;
use ipdr_domain::access::Decision;
use ipdr_domain::case::Refusal;
use ipdr_domain::validation::FieldError;
use ipdr_persistence::repo::RepoError;

pub use ipdr_persistence::repo::{Conflict, Versioned};

/// Why an operation did not happen. Nothing was changed when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A sign-in with a wrong username or password, or of a disabled account: one answer for
    /// all three.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// No valid session or token of an active account.
    #[error("unauthenticated")]
    Unauthenticated,
    /// Too many failed sign-ins for this account or address; try again after `retry_after`.
    #[error("throttled for {retry_after:?}")]
    Throttled { retry_after: std::time::Duration },
    /// No such object, or none the caller may see: the same answer, so that existence does not
    /// leak.
    #[error("not found")]
    NotFound,
    /// The caller sees the object but may not do this to it.
    #[error("forbidden")]
    Forbidden,
    /// A rule refuses the operation in the object's current state; `fields` names the inputs at
    /// fault when there are several reasons (an investigator's exclusions).
    #[error("refused ({}): {}", refusal.code, refusal.message)]
    Refused {
        refusal: Refusal,
        fields: Vec<FieldError>,
    },
    /// The input is invalid, field by field.
    #[error(transparent)]
    Invalid(ValidationErrors),
    /// The object changed since it was read: since the version the caller named
    /// (`named_version`), or while this operation ran.
    #[error("the {} changed", object.as_str())]
    Stale {
        object: Versioned,
        named_version: bool,
    },
    /// A unique key is taken.
    #[error("conflict on {0:?}")]
    Conflict(Conflict),
    /// Something on our side failed. The cause is for the log, never for the caller.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The result of an application-layer operation.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A refusal by a rule of the domain rules (`rule`), or by the object's state (`None`).
    pub fn refused(
        code: &'static str,
        rule: Option<&'static str>,
        message: impl Into<String>,
    ) -> Self {
        Self::Refused {
            refusal: Refusal {
                code,
                rule,
                message: message.into(),
            },
            fields: Vec::new(),
        }
    }

    /// A refusal by the object's current state, with no numbered rule behind it (a step taken
    /// already, a message out of order).
    pub fn refused_now(code: &'static str, message: impl Into<String>) -> Self {
        Self::refused(code, None, message)
    }

    /// A row the data guarantees is missing (a broken reference, a concurrent delete): an
    /// internal failure naming `what`.
    pub fn missing(what: &str) -> Self {
        Self::Internal(format!("{what} is missing"))
    }

    /// An internal failure with its cause (logged by the adapter, not shown).
    pub fn internal(cause: impl Into<String>) -> Self {
        Self::Internal(cause.into())
    }

    /// A stale version of `object`; `if_match` is the version the caller named, if it did.
    pub fn stale(object: Versioned, if_match: Option<i64>) -> Self {
        Self::Stale {
            object,
            named_version: if_match.is_some(),
        }
    }

    /// Marks a lost race as a failed precondition when the caller named the version it
    /// expected (`If-Match`).
    #[must_use]
    pub fn with_named_version(self, if_match: Option<i64>) -> Self {
        match self {
            Self::Stale { object, .. } => Self::stale(object, if_match),
            other => other,
        }
    }

    /// Whether the operation was refused for what it asked (as opposed to failing on our side):
    /// a sweep skips such an object and goes on.
    pub fn is_refusal(&self) -> bool {
        !matches!(self, Self::Internal(_))
    }
}

/// Turns a policy decision into `Ok` or the matching error.
///
/// # Errors
/// [`AppError::Forbidden`] for a forbidden action, [`AppError::NotFound`] (exactly like a
/// missing object) for an invisible one.
pub fn permit(decision: Decision) -> AppResult<()> {
    match decision {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(AppError::Forbidden),
        Decision::NotFound => Err(AppError::NotFound),
    }
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        Self::Refused {
            refusal,
            fields: Vec::new(),
        }
    }
}

impl From<ValidationErrors> for AppError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Invalid(errors)
    }
}

impl From<RepoError> for AppError {
    fn from(err: RepoError) -> Self {
        match err {
            RepoError::Conflict(key) => Self::Conflict(key),
            RepoError::Stale(object) => Self::Stale {
                object,
                named_version: false,
            },
            RepoError::Corrupt(what) => {
                Self::Internal(format!("stored data does not parse: {what}"))
            }
            RepoError::Db(e) => Self::Internal(format!("database error: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_race_becomes_a_failed_precondition_only_when_a_version_was_named() {
        let raced = AppError::from(RepoError::Stale(Versioned::Referral));
        assert!(matches!(
            raced.with_named_version(None),
            AppError::Stale {
                object: Versioned::Referral,
                named_version: false
            }
        ));
        let raced = AppError::from(RepoError::Stale(Versioned::Referral));
        assert!(matches!(
            raced.with_named_version(Some(3)),
            AppError::Stale {
                object: Versioned::Referral,
                named_version: true
            }
        ));
    }

    #[test]
    fn only_internal_failures_stop_a_sweep() {
        assert!(AppError::NotFound.is_refusal());
        assert!(AppError::refused("x", None, "y").is_refusal());
        assert!(!AppError::internal("db down").is_refusal());
    }
}
