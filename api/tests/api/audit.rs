//! The audit trail: what is recorded, that it is sealed into a verifiable chain, that the service
//! cannot rewrite it, and that `ipdr audit verify` names the record one changed byte broke.
use std::process::Output;

use ipdr_domain::audit::{Break, Record};
use ipdr_persistence::ConnectionTrait;
use ipdr_persistence::repo::audit;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{ADMIN_PASSWORD, TestApp, USER_PASSWORD, dispute};

/// `(action, outcome, status, actor, role, object)` of a record, the part a test can predict.
fn summary(r: &Record) -> (String, String, i32, Option<String>, Option<String>, String) {
    (
        r.action.clone(),
        r.outcome.clone(),
        r.status,
        r.actor.clone(),
        r.role.clone(),
        r.object.clone(),
    )
}

fn row(
    action: &str,
    outcome: &str,
    status: i32,
    actor: Option<&str>,
    role: Option<&str>,
    object: &str,
) -> (String, String, i32, Option<String>, Option<String>, String) {
    (
        action.to_owned(),
        outcome.to_owned(),
        status,
        actor.map(str::to_owned),
        role.map(str::to_owned),
        object.to_owned(),
    )
}

pub(crate) async fn cli_verify(app: &TestApp) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_ipdr"))
        .args(["audit", "verify"])
        .env("IPDR_DATABASE_URL", app.database_url())
        .env("IPDR_LOG", "off")
        .output()
        .await
        .expect("ipdr audit verify runs")
}

