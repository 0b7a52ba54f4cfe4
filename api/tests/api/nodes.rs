//! Real `ipdr` processes for the tests that need them: one process with its log lines, and a
//! city's node (Dalian, Weihai) with its database, people and partner registry. Shared by the
//! API suite and the browser suite.
#![allow(dead_code, reason = "each suite uses a part")]
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ipdr_persistence::testing::TestDatabase;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::helpers::{ADMIN_PASSWORD, USER_PASSWORD, expect_status};

pub const BINARY: &str = env!("CARGO_BIN_EXE_ipdr");

/// A running `ipdr serve`, its log lines collected (JSON format).
pub struct Process {
    child: Child,
    pub base: String,
    logs: Arc<Mutex<Vec<Value>>>,
}

impl Process {
    /// Kills the process at once (SIGKILL): no shutdown, no clean-up.
    pub async fn kill(mut self) {
        self.child.kill().await.expect("SIGKILL");
    }

    pub async fn start(dir: &Path, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(BINARY)
            .current_dir(dir)
            .env_clear()
            .env("IPDR_LISTEN", "127.0.0.1:0")
            .env("IPDR_LOG_FORMAT", "json")
            .envs(env.iter().copied())
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("ipdr starts");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("stderr");
        let collected = logs.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let value = serde_json::from_str(&line).unwrap_or(Value::String(line));
                collected.lock().unwrap().push(value);
            }
        });
        let mut base = None;
        for _ in 0..200 {
            base = logs.lock().unwrap().iter().find_map(|l| {
                l["message"]
                    .as_str()
                    .filter(|m| m.starts_with("serving"))
                    .and(l["address"].as_str())
                    .map(|a| format!("http://{a}"))
            });
            if base.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let base = base.unwrap_or_else(|| panic!("ipdr did not start: {:?}", logs.lock().unwrap()));
        Self { child, base, logs }
    }

    pub fn log_messages(&self) -> Vec<Value> {
        self.logs.lock().unwrap().clone()
    }

    pub async fn terminate(mut self) -> (std::process::ExitStatus, Vec<Value>) {
        let pid = self.child.id().expect("running").to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .expect("kill runs");
        assert!(sent.success());
        let status = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("ipdr exits after SIGTERM")
            .expect("exit status");
        tokio::time::sleep(Duration::from_millis(100)).await;
        (status, self.log_messages())
    }
}

