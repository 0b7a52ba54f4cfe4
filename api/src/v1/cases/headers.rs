//! What cases carry besides their bodies: entity tags, `If-Match`, downloads.
use poem_openapi::payload::{Attachment, AttachmentType};

use crate::problem::ApiProblem;

/// A stored file offered for download under its uploaded name.
pub fn attachment(content: Vec<u8>, filename: String) -> Attachment<Vec<u8>> {
    Attachment::new(content)
        .attachment_type(AttachmentType::Attachment)
        .filename(filename)
}

/// `"<version>"`, the entity tag of a case.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// What `If-Match` may hold, as stated in the OpenAPI document: `*` or one version as given by
/// `ETag` (`"3"`, `W/"3"` or a bare `3`).
pub const IF_MATCH_PATTERN: &str = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#;

/// The inside of a quoted entity tag.
fn quoted(tag: &str) -> Option<&str> {
    tag.strip_prefix('"').and_then(|t| t.strip_suffix('"'))
}

/// Reads `If-Match` ([`IF_MATCH_PATTERN`]): the version the change requires, or none for `*`
/// (any current version, RFC 9110) or no header.
///
/// # Errors
/// 400 naming the header.
pub fn if_match(header: Option<&str>) -> Result<Option<i64>, ApiProblem> {
    let Some(raw) = header.map(str::trim) else {
        return Ok(None);
    };
    if raw == "*" {
        return Ok(None);
    }
    let digits = match raw.strip_prefix("W/") {
        Some(weak) => quoted(weak),
        None => Some(quoted(raw).unwrap_or(raw)),
    };
    if let Some(digits) = digits
        && (1..=18).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(version) = digits.parse::<i64>()
    {
        return Ok(Some(version));
    }
    Err(
        ApiProblem::bad_request("invalid_parameter", "header `If-Match` is invalid").field(
            "If-Match",
            "invalid_format",
            "`*` or the version from an ETag, e.g. \"3\"",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_reads_a_version_as_etag_gives_it_or_any_version_for_a_star() {
        assert_eq!(if_match(None).unwrap(), None);
        assert_eq!(if_match(Some("*")).unwrap(), None);
        assert_eq!(if_match(Some(&etag(3))).unwrap(), Some(3));
        assert_eq!(if_match(Some("W/\"12\"")).unwrap(), Some(12));
        assert_eq!(if_match(Some("7")).unwrap(), Some(7));
    }

    #[test]
    fn if_match_refuses_exactly_what_its_documented_pattern_refuses() {
        for refused in [
            "",
            "\"\"",
            "W/\"\"",
            "W/3",
            "\"3",
            "3\"",
            "+3",
            "-3",
            "\"3\", \"4\"",
            "**",
            "1234567890123456789",
            "yesterday",
        ] {
            let problem = if_match(Some(refused)).unwrap_err();
            assert_eq!(problem.errors[0].field, "If-Match", "{refused}");
        }
        assert!(IF_MATCH_PATTERN.starts_with('^') && IF_MATCH_PATTERN.ends_with('$'));
    }
}
