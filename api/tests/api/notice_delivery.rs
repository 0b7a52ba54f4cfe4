//! Notices by e-mail and webhook (issue 16): a real SMTP server (aiosmtpd) receives the mail,
//! a real HTTP receiver verifies the Standard Webhooks signatures with the `standardwebhooks`
//! library; each (notice, recipient, channel) arrives once, retried through failures and
//! dead-lettered when the receiver never answers.
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ipdr_api::config::{Config, Secret};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::helpers::{TestApp, dispute};

/// Fast retries, few attempts, a quick poll: the tests wait for deliveries, not for backoff.
fn quick(config: &mut Config) {
    config.notices.poll = Some(Duration::from_millis(25));
    config.federation.retry.base = Duration::from_millis(10);
    config.federation.retry.cap = Duration::from_millis(40);
    config.federation.retry.max_attempts = 3;
}

/// aiosmtpd, listening on a free port, writing what it receives to a file (one JSON line per
/// message).
struct SmtpSink {
    port: u16,
    output: PathBuf,
    _dir: tempfile::TempDir,
    _process: Child,
}

impl SmtpSink {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("received.jsonl");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
        // Debian's python3 has python3-aiosmtpd (.ci/run installs it); another python3 on the
        // PATH may not.
        let python = ["/usr/bin/python3", "python3"]
            .into_iter()
            .find(|p| {
                std::process::Command::new(p)
                    .args(["-c", "import aiosmtpd"])
                    .status()
                    .is_ok_and(|s| s.success())
            })
            .expect("python3 with aiosmtpd (apt-get install python3-aiosmtpd)");
        let mut process = Command::new(python)
            .arg(script)
            .arg(port.to_string())
            .arg(&output)
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the SMTP server starts");
        let stdout = process.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("the SMTP server is ready in time")
            .unwrap();
        assert_eq!(ready.as_deref(), Some("ready"));
        Self {
            port,
            output,
            _dir: dir,
            _process: process,
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far: every whole line (one being written is not yet).
    fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.output)
            .unwrap_or_default()
            .split_inclusive('\n')
            .filter(|l| l.ends_with('\n'))
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Waits until `n` messages have arrived, then a little longer to see that no more do.
    async fn wait_for(&self, n: usize) -> Vec<Value> {
        for _ in 0..400 {
            if self.received().len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.received()
    }
}

async fn deliveries(app: &TestApp, admin: &str, query: &str) -> Vec<Value> {
    app.get_json(
        &format!("/api/v1/notifications/deliveries{query}"),
        Some(admin),
    )
    .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn settle(app: &TestApp, admin: &str, query: &str, n: usize) -> Vec<Value> {
    for _ in 0..400 {
        let found = deliveries(app, admin, query).await;
        if found.len() >= n {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    deliveries(app, admin, query).await
}

const PERSONAL: [&str; 5] = [
    "张三",
    "华为",
    "11010519491231002X",
    "13800138000",
    "0411-88886666",
];

#[tokio::test]
async fn an_assignment_is_emailed_once_in_the_recipients_language_and_to_nobody_else() {
    let smtp = SmtpSink::start().await;
    let app = TestApp::spawn_with(|config| {
        quick(config);
        config.notices.smtp_url = Some(Secret::new(smtp.url()));
        config.notices.from = "IPDR 大连 <ipdr@dalian.example.cn>".to_owned();
        config.public_url = Some("https://ipdr.dalian.example.cn".to_owned());
    })
    .await;
    let admin = app.admin_token().await;
    let wang = app.create_user("wang", "mediator").await;
    let li = app
        .create_user_in("li.mediator", "mediator", &wang.organization_id)
        .await;
    let auditor = app
        .create_user_in("zhou.auditor", "auditor", &wang.organization_id)
        .await;
    for (token, email, language) in [
        (&li.token, "li@dalian.example.cn", "en"),
        (&wang.token, "wang@dalian.example.cn", "zh-CN"),
        (&auditor.token, "zhou@dalian.example.cn", "zh-CN"),
    ] {
        let set = app
            .put(
                "/api/v1/notifications/settings",
                token,
                &json!({ "email": email, "language": language }),
            )
            .await;
        assert_eq!(set.status(), StatusCode::OK);
    }
    // A bad address is refused, field by field, and changes nothing.
    let bad = app
        .put(
            "/api/v1/notifications/settings",
            &li.token,
            &json!({ "email": "not an address", "language": "fr",
                     "preferences": [{ "kind": "case_assigned", "channel": "webhook", "enabled": false }] }),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = bad.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["email", "language", "preferences[0].channel"],
        "{problem}"
    );
    let kept = app
        .get_json("/api/v1/notifications/settings", Some(&li.token))
        .await;
    assert_eq!(kept["email"], "li@dalian.example.cn");
    assert_eq!(kept["language"], "en");

    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let accepted = app.moved(&wang.token, &id, "accept", None).await;
    let number = accepted["case_number"].as_str().unwrap().to_owned();
    let assign = |account: String| {
        let app = &app;
        let token = wang.token.clone();
        let id = id.clone();
        async move {
            app.post(
                &format!("/api/v1/cases/{id}/assignments"),
                Some(&token),
                Some(&json!({ "account_id": account })),
            )
            .await
            .status()
        }
    };
    assert_eq!(assign(li.id.clone()).await, StatusCode::OK);

    let mail = smtp.wait_for(1).await;
    assert_eq!(mail.len(), 1, "one message, to the assignee only: {mail:?}");
    let message = &mail[0];
    assert_eq!(message["rcpt_tos"], json!(["li@dalian.example.cn"]));
    assert_eq!(message["mail_from"], "ipdr@dalian.example.cn");
    assert_eq!(message["content_type"], "multipart/alternative");
    assert_eq!(
        message["subject"],
        json!(format!("[IPDR] Case assigned to you · {number}"))
    );
    let text = message["text"].as_str().unwrap();
    assert!(
        text.contains(&format!("https://ipdr.dalian.example.cn/cases/{id}")),
        "{text}"
    );
    assert!(text.contains("Open in IPDR"), "English: {text}");
    assert!(!text.contains("案件已分配"), "{text}");
    assert!(message["html"].as_str().unwrap().contains("lang=\"en\""));
    let whole = message.to_string();
    for personal in PERSONAL {
        assert!(!whole.contains(personal), "{personal} in {whole}");
    }
    // The Message-ID is the delivery's id: stable across attempts.
    let sent = settle(&app, &admin, "?channel=email&status=delivered", 1).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["recipient"], json!(li.id));
    assert_eq!(sent[0]["attempts"], 1);
    assert_eq!(
        message["message_id"],
        json!(format!("<{}@local.ipdr>", sent[0]["id"].as_str().unwrap()))
    );

    // Li switches to 简体中文 and is assigned again (after being taken off): the second notice
    // is in Chinese; still nothing for the actor or the auditor.
    let li_zh = app
        .put(
            "/api/v1/notifications/settings",
            &li.token,
            &json!({ "email": "li@dalian.example.cn", "language": "zh-CN" }),
        )
        .await;
    assert_eq!(li_zh.status(), StatusCode::OK);
    let off = app
        .delete(
            &format!("/api/v1/cases/{id}/assignments/{}", li.id),
            Some(&wang.token),
        )
        .await;
    assert!(off.status().is_success(), "{}", off.status());
    assert_eq!(assign(li.id.clone()).await, StatusCode::OK);
    let mail = smtp.wait_for(2).await;
    assert_eq!(mail.len(), 2, "{mail:?}");
    assert_eq!(mail[1]["rcpt_tos"], json!(["li@dalian.example.cn"]));
    assert_eq!(
        mail[1]["subject"],
        json!(format!("[IPDR] 案件已分配给您 · {number}"))
    );
    assert!(mail[1]["text"].as_str().unwrap().contains("在 IPDR 中查看"));

    // Li no longer wants assignments by e-mail: the in-app notice still comes, the mail not.
    let quiet = app
        .put(
            "/api/v1/notifications/settings",
            &li.token,
            &json!({ "email": "li@dalian.example.cn", "language": "zh-CN",
                     "preferences": [{ "kind": "case_assigned", "channel": "email", "enabled": false }] }),
        )
        .await;
    assert_eq!(quiet.status(), StatusCode::OK);
    app.delete(
        &format!("/api/v1/cases/{id}/assignments/{}", li.id),
        Some(&wang.token),
    )
    .await;
    assert_eq!(assign(li.id.clone()).await, StatusCode::OK);
    let in_app = app.get_json("/api/v1/notifications", Some(&li.token)).await;
    assert_eq!(in_app["items"].as_array().unwrap().len(), 3, "{in_app}");
    let queued = deliveries(&app, &admin, "?channel=email").await;
    assert_eq!(queued.len(), 2, "no third mail queued: {queued:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 2, "nor sent");
}

/// A webhook receiver: verifies each request with the `standardwebhooks` library, answers
/// `500` to the first `failures` requests and `204` after, and keeps what it accepted.
#[derive(Clone, Default)]
struct Receiver {
    secret: Arc<Mutex<Option<String>>>,
    failures: usize,
    attempts: Arc<AtomicUsize>,
    /// (webhook-id, body) of every request, verified or not.
    seen: Arc<Mutex<Vec<(String, String, bool)>>>,
    accepted: Arc<Mutex<Vec<Value>>>,
}

#[poem::handler]
async fn receive(
    request: &poem::Request,
    body: poem::Body,
    receiver: poem::web::Data<&Receiver>,
) -> poem::http::StatusCode {
    let body = body.into_string().await.unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        if let Some(value) = request.headers().get(name) {
            headers.insert(name, value.to_str().unwrap().parse().unwrap());
        }
    }
    let secret = receiver.secret.lock().unwrap().clone().unwrap();
    let verifier = standardwebhooks::Webhook::new(&secret).unwrap();
    let verified = verifier.verify(body.as_bytes(), &headers).is_ok();
    // A tampered body does not verify under the same headers.
    let tampered = body.replace("notice.", "notice.forged_");
    assert!(verifier.verify(tampered.as_bytes(), &headers).is_err());
    let id = headers["webhook-id"].to_str().unwrap().to_owned();
    receiver
        .seen
        .lock()
        .unwrap()
        .push((id, body.clone(), verified));
    if !verified {
        return poem::http::StatusCode::UNAUTHORIZED;
    }
    let attempt = receiver.attempts.fetch_add(1, Ordering::SeqCst);
    if attempt < receiver.failures {
        return poem::http::StatusCode::INTERNAL_SERVER_ERROR;
    }
    receiver
        .accepted
        .lock()
        .unwrap()
        .push(serde_json::from_str(&body).unwrap());
    poem::http::StatusCode::NO_CONTENT
}

async fn start_receiver(receiver: Receiver) -> String {
    use poem::EndpointExt;
    // Bound here and handed to the server: listening before the URL is given out.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let acceptor = poem::listener::TcpAcceptor::from_tokio(listener).unwrap();
    let app = poem::Route::new()
        .at("/hooks/ipdr", poem::post(receive))
        .data(receiver);
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(app));
    format!("http://127.0.0.1:{}/hooks/ipdr", address.port())
}

/// The committee's webhook, set by the administrator; returns its secret (shown that once).
async fn set_webhook(app: &TestApp, admin: &str, organization: &str, url: &str) -> String {
    let set = app
        .put(
            &format!("/api/v1/organizations/{organization}/notices"),
            admin,
            &json!({ "webhook_url": url }),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    let set: Value = set.json().await.unwrap();
    assert_eq!(set["webhook_url"], json!(url));
    let secret = set["webhook_secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let read = app
        .get_json(
            &format!("/api/v1/organizations/{organization}/notices"),
            Some(admin),
        )
        .await;
    assert_eq!(read["webhook_url"], json!(url));
    assert!(
        read.get("webhook_secret").is_none(),
        "never shown again: {read}"
    );
    secret
}

#[tokio::test]
async fn a_signed_webhook_arrives_once_after_two_failures_and_dead_letters_when_it_never_does() {
    let app = TestApp::spawn_with(quick).await;
    let admin = app.admin_token().await;
    let wang = app.create_user("wang", "mediator").await;
    let li = app
        .create_user_in("li.mediator", "mediator", &wang.organization_id)
        .await;
    let committee = wang.organization_id.clone();

    // Only HTTPS, or HTTP to this machine; nothing changes on a bad URL.
    let insecure = app
        .put(
            &format!("/api/v1/organizations/{committee}/notices"),
            &admin,
            &json!({ "webhook_url": "http://hooks.example.cn/ipdr" }),
        )
        .await;
    assert_eq!(insecure.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let none = app
        .get_json(
            &format!("/api/v1/organizations/{committee}/notices"),
            Some(&admin),
        )
        .await;
    assert!(none.get("webhook_url").is_none(), "{none}");
    // Not the mediator's to set.
    let by_mediator = app
        .put(
            &format!("/api/v1/organizations/{committee}/notices"),
            &wang.token,
            &json!({ "webhook_url": "https://hooks.example.cn/ipdr" }),
        )
        .await;
    assert_eq!(by_mediator.status(), StatusCode::FORBIDDEN);

    // The committee wants no recusal notices on its webhook; setting the webhook keeps that.
    let quiet = json!([{ "kind": "recusal_requested", "channel": "webhook", "enabled": false }]);
    let defaults = app
        .put(
            &format!("/api/v1/organizations/{committee}/notices"),
            &admin,
            &json!({ "defaults": quiet }),
        )
        .await;
    assert_eq!(defaults.status(), StatusCode::OK);

    let receiver = Receiver {
        failures: 2,
        ..Receiver::default()
    };
    let url = start_receiver(receiver.clone()).await;
    let secret = set_webhook(&app, &admin, &committee, &url).await;
    *receiver.secret.lock().unwrap() = Some(secret);
    let kept = app
        .get_json(
            &format!("/api/v1/organizations/{committee}/notices"),
            Some(&admin),
        )
        .await;
    assert_eq!(kept["defaults"], quiet, "{kept}");

    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let accepted = app.moved(&wang.token, &id, "accept", None).await;
    let number = accepted["case_number"].as_str().unwrap().to_owned();
    let assigned = app
        .post(
            &format!("/api/v1/cases/{id}/assignments"),
            Some(&wang.token),
            Some(&json!({ "account_id": li.id })),
        )
        .await;
    assert_eq!(assigned.status(), StatusCode::OK);

    let delivered = settle(&app, &admin, "?channel=webhook&status=delivered", 1).await;
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(delivered[0]["attempts"], 3, "two failures, then delivered");
    assert_eq!(delivered[0]["recipient"], json!(committee));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seen = receiver.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    let delivery_id = delivered[0]["id"].as_str().unwrap();
    assert!(
        seen.iter()
            .all(|(id, _, verified)| id == delivery_id && *verified),
        "every attempt signed, one stable id: {seen:?}"
    );
    let accepted = receiver.accepted.lock().unwrap().clone();
    assert_eq!(accepted.len(), 1, "once: {accepted:?}");
    assert_eq!(accepted[0]["type"], "notice.case_assigned");
    assert_eq!(accepted[0]["data"]["case_number"], json!(number));
    assert_eq!(accepted[0]["data"]["link"], json!(format!("/cases/{id}")));
    let whole = accepted[0].to_string();
    for personal in PERSONAL {
        assert!(!whole.contains(personal), "{personal} in {whole}");
    }

    // A receiver that always fails: after IPDR_OUTBOX_MAX_ATTEMPTS (3 here) the delivery is
    // dead-lettered with its last error, and an administrator can queue it again.
    let broken = Receiver {
        failures: usize::MAX,
        ..Receiver::default()
    };
    let url = start_receiver(broken.clone()).await;
    let secret = set_webhook(&app, &admin, &committee, &url).await;
    *broken.secret.lock().unwrap() = Some(secret);
    let off = app
        .delete(
            &format!("/api/v1/cases/{id}/assignments/{}", li.id),
            Some(&wang.token),
        )
        .await;
    assert!(off.status().is_success());
    let again = app
        .post(
            &format!("/api/v1/cases/{id}/assignments"),
            Some(&wang.token),
            Some(&json!({ "account_id": li.id })),
        )
        .await;
    assert_eq!(again.status(), StatusCode::OK);
    let dead = settle(&app, &admin, "?channel=webhook&status=dead", 1).await;
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0]["attempts"], 3);
    assert_eq!(dead[0]["last_error"], "500");
    assert_eq!(broken.attempts.load(Ordering::SeqCst), 3);
    assert!(broken.accepted.lock().unwrap().is_empty());
    let dead_id = dead[0]["id"].as_str().unwrap();
    // Retrying what is not dead is refused; the dead one goes back in the queue.
    let not_dead = app
        .post(
            &format!("/api/v1/notifications/deliveries/{delivery_id}/retry"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(not_dead.status(), StatusCode::CONFLICT);
    let retried = app
        .post(
            &format!("/api/v1/notifications/deliveries/{dead_id}/retry"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(retried.status(), StatusCode::OK);
    let redead = settle(&app, &admin, "?channel=webhook&status=dead", 1).await;
    assert_eq!(redead.len(), 1);
    for _ in 0..200 {
        if broken.attempts.load(Ordering::SeqCst) >= 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        broken.attempts.load(Ordering::SeqCst),
        6,
        "three more attempts"
    );
    // The first receiver was told nothing of the second notice: it is the new URL's.
    assert_eq!(receiver.accepted.lock().unwrap().len(), 1);
}

/// How many notices `token` has, and how many e-mails are queued or sent.
async fn told(app: &TestApp, token: &str, admin: &str) -> (usize, usize) {
    let notices = app.get_json("/api/v1/notifications", Some(token)).await["items"]
        .as_array()
        .unwrap()
        .len();
    (
        notices,
        deliveries(app, admin, "?channel=email").await.len(),
    )
}

#[tokio::test]
async fn the_sweep_raises_each_notice_and_each_mail_once_across_two_replicas_and_a_restart() {
    use ipdr_api::service::notifications::sweep_deadlines;
    // E-mail is off on these servers: the mails the sweep queues stay queued, to be counted.
    let first = TestApp::spawn().await;
    let second = first.spawn_beside(|_| {}).await;
    first.set_today("2026-09-08");
    let admin = first.admin_token().await;
    let wang = first.create_user("wang", "mediator").await;
    let set = first
        .put(
            "/api/v1/notifications/settings",
            &wang.token,
            &json!({ "email": "wang@dalian.example.cn", "language": "zh-CN" }),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    let case = first.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    // R16: due Thursday 8 October 2026, the first working day after the National Day holiday.
    first.moved(&wang.token, &id, "accept", None).await;

    // Both replicas sweep the same day at the same time.
    let both = |day: &'static str, a: &TestApp, b: &TestApp| {
        a.set_today(day);
        b.set_today(day);
        let (a, b) = (a.state.clone(), b.state.clone());
        async move {
            let (x, y) = tokio::join!(sweep_deadlines(&a), sweep_deadlines(&b));
            x.unwrap();
            y.unwrap();
        }
    };
    both("2026-09-28", &first, &second).await;
    assert_eq!(
        told(&first, &wang.token, &admin).await,
        (0, 0),
        "three working days before"
    );
    both("2026-09-29", &first, &second).await;
    assert_eq!(
        told(&first, &wang.token, &admin).await,
        (1, 1),
        "two working days before: once"
    );

    // A restart: the first server stops, a new one starts on the same database and sweeps the
    // same day again, then the next days beside the second.
    drop(first);
    let restarted = second.spawn_beside(|_| {}).await;
    restarted.set_today("2026-09-29");
    sweep_deadlines(&restarted.state).await.unwrap();
    assert_eq!(
        told(&second, &wang.token, &admin).await,
        (1, 1),
        "nothing new after the restart"
    );
    both("2026-10-06", &second, &restarted).await;
    assert_eq!(
        told(&second, &wang.token, &admin).await,
        (1, 1),
        "in the holiday: nothing new"
    );
    both("2026-10-08", &second, &restarted).await;
    assert_eq!(
        told(&second, &wang.token, &admin).await,
        (2, 2),
        "on the day"
    );
    both("2026-10-09", &second, &restarted).await;
    both("2026-10-12", &restarted, &second).await;
    assert_eq!(
        told(&second, &wang.token, &admin).await,
        (3, 3),
        "the breach, once"
    );
    let queued = deliveries(&second, &admin, "?channel=email&status=pending").await;
    assert_eq!(queued.len(), 3, "e-mail is off: queued, not lost");
    assert!(queued.iter().all(|d| d["recipient"] == json!(wang.id)));
}
