//! The console's pages for each role beyond the mediator's day: technical investigators (the
//! proposal that never offers a conflicted one, the opinion with its document), the case file,
//! the auditor's masked view and the audit trail, the court's referral (委派, R15), the
//! administrator's calendar and federation registry. Driven over HTTP as a browser without
//! JavaScript drives it, and checked against the JSON API.
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

use crate::console::{Browser, hidden, location};
use crate::helpers::{TestApp, TestUser, USER_PASSWORD};

async fn investigator(app: &TestApp, username: &str) -> TestUser {
    let user = app.create_user(username, "investigator").await;
    let admin = app.admin_token().await;
    let profile = json!({
        "account_id": user.id, "fields": ["communications"], "affiliation": "court",
        "contributed_by": user.organization_id, "max_assignments": 3,
    });
    let response = app
        .post("/api/v1/investigators", Some(&admin), Some(&profile))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    user
}

async fn signed_in(app: &TestApp, username: &str, language: &str) -> (Browser, String) {
    let browser = Browser::new(app, language);
    let (status, _, _) = browser.sign_in(username, USER_PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{username} signs in");
    let (_, _, home) = browser.get("/").await;
    let csrf = hidden(&home, "csrf");
    (browser, csrf)
}

#[tokio::test]
async fn a_conflicted_investigator_is_never_offered_and_the_assigned_one_submits_an_opinion() {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    let wang = investigator(&app, "wangwu").await;
    let li = investigator(&app, "lisi").await;
    let case = app.case_in_mediation(&mediator.token).await;
    let id = case["id"].as_str().unwrap().to_owned();

    // Li declares, in the console, a conflict with the applicant.
    let (li_desk, li_csrf) = signed_in(&app, "lisi", "en").await;
    let (status, headers, _) = li_desk
        .post(
            "/conflicts",
            &[
                ("csrf", &li_csrf),
                ("kind", "organization"),
                ("value", "华为技术有限公司"),
                ("relationship", "前雇主"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/conflicts");
    let declared = app
        .get_json("/api/v1/investigators/me/conflicts", Some(&li.token))
        .await;
    assert_eq!(declared["items"].as_array().unwrap().len(), 1, "{declared}");
    let (_, _, page) = li_desk.get("/conflicts").await;
    assert!(page.contains("华为技术有限公司") && page.contains("前雇主"));

    // The mediator's proposal offers Wang and sets Li apart with the reason.
    let (desk, _) = signed_in(&app, "mediator1", "en").await;
    let (status, _, page) = desk
        .get(&format!("/cases/{id}/investigators?field=communications"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("value=\"{}\"", wang.id)), "{page}");
    assert!(
        !page.contains(&format!("value=\"{}\"", li.id)),
        "the conflicted investigator is not offered: {page}"
    );
    let excluded = &page[page.find("id=\"excluded\"").expect("the excluded table")..];
    assert!(excluded.contains("lisi") && excluded.contains("Declared a conflict with a party"));

    // Assigning Li anyway (a forged form) is refused by the domain; nothing is assigned.
    let csrf = hidden(&page, "csrf");
    let assign = |who: String| {
        let csrf = csrf.clone();
        let desk = &desk;
        let path = format!("/cases/{id}/investigators");
        async move {
            let form = [
                ("csrf", csrf.as_str()),
                ("investigator_id", who.as_str()),
                ("field", "communications"),
                ("procedure", "mediation"),
                ("question", "涉案产品是否落入权利要求1的保护范围"),
            ];
            desk.post(&path, &form).await
        }
    };
    let (status, _, page) = assign(li.id.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    let listed = app
        .get_json(
            &format!("/api/v1/cases/{id}/investigators"),
            Some(&mediator.token),
        )
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 0, "{listed}");

    let (status, headers, _) = assign(wang.id.clone()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), format!("/cases/{id}"));
    let listed = app
        .get_json(
            &format!("/api/v1/cases/{id}/investigators"),
            Some(&mediator.token),
        )
        .await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["investigator_id"], wang.id.as_str());

    // Wang writes the opinion with a document in the console.
    let (wang_desk, _) = signed_in(&app, "wangwu", "en").await;
    let (_, _, page) = wang_desk.get(&format!("/cases/{id}")).await;
    assert!(
        page.contains(&format!("action=\"/cases/{id}/opinion\"")),
        "{page}"
    );
    let csrf = hidden(&page, "csrf");
    let report = reqwest::multipart::Part::bytes(b"%PDF-1.4 test report".to_vec())
        .file_name("测试报告.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("text", "经比对，被诉产品包含权利要求1的全部技术特征。")
        .part("file", report);
    let (status, headers, body) = wang_desk
        .post_multipart(&format!("/cases/{id}/opinion"), form)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location(&headers), format!("/cases/{id}"));
    let opinions = app
        .get_json(
            &format!("/api/v1/cases/{id}/opinions"),
            Some(&mediator.token),
        )
        .await;
    let items = opinions["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{opinions}");
    assert_eq!(items[0]["version"], 1);
    assert_eq!(items[0]["documents"][0]["filename"], "测试报告.pdf");

    // The mediator reads it on the case page and downloads its document.
    let (_, _, page) = desk.get(&format!("/cases/{id}")).await;
    assert!(page.contains("经比对，被诉产品包含权利要求1的全部技术特征。"));
    let sha = items[0]["documents"][0]["sha256"].as_str().unwrap();
    let (status, headers, content) = desk
        .download(&format!("/cases/{id}/opinion-documents/{sha}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content, b"%PDF-1.4 test report");
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
}

#[tokio::test]
async fn the_case_file_uploads_and_downloads_and_the_auditor_sees_masked_data_and_the_trail() {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    // The committee's own auditor: auditors read the cases of their organisation, masked.
    app.create_user_in("auditor1", "auditor", &mediator.organization_id)
        .await;
    let case = app.case_in_mediation(&mediator.token).await;
    let id = case["id"].as_str().unwrap().to_owned();

    let (desk, _) = signed_in(&app, "mediator1", "zh-CN").await;
    let (_, _, page) = desk.get(&format!("/cases/{id}")).await;
    let csrf = hidden(&page, "csrf");
    let scan = reqwest::multipart::Part::bytes(b"ID CARD SCAN".to_vec())
        .file_name("身份证.png")
        .mime_str("image/png")
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("kind", "identity")
        .part("file", scan);
    let (status, _, body) = desk
        .post_multipart(&format!("/cases/{id}/documents"), form)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let listed = app
        .get_json(
            &format!("/api/v1/cases/{id}/documents"),
            Some(&mediator.token),
        )
        .await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["kind"], "identity");
    let document = items[0]["id"].as_str().unwrap();
    let (status, headers, content) = desk
        .download(&format!("/cases/{id}/documents/{document}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content, b"ID CARD SCAN");
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''%E8%BA%AB%E4%BB%BD%E8%AF%81.png")
    );

    // An upload without the session's token stores nothing.
    let forged = reqwest::multipart::Form::new()
        .text("csrf", "forged")
        .text("kind", "evidence")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.txt"),
        );
    let (status, _, _) = desk
        .post_multipart(&format!("/cases/{id}/documents"), forged)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let listed = app
        .get_json(
            &format!("/api/v1/cases/{id}/documents"),
            Some(&mediator.token),
        )
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    // The auditor: masked parties, no document to download, the trail and the chain.
    let (audit_desk, _) = signed_in(&app, "auditor1", "en").await;
    let (status, _, page) = audit_desk.get(&format!("/cases/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !page.contains("11010519491231002X"),
        "identity number masked: {page}"
    );
    assert!(!page.contains("13800138000"), "phone masked");
    assert!(
        !page.contains(&format!("/documents/{document}")),
        "no download link"
    );
    let (status, _, _) = audit_desk
        .download(&format!("/cases/{id}/documents/{document}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, trail) = audit_desk.get("/audit?action=upload_document").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        trail.contains(&format!("/api/v1/cases/{id}/documents")),
        "{trail}"
    );
    assert!(
        !trail.contains(">open_case<"),
        "filtered to uploads: {trail}"
    );
    let (_, _, verified) = audit_desk.get("/audit?verify=1").await;
    assert!(verified.contains("id=\"chain-status\""), "{verified}");
    assert!(verified.contains("Intact"), "{verified}");

    // Nobody else reads the trail.
    let (status, _, _) = desk.get("/audit").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_court_refers_a_dispute_to_a_committee_before_filing_with_the_r15_term() {
    let app = TestApp::spawn().await;
    let committee = app
        .create_organization("DLMC", "mediation_committee", None)
        .await;
    let committee_id = committee["id"].as_str().unwrap().to_owned();
    let court = app.create_user("judge1", "court").await;
    let (desk, _) = signed_in(&app, "judge1", "zh-CN").await;
    let (status, _, page) = desk.get("/cases/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("value=\"court_delegated\"") && !page.contains("value=\"people\""));
    assert!(page.contains(&format!("option value=\"{committee_id}\"")));
    let csrf = hidden(&page, "csrf");
    let mut form: Vec<(&str, &str)> = vec![
        ("csrf", &csrf),
        ("track", "court_delegated"),
        ("organization_id", &committee_id),
        ("court_procedure", ""),
        ("ip_type", "trademark"),
        ("right", "12345678"),
        ("claims", "停止侵权"),
        ("city", "大连"),
        ("p0_kind", "organization"),
        ("p0_name", "大连某食品有限公司"),
        ("p0_credit_code", "914403001922038216"),
        ("p1_kind", "person"),
        ("p1_name", "王五"),
        ("p1_id_type", "resident_id"),
        ("p1_id_number", "11010519491231002X"),
    ];
    let (status, headers, body) = desk.post("/cases/new", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let case_id = location(&headers).trim_start_matches("/cases/").to_owned();
    let case: Value = app
        .get_json(&format!("/api/v1/cases/{case_id}"), Some(&court.token))
        .await;
    assert_eq!(case["track"], "court_delegated");
    assert_eq!(case["organization_id"], committee_id.as_str());
    let r15: Vec<_> = case["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "R15")
        .collect();
    assert_eq!(r15.len(), 1, "{case}");

    // An entrusted case needs the court's procedure: named, and nothing opened.
    form[1] = ("track", "court_entrusted");
    let count = "SELECT CAST(COUNT(*) AS VARCHAR(20)) FROM cases";
    let before = app.query_strings(count).await;
    let (status, _, page) = desk.post("/cases/new", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"court-procedure-error\""), "{page}");
    assert_eq!(app.query_strings(count).await, before);
    assert_eq!(before, vec!["1".to_owned()]);
}

#[tokio::test]
async fn the_administrator_loads_a_calendar_year_and_registers_a_partner_in_the_console() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let desk = Browser::new(&app, "en");
    let (status, _, _) = desk.sign_in("admin", crate::helpers::ADMIN_PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, page) = desk.get("/admin/calendar").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = hidden(&page, "csrf");

    // A bad date: named, nothing stored.
    let (status, _, page) = desk
        .post(
            "/admin/calendar",
            &[
                ("csrf", &csrf),
                ("year", "2031"),
                ("source", "国办发明电〔2030〕1号"),
                ("days_off", "2031-01-01\n2031-13-40"),
                ("makeup_workdays", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("2031-13-40 is not a date"), "{page}");
    assert_eq!(
        app.get("/api/v1/calendar/2031", Some(&admin))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let (status, _, page) = desk
        .post(
            "/admin/calendar",
            &[
                ("csrf", &csrf),
                ("year", "2031"),
                ("source", "国办发明电〔2030〕1号"),
                ("days_off", "2031-01-01\n2031-10-01, 2031-10-02"),
                ("makeup_workdays", "2031-10-11"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let year = app.get_json("/api/v1/calendar/2031", Some(&admin)).await;
    assert_eq!(
        year["days_off"],
        json!(["2031-01-01", "2031-10-01", "2031-10-02"])
    );
    assert_eq!(year["makeup_workdays"], json!(["2031-10-11"]));

    // A court's jurisdiction, set on the administration page (R9, R14).
    let court = app
        .create_organization("DLMID", "court", Some("intermediate"))
        .await;
    let court_id = court["id"].as_str().unwrap();
    let (_, _, page) = desk.get("/admin").await;
    assert!(page.contains(&format!("/admin/organizations/{court_id}/jurisdiction")));
    let csrf = hidden(&page, "csrf");
    let (status, headers, _) = desk
        .post(
            &format!("/admin/organizations/{court_id}/jurisdiction"),
            &[
                ("csrf", &csrf),
                ("areas", "大连 瓦房店"),
                ("ip_invention_patent", "on"),
                ("ip_trademark", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/admin");
    let set = app
        .get_json(&format!("/api/v1/organizations/{court_id}"), Some(&admin))
        .await;
    assert_eq!(set["jurisdiction"]["areas"], json!(["大连", "瓦房店"]));
    assert_eq!(
        set["jurisdiction"]["ip_types"],
        json!(["invention_patent", "trademark"])
    );

    // A partner node with its key, then it shows in the registry.
    let (_, _, page) = desk.get("/admin/partners").await;
    let csrf = hidden(&page, "csrf");
    let (status, _, page) = desk
        .post(
            "/admin/partners",
            &[
                ("csrf", &csrf),
                ("node_id", "weihai"),
                ("name", "威海市知识产权保护中心"),
                ("city", "威海"),
                ("base_url", "https://ipdr.weihai.example"),
                ("kid", "weihai-1"),
                ("x", "not a key"),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a bad key is named"
    );
    assert!(page.contains("class=\"error-summary\""));
    let partners = app.get_json("/api/v1/partners", Some(&admin)).await;
    assert_eq!(partners.as_array().unwrap().len(), 0);
    let key = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    let (status, headers, _) = desk
        .post(
            "/admin/partners",
            &[
                ("csrf", &csrf),
                ("node_id", "weihai"),
                ("name", "威海市知识产权保护中心"),
                ("city", "威海"),
                ("base_url", "https://ipdr.weihai.example"),
                ("kid", "weihai-1"),
                ("x", key),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/admin/partners");
    let partners = app.get_json("/api/v1/partners", Some(&admin)).await;
    assert_eq!(partners[0]["node_id"], "weihai");
    assert_eq!(partners[0]["keys"][0]["x"], key);
}

#[tokio::test]
async fn an_upload_that_cannot_be_stored_returns_to_the_case_page_saying_why_and_stores_nothing() {
    let app = TestApp::spawn_with(|config| config.max_document_bytes = 1024).await;
    let mediator = app.create_user("mediator1", "mediator").await;
    let case = app.case_in_mediation(&mediator.token).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let (desk, csrf) = signed_in(&app, "mediator1", "zh-CN").await;
    let stored = || async {
        let listed = app
            .get_json(
                &format!("/api/v1/cases/{id}/documents"),
                Some(&mediator.token),
            )
            .await;
        listed["items"].as_array().unwrap().len()
    };

    // A multipart body cut off before its closing boundary cannot be read.
    let cut = format!(
        "--XYZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--XYZ\r\n\
         Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhalf"
    );
    let (status, headers, _) = desk
        .post_raw(
            &format!("/cases/{id}/documents"),
            "multipart/form-data; boundary=XYZ",
            cut.into_bytes(),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
    assert_eq!(location(&headers), format!("/cases/{id}?notice=unreadable"));
    let (status, _, page) = desk.get(location(&headers)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("上传的内容无法读取，未保存任何文件"),
        "{page}"
    );

    // A file over the platform's limit (1 KiB here) is refused before it is read.
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("kind", "evidence")
        .part(
            "file",
            reqwest::multipart::Part::bytes(vec![b'x'; 4096]).file_name("big.bin"),
        );
    let (status, headers, _) = desk
        .post_multipart(&format!("/cases/{id}/documents"), form)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
    assert_eq!(location(&headers), format!("/cases/{id}?notice=too_large"));
    let (_, _, page) = desk.get(location(&headers)).await;
    assert!(page.contains("文件超过本平台允许的大小"), "{page}");
    assert_eq!(stored().await, 0, "nothing was stored");

    let (_, _, plain) = desk.get(&format!("/cases/{id}")).await;
    assert!(!plain.contains("role=\"status\""), "no notice unasked");
    // A notice the console does not know shows nothing: a link cannot put words on the page.
    let (_, _, page) = desk
        .get(&format!(
            "/cases/{id}?notice=%3Cscript%3Ealert(1)%3C/script%3E"
        ))
        .await;
    assert!(!page.contains("role=\"status\""), "{page}");
    assert!(!page.contains("<script>alert(1)"), "{page}");

    // A file within the limit is stored, so the refusals above were the limit's.
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("kind", "evidence")
        .part(
            "file",
            reqwest::multipart::Part::bytes(vec![b'x'; 100]).file_name("small.bin"),
        );
    let (status, headers, _) = desk
        .post_multipart(&format!("/cases/{id}/documents"), form)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), format!("/cases/{id}"));
    assert_eq!(stored().await, 1);
}

#[tokio::test]
async fn the_console_lists_my_notifications_and_marks_them_read_with_the_sessions_token() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let li = app
        .create_user_in("li.mediator", "mediator", &wang.organization_id)
        .await;
    let case = app.open_case(&wang.token, &crate::helpers::dispute()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let assigned = app
        .post(
            &format!("/api/v1/cases/{id}/assignments"),
            Some(&wang.token),
            Some(&json!({ "account_id": li.id })),
        )
        .await;
    assert_eq!(assigned.status(), StatusCode::OK);

    let (desk, csrf) = signed_in(&app, "li.mediator", "en").await;
    let (_, _, home) = desk.get("/").await;
    assert!(home.contains("1 unread notifications"), "{home}");
    let (status, _, page) = desk.get("/notifications").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Case assigned to you"), "{page}");
    assert!(page.contains(&format!("href=\"/cases/{id}\"")));
    let listed = app.get_json("/api/v1/notifications", Some(&li.token)).await;
    let nid = listed["items"][0]["id"].as_str().unwrap().to_owned();

    // A forged token changes nothing.
    let (status, _, _) = desk
        .post(&format!("/notifications/{nid}/read"), &[("csrf", "forged")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get_json("/api/v1/notifications", Some(&li.token)).await["unread"],
        1
    );
    // Another account's console cannot mark it.
    let (other, other_csrf) = signed_in(&app, "wang", "en").await;
    let (status, _, _) = other
        .post(
            &format!("/notifications/{nid}/read"),
            &[("csrf", &other_csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, headers, _) = desk
        .post(&format!("/notifications/{nid}/read"), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/notifications");
    let (_, _, page) = desk.get("/notifications").await;
    assert!(page.contains("Unread: 0"), "{page}");
    assert_eq!(
        app.get_json("/api/v1/notifications", Some(&li.token)).await["unread"],
        0
    );
    let (_, _, home) = desk.get("/").await;
    assert!(!home.contains("unread notifications"));
}

#[tokio::test]
async fn the_console_sets_where_my_notices_are_emailed_keeping_the_input_on_a_fault() {
    let app = TestApp::spawn().await;
    let li = app.create_user("li.mediator", "mediator").await.token;
    let (desk, csrf) = signed_in(&app, "li.mediator", "en").await;
    let (status, _, page) = desk.get("/notifications").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Notification settings"), "{page}");
    // Every kind is wanted by e-mail until the account says otherwise.
    assert!(
        page.contains(r#"name="email.case_assigned" value="on" checked"#),
        "{page}"
    );

    let (status, _, page) = desk
        .post(
            "/notifications/settings",
            &[
                ("csrf", &csrf),
                ("email", "li at example"),
                ("language", "en"),
                ("email.deadline_breached", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("not an e-mail address"), "{page}");
    assert!(
        page.contains(r#"value="li at example""#),
        "input kept: {page}"
    );
    let unchanged = app
        .get_json("/api/v1/notifications/settings", Some(&li))
        .await;
    assert!(unchanged.get("email").is_none(), "{unchanged}");
    assert_eq!(unchanged["preferences"], json!([]));

    // A forged token changes nothing either.
    let (status, _, _) = desk
        .post(
            "/notifications/settings",
            &[
                ("csrf", "forged"),
                ("email", "li@example.cn"),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, headers, _) = desk
        .post(
            "/notifications/settings",
            &[
                ("csrf", &csrf),
                ("email", "li@example.cn"),
                ("language", "en"),
                ("email.deadline_breached", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/notifications?saved=1");
    let saved = app
        .get_json("/api/v1/notifications/settings", Some(&li))
        .await;
    assert_eq!(saved["email"], "li@example.cn");
    assert_eq!(saved["language"], "en");
    let off: Vec<&str> = saved["preferences"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["channel"] == "email" && p["enabled"] == false)
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(off.len(), 12, "all but the one ticked: {saved}");
    assert!(!off.contains(&"deadline_breached"));
    let (_, _, page) = desk.get("/notifications?saved=1").await;
    assert!(page.contains("Notification settings saved."), "{page}");
    assert!(page.contains(r#"name="email.deadline_breached" value="on" checked"#));
    assert!(!page.contains(r#"name="email.case_assigned" value="on" checked"#));
}
