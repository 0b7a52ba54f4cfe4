//! Identifiers checked as their standards define them (GB 32100 credit codes, GB 11643 resident
//! identity numbers, full-width input read after NFKC), names compared the way people write them
//! (R22 conflicts, party search), and who downloads which kind of document.
use ipdr_domain::case::identifiers::{credit_code_check_character, resident_id_check_character};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, dispute};

/// `first17` completed with its GB 32100 check character, so that only the part under test can
/// be wrong.
fn credit_code(first17: &str) -> String {
    let check = credit_code_check_character(first17).expect("17 credit code characters");
    format!("{first17}{check}")
}

/// `first17` completed with its GB 11643 check character (ISO 7064 MOD 11-2).
fn resident_id(first17: &str) -> String {
    let check = resident_id_check_character(first17).expect("17 digits");
    format!("{first17}{check}")
}

/// `ascii` with every printable ASCII character written in its full-width form (`１`, `Ｘ`).
fn full_width(ascii: &str) -> String {
    ascii
        .chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(u32::from(c) + 0xFEE0).unwrap(),
            other => other,
        })
        .collect()
}

/// POSTs `body` as a new case, expects a 422 and returns its `(field, code)` pairs.
async fn refused(app: &TestApp, token: &str, body: &Value) -> Vec<(String, String)> {
    let response = app.post("/api/v1/cases", Some(token), Some(body)).await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The ids of the cases `token` lists, newest first.
async fn listed(app: &TestApp, token: &str) -> Vec<String> {
    let page = app.get_json("/api/v1/cases", Some(token)).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

fn pair(field: &str, code: &str) -> Vec<(String, String)> {
    vec![(field.to_owned(), code.to_owned())]
}

// ---------------------------------------------------------------------------------------------
// Credit codes (GB 32100)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn credit_codes_outside_the_gb_32100_table_or_naming_no_province_are_refused_at_intake() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    // The helper computes the README's code's own check character.
    assert_eq!(credit_code("91440300192203821"), "914403001922038216");

    for (first17, code, why) in [
        (
            "94440300192203821",
            "invalid_registration_type",
            "工商 registers types 1-3 only",
        ),
        (
            "B1440300192203821",
            "invalid_registration_type",
            "no authority B",
        ),
        (
            "Y2440300192203821",
            "invalid_registration_type",
            "authority Y registers type 1 only",
        ),
        (
            "22440300192203821",
            "invalid_registration_type",
            "外交 registers types 1 and 9 only",
        ),
        (
            "91990000192203821",
            "invalid_division_code",
            "99 names no province",
        ),
        (
            "91000000192203821",
            "invalid_division_code",
            "00 names no province",
        ),
        (
            "914A0300192203821",
            "invalid_division_code",
            "a letter in the division code",
        ),
    ] {
        let mut body = dispute();
        body["parties"][0]["credit_code"] = json!(credit_code(first17));
        assert_eq!(
            refused(&app, &wang.token, &body).await,
            pair("parties[0].credit_code", code),
            "{first17}: {why}"
        );
    }
    assert_eq!(
        listed(&app, &wang.token).await,
        Vec::<String>::new(),
        "no refused intake opened a case"
    );

    // Every valid code is still taken, authorities A, N and Y and the national level included;
    // one written in full-width characters is read as, and stored in, ASCII.
    let valid = [
        "914403001922038216".to_owned(),
        credit_code("A1440300192203821"),
        credit_code("N2210202192203821"),
        credit_code("Y1630000192203821"),
        credit_code("11100000192203821"),
        credit_code("31210202MA0QXY123"),
    ];
    let mut opened = Vec::new();
    for code in &valid {
        let mut body = dispute();
        body["parties"][0]["credit_code"] = json!(code);
        let case = app.open_case(&wang.token, &body).await;
        assert_eq!(case["parties"][0]["credit_code"], code.as_str(), "{code}");
        opened.push(case["id"].as_str().unwrap().to_owned());
    }
    let mut body = dispute();
    body["parties"][0]["credit_code"] = json!(full_width("914403001922038216"));
    let case = app.open_case(&wang.token, &body).await;
    let id = case["id"].as_str().unwrap();
    assert_eq!(case["parties"][0]["credit_code"], "914403001922038216");
    let stored = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
        .await;
    assert_eq!(stored["parties"][0]["credit_code"], "914403001922038216");
    opened.push(id.to_owned());

    opened.reverse();
    assert_eq!(listed(&app, &wang.token).await, opened);
}

// ---------------------------------------------------------------------------------------------
// Resident identity numbers (GB 11643) and other identity documents
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn resident_ids_with_impossible_or_future_birth_dates_or_no_province_are_refused_at_intake() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    app.set_today("2026-12-02");
    // The helper computes the standard's own example.
    assert_eq!(resident_id("11010519491231002"), "11010519491231002X");

    for (first17, code, why) in [
        ("11010519491331002", "invalid_birth_date", "month 13"),
        ("11010520230230002", "invalid_birth_date", "30 February"),
        (
            "11010520250229002",
            "invalid_birth_date",
            "29 February 2025",
        ),
        ("11010519490100002", "invalid_birth_date", "day 00"),
        ("11010520261203002", "invalid_birth_date", "born tomorrow"),
        ("11010520270101002", "invalid_birth_date", "born next year"),
        (
            "99010519491231002",
            "invalid_division_code",
            "99 names no province",
        ),
        (
            "00010519491231002",
            "invalid_division_code",
            "00 names no province",
        ),
    ] {
        let mut body = dispute();
        body["parties"][1]["id_number"] = json!(resident_id(first17));
        assert_eq!(
            refused(&app, &wang.token, &body).await,
            pair("parties[1].id_number", code),
            "{first17}: {why}"
        );
    }
    assert_eq!(
        listed(&app, &wang.token).await,
        Vec::<String>::new(),
        "no refused intake opened a case"
    );

    // Born today, or on a leap day, is a real birth date.
    let mut opened = Vec::new();
    for first17 in ["11010520261202002", "11010520240229002"] {
        let number = resident_id(first17);
        let mut body = dispute();
        body["parties"][1]["id_number"] = json!(number);
        let case = app.open_case(&wang.token, &body).await;
        assert_eq!(case["parties"][1]["id_number"], number.as_str());
        assert_eq!(case["parties"][1]["id_type"], "resident_id");
        opened.push(case["id"].as_str().unwrap().to_owned());
    }
    // "The future" is the server's: tomorrow's birth is accepted once tomorrow has come.
    app.set_today("2026-12-03");
    let mut body = dispute();
    body["parties"][1]["id_number"] = json!(resident_id("11010520261203002"));
    let case = app.open_case(&wang.token, &body).await;
    opened.push(case["id"].as_str().unwrap().to_owned());

    opened.reverse();
    assert_eq!(listed(&app, &wang.token).await, opened);
}

