//! Referrals and the federation protocol against one node, with partner nodes played by keys
//! the test holds: agreement scope, signatures, audiences, replays, and what a partner can reach.
use ipdr_api::federation::keys;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, TestUser, expect_status};

/// A partner node the test plays: its id and signing key.
pub(crate) struct FakePartner {
    id: &'static str,
    kid: String,
    seed: Vec<u8>,
}

impl FakePartner {
    fn new(id: &'static str) -> Self {
        let (kid, seed) = keys::generate();
        Self { id, kid, seed }
    }

    fn public(&self) -> String {
        keys::public_key(&self.seed).unwrap()
    }

    /// A token for `body`, signed with `seed` under `kid`, from this partner to `aud`.
    fn token_with(&self, kid: &str, seed: &[u8], aud: &str, id: Uuid, body: &[u8]) -> String {
        keys::sign(
            kid,
            &keys::encoding_key(seed).unwrap(),
            self.id,
            aud,
            id,
            body,
        )
        .unwrap()
    }

    pub(crate) fn token(&self, aud: &str, id: Uuid, body: &[u8]) -> String {
        self.token_with(&self.kid, &self.seed, aud, id, body)
    }
}

pub(crate) fn message(from: &str, referral: Uuid, seq: i64, step: Value) -> (Uuid, Vec<u8>) {
    let id = Uuid::now_v7();
    let body = json!({
        "id": id, "referral_id": referral, "seq": seq, "from": from, "to": "dalian",
        "at": "2026-11-20T02:00:00Z", "on": "2026-11-20", "role": "liaison", "step": step,
    });
    (id, serde_json::to_vec(&body).unwrap())
}

pub(crate) fn referred() -> Value {
    json!({
        "type": "referred", "agreement_code": "dalian-weihai-gi", "kind": "clue_transfer",
        "ip_type": "geographical_indication", "summary": "线索：威海市场发现假冒大连苹果",
        "parties": [{ "side": "respondent", "kind": "organization", "name": "威海某果品商行" }],
        "documents": []
    })
}

