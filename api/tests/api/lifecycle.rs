//! The lifecycle through the API: every illegal action refused with its rule, consent,
//! optimistic concurrency, case numbers, a closed case read-only.
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, dispute};

/// Every lifecycle operation with a valid body.
fn actions() -> Vec<(&'static str, Option<Value>)> {
    vec![
        ("accept", None),
        ("decline", Some(json!({ "reason": "不属于受理范围" }))),
        ("consent", Some(json!({ "consent": "given" }))),
        ("start-mediation", None),
        (
            "fail",
            Some(json!({ "reason": "双方分歧过大", "routes": ["litigation"] })),
        ),
        (
            "withdraw",
            Some(json!({ "by": "applicant", "reason": "已自行和解" })),
        ),
        ("performance", Some(json!({ "outcome": "performed" }))),
        ("close", None),
    ]
}

/// Which operations each state allows (with consent already given where it matters).
fn allowed(status: &str) -> &'static [&'static str] {
    match status {
        "submitted" => &["accept", "decline", "consent"],
        "accepted" => &["start-mediation", "consent"],
        "in_mediation" => &["fail", "withdraw"],
        "settled" => &["performance"],
        "declined" | "failed" | "withdrawn" | "performed" | "breached" => &["close"],
        _ => &[],
    }
}

#[tokio::test]
async fn every_illegal_action_in_every_state_is_refused_with_its_precondition_and_changes_nothing()
{
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let t = &wang.token;

    // One case in each state.
    let submitted = app.open_case(t, &dispute()).await;
    let accepted = {
        let c = app.open_case(t, &dispute()).await;
        let id = c["id"].as_str().unwrap().to_owned();
        app.moved(t, &id, "consent", Some(&json!({ "consent": "given" })))
            .await;
        app.moved(t, &id, "accept", None).await
    };
    let in_mediation = app.case_in_mediation(t).await;
    let settled = {
        let c = app.case_in_mediation(t).await;
        app.settle(t, c["id"].as_str().unwrap()).await
    };
    let declined = {
        let c = app.open_case(t, &dispute()).await;
        app.moved(
            t,
            c["id"].as_str().unwrap(),
            "decline",
            Some(&json!({ "reason": "重复申请" })),
        )
        .await
    };
    let closed = app
        .moved(t, declined["id"].as_str().unwrap(), "close", None)
        .await;
    let declined = {
        let c = app.open_case(t, &dispute()).await;
        app.moved(
            t,
            c["id"].as_str().unwrap(),
            "decline",
            Some(&json!({ "reason": "重复申请" })),
        )
        .await
    };

    for case in [submitted, accepted, in_mediation, settled, declined, closed] {
        let status = case["status"].as_str().unwrap();
        let id = case["id"].as_str().unwrap();
        let before = app.get_json(&format!("/api/v1/cases/{id}"), Some(t)).await;
        for (action, body) in actions() {
            if allowed(status).contains(&action) {
                continue;
            }
            let response = app.act(t, id, action, body.as_ref()).await;
            assert_eq!(
                response.status(),
                StatusCode::CONFLICT,
                "{action} on a {status} case"
            );
            let problem: Value = response.json().await.unwrap();
            let code = problem["code"].as_str().unwrap();
            let expected = if status == "closed" {
                "case_closed"
            } else {
                "invalid_transition"
            };
            assert_eq!(code, expected, "{action} on a {status} case: {problem}");
            if status == "closed" {
                assert_eq!(problem["rule"], "R5");
            }
        }
        let after = app.get_json(&format!("/api/v1/cases/{id}"), Some(t)).await;
        assert_eq!(before, after, "refused actions changed the {status} case");
    }
}

#[tokio::test]
async fn mediation_cannot_start_before_the_respondent_consents_r2() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    app.moved(&wang.token, id, "accept", None).await;

    let early = app.act(&wang.token, id, "start-mediation", None).await;
    let problem = assert_problem(early, StatusCode::CONFLICT, "consent_required").await;
    assert_eq!(problem["rule"], "R2");

    app.moved(
        &wang.token,
        id,
        "consent",
        Some(&json!({ "consent": "refused" })),
    )
    .await;
    let refused = app.act(&wang.token, id, "start-mediation", None).await;
    assert_problem(refused, StatusCode::CONFLICT, "consent_refused").await;
    let again = app
        .act(
            &wang.token,
            id,
            "consent",
            Some(&json!({ "consent": "given" })),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "consent_already_recorded").await;
    // A refusal ends in a declined case.
    let declined = app
        .moved(
            &wang.token,
            id,
            "decline",
            Some(&json!({ "reason": "被申请人不同意调解" })),
        )
        .await;
    assert_eq!(declined["status"], "declined");
}

