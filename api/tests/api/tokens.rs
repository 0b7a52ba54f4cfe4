//! Access-token validation: every malformed, forged, expired or revoked token gets 401.
//!
//! Tokens are minted here with the instance's own key, so each negative case differs from the
//! accepted control token in exactly one respect.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use ipdr_api::auth::tokens;
use ipdr_persistence::repo::signing_keys;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, USER_PASSWORD, assert_problem, expect_status};

struct Minter {
    kid: String,
    secret: Vec<u8>,
    sub: String,
}

impl Minter {
    async fn for_admin(app: &TestApp) -> Self {
        let key = signing_keys::unretired(&app.db)
            .await
            .unwrap()
            .into_iter()
            .find(|k| k.algorithm == "HS256")
            .unwrap();
        let me: Value = app.me(&app.admin_token().await).await;
        Self {
            kid: key.kid,
            secret: key.secret,
            sub: me["account"]["id"].as_str().unwrap().to_owned(),
        }
    }

    fn claims(&self) -> Value {
        let now = Utc::now().timestamp();
        json!({
            "iss": "ipdr", "aud": "ipdr-api", "sub": self.sub, "iat": now, "nbf": now,
            "exp": now + 600, "jti": "test", "ver": 0,
        })
    }

    fn sign(&self, alg: Algorithm, kid: Option<&str>, claims: &Value) -> String {
        let mut header = Header::new(alg);
        header.kid = kid.map(str::to_owned);
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(&self.secret)).unwrap()
    }

    fn with(&self, change: impl FnOnce(&mut Value)) -> String {
        let mut claims = self.claims();
        change(&mut claims);
        self.sign(Algorithm::HS256, Some(&self.kid), &claims)
    }
}

async fn me_status(app: &TestApp, token: &str) -> StatusCode {
    app.get("/api/v1/auth/me", Some(token)).await.status()
}

