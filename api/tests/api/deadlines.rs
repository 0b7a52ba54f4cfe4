//! Deadlines on cases and the official calendar behind them.
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, dispute};

fn rules(page: &Value) -> Vec<(String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["due_on"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_peoples_mediation_target_follows_the_organisations_setting_r16() {
    let app = TestApp::spawn().await;
    app.set_today("2026-03-02");
    let wang = app.create_user("wang", "mediator").await;
    let admin = app.admin_token().await;
    let set = app
        .put(
            &format!("/api/v1/organizations/{}/settings", wang.organization_id),
            &admin,
            &json!({ "people_mediation_days": 45 }),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    let case = app.open_case(&wang.token, &dispute()).await;
    let accepted = app
        .moved(&wang.token, case["id"].as_str().unwrap(), "accept", None)
        .await;
    let r16 = &accepted["deadlines"][0];
    // Mon 2026-03-02 + 45 days = Thu 2026-04-16, a working day.
    assert_eq!(
        (
            r16["rule"].as_str(),
            r16["period_days"].as_u64(),
            r16["due_on"].as_str()
        ),
        (Some("R16"), Some(45), Some("2026-04-16"))
    );

    let out_of_range = app
        .put(
            &format!("/api/v1/organizations/{}/settings", wang.organization_id),
            &admin,
            &json!({ "people_mediation_days": 0 }),
        )
        .await;
    assert_problem(
        out_of_range,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn the_deadline_list_shows_the_organisations_open_deadlines_and_which_are_overdue() {
    let app = TestApp::spawn().await;
    app.set_today("2026-03-02");
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    app.moved(&wang.token, id, "accept", None).await; // R16: 2026-03-02 + 30 = Wed 2026-04-01
    let outsider = app.create_user("li.elsewhere", "mediator").await;

    let open = app.get_json("/api/v1/deadlines", Some(&wang.token)).await;
    assert_eq!(rules(&open), [("R16".to_owned(), "2026-04-01".to_owned())]);
    assert_eq!(open["items"][0]["overdue"], false);
    assert!(
        app.get_json("/api/v1/deadlines", Some(&outsider.token))
            .await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        rules(
            &app.get_json("/api/v1/deadlines?overdue=true", Some(&wang.token))
                .await
        )
        .is_empty()
    );

    app.set_today("2026-04-02");
    let late = app
        .get_json("/api/v1/deadlines?overdue=true", Some(&wang.token))
        .await;
    assert_eq!(rules(&late), [("R16".to_owned(), "2026-04-01".to_owned())]);
    assert_eq!(late["items"][0]["overdue"], true);
    let overdue_cases = app
        .get_json("/api/v1/cases?overdue=true", Some(&wang.token))
        .await;
    assert_eq!(overdue_cases["items"][0]["id"], id);
    assert!(
        rules(
            &app.get_json("/api/v1/deadlines?due_to=2026-03-31", Some(&wang.token))
                .await
        )
        .is_empty()
    );

    // Ending it (mediation ends) takes it off the open list; ended after its last day, it
    // lapsed rather than being met.
    app.moved(
        &wang.token,
        id,
        "consent",
        Some(&json!({ "consent": "given" })),
    )
    .await;
    app.moved(&wang.token, id, "start-mediation", None).await;
    app.moved(
        &wang.token,
        id,
        "withdraw",
        Some(&json!({ "by": "applicant", "reason": "和解" })),
    )
    .await;
    assert!(rules(&app.get_json("/api/v1/deadlines", Some(&wang.token)).await).is_empty());
    let met = app
        .get_json("/api/v1/deadlines?status=met", Some(&wang.token))
        .await;
    assert_eq!(met["items"], json!([]));
    let lapsed = app
        .get_json("/api/v1/deadlines?status=lapsed", Some(&wang.token))
        .await;
    assert_eq!(lapsed["items"][0]["met_on"], "2026-04-02");
    assert_eq!(lapsed["items"][0]["status"], "lapsed");
}

#[tokio::test]
async fn the_calendar_ships_2025_and_2026_and_a_deadline_can_be_computed() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let years = app.get_json("/api/v1/calendar", Some(&wang.token)).await;
    let loaded: Vec<i64> = years["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert_eq!(loaded, [2025, 2026]);
    let y2026 = app
        .get_json("/api/v1/calendar/2026", Some(&wang.token))
        .await;
    assert_eq!(
        y2026["makeup_workdays"],
        json!([
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10"
        ])
    );
    assert_eq!(
        y2026["days_off"].as_array().unwrap().len(),
        3 + 9 + 3 + 5 + 3 + 3 + 7
    );

    // Three working days after Fri 2026-02-13: the make-up Saturday 14th, then the holiday to
    // the 23rd, then Tue 24th and Wed 25th.
    let computed = app
        .get_json(
            "/api/v1/calendar/deadline?start=2026-02-13&days=3&working_days=true",
            Some(&wang.token),
        )
        .await;
    assert_eq!(
        (
            computed["due"].as_str(),
            computed["calendar_verified"].as_bool()
        ),
        (Some("2026-02-25"), Some(true))
    );
    let unverified = app
        .get_json(
            "/api/v1/calendar/deadline?start=2027-01-01&days=1",
            Some(&wang.token),
        )
        .await;
    assert_eq!(
        (
            unverified["due"].as_str(),
            unverified["calendar_verified"].as_bool()
        ),
        (Some("2027-01-04"), Some(false))
    );
    // A year without its official calendar still keeps the holidays fixed by law (1 January,
    // 1–2 May, 1–3 October) besides weekends; the answer says it is not verified.
    for (start, due) in [
        ("2031-09-30", "2031-10-06"),
        ("2031-04-30", "2031-05-05"),
        ("2030-12-31", "2031-01-02"),
    ] {
        let fallback = app
            .get_json(
                &format!("/api/v1/calendar/deadline?start={start}&days=1&working_days=true"),
                Some(&wang.token),
            )
            .await;
        assert_eq!(
            (
                fallback["due"].as_str(),
                fallback["calendar_verified"].as_bool()
            ),
            (Some(due), Some(false)),
            "from {start}"
        );
    }
    assert_problem(
        app.get("/api/v1/calendar/2031", Some(&wang.token)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn loading_a_year_recomputes_the_open_deadlines_that_touch_it_and_only_admins_may() {
    let app = TestApp::spawn().await;
    // Accepted Tue 2026-12-22: R16 ends 30 days later on Thu 2027-01-21 — a guess, 2027 is not
    // loaded yet (weekends only).
    app.set_today("2026-12-22");
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let accepted = app.moved(&wang.token, id, "accept", None).await;
    assert_eq!(accepted["deadlines"][0]["due_on"], "2027-01-21");
    assert_eq!(accepted["deadlines"][0]["calendar_verified"], false);

    // A (hypothetical) 2027 notice making Jan 21–22 days off: the deadline moves to Mon Jan 25.
    let notice = json!({ "days_off": ["2027-01-01", "2027-01-21", "2027-01-22"], "makeup_workdays": [], "source": "测试用通知" });
    let put = |token: String| {
        let app = &app;
        let notice = notice.clone();
        async move { app.put("/api/v1/calendar/2027", &token, &notice).await }
    };
    assert_problem(
        put(wang.token.clone()).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let loaded = put(app.admin_token().await).await;
    assert_eq!(loaded.status(), StatusCode::OK);
    assert_eq!(
        loaded.json::<Value>().await.unwrap()["deadlines_recomputed"],
        1
    );

    let after = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
        .await;
    assert_eq!(after["deadlines"][0]["due_on"], "2027-01-25");
    assert_eq!(after["deadlines"][0]["calendar_verified"], true);
}

#[tokio::test]
async fn a_bad_calendar_notice_is_refused_with_its_fields() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let notice =
        json!({ "days_off": ["2026-12-31"], "makeup_workdays": ["2027-01-05"], "source": "x" });
    let response = app.put("/api/v1/calendar/2027", &admin, &notice).await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["days_off", "makeup_workdays"]);
    let wang = app.create_user("wang", "mediator").await;
    assert_eq!(
        app.get("/api/v1/calendar/2027", Some(&wang.token))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
