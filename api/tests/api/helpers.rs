//! A real IPDR server per test, listening on port 0, on its own database.
use std::sync::OnceLock;
use std::time::Duration;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ipdr_api::clock::FixedClock;
use ipdr_api::config::{Config, Secret};
use ipdr_api::state::AppState;
use ipdr_api::{Application, telemetry};
use ipdr_persistence::Db;
use ipdr_persistence::testing::TestDatabase;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

pub const ADMIN_PASSWORD: &str = "admin password for tests";
pub const USER_PASSWORD: &str = "user password for tests";

/// Roles other than admin, each with an organisation kind it fits.
pub const NON_ADMIN_ROLES: [(&str, &str, Option<&str>); 5] = [
    ("mediator", "mediation_committee", None),
    ("court", "court", Some("intermediate")),
    ("investigator", "investigator_pool", None),
    ("liaison", "liaison_office", None),
    ("auditor", "mediation_committee", None),
];

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub state: AppState,
    /// The business clock: the real time at start; tests move it (deadlines, "today").
    pub clock: Arc<FixedClock>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _database: Arc<TestDatabase>,
}

/// A logged-in user created for a test.
pub struct TestUser {
    pub id: String,
    pub organization_id: String,
    pub token: String,
}

fn init_logs() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        if let Ok(filter) = std::env::var("IPDR_TEST_LOG") {
            telemetry::init(&filter, ipdr_api::config::LogFormat::Text);
        }
    });
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts a server whose configuration `adjust` may change first.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        init_logs();
        let database = TestDatabase::create().await.expect("a test database");
        Self::start(Arc::new(database), adjust).await
    }

    /// A second server on this one's database, as another replica (or this one restarted)
    /// would be: its own clock, its own workers, the same data.
    pub async fn spawn_beside(&self, adjust: impl FnOnce(&mut Config)) -> Self {
        Self::start(self._database.clone(), adjust).await
    }

    async fn start(database: Arc<TestDatabase>, adjust: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::from_lookup(|_| None).expect("default configuration");
        config.listen = "127.0.0.1:0".parse().expect("an address");
        config.database = database.settings().clone();
        config.admin_password = Some(Secret::new(ADMIN_PASSWORD));
        config.shutdown_grace = Duration::from_secs(5);
        // Tests move the clock and return expired court terms themselves, when they choose.
        config.deadline_sweep = None;
        // Tests seal the audit trail when they check it (`ipdr_api::audit::seal_all`).
        config.audit_seal = None;
        adjust(&mut config);
        let clock = Arc::new(FixedClock::new(Utc::now()));
        let app = Application::build_with_clock(config, clock.clone())
            .await
            .expect("the application starts");
        let base = format!("http://{}", app.address());
        let state = app.state().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        Self {
            base,
            client: reqwest::Client::new(),
            db: state.db.clone(),
            state,
            clock,
            stop: Some(stop),
            _database: database,
        }
    }

    /// A URL reaching this test's database from another process (`ipdr audit verify`).
    pub fn database_url(&self) -> String {
        self._database.standalone_url()
    }

    /// Every audit record so far, oldest first.
    pub async fn audit_records(&self) -> Vec<ipdr_domain::audit::Record> {
        let mut records = ipdr_persistence::repo::audit::recent(&self.db, None, 100_000)
            .await
            .expect("audit records");
        records.reverse();
        records
    }

    /// The first column of every row `sql` answers, as text.
    pub async fn query_strings(&self, sql: &str) -> Vec<String> {
        use ipdr_persistence::{ConnectionTrait, Statement};
        let backend = self.db.get_database_backend();
        self.db
            .query_all_raw(Statement::from_string(backend, sql.to_owned()))
            .await
            .expect("a query")
            .iter()
            .map(|row| row.try_get_by_index::<String>(0).expect("a text column"))
            .collect()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("the request is sent")
    }

    /// GETs `path`, expects 200 and returns the JSON body.
    pub async fn get_json(&self, path: &str, token: Option<&str>) -> Value {
        let response = self.get(path, token).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.expect("a JSON body")
    }

    /// The caller's account and organisation, from `/api/v1/auth/me`.
    pub async fn me(&self, token: &str) -> Value {
        self.get_json("/api/v1/auth/me", Some(token)).await
    }

    /// Sends `method path`, with the bearer token and JSON body when given.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("the request is sent")
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Option<&Value>) -> Response {
        self.send(Method::POST, path, token, body).await
    }

    pub async fn put(&self, path: &str, token: &str, body: &Value) -> Response {
        self.send(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.send(Method::DELETE, path, token, None).await
    }

    /// POSTs `content` as a PDF file to an upload endpoint (`path` carries its query).
    pub async fn upload_pdf(&self, path: &str, token: &str, content: &'static [u8]) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/pdf")
            .body(content)
            .send()
            .await
            .expect("the request is sent")
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.post(
            "/api/v1/auth/login",
            None,
            Some(&json!({ "username": username, "password": password })),
        )
        .await
    }

    /// Logs in and returns the access token, failing the test otherwise.
    pub async fn token(&self, username: &str, password: &str) -> String {
        let response = self.login(username, password).await;
        assert_eq!(response.status(), StatusCode::OK, "login of {username}");
        let body: Value = response.json().await.expect("a token response");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    pub async fn admin_token(&self) -> String {
        self.token("admin", ADMIN_PASSWORD).await
    }

    /// Creates an organisation as admin and returns its view.
    pub async fn create_organization(
        &self,
        code: &str,
        kind: &str,
        court_level: Option<&str>,
    ) -> Value {
        let admin = self.admin_token().await;
        let mut body =
            json!({ "code": code, "name": format!("{code} 名称"), "kind": kind, "city": "大连" });
        if let Some(level) = court_level {
            body["court_level"] = json!(level);
        }
        let response = self
            .post("/api/v1/organizations", Some(&admin), Some(&body))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "create organisation {code}"
        );
        response.json().await.expect("an organisation")
    }

    /// Creates an account in `organization_id` as admin, logs it in and returns it.
    /// A court (`DLMID`, intermediate) with jurisdiction over invention patents in 大连, as the
    /// administrator sets it; its id.
    pub async fn dalian_court(&self) -> String {
        let admin = self.admin_token().await;
        let court = self
            .create_organization("DLMID", "court", Some("intermediate"))
            .await;
        let court_id = court["id"].as_str().unwrap().to_owned();
        let set = self
            .put(
                &format!("/api/v1/organizations/{court_id}/jurisdiction"),
                &admin,
                &serde_json::json!({ "areas": ["大连"], "ip_types": ["invention_patent"] }),
            )
            .await;
        assert_eq!(set.status(), StatusCode::OK);
        court_id
    }

    pub async fn create_user_in(
        &self,
        username: &str,
        role: &str,
        organization_id: &str,
    ) -> TestUser {
        let admin = self.admin_token().await;
        let body = json!({
            "username": username, "display_name": username, "role": role,
            "organization_id": organization_id, "password": USER_PASSWORD,
        });
        let response = self
            .post("/api/v1/accounts", Some(&admin), Some(&body))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "create account {username}"
        );
        let account: Value = response.json().await.expect("an account");
        TestUser {
            id: account["id"].as_str().expect("id").to_owned(),
            organization_id: organization_id.to_owned(),
            token: self.token(username, USER_PASSWORD).await,
        }
    }

    /// Creates an organisation fitting `role` and a user with that role in it.
    pub async fn create_user(&self, username: &str, role: &str) -> TestUser {
        let (_, kind, level) = NON_ADMIN_ROLES
            .iter()
            .find(|(r, _, _)| *r == role)
            .copied()
            .unwrap_or((role, "operator", None));
        let letters: String = username
            .to_uppercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(15)
            .collect();
        let code = format!("O{letters}");
        let org = self.create_organization(&code, kind, level).await;
        self.create_user_in(username, role, org["id"].as_str().expect("id"))
            .await
    }
}

