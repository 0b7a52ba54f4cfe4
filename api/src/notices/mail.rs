//! Notices by e-mail: an SMTP client (`lettre`), and the courier that renders each queued
//! notice in its recipient's language — a plain-text and an HTML part — and sends it with the
//! delivery's id as its Message-ID.
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use ipdr_persistence::Db;
use ipdr_persistence::repo::accounts;
use ipdr_persistence::repo::notice_channels::{self, Delivery as Queued, EMAIL};
use ipdr_persistence::repo::queue::Queue;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::console::i18n::Lang;
use crate::delivery::{Courier, Delivery};
use crate::service::notifications::NoticePayload;
use crate::state::AppState;

/// The SMTP side: where to send and as whom.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The right-hand side of every Message-ID: `<delivery>@<node>.ipdr`.
    domain: String,
    /// The limit of one whole SMTP conversation (lettre's own timeout is per command).
    timeout: Duration,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    /// # Errors
    /// The URL or the From address does not parse (the message does not repeat the URL: it may
    /// hold a password).
    pub fn new(url: &str, from: &str, node: &str, timeout: Duration) -> anyhow::Result<Self> {
        refuse_cleartext_credentials(url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("IPDR_SMTP_URL does not parse: {e}"))?
            .timeout(Some(timeout))
            .build();
        let from = from
            .parse::<Mailbox>()
            .with_context(|| format!("IPDR_SMTP_FROM: not an e-mail address: `{from}`"))?;
        Ok(Self {
            transport,
            from,
            domain: format!("{node}.ipdr"),
            timeout,
        })
    }

    /// Sends one message: delivered, worth another attempt, or refused for good by the server.
    async fn send(&self, message: Message) -> Delivery {
        let sent = tokio::time::timeout(self.timeout, self.transport.send(message)).await;
        match sent {
            Err(_) => Delivery::Retry {
                error: "SMTP timeout".to_owned(),
                after: None,
            },
            Ok(Ok(_)) => Delivery::Delivered,
            Ok(Err(e)) => {
                // The code only: a server's answer may repeat the address.
                let error = match e.status() {
                    Some(code) => format!("SMTP {code}"),
                    None if e.is_timeout() => "SMTP timeout".to_owned(),
                    None if e.is_tls() => "SMTP TLS failure".to_owned(),
                    None => "SMTP server unreachable".to_owned(),
                };
                if e.is_permanent() {
                    Delivery::Refused { error }
                } else {
                    Delivery::Retry { error, after: None }
                }
            }
        }
    }
}

/// A password is not sent over a plain connection: `smtp://USER:PASSWORD@HOST` without
/// `tls=required` (or `opportunistic`) is refused unless the server is on this machine.
fn refuse_cleartext_credentials(raw: &str) -> anyhow::Result<()> {
    let url = url::Url::parse(raw).map_err(|_| anyhow::anyhow!("IPDR_SMTP_URL does not parse"))?;
    let credentials = !url.username().is_empty() || url.password().is_some();
    let tls = url.scheme() == "smtps"
        || url
            .query_pairs()
            .any(|(k, v)| k == "tls" && (v == "required" || v == "opportunistic"));
    let local = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if credentials && !tls && !local {
        anyhow::bail!(
            "IPDR_SMTP_URL: credentials over a plain connection; use smtps:// or ?tls=required"
        );
    }
    Ok(())
}

/// How long a queued e-mail stays worth sending: one older (e-mail was off, or the server
/// down for days) is dead-lettered, not sent late.
pub const MAX_AGE: chrono::Duration = chrono::Duration::days(3);

/// A notice as an e-mail says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders `notice` in `lang`, linking to `public_url`: the kind, the case number (or that it is
/// a referral), the rule and last day of a deadline, the link. Nothing else.
pub fn render(notice: &NoticePayload, lang: Lang, public_url: &str) -> Rendered {
    let what = lang.name("notice", &notice.kind);
    let about = notice
        .case_number
        .clone()
        .unwrap_or_else(|| lang.t("notices.referral").to_owned());
    let subject = format!("[IPDR] {what} · {about}");
    let link = format!("{public_url}{}", notice.link);
    let mut lines = vec![(lang.t("mail.about"), about.clone())];
    if let Some(rule) = &notice.rule {
        lines.push((lang.t("mail.rule"), lang.name("rule", rule)));
    }
    if let Some(due) = notice
        .due_on
        .as_deref()
        .and_then(|d| d.parse::<NaiveDate>().ok())
    {
        lines.push((lang.t("mail.due"), lang.date(due)));
    }
    let mut text = format!("{what}\n\n");
    for (label, value) in &lines {
        text.push_str(&format!("{label}: {value}\n"));
    }
    text.push_str(&format!(
        "\n{}: {link}\n\n{}\n",
        lang.t("mail.open"),
        lang.t("mail.footer")
    ));
    let html = maud::html! {
        (maud::DOCTYPE)
        html lang=(lang.tag()) {
            head { meta charset="utf-8"; title { (subject) } }
            body {
                h1 { (what) }
                dl {
                    @for (label, value) in &lines { dt { (label) } dd { (value) } }
                }
                p { a href=(link) { (lang.t("mail.open")) } }
                p { small { (lang.t("mail.footer")) } }
            }
        }
    }
    .into_string();
    Rendered {
        subject,
        text,
        html,
    }
}

