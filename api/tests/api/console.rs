//! The web console, driven over HTTP as a browser without JavaScript drives it: cookies, forms,
//! redirects. What it shows and changes is checked against the JSON API and the database.
use reqwest::{StatusCode, header};
use serde_json::json;

use crate::helpers::{ADMIN_PASSWORD, TestApp, USER_PASSWORD, dispute};

/// A browser: a cookie jar, no automatic redirects, a language.
pub struct Browser {
    client: reqwest::Client,
    base: String,
}

impl Browser {
    pub fn new(app: &TestApp, language: &str) -> Self {
        let mut headers = header::HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            header::HeaderValue::from_str(language).unwrap(),
        );
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap();
        Self {
            client,
            base: app.base.clone(),
        }
    }

    pub async fn get(&self, path: &str) -> (StatusCode, header::HeaderMap, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let (status, headers) = (r.status(), r.headers().clone());
        (status, headers, r.text().await.unwrap())
    }

    pub async fn post(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, header::HeaderMap, String) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .unwrap();
        let (status, headers) = (r.status(), r.headers().clone());
        (status, headers, r.text().await.unwrap())
    }

    /// Posts a multipart form (an upload), as a browser sends `enctype="multipart/form-data"`.
    pub async fn post_multipart(
        &self,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> (StatusCode, header::HeaderMap, String) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let (status, headers) = (r.status(), r.headers().clone());
        (status, headers, r.text().await.unwrap())
    }

    /// Posts `body` as it is, with `content_type` (a form a browser could not have sent whole).
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, header::HeaderMap, String) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, headers) = (r.status(), r.headers().clone());
        (status, headers, r.text().await.unwrap())
    }

    /// The raw answer to a GET (a download).
    pub async fn download(&self, path: &str) -> (StatusCode, header::HeaderMap, Vec<u8>) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let (status, headers) = (r.status(), r.headers().clone());
        (status, headers, r.bytes().await.unwrap().to_vec())
    }

    /// Signs in through the form; answers the sign-in's response.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> (StatusCode, header::HeaderMap, String) {
        let (status, _, page) = self.get("/login").await;
        assert_eq!(status, StatusCode::OK);
        let token = hidden(&page, "csrf");
        self.post(
            "/login",
            &[
                ("csrf", &token),
                ("username", username),
                ("password", password),
            ],
        )
        .await
    }
}

/// The value of the first hidden input `name` on `page`.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

pub fn location(headers: &header::HeaderMap) -> &str {
    headers[header::LOCATION].to_str().unwrap()
}

