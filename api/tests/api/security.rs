//! The security suite (issue 7): every operation of the committed OpenAPI document called by
//! every kind of caller against real objects, with an explicit expectation per operation and
//! role; hostile tokens; mass assignment; oversized and malformed bodies; hostile text.
//!
//! The authorization matrix reads the spec at compile time, so an operation added to the API
//! (and to `openapi/openapi.json`) fails the matrix until it is classified in [`TABLE`].
use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use ipdr_api::federation::keys;
use ipdr_persistence::repo::signing_keys;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, TestUser, USER_PASSWORD, assert_problem, dispute};

/// The committed OpenAPI document.
const SPEC: &str = include_str!("../../../openapi/openapi.json");

/// The business day of the suite (the agreements below are valid on it).
const TODAY: &str = "2026-11-20";

/// The text of every generated string: long enough for a password, no control characters.
const TEXT: &str = "安全测试 security suite";

// ---------------------------------------------------------------------------------------------
// The expectation table
// ---------------------------------------------------------------------------------------------

/// The user columns of the table: the six roles with access to the objects of the suite, then
/// users of the same roles who have nothing to do with them (another mediation committee and its
/// auditor, another court, an investigator not assigned, a liaison officer not named on the
/// agreement).
const COLUMNS: [&str; 11] = [
    "admin",
    "mediator",
    "court",
    "investigator",
    "liaison",
    "auditor",
    "other mediator",
    "other court",
    "other investigator",
    "other liaison",
    "other auditor",
];

// Rows: `ok` allowed (anything but 401/403/404), `403` forbidden, `404` not found (the object's
// existence is hidden). Columns as in `COLUMNS`; `|` separates the other organisations' users.
//                                ad  me  co  in  li  au |  me' co' in' li' au'
const ADMIN_ONLY: &str = /*   */ "ok  403 403 403 403 403 | 403 403 403 403 403";
const EVERYONE: &str = /*     */ "ok  ok  ok  ok  ok  ok  | ok  ok  ok  ok  ok";
/// Listing cases and their deadlines: every role with a case scope.
const CASE_LIST: &str = /*    */ "403 ok  ok  ok  403 ok  | ok  ok  ok  403 ok";
const CASE_OPEN: &str = /*    */ "403 ok  ok  403 403 403 | ok  ok  403 403 403";
/// Reading the case (its documents, investigators, applications, eligible courts).
const CASE_READ: &str = /*    */ "404 ok  ok  ok  404 ok  | 404 404 404 404 404";
/// Downloading an evidence document: not auditors (no party documents for them).
const DOCUMENT_READ: &str = /**/ "404 ok  ok  ok  404 404 | 404 404 404 404 404";
/// Changing the case: its lifecycle, agreement, mediators, documents, applying.
const CASE_UPDATE: &str = /*  */ "404 ok  403 403 404 403 | 404 404 404 404 404";
const CASE_AGREEMENT: &str = /**/ "404 ok  ok  403 404 403 | 404 404 404 404 404";
const CASE_TIMELINE: &str = /* */ "404 ok  ok  403 404 ok  | 404 404 404 404 404";
/// Proposing, assigning and managing technical investigators.
const CASE_ASSIGN: &str = /*  */ "404 ok  ok  403 404 403 | 404 404 404 404 404";
/// R23: the assigned investigator writes; the mediators, court and author read; nobody else
/// learns that an opinion exists.
const OPINION_WRITE: &str = /**/ "404 403 403 ok  404 403 | 404 404 404 404 404";
const OPINION_READ: &str = /* */ "404 ok  ok  ok  404 404 | 404 404 404 404 404";
const APP_LIST: &str = /*     */ "403 ok  ok  403 403 ok  | ok  ok  403 403 ok";
const APP_READ: &str = /*     */ "404 ok  ok  404 404 ok  | 404 404 404 404 404";
const APP_DECIDE: &str = /*   */ "404 403 ok  404 404 403 | 404 404 404 404 404";
const APP_WITHDRAW: &str = /* */ "404 ok  403 404 404 403 | 404 404 404 404 404";
const OWN_CONFLICTS: &str = /**/ "403 403 403 ok  403 403 | 403 403 ok  403 403";
/// Another investigator's conflict is no business of theirs: hidden.
const A_CONFLICT: &str = /*   */ "403 403 403 ok  403 403 | 403 403 404 403 403";
const INVESTIGATOR: &str = /* */ "ok  403 403 ok  403 403 | 403 403 403 403 403";
const REFERRALS: &str = /*    */ "403 ok  403 403 ok  403 | ok  403 403 ok  403";
/// One referral: its sender (a mediator) and the liaison officers named on its agreement.
const REFERRAL: &str = /*     */ "404 ok  404 404 ok  404 | 404 404 404 404 404";
/// A notice: its recipient (the assigned investigator) only; nobody else learns it exists.
const OWN_NOTICE: &str = /*   */ "404 404 404 ok  404 404 | 404 404 404 404 404";
/// The audit trail: auditors only.
const AUDIT: &str = /*        */ "403 403 403 403 403 ok  | 403 403 403 403 ok";
/// No token needed.
const PUBLIC: &str = "public";
/// Partner nodes only, with a federation token.
const NODE: &str = "node";

/// Every operation of the API and who may call it.
const TABLE: &[(&str, &str)] = &[
    ("login", PUBLIC),
    ("get_health", PUBLIC),
    ("get_readiness", PUBLIC),
    ("get_node", PUBLIC),
    ("receive_message", NODE),
    ("get_me", EVERYONE),
    ("change_password", EVERYONE),
    ("list_accounts", ADMIN_ONLY),
    ("create_account", ADMIN_ONLY),
    ("get_account", ADMIN_ONLY),
    ("disable_account", ADMIN_ONLY),
    ("enable_account", ADMIN_ONLY),
    ("reset_password", ADMIN_ONLY),
    ("list_organizations", ADMIN_ONLY),
    ("create_organization", ADMIN_ONLY),
    ("get_organization", ADMIN_ONLY),
    ("disable_organization", ADMIN_ONLY),
    ("enable_organization", ADMIN_ONLY),
    ("set_court_jurisdiction", ADMIN_ONLY),
    ("set_organization_location", ADMIN_ONLY),
    ("update_organization_settings", ADMIN_ONLY),
    ("list_calendar_years", EVERYONE),
    ("get_calendar_year", EVERYONE),
    ("compute_deadline", EVERYONE),
    ("load_calendar_year", ADMIN_ONLY),
    ("list_cases", CASE_LIST),
    ("list_deadlines", CASE_LIST),
    ("list_notifications", EVERYONE),
    ("mark_all_notifications_read", EVERYONE),
    ("mark_notification_read", OWN_NOTICE),
    ("get_notice_settings", EVERYONE),
    ("set_notice_settings", EVERYONE),
    ("get_organization_notices", ADMIN_ONLY),
    ("set_organization_notices", ADMIN_ONLY),
    ("list_notice_deliveries", ADMIN_ONLY),
    ("retry_notice_delivery", ADMIN_ONLY),
    ("open_case", CASE_OPEN),
    ("get_case", CASE_READ),
    ("list_documents", CASE_READ),
    ("download_document", DOCUMENT_READ),
    ("list_case_investigators", CASE_READ),
    ("list_case_applications", CASE_READ),
    ("list_eligible_courts", CASE_READ),
    ("get_case_timeline", CASE_TIMELINE),
    ("get_settlement_agreement", CASE_AGREEMENT),
    ("accept_case", CASE_UPDATE),
    ("decline_case", CASE_UPDATE),
    ("record_consent", CASE_UPDATE),
    ("start_mediation", CASE_UPDATE),
    ("fail_mediation", CASE_UPDATE),
    ("withdraw_case", CASE_UPDATE),
    ("record_performance", CASE_UPDATE),
    ("reopen_mediation", CASE_UPDATE),
    ("extend_court_term", CASE_UPDATE),
    ("close_case", CASE_UPDATE),
    ("record_settlement_agreement", CASE_UPDATE),
    ("sign_settlement_agreement", CASE_UPDATE),
    ("assign_mediator", CASE_UPDATE),
    ("unassign_mediator", CASE_UPDATE),
    ("upload_document", CASE_UPDATE),
    ("apply_for_confirmation", CASE_UPDATE),
    ("list_investigator_candidates", CASE_ASSIGN),
    ("assign_investigator", CASE_ASSIGN),
    ("record_parties_notified", CASE_ASSIGN),
    ("request_recusal", CASE_ASSIGN),
    ("decide_recusal", CASE_ASSIGN),
    ("release_investigator", CASE_ASSIGN),
    ("upload_opinion_document", OPINION_WRITE),
    ("submit_opinion", OPINION_WRITE),
    ("list_opinions", OPINION_READ),
    ("download_opinion_document", OPINION_READ),
    ("list_applications", APP_LIST),
    ("get_application", APP_READ),
    ("accept_application", APP_DECIDE),
    ("refuse_acceptance", APP_DECIDE),
    ("extend_review", APP_DECIDE),
    ("confirm_agreement", APP_DECIDE),
    ("refuse_confirmation", APP_DECIDE),
    ("withdraw_application", APP_WITHDRAW),
    ("list_investigators", ADMIN_ONLY),
    ("create_investigator", ADMIN_ONLY),
    ("get_investigator", INVESTIGATOR),
    ("update_investigator", ADMIN_ONLY),
    ("list_my_conflicts", OWN_CONFLICTS),
    ("declare_conflict", OWN_CONFLICTS),
    ("withdraw_conflict", A_CONFLICT),
    ("list_partners", ADMIN_ONLY),
    ("register_partner", ADMIN_ONLY),
    ("update_partner", ADMIN_ONLY),
    ("list_cooperation_agreements", ADMIN_ONLY),
    ("create_cooperation_agreement", ADMIN_ONLY),
    ("load_seed_cooperation_agreements", ADMIN_ONLY),
    ("get_cooperation_agreement", ADMIN_ONLY),
    ("set_cooperation_agreement_status", ADMIN_ONLY),
    ("set_cooperation_agreement_liaisons", ADMIN_ONLY),
    ("list_outbox", ADMIN_ONLY),
    ("retry_outbox_message", ADMIN_ONLY),
    ("list_referrals", REFERRALS),
    ("send_referral", REFERRALS),
    ("get_referral", REFERRAL),
    ("acknowledge_referral", REFERRAL),
    ("request_referral_information", REFERRAL),
    ("provide_referral_information", REFERRAL),
    ("accept_referral", REFERRAL),
    ("decline_referral", REFERRAL),
    ("report_referral_progress", REFERRAL),
    ("report_referral_outcome", REFERRAL),
    ("list_audit_records", AUDIT),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Allowed,
    Denied(u16),
}

