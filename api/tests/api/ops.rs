//! Probes and documentation.
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;

#[tokio::test]
async fn the_probes_answer_when_the_database_is_reachable() {
    let app = TestApp::spawn().await;
    let health: Value = app.get("/healthz", None).await.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "ready");
}

#[tokio::test]
async fn the_served_spec_is_the_committed_one_and_the_docs_page_shows_it() {
    let app = TestApp::spawn().await;
    let served = app.get("/openapi.json", None).await.text().await.unwrap();
    assert_eq!(served, ipdr_api::openapi::spec_json());
    let docs = app.get("/docs", None).await;
    assert_eq!(docs.status(), StatusCode::OK);
    let html = docs.text().await.unwrap();
    assert!(
        html.contains("SwaggerUIBundle") && html.contains("\"operationId\": \"create_account\"")
    );
    assert!(
        html.contains("\"additionalProperties\": false"),
        "the UI shows the post-processed spec"
    );
}
