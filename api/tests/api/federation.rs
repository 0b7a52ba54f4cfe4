//! Two real `ipdr` processes on loopback exchanging referrals: Dalian and Weihai, each with its
//! own database (SQLite files, or schemas of the PostgreSQL named by `IPDR_TEST_DATABASE_URL`).
use std::collections::BTreeSet;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::nodes::{Node, dalian_and_weihai};

fn gi_referral(agreement: &str, n: usize) -> Value {
    json!({
        "agreement_id": agreement,
        "kind": "case_transfer",
        "summary": format!("假冒“大连苹果”地理标志的苹果在威海销售 #{n}"),
        "ip_type": "geographical_indication",
        "right_identifier": "大连苹果",
        "parties": [
            { "side": "applicant", "kind": "organization", "name": "大连市苹果协会", "credit_code": "914403001922038216" },
            { "side": "respondent", "kind": "organization", "name": "威海某果品商行" }
        ]
    })
}

/// Every referral id a node's liaison officer lists in `direction`, across pages.
async fn list_ids(node: &Node, direction: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = node
            .get(
                &format!("/api/v1/referrals?direction={direction}&limit=100{cursor}"),
                &node.liaison,
            )
            .await;
        ids.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return ids,
        }
    }
}

fn steps(referral: &Value) -> Vec<String> {
    referral["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["node"].as_str().unwrap(),
                e["step"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test]
async fn two_nodes_exchange_a_referral_end_to_end_and_each_step_shows_on_both_sides() {
    let (dalian, weihai) = dalian_and_weihai().await;

    // Send (Dalian's liaison officer).
    let sent = dalian
        .post(
            "/api/v1/referrals",
            &dalian.liaison,
            gi_referral(&dalian.agreement, 1),
            StatusCode::CREATED,
        )
        .await;
    let id = sent["id"].as_str().unwrap().to_owned();
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["direction"], "outgoing");
    let received = weihai
        .eventually(&weihai.liaison, &id, "the referral", |r| {
            r["status"] == "sent"
        })
        .await;
    assert_eq!(received["direction"], "incoming");
    assert_eq!(received["partner_node"], "dalian");
    assert_eq!(received["summary"], sent["summary"]);
    assert_eq!(received["parties"], sent["parties"]);
    // The agreement's clocks, computed alike on both sides from the sending day.
    assert_eq!(received["clocks"], sent["clocks"]);

    // Acknowledge (Weihai).
    let acked = weihai
        .post(
            &format!("/api/v1/referrals/{id}/acknowledge"),
            &weihai.liaison,
            json!(null),
            StatusCode::OK,
        )
        .await;
    assert_eq!(acked["status"], "acknowledged");
    dalian
        .eventually(&dalian.liaison, &id, "the acknowledgement", |r| {
            r["status"] == "acknowledged"
        })
        .await;

    // Accept with a linked case (Weihai).
    let accepted = weihai
        .post(
            &format!("/api/v1/referrals/{id}/accept"),
            &weihai.liaison,
            json!({ "open_case": { "organization_id": weihai.mediation_org, "track": "people" } }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(accepted["status"], "accepted");
    let case_id = accepted["case_id"]
        .as_str()
        .expect("a linked case")
        .to_owned();
    let case = weihai
        .get(&format!("/api/v1/cases/{case_id}"), &weihai.mediator)
        .await;
    assert_eq!(case["status"], "submitted");
    assert_eq!(case["parties"][0]["name"], "大连市苹果协会");
    let at_dalian = dalian
        .eventually(&dalian.liaison, &id, "the acceptance", |r| {
            r["status"] == "accepted"
        })
        .await;
    assert_eq!(at_dalian["partner_case_reference"], case_id.as_str());
    assert!(
        at_dalian.get("case_id").is_none(),
        "Dalian has no local case for it"
    );

    // Progress, then the outcome (Weihai).
    weihai
        .post(
            &format!("/api/v1/referrals/{id}/progress"),
            &weihai.liaison,
            json!({ "note": "已约谈商户，下架涉案产品" }),
            StatusCode::OK,
        )
        .await;
    let concluded = weihai
        .post(
            &format!("/api/v1/referrals/{id}/outcome"),
            &weihai.liaison,
            json!({ "outcome": "mediated", "note": "调解成功" }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(concluded["status"], "concluded");
    let at_dalian = dalian
        .eventually(&dalian.liaison, &id, "the outcome", |r| {
            r["status"] == "concluded"
        })
        .await;
    assert_eq!(at_dalian["outcome"], "mediated");

    // Both timelines hold the same steps, by the same nodes, once each.
    let expected = [
        "dalian:referred",
        "weihai:acknowledged",
        "weihai:accepted",
        "weihai:progress_reported",
        "weihai:outcome_reported",
    ];
    assert_eq!(steps(&at_dalian), expected);
    assert_eq!(
        steps(&weihai.referral(&weihai.liaison, &id).await.unwrap()),
        expected
    );
    assert!(
        at_dalian["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("met_on").is_some())
    );
    assert!(dalian.outbox("pending").await.is_empty() && weihai.outbox("pending").await.is_empty());
    assert!(dalian.outbox("dead").await.is_empty() && weihai.outbox("dead").await.is_empty());

    // Dalian's mediator, not named anywhere, sees nothing of it; Weihai's neither.
    let (status, _) = dalian
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/referrals/{id}"),
            &dalian.mediator,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = weihai
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/referrals/{id}"),
            &weihai.admin,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn referrals_acknowledged_to_the_sender_survive_sigkill_of_both_nodes_exactly_once() {
    let (mut dalian, mut weihai) = dalian_and_weihai().await;
    let mut acknowledged: Vec<String> = Vec::new();

    // Round 1: Weihai is killed while referrals are being sent, and restarted.
    for n in 0..24 {
        if n == 6 {
            weihai.kill().await;
        }
        if n == 14 {
            weihai.boot().await;
        }
        let (status, body) = dalian
            .call(
                reqwest::Method::POST,
                "/api/v1/referrals",
                &dalian.liaison,
                Some(gi_referral(&dalian.agreement, n)),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        acknowledged.push(body["id"].as_str().unwrap().to_owned());
    }
    // Round 2: Dalian is killed with messages still queued, and restarted; requests sent while
    // it is down are not acknowledged to anyone.
    let sender = {
        let base = dalian.base();
        let token = dalian.liaison.clone();
        let agreement = dalian.agreement.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut ids = Vec::new();
            for n in 100..130 {
                let sent = http
                    .post(format!("{base}/api/v1/referrals"))
                    .bearer_auth(&token)
                    .json(&gi_referral(&agreement, n))
                    .send()
                    .await;
                if let Ok(response) = sent
                    && response.status() == StatusCode::CREATED
                    && let Ok(body) = response.json::<Value>().await
                {
                    ids.push(body["id"].as_str().unwrap().to_owned());
                }
                tokio::time::sleep(Duration::from_millis(15)).await;
            }
            ids
        })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    dalian.kill().await;
    weihai.kill().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    weihai.boot().await;
    dalian.boot().await;
    acknowledged.extend(sender.await.unwrap());

    // Afterwards every acknowledged referral is at Weihai, once, in the state Dalian shows.
    let weihai_liaison = weihai.liaison.clone();
    for id in &acknowledged {
        let there = weihai
            .eventually(&weihai_liaison, id, "a referral after the crashes", |r| {
                r["status"] == "sent"
            })
            .await;
        let here = dalian
            .referral(&dalian.liaison, id)
            .await
            .expect("still at Dalian");
        assert_eq!(here["status"], there["status"]);
        assert_eq!(steps(&here), ["dalian:referred"]);
        assert_eq!(steps(&there), ["dalian:referred"], "applied exactly once");
    }
    for _ in 0..100 {
        if dalian.outbox("pending").await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        dalian.outbox("pending").await.is_empty(),
        "every message delivered"
    );
    assert!(
        dalian.outbox("dead").await.is_empty(),
        "nothing dead-lettered"
    );

    // Each side lists exactly the same referrals, each once (unacknowledged sends that landed
    // before the crash are on both sides too).
    let sent = list_ids(&dalian, "outgoing").await;
    let received = list_ids(&weihai, "incoming").await;
    assert_eq!(sent.len(), sent.iter().collect::<BTreeSet<_>>().len());
    assert_eq!(
        received.len(),
        received.iter().collect::<BTreeSet<_>>().len()
    );
    assert_eq!(
        sent.iter().collect::<BTreeSet<_>>(),
        received.iter().collect::<BTreeSet<_>>()
    );
    assert!(acknowledged.iter().all(|id| sent.contains(id)));

    // The reverse direction survives a crash too: Weihai acknowledges them all, is killed, and
    // Dalian ends with every acknowledgement.
    for id in &acknowledged {
        weihai
            .post(
                &format!("/api/v1/referrals/{id}/acknowledge"),
                &weihai.liaison,
                json!(null),
                StatusCode::OK,
            )
            .await;
    }
    weihai.kill().await;
    weihai.boot().await;
    let dalian_liaison = dalian.liaison.clone();
    for id in &acknowledged {
        let here = dalian
            .eventually(&dalian_liaison, id, "the acknowledgement", |r| {
                r["status"] == "acknowledged"
            })
            .await;
        assert_eq!(steps(&here), ["dalian:referred", "weihai:acknowledged"]);
    }
}
