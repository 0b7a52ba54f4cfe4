//! Courts: judicial confirmation (R8–R14) and court-referred mediation (R15).
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, dispute};

/// A mediation committee in 大连 and three courts: Dalian's intermediate court (patents,
/// trademarks), a Dalian basic court (trademarks, copyright — not patents) and Xining's
/// intermediate court (another city).
struct Courts {
    app: TestApp,
    mediator: TestUser,
    dalian: TestUser,
    zhongshan: TestUser,
    xining: TestUser,
}

async fn court(app: &TestApp, code: &str, level: &str, areas: Value, ip_types: Value) -> TestUser {
    let org = app.create_organization(code, "court", Some(level)).await;
    let id = org["id"].as_str().unwrap();
    let admin = app.admin_token().await;
    let set = app
        .put(
            &format!("/api/v1/organizations/{id}/jurisdiction"),
            &admin,
            &json!({ "areas": areas, "ip_types": ip_types }),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK, "jurisdiction of {code}");
    app.create_user_in(&format!("judge.{}", code.to_lowercase()), "court", id)
        .await
}

async fn courts() -> Courts {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("wang", "mediator").await;
    let dalian = court(
        &app,
        "DLMID",
        "intermediate",
        json!(["大连"]),
        json!(["invention_patent", "utility_model", "trademark"]),
    )
    .await;
    let zhongshan = court(
        &app,
        "DLZS",
        "basic",
        json!(["中山区"]),
        json!(["trademark", "copyright"]),
    )
    .await;
    let xining = court(
        &app,
        "XNMID",
        "intermediate",
        json!(["西宁"]),
        json!(["invention_patent"]),
    )
    .await;
    Courts {
        app,
        mediator,
        dalian,
        zhongshan,
        xining,
    }
}

/// A `people` case on an invention patent, settled (agreement effective) on `date`.
async fn settled_on(app: &TestApp, mediator: &TestUser, date: &str) -> String {
    app.set_today(date);
    let case = app.case_in_mediation(&mediator.token).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let settled = app.settle(&mediator.token, &id).await;
    assert_eq!(settled["status"], "settled");
    id
}

async fn apply(
    app: &TestApp,
    mediator: &TestUser,
    case: &str,
    court: &TestUser,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/cases/{case}/confirmation-applications"),
        Some(&mediator.token),
        Some(&json!({ "court_id": court.organization_id, "consents": [1, 2] })),
    )
    .await
}

/// Applies and expects 201; returns the application.
async fn applied(app: &TestApp, mediator: &TestUser, case: &str, court: &TestUser) -> Value {
    let response = apply(app, mediator, case, court).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "apply: {body}");
    body
}

async fn decide(
    app: &TestApp,
    judge: &TestUser,
    application: &str,
    action: &str,
    body: Option<&Value>,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/confirmation-applications/{application}/{action}"),
        Some(&judge.token),
        body,
    )
    .await
}

/// Decides and expects 200; returns the application.
async fn decided(
    app: &TestApp,
    judge: &TestUser,
    application: &str,
    action: &str,
    body: Option<&Value>,
) -> Value {
    let response = decide(app, judge, application, action, body).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{action}: {body}");
    body
}

fn deadline<'a>(deadlines: &'a Value, rule: &str, subject_suffix: Option<&str>) -> &'a Value {
    deadlines
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["rule"] == rule
                && match subject_suffix {
                    None => d.get("subject").is_none(),
                    Some(suffix) => d["subject"].as_str().is_some_and(|s| s.ends_with(suffix)),
                }
        })
        .unwrap_or_else(|| panic!("no {rule} deadline in {deadlines}"))
}

