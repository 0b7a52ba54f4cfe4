//! Technical investigators: the pool, conflicts, R22, the load limit, what they see, recusal
//! (R24) and technical opinions (R23).
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, dispute, expect_status};

/// An investigator account with a profile in the pool.
async fn investigator(app: &TestApp, username: &str, fields: &[&str], max: u32) -> TestUser {
    let user = app.create_user(username, "investigator").await;
    let admin = app.admin_token().await;
    let profile = json!({
        "account_id": user.id, "fields": fields, "affiliation": "court",
        "contributed_by": user.organization_id, "max_assignments": max,
    });
    let response = app
        .post("/api/v1/investigators", Some(&admin), Some(&profile))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "profile of {username}"
    );
    user
}

async fn assign(
    app: &TestApp,
    token: &str,
    case: &str,
    investigator: &str,
    extra: Value,
) -> reqwest::Response {
    let mut body = json!({ "investigator_id": investigator, "field": "communications", "question": "涉案产品是否落入权利要求1的保护范围" });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    app.post(
        &format!("/api/v1/cases/{case}/investigators"),
        Some(token),
        Some(&body),
    )
    .await
}

/// Assigns `investigator` to `case` (which must succeed) and returns the assignment's id.
async fn assigned(app: &TestApp, token: &str, case: &str, investigator: &str) -> String {
    let response = assign(app, token, case, investigator, json!({})).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let assignment: Value = response.json().await.unwrap();
    assignment["id"].as_str().unwrap().to_owned()
}