/// A dispute of the `people` track with personal data on both sides.
pub fn dispute() -> Value {
    json!({
        "track": "people",
        "ip_type": "invention_patent",
        "right": "201080063196.9",
        "right_title": "一种通信方法",
        "parties": [
            {
                "side": "applicant", "kind": "organization", "name": "华为技术有限公司",
                "credit_code": "914403001922038216", "phone": "0755-28780808", "address": "深圳市龙岗区",
                "agents": [{ "name": "李律师", "phone": "0411-88886666", "firm": "大连某律师事务所" }]
            },
            {
                "side": "respondent", "kind": "person", "name": "张三",
                "id_number": "11010519491231002X", "phone": "13800138000", "address": "大连市中山区人民路1号"
            }
        ],
        "claims": ["停止侵权", "赔偿损失人民币10万元"],
        "amount_fen": 10_000_000,
        "city": "大连"
    })
}

impl TestApp {
    /// Pins the business clock to noon, China time, on `date` (`YYYY-MM-DD`).
    pub fn set_today(&self, date: &str) {
        let at: DateTime<Utc> = format!("{date}T04:00:00Z").parse().expect("a date");
        self.clock.set(at);
    }

    /// Opens a case as `token`, expecting 201; returns the case.
    pub async fn open_case(&self, token: &str, body: &Value) -> Value {
        let response = self.post("/api/v1/cases", Some(token), Some(body)).await;
        let status = response.status();
        let body: Value = response.json().await.expect("a JSON answer");
        assert_eq!(status, StatusCode::CREATED, "open case: {body}");
        body
    }