async fn assert_refused(app: &TestApp, token: &str, case: &str) {
    let response = app.get("/api/v1/auth/me", Some(token)).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{case}");
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn the_control_token_minted_like_the_negative_cases_is_accepted() {
    let app = TestApp::spawn().await;
    let minter = Minter::for_admin(&app).await;
    assert_eq!(me_status(&app, &minter.with(|_| {})).await, StatusCode::OK);
}

#[tokio::test]
async fn expired_tokens_and_tokens_not_yet_valid_are_refused_beyond_thirty_seconds_of_leeway() {
    let app = TestApp::spawn().await;
    let m = Minter::for_admin(&app).await;
    let now = Utc::now().timestamp();
    assert_refused(
        &app,
        &m.with(|c| c["exp"] = json!(now - 3600)),
        "expired an hour ago",
    )
    .await;
    assert_refused(
        &app,
        &m.with(|c| c["exp"] = json!(now - 40)),
        "expired 40 s ago",
    )
    .await;
    assert_refused(
        &app,
        &m.with(|c| c["nbf"] = json!(now + 3600)),
        "valid in an hour",
    )
    .await;
    assert_refused(
        &app,
        &m.with(|c| c["nbf"] = json!(now + 40)),
        "valid in 40 s",
    )
    .await;
    // Inside the leeway a few seconds of clock skew are tolerated.
    assert_eq!(
        me_status(&app, &m.with(|c| c["nbf"] = json!(now + 5))).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_wrong_audience_or_issuer_is_refused() {
    let app = TestApp::spawn().await;
    let m = Minter::for_admin(&app).await;
    assert_refused(&app, &m.with(|c| c["aud"] = json!("another-api")), "aud").await;
    assert_refused(&app, &m.with(|c| c["iss"] = json!("someone-else")), "iss").await;
}

#[tokio::test]
async fn tokens_missing_a_required_claim_are_refused() {
    let app = TestApp::spawn().await;
    let m = Minter::for_admin(&app).await;
    for claim in ["exp", "nbf", "iss", "aud", "sub"] {
        let token = m.with(|c| {
            c.as_object_mut().unwrap().remove(claim);
        });
        assert_refused(&app, &token, claim).await;
    }
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_refused() {
    let app = TestApp::spawn().await;
    let m = Minter::for_admin(&app).await;
    let header =
        URL_SAFE_NO_PAD.encode(json!({ "alg": "none", "typ": "JWT", "kid": m.kid }).to_string());
    let claims = URL_SAFE_NO_PAD.encode(m.claims().to_string());
    assert_refused(&app, &format!("{header}.{claims}."), "alg none").await;
}

#[tokio::test]
async fn another_algorithm_with_the_right_key_is_refused() {
    let app = TestApp::spawn().await;
    let m = Minter::for_admin(&app).await;
    assert_refused(
        &app,
        &m.sign(Algorithm::HS512, Some(&m.kid), &m.claims()),
        "HS512",
    )
    .await;
}

#[tokio::test]
async fn a_tampered_token_is_refused() {
    let app = TestApp::spawn().await;
    let m = Minter::for_admin(&app).await;
    let token = m.with(|_| {});
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims = m.claims();
    claims["sub"] = json!(uuid::Uuid::now_v7().to_string());
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    assert_refused(&app, &forged, "payload swapped").await;
    let mut signature = parts[2].to_owned();
    let last = if signature.ends_with('A') { "B" } else { "A" };
    signature.replace_range(signature.len() - 1.., last);
    assert_refused(
        &app,
        &format!("{}.{}.{signature}", parts[0], parts[1]),
        "signature changed",
    )
    .await;
    assert_refused(&app, "not-a-token", "garbage").await;
}

#[tokio::test]
async fn an_unknown_or_missing_key_id_is_refused() {
    let app = TestApp::spawn().await;
    let m = Minter::for_admin(&app).await;
    assert_refused(
        &app,
        &m.sign(Algorithm::HS256, Some("k-unknown"), &m.claims()),
        "unknown kid",
    )
    .await;
    assert_refused(&app, &m.sign(Algorithm::HS256, None, &m.claims()), "no kid").await;
}

#[tokio::test]
async fn disabling_an_account_ends_its_existing_tokens_on_the_next_request() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    assert_eq!(me_status(&app, &wang.token).await, StatusCode::OK);

    let admin = app.admin_token().await;
    expect_status(
        app.post(
            &format!("/api/v1/accounts/{}/disable", wang.id),
            Some(&admin),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_refused(&app, &wang.token, "disabled account").await;

    // Re-enabling does not revive the old token; a new login works.
    expect_status(
        app.post(
            &format!("/api/v1/accounts/{}/enable", wang.id),
            Some(&admin),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_refused(&app, &wang.token, "token from before the disabling").await;
    assert_eq!(
        app.login("wang", USER_PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn disabling_an_organisation_ends_its_members_tokens_and_logins() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let admin = app.admin_token().await;
    let r = app
        .post(
            &format!("/api/v1/organizations/{}/disable", wang.organization_id),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_refused(&app, &wang.token, "member of a disabled organisation").await;
    assert_eq!(
        app.login("wang", USER_PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_password_reset_by_an_admin_ends_the_accounts_tokens() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let admin = app.admin_token().await;
    let body = json!({ "new_password": "a reset password" });
    let r = app
        .post(
            &format!("/api/v1/accounts/{}/password", wang.id),
            Some(&admin),
            Some(&body),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_refused(&app, &wang.token, "token from before the reset").await;
    assert_eq!(
        app.login("wang", "a reset password").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_rotated_key_keeps_verifying_until_it_is_retired() {
    let app = TestApp::spawn().await;
    let old_token = app.admin_token().await;
    let old_kid = jsonwebtoken::decode_header(&old_token)
        .unwrap()
        .kid
        .unwrap();

    let new_kid = tokens::rotate(&app.db).await.unwrap();
    app.state.keys.refresh().await.unwrap();
    let new_token = app.admin_token().await;
    let header = jsonwebtoken::decode_header(&new_token).unwrap();
    assert_eq!(
        header.kid.as_deref(),
        Some(new_kid.as_str()),
        "new tokens are signed with the new key"
    );
    assert_eq!(
        me_status(&app, &old_token).await,
        StatusCode::OK,
        "old tokens still verify"
    );

    assert!(
        signing_keys::retire(&app.db, &old_kid, Utc::now())
            .await
            .unwrap()
    );
    app.state.keys.refresh().await.unwrap();
    assert_refused(&app, &old_token, "signed by a retired key").await;
    assert_eq!(me_status(&app, &new_token).await, StatusCode::OK);
}

#[tokio::test]
async fn a_key_rotated_by_another_process_is_picked_up_on_first_sight_of_its_kid() {
    let app = TestApp::spawn().await;
    let m = Minter::for_admin(&app).await;
    // Another process (or `ipdr keys rotate`) adds a key; this process has not refreshed yet.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let kid = tokens::rotate(&app.db).await.unwrap();
    let key = signing_keys::unretired(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.kid == kid)
        .unwrap();
    let other = Minter {
        kid: key.kid,
        secret: key.secret,
        sub: m.sub.clone(),
    };
    assert_eq!(me_status(&app, &other.with(|_| {})).await, StatusCode::OK);
}
