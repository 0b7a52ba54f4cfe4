//! The console in a real browser: Debian's Chromium, headless, driven through ChromeDriver
//! (WebDriver), against a real server per test. Each page is checked by axe-core for serious
//! and critical accessibility violations, and the main pages are photographed in both
//! languages into `docs/screenshots/`. Run by `.ci/browser`, which installs what it needs.
#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
#[path = "../api/nodes.rs"]
mod nodes;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use helpers::{TestApp, USER_PASSWORD, dispute};

/// ChromeDriver on a free port, and a headless Chromium session through it.
struct Browser {
    client: Client,
    _driver: tokio::process::Child,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    async fn start(language: &str) -> Self {
        // WebDriver is spoken over plain HTTP on loopback; the TLS stack still wants a provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let port = free_port();
        let driver = tokio::process::Command::new(
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()),
        )
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver (apt-get install chromium-driver; .ci/browser does)");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,1100", format!("--lang={language}")],
                "prefs": { "intl.accept_languages": language },
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if let Ok(client) = ClientBuilder::rustls()
                .unwrap()
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                return Self {
                    client,
                    _driver: driver,
                };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not start");
    }

    async fn sign_in(&self, base: &str, username: &str, password: &str) {
        let c = &self.client;
        c.goto(&format!("{base}/login")).await.unwrap();
        c.find(Locator::Id("username"))
            .await
            .unwrap()
            .send_keys(username)
            .await
            .unwrap();
        c.find(Locator::Id("password"))
            .await
            .unwrap()
            .send_keys(password)
            .await
            .unwrap();
        c.find(Locator::Css("main button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.wait_for_path("/").await;
    }

    async fn wait_for_path(&self, path: &str) {
        for _ in 0..100 {
            if self.client.current_url().await.unwrap().path() == path {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "never reached {path}: at {}",
            self.client.current_url().await.unwrap()
        );
    }

    /// Waits until the element `css` reads `expected` (a page being replaced is retried).
    async fn wait_for_text(&self, css: &str, expected: &str) {
        self.wait_until(css, |text| text == expected, expected)
            .await;
    }

    /// Waits until the element `css` exists and its text contains `needle`.
    async fn wait_for_text_containing(&self, css: &str, needle: &str) {
        self.wait_until(css, |text| text.contains(needle), needle)
            .await;
    }

    async fn wait_until(&self, css: &str, holds: impl Fn(&str) -> bool, what: &str) {
        let mut seen = String::new();
        for _ in 0..200 {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
            {
                if holds(&text) {
                    return;
                }
                seen = text;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let url = self.client.current_url().await.map(|u| u.to_string());
        let main = self.main_text().await;
        panic!("{css} never showed {what:?}; last {seen:?} at {url:?}: {main}");
    }

    /// Fills the form found by `xpath` (opening the `<details>` around it) and submits it:
    /// each `(name, value)` is typed into a text field, chosen in a select, or ticked as the
    /// radio button or checkbox of that value — as a person would, keyboard or mouse.
    async fn submit(&self, xpath: &str, fields: &[(&str, &str)]) {
        let form = self
            .client
            .find(Locator::XPath(xpath))
            .await
            .unwrap_or_else(|e| panic!("no form {xpath}: {e}"));
        if let Ok(details) = form.find(Locator::XPath("./ancestor::details")).await
            && details.attr("open").await.unwrap().is_none()
        {
            details
                .find(Locator::Css("summary"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
        }
        for (name, value) in fields {
            let field = form
                .find(Locator::XPath(&format!(".//*[@name='{name}']")))
                .await
                .unwrap_or_else(|e| panic!("no field {name} in {xpath}: {e}"));
            let tag = field.tag_name().await.unwrap();
            let kind = field.attr("type").await.unwrap().unwrap_or_default();
            if tag == "select" {
                field
                    .find(Locator::XPath(&format!("./option[@value='{value}']")))
                    .await
                    .unwrap_or_else(|e| panic!("no option {value} of {name}: {e}"))
                    .click()
                    .await
                    .unwrap();
            } else if kind == "radio" || kind == "checkbox" {
                form.find(Locator::XPath(&format!(
                    ".//input[@name='{name}' and @value='{value}']"
                )))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            } else {
                field.clear().await.unwrap();
                field.send_keys(value).await.unwrap();
            }
        }
        form.find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    async fn goto(&self, base: &str, path: &str) {
        self.client.goto(&format!("{base}{path}")).await.unwrap();
    }

    async fn main_text(&self) -> String {
        self.client
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// axe-core's serious and critical violations on the current page.
    async fn accessibility_violations(&self) -> Vec<String> {
        let axe =
            std::fs::read_to_string(axe_path()).expect("axe.min.js (.ci/browser installs it)");
        self.client.execute(&axe, vec![]).await.unwrap();
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                    .then(r => done(r.violations
                        .filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
                    .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(found).unwrap()
    }

    /// Checks the page with axe-core and photographs it as `docs/screenshots/<name>.png`.
    async fn check_and_photograph(&self, name: &str) {
        let violations = self.accessibility_violations().await;
        assert!(violations.is_empty(), "{name}: {violations:#?}");
        let png = self.client.screenshot().await.unwrap();
        let path = screenshots().join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
    }
}

fn axe_path() -> PathBuf {
    std::env::var("AXE_CORE").map_or_else(
        |_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../target/axe/node_modules/axe-core/axe.min.js")
        },
        PathBuf::from,
    )
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Opens the `<details>` of the action named `summary` on the case page and submits it.
async fn take_action(browser: &Browser, action: &str) {
    let c = &browser.client;
    let form = c
        .find(Locator::XPath(&format!(
            "//form[input[@name='action' and @value='{action}']]"
        )))
        .await
        .unwrap();
    let details = form
        .find(Locator::XPath("./ancestor::details"))
        .await
        .unwrap();
    if details.attr("open").await.unwrap().is_none() {
        details
            .find(Locator::Css("summary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    form.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_mediator_works_a_case_in_chromium_and_a_party_name_with_script_runs_nothing() {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    let mut case: Value = dispute();
    case["parties"][1]["name"] = json!("<script>window.__xss = 1</script>张三");
    let opened = app.open_case(&mediator.token, &case).await;
    let id = opened["id"].as_str().unwrap().to_owned();

    let browser = Browser::start("zh-CN").await;
    browser.sign_in(&app.base, "mediator1", USER_PASSWORD).await;
    assert!(browser.main_text().await.contains("分配给我的案件"));
    browser.check_and_photograph("home.zh-CN").await;

    let c = &browser.client;
    c.goto(&app.url("/cases")).await.unwrap();
    browser.check_and_photograph("cases.zh-CN").await;
    c.goto(&app.url(&format!("/cases/{id}"))).await.unwrap();
    let text = browser.main_text().await;
    assert!(
        text.contains("<script>window.__xss = 1</script>张三"),
        "shown as text: {text}"
    );
    let ran = c
        .execute("return window.__xss === undefined", vec![])
        .await
        .unwrap();
    assert_eq!(ran, json!(true), "the party's name ran as script");
    browser.check_and_photograph("case.zh-CN").await;

    // Keyboard and mouse alike: accept the case through its form. The answer comes back to the
    // same address, so wait for the new page's content, not for the URL.
    take_action(&browser, "accept_case").await;
    browser.wait_for_text("#case-status", "已受理").await;
    let api = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&mediator.token))
        .await;
    assert_eq!(api["status"], "accepted");

    // The same pages in English, after the switch in the header.
    c.find(Locator::Css("header form[action='/language'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_text("#case-status", "Accepted").await;
    browser.check_and_photograph("case.en").await;
    c.goto(&app.url("/")).await.unwrap();
    browser.check_and_photograph("home.en").await;
    c.goto(&app.url("/cases")).await.unwrap();
    browser.check_and_photograph("cases.en").await;
    c.goto(&app.url("/cases/new")).await.unwrap();
    browser.check_and_photograph("intake.en").await;
}

#[tokio::test]
async fn the_sign_in_page_is_accessible_in_both_languages() {
    let app = TestApp::spawn().await;
    for language in ["zh-CN", "en"] {
        let browser = Browser::start(language).await;
        browser.client.goto(&app.url("/login")).await.unwrap();
        let lang = browser
            .client
            .find(Locator::Css("html"))
            .await
            .unwrap()
            .attr("lang")
            .await
            .unwrap();
        assert_eq!(lang.as_deref(), Some(language));
        browser
            .check_and_photograph(&format!("login.{language}"))
            .await;
        // A wrong password: the message is announced and the name kept.
        browser
            .client
            .find(Locator::Id("username"))
            .await
            .unwrap()
            .send_keys("admin")
            .await
            .unwrap();
        browser
            .client
            .find(Locator::Id("password"))
            .await
            .unwrap()
            .send_keys("wrong password")
            .await
            .unwrap();
        browser
            .client
            .find(Locator::Css("main button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let message = if language == "en" {
            "not right"
        } else {
            "不正确"
        };
        browser
            .wait_for_text_containing("[role=alert]", message)
            .await;
        browser.client.close().await.unwrap();
    }
}

/// The court that may confirm the agreements of 大连's committees about patents, and its judge.
async fn dalian_court(app: &TestApp) -> String {
    let admin = app.admin_token().await;
    let court = app
        .create_organization("DLMID", "court", Some("intermediate"))
        .await;
    let id = court["id"].as_str().unwrap().to_owned();
    let set = app
        .put(
            &format!("/api/v1/organizations/{id}/jurisdiction"),
            &admin,
            &json!({ "areas": ["大连"], "ip_types": ["invention_patent"] }),
        )
        .await;
    assert_eq!(set.status(), reqwest::StatusCode::OK);
    app.create_user_in("judge1", "court", &id).await;
    id
}

fn today_in_china() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8))
        .date_naive()
        .to_string()
}

#[tokio::test]
async fn a_dispute_goes_from_intake_to_a_confirmed_settlement_and_a_conflicted_investigator_is_not_offered()
 {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    dalian_court(&app).await;
    // An investigator who declared a conflict with the applicant, and one who did not.
    let admin = app.admin_token().await;
    for (name, conflicted) in [("wangwu", false), ("lisi", true)] {
        let user = app.create_user(name, "investigator").await;
        let profile = json!({
            "account_id": user.id, "fields": ["communications"], "affiliation": "court",
            "contributed_by": user.organization_id, "max_assignments": 3,
        });
        let r = app
            .post("/api/v1/investigators", Some(&admin), Some(&profile))
            .await;
        assert_eq!(r.status(), reqwest::StatusCode::CREATED);
        if conflicted {
            let conflict = json!({ "kind": "organization", "value": "华为技术有限公司", "relationship": "前雇主" });
            let r = app
                .post(
                    "/api/v1/investigators/me/conflicts",
                    Some(&user.token),
                    Some(&conflict),
                )
                .await;
            assert_eq!(r.status(), reqwest::StatusCode::CREATED);
        }
    }

    let browser = Browser::start("en").await;
    let base = app.base.clone();
    browser.sign_in(&base, "mediator1", USER_PASSWORD).await;

    // Intake: every field typed into the form.
    browser.goto(&base, "/cases/new").await;
    browser
        .submit(
            "//form[@action='/cases/new']",
            &[
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
                ("p1_name", "张三"),
                ("p1_id_type", "resident_id"),
                ("p1_id_number", "11010519491231002X"),
            ],
        )
        .await;
    browser.wait_for_text("#case-status", "Submitted").await;
    let url = browser.client.current_url().await.unwrap();
    let id = url.path().trim_start_matches("/cases/").to_owned();
    let case = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&mediator.token))
        .await;
    assert_eq!(case["parties"][1]["name"], "张三");

    take_action(&browser, "accept_case").await;
    browser.wait_for_text("#case-status", "Accepted").await;
    browser
        .submit(
            "//form[input[@name='action' and @value='record_consent']]",
            &[("consent", "given")],
        )
        .await;
    // Consent given, mediation may start (R2).
    browser
        .wait_for_text_containing(".actions", "Start mediation")
        .await;
    take_action(&browser, "start_mediation").await;
    browser.wait_for_text("#case-status", "In mediation").await;

    // The proposal: Wang offered, Li set apart with the reason and never selectable.
    browser
        .goto(
            &base,
            &format!("/cases/{id}/investigators?field=communications"),
        )
        .await;
    let offered = browser
        .client
        .find_all(Locator::Css("input[name=investigator_id]"))
        .await
        .unwrap();
    assert_eq!(offered.len(), 1, "only the investigator without a conflict");
    browser
        .wait_for_text_containing("#excluded", "Declared a conflict with a party")
        .await;
    assert!(
        browser
            .client
            .find(Locator::Css("#excluded"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("lisi")
    );
    browser.check_and_photograph("investigators.en").await;

    // The agreement, recorded and signed by both parties and the mediator (R6, R7).
    browser.goto(&base, &format!("/cases/{id}")).await;
    browser
        .submit(
            &format!("//form[@action='/cases/{id}/agreement']"),
            &[
                ("text", "甲方停止销售侵权产品，并于30日内支付10万元。"),
                ("terms", "停止销售\n支付10万元"),
            ],
        )
        .await;
    for (signer, method) in [
        ("party-1", "seal"),
        ("party-2", "fingerprint"),
        ("mediator", "signature"),
    ] {
        browser
            .wait_until(
                "main",
                |t| t.contains("Record a signature") || t.contains("in effect"),
                "the signature form",
            )
            .await;
        browser
            .submit(
                &format!("//form[@action='/cases/{id}/signatures']"),
                &[("signer", signer), ("method", method)],
            )
            .await;
    }
    browser.wait_for_text("#case-status", "Settled").await;
    browser.check_and_photograph("agreement.en").await;

    // The joint application to the court (R8, R9).
    browser
        .submit(
            &format!("//form[@action='/cases/{id}/confirmation']"),
            &[("consent_1", "on"), ("consent_2", "on")],
        )
        .await;
    browser
        .wait_for_text("#application-status", "Submitted")
        .await;

    // The judge accepts and confirms it with the ruling's number and date (R10).
    let judge = Browser::start("zh-CN").await;
    judge.sign_in(&base, "judge1", USER_PASSWORD).await;
    judge.goto(&base, "/applications").await;
    judge.check_and_photograph("applications.zh-CN").await;
    judge
        .client
        .find(Locator::Css("main a[href^='/applications/']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    judge.wait_for_text("#application-status", "已提交").await;
    judge.check_and_photograph("application.zh-CN").await;
    judge
        .submit(
            "//form[input[@name='decision' and @value='accept_application']]",
            &[],
        )
        .await;
    judge.wait_for_text("#application-status", "已受理").await;
    judge
        .submit(
            "//form[input[@name='decision' and @value='confirm_agreement']]",
            &[
                ("ruling_number", "(2026)辽02民特1号"),
                ("ruling_date", &today_in_china()),
            ],
        )
        .await;
    judge.wait_for_text("#application-status", "已确认").await;
    let confirmed = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&mediator.token))
        .await;
    assert_eq!(confirmed["enforceable"], true, "{confirmed}");
}

#[tokio::test]
async fn the_auditor_sees_masked_data_and_another_committee_gets_not_found_in_chromium() {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    app.create_user_in("auditor1", "auditor", &mediator.organization_id)
        .await;
    app.create_user("mediator2", "mediator").await;
    let case = app.case_in_mediation(&mediator.token).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let base = app.base.clone();

    let auditor = Browser::start("en").await;
    auditor.sign_in(&base, "auditor1", USER_PASSWORD).await;
    auditor.goto(&base, &format!("/cases/{id}")).await;
    auditor
        .wait_for_text_containing("main", "Personal data is hidden for your role.")
        .await;
    let text = auditor.main_text().await;
    assert!(text.contains("张三"), "names are shown: {text}");
    for secret in [
        "11010519491231002X",
        "13800138000",
        "0755-28780808",
        "大连市中山区人民路1号",
    ] {
        assert!(!text.contains(secret), "{secret} is masked: {text}");
    }
    let source = auditor.client.source().await.unwrap();
    assert!(
        !source.contains("11010519491231002X"),
        "not even in the markup"
    );
    auditor.check_and_photograph("case-masked.en").await;
    auditor.goto(&base, "/audit?verify=1").await;
    auditor
        .wait_for_text_containing("#chain-status", "Intact")
        .await;
    auditor.check_and_photograph("audit.en").await;

    let other = Browser::start("zh-CN").await;
    other.sign_in(&base, "mediator2", USER_PASSWORD).await;
    other.goto(&base, &format!("/cases/{id}")).await;
    other.wait_for_text("main h1", "找不到页面").await;
    assert!(!other.main_text().await.contains("张三"));
}

#[tokio::test]
async fn a_forged_form_changes_nothing_and_a_disabled_accounts_session_ends_on_its_next_click() {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    let case = app.open_case(&mediator.token, &dispute()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let base = app.base.clone();
    let browser = Browser::start("en").await;
    browser.sign_in(&base, "mediator1", USER_PASSWORD).await;
    browser.goto(&base, &format!("/cases/{id}")).await;

    // A page elsewhere could only post without this session's token: forge it in the form.
    browser
        .client
        .execute(
            "document.querySelectorAll('input[name=csrf]').forEach(i => i.value = 'forged');",
            vec![],
        )
        .await
        .unwrap();
    take_action(&browser, "accept_case").await;
    browser
        .wait_for_text("main h1", "The request could not be completed")
        .await;
    let unchanged = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&mediator.token))
        .await;
    assert_eq!(unchanged["status"], "submitted");
    assert_eq!(unchanged["version"], case["version"]);

    // The administrator disables the account: the next click lands on the sign-in page.
    browser.goto(&base, "/cases").await;
    let admin = app.admin_token().await;
    let disabled = app
        .post(
            &format!("/api/v1/accounts/{}/disable", mediator.id),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(disabled.status(), reqwest::StatusCode::OK);
    browser
        .client
        .find(Locator::Css(&format!("main a[href='/cases/{id}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_path("/login").await;
    assert!(browser.client.find(Locator::Id("password")).await.is_ok());
}

/// A liaison officer's console on `node`, signed in.
async fn liaison_desk(node: &nodes::Node, language: &str) -> Browser {
    let browser = Browser::start(language).await;
    browser
        .sign_in(&node.base(), &format!("{}.liaison", node.id), USER_PASSWORD)
        .await;
    browser
}

#[tokio::test]
async fn dalian_sends_a_referral_that_weihai_acknowledges_and_accepts_and_dalian_sees_it() {
    let (dalian, weihai) = nodes::dalian_and_weihai().await;
    let at_dalian = liaison_desk(&dalian, "zh-CN").await;
    at_dalian
        .goto(
            &dalian.base(),
            &format!("/referrals/new?agreement={}", dalian.agreement),
        )
        .await;
    // The form offers only what the agreement covers (geographical indications).
    let ip_types: Vec<String> = {
        let mut values = Vec::new();
        for option in at_dalian
            .client
            .find_all(Locator::Css("select#ip_type option"))
            .await
            .unwrap()
        {
            values.push(option.attr("value").await.unwrap().unwrap_or_default());
        }
        values
    };
    assert!(
        ip_types.contains(&"geographical_indication".to_owned()),
        "{ip_types:?}"
    );
    assert!(
        !ip_types.contains(&"invention_patent".to_owned()),
        "{ip_types:?}"
    );
    at_dalian.check_and_photograph("referral-new.zh-CN").await;
    at_dalian
        .submit(
            "//form[@action='/referrals']",
            &[
                ("kind", "case_transfer"),
                ("ip_type", "geographical_indication"),
                ("right_identifier", "大连苹果"),
                ("summary", "假冒“大连苹果”地理标志的苹果在威海销售"),
                ("parties[0].side", "applicant"),
                ("parties[0].kind", "organization"),
                ("parties[0].name", "大连市苹果协会"),
                ("parties[1].side", "respondent"),
                ("parties[1].kind", "organization"),
                ("parties[1].name", "威海某果品商行"),
            ],
        )
        .await;
    at_dalian.wait_for_text("#referral-status", "已发出").await;
    let url = at_dalian.client.current_url().await.unwrap();
    let id = url.path().trim_start_matches("/referrals/").to_owned();

    // Weihai's liaison officer finds it in the list (the message crosses within seconds).
    let at_weihai = liaison_desk(&weihai, "en").await;
    let mut found = false;
    for _ in 0..100 {
        at_weihai
            .goto(&weihai.base(), "/referrals?direction=incoming")
            .await;
        if at_weihai
            .client
            .find(Locator::Css(&format!("a[href='/referrals/{id}']")))
            .await
            .is_ok()
        {
            found = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(found, "the referral reached Weihai");
    at_weihai.check_and_photograph("referrals.en").await;
    // Weihai's My work lists it as waiting for an answer; Dalian's, where nothing is owed
    // until Weihai answers, does not.
    at_weihai.goto(&weihai.base(), "/").await;
    at_weihai
        .wait_for_text_containing("main", "Referrals waiting for my answer")
        .await;
    assert!(
        at_weihai
            .client
            .find(Locator::Css(&format!("a[href='/referrals/{id}']")))
            .await
            .is_ok(),
        "on Weihai's My work"
    );
    at_dalian.goto(&dalian.base(), "/").await;
    at_dalian.wait_for_text("h1", "我的工作").await;
    assert!(
        at_dalian
            .client
            .find(Locator::Css(&format!("a[href='/referrals/{id}']")))
            .await
            .is_err(),
        "not on Dalian's My work"
    );
    at_weihai
        .goto(&weihai.base(), &format!("/referrals/{id}"))
        .await;
    at_weihai.wait_for_text("#referral-status", "Sent").await;
    at_weihai
        .submit("//form[input[@name='step' and @value='acknowledged']]", &[])
        .await;
    at_weihai
        .wait_for_text("#referral-status", "Acknowledged")
        .await;
    at_weihai.check_and_photograph("referral.en").await;
    at_weihai
        .submit(
            "//form[input[@name='step' and @value='accepted']]",
            &[("open_in", &weihai.mediation_org), ("track", "people")],
        )
        .await;
    at_weihai
        .wait_for_text("#referral-status", "Accepted")
        .await;
    // Accepting opened a case in Weihai's committee, linked from the referral.
    at_weihai
        .wait_for_text_containing("main", "Open the case")
        .await;

    // Dalian's page shows it, once Weihai's answers have crossed back.
    let mut status = String::new();
    for _ in 0..100 {
        at_dalian
            .goto(&dalian.base(), &format!("/referrals/{id}"))
            .await;
        status = at_dalian
            .client
            .find(Locator::Css("#referral-status"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if status == "已接收" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(status, "已接收");
    let timeline = at_dalian
        .client
        .find(Locator::Css("#referral-timeline"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        timeline.contains("weihai") && timeline.contains("签收"),
        "{timeline}"
    );
    at_dalian.check_and_photograph("referral.zh-CN").await;
}
