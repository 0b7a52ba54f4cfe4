//! Notices beyond the console (issue 16): the e-mail and webhook couriers of the shared
//! delivery worker ([`crate::delivery`]), and what a process needs to run them.
//!
//! The application layer queues a delivery in the transaction that raises its notice
//! (`service::notifications`); these couriers deliver it: each (notice, recipient, channel)
//! once, with the delivery's id as the e-mail's Message-ID and the webhook's `webhook-id`, so a
//! receiver drops a duplicate a lost answer may cause.
pub mod mail;
pub mod webhook;

use std::time::Duration;

use crate::config::Secret;

/// How this process notifies.
#[derive(Debug, Clone)]
pub struct NoticeSettings {
    /// `smtp://`, `smtps://` (TLS) or `smtp://…?tls=required` (STARTTLS), with credentials in
    /// the URL; `None`: e-mail is off.
    pub smtp_url: Option<Secret>,
    /// The From of every e-mail.
    pub from: String,
    /// Lead times of deadline notices, in working days before the last day (0: on the day).
    pub leads: Vec<u32>,
    /// How often the e-mail and webhook queues are checked; `None`: this process delivers no
    /// notices (another one does).
    pub poll: Option<Duration>,
    /// Time limit of one webhook request or SMTP conversation.
    pub timeout: Duration,
}

/// What the application layer and the couriers share at run time.
pub struct Notices {
    pub leads: Vec<u32>,
    /// The mailer; `None` when e-mail is off.
    pub mailer: Option<mail::Mailer>,
    pub webhooks: webhook::WebhookClient,
    /// Where links in notices point: `IPDR_PUBLIC_URL`, or this process's own address.
    pub public_url: String,
}

impl Notices {
    /// # Errors
    /// An SMTP URL or From address that does not parse; the HTTP client cannot be built.
    pub fn new(settings: &NoticeSettings, public_url: String, node: &str) -> anyhow::Result<Self> {
        let mailer = match &settings.smtp_url {
            Some(url) => Some(mail::Mailer::new(
                url.expose(),
                &settings.from,
                node,
                settings.timeout,
            )?),
            None => None,
        };
        Ok(Self {
            leads: settings.leads.clone(),
            mailer,
            webhooks: webhook::WebhookClient::new(settings.timeout)?,
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }
}
