//! Request ids and the access log.
//!
//! Every request gets an id — the caller's `X-Request-Id` when it is a sane token, else a new
//! UUID — that is echoed in the response header, attached to every log line of the request, and
//! written into every problem body. The access log records method, path (never the query string,
//! which may hold personal data), status and latency; never bodies or headers.
use std::time::Instant;

use poem::http::HeaderValue;
use poem::{Endpoint, IntoResponse, Request, Response};
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled on this task, or `-` outside of one.
pub fn current() -> String {
    try_current().unwrap_or_else(|| "-".to_owned())
}

/// The id of the request being handled on this task, if any.
pub fn try_current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

fn accept_incoming(value: &HeaderValue) -> Option<String> {
    let value = value.to_str().ok()?;
    let sane = (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    sane.then(|| value.to_owned())
}

/// Middleware: assigns the id, opens the request's log span and writes the access log line.
pub async fn track<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(accept_incoming)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.uri().path(),
    );
    let started = Instant::now();
    let header = HeaderValue::from_str(&id).ok();
    span.in_scope(|| tracing::debug!("request started"));
    let mut response = REQUEST_ID
        .scope(id, async move {
            next.call(req).await.map(IntoResponse::into_response)
        })
        .instrument(span.clone())
        .await?;
    if let Some(header) = header {
        response.headers_mut().insert(HEADER, header);
    }
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| tracing::info!(status, latency_ms, "request finished"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_tokens_are_taken_from_the_caller() {
        let ok = HeaderValue::from_static("abc-123_x.y");
        assert_eq!(accept_incoming(&ok).as_deref(), Some("abc-123_x.y"));
        for bad in ["", "has space", "quote\"", &"x".repeat(65)] {
            let value = HeaderValue::from_str(bad).unwrap();
            assert_eq!(accept_incoming(&value), None, "{bad:?}");
        }
    }
}
