//! Static assets, embedded in the binary and served under a path that names their content, so
//! they can be cached for ever and a new build is fetched at once.
use std::sync::LazyLock;

use poem::handler;
use poem::http::header;
use poem::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const STYLESHEET: &str = include_str!("assets/console.css");

/// `/assets/<first 16 hex digits of the SHA-256>/console.css`.
pub static STYLESHEET_PATH: LazyLock<String> = LazyLock::new(|| {
    let digest = hex::encode(Sha256::digest(STYLESHEET.as_bytes()));
    format!("/assets/{}/console.css", &digest[..16])
});

#[handler]
pub fn stylesheet() -> Response {
    STYLESHEET
        .with_content_type("text/css; charset=utf-8")
        .with_header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .with_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .into_response()
}
