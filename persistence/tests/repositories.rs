//! Repository behaviour on a real database: SQLite always, PostgreSQL when
//! `IPDR_TEST_DATABASE_URL` is set. Each test has its own database (file or schema).
#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]
use chrono::Utc;
use ipdr_domain::account::{DisableError, NewAccount, Role};
use ipdr_domain::organization::NewOrganization;
use ipdr_domain::{AccountId, OrganizationId, Status};
use ipdr_persistence::repo::accounts::{self, DisableOutcome};
use ipdr_persistence::repo::organizations::{self, OrganizationFilter};
use ipdr_persistence::repo::{Conflict, PageRequest, RepoError};
use ipdr_persistence::testing::TestDatabase;
use ipdr_persistence::{Db, begin_write, commit, connect, migrate};
use uuid::Uuid;

async fn migrated() -> (TestDatabase, Db) {
    let test_db = TestDatabase::create().await.expect("test database");
    let db = connect(test_db.settings()).await.expect("connect");
    migrate(&db).await.expect("migrate");
    (test_db, db)
}

fn org(code: &str, name: &str, kind: &str) -> NewOrganization {
    NewOrganization::parse(code, name, kind, None, "大连", None).expect("valid organisation")
}

async fn insert_org(db: &Db, code: &str, kind: &str) -> OrganizationId {
    let id = OrganizationId::from(Uuid::now_v7());
    organizations::insert(
        db,
        id,
        &org(code, &format!("{code} name"), kind),
        Utc::now(),
    )
    .await
    .expect("insert organisation");
    id
}

async fn insert_account(db: &Db, username: &str, role: &str, org: OrganizationId) -> AccountId {
    let id = AccountId::from(Uuid::now_v7());
    let role = Role::parse(role).expect("a role");
    let new = NewAccount::parse(username, "某人", role, org, "a long enough password").unwrap();
    accounts::insert(db, id, &new, "$argon2id$fake".into(), Utc::now())
        .await
        .expect("insert account");
    id
}

#[tokio::test]
async fn migrations_apply_once_and_a_second_run_finds_nothing_pending() {
    let (_guard, db) = migrated().await;
    assert_eq!(migrate(&db).await.unwrap(), 0);
}