    /// `POST /api/v1/cases/{id}/{action}`.
    pub async fn act(
        &self,
        token: &str,
        case: &str,
        action: &str,
        body: Option<&Value>,
    ) -> Response {
        self.post(&format!("/api/v1/cases/{case}/{action}"), Some(token), body)
            .await
    }

    /// Like [`TestApp::act`], expecting 200; returns the case after it.
    pub async fn moved(
        &self,
        token: &str,
        case: &str,
        action: &str,
        body: Option<&Value>,
    ) -> Value {
        let response = self.act(token, case, action, body).await;
        let status = response.status();
        let body: Value = response.json().await.expect("a JSON answer");
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
        body
    }

    /// Drives a fresh case to `in_mediation`.
    pub async fn case_in_mediation(&self, token: &str) -> Value {
        let case = self.open_case(token, &dispute()).await;
        let id = case["id"].as_str().expect("id");
        self.moved(token, id, "accept", None).await;
        self.moved(token, id, "consent", Some(&json!({ "consent": "given" })))
            .await;
        self.moved(token, id, "start-mediation", None).await
    }

    /// `PUT /api/v1/cases/{id}/agreement`.
    pub async fn record_agreement(&self, token: &str, case: &str, text: &str) -> Response {
        self.put(
            &format!("/api/v1/cases/{case}/agreement"),
            token,
            &json!({ "text": text, "terms": ["支付人民币5万元"] }),
        )
        .await
    }

    /// `POST /api/v1/cases/{id}/agreement/signatures`.
    pub async fn sign(&self, token: &str, case: &str, signer: &Value) -> Response {
        self.post(
            &format!("/api/v1/cases/{case}/agreement/signatures"),
            Some(token),
            Some(signer),
        )
        .await
    }

    /// Records an agreement and every signature: the case is then `settled`.
    pub async fn settle(&self, token: &str, case: &str) -> Value {
        let recorded = self
            .record_agreement(token, case, "双方达成如下协议：……")
            .await;
        assert_eq!(recorded.status(), StatusCode::OK, "record agreement");
        self.sign_all(token, case).await
    }

    /// Records the signatures of both parties and the mediator; returns the case after them.
    pub async fn sign_all(&self, token: &str, case: &str) -> Value {
        for signer in [
            json!({ "party_number": 1, "method": "seal" }),
            json!({ "party_number": 2, "method": "signature" }),
            json!({ "mediator": true, "method": "signature" }),
        ] {
            let signed = self.sign(token, case, &signer).await;
            assert_eq!(signed.status(), StatusCode::OK, "signature {signer}");
        }
        self.get_json(&format!("/api/v1/cases/{case}"), Some(token))
            .await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// `response`, after checking its status is `status`; otherwise panics naming the URL, both
/// statuses and the body. For calls made to set a test up, whose answer would else be dropped.
pub async fn expect_status(response: Response, status: StatusCode) -> Response {
    let got = response.status();
    if got != status {
        let url = response.url().clone();
        let body = response.text().await.unwrap_or_default();
        panic!("{url}: expected {status}, got {got}: {body}");
    }
    response
}

/// The body of a problem response, after checking it is one with `status` and `code`.
pub async fn assert_problem(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body: Value = response.json().await.expect("a problem document");
    assert_eq!(body["status"], status.as_u16(), "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["type"], format!("urn:ipdr:problem:{code}"), "{body}");
    assert_eq!(
        body["request_id"], request_id,
        "the body carries the request id of the header"
    );
    body
}
