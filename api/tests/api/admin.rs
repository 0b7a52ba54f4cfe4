//! The admin area: organisations and accounts. Only admins may use it.
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, NON_ADMIN_ROLES, TestApp, USER_PASSWORD, assert_problem};

/// A valid body for each admin operation that takes one.
fn body_for(operation_id: &str, organization_id: &str) -> Option<Value> {
    match operation_id {
        "create_organization" => Some(
            json!({ "code": "NEWORG", "name": "新组织", "kind": "mediation_committee", "city": "大连" }),
        ),
        "create_account" => Some(json!({
            "username": "newcomer", "display_name": "新人", "role": "mediator",
            "organization_id": organization_id, "password": "a long enough password",
        })),
        "reset_password" => Some(json!({ "new_password": "an attacker password" })),
        "update_organization_settings" => Some(json!({ "people_mediation_days": 1 })),
        "create_investigator" => Some(json!({
            "account_id": organization_id, "fields": ["optics"], "affiliation": "court",
            "contributed_by": organization_id, "max_assignments": 1,
        })),
        "set_court_jurisdiction" => Some(json!({ "areas": ["大连"], "ip_types": ["trademark"] })),
        "set_organization_location" => Some(json!({ "division_code": "210202" })),
        "update_investigator" => Some(json!({
            "fields": ["optics"], "affiliation": "court", "max_assignments": 1, "active": false,
        })),
        _ => None,
    }
}

#[tokio::test]
async fn every_admin_operation_is_refused_with_403_to_every_other_role_and_changes_nothing() {
    // Arrange: one user per non-admin role, and a target organisation and account.
    let app = TestApp::spawn().await;
    let mut users = Vec::new();
    for (role, _, _) in NON_ADMIN_ROLES {
        users.push((role, app.create_user(&format!("{role}-user"), role).await));
    }
    let target = app.create_user("target", "mediator").await;
    let spec: Value = serde_json::from_str(&ipdr_api::openapi::spec_json()).unwrap();

    // The admin operations are read from the spec, so a new one cannot be forgotten here.
    let mut operations = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let tag = op["tags"][0].as_str().unwrap();
            // The pool's administration; `/me/…` is each investigator's own.
            let pool = path.starts_with("/api/v1/investigators") && !path.contains("/me/");
            if tag == "Organizations" || tag == "Accounts" || pool {
                let id = if path.starts_with("/api/v1/organizations") {
                    &target.organization_id
                } else {
                    &target.id
                };
                operations.push((
                    method.clone(),
                    path.replace("{id}", id).replace("{account_id}", id),
                    op["operationId"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    assert_eq!(operations.len(), 18, "the admin operations: {operations:?}");

    // Act and assert
    for (role, user) in &users {
        for (method, path, operation_id) in &operations {
            let body = body_for(operation_id, &target.organization_id);
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = app
                .send(method, path, Some(&user.token), body.as_ref())
                .await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{role} {operation_id}"
            );
            assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
        }
    }

    // Nothing changed: the target still works with its password, its organisation is active
    // with its default settings, and no organisation or account was created.
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&target.token))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.login("target", USER_PASSWORD).await.status(),
        StatusCode::OK
    );
    let admin = app.admin_token().await;
    let orgs: Value = app
        .get_json("/api/v1/organizations?limit=100", Some(&admin))
        .await;
    assert!(
        orgs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["code"] != "NEWORG"
                && o["status"] == "active"
                && o.get("people_mediation_days").is_none()
                && o.get("jurisdiction").is_none())
    );
    let accounts: Value = app
        .get_json("/api/v1/accounts?limit=100", Some(&admin))
        .await;
    assert!(
        accounts["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["username"] != "newcomer")
    );
}

#[tokio::test]
async fn creating_an_organisation_returns_it_with_its_location() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let body = json!({ "code": "dlipc", "name": "大连知识产权法庭", "kind": "court", "court_level": "ip_court", "city": "大连" });
    let response = app
        .post("/api/v1/organizations", Some(&admin), Some(&body))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/organizations/{}", created["id"].as_str().unwrap())
    );
    assert_eq!(
        (created["code"].as_str(), created["court_level"].as_str()),
        (Some("DLIPC"), Some("ip_court"))
    );
    let read: Value = app.get_json(&location, Some(&admin)).await;
    assert_eq!(read, created);
}

#[tokio::test]
async fn a_taken_code_is_a_conflict_naming_the_field_and_stores_nothing() {
    let app = TestApp::spawn().await;
    app.create_organization("DLMC", "mediation_committee", None)
        .await;
    let admin = app.admin_token().await;
    let body =
        json!({ "code": "DLMC", "name": "其他", "kind": "mediation_committee", "city": "大连" });
    let response = app
        .post("/api/v1/organizations", Some(&admin), Some(&body))
        .await;
    let problem = assert_problem(response, StatusCode::CONFLICT, "organization_code_taken").await;
    assert_eq!(problem["errors"][0]["field"], "code");
    let page: Value = app.get_json("/api/v1/organizations", Some(&admin)).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2); // the operator and DLMC
}

#[tokio::test]
async fn invalid_organisations_are_refused_with_every_bad_field_named() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let body = json!({ "code": "1", "name": " ", "kind": "court", "city": "大连" });
    let response = app
        .post("/api/v1/organizations", Some(&admin), Some(&body))
        .await;
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
    assert_eq!(fields, ["code", "name", "court_level"]);
}