#[tokio::test]
async fn a_resident_id_in_full_width_digits_is_checked_and_stored_in_ascii_and_masked_for_auditors()
{
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let auditor = app
        .create_user_in("zhou.auditor", "auditor", &wang.organization_id)
        .await;
    app.set_today("2026-12-02");

    // Full-width numbers are checked like their ASCII forms: a wrong check character, an
    // impossible birth date and an unknown province are refused.
    for (number, code) in [
        (full_width("110105194912310021"), "invalid_check_character"),
        (
            full_width(&resident_id("11010519491331002")),
            "invalid_birth_date",
        ),
        (
            full_width(&resident_id("99010519491231002")),
            "invalid_division_code",
        ),
        (full_width("11010519491231002"), "invalid_format"),
    ] {
        let mut body = dispute();
        body["parties"][1]["id_number"] = json!(number);
        assert_eq!(
            refused(&app, &wang.token, &body).await,
            pair("parties[1].id_number", code),
            "{number}"
        );
    }
    assert_eq!(listed(&app, &wang.token).await, Vec::<String>::new());

    // A valid one, full-width `Ｘ` (or `ｘ`) and all, is taken and kept in ASCII.
    let written = "１１０１０５１９４９１２３１００２Ｘ";
    assert_eq!(written, full_width("11010519491231002X"));
    let mut opened = Vec::new();
    for number in [written, "１１０１０５１９４９１２３１００２ｘ"] {
        let mut body = dispute();
        body["parties"][1]["id_number"] = json!(number);
        let case = app.open_case(&wang.token, &body).await;
        assert_eq!(case["parties"][1]["id_number"], "11010519491231002X");
        assert_eq!(case["parties"][1]["id_type"], "resident_id");
        let id = case["id"].as_str().unwrap().to_owned();

        let seen = app
            .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
            .await;
        assert_eq!(seen["parties"][1]["id_number"], "11010519491231002X");
        assert_eq!(seen["parties"][1]["id_type"], "resident_id");

        let masked = app
            .get_json(&format!("/api/v1/cases/{id}"), Some(&auditor.token))
            .await;
        assert_eq!(masked["personal_data_masked"], true);
        assert_eq!(masked["parties"][1]["id_number"], "***");
        assert_eq!(masked["parties"][1]["id_type"], "resident_id");
        let text = masked.to_string();
        for secret in ["11010519491231002X", written, "１１０１０５"] {
            assert!(!text.contains(secret), "{secret} shown to the auditor");
        }
        opened.push(id);
    }
    opened.reverse();
    assert_eq!(listed(&app, &wang.token).await, opened);
}

