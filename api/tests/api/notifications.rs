//! Notices (issue 16): raised with the change whose event they are of, and by the deadline
//! sweep on the official calendar; each once per recipient; only to those who may see the case.
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, dispute};

async fn notices(app: &TestApp, token: &str) -> Value {
    app.get_json("/api/v1/notifications", Some(token)).await
}

fn kinds(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_assigned_mediator_is_told_once_and_nobody_else_is_and_the_notice_holds_no_personal_data()
 {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let li = app
        .create_user_in("li.mediator", "mediator", &wang.organization_id)
        .await;
    let auditor = app
        .create_user_in("zhou.auditor", "auditor", &wang.organization_id)
        .await;
    let outsider = app.create_user("zhao.elsewhere", "mediator").await;
    let admin = app.admin_token().await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let accepted = app.moved(&wang.token, &id, "accept", None).await;
    let number = accepted["case_number"].as_str().unwrap().to_owned();

    let assigned = app
        .post(
            &format!("/api/v1/cases/{id}/assignments"),
            Some(&wang.token),
            Some(&json!({ "account_id": li.id })),
        )
        .await;
    assert_eq!(assigned.status(), StatusCode::OK);

    let page = notices(&app, &li.token).await;
    assert_eq!(kinds(&page), ["case_assigned"], "{page}");
    assert_eq!(page["unread"], 1);
    let notice = &page["items"][0];
    assert_eq!(notice["case_id"], json!(id));
    assert_eq!(notice["case_number"], json!(number));
    assert_eq!(notice["link"], json!(format!("/cases/{id}")));
    let text = page.to_string();
    for personal in [
        "张三",
        "华为",
        "11010519491231002X",
        "13800138000",
        "0411-88886666",
    ] {
        assert!(!text.contains(personal), "{personal} in {text}");
    }
    // The actor, the committee's auditor, another committee and the administrator: nothing.
    for token in [&wang.token, &auditor.token, &outsider.token, &admin] {
        let page = notices(&app, token).await;
        assert!(kinds(&page).is_empty(), "{page}");
        assert_eq!(page["unread"], 0);
    }

    // Read: once by its recipient; another account cannot even find it.
    let nid = notice["id"].as_str().unwrap();
    let path = format!("/api/v1/notifications/{nid}/read");
    assert_eq!(
        app.post(&path, Some(&wang.token), None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(notices(&app, &li.token).await["unread"], 1, "unchanged");
    assert_eq!(
        app.post(&path, Some(&li.token), None).await.status(),
        StatusCode::NO_CONTENT
    );
    let page = notices(&app, &li.token).await;
    assert_eq!(page["unread"], 0);
    let first_read = page["items"][0]["read_at"].clone();
    assert!(first_read.is_string());
    app.post(&path, Some(&li.token), None).await;
    assert_eq!(
        notices(&app, &li.token).await["items"][0]["read_at"],
        first_read,
        "read once"
    );
    let unread_only = app
        .get_json("/api/v1/notifications?unread=true", Some(&li.token))
        .await;
    assert!(kinds(&unread_only).is_empty());
}

#[tokio::test]
async fn the_court_is_told_of_an_application_and_the_mediators_of_its_decision() {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    let court_id = app.dalian_court().await;
    let judge = app.create_user_in("judge1", "court", &court_id).await;
    let other_judge = app.create_user("judge2", "court").await;
    let case = app.case_in_mediation(&mediator.token).await;
    let id = case["id"].as_str().unwrap().to_owned();
    app.settle(&mediator.token, &id).await;
    let applied = app
        .post(
            &format!("/api/v1/cases/{id}/confirmation-applications"),
            Some(&mediator.token),
            Some(&json!({ "court_id": court_id, "consents": [1, 2] })),
        )
        .await;
    assert_eq!(applied.status(), StatusCode::CREATED);
    let application: Value = applied.json().await.unwrap();
    let application_id = application["id"].as_str().unwrap().to_owned();

    let page = notices(&app, &judge.token).await;
    assert_eq!(kinds(&page), ["application_received"], "{page}");
    assert_eq!(
        page["items"][0]["link"],
        json!(format!("/applications/{application_id}"))
    );
    assert!(kinds(&notices(&app, &other_judge.token).await).is_empty());
    assert!(
        kinds(&notices(&app, &mediator.token).await).is_empty(),
        "the actor"
    );

    let accepted = app
        .post(
            &format!("/api/v1/confirmation-applications/{application_id}/accept"),
            Some(&judge.token),
            None,
        )
        .await;
    assert!(accepted.status().is_success(), "{}", accepted.status());
    assert_eq!(
        kinds(&notices(&app, &mediator.token).await),
        ["application_decided"]
    );
    assert_eq!(
        kinds(&notices(&app, &judge.token).await),
        ["application_received"]
    );
}

#[tokio::test]
async fn the_sweep_tells_each_deadline_on_its_days_around_the_national_day_holiday_once() {
    use ipdr_api::service::notifications::sweep_deadlines;
    let app = TestApp::spawn().await;
    app.set_today("2026-09-08");
    let wang = app.create_user("wang", "mediator").await;
    let auditor = app
        .create_user_in("zhou.auditor", "auditor", &wang.organization_id)
        .await;
    let outsider = app.create_user("li.elsewhere", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    // R16: 8 September + 30 days = Thursday 8 October, the first working day after 1–7 October.
    app.moved(&wang.token, id, "accept", None).await;
    let due = app.get_json("/api/v1/deadlines", Some(&wang.token)).await;
    assert_eq!(due["items"][0]["due_on"], "2026-10-08", "{due}");

    let token = wang.token.clone();
    let on = |day: &'static str| {
        let (app, token) = (&app, token.clone());
        async move {
            app.set_today(day);
            // Twice, as a restarted process or a second replica would: nothing new the second time.
            sweep_deadlines(&app.state).await.unwrap();
            sweep_deadlines(&app.state).await.unwrap();
            kinds(&notices(app, &token).await)
        }
    };
    // Two working days before 8 October are 30 and 29 September (1–7 October are off).
    assert!(on("2026-09-28").await.is_empty());
    assert_eq!(on("2026-09-29").await, ["deadline_approaching"]);
    assert_eq!(on("2026-09-30").await, ["deadline_approaching"]);
    assert_eq!(on("2026-10-05").await, ["deadline_approaching"]);
    assert_eq!(
        on("2026-10-08").await,
        ["deadline_approaching", "deadline_approaching"],
        "and on the day itself"
    );
    assert_eq!(
        on("2026-10-09").await,
        [
            "deadline_breached",
            "deadline_approaching",
            "deadline_approaching"
        ]
    );
    assert_eq!(on("2026-10-20").await.len(), 3, "a breach is told once");
    let page = notices(&app, &wang.token).await;
    for item in page["items"].as_array().unwrap() {
        assert_eq!(item["rule"], "R16");
        assert_eq!(item["due_on"], "2026-10-08");
    }
    for token in [&auditor.token, &outsider.token] {
        assert!(kinds(&notices(&app, token).await).is_empty());
    }
}