#[tokio::test]
async fn signing_in_begins_a_hardened_server_side_session_and_one_answer_fits_every_bad_login() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app, "zh-CN,zh;q=0.9");

    let (status, headers, page) = browser.get("/login").await;
    assert_eq!(status, StatusCode::OK);
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(
        !csp.contains("script-src"),
        "no script is allowed at all: {csp}"
    );
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        page.contains("<html lang=\"zh-CN\"") && page.contains("用户名"),
        "{page}"
    );
    assert!(!page.contains("<script"), "no script on the page");

    // An unknown user and a wrong password get the same page.
    let (_, _, unknown) = browser.sign_in("ghost", "whatever password").await;
    let (_, _, wrong) = browser.sign_in("admin", "not the password").await;
    let message = "用户名或密码不正确。";
    assert!(unknown.contains(message) && wrong.contains(message));
    assert_eq!(
        unknown
            .replace(&hidden(&unknown, "csrf"), "")
            .replace("ghost", "X"),
        wrong
            .replace(&hidden(&wrong, "csrf"), "")
            .replace("admin", "X"),
    );

    let (status, headers, _) = browser.sign_in("admin", ADMIN_PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/");
    let cookie = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("ipdr_session="))
        .expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP on loopback: {cookie}"
    );
    // Only the token's digest is stored.
    let token = cookie["ipdr_session=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let rows: Vec<String> = app.query_strings("SELECT id FROM console_sessions").await;
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0], token);

    let (status, _, home) = browser.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("我的工作"));

    // Every login was recorded, failures with their reason.
    let logins: Vec<_> = app
        .audit_records()
        .await
        .into_iter()
        .filter(|r| r.action == "login" && r.object == "/login")
        .map(|r| (r.outcome, r.detail))
        .collect();
    assert_eq!(
        logins,
        [
            ("failed".to_owned(), Some("unknown_account".to_owned())),
            ("failed".to_owned(), Some("wrong_password".to_owned())),
            ("succeeded".to_owned(), None),
        ]
    );

    // Signing out ends the session: the old cookie no longer opens a page.
    let csrf = hidden(&home, "csrf");
    let (status, headers, _) = browser.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/login?why=signed_out");
    assert_eq!(
        app.query_strings("SELECT id FROM console_sessions")
            .await
            .len(),
        0
    );
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/", app.base))
        .header(header::COOKIE, format!("ipdr_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_form_without_or_with_a_wrong_csrf_token_changes_nothing_and_the_right_one_acts() {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    let case = app.open_case(&mediator.token, &dispute()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let api = format!("/api/v1/cases/{id}");
    let browser = Browser::new(&app, "en");
    assert_eq!(
        browser.sign_in("mediator1", USER_PASSWORD).await.0,
        StatusCode::SEE_OTHER
    );
    let (status, _, page) = browser.get(&format!("/cases/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    // Submitted: accept, decline, record the answer; nothing else is offered.
    for offered in ["accept_case", "decline_case", "record_consent"] {
        assert!(
            page.contains(&format!("value=\"{offered}\"")),
            "{offered} offered"
        );
    }
    for not_offered in [
        "start_mediation",
        "close_case",
        "fail_mediation",
        "settle_case",
    ] {
        assert!(
            !page.contains(&format!("value=\"{not_offered}\"")),
            "{not_offered} not offered"
        );
    }
    let version = hidden(&page, "version");
    let act = format!("/cases/{id}/act");

    for csrf in ["", "not-the-token"] {
        let (status, _, body) = browser
            .post(
                &act,
                &[
                    ("csrf", csrf),
                    ("version", &version),
                    ("action", "accept_case"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(body.contains("nothing was changed"), "{body}");
    }
    let unchanged = app.get_json(&api, Some(&mediator.token)).await;
    assert_eq!(unchanged["status"], "submitted");
    assert_eq!(unchanged["version"], case["version"]);

    let csrf = hidden(&page, "csrf");
    let (status, headers, _) = browser
        .post(
            &act,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("action", "accept_case"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), format!("/cases/{id}"));
    let accepted = app.get_json(&api, Some(&mediator.token)).await;
    assert_eq!(accepted["status"], "accepted");
    // Recorded as the API's operation, by the mediator, in the change's transaction.
    let record = app
        .audit_records()
        .await
        .into_iter()
        .rfind(|r| r.action == "accept_case")
        .expect("a record");
    assert_eq!(record.actor, Some(format!("account:{}", mediator.id)));
    assert_eq!(record.outcome, "succeeded");

    // The same (now stale) form again: someone changed the case; it is shown as it is now.
    let (status, _, stale) = browser
        .post(
            &act,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("action", "record_consent"),
                ("consent", "given"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        stale.contains("Someone else has just changed this case"),
        "{stale}"
    );
    assert!(stale.contains("Accepted"));
    assert_eq!(
        app.get_json(&api, Some(&mediator.token)).await["consent"],
        "pending"
    );

    // A reason left empty: the error by its field, nothing changed.
    let (_, _, page) = browser.get(&format!("/cases/{id}")).await;
    let version = hidden(&page, "version");
    let (status, _, invalid) = browser
        .post(
            &act,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("action", "record_consent"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        invalid.contains("There is a problem") && invalid.contains("href=\"#consent\""),
        "{invalid}"
    );
    assert_eq!(
        app.get_json(&api, Some(&mediator.token)).await["version"],
        accepted["version"]
    );
}

#[tokio::test]
async fn a_party_name_with_markup_is_shown_as_text_and_another_committee_gets_not_found() {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    app.create_user("mediator2", "mediator").await;
    let mut dispute = dispute();
    dispute["parties"][1]["name"] = json!("<script>alert(1)</script>张三");
    let case = app.open_case(&mediator.token, &dispute).await;
    let id = case["id"].as_str().unwrap().to_owned();

    let own = Browser::new(&app, "zh-CN");
    own.sign_in("mediator1", USER_PASSWORD).await;
    let (status, _, page) = own.get(&format!("/cases/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;张三"),
        "{page}"
    );
    assert!(!page.contains("<script>"), "the name ran as markup");

    let other = Browser::new(&app, "zh-CN");
    other.sign_in("mediator2", USER_PASSWORD).await;
    let (status, headers, page) = other.get(&format!("/cases/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        page.contains("找不到页面") && !page.contains("张三"),
        "{page}"
    );
    // Nor can it act on it.
    let csrf = hidden(&page, "csrf");
    let (status, _, _) = other
        .post(
            &format!("/cases/{id}/act"),
            &[("csrf", &csrf), ("version", "1"), ("action", "accept_case")],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get_json(&format!("/api/v1/cases/{id}"), Some(&mediator.token))
            .await["status"],
        "submitted"
    );
}

#[tokio::test]
async fn a_disabled_accounts_open_session_is_signed_out_on_its_next_click() {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    let browser = Browser::new(&app, "zh-CN");
    browser.sign_in("mediator1", USER_PASSWORD).await;
    assert_eq!(browser.get("/cases").await.0, StatusCode::OK);

    let admin = app.admin_token().await;
    let disabled = app
        .post(
            &format!("/api/v1/accounts/{}/disable", mediator.id),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(disabled.status(), StatusCode::OK);

    let (status, headers, _) = browser.get("/cases").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/login");
    assert_eq!(
        app.query_strings("SELECT id FROM console_sessions")
            .await
            .len(),
        0
    );
}

#[tokio::test]
async fn the_console_speaks_chinese_by_default_and_english_when_asked() {
    let app = TestApp::spawn().await;
    let (_, _, zh) = Browser::new(&app, "fr-FR").get("/login").await;
    assert!(zh.contains("<html lang=\"zh-CN\"") && zh.contains("登录"));
    let english = Browser::new(&app, "en-GB,en;q=0.9");
    let (_, _, en) = english.get("/login").await;
    assert!(en.contains("<html lang=\"en\"") && en.contains("Sign in") && !en.contains("登录"));

    // Switched after signing in, the choice sticks to the session.
    let browser = Browser::new(&app, "zh-CN");
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    let (_, _, home) = browser.get("/").await;
    let csrf = hidden(&home, "csrf");
    let (status, headers, _) = browser
        .post(
            "/language",
            &[("csrf", &csrf), ("lang", "en"), ("back", "/cases")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/cases");
    let (_, _, home) = browser.get("/").await;
    assert!(home.contains("My work"), "{home}");
    // A switch never sends anyone to another site.
    let (_, headers, _) = browser
        .post(
            "/language",
            &[
                ("csrf", &csrf),
                ("lang", "zh-CN"),
                ("back", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(location(&headers), "/");
}

#[tokio::test]
async fn a_mediator_takes_in_a_dispute_through_the_form_with_every_fault_named_and_the_input_kept()
{
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    let browser = Browser::new(&app, "zh-CN");
    browser.sign_in("mediator1", USER_PASSWORD).await;
    let (status, _, page) = browser.get("/cases/new").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = hidden(&page, "csrf");
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("track", "people"),
        ("ip_type", "invention_patent"),
        ("right", "201080063196.9"),
        ("right_title", "一种通信方法"),
        ("claims", "停止侵权\n赔偿损失人民币10万元"),
        ("amount", "100000"),
        ("city", "大连"),
        ("p0_kind", "organization"),
        ("p0_name", "华为技术有限公司"),
        ("p0_credit_code", "914403001922038216"),
        ("p1_kind", "person"),
        ("p1_name", ""),
        ("p1_id_type", "resident_id"),
        ("p1_id_number", "110105194912310021"),
    ];

    let (status, _, invalid) = browser.post("/cases/new", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(invalid.contains("存在问题"), "an error summary");
    for field in ["parties-1-name", "parties-1-id-number"] {
        assert!(
            invalid.contains(&format!("href=\"#{field}\"")),
            "{field} in the summary: {invalid}"
        );
        assert!(
            invalid.contains(&format!("id=\"{field}-error\"")),
            "{field} has its message"
        );
    }
    assert!(
        invalid.contains("value=\"201080063196.9\"") && invalid.contains("华为技术有限公司"),
        "input kept"
    );
    let count = "SELECT CAST(COUNT(*) AS TEXT) FROM cases";
    assert_eq!(app.query_strings(count).await, ["0"], "nothing stored");

    form[12] = ("p1_name", "张三");
    form[14] = ("p1_id_number", "11010519491231002X");
    let (status, headers, _) = browser.post("/cases/new", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
    let path = location(&headers).to_owned();
    let id = path.strip_prefix("/cases/").unwrap();
    let case = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&mediator.token))
        .await;
    assert_eq!(case["status"], "submitted");
    assert_eq!(case["parties"][1]["name"], "张三");
    assert_eq!(case["amount_fen"], 10_000_000);
    assert_eq!(app.query_strings(count).await, ["1"]);
    let record = app
        .audit_records()
        .await
        .into_iter()
        .rfind(|r| r.action == "open_case")
        .unwrap();
    assert_eq!(record.actor, Some(format!("account:{}", mediator.id)));
    assert_eq!(record.object, format!("/api/v1/cases/{id}"));
    let (status, _, shown) = browser.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        shown.contains("张三") && shown.contains("已提交"),
        "{shown}"
    );

    // An administrator may not open cases: no form for them.
    let admin = Browser::new(&app, "zh-CN");
    admin.sign_in("admin", ADMIN_PASSWORD).await;
    assert_eq!(admin.get("/cases/new").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_mediator_runs_a_submitted_dispute_to_a_settled_agreement_in_the_console_only() {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    let case = app.open_case(&mediator.token, &dispute()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let page_path = format!("/cases/{id}");
    let browser = Browser::new(&app, "en");
    browser.sign_in("mediator1", USER_PASSWORD).await;

    // Each step is a form of the page as it is now; each answers 303 back to the case.
    let step = async |path: &str, fields: &[(&str, &str)]| {
        let (_, _, page) = browser.get(&page_path).await;
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
        let mut form = vec![("csrf", csrf.as_str()), ("version", version.as_str())];
        form.extend_from_slice(fields);
        let (status, _, body) = browser.post(&format!("/cases/{id}{path}"), &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path} {fields:?}: {body}");
    };
    step("/act", &[("action", "accept_case")]).await;
    step(
        "/act",
        &[("action", "record_consent"), ("consent", "given")],
    )
    .await;
    step("/act", &[("action", "start_mediation")]).await;
    let (_, _, page) = browser.get(&page_path).await;
    assert!(page.contains("Record the agreement") && !page.contains("Record a signature"));
    step(
        "/agreement",
        &[
            ("text", "甲方停止销售侵权产品，并于30日内支付10万元。"),
            ("terms", "停止销售\n支付10万元"),
        ],
    )
    .await;
    let (_, _, page) = browser.get(&page_path).await;
    for signer in ["party-1", "party-2", "mediator"] {
        assert!(
            page.contains(&format!("value=\"{signer}\"")),
            "{signer} may sign"
        );
    }
    step("/signatures", &[("signer", "party-1"), ("method", "seal")]).await;
    // Signed once, the text is frozen: its form is no longer offered (R6).
    let (_, _, page) = browser.get(&page_path).await;
    assert!(!page.contains("Record the agreement") && !page.contains("value=\"party-1\""));
    step(
        "/signatures",
        &[("signer", "party-2"), ("method", "fingerprint")],
    )
    .await;
    step(
        "/signatures",
        &[("signer", "mediator"), ("method", "signature")],
    )
    .await;

    let settled = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&mediator.token))
        .await;
    assert_eq!(settled["status"], "settled");
    let (_, _, page) = browser.get(&page_path).await;
    assert!(
        page.contains("The agreement is in effect") && page.contains("Settled"),
        "{page}"
    );
    assert!(!page.contains("Record a signature"));
    // R8: the 30-day window to apply for confirmation is on the page with what is left of it.
    assert!(page.contains("R8"), "{page}");
    let operations: Vec<_> = app
        .audit_records()
        .await
        .into_iter()
        .filter(|r| r.actor == Some(format!("account:{}", mediator.id)))
        .filter(|r| r.outcome == "succeeded" && r.action != "login")
        .map(|r| r.action)
        .collect();
    assert_eq!(
        operations,
        [
            "open_case",
            "accept_case",
            "record_consent",
            "start_mediation",
            "record_settlement_agreement",
            "sign_settlement_agreement",
            "sign_settlement_agreement",
            "sign_settlement_agreement"
        ]
    );
}

#[tokio::test]
async fn the_mediator_applies_for_confirmation_and_the_court_accepts_and_confirms_in_the_console() {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    let court_id = app.dalian_court().await;
    app.create_user_in("judge1", "court", &court_id).await;
    app.create_user("judge2", "court").await;
    let case = app.case_in_mediation(&mediator.token).await;
    let id = case["id"].as_str().unwrap().to_owned();
    assert_eq!(app.settle(&mediator.token, &id).await["status"], "settled");

    let desk = Browser::new(&app, "en");
    desk.sign_in("mediator1", USER_PASSWORD).await;
    let (_, _, page) = desk.get(&format!("/cases/{id}")).await;
    assert!(
        page.contains(&format!("option value=\"{court_id}\"")),
        "the eligible court is offered"
    );
    let csrf = hidden(&page, "csrf");
    let (status, headers, body) = desk
        .post(
            &format!("/cases/{id}/confirmation"),
            &[
                ("csrf", &csrf),
                ("court", &court_id),
                ("consent_1", "on"),
                ("consent_2", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let application_path = location(&headers).to_owned();

    let judge = Browser::new(&app, "en");
    judge.sign_in("judge1", USER_PASSWORD).await;
    let (_, _, inbox) = judge.get("/applications").await;
    assert!(
        inbox.contains(&application_path),
        "in the court's inbox: {inbox}"
    );
    // My work lists it as waiting for the court's decision, and the mediator's does not.
    let (_, _, home) = judge.get("/").await;
    assert!(
        home.contains("Confirmation applications waiting for my decision")
            && home.contains(&application_path),
        "{home}"
    );
    let (_, _, home) = desk.get("/").await;
    assert!(!home.contains("waiting for my decision"), "{home}");
    let (_, _, page) = judge.get(&application_path).await;
    assert!(
        page.contains("value=\"accept_application\"")
            && page.contains("value=\"refuse_acceptance\"")
    );
    assert!(
        !page.contains("value=\"confirm_agreement\""),
        "not before acceptance"
    );
    assert!(page.contains("The agreement under review"));
    let decide = format!("{application_path}/decide");
    let csrf = hidden(&page, "csrf");
    let version = hidden(&page, "version");
    let (status, _, _) = judge
        .post(
            &decide,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("decision", "accept_application"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = judge.get(&application_path).await;
    assert!(
        page.contains("value=\"confirm_agreement\"")
            && page.contains("value=\"refuse_confirmation\"")
    );
    let version = hidden(&page, "version");
    // A refusal must name its R13 ground; a ruling needs its number and date.
    let (status, _, invalid) = judge
        .post(
            &decide,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("decision", "confirm_agreement"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        invalid.contains("href=\"#ruling_number\"") && invalid.contains("href=\"#ruling_date\"")
    );
    let date = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive()
        .to_string();
    let (status, _, body) = judge
        .post(
            &decide,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("decision", "confirm_agreement"),
                ("ruling_number", "(2026)辽02民特1号"),
                ("ruling_date", &date),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let confirmed = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&mediator.token))
        .await;
    assert_eq!(confirmed["enforceable"], true, "{confirmed}");
    let (_, _, page) = judge.get(&application_path).await;
    assert!(page.contains("Confirmed") && page.contains("(2026)辽02民特1号"));
    // Decided: nothing waits for the court any more.
    let (_, _, home) = judge.get("/").await;
    assert!(!home.contains(&application_path), "{home}");

    // Another court sees nothing of it.
    let other = Browser::new(&app, "en");
    other.sign_in("judge2", USER_PASSWORD).await;
    assert_eq!(other.get(&application_path).await.0, StatusCode::NOT_FOUND);
    let (_, _, inbox) = other.get("/applications").await;
    assert!(!inbox.contains(&application_path));
}

#[tokio::test]
async fn the_first_administrator_creates_a_committee_and_a_mediator_who_can_then_sign_in() {
    let app = TestApp::spawn().await;
    let admin = Browser::new(&app, "en");
    admin.sign_in("admin", ADMIN_PASSWORD).await;
    let (status, _, page) = admin.get("/admin").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = hidden(&page, "csrf");
    let committee = [
        ("csrf", csrf.as_str()),
        ("code", "DLIPMC"),
        ("name", "大连市知识产权纠纷人民调解委员会"),
        ("kind", "mediation_committee"),
        ("city", "大连"),
    ];
    let (status, headers, _) = admin.post("/admin/organizations", &committee).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/admin");
    // The same code again: the field says so and the input is kept; nothing more is stored.
    let (status, _, taken) = admin.post("/admin/organizations", &committee).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Code and name are both taken; the database names the first it checks.
    assert!(
        taken.contains("href=\"#code\"") || taken.contains("href=\"#name\""),
        "{taken}"
    );
    assert!(taken.contains(" is taken.") && taken.contains("value=\"DLIPMC\""));
    let orgs = app
        .get_json("/api/v1/organizations", Some(&app.admin_token().await))
        .await;
    let committees: Vec<_> = orgs["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["code"] == "DLIPMC")
        .collect();
    assert_eq!(committees.len(), 1);
    let committee_id = committees[0]["id"].as_str().unwrap().to_owned();

    let (_, _, page) = admin.get("/admin").await;
    assert!(page.contains(&format!("option value=\"{committee_id}\"")));
    let (status, _, _) = admin
        .post(
            "/admin/accounts",
            &[
                ("csrf", &csrf),
                ("username", "wang.mediator"),
                ("display_name", "王调解员"),
                ("role", "mediator"),
                ("organization_id", &committee_id),
                ("password", "a long first password"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let mediator = Browser::new(&app, "zh-CN");
    let (status, headers, _) = mediator
        .sign_in("wang.mediator", "a long first password")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/");
    assert_eq!(mediator.get("/cases/new").await.0, StatusCode::OK);
    // Administration is the administrators'.
    assert_eq!(mediator.get("/admin").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sessions_end_after_thirty_idle_minutes_and_the_sweep_removes_only_those() {
    let app = TestApp::spawn().await;
    app.create_user("mediator1", "mediator").await;
    let idle = Browser::new(&app, "en");
    idle.sign_in("mediator1", USER_PASSWORD).await;
    let start = chrono::Utc::now();
    app.clock.set(start + chrono::Duration::minutes(20));
    let busy = Browser::new(&app, "en");
    busy.sign_in("admin", ADMIN_PASSWORD).await;
    assert_eq!(
        app.query_strings("SELECT id FROM console_sessions")
            .await
            .len(),
        2
    );

    // 31 minutes after the first sign-in: the idle one is over, the other is 11 minutes old.
    app.clock.set(start + chrono::Duration::minutes(31));
    let removed = ipdr_api::service::sessions::remove_expired(&app.state)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert_eq!(
        app.query_strings("SELECT id FROM console_sessions")
            .await
            .len(),
        1
    );
    let (status, headers, _) = idle.get("/").await;
    assert_eq!(
        (status, location(&headers)),
        (StatusCode::SEE_OTHER, "/login")
    );
    assert_eq!(busy.get("/").await.0, StatusCode::OK);
}
