//! The outbound HTTP client to partner nodes: URLs from the partner registry only, no redirects
//! followed, every request bounded in time and every answer in size.
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};

/// The largest answer read from a partner.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

pub use crate::delivery::Delivery;

/// The client.
#[derive(Clone)]
pub struct FederationClient {
    http: reqwest::Client,
}

impl FederationClient {
    /// # Errors
    /// The TLS backend cannot be initialised.
    pub fn new(timeout: Duration) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout)
            .timeout(timeout)
            .user_agent(concat!("ipdr/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { http })
    }

    /// POSTs one signed message to `base_url/federation/v1/messages`.
    pub async fn deliver(&self, base_url: &str, token: &str, body: String) -> Delivery {
        let url = format!("{}/federation/v1/messages", base_url.trim_end_matches('/'));
        let response = match self
            .http
            .post(url)
            .bearer_auth(token)
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => {
                return Delivery::Retry {
                    error: format!("unreachable: {}", without_url(&e)),
                    after: None,
                };
            }
        };
        let status = response.status();
        let after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let answer = read_bounded(response).await;
        let code = serde_json::from_slice::<serde_json::Value>(&answer)
            .ok()
            .and_then(|v| v["code"].as_str().map(str::to_owned))
            .unwrap_or_default();
        classify(status, &code, after)
    }
}

/// What an answer of the partner means for the message.
fn classify(status: StatusCode, code: &str, after: Option<Duration>) -> Delivery {
    let error = format!("{} {code}", status.as_u16()).trim().to_owned();
    if status.is_success() {
        Delivery::Delivered
    } else if status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
        || code == "out_of_order"
        || code == "concurrent_update"
    {
        Delivery::Retry { error, after }
    } else if status == StatusCode::UNAUTHORIZED {
        // The partner does not (yet) trust our signing key: after a rotation, until its
        // administrator stores the new key. Retried with backoff, so nothing sent meanwhile is
        // lost; dead-lettered only when the attempts run out.
        Delivery::Retry {
            error: format!("{error}: the partner does not know this node's signing key"),
            after,
        }
    } else if status.is_redirection() {
        Delivery::Refused {
            error: format!("{error}: redirects are not followed"),
        }
    } else {
        Delivery::Refused { error }
    }
}

/// Reads at most [`MAX_ANSWER_BYTES`] of the answer.
async fn read_bounded(mut response: reqwest::Response) -> Vec<u8> {
    let mut bytes = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = MAX_ANSWER_BYTES.saturating_sub(bytes.len());
        bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if bytes.len() >= MAX_ANSWER_BYTES {
            break;
        }
    }
    bytes
}

/// A transport error's description without the URL (which carries nothing secret, but the
/// reason reads better alone).
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    kind.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_key_is_retried_and_a_refusal_of_the_message_is_final() {
        let retry = |error: &str| Delivery::Retry {
            error: error.to_owned(),
            after: None,
        };
        assert_eq!(classify(StatusCode::OK, "", None), Delivery::Delivered);
        assert_eq!(
            classify(StatusCode::UNAUTHORIZED, "unauthenticated", None),
            retry("401 unauthenticated: the partner does not know this node's signing key")
        );
        assert_eq!(
            classify(StatusCode::SERVICE_UNAVAILABLE, "", None),
            retry("503")
        );
        assert_eq!(
            classify(StatusCode::CONFLICT, "out_of_order", None),
            retry("409 out_of_order")
        );
        assert_eq!(
            classify(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", None),
            Delivery::Refused {
                error: "422 validation_failed".to_owned()
            }
        );
        assert_eq!(
            classify(StatusCode::FORBIDDEN, "forbidden", None),
            Delivery::Refused {
                error: "403 forbidden".to_owned()
            }
        );
    }
}