#[tokio::test]
async fn a_taken_code_or_name_in_the_same_city_is_a_conflict_and_stores_nothing() {
    let (_guard, db) = migrated().await;
    insert_org(&db, "DLMC", "mediation_committee").await;

    let same_code = org("DLMC", "another name", "mediation_committee");
    let err = organizations::insert(&db, Uuid::now_v7().into(), &same_code, Utc::now()).await;
    assert!(
        matches!(err, Err(RepoError::Conflict(Conflict::OrganizationCode))),
        "{err:?}"
    );

    let same_name = org("OTHER", "DLMC name", "mediation_committee");
    let err = organizations::insert(&db, Uuid::now_v7().into(), &same_name, Utc::now()).await;
    assert!(
        matches!(err, Err(RepoError::Conflict(Conflict::OrganizationName))),
        "{err:?}"
    );

    let all = organizations::list(
        &db,
        &OrganizationFilter::default(),
        PageRequest {
            after: None,
            limit: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!(all.items.len(), 1);
}

#[tokio::test]
async fn a_taken_username_is_a_conflict_whatever_its_case() {
    let (_guard, db) = migrated().await;
    let org = insert_org(&db, "DLMC", "mediation_committee").await;
    insert_account(&db, "wang", "mediator", org).await;
    let again =
        NewAccount::parse("WANG", "王", Role::Mediator, org, "a long enough password").unwrap();
    let err = accounts::insert(&db, Uuid::now_v7().into(), &again, "x".into(), Utc::now()).await;
    assert!(
        matches!(err, Err(RepoError::Conflict(Conflict::Username))),
        "{err:?}"
    );
}

#[tokio::test]
async fn keyset_pages_cover_every_row_once_in_creation_order() {
    let (_guard, db) = migrated().await;
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(insert_org(&db, &format!("ORG{i}"), "mediation_committee").await);
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = organizations::list(
            &db,
            &OrganizationFilter::default(),
            PageRequest { after, limit: 3 },
        )
        .await
        .unwrap();
        assert!(page.items.len() <= 3);
        seen.extend(page.items.iter().map(|o| o.id));
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, created);
}

#[tokio::test]
async fn filters_narrow_the_list() {
    let (_guard, db) = migrated().await;
    insert_org(&db, "DLMC", "mediation_committee").await;
    let pool = insert_org(&db, "DLPOOL", "investigator_pool").await;
    let filter = OrganizationFilter {
        kind: Some("investigator_pool"),
        ..Default::default()
    };
    let page = organizations::list(
        &db,
        &filter,
        PageRequest {
            after: None,
            limit: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!(page.items.iter().map(|o| o.id).collect::<Vec<_>>(), [pool]);
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_disabled_and_stays_active() {
    let (_guard, db) = migrated().await;
    let op = insert_org(&db, "OPS", "operator").await;
    let admin = insert_account(&db, "root", "admin", op).await;
    let other = insert_account(&db, "second", "admin", op).await;

    let txn = begin_write(&db).await.unwrap();
    let first = accounts::disable(&txn, admin, other, Utc::now())
        .await
        .unwrap();
    commit(txn).await.unwrap();
    assert!(matches!(first, DisableOutcome::Disabled(ref a) if a.status == Status::Disabled));

    // `other` is disabled, so `admin` is the last one; a (stale) token of `other` tries.
    let txn = begin_write(&db).await.unwrap();
    let refused = accounts::disable(&txn, other, admin, Utc::now())
        .await
        .unwrap();
    commit(txn).await.unwrap();
    assert!(
        matches!(refused, DisableOutcome::Refused(DisableError::LastAdmin)),
        "{refused:?}"
    );
    let admin_now = accounts::get(&db, admin).await.unwrap().unwrap();
    assert_eq!(admin_now.status, Status::Active);
}

#[tokio::test]
async fn disabling_bumps_the_auth_version_and_marks_the_caller_inactive() {
    let (_guard, db) = migrated().await;
    let op = insert_org(&db, "OPS", "operator").await;
    let admin = insert_account(&db, "root", "admin", op).await;
    let mc = insert_org(&db, "DLMC", "mediation_committee").await;
    let wang = insert_account(&db, "wang", "mediator", mc).await;
    let before = accounts::load_auth(&db, wang).await.unwrap().unwrap();
    assert!(before.active);
    assert_eq!(before.principal.role, Role::Mediator);

    let txn = begin_write(&db).await.unwrap();
    accounts::disable(&txn, admin, wang, Utc::now())
        .await
        .unwrap();
    commit(txn).await.unwrap();

    let after = accounts::load_auth(&db, wang).await.unwrap().unwrap();
    assert!(!after.active);
    assert_eq!(after.auth_version, before.auth_version + 1);
}

#[tokio::test]
async fn a_disabled_organisation_makes_its_accounts_inactive_and_revokes_their_tokens() {
    let (_guard, db) = migrated().await;
    let mc = insert_org(&db, "DLMC", "mediation_committee").await;
    let wang = insert_account(&db, "wang", "mediator", mc).await;
    let before = accounts::load_auth(&db, wang).await.unwrap().unwrap();

    organizations::set_status(&db, mc, Status::Disabled, Utc::now())
        .await
        .unwrap();

    let after = accounts::load_auth(&db, wang).await.unwrap().unwrap();
    assert!(!after.active);
    assert_eq!(after.auth_version, before.auth_version + 1);
    let username = ipdr_domain::account::Username::parse("wang").unwrap();
    let credentials = accounts::find_credentials(&db, &username)
        .await
        .unwrap()
        .unwrap();
    assert!(!credentials.may_log_in);
}

#[tokio::test]
async fn an_account_cannot_point_at_a_missing_organisation() {
    let (_guard, db) = migrated().await;
    let ghost = OrganizationId::from(Uuid::now_v7());
    let new = NewAccount::parse(
        "wang",
        "王",
        Role::Mediator,
        ghost,
        "a long enough password",
    )
    .unwrap();
    let err = accounts::insert(&db, Uuid::now_v7().into(), &new, "x".into(), Utc::now()).await;
    assert!(matches!(err, Err(RepoError::Db(_))), "{err:?}");
    assert!(!accounts::any_exist(&db).await.unwrap());
}

#[tokio::test]
async fn every_migration_reverts_and_the_tree_applies_again() {
    let test_db = TestDatabase::create().await.expect("test database");
    let db = connect(test_db.settings()).await.expect("connect");
    let first = migrate(&db).await.expect("migrate");
    insert_org(&db, "DLIPMC", "mediation_committee").await;
    ipdr_persistence::testing::revert_migrations(&db)
        .await
        .expect("every down runs");
    // Every table is gone (an `up` would fail on one left behind) and the data with it.
    let again = migrate(&db).await.expect("migrate again");
    assert_eq!(again, first, "every migration was pending again");
    let found = organizations::list(
        &db,
        &OrganizationFilter::default(),
        PageRequest {
            after: None,
            limit: 10,
        },
    )
    .await
    .unwrap();
    assert!(found.items.is_empty(), "{:?}", found.items);
}

/// The delivery queue: a claimed message is settled only under the lease it was claimed or
/// renewed with; a process whose lease ran out and was taken over changes nothing.
#[tokio::test]
async fn a_queued_message_is_settled_only_by_the_holder_of_its_lease() {
    use chrono::{Duration, SubsecRound};
    use ipdr_domain::notification::{Channel, NoticeKind};
    use ipdr_persistence::repo::notice_channels::{self, EMAIL, NewDelivery, WEBHOOK};
    use ipdr_persistence::repo::queue::{self, OutboxStatus};
    let (_guard, db) = migrated().await;
    let now = Utc::now().trunc_subsecs(3);
    let delivery = |channel, recipient| NewDelivery {
        dedupe_key: "event:1".to_owned(),
        channel,
        recipient,
        kind: NoticeKind::CaseAssigned,
        payload: "{}".to_owned(),
    };
    let account = Uuid::now_v7();
    let queued = [
        delivery(Channel::Email, account),
        delivery(Channel::Webhook, account),
    ];
    notice_channels::enqueue(&db, &queued, now).await.unwrap();
    // The same notice, channel and recipient again: nothing new.
    notice_channels::enqueue(&db, &queued[..1], now)
        .await
        .unwrap();
    let all = notice_channels::list(
        &db,
        None,
        None,
        PageRequest {
            after: None,
            limit: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!(all.items.len(), 2);

    // Each channel's queue claims its own only, once while the lease lives.
    let first_lease = now + Duration::seconds(30);
    let claimed = notice_channels::claim(&db, EMAIL, now, first_lease, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].channel, Channel::Email);
    assert_eq!(claimed[0].attempts, 1);
    assert!(
        notice_channels::claim(&db, EMAIL, now, first_lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let id = claimed[0].id;

    // The lease runs out; another process claims the message again.
    let later = now + Duration::seconds(31);
    let second_lease = later + Duration::seconds(30);
    let again = notice_channels::claim(&db, EMAIL, later, second_lease, 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
    // The first process can neither renew nor settle it.
    assert!(
        !queue::renew(&db, EMAIL, id, first_lease, second_lease)
            .await
            .unwrap()
    );
    assert!(
        !queue::delivered(&db, EMAIL, id, Some(first_lease), later)
            .await
            .unwrap()
    );
    assert!(
        !queue::failed(&db, EMAIL, id, Some(first_lease), "x", None)
            .await
            .unwrap()
    );
    let row = notice_channels::get(&db, id).await.unwrap().unwrap();
    assert_eq!(row.status, OutboxStatus::Pending, "unchanged");
    assert_eq!(row.last_error, None);
    // The second one can.
    let renewed = second_lease + Duration::seconds(5);
    assert!(
        queue::renew(&db, EMAIL, id, second_lease, renewed)
            .await
            .unwrap()
    );
    assert!(
        queue::delivered(&db, EMAIL, id, Some(renewed), later)
            .await
            .unwrap()
    );
    let row = notice_channels::get(&db, id).await.unwrap().unwrap();
    assert_eq!(row.status, OutboxStatus::Delivered);
    // The webhook delivery is still waiting in its own queue.
    let hooks = notice_channels::claim(&db, WEBHOOK, later, second_lease, 10)
        .await
        .unwrap();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].channel, Channel::Webhook);
}
