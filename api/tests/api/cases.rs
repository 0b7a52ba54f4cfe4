//! Intake, idempotency, who sees which case and how, lists and search.
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, dispute, expect_status};

#[tokio::test]
async fn an_opened_case_is_submitted_with_normalised_identifiers_and_its_mediator_assigned() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let mut body = dispute();
    body["right"] = json!("ZL 2010 8 0063196.9");

    let response = app
        .post("/api/v1/cases", Some(&wang.token), Some(&body))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let case: Value = response.json().await.unwrap();

    assert_eq!(case["status"], "submitted");
    assert_eq!(case["consent"], "pending");
    assert_eq!(case["right"], "ZL201080063196.9");
    assert!(
        case.get("case_number").is_none(),
        "numbered on acceptance, not at intake"
    );
    assert_eq!(case["assigned_mediators"], json!([wang.id]));
    assert_eq!(case["organization_id"], wang.organization_id.as_str());
    assert_eq!(etag, format!("\"{}\"", case["version"]));
    assert_eq!(app.get_json(&location, Some(&wang.token)).await, case);
}

#[tokio::test]
async fn bad_identifiers_are_refused_with_their_fields_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let mut body = dispute();
    body["right"] = json!("201080063196.8"); // wrong check digit
    body["parties"][0]["credit_code"] = json!("914403001922038217"); // wrong check character
    body["parties"][1]["id_number"] = json!("110105194912310021"); // wrong check character

    let response = app
        .post("/api/v1/cases", Some(&wang.token), Some(&body))
        .await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("right", "invalid_check_digit"),
            ("parties[0].credit_code", "invalid_check_character"),
            ("parties[1].id_number", "invalid_check_character"),
        ]
    );
    let page = app.get_json("/api/v1/cases", Some(&wang.token)).await;
    assert_eq!(page["items"], json!([]));
}

#[tokio::test]
async fn an_idempotent_create_replayed_three_times_makes_one_case() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let send = || {
        app.client
            .post(app.url("/api/v1/cases"))
            .bearer_auth(&wang.token)
            .header("Idempotency-Key", "intake-2026-0001")
            .json(&dispute())
            .send()
    };
    let mut answers = Vec::new();
    for _ in 0..3 {
        let response = send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        answers.push(response.json::<Value>().await.unwrap());
    }
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "every replay is the first answer"
    );
    let page = app.get_json("/api/v1/cases", Some(&wang.token)).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);

    // The same key with another body is refused and opens nothing.
    let mut other = dispute();
    other["claims"] = json!(["另一个请求"]);
    let reused = app
        .client
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&wang.token)
        .header("Idempotency-Key", "intake-2026-0001")
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_problem(
        reused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    // Without a key, creates just happen.
    app.open_case(&wang.token, &dispute()).await;
    let page = app.get_json("/api/v1/cases", Some(&wang.token)).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn concurrent_requests_with_one_key_open_one_case() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let send = || {
        app.client
            .post(app.url("/api/v1/cases"))
            .bearer_auth(&wang.token)
            .header("Idempotency-Key", "racing-key")
            .json(&dispute())
            .send()
    };
    let (a, b, c) = tokio::join!(send(), send(), send());
    let mut ids = Vec::new();
    for response in [a, b, c] {
        let response = response.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        ids.push(response.json::<Value>().await.unwrap()["id"].clone());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "all three got the one case");
    let page = app.get_json("/api/v1/cases", Some(&wang.token)).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_mediator_of_another_organisation_gets_404_on_the_case_its_timeline_and_its_documents() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let upload = app
        .upload_pdf(
            &format!("/api/v1/cases/{id}/documents?kind=evidence&filename=proof.pdf"),
            &wang.token,
            b"%PDF-1.7 evidence",
        )
        .await;
    let document: Value = expect_status(upload, StatusCode::CREATED)
        .await
        .json()
        .await
        .unwrap();
    let outsider = app.create_user("li.elsewhere", "mediator").await;

    for path in [
        format!("/api/v1/cases/{id}"),
        format!("/api/v1/cases/{id}/timeline"),
        format!("/api/v1/cases/{id}/documents"),
        format!(
            "/api/v1/cases/{id}/documents/{}/content",
            document["id"].as_str().unwrap()
        ),
        format!("/api/v1/cases/{id}/agreement"),
    ] {
        let response = app.get(&path, Some(&outsider.token)).await;
        assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    }
    let r = app.act(&outsider.token, id, "accept", None).await;
    assert_problem(r, StatusCode::NOT_FOUND, "not_found").await;
    // …exactly like a case that does not exist, and the case is untouched.
    let missing = app
        .get(
            &format!("/api/v1/cases/{}", uuid::Uuid::now_v7()),
            Some(&outsider.token),
        )
        .await;
    assert_problem(missing, StatusCode::NOT_FOUND, "not_found").await;
    let page = app.get_json("/api/v1/cases", Some(&outsider.token)).await;
    assert_eq!(page["items"], json!([]));
    let unchanged = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
        .await;
    assert_eq!(unchanged["status"], "submitted");
}

