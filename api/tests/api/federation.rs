//! Two real `ipdr` processes on loopback exchanging referrals: Dalian and Weihai, each with its
//! own database (SQLite files, or schemas of the PostgreSQL named by `IPDR_TEST_DATABASE_URL`).
use std::collections::BTreeSet;
use std::time::Duration;

use ipdr_persistence::testing::TestDatabase;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, USER_PASSWORD, expect_status};
use crate::process::Process;

/// One city's instance: its process, database, directory and the tokens of its people.
struct Node {
    id: &'static str,
    city: &'static str,
    port: u16,
    process: Option<Process>,
    database: TestDatabase,
    dir: tempfile::TempDir,
    http: reqwest::Client,
    admin: String,
    liaison: String,
    mediator: String,
    mediation_org: String,
    agreement: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Node {
    async fn start(id: &'static str, city: &'static str) -> Self {
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
    async fn boot(&mut self) {
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

    async fn kill(&mut self) {
        if let Some(process) = self.process.take() {
            process.kill().await;
        }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn login(&self, username: &str, password: &str) -> String {
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
    async fn send(
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

    async fn call(
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
    async fn post(&self, path: &str, token: &str, body: Value, status: StatusCode) -> Value {
        let response = self
            .send(reqwest::Method::POST, path, token, Some(body))
            .await;
        expect_status(response, status)
            .await
            .json::<Value>()
            .await
            .unwrap_or(Value::Null)
    }

    async fn get(&self, path: &str, token: &str) -> Value {
        let (status, body) = self.call(reqwest::Method::GET, path, token, None).await;
        assert_eq!(status, StatusCode::OK, "{} GET {path}: {body}", self.id);
        body
    }

    /// Organisations, a liaison officer named on the seeded agreement, a mediator.
    async fn staff(&mut self, code: &str) {
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
    async fn register(&self, other: &Node) {
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

    async fn referral(&self, token: &str, id: &str) -> Option<Value> {
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
    async fn eventually(
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

    async fn outbox(&self, status: &str) -> Vec<Value> {
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

async fn dalian_and_weihai() -> (Node, Node) {
    let (mut dalian, mut weihai) =
        tokio::join!(Node::start("dalian", "大连"), Node::start("weihai", "威海"));
    dalian.staff("DL").await;
    weihai.staff("WH").await;
    dalian.register(&weihai).await;
    weihai.register(&dalian).await;
    (dalian, weihai)
}

fn gi_referral(agreement: &str, n: usize) -> Value {
    json!({
        "agreement_id": agreement,
        "kind": "case_transfer",
        "summary": format!("假冒“大连苹果”地理标志的苹果在威海销售 #{n}"),
        "ip_type": "geographical_indication",
        "right_identifier": "大连苹果",
        "parties": [
            { "side": "applicant", "kind": "organization", "name": "大连市苹果协会", "credit_code": "914403001922038216" },
            { "side": "respondent", "kind": "organization", "name": "威海某果品商行" }
        ]
    })
}

/// Every referral id a node's liaison officer lists in `direction`, across pages.
async fn list_ids(node: &Node, direction: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = node
            .get(
                &format!("/api/v1/referrals?direction={direction}&limit=100{cursor}"),
                &node.liaison,
            )
            .await;
        ids.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return ids,
        }
    }
}

fn steps(referral: &Value) -> Vec<String> {
    referral["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["node"].as_str().unwrap(),
                e["step"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test]
async fn two_nodes_exchange_a_referral_end_to_end_and_each_step_shows_on_both_sides() {
    let (dalian, weihai) = dalian_and_weihai().await;

    // Send (Dalian's liaison officer).
    let sent = dalian
        .post(
            "/api/v1/referrals",
            &dalian.liaison,
            gi_referral(&dalian.agreement, 1),
            StatusCode::CREATED,
        )
        .await;
    let id = sent["id"].as_str().unwrap().to_owned();
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["direction"], "outgoing");
    let received = weihai
        .eventually(&weihai.liaison, &id, "the referral", |r| {
            r["status"] == "sent"
        })
        .await;
    assert_eq!(received["direction"], "incoming");
    assert_eq!(received["partner_node"], "dalian");
    assert_eq!(received["summary"], sent["summary"]);
    assert_eq!(received["parties"], sent["parties"]);
    // The agreement's clocks, computed alike on both sides from the sending day.
    assert_eq!(received["clocks"], sent["clocks"]);

    // Acknowledge (Weihai).
    let acked = weihai
        .post(
            &format!("/api/v1/referrals/{id}/acknowledge"),
            &weihai.liaison,
            json!(null),
            StatusCode::OK,
        )
        .await;
    assert_eq!(acked["status"], "acknowledged");
    dalian
        .eventually(&dalian.liaison, &id, "the acknowledgement", |r| {
            r["status"] == "acknowledged"
        })
        .await;

    // Accept with a linked case (Weihai).
    let accepted = weihai
        .post(
            &format!("/api/v1/referrals/{id}/accept"),
            &weihai.liaison,
            json!({ "open_case": { "organization_id": weihai.mediation_org, "track": "people" } }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(accepted["status"], "accepted");
    let case_id = accepted["case_id"]
        .as_str()
        .expect("a linked case")
        .to_owned();
    let case = weihai
        .get(&format!("/api/v1/cases/{case_id}"), &weihai.mediator)
        .await;
    assert_eq!(case["status"], "submitted");
    assert_eq!(case["parties"][0]["name"], "大连市苹果协会");
    let at_dalian = dalian
        .eventually(&dalian.liaison, &id, "the acceptance", |r| {
            r["status"] == "accepted"
        })
        .await;
    assert_eq!(at_dalian["partner_case_reference"], case_id.as_str());
    assert!(
        at_dalian.get("case_id").is_none(),
        "Dalian has no local case for it"
    );

    // Progress, then the outcome (Weihai).
    weihai
        .post(
            &format!("/api/v1/referrals/{id}/progress"),
            &weihai.liaison,
            json!({ "note": "已约谈商户，下架涉案产品" }),
            StatusCode::OK,
        )
        .await;
    let concluded = weihai
        .post(
            &format!("/api/v1/referrals/{id}/outcome"),
            &weihai.liaison,
            json!({ "outcome": "mediated", "note": "调解成功" }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(concluded["status"], "concluded");
    let at_dalian = dalian
        .eventually(&dalian.liaison, &id, "the outcome", |r| {
            r["status"] == "concluded"
        })
        .await;
    assert_eq!(at_dalian["outcome"], "mediated");

    // Both timelines hold the same steps, by the same nodes, once each.
    let expected = [
        "dalian:referred",
        "weihai:acknowledged",
        "weihai:accepted",
        "weihai:progress_reported",
        "weihai:outcome_reported",
    ];
    assert_eq!(steps(&at_dalian), expected);
    assert_eq!(
        steps(&weihai.referral(&weihai.liaison, &id).await.unwrap()),
        expected
    );
    assert!(
        at_dalian["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("met_on").is_some())
    );
    assert!(dalian.outbox("pending").await.is_empty() && weihai.outbox("pending").await.is_empty());
    assert!(dalian.outbox("dead").await.is_empty() && weihai.outbox("dead").await.is_empty());

    // Dalian's mediator, not named anywhere, sees nothing of it; Weihai's neither.
    let (status, _) = dalian
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/referrals/{id}"),
            &dalian.mediator,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = weihai
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/referrals/{id}"),
            &weihai.admin,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn referrals_acknowledged_to_the_sender_survive_sigkill_of_both_nodes_exactly_once() {
    let (mut dalian, mut weihai) = dalian_and_weihai().await;
    let mut acknowledged: Vec<String> = Vec::new();

    // Round 1: Weihai is killed while referrals are being sent, and restarted.
    for n in 0..24 {
        if n == 6 {
            weihai.kill().await;
        }
        if n == 14 {
            weihai.boot().await;
        }
        let (status, body) = dalian
            .call(
                reqwest::Method::POST,
                "/api/v1/referrals",
                &dalian.liaison,
                Some(gi_referral(&dalian.agreement, n)),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        acknowledged.push(body["id"].as_str().unwrap().to_owned());
    }
    // Round 2: Dalian is killed with messages still queued, and restarted; requests sent while
    // it is down are not acknowledged to anyone.
    let sender = {
        let base = dalian.base();
        let token = dalian.liaison.clone();
        let agreement = dalian.agreement.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut ids = Vec::new();
            for n in 100..130 {
                let sent = http
                    .post(format!("{base}/api/v1/referrals"))
                    .bearer_auth(&token)
                    .json(&gi_referral(&agreement, n))
                    .send()
                    .await;
                if let Ok(response) = sent
                    && response.status() == StatusCode::CREATED
                    && let Ok(body) = response.json::<Value>().await
                {
                    ids.push(body["id"].as_str().unwrap().to_owned());
                }
                tokio::time::sleep(Duration::from_millis(15)).await;
            }
            ids
        })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    dalian.kill().await;
    weihai.kill().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    weihai.boot().await;
    dalian.boot().await;
    acknowledged.extend(sender.await.unwrap());

    // Afterwards every acknowledged referral is at Weihai, once, in the state Dalian shows.
    let weihai_liaison = weihai.liaison.clone();
    for id in &acknowledged {
        let there = weihai
            .eventually(&weihai_liaison, id, "a referral after the crashes", |r| {
                r["status"] == "sent"
            })
            .await;
        let here = dalian
            .referral(&dalian.liaison, id)
            .await
            .expect("still at Dalian");
        assert_eq!(here["status"], there["status"]);
        assert_eq!(steps(&here), ["dalian:referred"]);
        assert_eq!(steps(&there), ["dalian:referred"], "applied exactly once");
    }
    for _ in 0..100 {
        if dalian.outbox("pending").await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        dalian.outbox("pending").await.is_empty(),
        "every message delivered"
    );
    assert!(
        dalian.outbox("dead").await.is_empty(),
        "nothing dead-lettered"
    );

    // Each side lists exactly the same referrals, each once (unacknowledged sends that landed
    // before the crash are on both sides too).
    let sent = list_ids(&dalian, "outgoing").await;
    let received = list_ids(&weihai, "incoming").await;
    assert_eq!(sent.len(), sent.iter().collect::<BTreeSet<_>>().len());
    assert_eq!(
        received.len(),
        received.iter().collect::<BTreeSet<_>>().len()
    );
    assert_eq!(
        sent.iter().collect::<BTreeSet<_>>(),
        received.iter().collect::<BTreeSet<_>>()
    );
    assert!(acknowledged.iter().all(|id| sent.contains(id)));

    // The reverse direction survives a crash too: Weihai acknowledges them all, is killed, and
    // Dalian ends with every acknowledgement.
    for id in &acknowledged {
        weihai
            .post(
                &format!("/api/v1/referrals/{id}/acknowledge"),
                &weihai.liaison,
                json!(null),
                StatusCode::OK,
            )
            .await;
    }
    weihai.kill().await;
    weihai.boot().await;
    let dalian_liaison = dalian.liaison.clone();
    for id in &acknowledged {
        let here = dalian
            .eventually(&dalian_liaison, id, "the acknowledgement", |r| {
                r["status"] == "acknowledged"
            })
            .await;
        assert_eq!(steps(&here), ["dalian:referred", "weihai:acknowledged"]);
    }
}