/// One city's instance: its process, database, directory and the tokens of its people.
pub struct Node {
    pub id: &'static str,
    pub city: &'static str,
    pub port: u16,
    pub process: Option<Process>,
    pub database: TestDatabase,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
    pub admin: String,
    pub liaison: String,
    pub mediator: String,
    pub mediation_org: String,
    pub agreement: String,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Node {
    pub async fn start(id: &'static str, city: &'static str) -> Self {
        let mut node = Self {
            id,
            city,
            port: free_port(),
            process: None,
            database: TestDatabase::create().await.unwrap(),
            dir: tempfile::tempdir().unwrap(),
            http: reqwest::Client::new(),
            admin: String::new(),
            liaison: String::new(),
            mediator: String::new(),
            mediation_org: String::new(),
            agreement: String::new(),
        };
        node.boot().await;
        node.admin = node.login("admin", ADMIN_PASSWORD).await;
        node
    }

    /// Starts (or restarts) the process on the node's port and database.
    pub async fn boot(&mut self) {
        let listen = format!("127.0.0.1:{}", self.port);
        let url = self.database.standalone_url();
        self.process = Some(
            Process::start(
                self.dir.path(),
                &[
                    ("IPDR_LISTEN", &listen),
                    ("IPDR_DATABASE_URL", &url),
                    ("IPDR_ADMIN_PASSWORD", ADMIN_PASSWORD),
                    ("IPDR_NODE_ID", self.id),
                    ("IPDR_NODE_NAME", self.city),
                    ("IPDR_CITY", self.city),
                    ("IPDR_OUTBOX_POLL_MILLIS", "100"),
                    ("IPDR_OUTBOX_BACKOFF_BASE_MILLIS", "50"),
                    ("IPDR_OUTBOX_BACKOFF_CAP_SECONDS", "1"),
                    ("IPDR_OUTBOX_MAX_ATTEMPTS", "1000"),
                    ("IPDR_FEDERATION_TIMEOUT_SECONDS", "2"),
                ],
            )
            .await,
        );
    }

    pub async fn kill(&mut self) {
        if let Some(process) = self.process.take() {
            process.kill().await;
        }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let response = self
            .http
            .post(format!("{}/api/v1/auth/login", self.base()))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{} login {username}",
            self.id
        );
        response.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Sends `method path` with the bearer token, and the JSON body when given.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base()))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let response = self.send(method, path, token, body).await;
        let status = response.status();
        let body = response.json::<Value>().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// POSTs `body`, expects `status` and returns the JSON answer.
    pub async fn post(&self, path: &str, token: &str, body: Value, status: StatusCode) -> Value {
        let response = self
            .send(reqwest::Method::POST, path, token, Some(body))
            .await;
        expect_status(response, status)
            .await
            .json::<Value>()
            .await
            .unwrap_or(Value::Null)
    }

    pub async fn get(&self, path: &str, token: &str) -> Value {
        let (status, body) = self.call(reqwest::Method::GET, path, token, None).await;
        assert_eq!(status, StatusCode::OK, "{} GET {path}: {body}", self.id);
        body
    }

    /// Organisations, a liaison officer named on the seeded agreement, a mediator.
    pub async fn staff(&mut self, code: &str) {
        let org = |kind: &str, suffix: &str| json!({ "code": format!("{code}{suffix}"), "name": format!("{} {kind}", self.city), "kind": kind, "city": self.city });
        let office = self
            .post(
                "/api/v1/organizations",
                &self.admin,
                org("liaison_office", "LO"),
                StatusCode::CREATED,
            )
            .await;
        let committee = self
            .post(
                "/api/v1/organizations",
                &self.admin,
                org("mediation_committee", "MC"),
                StatusCode::CREATED,
            )
            .await;
        self.mediation_org = committee["id"].as_str().unwrap().to_owned();
        let account = |name: &str, role: &str, org: &Value| json!({ "username": name, "display_name": name, "role": role, "organization_id": org["id"], "password": USER_PASSWORD });
        let liaison = self
            .post(
                "/api/v1/accounts",
                &self.admin,
                account(&format!("{}.liaison", self.id), "liaison", &office),
                StatusCode::CREATED,
            )
            .await;
        self.post(
            "/api/v1/accounts",
            &self.admin,
            account(&format!("{}.mediator", self.id), "mediator", &committee),
            StatusCode::CREATED,
        )
        .await;
        let seeded = self
            .post(
                "/api/v1/cooperation-agreements/seed",
                &self.admin,
                json!({}),
                StatusCode::OK,
            )
            .await;
        assert!(
            seeded["loaded"]
                .as_array()
                .unwrap()
                .contains(&json!("dalian-weihai-gi")),
            "{seeded}"
        );
        let all = self
            .get("/api/v1/cooperation-agreements", &self.admin)
            .await;
        let agreement = all
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["code"] == "dalian-weihai-gi")
            .unwrap()
            .clone();
        self.agreement = agreement["id"].as_str().unwrap().to_owned();
        let (status, _) = self
            .call(
                reqwest::Method::PUT,
                &format!("/api/v1/cooperation-agreements/{}/liaisons", self.agreement),
                &self.admin,
                Some(json!({ "liaisons": [liaison["id"]] })),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        self.liaison = self
            .login(&format!("{}.liaison", self.id), USER_PASSWORD)
            .await;
        self.mediator = self
            .login(&format!("{}.mediator", self.id), USER_PASSWORD)
            .await;
    }

    /// Registers `other` as a partner, with the keys it publishes.
    pub async fn register(&self, other: &Node) {
        let node: Value = self
            .http
            .get(format!("{}/federation/v1/node", other.base()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(node["node_id"], other.id);
        let keys: Vec<Value> = node["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| json!({ "kid": k["kid"], "x": k["x"] }))
            .collect();
        self.post(
            "/api/v1/partners",
            &self.admin,
            json!({ "node_id": other.id, "name": node["name"], "city": node["city"], "base_url": other.base(), "keys": keys }),
            StatusCode::CREATED,
        )
        .await;
    }

    pub async fn referral(&self, token: &str, id: &str) -> Option<Value> {
        let (status, body) = self
            .call(
                reqwest::Method::GET,
                &format!("/api/v1/referrals/{id}"),
                token,
                None,
            )
            .await;
        (status == StatusCode::OK).then_some(body)
    }

    /// Waits (up to 30 s) until the referral here satisfies `ready`.
    pub async fn eventually(
        &self,
        token: &str,
        id: &str,
        what: &str,
        ready: impl Fn(&Value) -> bool,
    ) -> Value {
        for _ in 0..300 {
            if let Some(r) = self.referral(token, id).await
                && ready(&r)
            {
                return r;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{}: {what} never became visible: {:?}",
            self.id,
            self.referral(token, id).await
        );
    }

    pub async fn outbox(&self, status: &str) -> Vec<Value> {
        self.get(
            &format!("/api/v1/federation/outbox?status={status}&limit=100"),
            &self.admin,
        )
        .await["items"]
            .as_array()
            .unwrap()
            .clone()
    }
}

pub async fn dalian_and_weihai() -> (Node, Node) {
    let (mut dalian, mut weihai) =
        tokio::join!(Node::start("dalian", "大连"), Node::start("weihai", "威海"));
    dalian.staff("DL").await;
    weihai.staff("WH").await;
    dalian.register(&weihai).await;
    weihai.register(&dalian).await;
    (dalian, weihai)
}
