//! The unit of work, driven as the application layer (no HTTP where the point is the layer): a
//! change commits together with its domain events, the timeline entries derived from them, its
//! audit record and outbox messages, or not at all; what the platform does on its own is audited; and a server killed under write load
//! leaves no committed change without its record.
use std::time::Duration;

use ipdr_api::audit::{Acting, acting};
use ipdr_api::federation::message::Step;
use ipdr_api::service::error::AppError;
use ipdr_api::service::{cases, referrals};
use ipdr_domain::access::Principal;
use ipdr_domain::account::Role;
use ipdr_domain::case::lifecycle::CaseAction;
use ipdr_domain::event::{By, EventKind, Subject};
use ipdr_domain::{AccountId, CaseId, OrganizationId};
use ipdr_persistence::repo::stream::{self, Position, StoredEvent};
use ipdr_persistence::{ConnectionTrait, Statement};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::audit::{cli_verify, seal_everything};
use crate::helpers::{TestApp, TestUser, USER_PASSWORD, dispute};
use crate::nodes::Process;
use crate::referrals::{dalian, deliver, message, referred};

/// The operation whose audit records the database refuses once [`inject_failure`] ran.
const FAILING: &str = "inject_failure";

/// Makes the database refuse every audit record of the operation [`FAILING`], as a crash or a
/// lost connection between the change and its commit would: the unit of work has written the
/// change when its record fails.
async fn inject_failure(app: &TestApp) {
    let statements: &[&str] = if app.database_url().starts_with("postgres") {
        &[
            "CREATE FUNCTION inject_failure() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
            "CREATE TRIGGER inject_failure BEFORE INSERT ON audit_events FOR EACH ROW \
             WHEN (NEW.action = 'inject_failure') EXECUTE FUNCTION inject_failure()",
        ]
    } else {
        &[
            "CREATE TRIGGER inject_failure BEFORE INSERT ON audit_events \
           WHEN NEW.action = 'inject_failure' BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
        ]
    };
    for sql in statements {
        app.db.execute_unprepared(sql).await.unwrap();
    }
}

fn principal(user: &TestUser, role: Role) -> Principal {
    Principal {
        account_id: AccountId::from(Uuid::parse_str(&user.id).unwrap()),
        role,
        organization_id: OrganizationId::from(Uuid::parse_str(&user.organization_id).unwrap()),
    }
}

fn as_user(user: &TestUser, role: &str, operation: &'static str, object: &str) -> Acting {
    Acting {
        actor: format!("account:{}", user.id),
        role: Some(role.to_owned()),
        operation,
        object: object.to_owned(),
        client: None,
    }
}

/// `(action, outcome, actor, object, status)` of the records after the first `skip`.
async fn records_since(app: &TestApp, skip: usize) -> Vec<(String, String, String, String, i32)> {
    app.audit_records().await[skip..]
        .iter()
        .map(|r| {
            (
                r.action.clone(),
                r.outcome.clone(),
                r.actor.clone().unwrap_or_default(),
                r.object.clone(),
                r.status,
            )
        })
        .collect()
}

