//! Bad input and failures: problem documents everywhere, with the field named and nothing
//! internal revealed.
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{ADMIN_PASSWORD, TestApp, assert_problem};

#[tokio::test]
async fn an_unknown_field_is_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let body = json!({ "username": "admin", "password": ADMIN_PASSWORD, "role": "admin" });
    let response = app.post("/api/v1/auth/login", None, Some(&body)).await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "role");
    assert_eq!(problem["errors"][0]["code"], "unknown_field");
}

#[tokio::test]
async fn a_body_that_is_an_array_is_refused_and_not_read_field_by_field() {
    // Arrange: serde reads a struct from an array of its fields in order.
    let app = TestApp::spawn().await;
    let body = json!(["admin", ADMIN_PASSWORD]);
    // Act
    let response = app.post("/api/v1/auth/login", None, Some(&body)).await;
    // Assert: no token for a body the document does not describe.
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "malformed_request").await;
    assert_eq!(problem["errors"][0]["code"], "invalid_type");
}

#[tokio::test]
async fn mass_assignment_through_create_is_refused_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let body = json!({
        "code": "DLMC", "name": "x", "kind": "mediation_committee", "city": "大连", "status": "disabled",
    });
    let response = app
        .post("/api/v1/organizations", Some(&admin), Some(&body))
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "status");
    let page: Value = app.get_json("/api/v1/organizations", Some(&admin)).await;
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        1,
        "only the operator exists"
    );
}

#[tokio::test]
async fn missing_fields_wrong_types_and_unknown_values_are_named() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let cases = [
        (
            json!({ "name": "x", "kind": "court", "city": "大连" }),
            "code",
            "required",
        ),
        (
            json!({ "code": 7, "name": "x", "kind": "court", "city": "大连" }),
            "code",
            "invalid_type",
        ),
        (
            json!({ "code": "AB", "name": "x", "kind": "bank", "city": "大连" }),
            "kind",
            "unknown_value",
        ),
    ];
    for (body, field, code) in cases {
        let response = app
            .post("/api/v1/organizations", Some(&admin), Some(&body))
            .await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST, "malformed_request").await;
        assert_eq!(
            (
                problem["errors"][0]["field"].as_str(),
                problem["errors"][0]["code"].as_str()
            ),
            (Some(field), Some(code)),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_or_not_declared_json_is_refused() {
    let app = TestApp::spawn().await;
    let not_json = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    assert_problem(not_json, StatusCode::BAD_REQUEST, "malformed_json").await;
    let form = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .body("username=admin")
        .send()
        .await
        .unwrap();
    assert_problem(
        form,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}

#[tokio::test]
async fn a_two_mebibyte_body_is_refused_with_413_before_it_is_read() {
    let app = TestApp::spawn().await;
    let big = format!(
        "{{\"username\":\"admin\",\"password\":\"{}\"}}",
        "x".repeat(2 * 1024 * 1024)
    );
    let verifications = app.state.hasher.verifications();
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert_eq!(
        app.state.hasher.verifications(),
        verifications,
        "no login was attempted"
    );
}

#[tokio::test]
async fn a_two_mebibyte_chunked_body_without_a_length_is_refused_with_413() {
    let app = TestApp::spawn().await;
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..32 {
        let frame = [
            format!("{:x}\r\n", chunk.len()).into_bytes(),
            chunk.clone(),
            b"\r\n".to_vec(),
        ]
        .concat();
        if stream.write_all(&frame).await.is_err() {
            break; // the server may answer and close before the whole body is sent
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer
            .to_lowercase()
            .contains("content-type: application/problem+json"),
        "{answer}"
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_problem_documents() {
    let app = TestApp::spawn().await;
    assert_problem(
        app.get("/api/v1/nothing-here", None).await,
        StatusCode::NOT_FOUND,
        "route_not_found",
    )
    .await;
    let wrong_method = app.delete("/api/v1/auth/login", None).await;
    assert_eq!(wrong_method.headers()["allow"], "POST");
    assert_problem(
        wrong_method,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
}

#[tokio::test]
async fn a_sane_request_id_from_the_caller_is_kept_and_a_hostile_one_replaced() {
    let app = TestApp::spawn().await;
    let kept = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "trace-42");
    let replaced = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "a b\"c")
        .send()
        .await
        .unwrap();
    assert_ne!(replaced.headers()["x-request-id"], "a b\"c");
}

#[tokio::test]
async fn a_database_failure_is_a_500_with_the_request_id_and_nothing_internal() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.db.clone().close().await.unwrap();

    let response = app.get("/api/v1/auth/me", Some(&admin)).await;
    let problem = assert_problem(
        response,
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
    )
    .await;
    let keys: Vec<&str> = problem
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["code", "detail", "request_id", "status", "title", "type"]
    );
    let text = problem.to_string().to_lowercase();
    for leak in [
        "sql", "pool", "select", "database", "sea_orm", ".rs", "panick",
    ] {
        assert!(!text.contains(leak), "`{leak}` leaked: {text}");
    }

    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.headers()["retry-after"], "5");
    assert_problem(ready, StatusCode::SERVICE_UNAVAILABLE, "not_ready").await;
    assert_eq!(
        app.get("/healthz", None).await.status(),
        StatusCode::OK,
        "alive though not ready"
    );
}
