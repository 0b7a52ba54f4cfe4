//! Documents of cases: stored by content, downloadable by those who may see the case.
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, assert_problem, dispute, expect_status};

async fn upload(
    app: &TestApp,
    token: &str,
    case: &str,
    name: &str,
    content: &'static [u8],
) -> reqwest::Response {
    app.upload_pdf(
        &format!("/api/v1/cases/{case}/documents?kind=evidence&filename={name}"),
        token,
        content,
    )
    .await
}

#[tokio::test]
async fn a_document_is_stored_with_its_digest_and_downloaded_as_uploaded() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let response = upload(&app, &wang.token, id, "evidence.pdf", b"abc").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let document: Value = response.json().await.unwrap();
    assert_eq!(
        document["sha256"],
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        (document["size"].as_u64(), document["media_type"].as_str()),
        (Some(3), Some("application/pdf"))
    );

    let download = app
        .get(
            &format!(
                "/api/v1/cases/{id}/documents/{}/content",
                document["id"].as_str().unwrap()
            ),
            Some(&wang.token),
        )
        .await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(
        download.headers()["x-content-sha256"],
        document["sha256"].as_str().unwrap()
    );
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("evidence.pdf")
    );
    assert_eq!(download.bytes().await.unwrap().as_ref(), b"abc");

    // The same content again is a second document sharing the stored bytes.
    expect_status(
        upload(&app, &wang.token, id, "copy.pdf", b"abc").await,
        StatusCode::CREATED,
    )
    .await;
    let list = app
        .get_json(&format!("/api/v1/cases/{id}/documents"), Some(&wang.token))
        .await;
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["filename"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["evidence.pdf", "copy.pdf"]);
    let timeline = app
        .get_json(&format!("/api/v1/cases/{id}/timeline"), Some(&wang.token))
        .await;
    assert_eq!(
        timeline["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "upload_document")
            .count(),
        2
    );
}

#[tokio::test]
async fn bad_names_empty_files_and_files_over_the_limit_are_refused_and_nothing_is_stored() {
    let app = TestApp::spawn_with(|c| c.max_document_bytes = 1000).await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let problem = assert_problem(
        upload(&app, &wang.token, id, "..%2Fetc%2Fpasswd", b"x").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "filename");
    assert_problem(
        upload(&app, &wang.token, id, "empty.pdf", b"").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        upload(&app, &wang.token, id, "big.pdf", &[b'x'; 1001]).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    assert_eq!(
        upload(&app, &wang.token, id, "fits.pdf", &[b'x'; 1000])
            .await
            .status(),
        StatusCode::CREATED
    );
    let list = app
        .get_json(&format!("/api/v1/cases/{id}/documents"), Some(&wang.token))
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_auditor_may_read_documents_but_not_upload_and_a_closed_case_takes_none_r5() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let auditor = app
        .create_user_in("zhou.auditor", "auditor", &wang.organization_id)
        .await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    expect_status(
        upload(&app, &wang.token, id, "a.pdf", b"evidence").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        app.get(
            &format!("/api/v1/cases/{id}/documents"),
            Some(&auditor.token)
        )
        .await
        .status(),
        StatusCode::OK
    );
    assert_problem(
        upload(&app, &auditor.token, id, "b.pdf", b"x").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    app.moved(
        &wang.token,
        id,
        "decline",
        Some(&serde_json::json!({ "reason": "不予受理" })),
    )
    .await;
    app.moved(&wang.token, id, "close", None).await;
    let closed = assert_problem(
        upload(&app, &wang.token, id, "late.pdf", b"x").await,
        StatusCode::CONFLICT,
        "case_closed",
    )
    .await;
    assert_eq!(closed["rule"], "R5");
}
