//! The console in a real browser: Debian's Chromium, headless, driven through ChromeDriver
//! (WebDriver), against a real server per test. Each page is checked by axe-core for serious
//! and critical accessibility violations, and the main pages are photographed in both
//! languages into `docs/screenshots/`. Run by `.ci/browser`, which installs what it needs.
#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;

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

    async fn sign_in(&self, app: &TestApp, username: &str, password: &str) {
        let c = &self.client;
        c.goto(&app.url("/login")).await.unwrap();
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
        panic!("{css} never showed {what:?}; last {seen:?}");
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
    browser.sign_in(&app, "mediator1", USER_PASSWORD).await;
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