/// Delivers the e-mail queue; run only where an SMTP server is configured.
pub struct Email {
    pub state: AppState,
    pub mailer: Mailer,
}

impl Email {
    async fn message(&self, queued: &Queued) -> Result<Message, Delivery> {
        let refuse = |error: &str| Delivery::Refused {
            error: error.to_owned(),
        };
        let retry = |error: String| Delivery::Retry { error, after: None };
        if Utc::now() - queued.created_at > MAX_AGE {
            return Err(refuse("expired: queued more than 3 days ago"));
        }
        let db = &self.state.db;
        let account = queued.recipient.into();
        // Sent only to an account still active, at the address it has now.
        let active = accounts::load_auth(db, account)
            .await
            .map_err(|e| retry(e.to_string()))?
            .is_some_and(|a| a.active);
        if !active {
            return Err(refuse("the account is disabled"));
        }
        let settings = notice_channels::settings(db, account)
            .await
            .map_err(|e| retry(e.to_string()))?;
        let Some(settings) = settings else {
            return Err(refuse("the account has no e-mail address"));
        };
        let Some(to) = settings.email.and_then(|a| a.parse::<Mailbox>().ok()) else {
            return Err(refuse("the account has no e-mail address"));
        };
        let notice: NoticePayload =
            serde_json::from_str(&queued.payload).map_err(|_| refuse("unreadable notice"))?;
        let lang = Lang::from_tag(&settings.language);
        let rendered = render(&notice, lang, &self.state.notices.public_url);
        Message::builder()
            .from(self.mailer.from.clone())
            .to(to)
            .subject(rendered.subject)
            .message_id(Some(format!("<{}@{}>", queued.id, self.mailer.domain)))
            .multipart(MultiPart::alternative_plain_html(
                rendered.text,
                rendered.html,
            ))
            .map_err(|e| refuse(&format!("the message cannot be built: {e}")))
    }
}

impl Courier for Email {
    type Message = Queued;
    const NAME: &'static str = "email";

    fn queue(&self) -> Queue {
        EMAIL
    }

    async fn claim(
        &self,
        db: &Db,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u64,
    ) -> anyhow::Result<Vec<Queued>> {
        Ok(notice_channels::claim(db, EMAIL, now, lease_until, limit).await?)
    }

    async fn deliver(&self, queued: &Queued) -> Delivery {
        match self.message(queued).await {
            Ok(message) => self.mailer.send(message).await,
            Err(outcome) => outcome,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> NoticePayload {
        NoticePayload {
            kind: "deadline_approaching".to_owned(),
            case_id: None,
            case_number: Some("（2026）辽02知调1号".to_owned()),
            referral_id: None,
            rule: Some("R8".to_owned()),
            due_on: Some("2026-10-09".to_owned()),
            link: "/cases/abc".to_owned(),
        }
    }

    #[test]
    fn a_notice_reads_in_the_recipients_language_with_its_link() {
        let zh = render(&notice(), Lang::ZhCn, "https://ipdr.example.cn");
        assert_eq!(zh.subject, "[IPDR] 期限将至 · （2026）辽02知调1号");
        assert!(zh.text.contains("2026年10月9日"), "{}", zh.text);
        assert!(zh.text.contains("https://ipdr.example.cn/cases/abc"));
        assert!(zh.html.contains("lang=\"zh-CN\""));
        let en = render(&notice(), Lang::En, "https://ipdr.example.cn");
        assert_eq!(
            en.subject,
            "[IPDR] Deadline approaching · （2026）辽02知调1号"
        );
        assert!(en.text.contains("9 Oct 2026"), "{}", en.text);
        assert!(!en.text.contains("期限"));
    }

    #[test]
    fn a_password_goes_over_tls_or_to_this_machine_only() {
        assert!(refuse_cleartext_credentials("smtp://u:p@mail.example.cn:25").is_err());
        assert!(
            refuse_cleartext_credentials("smtp://u:p@mail.example.cn:587?tls=required").is_ok()
        );
        assert!(refuse_cleartext_credentials("smtps://u:p@mail.example.cn:465").is_ok());
        assert!(refuse_cleartext_credentials("smtp://u:p@127.0.0.1:25").is_ok());
        assert!(refuse_cleartext_credentials("smtp://relay.example.cn:25").is_ok());
        let error = Mailer::new(
            "smtp://u:secret@mail.example.cn",
            "a@b.cn",
            "x",
            Duration::from_secs(1),
        )
        .unwrap_err()
        .to_string();
        assert!(!error.contains("secret"), "{error}");
    }

    #[test]
    fn html_in_a_stored_value_is_escaped() {
        let mut n = notice();
        n.case_number = Some("<script>x</script>".to_owned());
        let out = render(&n, Lang::En, "http://127.0.0.1:8080");
        assert!(!out.html.contains("<script>x"), "{}", out.html);
    }
}