#[tokio::test]
async fn an_auditor_reads_the_case_without_identity_numbers_phones_or_addresses_and_cannot_change_it()
 {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let auditor = app
        .create_user_in("zhou.auditor", "auditor", &wang.organization_id)
        .await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();

    let seen = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&auditor.token))
        .await;
    assert_eq!(seen["personal_data_masked"], true);
    let text = seen.to_string();
    for secret in [
        "11010519491231002X",
        "13800138000",
        "0755-28780808",
        "0411-88886666",
        "人民路1号",
        "龙岗区",
    ] {
        assert!(!text.contains(secret), "{secret} is shown to the auditor");
    }
    assert_eq!(seen["parties"][1]["name"], "张三");
    assert_eq!(seen["parties"][1]["id_number"], "***");

    let mediator_view = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
        .await;
    assert_eq!(
        mediator_view["parties"][1]["id_number"],
        "11010519491231002X"
    );
    assert_eq!(mediator_view["personal_data_masked"], false);

    let refused = app.act(&auditor.token, id, "accept", None).await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn an_admin_cannot_read_a_case_and_cannot_open_one() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let admin = app.admin_token().await;
    let id = case["id"].as_str().unwrap();
    for path in [
        format!("/api/v1/cases/{id}"),
        format!("/api/v1/cases/{id}/timeline"),
    ] {
        assert_problem(
            app.get(&path, Some(&admin)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let opened = app
        .post("/api/v1/cases", Some(&admin), Some(&dispute()))
        .await;
    assert_problem(opened, StatusCode::FORBIDDEN, "forbidden").await;
    assert_problem(
        app.get("/api/v1/cases", Some(&admin)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn a_court_refers_a_dispute_and_sees_it_but_mediators_cannot_open_court_tracks() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let judge = app.create_user("judge.liu", "court").await;
    let mut referred = dispute();
    referred["track"] = json!("court_entrusted");
    referred["court_procedure"] = json!("summary");
    referred["organization_id"] = json!(wang.organization_id);

    let case = app.open_case(&judge.token, &referred).await;
    assert_eq!(case["referring_court_id"], judge.organization_id.as_str());
    assert_eq!(case["deadlines"][0]["rule"], "R15");
    assert_eq!(case["deadlines"][0]["period_days"], 7);
    let id = case["id"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/cases/{id}"), Some(&wang.token))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/api/v1/cases/{id}"), Some(&judge.token))
            .await
            .status(),
        StatusCode::OK
    );
    assert_problem(
        app.act(&judge.token, id, "accept", None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let response = app
        .post("/api/v1/cases", Some(&wang.token), Some(&referred))
        .await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "track");
}

#[tokio::test]
async fn search_finds_cases_by_a_prefix_of_a_name_a_code_the_right_or_the_case_number() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let first = app.open_case(&wang.token, &dispute()).await;
    let mut other = dispute();
    other["parties"][0] = json!({ "side": "applicant", "kind": "person", "name": "Zhao Lei" });
    other["ip_type"] = json!("trademark");
    other["right"] = json!("12345678");
    let second = app.open_case(&wang.token, &other).await;
    let accepted = app
        .moved(&wang.token, second["id"].as_str().unwrap(), "accept", None)
        .await;
    let number = accepted["case_number"].as_str().unwrap().to_owned();

    let found = |q: String| {
        let app = &app;
        let token = wang.token.clone();
        async move {
            let page = app
                .get_json(&format!("/api/v1/cases?q={}", urlencode(&q)), Some(&token))
                .await;
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].clone())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("华为".into()).await, [first["id"].clone()]);
    assert_eq!(found("9144030019".into()).await, [first["id"].clone()]);
    assert_eq!(
        found("lei".into()).await,
        [second["id"].clone()],
        "a word of a name, case-insensitively"
    );
    assert_eq!(found("1234".into()).await, [second["id"].clone()]);
    assert_eq!(found(number.to_lowercase()).await, [second["id"].clone()]);
    assert_eq!(
        found("张三".into()).await.len(),
        2,
        "both cases have 张三 as respondent"
    );
    assert!(found("nobody".into()).await.is_empty());
}

#[tokio::test]
async fn lists_filter_by_status_track_and_assignment_newest_first() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let li = app
        .create_user_in("li.mediator", "mediator", &wang.organization_id)
        .await;
    let a = app.open_case(&wang.token, &dispute()).await;
    let b = app.open_case(&li.token, &dispute()).await;
    app.moved(&wang.token, a["id"].as_str().unwrap(), "accept", None)
        .await;

    let ids = |page: Value| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(app.get_json("/api/v1/cases", Some(&wang.token)).await),
        [b["id"].clone(), a["id"].clone()]
    );
    assert_eq!(
        ids(app
            .get_json("/api/v1/cases?status=accepted", Some(&wang.token))
            .await),
        [a["id"].clone()]
    );
    assert_eq!(
        ids(app
            .get_json(
                &format!("/api/v1/cases?assigned_to={}", li.id),
                Some(&wang.token)
            )
            .await),
        [b["id"].clone()]
    );
    assert!(
        ids(app
            .get_json("/api/v1/cases?track=industry", Some(&wang.token))
            .await)
        .is_empty()
    );
    let first_page = app
        .get_json("/api/v1/cases?limit=1", Some(&wang.token))
        .await;
    let cursor = first_page["next_cursor"].as_str().unwrap();
    let second_page = app
        .get_json(
            &format!("/api/v1/cases?limit=1&cursor={cursor}"),
            Some(&wang.token),
        )
        .await;
    assert_eq!(ids(second_page), [a["id"].clone()]);
}

