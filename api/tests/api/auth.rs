//! Logging in, the caller's own account, throttling.
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, TestApp, USER_PASSWORD, assert_problem, expect_status};

#[tokio::test]
async fn an_admin_creates_a_mediator_who_logs_in_and_sees_themselves() {
    // Arrange
    let app = TestApp::spawn().await;
    let org = app
        .create_organization("DLIPMC", "mediation_committee", None)
        .await;

    // Act
    let wang = app
        .create_user_in("wang.mediator", "mediator", org["id"].as_str().unwrap())
        .await;
    let me = app.get("/api/v1/auth/me", Some(&wang.token)).await;

    // Assert
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["account"]["username"], "wang.mediator");
    assert_eq!(me["account"]["role"], "mediator");
    assert_eq!(me["organization"]["code"], "DLIPMC");
    assert!(me["account"].get("password_hash").is_none() && !me.to_string().contains("argon2"));
}

#[tokio::test]
async fn login_answers_a_bearer_token_with_its_lifetime() {
    let app = TestApp::spawn().await;
    let response = app.login("ADMIN", ADMIN_PASSWORD).await; // usernames are case-insensitive
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["access_token"].as_str().unwrap().split('.').count(), 3);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer_for_the_same_work() {
    let app = TestApp::spawn().await;
    let strip = |mut body: Value| {
        body.as_object_mut().unwrap().remove("request_id");
        body
    };
    let headers = |r: &reqwest::Response| {
        let mut names: Vec<String> = r
            .headers()
            .iter()
            .filter(|(n, _)| !["date", "x-request-id", "content-length"].contains(&n.as_str()))
            .map(|(n, v)| format!("{n}: {}", v.to_str().unwrap()))
            .collect();
        names.sort();
        names
    };

    let before = app.state.hasher.verifications();
    let wrong = app.login("admin", "not the admin password").await;
    let after_wrong = app.state.hasher.verifications();
    let unknown = app.login("nobody-at-all", "not the admin password").await;
    let after_unknown = app.state.hasher.verifications();

    assert_eq!(headers(&wrong), headers(&unknown));
    let wrong = strip(assert_problem(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await);
    let unknown =
        strip(assert_problem(unknown, StatusCode::UNAUTHORIZED, "invalid_credentials").await);
    assert_eq!(wrong, unknown);
    // Both ran exactly one argon2 verification: the unknown user is checked against a dummy hash.
    assert_eq!((after_wrong - before, after_unknown - after_wrong), (1, 1));
}

#[tokio::test]
async fn a_disabled_account_with_the_right_password_looks_like_a_wrong_password() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let admin = app.admin_token().await;
    let disabled = app
        .post(
            &format!("/api/v1/accounts/{}/disable", wang.id),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(disabled.status(), StatusCode::OK);

    let response = app.login("wang", USER_PASSWORD).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}

#[tokio::test]
async fn repeated_failures_throttle_the_account_even_for_the_right_password_until_the_window_passes()
 {
    let window = Duration::from_secs(2);
    let app = TestApp::spawn_with(|c| {
        c.login.max_failures_per_account = 3;
        c.login.window = window;
    })
    .await;
    for _ in 0..3 {
        let r = app.login("admin", "wrong password").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }

    let verifications = app.state.hasher.verifications();
    let refused = app.login("admin", ADMIN_PASSWORD).await;
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "Retry-After: {retry_after}");
    assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "login_throttled").await;
    assert_eq!(
        app.state.hasher.verifications(),
        verifications,
        "a throttled login costs no hash"
    );

    tokio::time::sleep(window + Duration::from_millis(100)).await;
    assert_eq!(
        app.login("admin", ADMIN_PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn repeated_failures_from_one_address_throttle_every_name_it_tries() {
    let app = TestApp::spawn_with(|c| {
        c.login.max_failures_per_address = 4;
        c.login.max_failures_per_account = 100;
    })
    .await;
    for name in ["a1", "a2", "a3", "a4"] {
        assert_eq!(
            app.login(name, "guess guess guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let refused = app.login("admin", ADMIN_PASSWORD).await;
    assert!(refused.headers().contains_key("retry-after"));
    assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "login_throttled").await;
}

#[tokio::test]
async fn a_successful_login_resets_the_account_count() {
    let app = TestApp::spawn_with(|c| c.login.max_failures_per_account = 3).await;
    for _ in 0..2 {
        expect_status(
            app.login("admin", "wrong password").await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    assert_eq!(
        app.login("admin", ADMIN_PASSWORD).await.status(),
        StatusCode::OK
    );
    for _ in 0..2 {
        expect_status(
            app.login("admin", "wrong password").await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    assert_eq!(
        app.login("admin", ADMIN_PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn changing_ones_password_needs_the_current_one_and_ends_every_older_token() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let change =
        |current: &str, new: &str| json!({ "current_password": current, "new_password": new });

    let wrong = app
        .post(
            "/api/v1/auth/password",
            Some(&wang.token),
            Some(&change("nope", "a brand new password")),
        )
        .await;
    let body = assert_problem(wrong, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "current_password");
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&wang.token)).await.status(),
        StatusCode::OK,
        "unchanged"
    );

    let weak = app
        .post(
            "/api/v1/auth/password",
            Some(&wang.token),
            Some(&change(USER_PASSWORD, "short")),
        )
        .await;
    let body = assert_problem(weak, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "new_password");

    let ok = app
        .post(
            "/api/v1/auth/password",
            Some(&wang.token),
            Some(&change(USER_PASSWORD, "a brand new password")),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get("/api/v1/auth/me", Some(&wang.token)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    assert_eq!(
        app.login("wang", USER_PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("wang", "a brand new password").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn me_without_a_token_is_401_with_a_bearer_challenge() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/auth/me", None).await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}