#[tokio::test]
async fn an_administrative_patent_case_is_accepted_only_after_consent_r19() {
    let app = TestApp::spawn().await;
    let centre = app
        .create_organization("DLIPPC", "ip_protection_centre", None)
        .await;
    let wu = app
        .create_user_in("wu.mediator", "mediator", centre["id"].as_str().unwrap())
        .await;
    let mut body = dispute();
    body["track"] = json!("admin_patent");
    let case = app.open_case(&wu.token, &body).await;
    let id = case["id"].as_str().unwrap();
    assert_eq!(case["deadlines"][0]["rule"], "R19");
    assert_eq!(case["deadlines"][0]["period_days"], 15);

    let refused = app.act(&wu.token, id, "accept", None).await;
    let problem =
        assert_problem(refused, StatusCode::CONFLICT, "respondent_consent_required").await;
    assert_eq!(problem["rule"], "R19");
    let consented = app
        .moved(
            &wu.token,
            id,
            "consent",
            Some(&json!({ "consent": "given" })),
        )
        .await;
    assert_eq!(
        consented["deadlines"][0]["status"], "met",
        "the respondent answered in time"
    );
    assert_eq!(
        app.moved(&wu.token, id, "accept", None).await["status"],
        "accepted"
    );
}

#[tokio::test]
async fn failure_records_the_routes_told_r4_and_a_withdrawal_who_withdrew() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.case_in_mediation(&wang.token).await;
    let id = case["id"].as_str().unwrap();
    let none = app
        .act(
            &wang.token,
            id,
            "fail",
            Some(&json!({ "reason": "分歧", "routes": [] })),
        )
        .await;
    assert_eq!(
        assert_problem(none, StatusCode::CONFLICT, "routes_required").await["rule"],
        "R4"
    );
    let failed = app
        .moved(&wang.token, id, "fail", Some(&json!({ "reason": "双方分歧过大", "routes": ["litigation", "arbitration", "litigation"] })))
        .await;
    assert_eq!(failed["routes"], json!(["arbitration", "litigation"]));
    assert_eq!(failed["reason"], "双方分歧过大");

    let other = app.case_in_mediation(&wang.token).await;
    let withdrawn = app
        .moved(
            &wang.token,
            other["id"].as_str().unwrap(),
            "withdraw",
            Some(&json!({ "by": "respondent", "reason": "不再调解" })),
        )
        .await;
    assert_eq!(
        (
            withdrawn["status"].as_str(),
            withdrawn["withdrawn_by"].as_str()
        ),
        (Some("withdrawn"), Some("respondent"))
    );
}

#[tokio::test]
async fn case_numbers_are_given_on_acceptance_per_organisation_and_year_in_order() {
    let app = TestApp::spawn().await;
    app.set_today("2026-03-02");
    let wang = app.create_user("wang", "mediator").await;
    let mut numbers = Vec::new();
    for _ in 0..3 {
        let case = app.open_case(&wang.token, &dispute()).await;
        numbers.push(
            app.moved(&wang.token, case["id"].as_str().unwrap(), "accept", None)
                .await["case_number"]
                .clone(),
        );
    }
    let code = format!("O{}", "WANG");
    assert_eq!(
        numbers,
        [
            json!(format!("{code}-2026-000001")),
            json!(format!("{code}-2026-000002")),
            json!(format!("{code}-2026-000003"))
        ]
    );
    app.set_today("2027-01-04");
    let case = app.open_case(&wang.token, &dispute()).await;
    let next_year = app
        .moved(&wang.token, case["id"].as_str().unwrap(), "accept", None)
        .await;
    assert_eq!(next_year["case_number"], format!("{code}-2027-000001"));
}