async fn candidates(app: &TestApp, token: &str, case: &str, query: &str) -> Value {
    app.get_json(
        &format!("/api/v1/cases/{case}/investigator-candidates?field=communications{query}"),
        Some(token),
    )
    .await
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["account_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_conflicted_investigator_is_never_proposed_and_cannot_be_assigned_even_directly() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let clean = investigator(&app, "inv.clean", &["communications"], 3).await;
    let related = investigator(&app, "inv.related", &["communications"], 3).await;
    let declared = app
        .post("/api/v1/investigators/me/conflicts", Some(&related.token), Some(&json!({ "kind": "credit_code", "value": "914403001922038216", "relationship": "前雇主" })))
        .await;
    assert_eq!(declared.status(), StatusCode::CREATED);

    let found = candidates(&app, &wang.token, id, "").await;
    assert_eq!(ids(&found["candidates"]), [clean.id.as_str()]);
    assert_eq!(ids(&found["excluded"]), [related.id.as_str()]);
    assert_eq!(found["excluded"][0]["reasons"][0]["code"], "conflict");
    assert!(
        found["excluded"][0]["reasons"][0]["message"]
            .as_str()
            .unwrap()
            .contains("前雇主")
    );

    let refused = assign(&app, &wang.token, id, &related.id, json!({})).await;
    assert_problem(refused, StatusCode::CONFLICT, "conflict").await;
    let assignments = app
        .get_json(
            &format!("/api/v1/cases/{id}/investigators"),
            Some(&wang.token),
        )
        .await;
    assert_eq!(assignments["items"], json!([]), "nothing was assigned");
}

#[tokio::test]
async fn conflicts_with_a_person_or_an_agents_firm_exclude_too() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let a = investigator(&app, "inv.a", &["communications"], 3).await;
    let b = investigator(&app, "inv.b", &["communications"], 3).await;
    expect_status(
        app.post(
            "/api/v1/investigators/me/conflicts",
            Some(&a.token),
            Some(&json!({ "kind": "person", "value": " 张三 ", "relationship": "亲属" })),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    expect_status(
        app.post(
            "/api/v1/investigators/me/conflicts",
            Some(&b.token),
            Some(
                &json!({ "kind": "organization", "value": "大连某律师事务所", "relationship": "兼职" }),
            ),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let found = candidates(&app, &wang.token, id, "").await;
    assert!(found["candidates"].as_array().unwrap().is_empty());
    assert_eq!(found["excluded"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_investigator_who_served_in_another_procedure_of_the_case_is_excluded_r22() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let judge = app.create_user("judge.liu", "court").await;
    let mut referred = dispute();
    referred["track"] = json!("court_delegated");
    referred["organization_id"] = json!(wang.organization_id);
    let case = app.open_case(&judge.token, &referred).await;
    let id = case["id"].as_str().unwrap();
    let expert = investigator(&app, "inv.expert", &["communications"], 3).await;
    let other = investigator(&app, "inv.other", &["communications"], 3).await;

    // Served in mediation…
    let assigned = assign(&app, &wang.token, id, &expert.id, json!({})).await;
    assert_eq!(assigned.status(), StatusCode::CREATED);
    let assignment: Value = assigned.json().await.unwrap();
    expect_status(
        app.post(
            &format!(
                "/api/v1/cases/{id}/investigators/{}/release",
                assignment["id"].as_str().unwrap()
            ),
            Some(&wang.token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;

    // …so the court may not take them for judicial confirmation.
    let found = candidates(&app, &judge.token, id, "&procedure=judicial_confirmation").await;
    assert_eq!(ids(&found["candidates"]), [other.id.as_str()]);
    let reason = &found["excluded"][0]["reasons"][0];
    assert_eq!(
        (reason["code"].as_str(), reason["rule"].as_str()),
        (Some("served_in_other_procedure"), Some("R22"))
    );
    let refused = assign(
        &app,
        &judge.token,
        id,
        &expert.id,
        json!({ "procedure": "judicial_confirmation" }),
    )
    .await;
    assert_eq!(
        assert_problem(refused, StatusCode::CONFLICT, "served_in_other_procedure").await["rule"],
        "R22"
    );
    // In the same procedure they could serve again; a court must name its procedure.
    let unnamed = assign(&app, &judge.token, id, &other.id, json!({})).await;
    assert_problem(
        unnamed,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn the_load_limit_holds_under_concurrent_assignment_attempts() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let li = app.create_user("li.mediator", "mediator").await;
    let busy = investigator(&app, "inv.busy", &["communications"], 1).await;
    for round in 0..4 {
        let a = app.open_case(&wang.token, &dispute()).await;
        let b = app.open_case(&li.token, &dispute()).await;
        let (ra, rb) = tokio::join!(
            assign(
                &app,
                &wang.token,
                a["id"].as_str().unwrap(),
                &busy.id,
                json!({})
            ),
            assign(
                &app,
                &li.token,
                b["id"].as_str().unwrap(),
                &busy.id,
                json!({})
            ),
        );
        let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [201, 409],
            "round {round}: one of two within a limit of one"
        );
        let loser = if ra.status() == StatusCode::CONFLICT {
            ra
        } else {
            rb
        };
        assert_problem(loser, StatusCode::CONFLICT, "at_load_limit").await;
        // Free the investigator for the next round.
        for (token, case) in [(&wang.token, &a), (&li.token, &b)] {
            let list = app
                .get_json(
                    &format!(
                        "/api/v1/cases/{}/investigators",
                        case["id"].as_str().unwrap()
                    ),
                    Some(token),
                )
                .await;
            for item in list["items"].as_array().unwrap() {
                expect_status(
                    app.post(
                        &format!(
                            "/api/v1/cases/{}/investigators/{}/release",
                            case["id"].as_str().unwrap(),
                            item["id"].as_str().unwrap()
                        ),
                        Some(token),
                        None,
                    )
                    .await,
                    StatusCode::OK,
                )
                .await;
            }
        }
    }
}

#[tokio::test]
async fn an_investigator_sees_only_their_assigned_cases_without_personal_data() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let mine = app.open_case(&wang.token, &dispute()).await;
    let other = app.open_case(&wang.token, &dispute()).await;
    let inv = investigator(&app, "inv.zhou", &["communications"], 3).await;
    expect_status(
        assign(
            &app,
            &wang.token,
            mine["id"].as_str().unwrap(),
            &inv.id,
            json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    let list = app.get_json("/api/v1/cases", Some(&inv.token)).await;
    let listed: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [mine["id"].as_str().unwrap()]);
    let not_mine = app
        .get(
            &format!("/api/v1/cases/{}", other["id"].as_str().unwrap()),
            Some(&inv.token),
        )
        .await;
    assert_problem(not_mine, StatusCode::NOT_FOUND, "not_found").await;

    let seen = app
        .get_json(
            &format!("/api/v1/cases/{}", mine["id"].as_str().unwrap()),
            Some(&inv.token),
        )
        .await;
    assert_eq!(seen["personal_data_masked"], true);
    for secret in [
        "11010519491231002X",
        "13800138000",
        "0755-28780808",
        "人民路1号",
    ] {
        assert!(
            !seen.to_string().contains(secret),
            "{secret} shown to the investigator"
        );
    }
    for path in ["timeline", "agreement"] {
        let response = app
            .get(
                &format!("/api/v1/cases/{}/{path}", mine["id"].as_str().unwrap()),
                Some(&inv.token),
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let changed = app
        .act(&inv.token, mine["id"].as_str().unwrap(), "accept", None)
        .await;
    assert_problem(changed, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn the_opinion_is_invisible_to_every_role_but_the_cases_mediator_and_court_and_its_author_r23()
 {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let judge = app.create_user("judge.liu", "court").await;
    let mut referred = dispute();
    referred["track"] = json!("court_delegated");
    referred["organization_id"] = json!(wang.organization_id);
    let case = app.open_case(&judge.token, &referred).await;
    let id = case["id"].as_str().unwrap();
    let author = investigator(&app, "inv.author", &["communications"], 3).await;
    let colleague = investigator(&app, "inv.colleague", &["communications"], 3).await;
    expect_status(
        assign(&app, &wang.token, id, &author.id, json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    expect_status(
        assign(
            &app,
            &wang.token,
            id,
            &colleague.id,
            json!({ "field": "optics" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let upload = app
        .upload_pdf(
            &format!("/api/v1/cases/{id}/opinion-documents?filename=test-report.pdf"),
            &author.token,
            b"%PDF test report",
        )
        .await;
    assert_eq!(upload.status(), StatusCode::CREATED);
    let document: Value = upload.json().await.unwrap();
    let submitted = app
        .post(&format!("/api/v1/cases/{id}/opinions"), Some(&author.token), Some(&json!({ "text": "被控产品落入权利要求1的保护范围。", "documents": [document["sha256"]] })))
        .await;
    assert_eq!(submitted.status(), StatusCode::CREATED);

    let auditor = app
        .create_user_in("zhou.auditor", "auditor", &wang.organization_id)
        .await;
    let outsider = app.create_user("li.elsewhere", "mediator").await;
    let other_court = app.create_user("judge.other", "court").await;
    let liaison = app.create_user("liaison.sun", "liaison").await;
    let admin = app.admin_token().await;
    let opinions = format!("/api/v1/cases/{id}/opinions");
    let file = format!(
        "/api/v1/cases/{id}/opinion-documents/{}",
        document["sha256"].as_str().unwrap()
    );

    for (who, token) in [
        ("mediator", &wang.token),
        ("court", &judge.token),
        ("author", &author.token),
    ] {
        let list = app.get_json(&opinions, Some(token)).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "{who} reads it");
        assert_eq!(
            app.get(&file, Some(token)).await.status(),
            StatusCode::OK,
            "{who} downloads it"
        );
    }
    for (who, token) in [
        ("auditor", &auditor.token),
        ("other mediator", &outsider.token),
        ("other court", &other_court.token),
        ("liaison", &liaison.token),
        ("admin", &admin),
    ] {
        for path in [&opinions, &file] {
            let response = app.get(path, Some(token)).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{who} on {path}");
            assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
        }
    }
    // A colleague on the same case reads only their own (none) and not the file.
    let theirs = app.get_json(&opinions, Some(&colleague.token)).await;
    assert_eq!(theirs["items"], json!([]));
    assert_problem(
        app.get(&file, Some(&colleague.token)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // The text never reaches the timeline.
    let timeline = app
        .get_json(&format!("/api/v1/cases/{id}/timeline"), Some(&wang.token))
        .await;
    assert!(
        !timeline.to_string().contains("被控产品"),
        "the opinion text leaked into the timeline"
    );
}

#[tokio::test]
async fn corrections_are_new_versions_and_the_history_is_kept() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let inv = investigator(&app, "inv.zhou", &["communications"], 3).await;
    expect_status(
        assign(&app, &wang.token, id, &inv.id, json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    for text in ["第一版意见", "更正后的意见"] {
        let r = app
            .post(
                &format!("/api/v1/cases/{id}/opinions"),
                Some(&inv.token),
                Some(&json!({ "text": text })),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let list = app
        .get_json(&format!("/api/v1/cases/{id}/opinions"), Some(&wang.token))
        .await;
    let versions: Vec<(u64, &str)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["version"].as_u64().unwrap(), o["text"].as_str().unwrap()))
        .collect();
    assert_eq!(versions, [(1, "第一版意见"), (2, "更正后的意见")]);
    let unknown = app
        .post(
            &format!("/api/v1/cases/{id}/opinions"),
            Some(&inv.token),
            Some(&json!({ "text": "x", "documents": ["00ff"] })),
        )
        .await;
    assert_eq!(
        assert_problem(
            unknown,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed"
        )
        .await["errors"][0]["field"],
        "documents[0]"
    );
    // Only the assigned investigator writes.
    let mediator = app
        .post(
            &format!("/api/v1/cases/{id}/opinions"),
            Some(&wang.token),
            Some(&json!({ "text": "x" })),
        )
        .await;
    assert_problem(mediator, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn concurrent_submissions_number_versions_without_gaps_or_server_errors() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let inv = investigator(&app, "inv.zhou", &["communications"], 3).await;
    assigned(&app, &wang.token, id, &inv.id).await;
    let path = format!("/api/v1/cases/{id}/opinions");
    let mut created = 0;
    for round in 0..5 {
        let (first, second) = (json!({ "text": "甲" }), json!({ "text": "乙" }));
        let (a, b) = tokio::join!(
            app.post(&path, Some(&inv.token), Some(&first)),
            app.post(&path, Some(&inv.token), Some(&second))
        );
        for response in [a, b] {
            if response.status() == StatusCode::CREATED {
                created += 1;
            } else {
                assert_problem(response, StatusCode::CONFLICT, "concurrent_update").await;
            }
        }
        assert!(
            created > round,
            "round {round}: at least one submission wins"
        );
    }
    let list = app.get_json(&path, Some(&wang.token)).await;
    let versions: Vec<u64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, (1..=created).collect::<Vec<u64>>());
}

#[tokio::test]
async fn recusal_suspends_the_assignment_and_a_grant_ends_it_for_a_replacement_r24() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let first = investigator(&app, "inv.first", &["communications"], 3).await;
    let second = investigator(&app, "inv.second", &["communications"], 3).await;
    let assignment = assigned(&app, &wang.token, id, &first.id).await;
    let base = format!("/api/v1/cases/{id}/investigators/{assignment}");

    let requested = app
        .post(
            &format!("{base}/recusal"),
            Some(&wang.token),
            Some(&json!({ "requested_by": "respondent", "grounds": "曾为申请人提供咨询" })),
        )
        .await;
    let requested: Value = expect_status(requested, StatusCode::OK)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            requested["status"].as_str(),
            requested["recusal_stage"].as_str()
        ),
        (Some("suspended"), Some("requested"))
    );
    // The investigator stops work meanwhile.
    let blocked = app
        .post(
            &format!("/api/v1/cases/{id}/opinions"),
            Some(&first.token),
            Some(&json!({ "text": "意见" })),
        )
        .await;
    assert_eq!(
        assert_problem(blocked, StatusCode::CONFLICT, "assignment_suspended").await["rule"],
        "R24"
    );

    // Refused, then reconsidered once, then granted.
    let refused: Value = expect_status(
        app.post(
            &format!("{base}/recusal-decision"),
            Some(&wang.token),
            Some(&json!({ "granted": false, "reason": "理由不成立" })),
        )
        .await,
        StatusCode::OK,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(refused["status"], "active");
    expect_status(
        app.post(
            &format!("{base}/recusal"),
            Some(&wang.token),
            Some(&json!({ "requested_by": "respondent", "grounds": "复议" })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let granted: Value = expect_status(
        app.post(
            &format!("{base}/recusal-decision"),
            Some(&wang.token),
            Some(&json!({ "granted": true, "reason": "复议成立" })),
        )
        .await,
        StatusCode::OK,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (granted["status"].as_str(), granted["end_reason"].as_str()),
        (Some("ended"), Some("recused"))
    );
    let again = app
        .post(
            &format!("{base}/recusal"),
            Some(&wang.token),
            Some(&json!({ "requested_by": "respondent", "grounds": "再次" })),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "assignment_ended").await;

    // The recused investigator is excluded; a replacement can be assigned.
    let found = candidates(&app, &wang.token, id, "").await;
    assert_eq!(ids(&found["candidates"]), [second.id.as_str()]);
    assert_eq!(found["excluded"][0]["reasons"][0]["code"], "recused");
    assert_eq!(
        assign(&app, &wang.token, id, &second.id, json!({}))
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_problem(
        app.get(&format!("/api/v1/cases/{id}"), Some(&first.token))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn only_one_reconsideration_is_allowed_r24() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let inv = investigator(&app, "inv.zhou", &["communications"], 3).await;
    let assignment = assigned(&app, &wang.token, id, &inv.id).await;
    let base = format!("/api/v1/cases/{id}/investigators/{assignment}");
    let ask = json!({ "requested_by": "applicant", "grounds": "理由" });
    let no = json!({ "granted": false, "reason": "不成立" });
    for _ in 0..2 {
        expect_status(
            app.post(&format!("{base}/recusal"), Some(&wang.token), Some(&ask))
                .await,
            StatusCode::OK,
        )
        .await;
        expect_status(
            app.post(
                &format!("{base}/recusal-decision"),
                Some(&wang.token),
                Some(&no),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    let third = app
        .post(&format!("{base}/recusal"), Some(&wang.token), Some(&ask))
        .await;
    assert_eq!(
        assert_problem(third, StatusCode::CONFLICT, "reconsideration_used").await["rule"],
        "R24"
    );
}

#[tokio::test]
async fn the_r22_and_r24_deadlines_run_on_the_working_day_calendar() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let inv = investigator(&app, "inv.zhou", &["communications"], 3).await;

    // Assigned Wed 2026-09-30: 3 days later is Sat 2026-10-03, inside the National Day holiday
    // (days off Oct 1–7, 2026), so the parties must be told by Thu 2026-10-08.
    app.set_today("2026-09-30");
    let subject = assigned(&app, &wang.token, id, &inv.id).await;
    let deadlines = app.get_json("/api/v1/deadlines", Some(&wang.token)).await;
    let r22 = deadlines["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "R22")
        .unwrap()
        .clone();
    assert_eq!(
        (r22["due_on"].as_str(), r22["subject"].as_str()),
        (Some("2026-10-08"), Some(subject.as_str()))
    );

    // Told on Thu Oct 8: met.
    app.set_today("2026-10-08");
    let base = format!("/api/v1/cases/{id}/investigators/{subject}");
    expect_status(
        app.post(
            &format!("{base}/parties-notified"),
            Some(&wang.token),
            Some(&json!({})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // Recusal asked Fri 2026-10-09: 3 days later is Mon 2026-10-12, a working day.
    app.set_today("2026-10-09");
    expect_status(
        app.post(
            &format!("{base}/recusal"),
            Some(&wang.token),
            Some(&json!({ "requested_by": "applicant", "grounds": "理由" })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let deadlines = app.get_json("/api/v1/deadlines", Some(&wang.token)).await;
    let open: Vec<(String, String)> = deadlines["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["due_on"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        open,
        [("R24".to_owned(), "2026-10-12".to_owned())],
        "R22 met, R24 open"
    );
    let met = app
        .get_json("/api/v1/deadlines?status=met", Some(&wang.token))
        .await;
    assert_eq!(met["items"][0]["met_on"], "2026-10-08");
}

#[tokio::test]
async fn deadlines_falling_in_the_spring_festival_run_to_the_next_working_day() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let inv = investigator(&app, "inv.zhou", &["communications"], 3).await;
    // Assigned and recusal asked on Thu 2026-02-12: 3 days later is Sun 2026-02-15, the first day
    // of the Spring Festival holiday (Feb 15–23), so both deadlines end on Tue 2026-02-24.
    app.set_today("2026-02-12");
    let assignment = assigned(&app, &wang.token, id, &inv.id).await;
    let base = format!("/api/v1/cases/{id}/investigators/{assignment}");
    expect_status(
        app.post(
            &format!("{base}/recusal"),
            Some(&wang.token),
            Some(&json!({ "requested_by": "applicant", "grounds": "理由" })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let case = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
        .await;
    let due: Vec<(&str, &str)> = case["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["due_on"].as_str().unwrap()))
        .collect();
    assert_eq!(due, [("R22", "2026-02-24"), ("R24", "2026-02-24")]);
}

#[tokio::test]
async fn every_step_is_a_timeline_event() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let inv = investigator(&app, "inv.zhou", &["communications"], 3).await;
    let assignment = assigned(&app, &wang.token, id, &inv.id).await;
    let base = format!("/api/v1/cases/{id}/investigators/{assignment}");
    expect_status(
        app.post(
            &format!("{base}/parties-notified"),
            Some(&wang.token),
            Some(&json!({})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect_status(
        app.post(
            &format!("/api/v1/cases/{id}/opinions"),
            Some(&inv.token),
            Some(&json!({ "text": "意见" })),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    expect_status(
        app.post(
            &format!("{base}/recusal"),
            Some(&wang.token),
            Some(&json!({ "requested_by": "applicant", "grounds": "理由" })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect_status(
        app.post(
            &format!("{base}/recusal-decision"),
            Some(&wang.token),
            Some(&json!({ "granted": true, "reason": "成立" })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let timeline = app
        .get_json(&format!("/api/v1/cases/{id}/timeline"), Some(&wang.token))
        .await;
    let actions: Vec<&str> = timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "submit_case",
            "assign_investigator",
            "notify_parties_of_investigator",
            "submit_opinion",
            "request_recusal",
            "decide_recusal"
        ]
    );
}

#[tokio::test]
async fn a_closed_cases_assignments_cannot_be_released_or_changed_r5() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let inv = investigator(&app, "inv.zhou", &["communications"], 3).await;
    let assignment = assigned(&app, &wang.token, id, &inv.id).await;
    let base = format!("/api/v1/cases/{id}/investigators/{assignment}");
    app.moved(
        &wang.token,
        id,
        "decline",
        Some(&json!({ "reason": "不予受理" })),
    )
    .await;
    app.moved(&wang.token, id, "close", None).await;
    let listing = format!("/api/v1/cases/{id}/investigators");
    let before = app.get_json(&listing, Some(&wang.token)).await;
    let timeline = format!("/api/v1/cases/{id}/timeline");
    let events_before = app.get_json(&timeline, Some(&wang.token)).await;

    for (step, body) in [
        ("release", None),
        ("parties-notified", Some(json!({}))),
        (
            "recusal",
            Some(json!({ "requested_by": "applicant", "grounds": "理由" })),
        ),
    ] {
        let refused = app
            .post(&format!("{base}/{step}"), Some(&wang.token), body.as_ref())
            .await;
        let problem = assert_problem(refused, StatusCode::CONFLICT, "case_closed").await;
        assert_eq!(problem["rule"], "R5", "{step}");
    }

    assert_eq!(
        app.get_json(&listing, Some(&wang.token)).await,
        before,
        "the assignment is unchanged"
    );
    assert_eq!(before["items"][0]["status"], "active");
    assert_eq!(
        app.get_json(&timeline, Some(&wang.token)).await,
        events_before,
        "nothing was recorded"
    );
}

#[tokio::test]
async fn the_pool_is_administered_by_admins_and_profiles_need_an_investigator_account() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let admin = app.admin_token().await;
    let not_investigator = json!({
        "account_id": wang.id, "fields": ["optics"], "affiliation": "police",
        "contributed_by": wang.organization_id, "max_assignments": 2,
    });
    let refused = app
        .post(
            "/api/v1/investigators",
            Some(&admin),
            Some(&not_investigator),
        )
        .await;
    assert_eq!(
        assert_problem(
            refused,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed"
        )
        .await["errors"][0]["field"],
        "account_id"
    );
    let inv = investigator(&app, "inv.zhou", &["optics"], 2).await;
    let again = json!({ "account_id": inv.id, "fields": ["optics"], "affiliation": "police", "contributed_by": inv.organization_id, "max_assignments": 2 });
    assert_problem(
        app.post("/api/v1/investigators", Some(&admin), Some(&again))
            .await,
        StatusCode::CONFLICT,
        "investigator_profile_exists",
    )
    .await;
    assert_problem(
        app.get("/api/v1/investigators", Some(&wang.token)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post("/api/v1/investigators", Some(&inv.token), Some(&again))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.get(
            &format!("/api/v1/investigators/{}", inv.id),
            Some(&inv.token)
        )
        .await
        .status(),
        StatusCode::OK,
        "self"
    );
    // An inactive investigator is not proposed.
    let update = json!({ "fields": ["communications"], "affiliation": "court", "max_assignments": 2, "active": false });
    let r = app
        .put(
            &format!("/api/v1/investigators/{}", inv.id),
            &admin,
            &update,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let case = app.open_case(&wang.token, &dispute()).await;
    let found = candidates(&app, &wang.token, case["id"].as_str().unwrap(), "").await;
    assert!(
        found["candidates"].as_array().unwrap().is_empty()
            && found["excluded"].as_array().unwrap().is_empty()
    );
    // Conflicts are the investigator's own.
    assert_problem(
        app.get("/api/v1/investigators/me/conflicts", Some(&wang.token))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}
