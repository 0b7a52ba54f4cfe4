//! The real `ipdr` binary: first start, the command line, graceful shutdown.
use std::process::Stdio;
use std::time::Duration;

use ipdr_persistence::testing::TestDatabase;
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use crate::nodes::{BINARY, Process};

async fn login(base: &str, username: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .expect("request sent")
}

#[tokio::test]
async fn a_fresh_start_creates_the_sqlite_file_and_an_admin_whose_generated_password_is_logged_once()
 {
    let dir = tempfile::tempdir().unwrap();

    // First start: nothing configured.
    let first = Process::start(dir.path(), &[]).await;
    assert!(
        dir.path().join("ipdr.db").exists(),
        "the default database file is in the working directory"
    );
    let password = first
        .log_messages()
        .iter()
        .find_map(|l| l["password"].as_str().map(str::to_owned))
        .expect("the generated password is logged");
    assert_eq!(
        login(&first.base, "admin", &password).await.status(),
        StatusCode::OK
    );
    let (status, logs) = first.terminate().await;
    assert!(status.success(), "{status:?}");
    assert!(
        logs.iter()
            .any(|l| l["message"] == "SIGTERM received; finishing in-flight requests")
    );

    // The command line adds an account to the existing database.
    let mut add = Command::new(BINARY)
        .current_dir(dir.path())
        .env_clear()
        .args([
            "user",
            "add",
            "--username",
            "li.auditor",
            "--role",
            "auditor",
            "--organization",
            "operator",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"auditor password 1\n")
        .await
        .unwrap();
    let output = add.wait_with_output().await.unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("created account li.auditor"));

    // Second start: no new admin, no password in the logs; both accounts log in.
    let second = Process::start(dir.path(), &[]).await;
    assert!(
        second
            .log_messages()
            .iter()
            .all(|l| l.get("password").is_none()),
        "the password is logged only once"
    );
    assert_eq!(
        login(&second.base, "admin", &password).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        login(&second.base, "li.auditor", "auditor password 1")
            .await
            .status(),
        StatusCode::OK
    );
    second.terminate().await;
}

#[tokio::test]
async fn sigterm_lets_in_flight_requests_finish_before_the_process_exits() {
    let database = TestDatabase::create().await.unwrap();
    let url = database.standalone_url();
    let dir = tempfile::tempdir().unwrap();
    let server = Process::start(
        dir.path(),
        &[
            ("IPDR_DATABASE_URL", &url),
            ("IPDR_ADMIN_PASSWORD", "admin password for tests"),
            // One hash at a time, so the logins queue and are still in flight at SIGTERM.
            ("IPDR_PASSWORD_HASH_CONCURRENCY", "1"),
            ("IPDR_LOG", "info,ipdr_api::request_id=debug"),
        ],
    )
    .await;

    let in_flight: Vec<_> = (0..12)
        .map(|_| {
            let base = server.base.clone();
            tokio::spawn(async move {
                login(&base, "admin", "admin password for tests")
                    .await
                    .status()
            })
        })
        .collect();
    // SIGTERM once every request has reached a handler (they queue for the one hash permit).
    for _ in 0..400 {
        let started = server
            .log_messages()
            .iter()
            .filter(|l| l["message"] == "request started")
            .count();
        if started == 12 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (exit, logs) = server.terminate().await;

    for request in in_flight {
        assert_eq!(
            request.await.unwrap(),
            StatusCode::OK,
            "an in-flight request was cut off"
        );
    }
    assert!(exit.success(), "{exit:?}");
    let finished = logs
        .iter()
        .filter(|l| l["message"] == "request finished")
        .count();
    assert_eq!(finished, 12);
}

#[tokio::test]
async fn the_openapi_subcommand_prints_the_served_document() {
    let output = Command::new(BINARY).arg("openapi").output().await.unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        ipdr_api::openapi::spec_json()
    );
}

#[tokio::test]
async fn a_bad_setting_stops_the_start_with_a_message_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BINARY)
        .current_dir(dir.path())
        .env_clear()
        .env("IPDR_ADMIN_PASSWORD", "short")
        .env("IPDR_LISTEN", "127.0.0.1:0")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("IPDR_ADMIN_PASSWORD"));
}

/// Two real `ipdr` processes on one database, their business clock set to chosen days around
/// the National Day holiday, sweep the deadline notices every second: each notice is raised
/// once, on its day, however many processes sweep and however often they restart.
#[tokio::test]
async fn two_processes_sweeping_one_database_raise_each_deadline_notice_once_on_its_day() {
    use crate::helpers::{TestApp, dispute};
    // The data is entered through a server in this process on 8 September 2026; the processes
    // then share its database.
    let app = TestApp::spawn().await;
    app.set_today("2026-09-08");
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    // R16: due Thursday 8 October 2026.
    app.moved(&wang.token, &id, "accept", None).await;
    let url = app.database_url();
    let dir = tempfile::tempdir().unwrap();

    let told = || async {
        let page = app
            .get_json("/api/v1/notifications", Some(&wang.token))
            .await;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let mut expected: Vec<&str> = Vec::new();
    for (day, new) in [
        ("2026-09-28", None),
        ("2026-09-29", Some("deadline_approaching")),
        ("2026-09-29", None),
        ("2026-10-06", None),
        ("2026-10-08", Some("deadline_approaching")),
        ("2026-10-09", Some("deadline_breached")),
    ] {
        // Two processes, started together for the day, each sweeping every second.
        let env = [
            ("IPDR_DATABASE_URL", url.as_str()),
            ("IPDR_BUSINESS_DATE", day),
            ("IPDR_DEADLINE_SWEEP_SECONDS", "1"),
        ];
        let (first, second) = tokio::join!(
            Process::start(dir.path(), &env),
            Process::start(dir.path(), &env)
        );
        if let Some(kind) = new {
            expected.insert(0, kind);
        }
        for _ in 0..100 {
            if told().await.len() >= expected.len() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Both have swept at least twice more by now.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        assert_eq!(told().await, expected, "on {day}");
        for process in [first, second] {
            let (status, logs) = process.terminate().await;
            assert!(status.success(), "{status:?}");
            assert!(
                logs.iter().any(|l| l["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("IPDR_BUSINESS_DATE is set"))),
                "the start-up log says the clock is set"
            );
        }
    }
}