#[tokio::test]
async fn a_resident_id_with_a_dropped_digit_is_refused_unless_the_document_is_named_a_passport() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let dropped = "11010519491231002"; // 11010519491231002X without its last character

    for id_type in [None, Some("resident_id")] {
        let mut body = dispute();
        body["parties"][1]["id_number"] = json!(dropped);
        if let Some(kind) = id_type {
            body["parties"][1]["id_type"] = json!(kind);
        }
        assert_eq!(
            refused(&app, &wang.token, &body).await,
            pair("parties[1].id_number", "invalid_format"),
            "id_type {id_type:?}"
        );
    }
    // A document named without its number is refused too.
    let mut body = dispute();
    body["parties"][1]["id_type"] = json!("passport");
    body["parties"][1]
        .as_object_mut()
        .unwrap()
        .remove("id_number");
    assert_eq!(
        refused(&app, &wang.token, &body).await,
        pair("parties[1].id_number", "required")
    );
    assert_eq!(listed(&app, &wang.token).await, Vec::<String>::new());

    // Named a passport, the same characters are a passport number, shown with their type.
    let mut body = dispute();
    body["parties"][1]["id_type"] = json!("passport");
    body["parties"][1]["id_number"] = json!(dropped);
    let case = app.open_case(&wang.token, &body).await;
    let id = case["id"].as_str().unwrap();
    assert_eq!(case["parties"][1]["id_type"], "passport");
    assert_eq!(case["parties"][1]["id_number"], dropped);
    let seen = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&wang.token))
        .await;
    assert_eq!(seen["parties"][1]["id_type"], "passport");
    assert_eq!(seen["parties"][1]["id_number"], dropped);
    // An organisation has no identity document.
    assert!(seen["parties"][0].get("id_type").is_none(), "{seen}");
    assert_eq!(listed(&app, &wang.token).await, [id]);
}

// ---------------------------------------------------------------------------------------------
// Names (R22 conflicts, party search)
// ---------------------------------------------------------------------------------------------

/// An investigator account with a profile in the pool (communications).
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
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "profile of {username}"
    );
    user
}

async fn declare(app: &TestApp, who: &TestUser, kind: &str, value: &str) {
    let response = app
        .post(
            "/api/v1/investigators/me/conflicts",
            Some(&who.token),
            Some(&json!({ "kind": kind, "value": value, "relationship": "亲属" })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "conflict {value:?}");
}

async fn assign(app: &TestApp, token: &str, case: &str, investigator: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/cases/{case}/investigators"),
        Some(token),
        Some(&json!({
            "investigator_id": investigator, "field": "communications",
            "question": "涉案产品是否落入权利要求1的保护范围",
        })),
    )
    .await
}

/// The proposed and the excluded account ids (each sorted) for `case`, with every exclusion's
/// reason codes.
async fn proposals(
    app: &TestApp,
    token: &str,
    case: &str,
) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let found = app
        .get_json(
            &format!("/api/v1/cases/{case}/investigator-candidates?field=communications"),
            Some(token),
        )
        .await;
    let mut candidates: Vec<String> = found["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["account_id"].as_str().unwrap().to_owned())
        .collect();
    candidates.sort();
    let mut excluded: Vec<(String, Vec<String>)> = found["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let reasons = c["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["code"].as_str().unwrap().to_owned())
                .collect();
            (c["account_id"].as_str().unwrap().to_owned(), reasons)
        })
        .collect();
    excluded.sort();
    (candidates, excluded)
}