pub(crate) async fn deliver(app: &TestApp, token: &str, body: &[u8]) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url("/federation/v1/messages"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub(crate) struct Dalian {
    pub(crate) app: TestApp,
    pub(crate) liaison: TestUser,
    agreement: String,
    pub(crate) weihai: FakePartner,
}

async fn register(app: &TestApp, partner: &FakePartner) {
    let admin = app.admin_token().await;
    let response = app
        .post(
            "/api/v1/partners",
            Some(&admin),
            Some(&json!({
                "node_id": partner.id, "name": partner.id, "city": partner.id,
                // Nothing listens there: deliveries to it just wait in the outbox.
                "base_url": "http://127.0.0.1:9",
                "keys": [{ "kid": partner.kid, "x": partner.public() }],
            })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

pub(crate) async fn dalian() -> Dalian {
    let app = TestApp::spawn_with(|c| {
        c.federation.node_id = ipdr_domain::referral::NodeId::parse("dalian").unwrap();
    })
    .await;
    app.set_today("2026-11-20");
    let liaison = app.create_user("dl.liaison", "liaison").await;
    let weihai = FakePartner::new("weihai");
    register(&app, &weihai).await;
    let admin = app.admin_token().await;
    let response = app
        .post(
            "/api/v1/cooperation-agreements",
            Some(&admin),
            Some(&json!({
                "code": "dalian-weihai-gi", "title": "大连—威海地理标志保护合作",
                "partner_node": "weihai", "ip_types": ["geographical_indication"],
                "kinds": ["clue_transfer"], "valid_from": "2025-01-01", "valid_until": "2027-12-31",
                "status": "active", "liaisons": [liaison.id],
            })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let agreement: Value = response.json().await.unwrap();
    Dalian {
        agreement: agreement["id"].as_str().unwrap().to_owned(),
        app,
        liaison,
        weihai,
    }
}

fn outgoing(agreement: &str, kind: &str, ip_type: &str) -> Value {
    json!({
        "agreement_id": agreement, "kind": kind, "summary": "请协查", "ip_type": ip_type,
        "parties": [{ "side": "respondent", "kind": "person", "name": "张三" }],
    })
}

async fn nothing_sent(d: &Dalian) {
    let list = d
        .app
        .get_json("/api/v1/referrals", Some(&d.liaison.token))
        .await;
    assert_eq!(list["items"], json!([]), "no referral stored");
    let admin = d.app.admin_token().await;
    let outbox = d
        .app
        .get_json("/api/v1/federation/outbox", Some(&admin))
        .await;
    assert_eq!(outbox["items"], json!([]), "nothing queued for the partner");
}

async fn refused_naming(d: &Dalian, body: &Value, field: &str) {
    let response = d
        .app
        .post("/api/v1/referrals", Some(&d.liaison.token), Some(body))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = response.json().await.unwrap();
    let fields: Vec<_> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(fields, [json!(field)], "{problem}");
}

#[tokio::test]
async fn referrals_outside_the_agreement_or_to_an_unregistered_node_are_refused_naming_the_clause()
{
    let d = dalian().await;
    // Outside the scope: a kind and an IP type the agreement does not cover.
    refused_naming(
        &d,
        &outgoing(&d.agreement, "crime_transfer", "geographical_indication"),
        "agreement.kinds",
    )
    .await;
    refused_naming(
        &d,
        &outgoing(&d.agreement, "clue_transfer", "copyright"),
        "agreement.ip_types",
    )
    .await;
    // Expired: the day after its last valid day.
    d.app.set_today("2028-01-01");
    refused_naming(
        &d,
        &outgoing(&d.agreement, "clue_transfer", "geographical_indication"),
        "agreement.status",
    )
    .await;
    d.app.set_today("2026-11-20");
    // Suspended.
    let admin = d.app.admin_token().await;
    let suspended = d
        .app
        .put(
            &format!("/api/v1/cooperation-agreements/{}/status", d.agreement),
            &admin,
            &json!({ "status": "suspended" }),
        )
        .await;
    assert_eq!(suspended.status(), StatusCode::OK);
    refused_naming(
        &d,
        &outgoing(&d.agreement, "clue_transfer", "geographical_indication"),
        "agreement.status",
    )
    .await;
    // An agreement with a node nobody registered here.
    let response = d
        .app
        .post(
            "/api/v1/cooperation-agreements",
            Some(&admin),
            Some(&json!({
                "code": "dalian-yantai-gi", "title": "大连—烟台", "partner_node": "yantai",
                "ip_types": ["geographical_indication"], "kinds": ["clue_transfer"],
                "valid_from": "2025-01-01", "status": "active",
            })),
        )
        .await;
    let yantai: Value = expect_status(response, StatusCode::CREATED)
        .await
        .json()
        .await
        .unwrap();
    refused_naming(
        &d,
        &outgoing(
            yantai["id"].as_str().unwrap(),
            "clue_transfer",
            "geographical_indication",
        ),
        "agreement_id",
    )
    .await;
    nothing_sent(&d).await;
    // The control: back to active, the same referral goes.
    let active = d
        .app
        .put(
            &format!("/api/v1/cooperation-agreements/{}/status", d.agreement),
            &admin,
            &json!({ "status": "active" }),
        )
        .await;
    assert_eq!(active.status(), StatusCode::OK);
    let sent = d
        .app
        .post(
            "/api/v1/referrals",
            Some(&d.liaison.token),
            Some(&outgoing(
                &d.agreement,
                "clue_transfer",
                "geographical_indication",
            )),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);

    // The refused sends and the one that went are in the audit trail, and so is the outgoing
    // message's first (failed: nothing listens) delivery attempt, by this node.
    let referral: Value = sent.json().await.unwrap();
    let object = format!("referral:{}", referral["id"].as_str().unwrap());
    let sends: Vec<_> = d
        .app
        .audit_records()
        .await
        .into_iter()
        .filter(|r| r.action == "send_referral")
        .map(|r| (r.outcome, r.status))
        .collect();
    assert_eq!(sends.last(), Some(&("succeeded".to_owned(), 201)));
    assert!(
        sends[..sends.len() - 1]
            .iter()
            .all(|s| s == &("invalid".to_owned(), 422))
    );
    let mut delivery = None;
    for _ in 0..100 {
        let records = d.app.audit_records().await;
        delivery = records
            .into_iter()
            .find(|r| r.action == "federation.deliver");
        if delivery.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let delivery = delivery.expect("the delivery attempt is audited");
    assert_eq!(
        (
            delivery.outcome.as_str(),
            delivery.actor.as_deref(),
            delivery.role.as_deref(),
            delivery.object.as_str()
        ),
        (
            "retrying",
            Some("node:dalian"),
            Some("node"),
            object.as_str()
        )
    );
    let detail = delivery.detail.unwrap();
    assert!(
        detail.starts_with("message ") && detail.ends_with(" seq 1 to weihai attempt 1"),
        "{detail}"
    );
}

#[tokio::test]
async fn forged_misaddressed_unknown_key_and_replayed_messages_have_no_effect() {
    let d = dalian().await;
    let referral = Uuid::now_v7();
    let (id, body) = message("weihai", referral, 1, referred());
    let stranger = FakePartner::new("weihai");

    // A bad signature: signed by another key under Weihai's kid.
    let forged = d
        .weihai
        .token_with(&d.weihai.kid, &stranger.seed, "dalian", id, &body);
    assert_eq!(
        deliver(&d.app, &forged, &body).await.0,
        StatusCode::UNAUTHORIZED
    );
    // A wrong audience.
    assert_eq!(
        deliver(&d.app, &d.weihai.token("xining", id, &body), &body)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    // An unknown key.
    let unknown = d
        .weihai
        .token_with(&stranger.kid, &stranger.seed, "dalian", id, &body);
    assert_eq!(
        deliver(&d.app, &unknown, &body).await.0,
        StatusCode::UNAUTHORIZED
    );
    // A good token for another body.
    let (_, other_body) = message("weihai", referral, 1, referred());
    assert_eq!(
        deliver(&d.app, &d.weihai.token("dalian", id, &other_body), &body)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    // A user token on the federation route.
    assert_eq!(
        deliver(&d.app, &d.liaison.token, &body).await.0,
        StatusCode::UNAUTHORIZED
    );
    let missing = d
        .app
        .get(
            &format!("/api/v1/referrals/{referral}"),
            Some(&d.liaison.token),
        )
        .await;
    assert_eq!(
        missing.status(),
        StatusCode::NOT_FOUND,
        "none of them had an effect"
    );

    // The genuine message applies; its replay answers the same and applies nothing again.
    let token = d.weihai.token("dalian", id, &body);
    let (status, first) = deliver(&d.app, &token, &body).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["status"], "sent");
    let (status, again) = deliver(&d.app, &d.weihai.token("dalian", id, &body), &body).await;
    assert_eq!((status, &again), (StatusCode::OK, &first));
    let stored = d
        .app
        .get_json(
            &format!("/api/v1/referrals/{referral}"),
            Some(&d.liaison.token),
        )
        .await;
    assert_eq!(stored["direction"], "incoming");
    assert_eq!(
        stored["events"].as_array().unwrap().len(),
        1,
        "applied once"
    );
    // R28 clocks from the sending day: Fri 2026-11-20 + 2 / 5 working days.
    let due: Vec<_> = stored["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["clock"].clone(), c["due_on"].clone()))
        .collect();
    assert_eq!(
        due,
        [
            (json!("acknowledge"), json!("2026-11-24")),
            (json!("decide"), json!("2026-11-27"))
        ]
    );

    // A federation token is no user token.
    let on_user_route = d
        .app
        .get(&format!("/api/v1/referrals/{referral}"), Some(&token))
        .await;
    assert_eq!(on_user_route.status(), StatusCode::UNAUTHORIZED);

    // Every message received is audited: the refused ones anonymously, the applied one and
    // its replay under the partner's name, against the referral.
    let received: Vec<_> = d
        .app
        .audit_records()
        .await
        .into_iter()
        .filter(|r| r.action == "receive_message")
        .map(|r| (r.outcome, r.actor, r.object, r.detail))
        .collect();
    let refused = (
        "unauthenticated".to_owned(),
        None,
        "/federation/v1/messages".to_owned(),
        None,
    );
    let applied = (
        "succeeded".to_owned(),
        Some("partner:weihai".to_owned()),
        format!("referral:{referral}"),
        Some(format!("message {id} seq 1")),
    );
    assert_eq!(
        received,
        [
            refused.clone(),
            refused.clone(),
            refused.clone(),
            refused.clone(),
            refused,
            applied.clone(),
            applied
        ]
    );
}

#[tokio::test]
async fn a_partner_reaches_only_the_referrals_addressed_to_it() {
    let d = dalian().await;
    let yantai = FakePartner::new("yantai");
    register(&d.app, &yantai).await;
    let sent = d
        .app
        .post(
            "/api/v1/referrals",
            Some(&d.liaison.token),
            Some(&outgoing(
                &d.agreement,
                "clue_transfer",
                "geographical_indication",
            )),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let sent: Value = sent.json().await.unwrap();
    let referral: Uuid = sent["id"].as_str().unwrap().parse().unwrap();

    // Yantai, a registered partner, tries to answer Weihai's referral: not found, no effect.
    let (id, body) = message("yantai", referral, 1, json!({ "type": "acknowledged" }));
    let (status, answer) = deliver(&d.app, &yantai.token("dalian", id, &body), &body).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        !answer.to_string().contains("请协查"),
        "nothing of the referral leaks: {answer}"
    );
    let unchanged = d
        .app
        .get_json(
            &format!("/api/v1/referrals/{referral}"),
            Some(&d.liaison.token),
        )
        .await;
    assert_eq!(unchanged["status"], "sent");
    assert_eq!(unchanged["version"], sent["version"]);
    // Nor can it read anything through the user API.
    for path in [
        format!("/api/v1/referrals/{referral}"),
        "/api/v1/referrals".to_owned(),
        "/api/v1/cases".to_owned(),
    ] {
        let token = yantai.token("dalian", Uuid::now_v7(), b"");
        assert_eq!(
            d.app.get(&path, Some(&token)).await.status(),
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    // A step only the sender may take is refused even from the addressee.
    let (id, body) = message(
        "weihai",
        referral,
        1,
        json!({ "type": "information_provided", "answer": "x" }),
    );
    let (status, _) = deliver(&d.app, &d.weihai.token("dalian", id, &body), &body).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Weihai, the addressee, acknowledges it.
    let (id, body) = message("weihai", referral, 1, json!({ "type": "acknowledged" }));
    let (status, receipt) = deliver(&d.app, &d.weihai.token("dalian", id, &body), &body).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(receipt["status"], "acknowledged");
    // Out of order: message 3 before message 2.
    let (id, body) = message("weihai", referral, 3, json!({ "type": "accepted" }));
    let (status, problem) = deliver(&d.app, &d.weihai.token("dalian", id, &body), &body).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("out_of_order"))
    );
    let after = d
        .app
        .get_json(
            &format!("/api/v1/referrals/{referral}"),
            Some(&d.liaison.token),
        )
        .await;
    assert_eq!(after["status"], "acknowledged");
    let steps: Vec<_> = after["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["step"].clone())
        .collect();
    assert_eq!(steps, [json!("referred"), json!("acknowledged")]);
}

/// R28: the receiving node's liaison officers are told of the referral when it arrives, and of
/// its clocks as their lead days come — each once, however often the sweep runs.
#[tokio::test]
async fn the_liaison_officers_are_told_of_a_referral_and_of_its_clocks_once() {
    use ipdr_api::service::notifications::sweep_deadlines;
    let d = dalian().await;
    let referral = Uuid::now_v7();
    let (id, body) = message("weihai", referral, 1, referred());
    let (status, _) = deliver(&d.app, &d.weihai.token("dalian", id, &body), &body).await;
    assert_eq!(status, StatusCode::OK);
    let other = d.app.create_user("other.liaison", "liaison").await;
    let told = |token: String| {
        let app = &d.app;
        async move {
            let page = app.get_json("/api/v1/notifications", Some(&token)).await;
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| {
                    (
                        n["kind"].as_str().unwrap().to_owned(),
                        n["due_on"].as_str().unwrap_or("-").to_owned(),
                        n["referral_id"].as_str().unwrap().to_owned(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let r = referral.to_string();
    let received = ("referral_received".to_owned(), "-".to_owned(), r.clone());
    assert_eq!(
        told(d.liaison.token.clone()).await,
        std::slice::from_ref(&received)
    );
    // The acknowledgement is due Tue 24 November, the decision Fri 27 November (R28).
    for day in ["2026-11-20", "2026-11-20", "2026-11-23"] {
        d.app.set_today(day);
        sweep_deadlines(&d.app.state).await.unwrap();
    }
    let approaching = |due: &str| ("deadline_approaching".to_owned(), due.to_owned(), r.clone());
    // 20 November is two working days before the 24th (the weekend between).
    assert_eq!(
        told(d.liaison.token.clone()).await,
        [approaching("2026-11-24"), received.clone()]
    );
    d.app.set_today("2026-11-25");
    sweep_deadlines(&d.app.state).await.unwrap();
    sweep_deadlines(&d.app.state).await.unwrap();
    assert_eq!(
        told(d.liaison.token.clone()).await,
        [
            approaching("2026-11-27"),
            (
                "deadline_breached".to_owned(),
                "2026-11-24".to_owned(),
                r.clone()
            ),
            approaching("2026-11-24"),
            received
        ]
    );
    assert!(
        told(other.token).await.is_empty(),
        "a liaison officer not on the agreement"
    );
}
