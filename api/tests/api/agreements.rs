//! The settlement agreement: digest, frozen at the first signature, effective at the last (R6),
//! and the confirmation window it opens (R8) counted on the official calendar (R30).
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, expect_status};

#[tokio::test]
async fn the_agreement_shows_the_sha256_of_its_text() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.case_in_mediation(&wang.token).await;
    let id = case["id"].as_str().unwrap();
    let recorded = app.record_agreement(&wang.token, id, "abc").await;
    assert_eq!(recorded.status(), StatusCode::OK);
    let agreement: Value = recorded.json().await.unwrap();
    // SHA-256("abc"), the FIPS 180-2 test vector.
    assert_eq!(
        agreement["digest"],
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        agreement["signatures_required"], 3,
        "two parties and the mediator"
    );
    let summary = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
        .await;
    assert_eq!(summary["agreement"]["digest"], agreement["digest"]);
}

#[tokio::test]
async fn the_text_cannot_change_after_the_first_signature_r6() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.case_in_mediation(&wang.token).await;
    let id = case["id"].as_str().unwrap();
    assert_eq!(
        app.record_agreement(&wang.token, id, "第一稿")
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.record_agreement(&wang.token, id, "第二稿")
            .await
            .status(),
        StatusCode::OK,
        "replaceable before signing"
    );
    let before: Value = app
        .get_json(&format!("/api/v1/cases/{id}/agreement"), Some(&wang.token))
        .await;

    let first = app
        .sign(
            &wang.token,
            id,
            &json!({ "party_number": 2, "method": "fingerprint" }),
        )
        .await;
    assert_eq!(first.status(), StatusCode::OK);
    let changed = app
        .record_agreement(&wang.token, id, "偷偷改过的第三稿")
        .await;
    let problem = assert_problem(changed, StatusCode::CONFLICT, "agreement_frozen").await;
    assert_eq!(problem["rule"], "R6");

    let after: Value = app
        .get_json(&format!("/api/v1/cases/{id}/agreement"), Some(&wang.token))
        .await;
    assert_eq!(
        (after["text"].as_str(), &after["digest"]),
        (Some("第二稿"), &before["digest"])
    );
    assert_eq!(after["signatures"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_agreement_takes_effect_at_the_last_signature_and_settles_the_case_r6() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.case_in_mediation(&wang.token).await;
    let id = case["id"].as_str().unwrap();
    let early = app
        .sign(
            &wang.token,
            id,
            &json!({ "mediator": true, "method": "signature" }),
        )
        .await;
    assert_problem(early, StatusCode::CONFLICT, "no_agreement").await;
    expect_status(
        app.record_agreement(&wang.token, id, "协议").await,
        StatusCode::OK,
    )
    .await;

    for (signer, settled) in [
        (json!({ "mediator": true, "method": "signature" }), false),
        (json!({ "party_number": 1, "method": "seal" }), false),
        (json!({ "party_number": 2, "method": "signature" }), true),
    ] {
        let agreement: Value =
            expect_status(app.sign(&wang.token, id, &signer).await, StatusCode::OK)
                .await
                .json()
                .await
                .unwrap();
        assert_eq!(agreement.get("effective_at").is_some(), settled);
        let now = app
            .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
            .await;
        assert_eq!(now["status"] == "settled", settled);
    }
    let twice = app
        .sign(
            &wang.token,
            id,
            &json!({ "party_number": 1, "method": "seal" }),
        )
        .await;
    assert_problem(twice, StatusCode::CONFLICT, "invalid_transition").await;
    let settle_by_hand = app.act(&wang.token, id, "close", None).await;
    assert_problem(settle_by_hand, StatusCode::CONFLICT, "invalid_transition").await;
}

#[tokio::test]
async fn signatures_must_come_from_the_cases_parties() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.case_in_mediation(&wang.token).await;
    let id = case["id"].as_str().unwrap();
    expect_status(
        app.record_agreement(&wang.token, id, "协议").await,
        StatusCode::OK,
    )
    .await;
    let stranger = app
        .sign(
            &wang.token,
            id,
            &json!({ "party_number": 7, "method": "seal" }),
        )
        .await;
    assert_problem(stranger, StatusCode::CONFLICT, "unknown_signer").await;
    expect_status(
        app.sign(
            &wang.token,
            id,
            &json!({ "party_number": 1, "method": "seal" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let again = app
        .sign(
            &wang.token,
            id,
            &json!({ "party_number": 1, "method": "signature" }),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "already_signed").await;
    let both = app
        .sign(
            &wang.token,
            id,
            &json!({ "party_number": 2, "mediator": true, "method": "seal" }),
        )
        .await;
    assert_problem(both, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[tokio::test]
async fn an_agreement_deciding_ownership_or_validity_is_flagged_r12() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.case_in_mediation(&wang.token).await;
    let id = case["id"].as_str().unwrap();
    let recorded = app
        .put(
            &format!("/api/v1/cases/{id}/agreement"),
            &wang.token,
            &json!({ "text": "双方确认涉案专利权归申请人所有", "decides_ownership_or_validity": true }),
        )
        .await;
    let agreement: Value = expect_status(recorded, StatusCode::OK)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(agreement["decides_ownership_or_validity"], true);
    let summary = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
        .await;
    assert_eq!(summary["agreement"]["decides_ownership_or_validity"], true);
}

async fn confirmation_window(app: &TestApp, settled_on: &str) -> Value {
    let wang = app
        .create_user(&format!("m{}", settled_on.replace('-', "")), "mediator")
        .await;
    let case = app.case_in_mediation(&wang.token).await;
    app.set_today(settled_on);
    let settled = app.settle(&wang.token, case["id"].as_str().unwrap()).await;
    settled["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "R8")
        .cloned()
        .expect("the R8 window")
}

#[tokio::test]
async fn the_thirty_day_confirmation_window_runs_across_the_spring_festival_to_the_next_working_day_r8_r30()
 {
    let app = TestApp::spawn().await;
    // Effective Tue 2026-01-20. Start day not counted: 30 days later is Thu 2026-02-19, inside
    // the Spring Festival holiday (days off Feb 15–23, 2026). The window therefore ends on the
    // next working day, Tue 2026-02-24. (The holiday days inside the window still count.)
    let window = confirmation_window(&app, "2026-01-20").await;
    assert_eq!(window["starts_on"], "2026-01-20");
    assert_eq!(window["period_days"], 30);
    assert_eq!(window["due_on"], "2026-02-24");
    assert_eq!(window["calendar_verified"], true);
}

#[tokio::test]
async fn a_window_ending_on_a_make_up_saturday_ends_that_saturday() {
    let app = TestApp::spawn().await;
    // Effective Thu 2026-01-29: 30 days later is Sat 2026-02-28, a make-up working day
    // (调休上班) in the 2026 notice, so the window ends that Saturday and is not moved.
    let window = confirmation_window(&app, "2026-01-29").await;
    assert_eq!(window["due_on"], "2026-02-28");
    // Effective Sat 2026-01-31 instead: 30 days later is Mon 2026-03-02, a plain working day.
    let later = confirmation_window(&app, "2026-01-31").await;
    assert_eq!(later["due_on"], "2026-03-02");
}

#[tokio::test]
async fn one_signer_signing_twice_at_once_records_one_signature_and_no_server_error() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    for round in 0..5 {
        let case = app.case_in_mediation(&wang.token).await;
        let id = case["id"].as_str().unwrap();
        let recorded = app
            .record_agreement(&wang.token, id, "双方达成如下协议")
            .await;
        assert_eq!(recorded.status(), StatusCode::OK);
        let signer = json!({ "party_number": 1, "method": "seal" });
        let (a, b) = tokio::join!(
            app.sign(&wang.token, id, &signer),
            app.sign(&wang.token, id, &signer)
        );
        let mut answers = Vec::new();
        for response in [a, b] {
            let status = response.status();
            let body: Value = response.json().await.unwrap();
            answers.push((status.as_u16(), body["code"].as_str().map(str::to_owned)));
        }
        answers.sort();
        let loser = answers[1].1.as_deref();
        assert_eq!(answers[0], (200, None), "round {round}: {answers:?}");
        assert_eq!(answers[1].0, 409, "round {round}: {answers:?}");
        assert!(
            matches!(loser, Some("already_signed" | "concurrent_update")),
            "round {round}: {answers:?}"
        );
        let agreement = app
            .get_json(&format!("/api/v1/cases/{id}/agreement"), Some(&wang.token))
            .await;
        assert_eq!(
            agreement["signatures"].as_array().map(Vec::len),
            Some(1),
            "round {round}"
        );
    }
}