/// Seals until nothing is left. On PostgreSQL a record waits while any older transaction in
/// the cluster (another test's, say) is still running, so this may take a few rounds; a round
/// lost to another sealer seals nothing and is retried.
pub(crate) async fn seal_everything(app: &TestApp) -> usize {
    let mut sealed = 0;
    for _ in 0..500 {
        sealed += ipdr_api::audit::seal_all(&app.db).await.unwrap_or(0);
        if audit::verify(&app.db, 1000).await.unwrap().unsealed == 0 {
            return sealed;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("records stayed unsealed for 10 s");
}

#[tokio::test]
async fn logins_refusals_and_changes_are_recorded_without_secrets_and_a_changed_byte_is_named() {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    let stranger = app.create_user("mediator2", "mediator").await;
    let admin = app.admin_token().await;
    let setup = app.audit_records().await.len();
    let me = format!("account:{}", mediator.id);

    // A wrong password, an unknown user, a case opened, an anonymous and a forbidden list, a
    // hidden case, a read that succeeds (not recorded), and invalid input.
    assert_eq!(
        app.login("mediator1", "not the password at all")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("ghost", "ghost password 123").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let case = app.open_case(&mediator.token, &dispute()).await;
    let case_id = case["id"].as_str().unwrap().to_owned();
    let case_path = format!("/api/v1/cases/{case_id}");
    assert_eq!(
        app.get("/api/v1/cases", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/v1/cases", Some(&admin)).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&case_path, Some(&stranger.token)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&case_path, Some(&mediator.token)).await.status(),
        StatusCode::OK
    );
    let invalid = app
        .post(
            "/api/v1/cases",
            Some(&mediator.token),
            Some(&json!({ "track": "people" })),
        )
        .await
        .status();
    assert!(invalid.is_client_error(), "{invalid}");

    let records = app.audit_records().await;
    let ours: Vec<_> = records[setup..].iter().map(summary).collect();
    let stranger_actor = format!("account:{}", stranger.id);
    let admin_id = app.me(&admin).await["account"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin_actor = format!("account:{admin_id}");
    assert_eq!(
        ours,
        [
            row(
                "login",
                "failed",
                401,
                Some(&me),
                Some("mediator"),
                "/api/v1/auth/login"
            ),
            row("login", "failed", 401, None, None, "/api/v1/auth/login"),
            row(
                "open_case",
                "succeeded",
                201,
                Some(&me),
                Some("mediator"),
                &case_path
            ),
            row(
                "list_cases",
                "unauthenticated",
                401,
                None,
                None,
                "/api/v1/cases"
            ),
            row(
                "list_cases",
                "denied",
                403,
                Some(&admin_actor),
                Some("admin"),
                "/api/v1/cases"
            ),
            row(
                "get_case",
                "not_found",
                404,
                Some(&stranger_actor),
                Some("mediator"),
                &case_path
            ),
            row(
                "open_case",
                "invalid",
                i32::from(invalid.as_u16()),
                Some(&me),
                Some("mediator"),
                "/api/v1/cases"
            ),
        ]
    );
    let failed: Vec<_> = records[setup..setup + 2]
        .iter()
        .map(|r| r.detail.clone())
        .collect();
    assert_eq!(
        failed,
        [
            Some("wrong_password".into()),
            Some("unknown_account".into())
        ]
    );
    // The first start created the first administrator: the platform's record, with no client.
    assert_eq!(
        (records[0].actor.as_deref(), records[0].action.as_str()),
        (Some("platform"), "create_account")
    );
    assert_eq!(records[0].client_address, None);
    for r in &records[1..] {
        assert_eq!(r.client_address.as_deref(), Some("127.0.0.1"));
        assert!(r.request_id.as_ref().is_some_and(|id| !id.is_empty()));
    }
    // Nothing secret or personal: no password, token, party name or ID number.
    let everything = format!("{records:?}");
    for secret in [
        ADMIN_PASSWORD,
        USER_PASSWORD,
        "not the password",
        "ghost",
        &mediator.token,
        &admin,
        "张三",
        "11010519491231002X",
        "华为",
    ] {
        assert!(
            !everything.contains(secret),
            "{secret} reached the audit trail"
        );
    }

    // Sealed and verified, by the library and by the command line.
    assert_eq!(seal_everything(&app).await, records.len());
    assert_eq!(seal_everything(&app).await, 0, "nothing is sealed twice");
    let report = audit::verify(&app.db, 3).await.unwrap();
    assert_eq!(
        (report.verified, report.unsealed, report.broken),
        (records.len() as u64, 0, None)
    );
    let ok = cli_verify(&app).await;
    assert!(ok.status.success(), "{ok:?}");
    assert_eq!(
        String::from_utf8_lossy(&ok.stdout),
        format!(
            "audit chain intact: {} records verified, 0 not yet sealed\n",
            records.len()
        )
    );

    // The service's own connection cannot rewrite a record: the trigger refuses.
    let target = &records[setup + 2];
    let update = |object: &str| {
        format!(
            "UPDATE audit_events SET object = '{object}' WHERE id = {}",
            target.id
        )
    };
    let mut altered = target.object.clone().into_bytes();
    let last = altered.len() - 1;
    altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
    let altered = String::from_utf8(altered).unwrap();
    assert!(app.db.execute_unprepared(&update(&altered)).await.is_err());
    assert!(
        app.db
            .execute_unprepared(&format!(
                "DELETE FROM audit_events WHERE id = {}",
                target.id
            ))
            .await
            .is_err()
    );
    assert_eq!(app.audit_records().await, records, "nothing changed");

    // Someone with the owner's rights drops the trigger and changes one byte of one record.
    let drop = match ipdr_persistence::backend_name(&app.db) {
        "postgres" => "DROP TRIGGER audit_events_append_only ON audit_events",
        _ => "DROP TRIGGER audit_events_no_update",
    };
    app.db.execute_unprepared(drop).await.unwrap();
    app.db.execute_unprepared(&update(&altered)).await.unwrap();
    let seq = i64::try_from(setup + 3).unwrap();
    let report = audit::verify(&app.db, 1000).await.unwrap();
    assert_eq!(
        report.broken,
        Some(Break::Mismatch {
            seq,
            record_id: target.id
        })
    );
    assert_eq!(report.verified, u64::try_from(seq - 1).unwrap());
    let broken = cli_verify(&app).await;
    assert!(!broken.status.success(), "{broken:?}");
    assert_eq!(
        String::from_utf8_lossy(&broken.stdout),
        format!(
            "audit chain BROKEN: seal {seq} does not match record {}: the record or its hash \
             was changed; {} records before it verified\n",
            target.id,
            seq - 1
        )
    );
}

#[tokio::test]
async fn records_written_while_two_sealers_race_all_end_up_once_in_one_valid_chain() {
    // The service's own sealer every 5 ms, and a second one racing it from here.
    let app =
        TestApp::spawn_with(|c| c.audit_seal = Some(std::time::Duration::from_millis(5))).await;
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let db = app.db.clone();
            tokio::spawn(async move {
                for i in 0..40 {
                    let mut event = ipdr_api::audit::event(
                        "test.write",
                        format!("writer:{w}:{i}"),
                        ipdr_domain::audit::Outcome::Succeeded,
                        200,
                    );
                    event.detail = Some(format!("{w}-{i}"));
                    audit::append(&db, event).await.unwrap();
                }
            })
        })
        .collect();
    let racer = {
        let db = app.db.clone();
        tokio::spawn(async move {
            let mut lost = 0;
            for _ in 0..40 {
                // Losing a race to the other sealer fails the whole round and forks nothing.
                if ipdr_api::audit::seal_all(&db).await.is_err() {
                    lost += 1;
                }
                tokio::time::sleep(std::time::Duration::from_millis(3)).await;
            }
            lost
        })
    };
    for writer in writers {
        writer.await.unwrap();
    }
    let _lost_races = racer.await.unwrap();
    // The service's sealer may still win a round against this one.
    seal_everything(&app).await;
    let records = app.audit_records().await;
    let report = audit::verify(&app.db, 50).await.unwrap();
    assert_eq!(
        (report.verified, report.unsealed, report.broken),
        (records.len() as u64, 0, None)
    );
    let writes = records.iter().filter(|r| r.action == "test.write").count();
    assert_eq!(writes, 8 * 40);
}

#[tokio::test]
async fn auditors_page_through_the_trail_newest_first_and_nobody_else_reads_it() {
    let app = TestApp::spawn().await;
    let auditor = app.create_user("auditor1", "auditor").await;
    let mediator = app.create_user("mediator1", "mediator").await;
    for _ in 0..3 {
        assert_eq!(
            app.login("mediator1", "wrong password again")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let stored = app.audit_records().await;
    let newest: Vec<i64> = stored.iter().rev().map(|r| r.id).collect();

    let first = app
        .get_json("/api/v1/audit-records?limit=2", Some(&auditor.token))
        .await;
    let ids = |page: &serde_json::Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&first), newest[..2]);
    assert_eq!(first["items"][0]["action"], "login");
    assert_eq!(first["items"][0]["outcome"], "failed");
    assert_eq!(
        first["items"][0]["actor"],
        format!("account:{}", mediator.id)
    );
    assert_eq!(first["next_before"], newest[1]);
    let second = app
        .get_json(
            &format!("/api/v1/audit-records?limit=100&before={}", newest[1]),
            Some(&auditor.token),
        )
        .await;
    assert_eq!(ids(&second), newest[2..]);
    assert!(second.get("next_before").is_none());

    let admin = app.admin_token().await;
    for token in [&admin, &mediator.token] {
        let refused = app.get("/api/v1/audit-records", Some(token)).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(!refused.text().await.unwrap().contains("login"));
    }
    assert_eq!(
        app.get("/api/v1/audit-records", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn verify_only_reads_and_refuses_a_schema_older_than_the_binary() {
    let app = TestApp::spawn().await;
    let newest = |db: &ipdr_persistence::Db| {
        let db = db.clone();
        async move {
            let row = db
                .query_one_raw(ipdr_persistence::Statement::from_string(
                    db.get_database_backend(),
                    "SELECT MAX(version) AS v, COUNT(*) AS n FROM seaql_migrations",
                ))
                .await
                .unwrap()
                .unwrap();
            (
                row.try_get::<String>("", "v").unwrap(),
                row.try_get::<i64>("", "n").unwrap(),
            )
        }
    };
    let (latest, applied) = newest(&app.db).await;

    // The database as an older binary left it: its newest migration not yet applied.
    app.db
        .execute_unprepared(&format!(
            "DELETE FROM seaql_migrations WHERE version = '{latest}'"
        ))
        .await
        .unwrap();
    let refused = cli_verify(&app).await;
    assert!(!refused.status.success(), "{refused:?}");
    assert_eq!(String::from_utf8_lossy(&refused.stdout), "");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains(&format!(
            "the database schema is older than this binary: 1 migration(s) pending, starting \
             with {latest}; run `ipdr migrate`"
        )),
        "{stderr}"
    );
    // Nothing was migrated: the verifier wrote nothing.
    let (now_latest, now_applied) = newest(&app.db).await;
    assert_ne!(now_latest, latest);
    assert_eq!(now_applied, applied - 1);
}