#[tokio::test]
async fn an_account_must_fit_its_organisation() {
    let app = TestApp::spawn().await;
    let court = app
        .create_organization("DLCOURT", "court", Some("basic"))
        .await;
    let admin = app.admin_token().await;
    let body = json!({
        "username": "wang", "display_name": "王", "role": "mediator",
        "organization_id": court["id"], "password": "a long enough password",
    });
    let response = app
        .post("/api/v1/accounts", Some(&admin), Some(&body))
        .await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "organization_id");
    assert_eq!(problem["errors"][0]["code"], "role_not_allowed");
    assert_eq!(
        app.login("wang", "a long enough password").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_taken_username_is_a_conflict() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let admin = app.admin_token().await;
    let body = json!({
        "username": "WANG", "display_name": "另一个王", "role": "mediator",
        "organization_id": wang.organization_id, "password": "a long enough password",
    });
    let response = app
        .post("/api/v1/accounts", Some(&admin), Some(&body))
        .await;
    assert_problem(response, StatusCode::CONFLICT, "username_taken").await;
    assert_eq!(
        app.login("wang", USER_PASSWORD).await.status(),
        StatusCode::OK,
        "the first wang is untouched"
    );
}

#[tokio::test]
async fn an_admin_cannot_disable_themselves_or_their_own_organisation() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let me: Value = app.me(&admin).await;
    let own_account = me["account"]["id"].as_str().unwrap();
    let own_org = me["organization"]["id"].as_str().unwrap();

    let r = app
        .post(
            &format!("/api/v1/accounts/{own_account}/disable"),
            Some(&admin),
            None,
        )
        .await;
    assert_problem(r, StatusCode::CONFLICT, "cannot_disable_self").await;
    let r = app
        .post(
            &format!("/api/v1/organizations/{own_org}/disable"),
            Some(&admin),
            None,
        )
        .await;
    assert_problem(r, StatusCode::CONFLICT, "cannot_disable_own_organization").await;
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&admin)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn two_admins_disabling_each_other_at_once_leave_exactly_one_active() {
    let app = TestApp::spawn().await;
    let root = app.admin_token().await;
    let me: Value = app.me(&root).await;
    let operator = me["organization"]["id"].as_str().unwrap().to_owned();
    let root_id = me["account"]["id"].as_str().unwrap().to_owned();
    let second = app.create_user_in("second-admin", "admin", &operator).await;

    let disable_root = format!("/api/v1/accounts/{root_id}/disable");
    let disable_second = format!("/api/v1/accounts/{}/disable", second.id);
    let (a, b) = tokio::join!(
        app.post(&disable_root, Some(&second.token), None),
        app.post(&disable_second, Some(&root), None),
    );

    // The loser either lost inside the transaction (409 last_admin) or was already disabled when
    // its request authenticated (401); never may both win.
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert!(
        statuses == [200, 409] || statuses == [200, 401],
        "exactly one wins: {statuses:?}"
    );
    let loser = if a.status() == StatusCode::OK { b } else { a };
    if loser.status() == StatusCode::CONFLICT {
        assert_problem(loser, StatusCode::CONFLICT, "last_admin").await;
    }
    let survivor = if app.login("admin", ADMIN_PASSWORD).await.status() == StatusCode::OK {
        app.admin_token().await
    } else {
        app.token("second-admin", USER_PASSWORD).await
    };
    let admins: Value = app
        .get_json("/api/v1/accounts?role=admin&status=active", Some(&survivor))
        .await;
    assert_eq!(admins["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn lists_page_by_cursor_and_filter() {
    let app = TestApp::spawn().await;
    for code in ["MC1", "MC2", "MC3"] {
        app.create_organization(code, "mediation_committee", None)
            .await;
    }
    app.create_organization("POOL", "investigator_pool", None)
        .await;
    let admin = app.admin_token().await;

    let mut codes = Vec::new();
    let mut path = "/api/v1/organizations?kind=mediation_committee&limit=2".to_owned();
    loop {
        let page: Value = app.get_json(&path, Some(&admin)).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        codes.extend(items.iter().map(|o| o["code"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!(
                    "/api/v1/organizations?kind=mediation_committee&limit=2&cursor={cursor}"
                )
            }
            None => break,
        }
    }
    assert_eq!(codes, ["MC1", "MC2", "MC3"]);

    let r = app
        .get("/api/v1/organizations?limit=101", Some(&admin))
        .await;
    let problem = assert_problem(r, StatusCode::BAD_REQUEST, "invalid_parameter").await;
    assert_eq!(problem["errors"][0]["field"], "limit");
    let r = app
        .get("/api/v1/organizations?cursor=garbage", Some(&admin))
        .await;
    let problem = assert_problem(r, StatusCode::BAD_REQUEST, "invalid_parameter").await;
    assert_eq!(problem["errors"][0]["field"], "cursor");
}

#[tokio::test]
async fn accounts_filter_by_role_and_organisation() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    app.create_user_in("li.auditor", "auditor", &wang.organization_id)
        .await;
    app.create_user("zhao", "court").await;
    let admin = app.admin_token().await;
    let page = app
        .get_json(
            &format!(
                "/api/v1/accounts?organization_id={}&role=mediator",
                wang.organization_id
            ),
            Some(&admin),
        )
        .await;
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["wang"]);
}

#[tokio::test]
async fn missing_and_malformed_ids_are_404() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let missing = uuid::Uuid::now_v7();
    for path in [
        format!("/api/v1/organizations/{missing}"),
        format!("/api/v1/accounts/{missing}"),
        "/api/v1/accounts/not-a-uuid".to_owned(),
    ] {
        assert_problem(
            app.get(&path, Some(&admin)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let r = app
        .post(
            &format!("/api/v1/accounts/{missing}/disable"),
            Some(&admin),
            None,
        )
        .await;
    assert_problem(r, StatusCode::NOT_FOUND, "not_found").await;
}