#[tokio::test]
async fn a_stale_if_match_gets_412_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let version = case["version"].as_i64().unwrap();
    app.moved(
        &wang.token,
        id,
        "consent",
        Some(&json!({ "consent": "given" })),
    )
    .await;

    let stale = app
        .client
        .post(app.url(&format!("/api/v1/cases/{id}/accept")))
        .bearer_auth(&wang.token)
        .header("If-Match", format!("\"{version}\""))
        .send()
        .await
        .unwrap();
    assert_problem(
        stale,
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
    )
    .await;
    let now = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
        .await;
    assert_eq!(now["status"], "submitted");

    let current = app
        .client
        .post(app.url(&format!("/api/v1/cases/{id}/accept")))
        .bearer_auth(&wang.token)
        .header("If-Match", format!("\"{}\"", now["version"]))
        .send()
        .await
        .unwrap();
    assert_eq!(current.status(), StatusCode::OK);
    let garbage = app
        .client
        .post(app.url(&format!("/api/v1/cases/{id}/start-mediation")))
        .bearer_auth(&wang.token)
        .header("If-Match", "yesterday")
        .send()
        .await
        .unwrap();
    assert_eq!(
        assert_problem(garbage, StatusCode::BAD_REQUEST, "invalid_parameter").await["errors"][0]["field"],
        "If-Match"
    );
}

#[tokio::test]
async fn two_concurrent_transitions_on_one_case_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    for round in 0..5 {
        let case = app.open_case(&wang.token, &dispute()).await;
        let id = case["id"].as_str().unwrap();
        let version = case["version"].to_string();
        let send = |action: &'static str, body: Option<Value>| {
            let mut request = app
                .client
                .post(app.url(&format!("/api/v1/cases/{id}/{action}")))
                .bearer_auth(&wang.token)
                .header("If-Match", version.clone());
            if let Some(body) = body {
                request = request.json(&body);
            }
            request.send()
        };
        let (accept, decline) = tokio::join!(
            send("accept", None),
            send("decline", Some(json!({ "reason": "重复" })))
        );
        let (accept, decline) = (accept.unwrap(), decline.unwrap());
        let mut statuses = [accept.status().as_u16(), decline.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 412], "round {round}: exactly one wins");
        let after = app
            .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
            .await;
        let winner = if accept.status() == StatusCode::OK {
            "accepted"
        } else {
            "declined"
        };
        assert_eq!(after["status"], winner);
        assert_eq!(
            after["version"],
            case["version"].as_i64().unwrap() + 1,
            "one change only"
        );
        let timeline = app
            .get_json(&format!("/api/v1/cases/{id}/timeline"), Some(&wang.token))
            .await;
        assert_eq!(
            timeline["events"].as_array().unwrap().len(),
            2,
            "submit and the one winner"
        );
    }
}

#[tokio::test]
async fn a_mediator_runs_a_dispute_end_to_end_and_the_timeline_tells_it() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.case_in_mediation(&wang.token).await;
    let id = case["id"].as_str().unwrap();
    let settled = app.settle(&wang.token, id).await;
    assert_eq!(settled["status"], "settled");
    let performed = app
        .moved(
            &wang.token,
            id,
            "performance",
            Some(&json!({ "outcome": "performed", "note": "已按期支付" })),
        )
        .await;
    assert_eq!(performed["status"], "performed");
    let closed = app.moved(&wang.token, id, "close", None).await;
    assert_eq!(closed["status"], "closed");
    assert!(
        closed["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == "met"),
        "closing meets every deadline"
    );

    let timeline = app
        .get_json(&format!("/api/v1/cases/{id}/timeline"), Some(&wang.token))
        .await;
    let steps: Vec<(&str, Option<&str>)> = timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["to_status"].as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("submit_case", Some("submitted")),
            ("accept_case", Some("accepted")),
            ("record_consent", Some("accepted")),
            ("start_mediation", Some("in_mediation")),
            ("record_agreement", None),
            ("sign_agreement", None),
            ("sign_agreement", None),
            ("sign_agreement", None),
            ("settle_case", Some("settled")),
            ("record_performance", Some("performed")),
            ("close_case", Some("closed")),
        ]
    );
    assert!(
        timeline["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor_id"] == wang.id.as_str() && e["actor_role"] == "mediator")
    );
}