/// Assigning each of `conflicted` is refused as a conflict, and the case is left without any
/// investigator.
async fn refused_as_conflicts(app: &TestApp, token: &str, case: &str, conflicted: &[&TestUser]) {
    for who in conflicted {
        let response = assign(app, token, case, &who.id).await;
        let problem = assert_problem(response, StatusCode::CONFLICT, "conflict").await;
        assert_eq!(
            problem["errors"][0]["field"], "investigator_id",
            "{problem}"
        );
        assert_eq!(problem["errors"][0]["code"], "conflict", "{problem}");
    }
    let assignments = app
        .get_json(&format!("/api/v1/cases/{case}/investigators"), Some(token))
        .await;
    assert_eq!(assignments["items"], json!([]), "nothing was assigned");
}

fn sorted(ids: &[&TestUser]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|u| u.id.clone()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_conflict_with_a_chinese_name_matches_however_its_spaces_were_typed_r22() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let case = app.open_case(&wang.token, &dispute()).await; // the respondent is 张三
    let id = case["id"].as_str().unwrap();
    assert_eq!(case["parties"][1]["name"], "张三");
    let clean = investigator(&app, "inv.clean").await;
    let spaced = investigator(&app, "inv.spaced").await;
    let ideographic = investigator(&app, "inv.ideographic").await;
    let other = investigator(&app, "inv.other").await;
    declare(&app, &spaced, "person", "张 三").await;
    declare(&app, &ideographic, "person", "张\u{3000}三").await;
    // A different person who only shares a prefix is no conflict.
    declare(&app, &other, "person", "张 三丰").await;

    let (candidates, excluded) = proposals(&app, &wang.token, id).await;
    assert_eq!(candidates, sorted(&[&clean, &other]));
    let conflict = vec!["conflict".to_owned()];
    let mut expected = vec![
        (spaced.id.clone(), conflict.clone()),
        (ideographic.id.clone(), conflict),
    ];
    expected.sort();
    assert_eq!(excluded, expected);

    refused_as_conflicts(&app, &wang.token, id, &[&spaced, &ideographic]).await;
    // The clean one still can be.
    assert_eq!(
        assign(&app, &wang.token, id, &clean.id).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_conflict_with_a_latin_name_matches_whatever_its_case_width_and_spacing_r22() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let mut body = dispute();
    body["parties"][0]["name"] = json!("Acme Corp");
    let case = app.open_case(&wang.token, &body).await;
    let id = case["id"].as_str().unwrap();
    let clean = investigator(&app, "inv.clean").await;
    let upper = investigator(&app, "inv.upper").await;
    let wide = investigator(&app, "inv.wide").await;
    declare(&app, &upper, "organization", "  ACME   CORP ").await;
    declare(&app, &wide, "organization", "ＡＣＭＥ\u{3000}ｃｏｒｐ").await;
    // Word breaks of Latin names still count: another company is no conflict.
    declare(&app, &clean, "organization", "AcmeCorp").await;

    let (candidates, excluded) = proposals(&app, &wang.token, id).await;
    assert_eq!(candidates, [clean.id.as_str()]);
    let conflict = vec!["conflict".to_owned()];
    let mut expected = vec![
        (upper.id.clone(), conflict.clone()),
        (wide.id.clone(), conflict),
    ];
    expected.sort();
    assert_eq!(excluded, expected);

    refused_as_conflicts(&app, &wang.token, id, &[&upper, &wide]).await;
}

#[tokio::test]
async fn cases_are_found_by_a_party_name_however_it_is_spaced_or_typed() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let zhang = app.open_case(&wang.token, &dispute()).await; // respondent 张三
    let mut body = dispute();
    body["parties"][0]["name"] = json!("Acme Corp");
    body["parties"][1]["name"] = json!("李四");
    body["parties"][1]["id_number"] = json!(resident_id("21020219800101002"));
    let li = app.open_case(&wang.token, &body).await;
    let (zhang, li) = (
        zhang["id"].as_str().unwrap().to_owned(),
        li["id"].as_str().unwrap().to_owned(),
    );

    let search = async |q: &str| {
        let response = app
            .client
            .get(app.url("/api/v1/cases"))
            .bearer_auth(&wang.token)
            .query(&[("q", q)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "q={q:?}");
        let page: Value = response.json().await.unwrap();
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    for q in ["张三", "张 三", "张\u{3000}三", " 张  三 "] {
        assert_eq!(search(q).await, [zhang.as_str()], "q={q:?}");
    }
    for q in ["李 四", "ＡＣＭＥ", "acme\u{3000}ＣＯＲＰ", "ACME  corp"] {
        assert_eq!(search(q).await, [li.as_str()], "q={q:?}");
    }
    assert_eq!(search("张 三丰").await, Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// Documents by kind
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn documents_are_read_by_kind_auditors_none_and_investigators_no_identity_documents() {
    let app = TestApp::spawn().await;
    let wang = app.create_user("wang", "mediator").await;
    let auditor = app
        .create_user_in("zhou.auditor", "auditor", &wang.organization_id)
        .await;
    let case = app.open_case(&wang.token, &dispute()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let inv = investigator(&app, "inv.zhou").await;
    assert_eq!(
        assign(&app, &wang.token, &id, &inv.id).await.status(),
        StatusCode::CREATED
    );

    let upload = async |kind: &str, content: &'static [u8]| {
        let response = app
            .upload_pdf(
                &format!("/api/v1/cases/{id}/documents?kind={kind}&filename={kind}.pdf"),
                &wang.token,
                content,
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "upload {kind}");
        let document: Value = response.json().await.unwrap();
        assert_eq!(document["kind"], kind);
        document["id"].as_str().unwrap().to_owned()
    };
    let list = async |token: &str| {
        let list = app
            .get_json(&format!("/api/v1/cases/{id}/documents"), Some(token))
            .await;
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["kind"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let download = async |token: &str, document: &str| {
        app.get(
            &format!("/api/v1/cases/{id}/documents/{document}/content"),
            Some(token),
        )
        .await
    };

    // The case: a scan of an ID card filed as evidence. The auditor, whose view of the
    // case masks every identity number, neither downloads it nor is told it is there.
    let scan: &'static [u8] = b"%PDF evidence: scan of ID card 11010519491231002X";
    let evidence = upload("evidence", scan).await;
    let body = assert_problem(
        download(&auditor.token, &evidence).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert!(!body.to_string().contains("11010519491231002X"), "{body}");
    assert_eq!(list(&auditor.token).await, Vec::<String>::new());

    let mut documents = vec![("evidence", evidence, scan)];
    for (kind, content) in [
        (
            "technical",
            &b"%PDF technical: drawings and test report"[..],
        ),
        (
            "identity",
            &b"%PDF identity: business licence and ID card"[..],
        ),
        ("other", &b"%PDF other: a cover letter"[..]),
    ] {
        documents.push((kind, upload(kind, content).await, content));
    }

    // The mediator lists and downloads every kind, byte for byte.
    assert_eq!(
        list(&wang.token).await,
        ["evidence", "technical", "identity", "other"]
    );
    for (kind, document, content) in &documents {
        let response = download(&wang.token, document).await;
        assert_eq!(response.status(), StatusCode::OK, "mediator: {kind}");
        assert_eq!(response.bytes().await.unwrap().as_ref(), *content, "{kind}");
    }

    // The investigator: evidence and technical documents, never the identity documents (nor
    // any other kind).
    assert_eq!(list(&inv.token).await, ["evidence", "technical"]);
    for (kind, document, content) in &documents {
        let response = download(&inv.token, document).await;
        if matches!(*kind, "evidence" | "technical") {
            assert_eq!(response.status(), StatusCode::OK, "investigator: {kind}");
            assert_eq!(response.bytes().await.unwrap().as_ref(), *content, "{kind}");
        } else {
            let body = assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
            assert!(!body.to_string().contains("%PDF"), "investigator: {body}");
        }
    }

    // The auditor downloads none of them, and lists none; the case itself stays readable.
    assert_eq!(list(&auditor.token).await, Vec::<String>::new());
    for (kind, document, _) in &documents {
        let body = assert_problem(
            download(&auditor.token, document).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert!(
            !body.to_string().contains("%PDF"),
            "auditor, {kind}: {body}"
        );
    }
    assert_eq!(
        app.get(&format!("/api/v1/cases/{id}"), Some(&auditor.token))
            .await
            .status(),
        StatusCode::OK
    );
}