#[tokio::test]
async fn the_window_counts_a_holiday_as_a_calendar_day_and_refuses_the_day_after_r8() {
    let Courts {
        app,
        mediator,
        dalian,
        ..
    } = courts().await;
    // Effective on 10 September 2026: 30 days run through the National Day holiday (1–7
    // October) to Saturday 10 October — a make-up working day, so the window ends that day.
    let on_time = settled_on(&app, &mediator, "2026-09-10").await;
    let late = settled_on(&app, &mediator, "2026-09-10").await;
    let case = app
        .get_json(&format!("/api/v1/cases/{on_time}"), Some(&mediator.token))
        .await;
    assert_eq!(
        deadline(&case["deadlines"], "R8", None)["due_on"],
        "2026-10-10"
    );

    app.set_today("2026-10-10");
    let application = applied(&app, &mediator, &on_time, &dalian).await;
    assert_eq!(application["status"], "submitted");

    app.set_today("2026-10-11");
    let refused = assert_problem(
        apply(&app, &mediator, &late, &dalian).await,
        StatusCode::CONFLICT,
        "confirmation_window_closed",
    )
    .await;
    assert_eq!(refused["rule"], "R8");
    let none = app
        .get_json(
            &format!("/api/v1/cases/{late}/confirmation-applications"),
            Some(&mediator.token),
        )
        .await;
    assert_eq!(none["items"], json!([]), "nothing was recorded");
}

#[tokio::test]
async fn a_window_ending_on_a_day_off_runs_to_the_next_working_day_r30() {
    let Courts {
        app,
        mediator,
        dalian,
        ..
    } = courts().await;
    // Effective on 20 January 2026: day 30 is 19 February, inside the Spring Festival (15–23
    // February); the window runs to Tuesday 24 February.
    let on_time = settled_on(&app, &mediator, "2026-01-20").await;
    let late = settled_on(&app, &mediator, "2026-01-20").await;
    app.set_today("2026-02-24");
    applied(&app, &mediator, &on_time, &dalian).await;
    app.set_today("2026-02-25");
    assert_problem(
        apply(&app, &mediator, &late, &dalian).await,
        StatusCode::CONFLICT,
        "confirmation_window_closed",
    )
    .await;
}