#[derive(Clone, Copy, Debug)]
enum Rule {
    Public,
    Node,
    Users([Outcome; 11]),
}

fn parse_rule(row: &str) -> Result<Rule, String> {
    match row {
        PUBLIC => return Ok(Rule::Public),
        NODE => return Ok(Rule::Node),
        _ => {}
    }
    let outcomes = row
        .split_whitespace()
        .filter(|t| *t != "|")
        .map(|t| match t {
            "ok" => Ok(Outcome::Allowed),
            "403" => Ok(Outcome::Denied(403)),
            "404" => Ok(Outcome::Denied(404)),
            other => Err(format!("unknown outcome `{other}` in `{row}`")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    <[Outcome; 11]>::try_from(outcomes)
        .map(Rule::Users)
        .map_err(|o| format!("{} outcomes instead of 11 in `{row}`", o.len()))
}

// ---------------------------------------------------------------------------------------------
// Confidential markers: what each caller may ever receive
// ---------------------------------------------------------------------------------------------

const PARTY: u16 = 1;
const PERSONAL: u16 = 1 << 1;
const CASE: u16 = 1 << 2;
const AGREEMENT: u16 = 1 << 3;
const OPINION: u16 = 1 << 4;
const EVIDENCE: u16 = 1 << 5;
const REFERRAL_TEXT: u16 = 1 << 6;
const INVESTIGATOR_NAME: u16 = 1 << 7;
const EVERYTHING: u16 = u16::MAX;

const APPLICANT: &str = "ZQX机密申请人科技有限公司";
const RESPONDENT: &str = "ZQX机密被申请人王五";
const ID_NUMBER: &str = "11010519491231002X";
const MOBILE: &str = "13912345678";
const ADDRESS: &str = "ZQX机密地址中山路88号";
const RIGHT_TITLE: &str = "ZQX机密发明名称";
const CLAIM: &str = "ZQX机密请求赔偿";
const AGREEMENT_TEXT: &str = "ZQX机密协议正文：被申请人支付人民币88万元。";
const AGREEMENT_TERM: &str = "ZQX机密条款";
const OPINION_TEXT: &str = "ZQX机密技术意见：落入权利要求1的保护范围。";
const OPINION_FILE: &[u8] = b"ZQX-OPINION-DOCUMENT";
const EVIDENCE_FILE: &[u8] = b"ZQX-EVIDENCE-CONTENT";
const REFERRAL_SUMMARY: &str = "ZQX机密转介摘要";
const INVESTIGATOR_DISPLAY: &str = "ZQX调查官甲";

/// Every marker seeded in the suite's objects, with the kind of information it is.
const MARKERS: &[(u16, &str)] = &[
    (PARTY, APPLICANT),
    (PARTY, RESPONDENT),
    (PERSONAL, ID_NUMBER),
    (PERSONAL, MOBILE),
    (PERSONAL, ADDRESS),
    (CASE, RIGHT_TITLE),
    (CASE, CLAIM),
    (AGREEMENT, "ZQX机密协议正文"),
    (AGREEMENT, AGREEMENT_TERM),
    (OPINION, "ZQX机密技术意见"),
    (OPINION, "ZQX-OPINION-DOCUMENT"),
    (EVIDENCE, "ZQX-EVIDENCE-CONTENT"),
    (REFERRAL_TEXT, REFERRAL_SUMMARY),
    (INVESTIGATOR_NAME, INVESTIGATOR_DISPLAY),
];

/// What each user column may ever see of the markers, whatever the operation: the case readers
/// their case (personal data for those who may read it, the agreement for mediators and the
/// court, the opinion for them and its author), the liaison officer the referral (which names
/// the parties), the administrator the investigator's account; the other organisations nothing.
const SEES: [u16; 11] = [
    INVESTIGATOR_NAME,
    EVERYTHING,
    EVERYTHING & !REFERRAL_TEXT,
    PARTY | CASE | OPINION | EVIDENCE | INVESTIGATOR_NAME,
    PARTY | REFERRAL_TEXT,
    PARTY | CASE | EVIDENCE,
    0,
    0,
    0,
    0,
    0,
];

// ---------------------------------------------------------------------------------------------
// The world the matrix runs in
// ---------------------------------------------------------------------------------------------

/// A partner node the suite plays: its id and signing key.
struct Partner {
    id: &'static str,
    kid: String,
    seed: Vec<u8>,
}

impl Partner {
    fn new(id: &'static str) -> Self {
        let (kid, seed) = keys::generate();
        Self { id, kid, seed }
    }

    fn token(&self, id: Uuid, body: &[u8]) -> String {
        keys::sign(
            &self.kid,
            &keys::encoding_key(&self.seed).unwrap(),
            self.id,
            "dalian",
            id,
            body,
        )
        .unwrap()
    }
}

/// A federation message from the partner opening a new referral under the suite's agreement.
fn referred_by_partner() -> (Uuid, Vec<u8>) {
    let id = Uuid::now_v7();
    let body = json!({
        "id": id, "referral_id": Uuid::now_v7(), "seq": 1, "from": "weihai", "to": "dalian",
        "at": format!("{TODAY}T02:00:00Z"), "on": TODAY, "role": "liaison",
        "step": {
            "type": "referred", "agreement_code": "sec-dalian-weihai", "kind": "clue_transfer",
            "ip_type": "invention_patent", "summary": "线索：威海发现侵权产品",
            "parties": [{ "side": "respondent", "kind": "organization", "name": "威海某商行" }],
            "documents": []
        }
    });
    (id, serde_json::to_vec(&body).unwrap())
}

/// The suite's server, its users (in `COLUMNS` order), its partner and its objects' ids.
struct World {
    app: TestApp,
    users: Vec<String>,
    partner: Partner,
    /// Path parameters by `segment/{name}`: `cases/{id}` is the confidential case.
    paths: HashMap<&'static str, String>,
    /// Uuid fields of generated bodies by name.
    fields: HashMap<&'static str, String>,
    /// Credentials for the public `login`.
    login: Value,
}

fn spawn_config(c: &mut ipdr_api::config::Config) {
    c.federation.node_id = ipdr_domain::referral::NodeId::parse("dalian").unwrap();
    // Outgoing messages stay in the outbox (nothing listens for them).
    c.federation.outbox_poll = None;
    // Every user of the matrix tries to change their password with a wrong current one.
    c.login.max_failures_per_address = 10_000;
    c.login.max_failures_per_account = 10_000;
}

async fn json_of(response: reqwest::Response, status: StatusCode, what: &str) -> Value {
    let got = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{what}: {body}");
    body
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

/// An account with a chosen display name, logged in.
async fn account(
    app: &TestApp,
    admin: &str,
    username: &str,
    display_name: &str,
    role: &str,
    organization: &str,
) -> TestUser {
    let body = json!({
        "username": username, "display_name": display_name, "role": role,
        "organization_id": organization, "password": USER_PASSWORD,
    });
    let created = json_of(
        app.post("/api/v1/accounts", Some(admin), Some(&body)).await,
        StatusCode::CREATED,
        username,
    )
    .await;
    TestUser {
        id: id_of(&created),
        organization_id: organization.to_owned(),
        token: app.token(username, USER_PASSWORD).await,
    }
}

async fn organization(app: &TestApp, code: &str, kind: &str, level: Option<&str>) -> String {
    id_of(&app.create_organization(code, kind, level).await)
}

async fn investigator_profile(app: &TestApp, admin: &str, account: &str, pool: &str) {
    let body = json!({
        "account_id": account, "fields": ["communications"], "affiliation": "court",
        "contributed_by": pool, "max_assignments": 5,
    });
    json_of(
        app.post("/api/v1/investigators", Some(admin), Some(&body))
            .await,
        StatusCode::CREATED,
        "investigator profile",
    )
    .await;
}

/// A patent dispute whose every field is a marker.
fn confidential_dispute() -> Value {
    json!({
        "track": "people", "ip_type": "invention_patent", "right": "201080063196.9",
        "right_title": RIGHT_TITLE,
        "parties": [
            {
                "side": "applicant", "kind": "organization", "name": APPLICANT,
                "credit_code": "914403001922038216", "address": ADDRESS
            },
            {
                "side": "respondent", "kind": "person", "name": RESPONDENT,
                "id_number": ID_NUMBER, "phone": MOBILE
            }
        ],
        "claims": [CLAIM], "amount_fen": 8_800_000, "city": "大连"
    })
}

async fn assign_investigator(app: &TestApp, token: &str, case: &str, investigator: &str) -> String {
    let body = json!({
        "investigator_id": investigator, "field": "communications",
        "question": "涉案产品是否落入权利要求1的保护范围",
    });
    let assigned = json_of(
        app.post(
            &format!("/api/v1/cases/{case}/investigators"),
            Some(token),
            Some(&body),
        )
        .await,
        StatusCode::CREATED,
        "assign investigator",
    )
    .await;
    id_of(&assigned)
}

/// Builds the world: organisations, a user per column, a settled confidential case with an
/// agreement, a document, two investigators (one with an opinion), an application to the
/// court, a partner node, an agreement with it and a referral of the case.
async fn world() -> World {
    let app = TestApp::spawn_with(spawn_config).await;
    app.set_today(TODAY);
    let admin = app.admin_token().await;

    let committee = organization(&app, "SECMCA", "mediation_committee", None).await;
    let other_committee = organization(&app, "SECMCB", "mediation_committee", None).await;
    let court = organization(&app, "SECCTC", "court", Some("intermediate")).await;
    let other_court = organization(&app, "SECCTD", "court", Some("intermediate")).await;
    let pool = organization(&app, "SECPOOL", "investigator_pool", None).await;
    let office = organization(&app, "SECLO", "liaison_office", None).await;
    // What the administrator's operations on organisations and accounts are tried on.
    let victims = organization(&app, "SECVICTIM", "mediation_committee", None).await;
    let jurisdiction = app
        .put(
            &format!("/api/v1/organizations/{court}/jurisdiction"),
            &admin,
            &json!({ "areas": ["大连"], "ip_types": ["invention_patent"] }),
        )
        .await;
    assert_eq!(jurisdiction.status(), StatusCode::OK);

    let a = async |name: &str, display: &str, role: &str, org: &str| {
        account(&app, &admin, name, display, role, org).await
    };
    let mediator = a("sec.mediator", "王调解员", "mediator", &committee).await;
    let mediator2 = a("sec.mediator2", "李调解员", "mediator", &committee).await;
    let auditor = a("sec.auditor", "周审计", "auditor", &committee).await;
    let judge = a("sec.judge", "刘法官", "court", &court).await;
    let investigator = a("sec.inv", INVESTIGATOR_DISPLAY, "investigator", &pool).await;
    let investigator2 = a("sec.inv2", "调查官乙", "investigator", &pool).await;
    let liaison = a("sec.liaison", "联络员", "liaison", &office).await;
    let other_mediator = a("sec.mediator.b", "别的调解员", "mediator", &other_committee).await;
    let other_auditor = a("sec.auditor.b", "别的审计", "auditor", &other_committee).await;
    let other_judge = a("sec.judge.d", "别的法官", "court", &other_court).await;
    let other_investigator = a("sec.inv.b", "别的调查官", "investigator", &pool).await;
    let other_liaison = a("sec.liaison.b", "别的联络员", "liaison", &office).await;
    let victim = a("sec.victim", "被操作的账户", "mediator", &victims).await;
    a("sec.login", "登录者", "mediator", &other_committee).await;
    for inv in [&investigator, &investigator2, &other_investigator] {
        investigator_profile(&app, &admin, &inv.id, &pool).await;
    }

    // The confidential case, in mediation, with everything a case can hold.
    let m = &mediator.token;
    let case = id_of(&app.open_case(m, &confidential_dispute()).await);
    app.moved(m, &case, "accept", None).await;
    app.moved(m, &case, "consent", Some(&json!({ "consent": "given" })))
        .await;
    app.moved(m, &case, "start-mediation", None).await;
    let recorded = app
        .put(
            &format!("/api/v1/cases/{case}/agreement"),
            m,
            &json!({ "text": AGREEMENT_TEXT, "terms": [AGREEMENT_TERM] }),
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::OK);
    let document = json_of(
        app.upload_pdf(
            &format!("/api/v1/cases/{case}/documents?kind=evidence&filename=evidence.pdf"),
            m,
            EVIDENCE_FILE,
        )
        .await,
        StatusCode::CREATED,
        "evidence",
    )
    .await;
    json_of(
        app.post(
            &format!("/api/v1/cases/{case}/assignments"),
            Some(m),
            Some(&json!({ "account_id": mediator2.id })),
        )
        .await,
        StatusCode::OK,
        "assign mediator",
    )
    .await;
    // The investigator wants notices by e-mail: their assignment queues one (e-mail is off
    // here, so it stays queued), the delivery the retry operation acts on.
    json_of(
        app.put(
            "/api/v1/notifications/settings",
            &investigator.token,
            &json!({ "email": "investigator@example.cn", "language": "zh-CN" }),
        )
        .await,
        StatusCode::OK,
        "notice settings",
    )
    .await;
    assign_investigator(&app, m, &case, &investigator.id).await;
    // The second investigator's assignment is what the recusal and release operations act on.
    let assignment2 = assign_investigator(&app, m, &case, &investigator2.id).await;
    let opinion_document = json_of(
        app.upload_pdf(
            &format!("/api/v1/cases/{case}/opinion-documents?filename=opinion.pdf"),
            &investigator.token,
            OPINION_FILE,
        )
        .await,
        StatusCode::CREATED,
        "opinion document",
    )
    .await;
    let sha = opinion_document["sha256"].as_str().unwrap().to_owned();
    json_of(
        app.post(
            &format!("/api/v1/cases/{case}/opinions"),
            Some(&investigator.token),
            Some(&json!({ "text": OPINION_TEXT, "documents": [sha] })),
        )
        .await,
        StatusCode::CREATED,
        "opinion",
    )
    .await;
    let conflict = json_of(
        app.post(
            "/api/v1/investigators/me/conflicts",
            Some(&investigator.token),
            Some(&json!({ "kind": "person", "value": "无关人员", "relationship": "同学" })),
        )
        .await,
        StatusCode::CREATED,
        "conflict",
    )
    .await;
    let settled = app.sign_all(m, &case).await;
    assert_eq!(settled["status"], "settled");
    let application = json_of(
        app.post(
            &format!("/api/v1/cases/{case}/confirmation-applications"),
            Some(m),
            Some(&json!({ "court_id": court, "consents": [1, 2] })),
        )
        .await,
        StatusCode::CREATED,
        "application",
    )
    .await;

    // The federation: a partner, an agreement naming the liaison officer, a referral.
    let partner = Partner::new("weihai");
    json_of(
        app.post(
            "/api/v1/partners",
            Some(&admin),
            Some(&json!({
                "node_id": partner.id, "name": "威海", "city": "威海",
                "base_url": "http://127.0.0.1:9",
                "keys": [{ "kid": partner.kid, "x": keys::public_key(&partner.seed).unwrap() }],
            })),
        )
        .await,
        StatusCode::CREATED,
        "partner",
    )
    .await;
    let agreement = json_of(
        app.post(
            "/api/v1/cooperation-agreements",
            Some(&admin),
            Some(&json!({
                "code": "sec-dalian-weihai", "title": "安全测试合作协议", "partner_node": "weihai",
                "ip_types": ["invention_patent"], "kinds": ["clue_transfer"],
                "valid_from": "2025-01-01", "valid_until": "2027-12-31", "status": "active",
                "liaisons": [liaison.id],
            })),
        )
        .await,
        StatusCode::CREATED,
        "agreement",
    )
    .await;
    let referral = json_of(
        app.post(
            "/api/v1/referrals",
            Some(m),
            Some(&json!({
                "agreement_id": id_of(&agreement), "kind": "clue_transfer",
                "summary": REFERRAL_SUMMARY, "case_id": case,
            })),
        )
        .await,
        StatusCode::CREATED,
        "referral",
    )
    .await;
    let outbox = app
        .get_json("/api/v1/federation/outbox", Some(&admin))
        .await;
    // The investigator was told of the assignment: that notice is theirs alone.
    let notices = app
        .get_json("/api/v1/notifications", Some(&investigator.token))
        .await;

    let deliveries = app
        .get_json("/api/v1/notifications/deliveries", Some(&admin))
        .await;

    let paths = HashMap::from([
        ("accounts/{id}", victim.id.clone()),
        ("organizations/{id}", victims),
        ("calendar/{year}", "2026".to_owned()),
        ("cases/{id}", case.clone()),
        ("assignments/{account_id}", mediator2.id.clone()),
        ("documents/{document_id}", id_of(&document)),
        ("investigators/{assignment_id}", assignment2),
        ("opinion-documents/{sha256}", sha),
        ("confirmation-applications/{id}", id_of(&application)),
        ("cooperation-agreements/{id}", id_of(&agreement)),
        ("outbox/{id}", id_of(&outbox["items"][0])),
        ("conflicts/{id}", id_of(&conflict)),
        ("investigators/{account_id}", investigator.id.clone()),
        ("partners/{node_id}", partner.id.to_owned()),
        ("referrals/{id}", id_of(&referral)),
        ("notifications/{id}", id_of(&notices["items"][0])),
        ("deliveries/{id}", id_of(&deliveries["items"][0])),
    ]);
    let fields = HashMap::from([
        ("organization_id", committee),
        ("court_id", court),
        ("account_id", mediator2.id.clone()),
        ("investigator_id", investigator2.id.clone()),
        ("contributed_by", pool),
        ("agreement_id", id_of(&agreement)),
        ("case_id", case),
    ]);
    let users = [
        admin,
        mediator.token,
        judge.token,
        investigator.token,
        liaison.token,
        auditor.token,
        other_mediator.token,
        other_judge.token,
        other_investigator.token,
        other_liaison.token,
        other_auditor.token,
    ];
    World {
        app,
        users: users.into(),
        partner,
        paths,
        fields,
        login: json!({ "username": "sec.login", "password": USER_PASSWORD }),
    }
}

// ---------------------------------------------------------------------------------------------
// Requests built from the spec
// ---------------------------------------------------------------------------------------------

/// Follows `$ref` and the `allOf` poem-openapi wraps documented references in.
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    loop {
        if let Some(reference) = schema["$ref"].as_str() {
            let name = reference.trim_start_matches("#/components/schemas/");
            schema = &doc["components"]["schemas"][name];
        } else if let Some(first) = schema["allOf"].get(0) {
            schema = first;
        } else {
            return schema;
        }
    }
}

/// A minimal value of `schema`: the required properties of objects, empty arrays, the first
/// value of enums, ids of the suite's objects for uuid fields it knows by name.
fn example(doc: &Value, schema: &Value, name: &str, fields: &HashMap<&str, String>) -> Value {
    let schema = resolve(doc, schema);
    if let Some(first) = schema["enum"].get(0) {
        return first.clone();
    }
    match schema["type"].as_str() {
        Some("object") => {
            let mut object = serde_json::Map::new();
            for field in schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let value = example(doc, &schema["properties"][field], field, fields);
                object.insert(field.to_owned(), value);
            }
            Value::Object(object)
        }
        Some("array") => json!([]),
        Some("integer" | "number") => json!(1),
        Some("boolean") => json!(true),
        Some("string") => match schema["format"].as_str() {
            Some("uuid") => json!(
                fields
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| Uuid::now_v7().to_string())
            ),
            Some("date" | "naive-date") => json!(TODAY),
            Some("date-time") => json!(format!("{TODAY}T04:00:00Z")),
            _ => json!(TEXT),
        },
        _ => json!({}),
    }
}

enum Payload {
    None,
    Json(Vec<u8>),
    Binary(Vec<u8>),
}

/// One operation of the spec, ready to send.
struct Operation {
    id: String,
    method: Method,
    template: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    payload: Payload,
    /// `None`: public. Else the security scheme (`BearerAuth`, `NodeAuth`).
    scheme: Option<String>,
    declared: Vec<u16>,
}

/// Builds every operation of the spec with real path parameters and minimal valid inputs;
/// problems (a path parameter without an object to point at) are returned as failures.
fn operations(doc: &Value, world: &World) -> (Vec<Operation>, Vec<String>) {
    let mut built = Vec::new();
    let mut failures = Vec::new();
    for (template, methods) in doc["paths"].as_object().unwrap() {
        for (method, op) in methods.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            let mut path = template.clone();
            let mut query = Vec::new();
            let mut headers = Vec::new();
            for parameter in op["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap();
                let required = parameter["required"].as_bool().unwrap_or(false);
                match parameter["in"].as_str().unwrap() {
                    "path" => {
                        let placeholder = format!("{{{name}}}");
                        let before = template
                            .split(&format!("/{placeholder}"))
                            .next()
                            .and_then(|p| p.rsplit('/').next())
                            .unwrap_or_default();
                        let key = format!("{before}/{placeholder}");
                        let value = match (id.as_str(), name) {
                            // Loading a year is tried on one nobody reads.
                            ("load_calendar_year", "year") => Some("2099".to_owned()),
                            _ => world.paths.get(key.as_str()).cloned(),
                        };
                        match value {
                            Some(value) => path = path.replace(&placeholder, &value),
                            None => failures.push(format!(
                                "{id}: no object for the path parameter `{key}`: add one to the world"
                            )),
                        }
                    }
                    "query" if required => {
                        let value = match name {
                            "filename" => json!("security-suite.pdf"),
                            _ => example(doc, &parameter["schema"], name, &world.fields),
                        };
                        let text = match value {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        query.push((name.to_owned(), text));
                    }
                    "header" => match name {
                        // A version nobody has: an allowed change is refused (412) and nothing
                        // moves, so the objects stay as set up for every later operation.
                        "If-Match" => headers.push((name.to_owned(), "\"999999\"".to_owned())),
                        "Idempotency-Key" => {
                            headers.push((name.to_owned(), format!("sec-{}", Uuid::now_v7())));
                        }
                        other => failures.push(format!("{id}: unknown header parameter {other}")),
                    },
                    _ => {}
                }
            }
            let content = &op["requestBody"]["content"];
            let payload = if id == "login" {
                Payload::Json(serde_json::to_vec(&world.login).unwrap())
            } else if let Some(json_body) = content.get("application/json") {
                let value = example(doc, &json_body["schema"], "", &world.fields);
                Payload::Json(serde_json::to_vec(&value).unwrap())
            } else if content.get("application/octet-stream").is_some() {
                Payload::Binary(b"%PDF-1.4 security suite".to_vec())
            } else if let Some(other) = content.as_object().and_then(|c| c.keys().next()) {
                failures.push(format!("{id}: no example for a {other} body"));
                Payload::None
            } else {
                Payload::None
            };
            let scheme = op["security"]
                .as_array()
                .filter(|s| !s.is_empty())
                .and_then(|s| s[0].as_object())
                .and_then(|s| s.keys().next().cloned());
            let declared = op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .filter_map(|k| k.parse().ok())
                .collect();
            built.push(Operation {
                id,
                method: method.to_uppercase().parse().unwrap(),
                template: template.clone(),
                path,
                query,
                headers,
                payload,
                scheme,
                declared,
            });
        }
    }
    (built, failures)
}

/// What came back.
struct Answer {
    status: u16,
    content_type: String,
    challenge: String,
    body: String,
}

impl Answer {
    fn code(&self) -> String {
        serde_json::from_str::<Value>(&self.body)
            .ok()
            .and_then(|b| b["code"].as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    fn excerpt(&self) -> String {
        self.body.chars().take(300).collect()
    }
}

async fn send(app: &TestApp, op: &Operation, token: Option<&str>, payload: &Payload) -> Answer {
    let mut request = app
        .client
        .request(op.method.clone(), app.url(&op.path))
        .query(&op.query);
    for (name, value) in &op.headers {
        request = request.header(name, value);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request = match payload {
        Payload::None => request,
        Payload::Json(bytes) => request
            .header("content-type", "application/json")
            .body(bytes.clone()),
        Payload::Binary(bytes) => request
            .header("content-type", "application/octet-stream")
            .body(bytes.clone()),
    };
    let response = request.send().await.expect("the request is sent");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let status = response.status().as_u16();
    let content_type = header("content-type");
    let challenge = header("www-authenticate");
    let body = String::from_utf8_lossy(&response.bytes().await.unwrap_or_default()).into_owned();
    Answer {
        status,
        content_type,
        challenge,
        body,
    }
}

/// Checks one answer; every mismatch is pushed to `failures`.
fn judge(
    op: &Operation,
    who: &str,
    expected: Option<Outcome>,
    sees: u16,
    answer: &Answer,
    failures: &mut Vec<String>,
) {
    let label = format!("{} ({} {}) as {who}", op.id, op.method, op.template);
    let mut fail = |what: String| failures.push(format!("{label}: {what}"));
    if !op.declared.contains(&answer.status) {
        fail(format!(
            "{} is not among the statuses the spec declares {:?}",
            answer.status, op.declared
        ));
    }
    if answer.status >= 500 {
        fail(format!(
            "server error {}: {}",
            answer.status,
            answer.excerpt()
        ));
    }
    match expected {
        // Refused as unauthenticated.
        None => {
            if answer.status != 401
                || answer.code() != "unauthenticated"
                || answer.content_type != "application/problem+json"
            {
                fail(format!(
                    "expected 401 unauthenticated problem+json, got {} {}: {}",
                    answer.status,
                    answer.content_type,
                    answer.excerpt()
                ));
            }
            if who == "anonymous" && !answer.challenge.starts_with("Bearer") {
                fail(format!(
                    "401 without a `WWW-Authenticate: Bearer` challenge (got `{}`)",
                    answer.challenge
                ));
            }
        }
        Some(Outcome::Allowed) => {
            if matches!(answer.status, 401 | 403 | 404) {
                fail(format!(
                    "expected to be allowed, got {}: {}",
                    answer.status,
                    answer.excerpt()
                ));
            }
        }
        Some(Outcome::Denied(status)) => {
            let code = if status == 403 {
                "forbidden"
            } else {
                "not_found"
            };
            if answer.status != status
                || answer.code() != code
                || answer.content_type != "application/problem+json"
            {
                fail(format!(
                    "expected {status} {code} problem+json, got {} {} {}: {}",
                    answer.status,
                    answer.code(),
                    answer.content_type,
                    answer.excerpt()
                ));
            }
        }
    }
    let denied = !matches!(expected, Some(Outcome::Allowed));
    for (kind, marker) in MARKERS {
        let may_see = !denied && sees & kind != 0;
        if !may_see && answer.body.contains(marker) {
            fail(format!("the answer ({}) leaks `{marker}`", answer.status));
        }
    }
}

/// A spec-driven authorization matrix: every operation × anonymous, a partner node's
/// federation token, and the user columns, against the real objects of [`world`].
#[tokio::test]
async fn every_operation_answers_every_caller_as_the_table_says_and_denials_leak_nothing() {
    let doc: Value = serde_json::from_str(SPEC).unwrap();
    let world = world().await;
    let (ops, mut failures) = operations(&doc, &world);

    // The table and the spec name the same operations.
    let mut table = HashMap::new();
    for (id, row) in TABLE {
        match parse_rule(row) {
            Ok(rule) => {
                if table.insert(*id, rule).is_some() {
                    failures.push(format!("{id}: classified twice"));
                }
            }
            Err(e) => failures.push(format!("{id}: {e}")),
        }
    }
    for op in &ops {
        if !table.contains_key(op.id.as_str()) {
            failures.push(format!(
                "{} ({} {}): in the spec but not classified in TABLE",
                op.id, op.method, op.template
            ));
        }
    }
    for (id, _) in TABLE {
        if !ops.iter().any(|op| op.id == *id) {
            failures.push(format!("{id}: classified in TABLE but not in the spec"));
        }
    }

    let app = &world.app;
    let mut calls = 0;
    for op in &ops {
        let Some(rule) = table.get(op.id.as_str()).copied() else {
            continue;
        };
        match (rule, op.scheme.as_deref()) {
            (Rule::Public, None) => {
                calls += 1;
                let answer = send(app, op, None, &op.payload).await;
                if !(200..300).contains(&answer.status) {
                    failures.push(format!(
                        "{}: public, yet anonymous got {}: {}",
                        op.id,
                        answer.status,
                        answer.excerpt()
                    ));
                }
                judge(
                    op,
                    "public",
                    Some(Outcome::Allowed),
                    0,
                    &answer,
                    &mut failures,
                );
            }
            (Rule::Node, Some("NodeAuth")) => {
                let (id, body) = referred_by_partner();
                let payload = Payload::Json(body.clone());
                let token = world.partner.token(id, &body);
                let answer = send(app, op, Some(&token), &payload).await;
                judge(
                    op,
                    "partner",
                    Some(Outcome::Allowed),
                    0,
                    &answer,
                    &mut failures,
                );
                let answer = send(app, op, None, &payload).await;
                judge(op, "anonymous", None, 0, &answer, &mut failures);
                for (column, token) in COLUMNS.iter().zip(&world.users) {
                    let answer = send(app, op, Some(token), &payload).await;
                    judge(op, column, None, 0, &answer, &mut failures);
                }
                calls += 2 + world.users.len();
            }
            (Rule::Users(outcomes), Some("BearerAuth")) => {
                let answer = send(app, op, None, &op.payload).await;
                judge(op, "anonymous", None, 0, &answer, &mut failures);
                let token = world.partner.token(Uuid::now_v7(), b"");
                let answer = send(app, op, Some(&token), &op.payload).await;
                judge(op, "a partner node", None, 0, &answer, &mut failures);
                for (i, token) in world.users.iter().enumerate() {
                    let answer = send(app, op, Some(token), &op.payload).await;
                    judge(
                        op,
                        COLUMNS[i],
                        Some(outcomes[i]),
                        SEES[i],
                        &answer,
                        &mut failures,
                    );
                }
                calls += 2 + world.users.len();
            }
            (rule, scheme) => failures.push(format!(
                "{}: classified {rule:?} but the spec's security is {scheme:?}",
                op.id
            )),
        }
    }
    assert!(calls > 800, "only {calls} calls: the matrix did not run");
    assert!(
        failures.is_empty(),
        "{} mismatch(es) in {calls} calls:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Tokens (what tokens.rs and the matrix do not cover already)
// ---------------------------------------------------------------------------------------------

/// Mints HS256 tokens with the instance's own signing key.
struct Minter {
    kid: String,
    secret: Vec<u8>,
}

impl Minter {
    async fn new(app: &TestApp) -> Self {
        let key = signing_keys::unretired(&app.db)
            .await
            .unwrap()
            .into_iter()
            .find(|k| k.algorithm == "HS256")
            .unwrap();
        Self {
            kid: key.kid,
            secret: key.secret,
        }
    }

    fn token(&self, kid: &str, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(&self.secret)).unwrap()
    }
}

fn claims(sub: &str, ver: i64) -> Value {
    let now = Utc::now().timestamp();
    json!({
        "iss": "ipdr", "aud": "ipdr-api", "sub": sub, "iat": now, "nbf": now,
        "exp": now + 600, "jti": "security", "ver": ver,
    })
}

async fn me_with(app: &TestApp, authorization: &str) -> reqwest::Response {
    app.client
        .get(app.url("/api/v1/auth/me"))
        .header("authorization", authorization)
        .send()
        .await
        .unwrap()
}

async fn assert_unauthenticated(response: reqwest::Response, what: &str) {
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "{what}: {:?}",
        response.headers()
    );
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(challenge, "Bearer", "{what}");
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn correctly_signed_tokens_for_a_forged_subject_version_or_key_id_are_refused() {
    let app = TestApp::spawn().await;
    let minter = Minter::new(&app).await;
    let me = app.me(&app.admin_token().await).await;
    let admin = me["account"]["id"].as_str().unwrap();
    let control = minter.token(&minter.kid, &claims(admin, 0));
    assert_eq!(
        me_with(&app, &format!("Bearer {control}")).await.status(),
        StatusCode::OK,
        "the control token is accepted"
    );

    let forged = [
        (
            "an account that does not exist",
            minter.token(&minter.kid, &claims(&Uuid::now_v7().to_string(), 0)),
        ),
        (
            "a subject that is not an id",
            minter.token(&minter.kid, &claims("admin", 0)),
        ),
        (
            "SQL as the subject",
            minter.token(&minter.kid, &claims("' OR '1'='1", 0)),
        ),
        (
            "a version the account never had",
            minter.token(&minter.kid, &claims(admin, 1)),
        ),
        (
            "SQL as the key id",
            minter.token("' OR '1'='1", &claims(admin, 0)),
        ),
        (
            "a path as the key id",
            minter.token("../../../etc/passwd", &claims(admin, 0)),
        ),
        (
            "a 10 000-character key id",
            minter.token(&"k".repeat(10_000), &claims(admin, 0)),
        ),
    ];
    for (what, token) in forged {
        assert_unauthenticated(me_with(&app, &format!("Bearer {token}")).await, what).await;
    }
}

#[tokio::test]
async fn hostile_authorization_headers_get_401_or_431_and_the_server_keeps_serving() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (header, claims_part, signature) = {
        let mut parts = admin.split('.');
        (
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().to_owned(),
        )
    };
    // A well-formed JWT whose header is 48 KiB of key id.
    let huge_header = URL_SAFE_NO_PAD
        .encode(json!({ "alg": "HS256", "typ": "JWT", "kid": "k".repeat(48 * 1024) }).to_string());
    let refused = [
        ("basic credentials", "Basic YWRtaW46YWRtaW4=".to_owned()),
        ("a scheme without a token", "Bearer".to_owned()),
        ("two tokens", format!("Bearer {admin} {admin}")),
        ("a token of dots", "Bearer ..".to_owned()),
        (
            "a valid token's parts in the wrong order",
            format!("Bearer {claims_part}.{header}.{signature}"),
        ),
        (
            "a 48 KiB header in a JWT",
            format!("Bearer {huge_header}.{claims_part}.{signature}"),
        ),
        (
            "48 KiB of garbage",
            format!("Bearer {}", "a".repeat(48 * 1024)),
        ),
    ];
    for (what, authorization) in refused {
        assert_unauthenticated(me_with(&app, &authorization).await, what).await;
    }
    // Beyond what the HTTP layer reads, the request is refused before any handler runs.
    let enormous = me_with(&app, &format!("Bearer {}", "a".repeat(1024 * 1024))).await;
    assert_eq!(
        enormous.status(),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        "a 1 MiB header"
    );
    // A token is only ever read from the Authorization header.
    let in_query = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .query(&[("access_token", admin.as_str())])
        .send()
        .await
        .unwrap();
    assert_unauthenticated(in_query, "a token in the query string").await;
    // And the server still serves.
    assert_eq!(
        me_with(&app, &format!("Bearer {admin}")).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_federation_token_signed_by_this_nodes_own_key_opens_nothing_here() {
    let app = TestApp::spawn_with(spawn_config).await;
    let (id, body) = referred_by_partner();
    // What this node sends its partners, replayed to it by one of them: no user token, and
    // this node is not its own partner.
    for audience in ["weihai", "dalian"] {
        let token = app
            .state
            .node_keys
            .sign("dalian", audience, id, &body)
            .await
            .unwrap();
        assert_unauthenticated(
            me_with(&app, &format!("Bearer {token}")).await,
            "on a user route",
        )
        .await;
        let delivered = app
            .client
            .post(app.url("/federation/v1/messages"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_unauthenticated(delivered, "on the federation route").await;
    }
}

// ---------------------------------------------------------------------------------------------
// Mass assignment
// ---------------------------------------------------------------------------------------------

/// The number of cases `token` sees.
async fn case_count(app: &TestApp, token: &str) -> usize {
    let page = app.get_json("/api/v1/cases?limit=100", Some(token)).await;
    page["items"].as_array().unwrap().len()
}

/// Expects 400 `malformed_request` naming `field` as unknown.
async fn refused_unknown(response: reqwest::Response, field: &str) {
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "malformed_request").await;
    assert_eq!(
        (
            problem["errors"][0]["field"].as_str(),
            problem["errors"][0]["code"].as_str()
        ),
        (Some(field), Some("unknown_field")),
        "{problem}"
    );
}

fn with(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

#[tokio::test]
async fn server_owned_case_fields_cannot_be_set_through_intake_or_actions() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let other = app.create_user("li.mediator", "mediator").await;
    let case = app.case_in_mediation(&wang.token).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let before = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
        .await;
    let timeline = app
        .get_json(&format!("/api/v1/cases/{id}/timeline"), Some(&wang.token))
        .await;

    // Intake: fields the server owns are unknown fields; nothing is opened.
    for (field, value) in [
        ("status", json!("closed")),
        ("case_number", json!("（2026）辽0202民调1号")),
        ("id", json!(Uuid::now_v7())),
        ("created_at", json!("2020-01-01T00:00:00Z")),
        ("version", json!(7)),
        ("referring_court_id", json!(other.organization_id)),
        ("enforceable", json!(true)),
        ("consent", json!("given")),
    ] {
        let body = with(dispute(), field, value);
        refused_unknown(
            app.post("/api/v1/cases", Some(&wang.token), Some(&body))
                .await,
            field,
        )
        .await;
    }
    // The handling organisation is a real field, but a mediator may only name their own.
    let elsewhere = with(dispute(), "organization_id", json!(other.organization_id));
    let problem = assert_problem(
        app.post("/api/v1/cases", Some(&wang.token), Some(&elsewhere))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "organization_id");
    assert_eq!(problem["errors"][0]["code"], "not_allowed");
    assert_eq!(case_count(&app, &wang.token).await, 1, "nothing was opened");
    assert_eq!(case_count(&app, &other.token).await, 0, "nothing elsewhere");

    // Actions: the same fields smuggled into an action's body.
    let attempts = [
        (
            "consent",
            json!({ "consent": "given", "status": "settled" }),
            "status",
        ),
        (
            "decline",
            json!({ "reason": "x", "case_number": "X1" }),
            "case_number",
        ),
        (
            "fail",
            json!({ "reason": "x", "routes": [], "organization_id": other.organization_id }),
            "organization_id",
        ),
        (
            "withdraw",
            json!({ "by": "applicant", "reason": "x", "id": Uuid::now_v7() }),
            "id",
        ),
        (
            "assignments",
            json!({ "account_id": wang.id, "assigned_by": other.id }),
            "assigned_by",
        ),
        (
            "agreement/signatures",
            json!({ "mediator": true, "method": "seal", "recorded_at": "2020-01-01T00:00:00Z" }),
            "recorded_at",
        ),
    ];
    for (action, body, field) in attempts {
        refused_unknown(app.act(&wang.token, &id, action, Some(&body)).await, field).await;
    }
    let agreement = json!({ "text": "协议", "terms": [], "effective_at": "2020-01-01T00:00:00Z" });
    refused_unknown(
        app.put(
            &format!("/api/v1/cases/{id}/agreement"),
            &wang.token,
            &agreement,
        )
        .await,
        "effective_at",
    )
    .await;

    let after = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
        .await;
    assert_eq!(after, before, "the case is unchanged, field for field");
    assert_eq!(
        app.get_json(&format!("/api/v1/cases/{id}/timeline"), Some(&wang.token))
            .await,
        timeline,
        "and nothing was recorded"
    );
}

#[tokio::test]
async fn server_owned_account_fields_and_roles_cannot_be_set_through_account_bodies() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let wang = app.create_user("wang", "mediator").await;
    let accounts = app.get_json("/api/v1/accounts", Some(&admin)).await;
    let me = app.me(&wang.token).await;

    let new_account = json!({
        "username": "zhao", "display_name": "赵", "role": "mediator",
        "organization_id": wang.organization_id, "password": USER_PASSWORD,
    });
    for (field, value) in [
        ("status", json!("disabled")),
        ("id", json!(Uuid::now_v7())),
        ("created_at", json!("2020-01-01T00:00:00Z")),
        ("last_login_at", json!("2020-01-01T00:00:00Z")),
        ("auth_version", json!(9)),
        ("password_hash", json!("$argon2id$v=19$m=19456,t=2,p=1$x$y")),
    ] {
        let body = with(new_account.clone(), field, value);
        refused_unknown(
            app.post("/api/v1/accounts", Some(&admin), Some(&body))
                .await,
            field,
        )
        .await;
    }
    assert_eq!(
        app.get_json("/api/v1/accounts", Some(&admin)).await,
        accounts,
        "no account was created"
    );

    // Changing one's own password is no way to change one's role or organisation.
    for (field, value) in [
        ("role", json!("admin")),
        ("organization_id", json!(Uuid::now_v7())),
        ("status", json!("active")),
    ] {
        let body = json!({
            "current_password": USER_PASSWORD, "new_password": "a brand new password", field: value,
        });
        refused_unknown(
            app.post("/api/v1/auth/password", Some(&wang.token), Some(&body))
                .await,
            field,
        )
        .await;
    }
    // Nor is an administrator's password reset.
    let reset = json!({ "new_password": "a brand new password", "role": "admin" });
    refused_unknown(
        app.post(
            &format!("/api/v1/accounts/{}/password", wang.id),
            Some(&admin),
            Some(&reset),
        )
        .await,
        "role",
    )
    .await;
    assert_eq!(
        app.me(&wang.token).await,
        me,
        "the token still works, nothing changed"
    );
    assert_eq!(
        app.login("wang", USER_PASSWORD).await.status(),
        StatusCode::OK
    );
}

// ---------------------------------------------------------------------------------------------
// Oversized and malformed bodies
// ---------------------------------------------------------------------------------------------

async fn post_raw(
    app: &TestApp,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/cases"))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn oversized_and_malformed_case_bodies_are_refused_as_problems_and_store_nothing() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    app.open_case(&wang.token, &dispute()).await;
    let json_type = "application/json";
    let valid = serde_json::to_string(&dispute()).unwrap();

    let over_limit = with(dispute(), "right_title", json!("长".repeat(400_000)));
    let deeply_nested = format!(
        "{{\"track\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let mut invalid_utf8 = valid.replace("一种通信方法", "@@").into_bytes();
    let at = invalid_utf8.windows(2).position(|w| w == b"@@").unwrap();
    invalid_utf8.splice(at..at + 2, [0xff, 0xfe, 0xc3]);
    let mut many_parties = dispute();
    many_parties["parties"] = json!(vec![dispute()["parties"][1].clone(); 4_000]);
    let mut missing = dispute();
    missing.as_object_mut().unwrap().remove("parties");

    let attempts: Vec<(&str, &str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "a body over 1 MiB",
            json_type,
            serde_json::to_vec(&over_limit).unwrap(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            "truncated JSON",
            json_type,
            valid.as_bytes()[..40].to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "an empty body",
            json_type,
            Vec::new(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "trailing garbage",
            json_type,
            format!("{valid} {{}}").into_bytes(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "100 000 nested arrays",
            json_type,
            deeply_nested.into_bytes(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "invalid UTF-8 in a string",
            json_type,
            invalid_utf8,
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "JSON sent as text/plain",
            "text/plain",
            valid.clone().into_bytes(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "a form",
            "application/x-www-form-urlencoded",
            b"track=people&right=1".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "null",
            json_type,
            b"null".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
        (
            "an array",
            json_type,
            b"[]".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
        (
            "a number where text belongs",
            json_type,
            serde_json::to_vec(&with(dispute(), "right", json!(201_080_063_196u64))).unwrap(),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
        (
            "text where a number belongs",
            json_type,
            serde_json::to_vec(&with(dispute(), "amount_fen", json!("many"))).unwrap(),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
        (
            "an object where a list belongs",
            json_type,
            serde_json::to_vec(&with(dispute(), "parties", json!({ "0": {} }))).unwrap(),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
        (
            "a missing required field",
            json_type,
            serde_json::to_vec(&missing).unwrap(),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
        (
            "a duplicated field",
            json_type,
            valid
                .replacen("{", "{\"track\":\"court_delegated\",", 1)
                .into_bytes(),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
        (
            "4 000 parties under the size limit",
            json_type,
            serde_json::to_vec(&many_parties).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ];
    for (what, content_type, body, status, code) in attempts {
        let response = post_raw(&app, &wang.token, content_type, body).await;
        assert_eq!(response.status(), status, "{what}");
        assert_problem(response, status, code).await;
    }
    assert_eq!(case_count(&app, &wang.token).await, 1, "nothing was stored");
    // The control: the same body, well-formed, opens a case.
    let response = post_raw(&app, &wang.token, json_type, valid.into_bytes()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(case_count(&app, &wang.token).await, 2);
}

// ---------------------------------------------------------------------------------------------
// SQL-looking and control-character text
// ---------------------------------------------------------------------------------------------

const DROP_CASES: &str = "'; DROP TABLE cases; --";
const OR_TRUE: &str = "\" OR 1=1 -- 标题";
const LIKE_WILDCARDS: &str = "%_\\ 赔偿";
const RTL_EMOJI_CJK: &str = "\u{202E}evil\u{202C} 😀 张三 Robert'); DROP TABLE parties;--";

fn hostile_dispute() -> Value {
    json!({
        "track": "people", "ip_type": "trademark", "right": "12345678",
        "right_title": OR_TRUE,
        "parties": [
            { "side": "applicant", "kind": "person", "name": DROP_CASES },
            { "side": "respondent", "kind": "person", "name": RTL_EMOJI_CJK }
        ],
        "claims": [LIKE_WILDCARDS, DROP_CASES], "city": "大连"
    })
}

/// The ids of the cases a search for `q` finds.
async fn search(app: &TestApp, token: &str, q: &str) -> Vec<String> {
    let response = app
        .client
        .get(app.url("/api/v1/cases"))
        .bearer_auth(token)
        .query(&[("q", q)])
        .send()
        .await
        .unwrap();
    let page = json_of(response, StatusCode::OK, q).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect()
}

#[tokio::test]
async fn sql_looking_and_unusual_text_is_stored_and_returned_verbatim_and_never_executed() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let plain = id_of(&app.open_case(&wang.token, &dispute()).await);
    let hostile = app.open_case(&wang.token, &hostile_dispute()).await;
    let id = id_of(&hostile);

    let stored = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
        .await;
    for view in [&hostile, &stored] {
        assert_eq!(view["parties"][0]["name"], DROP_CASES);
        assert_eq!(view["parties"][1]["name"], RTL_EMOJI_CJK);
        assert_eq!(view["right_title"], OR_TRUE);
        assert_eq!(view["claims"], json!([LIKE_WILDCARDS, DROP_CASES]));
    }

    // Searches match by prefix, literally: quotes and SQL find the case that holds them,
    // wildcards and escapes match nothing.
    let t = &wang.token;
    assert_eq!(search(&app, t, "'; drop table").await, [id.as_str()]);
    assert_eq!(search(&app, t, "\" or 1=1").await, [id.as_str()]);
    assert_eq!(search(&app, t, "\u{202E}evil").await, [id.as_str()]);
    for wildcard in ["%", "_", "\\", "%%", "' OR '1'='1", "*"] {
        assert_eq!(
            search(&app, t, wildcard).await,
            Vec::<String>::new(),
            "{wildcard}"
        );
    }
    let everything = search(&app, t, "").await;
    assert_eq!(
        everything,
        [id.as_str(), plain.as_str()],
        "newest first, both there"
    );

    // Text kept byte for byte (it is digested) keeps tabs, newlines and everything else.
    let case = id_of(&app.case_in_mediation(t).await);
    let text =
        "第一条\t甲方 '; DROP TABLE case_agreements; --\r\n第二条 \" OR 1=1 -- %_\\ \u{202E}😀 ";
    let recorded = app.record_agreement(t, &case, text).await;
    let recorded = json_of(recorded, StatusCode::OK, "verbatim agreement").await;
    let read = app
        .get_json(&format!("/api/v1/cases/{case}/agreement"), Some(t))
        .await;
    for view in [&recorded, &read] {
        assert_eq!(view["text"], text);
        assert_eq!(view["digest"], ipdr_domain::sha256_hex(text.as_bytes()));
    }

    // The tables are all still there.
    assert_eq!(case_count(&app, t).await, 3);
    for case in [&id, &plain, &case] {
        app.get_json(&format!("/api/v1/cases/{case}/timeline"), Some(t))
            .await;
    }
}

#[tokio::test]
async fn control_characters_in_names_titles_and_claims_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let attempts = [
        ("/parties/0/name", "张\t三", "parties[0].name"),
        ("/parties/1/name", "李\n四", "parties[1].name"),
        ("/parties/0/name", "王\u{0}五", "parties[0].name"),
        ("/right_title", "标题\u{7}", "right_title"),
        ("/claims/0", "赔偿\u{1b}[31m", "claims[0]"),
        ("/claims/0", "赔偿\u{0}", "claims[0]"),
    ];
    for (pointer, value, field) in attempts {
        let mut body = hostile_dispute();
        *body.pointer_mut(pointer).unwrap() = json!(value);
        let response = app
            .post("/api/v1/cases", Some(&wang.token), Some(&body))
            .await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{value:?}: {problem}");
        assert_eq!(
            problem["errors"][0]["code"], "invalid_characters",
            "{value:?}"
        );
    }
    assert_eq!(case_count(&app, &wang.token).await, 0, "nothing was stored");
}

/// PostgreSQL `text` cannot hold NUL (SQLite can): refused alike on both, never a 500.
#[tokio::test]
async fn a_nul_character_is_refused_alike_on_every_database_in_verbatim_text_searches_and_rights() {
    let app = TestApp::spawn_with(spawn_config).await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.case_in_mediation(&wang.token).await;
    let case = id_of(&case);
    let before = app
        .get_json(&format!("/api/v1/cases/{case}"), Some(&wang.token))
        .await;

    let agreement = app
        .record_agreement(&wang.token, &case, "协议\u{0}正文")
        .await;
    let problem = assert_problem(
        agreement,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "text", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "invalid_characters");
    assert_eq!(
        app.get_json(&format!("/api/v1/cases/{case}"), Some(&wang.token))
            .await,
        before,
        "no agreement was recorded"
    );

    let admin = app.admin_token().await;
    let pool = organization(&app, "SECPOOL", "investigator_pool", None).await;
    let investigator = account(&app, &admin, "sec.inv", "调查官", "investigator", &pool).await;
    investigator_profile(&app, &admin, &investigator.id, &pool).await;
    assign_investigator(&app, &wang.token, &case, &investigator.id).await;
    let opinion = app
        .post(
            &format!("/api/v1/cases/{case}/opinions"),
            Some(&investigator.token),
            Some(&json!({ "text": "意见\u{0}正文", "documents": [] })),
        )
        .await;
    let problem = assert_problem(
        opinion,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "text", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "invalid_characters");
    let opinions = app
        .get_json(&format!("/api/v1/cases/{case}/opinions"), Some(&wang.token))
        .await;
    assert_eq!(opinions["items"], json!([]), "no opinion was stored");

    let searched = app
        .client
        .get(app.url("/api/v1/cases"))
        .bearer_auth(&wang.token)
        .query(&[("q", "a\u{0}b")])
        .send()
        .await
        .unwrap();
    let problem = assert_problem(searched, StatusCode::BAD_REQUEST, "invalid_parameter").await;
    assert_eq!(problem["errors"][0]["field"], "q", "{problem}");

    // A referral's right is plain text like a case's: no NUL, no control characters, bounded.
    let partner = Partner::new("weihai");
    let registered = app
        .post(
            "/api/v1/partners",
            Some(&admin),
            Some(&json!({
                "node_id": partner.id, "name": "威海", "city": "威海",
                "base_url": "http://127.0.0.1:9",
                "keys": [{ "kid": partner.kid, "x": keys::public_key(&partner.seed).unwrap() }],
            })),
        )
        .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let agreement = json_of(
        app.post(
            "/api/v1/cooperation-agreements",
            Some(&admin),
            Some(&json!({
                "code": "sec-dalian-weihai", "title": "合作协议", "partner_node": "weihai",
                "ip_types": ["trademark"], "kinds": ["clue_transfer"], "valid_from": "2025-01-01",
                "status": "active", "liaisons": [],
            })),
        )
        .await,
        StatusCode::CREATED,
        "agreement",
    )
    .await;
    let referral = |right: &str| {
        json!({
            "agreement_id": id_of(&agreement), "kind": "clue_transfer", "summary": "线索",
            "ip_type": "trademark", "right_identifier": right,
            "parties": [{ "side": "respondent", "kind": "person", "name": "张三" }],
        })
    };
    for (right, code) in [
        ("商标\u{0}12345678", "invalid_characters"),
        ("商标\n12345678", "invalid_characters"),
        (&"长".repeat(10_000), "too_long"),
    ] {
        let response = app
            .post(
                "/api/v1/referrals",
                Some(&wang.token),
                Some(&referral(right)),
            )
            .await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            problem["errors"][0]["field"], "right_identifier",
            "{problem}"
        );
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
    let list = app.get_json("/api/v1/referrals", Some(&wang.token)).await;
    assert_eq!(list["items"], json!([]), "no referral was sent");
    let sent = app
        .post(
            "/api/v1/referrals",
            Some(&wang.token),
            Some(&referral("12345678")),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED, "the control is sent");
}

// ---------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------

/// A scan of the signed agreement is the agreement: those who may not read the agreement
/// (auditors, investigators) neither download it nor learn it is there; evidence they read.
#[tokio::test]
async fn an_agreement_scan_is_read_only_by_those_who_may_read_the_agreement() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let wang = app.create_user("wang", "mediator").await;
    let auditor = app
        .create_user_in("zhou.auditor", "auditor", &wang.organization_id)
        .await;
    let pool = organization(&app, "SECPOOL", "investigator_pool", None).await;
    let investigator = account(&app, &admin, "sec.inv", "调查官", "investigator", &pool).await;
    investigator_profile(&app, &admin, &investigator.id, &pool).await;
    let case = id_of(&app.case_in_mediation(&wang.token).await);
    assign_investigator(&app, &wang.token, &case, &investigator.id).await;
    let upload = async |kind: &str, content: &'static [u8]| {
        let path = format!("/api/v1/cases/{case}/documents?kind={kind}&filename={kind}.pdf");
        id_of(
            &json_of(
                app.upload_pdf(&path, &wang.token, content).await,
                StatusCode::CREATED,
                kind,
            )
            .await,
        )
    };
    let scan = upload("agreement", b"SCAN-OF-THE-SIGNED-AGREEMENT").await;
    let evidence = upload("evidence", b"EVIDENCE").await;

    let listed = async |token: &str| {
        let list = app
            .get_json(&format!("/api/v1/cases/{case}/documents"), Some(token))
            .await;
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(id_of)
            .collect::<Vec<_>>()
    };
    let download = async |token: &str, document: &str| {
        app.get(
            &format!("/api/v1/cases/{case}/documents/{document}/content"),
            Some(token),
        )
        .await
    };
    assert_eq!(
        listed(&wang.token).await,
        [scan.as_str(), evidence.as_str()]
    );
    let read = download(&wang.token, &scan).await;
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(
        read.bytes().await.unwrap().as_ref(),
        b"SCAN-OF-THE-SIGNED-AGREEMENT"
    );
    // The investigator reads the evidence only; the auditor no party document at all.
    for (who, token, readable) in [
        ("auditor", &auditor.token, vec![]),
        ("investigator", &investigator.token, vec![evidence.as_str()]),
    ] {
        assert_eq!(listed(token).await, readable, "{who} lists");
        let refused = download(token, &scan).await;
        let body = assert_problem(refused, StatusCode::NOT_FOUND, "not_found").await;
        assert!(!body.to_string().contains("SCAN-OF"), "{who}: {body}");
        let expected = if readable.is_empty() {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        };
        assert_eq!(download(token, &evidence).await.status(), expected, "{who}");
    }
}
