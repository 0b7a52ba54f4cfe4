//! Validation results that name the field at fault, so an API can answer with per-field messages.
use std::fmt;

/// Why one value was refused: a stable machine code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Stable, snake_case: `required`, `too_long`, `invalid_format`, …
    pub code: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// One refused field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as the client sent it (`court_level`, `parties[1].name`).
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

/// Every refused field of one request; never empty when returned as an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("validation failed on {} field(s)", .0.len())]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// A single-field error.
    pub fn one(field: &str, invalid: Invalid) -> Self {
        let mut errors = Self::default();
        errors.push(field, invalid);
        errors
    }

    pub fn push(&mut self, field: &str, invalid: Invalid) {
        self.0.push(FieldError {
            field: field.to_owned(),
            code: invalid.code,
            message: invalid.message,
        });
    }

    /// Records the error of `result`, if any, under `field`, and passes the value on.
    ///
    /// Collecting lets one answer name every bad field instead of only the first.
    pub fn check<T>(&mut self, field: &str, result: Result<T, Invalid>) -> Option<T> {
        result.map_err(|invalid| self.push(field, invalid)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A text kept byte for byte, because a digest covers it (an agreement, an opinion): not
/// blank and at most `max` characters, nothing trimmed.
///
/// # Errors
/// `invalid_length`.
pub fn verbatim_text(input: &str, max: usize) -> Result<String, Invalid> {
    if input.trim().is_empty() || input.chars().count() > max {
        Err(Invalid::new(
            "invalid_length",
            format!("1 to {max} characters"),
        ))
    } else {
        Ok(input.to_owned())
    }
}

/// Trims `input` and checks it is 1..=`max` characters with no control characters.
///
/// The common shape of names, cities and display names.
pub fn bounded_text(input: &str, max: usize) -> Result<String, Invalid> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(Invalid::new("required", "must not be empty"));
    }
    if trimmed.chars().count() > max {
        return Err(Invalid::new(
            "too_long",
            format!("must be at most {max} characters"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Invalid::new(
            "invalid_characters",
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_text_trims_and_counts_characters_not_bytes() {
        assert_eq!(bounded_text("  大连  ", 2).as_deref(), Ok("大连"));
        assert_eq!(bounded_text("大连市", 2).unwrap_err().code, "too_long");
    }

    #[test]
    fn bounded_text_refuses_blank_and_control_characters() {
        assert_eq!(bounded_text(" \t ", 10).unwrap_err().code, "required");
        assert_eq!(
            bounded_text("a\u{0}b", 10).unwrap_err().code,
            "invalid_characters"
        );
    }

    #[test]
    fn check_collects_every_error_and_passes_values_through() {
        let mut errors = ValidationErrors::default();
        let ok = errors.check("a", Ok::<_, Invalid>(1));
        let bad = errors.check::<i32>("b", Err(Invalid::new("required", "must not be empty")));
        let worse = errors.check::<i32>("c", Err(Invalid::new("too_long", "too long")));
        assert_eq!((ok, bad, worse), (Some(1), None, None));
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["b", "c"]);
    }
}