#[tokio::test]
async fn only_eligible_courts_are_listed_and_accepted_r9() {
    let Courts {
        app,
        mediator,
        dalian,
        zhongshan,
        xining,
    } = courts().await;
    let case = settled_on(&app, &mediator, "2026-03-02").await;

    // An invention patent belongs to an intermediate court: the Dalian basic court is not
    // eligible although a party lives in 中山区, nor is Xining's court.
    let eligible = app
        .get_json(
            &format!("/api/v1/cases/{case}/eligible-courts"),
            Some(&mediator.token),
        )
        .await;
    assert_eq!(
        eligible["items"],
        json!([{
            "court_id": dalian.organization_id, "code": "DLMID", "name": "DLMID 名称",
            "level": "intermediate", "city": "大连",
            "grounds": ["party_domicile", "subject_location", "mediation_body_location"],
        }])
    );
    for ineligible in [&zhongshan, &xining] {
        let refused = assert_problem(
            apply(&app, &mediator, &case, ineligible).await,
            StatusCode::CONFLICT,
            "ineligible_court",
        )
        .await;
        assert_eq!(refused["rule"], "R9");
    }
    let none = app
        .get_json(
            &format!("/api/v1/cases/{case}/confirmation-applications"),
            Some(&mediator.token),
        )
        .await;
    assert_eq!(none["items"], json!([]));
    // The ineligible court was sent nothing and cannot see the case.
    assert_eq!(
        app.get(&format!("/api/v1/cases/{case}"), Some(&zhongshan.token))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_agreement_deciding_ownership_or_validity_is_not_confirmable_r12() {
    let Courts {
        app,
        mediator,
        dalian,
        ..
    } = courts().await;
    app.set_today("2026-03-02");
    let case = app.case_in_mediation(&mediator.token).await;
    let id = case["id"].as_str().unwrap();
    let recorded = app
        .put(
            &format!("/api/v1/cases/{id}/agreement"),
            &mediator.token,
            &json!({ "text": "专利权归申请人所有", "decides_ownership_or_validity": true }),
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::OK);
    assert_eq!(app.sign_all(&mediator.token, id).await["status"], "settled");
    let refused = assert_problem(
        apply(&app, &mediator, id, &dalian).await,
        StatusCode::CONFLICT,
        "not_confirmable",
    )
    .await;
    assert_eq!(refused["rule"], "R12");
}

#[tokio::test]
async fn the_parties_apply_jointly_and_nothing_is_sent_without_every_consent_r8() {
    let Courts {
        app,
        mediator,
        dalian,
        ..
    } = courts().await;
    let case = settled_on(&app, &mediator, "2026-03-02").await;
    let refused = assert_problem(
        app.post(
            &format!("/api/v1/cases/{case}/confirmation-applications"),
            Some(&mediator.token),
            Some(&json!({ "court_id": dalian.organization_id, "consents": [1] })),
        )
        .await,
        StatusCode::CONFLICT,
        "joint_application_required",
    )
    .await;
    assert_eq!(refused["rule"], "R8");
    let unknown = assert_problem(
        app.post(
            &format!("/api/v1/cases/{case}/confirmation-applications"),
            Some(&mediator.token),
            Some(&json!({ "court_id": dalian.organization_id, "consents": [1, 2, 3] })),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(unknown["errors"][0]["field"], "consents[2]");
    let inbox = app
        .get_json("/api/v1/confirmation-applications", Some(&dalian.token))
        .await;
    assert_eq!(inbox["items"], json!([]));
}

#[tokio::test]
async fn the_court_accepts_and_confirms_late_with_the_deadline_overdue_and_other_courts_see_nothing()
 {
    let Courts {
        app,
        mediator,
        dalian,
        xining,
        ..
    } = courts().await;
    let case = settled_on(&app, &mediator, "2026-03-02").await;
    app.set_today("2026-03-03");
    let application = applied(&app, &mediator, &case, &dalian).await;
    let id = application["id"].as_str().unwrap();
    let acceptance = deadline(&application["deadlines"], "R10", Some("/acceptance"));
    assert_eq!(acceptance["due_on"], "2026-03-06");
    assert_eq!(acceptance["working_days"], false);

    // The court's inbox holds it; the court of another city gets 404 everywhere.
    let inbox = app
        .get_json(
            "/api/v1/confirmation-applications?status=submitted",
            Some(&dalian.token),
        )
        .await;
    assert_eq!(inbox["items"][0]["id"], id);
    let elsewhere = app
        .get_json("/api/v1/confirmation-applications", Some(&xining.token))
        .await;
    assert_eq!(elsewhere["items"], json!([]));
    for path in [
        format!("/api/v1/confirmation-applications/{id}"),
        format!("/api/v1/cases/{case}"),
        format!("/api/v1/cases/{case}/agreement"),
    ] {
        assert_problem(
            app.get(&path, Some(&xining.token)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    assert_problem(
        decide(&app, &xining, id, "accept", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // The mediator applies but does not decide.
    assert_problem(
        decide(&app, &mediator, id, "accept", None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // The addressed court reads exactly the signed agreement and the case.
    let read = app
        .get_json(
            &format!("/api/v1/confirmation-applications/{id}"),
            Some(&dalian.token),
        )
        .await;
    assert_eq!(read["agreement"]["digest"], application["agreement_digest"]);
    assert_eq!(read["agreement"]["text"], "双方达成如下协议：……");
    assert_eq!(read["technical_opinions"], json!([]));
    let seen = app
        .get_json(&format!("/api/v1/cases/{case}"), Some(&dalian.token))
        .await;
    assert_eq!(seen["status"], "settled");

    let accepted = decided(&app, &dalian, id, "accept", None).await;
    assert_eq!(accepted["accepted_on"], "2026-03-03");
    let ruling = deadline(&accepted["deadlines"], "R10", Some("/ruling"));
    assert_eq!(ruling["due_on"], "2026-03-18");

    // Sixteen days later the ruling is overdue, for the court and for the mediators.
    app.set_today("2026-03-19");
    for user in [&dalian, &mediator] {
        let overdue = app
            .get_json("/api/v1/deadlines?overdue=true", Some(&user.token))
            .await;
        let rules: Vec<(&str, &str)> = overdue["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap(),
                    d["subject"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(rules, [("R10", format!("{id}/ruling").as_str())]);
    }
    assert_eq!(
        app.get_json("/api/v1/deadlines?overdue=true", Some(&xining.token))
            .await["items"],
        json!([])
    );

    // A refusal without its R13 ground is rejected and changes nothing.
    let no_ground = assert_problem(
        decide(
            &app,
            &dalian,
            id,
            "refuse",
            Some(&json!({ "reason": "内容不明确" })),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(no_ground["errors"][0]["field"], "ground");
    let unchanged = app
        .get_json(
            &format!("/api/v1/confirmation-applications/{id}"),
            Some(&dalian.token),
        )
        .await;
    assert_eq!(unchanged["status"], "accepted");
    assert_eq!(unchanged["version"], accepted["version"]);

    // Ruling late is still possible; the case becomes enforceable, and the deadline closes as
    // lapsed (it ended after its last day), no longer overdue.
    let confirmed = decided(
        &app,
        &dalian,
        id,
        "confirm",
        Some(&json!({ "ruling_number": "（2026）辽02民特12号", "ruling_date": "2026-03-19" })),
    )
    .await;
    assert_eq!(confirmed["status"], "confirmed");
    assert_eq!(confirmed["ruling_number"], "（2026）辽02民特12号");
    let ruling = deadline(&confirmed["deadlines"], "R10", Some("/ruling"));
    assert_eq!(
        (ruling["status"].as_str(), ruling["overdue"].as_bool()),
        (Some("lapsed"), Some(false))
    );
    let case_now = app
        .get_json(&format!("/api/v1/cases/{case}"), Some(&mediator.token))
        .await;
    assert_eq!(case_now["enforceable"], true);
    let timeline = app
        .get_json(
            &format!("/api/v1/cases/{case}/timeline"),
            Some(&dalian.token),
        )
        .await;
    let actions: Vec<&str> = timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .rev()
        .take(3)
        .collect();
    assert_eq!(
        actions,
        [
            "confirm_agreement",
            "accept_application",
            "apply_for_confirmation"
        ]
    );
    // A confirmed agreement is final: no reopening, no second application.
    assert_problem(
        app.act(
            &mediator.token,
            &case,
            "reopen-mediation",
            Some(&json!({ "reason": "改" })),
        )
        .await,
        StatusCode::CONFLICT,
        "already_confirmed",
    )
    .await;
}

#[tokio::test]
async fn a_changed_agreement_voids_the_pending_application() {
    let Courts {
        app,
        mediator,
        dalian,
        ..
    } = courts().await;
    let case = settled_on(&app, &mediator, "2026-03-02").await;
    let application = applied(&app, &mediator, &case, &dalian).await;
    let id = application["id"].as_str().unwrap();
    decided(&app, &dalian, id, "accept", None).await;

    let reopened = app
        .moved(
            &mediator.token,
            &case,
            "reopen-mediation",
            Some(&json!({ "reason": "双方同意变更赔偿金额" })),
        )
        .await;
    assert_eq!(reopened["status"], "in_mediation");
    assert!(
        reopened.get("agreement").is_none(),
        "the signed agreement was set aside"
    );

    let voided = app
        .get_json(
            &format!("/api/v1/confirmation-applications/{id}"),
            Some(&dalian.token),
        )
        .await;
    assert_eq!(voided["status"], "voided");
    assert!(
        voided.get("agreement").is_none(),
        "the court no longer sees a text to confirm"
    );
    assert!(
        voided["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == "met")
    );
    assert_problem(
        decide(
            &app,
            &dalian,
            id,
            "confirm",
            Some(&json!({ "ruling_number": "（2026）辽02民特13号", "ruling_date": "2026-03-02" })),
        )
        .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(
        app.get_json(&format!("/api/v1/cases/{case}"), Some(&mediator.token))
            .await["enforceable"],
        false
    );

    // The amended agreement is signed again, and a new application can be made for it.
    let settled = app.settle(&mediator.token, &case).await;
    assert_eq!(settled["status"], "settled");
    let again = applied(&app, &mediator, &case, &dalian).await;
    assert_eq!(again["status"], "submitted");
}

#[tokio::test]
async fn the_applicants_withdraw_before_the_ruling_and_the_court_cannot() {
    let Courts {
        app,
        mediator,
        dalian,
        ..
    } = courts().await;
    let case = settled_on(&app, &mediator, "2026-03-02").await;
    let application = applied(&app, &mediator, &case, &dalian).await;
    let id = application["id"].as_str().unwrap();
    assert_problem(
        decide(
            &app,
            &dalian,
            id,
            "withdraw",
            Some(&json!({ "reason": "撤回" })),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let withdrawn = decided(
        &app,
        &mediator,
        id,
        "withdraw",
        Some(&json!({ "reason": "当事人撤回申请" })),
    )
    .await;
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_problem(
        decide(&app, &dalian, id, "accept", None).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
}

#[tokio::test]
async fn administrative_mediation_goes_to_the_ip_court_where_the_authority_sits_with_working_days_r14()
 {
    let app = TestApp::spawn().await;
    let centre = app
        .create_organization("DLIPPC", "ip_protection_centre", None)
        .await;
    let officer = app
        .create_user_in("officer.zhao", "mediator", centre["id"].as_str().unwrap())
        .await;
    let dalian = court(
        &app,
        "DLMID",
        "intermediate",
        json!(["大连"]),
        json!(["invention_patent"]),
    )
    .await;
    // Friday 30 January 2026: three working days run to Wednesday 4 February.
    app.set_today("2026-01-30");
    let mut request = dispute();
    request["track"] = json!("admin_patent");
    let case = app.open_case(&officer.token, &request).await;
    let id = case["id"].as_str().unwrap();
    app.moved(
        &officer.token,
        id,
        "consent",
        Some(&json!({ "consent": "given" })),
    )
    .await;
    app.moved(&officer.token, id, "accept", None).await;
    app.moved(&officer.token, id, "start-mediation", None).await;
    app.settle(&officer.token, id).await;
    let eligible = app
        .get_json(
            &format!("/api/v1/cases/{id}/eligible-courts"),
            Some(&officer.token),
        )
        .await;
    assert_eq!(
        eligible["items"][0]["grounds"],
        json!(["authority_location"])
    );
    let application = applied(&app, &officer, id, &dalian).await;
    let acceptance = deadline(&application["deadlines"], "R10", Some("/acceptance"));
    assert_eq!(
        (
            acceptance["working_days"].as_bool(),
            acceptance["due_on"].as_str()
        ),
        (Some(true), Some("2026-02-04"))
    );
}

/// A court refers a dispute before filing (委派) to the mediation committee.
async fn referred(app: &TestApp, judge: &TestUser, mediator: &TestUser) -> String {
    let mut request = dispute();
    request["track"] = json!("court_delegated");
    request["organization_id"] = json!(mediator.organization_id);
    let case = app.open_case(&judge.token, &request).await;
    case["id"].as_str().unwrap().to_owned()
}

/// Accepts, mediates (with the respondent's consent) and settles `case`.
async fn settle_referred(app: &TestApp, mediator: &TestUser, case: &str) {
    app.moved(&mediator.token, case, "accept", None).await;
    app.moved(
        &mediator.token,
        case,
        "consent",
        Some(&json!({ "consent": "given" })),
    )
    .await;
    app.moved(&mediator.token, case, "start-mediation", None)
        .await;
    app.settle(&mediator.token, case).await;
}

#[tokio::test]
async fn a_court_delegated_case_returns_to_the_court_when_its_term_runs_out_r15() {
    let Courts {
        app,
        mediator,
        dalian,
        xining,
        ..
    } = courts().await;
    app.set_today("2026-03-02");
    let case = referred(&app, &dalian, &mediator).await;
    app.moved(&mediator.token, &case, "accept", None).await;
    let seen = app
        .get_json(&format!("/api/v1/cases/{case}"), Some(&mediator.token))
        .await;
    assert_eq!(
        deadline(&seen["deadlines"], "R15", None)["due_on"],
        "2026-04-01"
    );

    // On the last day nothing happens; the day after, the platform returns it.
    app.set_today("2026-04-01");
    assert_eq!(
        ipdr_api::service::court_terms::return_expired(&app.state)
            .await
            .unwrap(),
        0
    );
    app.set_today("2026-04-02");
    assert_eq!(
        ipdr_api::service::court_terms::return_expired(&app.state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        ipdr_api::service::court_terms::return_expired(&app.state)
            .await
            .unwrap(),
        0,
        "once"
    );

    let returned = app
        .get_json(&format!("/api/v1/cases/{case}"), Some(&dalian.token))
        .await;
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["returned_on"], "2026-04-02");
    // The term ran out: the deadline lapsed, it was not met.
    assert_eq!(
        deadline(&returned["deadlines"], "R15", None)["status"],
        "lapsed"
    );
    let timeline = app
        .get_json(
            &format!("/api/v1/cases/{case}/timeline"),
            Some(&dalian.token),
        )
        .await;
    let last = timeline["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "return_to_court");
    assert!(last.get("actor_id").is_none(), "the platform acted: {last}");
    // …and its audit record says so, once, in the return's transaction.
    let audited: Vec<_> = app
        .audit_records()
        .await
        .into_iter()
        .filter(|r| r.action == "return_to_court")
        .map(|r| (r.actor, r.role, r.object, r.outcome, r.status))
        .collect();
    assert_eq!(
        audited,
        [(
            Some("platform".to_owned()),
            Some("platform".to_owned()),
            format!("case:{case}"),
            "succeeded".to_owned(),
            0
        )]
    );
    assert_problem(
        app.get(&format!("/api/v1/cases/{case}"), Some(&xining.token))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_delegated_term_is_extended_only_with_both_parties_consent_r15() {
    let Courts {
        app,
        mediator,
        dalian,
        ..
    } = courts().await;
    app.set_today("2026-03-02");
    let case = referred(&app, &dalian, &mediator).await;
    let one_side = assert_problem(
        app.act(
            &mediator.token,
            &case,
            "extend-term",
            Some(&json!({ "days": 10, "consents": [1] })),
        )
        .await,
        StatusCode::CONFLICT,
        "consent_of_all_parties_required",
    )
    .await;
    assert_eq!(one_side["rule"], "R15");
    let extended = app
        .moved(
            &mediator.token,
            &case,
            "extend-term",
            Some(&json!({ "days": 10, "consents": [1, 2] })),
        )
        .await;
    let term = deadline(&extended["deadlines"], "R15", None);
    assert_eq!(
        (term["period_days"].as_u64(), term["due_on"].as_str()),
        (Some(40), Some("2026-04-13"))
    );
    // Still running on 2 April: nothing returns.
    app.set_today("2026-04-02");
    assert_eq!(
        ipdr_api::service::court_terms::return_expired(&app.state)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_settlement_of_a_referred_case_goes_to_the_referring_court_alone_r9() {
    let Courts {
        app,
        mediator,
        dalian,
        zhongshan,
        ..
    } = courts().await;
    app.set_today("2026-03-02");
    // Referred by the basic court, which has no patent jurisdiction: it still confirms (R9).
    let case = referred(&app, &zhongshan, &mediator).await;
    settle_referred(&app, &mediator, &case).await;
    let eligible = app
        .get_json(
            &format!("/api/v1/cases/{case}/eligible-courts"),
            Some(&mediator.token),
        )
        .await;
    assert_eq!(eligible["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        eligible["items"][0]["court_id"],
        zhongshan.organization_id.as_str()
    );
    assert_eq!(eligible["items"][0]["grounds"], json!(["referring_court"]));
    assert_problem(
        apply(&app, &mediator, &case, &dalian).await,
        StatusCode::CONFLICT,
        "ineligible_court",
    )
    .await;
    let application = applied(&app, &mediator, &case, &zhongshan).await;
    assert_eq!(application["court_id"], zhongshan.organization_id.as_str());
}

#[tokio::test]
async fn the_basic_court_where_a_city_committee_sits_is_found_by_division_code_r9() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let mediator = app.create_user("wang", "mediator").await;
    // A basic court of 大连市中山区 whose jurisdiction names the district, as courts write it.
    let zhongshan = court(
        &app,
        "DLZS",
        "basic",
        json!(["中山区"]),
        json!(["trademark"]),
    )
    .await;
    // A trademark dispute in 大连 whose parties gave no address.
    let mut request = dispute();
    request["ip_type"] = json!("trademark");
    request["right"] = json!("12345678");
    for party in request["parties"].as_array_mut().unwrap() {
        party.as_object_mut().unwrap().remove("address");
    }
    app.set_today("2026-03-02");
    let case = app.open_case(&mediator.token, &request).await;
    let case = case["id"].as_str().unwrap().to_owned();
    settle_referred(&app, &mediator, &case).await;
    let eligible = || {
        let path = format!("/api/v1/cases/{case}/eligible-courts");
        let token = mediator.token.clone();
        let app = &app;
        async move { app.get_json(&path, Some(&token)).await["items"].clone() }
    };
    // By names alone (`大连` against `中山区`) the parties could apply nowhere.
    assert_eq!(eligible().await, json!([]));

    // With structured places: the committee sits in the city of Dalian (210200), the court
    // covers its district (210202).
    let location = |org: &str, code: Value| {
        let path = format!("/api/v1/organizations/{org}/location");
        let body = json!({ "division_code": code });
        let admin = admin.clone();
        let app = &app;
        async move { app.put(&path, &admin, &body).await }
    };
    let committee = location(&mediator.organization_id, json!("210200")).await;
    assert_eq!(committee.status(), StatusCode::OK);
    let committee: Value = committee.json().await.unwrap();
    assert_eq!(committee["division_code"], "210200");
    let set = app
        .put(
            &format!(
                "/api/v1/organizations/{}/jurisdiction",
                zhongshan.organization_id
            ),
            &admin,
            &json!({ "areas": ["中山区"], "divisions": ["210202"], "ip_types": ["trademark"] }),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    let set: Value = set.json().await.unwrap();
    assert_eq!(set["jurisdiction"]["divisions"], json!(["210202"]));
    assert_eq!(
        eligible().await,
        json!([{
            "court_id": zhongshan.organization_id, "code": "DLZS", "name": "DLZS 名称",
            "level": "basic", "city": "大连", "grounds": ["mediation_body_location"],
        }])
    );
    let application = applied(&app, &mediator, &case, &zhongshan).await;
    assert_eq!(application["court_id"], zhongshan.organization_id.as_str());

    // A code that is not six digits, or names no province, is refused and changes nothing.
    for bad in ["21020", "990000", "２１０２００x"] {
        let refused = assert_problem(
            location(&mediator.organization_id, json!(bad)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(refused["errors"][0]["field"], "division_code", "{bad}");
    }
    let refused = assert_problem(
        app.put(
            &format!(
                "/api/v1/organizations/{}/jurisdiction",
                zhongshan.organization_id
            ),
            &admin,
            &json!({ "areas": [], "divisions": ["990202"], "ip_types": ["trademark"] }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "divisions[0]");
    let find = |id: &str| {
        let path = format!("/api/v1/organizations/{id}");
        let admin = admin.clone();
        let app = &app;
        async move { app.get_json(&path, Some(&admin)).await }
    };
    assert_eq!(
        find(&mediator.organization_id).await["division_code"],
        "210200"
    );
    assert_eq!(
        find(&zhongshan.organization_id).await["jurisdiction"]["divisions"],
        json!(["210202"])
    );
}
