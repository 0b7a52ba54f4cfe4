//! Notices by webhook, signed per the Standard Webhooks specification: `webhook-id` (the
//! delivery's id, the same on every attempt), `webhook-timestamp` (seconds since the epoch) and
//! `webhook-signature` (`v1,` and the base64 of HMAC-SHA256 over `id.timestamp.body` with the
//! organisation's `whsec_` secret), so any Standard Webhooks library verifies them.
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use ipdr_persistence::Db;
use ipdr_persistence::repo::notice_channels::{self, Delivery as Queued, WEBHOOK};
use ipdr_persistence::repo::queue::Queue;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use sha2::Sha256;
use uuid::Uuid;

use crate::delivery::{Courier, Delivery};
use crate::service::notice_channels::SECRET_PREFIX;
use crate::state::AppState;

/// The `webhook-signature` of `body` sent as message `id` at `timestamp`, or `None` for a
/// secret that is not `whsec_` and base64.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The outbound HTTP client to webhook endpoints: no redirects followed, every request bounded
/// in time.
#[derive(Clone)]
pub struct WebhookClient {
    http: reqwest::Client,
}

impl WebhookClient {
    /// # Errors
    /// The HTTP client cannot be built.
    pub fn new(timeout: Duration) -> anyhow::Result<Self> {
        Ok(Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(timeout)
                .build()?,
        })
    }

    async fn post(&self, url: &str, id: Uuid, secret: &str, body: String) -> Delivery {
        let timestamp = Utc::now().timestamp();
        let Some(signature) = sign(secret, &id.to_string(), timestamp, &body) else {
            return Delivery::Refused {
                error: "the webhook's secret is unusable".to_owned(),
            };
        };
        let response = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .header("webhook-id", id.to_string())
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await;
        match response {
            Ok(response) => {
                let after = response
                    .headers()
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                classify(response.status(), after)
            }
            Err(e) if e.is_timeout() => Delivery::Retry {
                error: "timeout".to_owned(),
                after: None,
            },
            Err(_) => Delivery::Retry {
                error: "unreachable".to_owned(),
                after: None,
            },
        }
    }
}

/// A 2xx is delivered; 410 Gone says the endpoint is no more; anything else is retried (the
/// specification's advice), until the attempts run out.
fn classify(status: StatusCode, after: Option<Duration>) -> Delivery {
    if status.is_success() {
        Delivery::Delivered
    } else if status == StatusCode::GONE {
        Delivery::Refused {
            error: "410 the endpoint is gone".to_owned(),
        }
    } else {
        Delivery::Retry {
            error: format!("{}", status.as_u16()),
            after,
        }
    }
}

/// The body of a webhook: the event type, when the notice was raised, and the notice.
pub fn body(queued: &Queued) -> String {
    let data: serde_json::Value =
        serde_json::from_str(&queued.payload).unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "type": format!("notice.{}", queued.kind.as_str()),
        "timestamp": queued.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "data": data,
    })
    .to_string()
}

/// Delivers the webhook queue.
pub struct Webhooks(pub AppState);

impl Courier for Webhooks {
    type Message = Queued;
    const NAME: &'static str = "webhook";

    fn queue(&self) -> Queue {
        WEBHOOK
    }

    async fn claim(
        &self,
        db: &Db,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u64,
    ) -> anyhow::Result<Vec<Queued>> {
        Ok(notice_channels::claim(db, WEBHOOK, now, lease_until, limit).await?)
    }

    async fn deliver(&self, queued: &Queued) -> Delivery {
        let state = &self.0;
        let organization = queued.recipient.into();
        // Posted only for an organisation still active.
        match ipdr_persistence::repo::organizations::get(&state.db, organization).await {
            Ok(Some(o)) if o.status == ipdr_domain::Status::Active => {}
            Ok(_) => {
                return Delivery::Refused {
                    error: "the organisation is disabled".to_owned(),
                };
            }
            Err(e) => {
                return Delivery::Retry {
                    error: format!("reading the organisation: {e}"),
                    after: None,
                };
            }
        }
        // The endpoint and secret the organisation has now.
        match notice_channels::webhook(&state.db, organization).await {
            Ok(Some(hook)) => {
                state
                    .notices
                    .webhooks
                    .post(&hook.url, queued.id, &hook.secret, body(queued))
                    .await
            }
            Ok(None) => Delivery::Refused {
                error: "the organisation has no webhook".to_owned(),
            },
            Err(e) => Delivery::Retry {
                error: format!("reading the webhook: {e}"),
                after: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::notice_channels::new_secret;

    #[test]
    fn the_signature_is_the_specifications_example() {
        // The example of the Standard Webhooks specification (spec/standard-webhooks.md).
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, id, 1_614_265_330, body).as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert_eq!(sign("whsec_not base64!", id, 1, body), None);
    }

    #[test]
    fn only_a_2xx_is_delivered_and_only_410_is_final() {
        assert_eq!(classify(StatusCode::NO_CONTENT, None), Delivery::Delivered);
        assert!(matches!(
            classify(StatusCode::GONE, None),
            Delivery::Refused { .. }
        ));
        for status in [StatusCode::BAD_REQUEST, StatusCode::INTERNAL_SERVER_ERROR] {
            assert!(matches!(classify(status, None), Delivery::Retry { .. }));
        }
    }

    #[test]
    fn a_new_secret_signs_what_the_standard_webhooks_library_verifies() {
        let secret = new_secret();
        assert!(secret.starts_with("whsec_"));
        assert_ne!(secret, new_secret());
        let now = Utc::now().timestamp();
        let body = r#"{"type":"notice.case_assigned"}"#;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("webhook-id", "msg_1".parse().unwrap());
        headers.insert("webhook-timestamp", now.to_string().parse().unwrap());
        let signature = sign(&secret, "msg_1", now, body).unwrap();
        headers.insert("webhook-signature", signature.parse().unwrap());
        let verifier = standardwebhooks::Webhook::new(&secret).unwrap();
        assert!(verifier.verify(body.as_bytes(), &headers).is_ok());
        assert!(
            verifier
                .verify(br#"{"type":"tampered"}"#, &headers)
                .is_err()
        );
    }
}