/// Every event in the stream, read a page of `page` at a time from the start. On PostgreSQL a
/// reader sees an event once every transaction older than its own has ended (other tests' too:
/// transaction ids are the cluster's), so this waits until it sees every committed row.
async fn stream_from_start(app: &TestApp, page: u64) -> Vec<StoredEvent> {
    for _ in 0..500 {
        let (mut all, mut at) = (Vec::new(), Position::START);
        loop {
            let next = stream::after(&app.db, at, page).await.unwrap();
            let Some(last) = next.last() else {
                break;
            };
            at = last.position;
            all.extend(next);
        }
        let committed = count(app, "SELECT COUNT(*) FROM event_stream").await;
        if i64::try_from(all.len()).unwrap() == committed {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("committed events stayed unreadable for 10 s");
}

/// `(kind, cause)` of the events after the first `skip`.
async fn events_since(app: &TestApp, skip: usize) -> Vec<(EventKind, String)> {
    stream_from_start(app, 100).await[skip..]
        .iter()
        .map(|e| (e.event.kind(), e.cause.clone()))
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::test]
async fn a_case_change_whose_audit_record_fails_leaves_the_case_its_timeline_and_deadlines_unchanged()
 {
    let app = TestApp::spawn().await;
    let mediator = app.create_user("mediator1", "mediator").await;
    let case = app.open_case(&mediator.token, &dispute()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let case_id = CaseId::from(Uuid::parse_str(&id).unwrap());
    let path = format!("/api/v1/cases/{id}");
    let timeline = format!("{path}/timeline");
    inject_failure(&app).await;
    let before = (
        app.get_json(&path, Some(&mediator.token)).await,
        app.get_json(&timeline, Some(&mediator.token)).await,
    );
    let seen = app.audit_records().await.len();
    let streamed = stream_from_start(&app, 100).await.len();
    let caller = principal(&mediator, Role::Mediator);

    let (result, recorded) = acting(
        as_user(&mediator, "mediator", FAILING, &path),
        cases::transition(&app.state, &caller, case_id, None, &CaseAction::Accept),
    )
    .await;

    assert!(matches!(result, Err(AppError::Internal(_))), "{result:?}");
    assert!(!recorded);
    let after = (
        app.get_json(&path, Some(&mediator.token)).await,
        app.get_json(&timeline, Some(&mediator.token)).await,
    );
    assert_eq!(
        after, before,
        "status, version, deadlines and timeline as before"
    );
    assert_eq!(records_since(&app, seen).await, []);
    assert_eq!(events_since(&app, streamed).await, [], "no event either");

    // The same change with a record the database takes: one commit, one record.
    let (result, recorded) = acting(
        as_user(&mediator, "mediator", "accept_case", &path),
        cases::transition(&app.state, &caller, case_id, None, &CaseAction::Accept),
    )
    .await;
    assert_eq!(result.unwrap().status.as_str(), "accepted");
    assert!(recorded);
    assert_eq!(
        records_since(&app, seen).await,
        [(
            "accept_case".to_owned(),
            "succeeded".to_owned(),
            format!("account:{}", mediator.id),
            path.clone(),
            0
        )]
    );
    let events = app.get_json(&timeline, Some(&mediator.token)).await;
    let actions = |timeline: &Value| -> Vec<Value> {
        timeline["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].clone())
            .collect()
    };
    let mut expected = actions(&before.1);
    expected.push(json!("accept_case"));
    assert_eq!(actions(&events), expected, "{events}");

    // The timeline is derived from the case's events: the same kinds, in the same order, each
    // caused by its operation and made by the mediator.
    let of_case = stream::of_case(&app.db, case_id).await.unwrap();
    let kinds: Vec<_> = of_case
        .iter()
        .map(|e| json!(e.event.kind().as_str()))
        .collect();
    assert_eq!(kinds, expected);
    assert_eq!(
        of_case.iter().map(|e| e.cause.as_str()).collect::<Vec<_>>(),
        ["open_case", "accept_case"]
    );
    for e in &of_case {
        assert_eq!(e.event.subject(), &Subject::Case(case_id));
        assert_eq!(e.event.by, By::from(caller.actor()));
    }
    assert_eq!(
        events_since(&app, streamed).await,
        [(EventKind::AcceptCase, "accept_case".to_owned())]
    );
}

#[tokio::test]
async fn a_referral_step_whose_audit_record_fails_queues_nothing_for_the_partner() {
    let d = dalian().await;
    let referral = Uuid::now_v7();
    let (id, body) = message("weihai", referral, 1, referred());
    let (status, _) = deliver(&d.app, &d.weihai.token("dalian", id, &body), &body).await;
    assert_eq!(status, StatusCode::OK);
    let admin = d.app.admin_token().await;
    let path = format!("/api/v1/referrals/{referral}");
    inject_failure(&d.app).await;
    let before = d.app.get_json(&path, Some(&d.liaison.token)).await;
    let seen = d.app.audit_records().await.len();
    let streamed = stream_from_start(&d.app, 100).await.len();
    let caller = principal(&d.liaison, Role::Liaison);

    let (result, _) = acting(
        as_user(&d.liaison, "liaison", FAILING, &path),
        referrals::take_step(
            &d.app.state,
            &caller,
            referral,
            None,
            Step::Acknowledged,
            None,
        ),
    )
    .await;

    assert!(matches!(result, Err(AppError::Internal(_))), "{result:?}");
    assert_eq!(d.app.get_json(&path, Some(&d.liaison.token)).await, before);
    let outbox = d
        .app
        .get_json("/api/v1/federation/outbox", Some(&admin))
        .await;
    assert_eq!(outbox["items"], json!([]), "nothing queued");
    assert_eq!(records_since(&d.app, seen).await, []);
    assert_eq!(events_since(&d.app, streamed).await, [], "no event");

    let (result, recorded) = acting(
        as_user(&d.liaison, "liaison", "acknowledge_referral", &path),
        referrals::take_step(
            &d.app.state,
            &caller,
            referral,
            None,
            Step::Acknowledged,
            None,
        ),
    )
    .await;
    assert_eq!(result.unwrap().status.as_str(), "acknowledged");
    assert!(recorded);
    let outbox = d
        .app
        .get_json("/api/v1/federation/outbox", Some(&admin))
        .await;
    assert_eq!(outbox["items"].as_array().unwrap().len(), 1, "{outbox}");
    // Beside the outbox worker's own records of its delivery attempts, one record of the step.
    let steps: Vec<_> = records_since(&d.app, seen)
        .await
        .into_iter()
        .filter(|r| r.0 != "federation.deliver")
        .collect();
    assert_eq!(
        steps,
        [(
            "acknowledge_referral".to_owned(),
            "succeeded".to_owned(),
            format!("account:{}", d.liaison.id),
            path.clone(),
            0
        )]
    );
    // The partner's step and ours, each with its event, about the referral.
    let events = stream_from_start(&d.app, 1).await;
    let referral_events: Vec<_> = events
        .iter()
        .filter(|e| e.event.subject() == &Subject::Referral(referral))
        .map(|e| (e.event.kind(), e.event.by.clone(), e.cause.as_str()))
        .collect();
    assert_eq!(
        referral_events,
        [
            (
                EventKind::SendReferral,
                By::Partner {
                    node: "weihai".into(),
                    role: "liaison".into()
                },
                "receive_message"
            ),
            (
                EventKind::AcknowledgeReferral,
                By::from(caller.actor()),
                "acknowledge_referral"
            ),
        ]
    );
}

#[tokio::test]
async fn escalating_a_breached_referral_clock_is_audited_as_the_platform_once() {
    let d = dalian().await;
    let referral = Uuid::now_v7();
    let (id, body) = message("weihai", referral, 1, referred());
    let (status, _) = deliver(&d.app, &d.weihai.token("dalian", id, &body), &body).await;
    assert_eq!(status, StatusCode::OK);
    let seen = d.app.audit_records().await.len();

    // Received Fri 2026-11-20: acknowledge by Tue 11-24, decide by Fri 11-27 (R28).
    d.app.set_today("2026-11-25");
    assert_eq!(referrals::escalate_breaches(&d.app.state).await.unwrap(), 1);
    d.app.set_today("2026-11-30");
    assert_eq!(referrals::escalate_breaches(&d.app.state).await.unwrap(), 1);
    assert_eq!(referrals::escalate_breaches(&d.app.state).await.unwrap(), 0);

    let object = format!("referral:{referral}");
    let escalation = |clock: &str| {
        (
            "escalate_referral_clock".to_owned(),
            "succeeded".to_owned(),
            "platform".to_owned(),
            object.clone(),
            0,
            clock.to_owned(),
        )
    };
    let records: Vec<_> = d.app.audit_records().await[seen..]
        .iter()
        .map(|r| {
            (
                r.action.clone(),
                r.outcome.clone(),
                r.actor.clone().unwrap_or_default(),
                r.object.clone(),
                r.status,
                r.detail.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        records,
        [
            escalation("acknowledge clock (R28) due 2026-11-24 breached"),
            escalation("decide clock (R28) due 2026-11-27 breached"),
        ]
    );
    let escalated: Vec<_> = stream_from_start(&d.app, 100)
        .await
        .into_iter()
        .filter(|e| e.event.kind() == EventKind::EscalateReferralClock)
        .map(|e| {
            (
                e.event.subject().clone(),
                e.event.by,
                e.cause,
                e.event.detail,
            )
        })
        .collect();
    let event = |detail: &str| {
        (
            Subject::Referral(referral),
            By::Platform,
            "platform".to_owned(),
            Some(detail.to_owned()),
        )
    };
    assert_eq!(
        escalated,
        [
            event("acknowledge clock (R28) due 2026-11-24 breached"),
            event("decide clock (R28) due 2026-11-27 breached"),
        ]
    );
}

#[tokio::test]
async fn after_sigkill_under_write_load_every_committed_case_has_its_audit_record() {
    let app = TestApp::spawn().await;
    app.create_user("mediator1", "mediator").await;
    let dir = tempfile::tempdir().unwrap();
    let url = app.database_url();
    let server = Process::start(dir.path(), &[("IPDR_DATABASE_URL", &url)]).await;
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({ "username": "mediator1", "password": USER_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();

    let writers: Vec<_> = (0..4)
        .map(|_| {
            let (client, base, token) = (client.clone(), server.base.clone(), token.clone());
            tokio::spawn(async move {
                let mut created = 0;
                while let Ok(response) = client
                    .post(format!("{base}/api/v1/cases"))
                    .bearer_auth(&token)
                    .json(&dispute())
                    .send()
                    .await
                {
                    assert_eq!(response.status(), StatusCode::CREATED);
                    created += 1;
                }
                created
            })
        })
        .collect();
    // Kill once the writers are well under way.
    for _ in 0..200 {
        if count(&app, "SELECT COUNT(*) FROM cases").await >= 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    server.kill().await;
    let mut answered = 0;
    for writer in writers {
        answered += writer.await.unwrap();
    }

    let cases = count(&app, "SELECT COUNT(*) FROM cases").await;
    assert!(
        cases >= 20 && cases >= answered,
        "{cases} cases, {answered} answered"
    );
    let opened = "FROM audit_events WHERE action = 'open_case' AND outcome = 'succeeded'";
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) {opened}")).await,
        cases
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(DISTINCT object) {opened}")).await,
        cases,
        "one record per case"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM event_stream WHERE kind = 'submit_case'"
        )
        .await,
        cases,
        "one event per case"
    );
    seal_everything(&app).await;
    let verified = cli_verify(&app).await;
    assert!(verified.status.success(), "{verified:?}");
}

#[tokio::test]
async fn a_refused_change_is_recorded_as_refused_and_commits_no_success_record() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let me = app.me(&admin).await;
    let id = me["account"]["id"].as_str().unwrap().to_owned();
    let seen = app.audit_records().await.len();

    let refused = app
        .post(
            &format!("/api/v1/accounts/{id}/disable"),
            Some(&admin),
            None,
        )
        .await;

    crate::helpers::assert_problem(refused, StatusCode::CONFLICT, "cannot_disable_self").await;
    let records = records_since(&app, seen).await;
    assert_eq!(
        records,
        [(
            "disable_account".to_owned(),
            "refused".to_owned(),
            format!("account:{id}"),
            format!("/api/v1/accounts/{id}/disable"),
            409
        )]
    );
    assert_eq!(app.me(&admin).await["account"]["status"], "active");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM event_stream WHERE kind = 'disable_account'"
        )
        .await,
        0,
        "no event of a refused change"
    );
}

#[tokio::test]
async fn what_administrators_and_the_first_start_do_is_in_the_event_stream_in_order() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let admin_id: AccountId =
        Uuid::parse_str(app.me(&admin).await["account"]["id"].as_str().unwrap())
            .unwrap()
            .into();
    let mediator = app.create_user("mediator1", "mediator").await;
    let mediator_id = AccountId::from(Uuid::parse_str(&mediator.id).unwrap());
    let organization = OrganizationId::from(Uuid::parse_str(&mediator.organization_id).unwrap());
    let disabled = app
        .post(
            &format!("/api/v1/accounts/{}/disable", mediator.id),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(disabled.status(), StatusCode::OK);

    let events: Vec<_> = stream_from_start(&app, 2)
        .await
        .into_iter()
        .map(|e| {
            (
                e.event.kind(),
                e.event.subject().clone(),
                e.event.by,
                e.cause,
            )
        })
        .collect();
    let by_admin = By::Account {
        id: admin_id,
        role: Role::Admin,
    };
    assert_eq!(
        events[..2]
            .iter()
            .map(|e| (e.0, e.2.clone(), e.3.as_str()))
            .collect::<Vec<_>>(),
        [
            (EventKind::CreateOrganization, By::Platform, "platform"),
            (EventKind::CreateAccount, By::Platform, "platform"),
        ],
        "the first start"
    );
    assert_eq!(
        events[2..],
        [
            (
                EventKind::CreateOrganization,
                Subject::Organization(organization),
                by_admin.clone(),
                "create_organization".to_owned()
            ),
            (
                EventKind::CreateAccount,
                Subject::Account(mediator_id),
                by_admin.clone(),
                "create_account".to_owned()
            ),
            (
                EventKind::DisableAccount,
                Subject::Account(mediator_id),
                by_admin,
                "disable_account".to_owned()
            ),
        ]
    );
    // Read in pages of one or all at once, the stream is the same.
    assert_eq!(
        stream_from_start(&app, 1).await,
        stream_from_start(&app, 100).await
    );
}