#[tokio::test]
async fn a_search_pages_through_every_match_once_newest_first_and_only_in_the_callers_committee() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let other_committee = app.create_user("liming", "mediator").await;
    // Three matching cases; the second has two parties named 张…, so two of its terms match.
    let mut ids = Vec::new();
    for n in 0..3 {
        let mut case = dispute();
        if n == 1 {
            case["parties"][0] = json!({ "side": "applicant", "kind": "person", "name": "张伟" });
        }
        ids.push(app.open_case(&wang.token, &case).await["id"].clone());
    }
    let mut unmatched = dispute();
    unmatched["parties"][1] = json!({ "side": "respondent", "kind": "person", "name": "Zhao Lei" });
    app.open_case(&wang.token, &unmatched).await;
    app.open_case(&other_committee.token, &dispute()).await;

    let q = urlencode("张");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..5 {
        let after = cursor
            .as_ref()
            .map(|c| format!("&cursor={c}"))
            .unwrap_or_default();
        let page = app
            .get_json(
                &format!("/api/v1/cases?q={q}&limit=1{after}"),
                Some(&wang.token),
            )
            .await;
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{page}");
        seen.push(items[0]["id"].clone());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    ids.reverse();
    assert_eq!(
        seen, ids,
        "each match once, newest first, the last page says so"
    );
    // With another filter as well, the same matches are found.
    let page = app
        .get_json(
            &format!("/api/v1/cases?q={q}&status=submitted"),
            Some(&wang.token),
        )
        .await;
    let found: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(found, ids);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn lists_filter_by_creation_time() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    app.set_today("2026-03-02");
    let march = app.open_case(&wang.token, &dispute()).await;
    app.set_today("2026-04-01");
    let april = app.open_case(&wang.token, &dispute()).await;
    let ids = |page: Value| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].clone())
            .collect::<Vec<_>>()
    };
    let before_april = app
        .get_json(
            "/api/v1/cases?created_before=2026-03-15T00:00:00Z",
            Some(&wang.token),
        )
        .await;
    assert_eq!(ids(before_april), [march["id"].clone()]);
    let from_march_15 = app
        .get_json(
            "/api/v1/cases?created_from=2026-03-15T00:00:00Z",
            Some(&wang.token),
        )
        .await;
    assert_eq!(ids(from_march_15), [april["id"].clone()]);
}

#[tokio::test]
async fn mediators_of_the_handling_organisation_are_assigned_and_unassigned() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let li = app
        .create_user_in("li.mediator", "mediator", &wang.organization_id)
        .await;
    let auditor = app
        .create_user_in("zhou.auditor", "auditor", &wang.organization_id)
        .await;
    let outsider = app.create_user("zhao.elsewhere", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap();
    let path = format!("/api/v1/cases/{id}/assignments");
    let assign = |account: &str| {
        let body = json!({ "account_id": account });
        let (app, path, token) = (&app, path.clone(), wang.token.clone());
        async move { app.post(&path, Some(&token), Some(&body)).await }
    };

    let added = assign(&li.id).await;
    assert_eq!(added.status(), StatusCode::OK);
    let assigned: Vec<Value> = added.json::<Value>().await.unwrap()["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].clone())
        .collect();
    assert_eq!(assigned, [json!(wang.id), json!(li.id)]);
    assert_problem(
        assign(&li.id).await,
        StatusCode::CONFLICT,
        "already_assigned",
    )
    .await;
    for not_fitting in [&outsider.id, &auditor.id] {
        let problem = assert_problem(
            assign(not_fitting).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], "account_id");
    }

    let removed = app
        .delete(
            &format!("/api/v1/cases/{id}/assignments/{}", li.id),
            Some(&wang.token),
        )
        .await;
    assert_eq!(removed.status(), StatusCode::OK);
    let again = app
        .delete(
            &format!("/api/v1/cases/{id}/assignments/{}", li.id),
            Some(&wang.token),
        )
        .await;
    assert_problem(again, StatusCode::NOT_FOUND, "not_found").await;
    let now = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
        .await;
    assert_eq!(now["assigned_mediators"], json!([wang.id]));
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
        ["submit_case", "assign_mediator", "unassign_mediator"]
    );
}
