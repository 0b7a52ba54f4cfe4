//! Keyset pagination: `limit` (1–100, default 50) and an opaque `cursor` from the previous page.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::problem::ApiProblem;
use crate::service::paging::PageRequest;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 100;

/// What a `cursor` looks like, as stated in the OpenAPI document: 16 bytes in unpadded
/// base64url, whose last character carries 2 bits (the other 4 are zero). Every string matching
/// it is accepted.
pub const CURSOR_PATTERN: &str = "^[A-Za-z0-9_-]{21}[AQgw]$";

/// The opaque form of a position in a list.
pub fn encode_cursor(after: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(after.as_bytes())
}

/// The 400 for a `cursor` this API did not produce.
pub fn invalid_cursor() -> ApiProblem {
    ApiProblem::bad_request("invalid_parameter", "parameter `cursor` is invalid").field(
        "cursor",
        "invalid_value",
        "not a cursor returned by this API",
    )
}

/// The page size asked for, defaulted and kept within bounds.
pub fn limit(asked: Option<u32>) -> u64 {
    u64::from(asked.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT))
}

/// The page request for `limit` and `cursor` as received.
///
/// # Errors
/// 400 naming `cursor` when it was not produced by this API.
pub fn page_request(asked: Option<u32>, cursor: Option<&str>) -> Result<PageRequest, ApiProblem> {
    let after = cursor
        .map(|c| {
            URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|bytes| Uuid::from_slice(&bytes).ok())
                .ok_or_else(invalid_cursor)
        })
        .transpose()?;
    Ok(PageRequest {
        after,
        limit: limit(asked),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let id = Uuid::now_v7();
        let request = page_request(Some(10), Some(&encode_cursor(id))).unwrap();
        assert_eq!(
            request,
            PageRequest {
                after: Some(id),
                limit: 10
            }
        );
        let problem = page_request(None, Some("not-a-cursor")).unwrap_err();
        assert_eq!(problem.errors[0].field, "cursor");
    }

    #[test]
    fn every_cursor_of_the_documented_pattern_is_accepted_and_others_are_not() {
        assert_eq!(encode_cursor(Uuid::now_v7()).len(), 22);
        for last in ['A', 'Q', 'g', 'w'] {
            let cursor = format!("{}{last}", "_-9zZ".repeat(4) + "a");
            assert!(page_request(None, Some(&cursor)).is_ok(), "{cursor}");
        }
        for refused in [
            "",
            "AAAAAAAAAAAAAAAAAAAAAB",
            "AAAAAAAAAAAAAAAAAAAAA",
            "AAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(page_request(None, Some(refused)).is_err(), "{refused}");
        }
    }

    #[test]
    fn the_limit_defaults_and_is_bounded() {
        assert_eq!(
            page_request(None, None).unwrap().limit,
            u64::from(DEFAULT_LIMIT)
        );
        assert_eq!(
            page_request(Some(10_000), None).unwrap().limit,
            u64::from(MAX_LIMIT)
        );
    }
}
