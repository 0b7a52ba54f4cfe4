//! The audit trail for auditors: newest first, filtered by operation, outcome and actor, paged;
//! and the verification of its hash chain on request (the same walk as `ipdr audit verify`).
//! Auditors read cases through the case pages, masked by the policy.
use maud::html;
use poem::http::StatusCode;
use poem::web::Query;
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::errors;
use crate::console::layout::page;
use crate::console::signed_in;
use crate::service::audit_trail::{self, TrailFilter};

const PAGE: u64 = 50;

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    action: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    before: String,
    /// `1` walks the chain.
    #[serde(default)]
    verify: String,
}

fn given(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The outcomes a record may have.
pub const OUTCOMES: [&str; 10] = [
    "succeeded",
    "failed",
    "unauthenticated",
    "denied",
    "not_found",
    "refused",
    "invalid",
    "throttled",
    "error",
    "retrying",
];

#[handler]
pub async fn trail(req: &Request, Query(filter): Query<Filter>) -> Response {
    let (ctx, session) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let caller = &session.principal;
    let lang = ctx.lang;
    let wanted = TrailFilter {
        action: given(&filter.action),
        outcome: given(&filter.outcome),
        actor: given(&filter.actor),
    };
    let before = filter.before.parse::<i64>().ok();
    let found = match audit_trail::matching(&ctx.state, caller, before, PAGE, &wanted).await {
        Ok(found) => found,
        Err(e) => return errors::for_error(&ctx, &e),
    };
    let verification = if filter.verify == "1" {
        match audit_trail::verify(&ctx.state, caller).await {
            Ok(v) => Some(v),
            Err(e) => return errors::for_error(&ctx, &e),
        }
    } else {
        None
    };
    let query = format!(
        "action={}&outcome={}&actor={}",
        url::form_urlencoded::byte_serialize(filter.action.as_bytes()).collect::<String>(),
        url::form_urlencoded::byte_serialize(filter.outcome.as_bytes()).collect::<String>(),
        url::form_urlencoded::byte_serialize(filter.actor.as_bytes()).collect::<String>(),
    );
    let body = html! {
        section aria-labelledby="chain-title" {
            h2 #chain-title { (lang.t("audit.chain")) }
            @match &verification {
                None => p { a href={ "/audit?verify=1&" (query) } { (lang.t("audit.verify")) } },
                Some(v) => @match &v.broken {
                    None => p.notice #chain-status role="status" {
                        (lang.t("audit.intact")) " " (v.verified) " · " (lang.t("audit.unsealed")) " " (v.unsealed)
                    },
                    Some(broken) => p.error #chain-status role="alert" {
                        (lang.t("audit.broken")) " " (broken.to_string()) " · " (lang.t("audit.verified_before")) " " (v.verified)
                    },
                },
            }
        }
        form.filters method="get" action="/audit" {
            label for="action" { (lang.t("audit.action")) }
            input #action type="text" name="action" value=(filter.action);
            label for="outcome" { (lang.t("audit.outcome")) }
            select #outcome name="outcome" {
                option value="" { (lang.t("cases.filter.any")) }
                @for o in OUTCOMES { option value=(o) selected[filter.outcome == o] { (lang.name("outcome_audit", o)) } }
            }
            label for="actor" { (lang.t("audit.actor")) }
            input #actor type="text" name="actor" value=(filter.actor);
            button type="submit" { (lang.t("cases.filter.apply")) }
        }
        @if found.records.is_empty() {
            p { (lang.t("audit.none")) }
        } @else {
            table #audit {
                thead { tr {
                    th scope="col" { (lang.t("audit.at")) }
                    th scope="col" { (lang.t("audit.actor")) }
                    th scope="col" { (lang.t("audit.action")) }
                    th scope="col" { (lang.t("audit.object")) }
                    th scope="col" { (lang.t("audit.outcome")) }
                    th scope="col" { (lang.t("audit.detail")) }
                } }
                tbody { @for r in &found.records { tr {
                    td { (lang.time(r.occurred_at)) }
                    td { @if let Some(actor) = &r.actor { (actor) } @if let Some(role) = &r.role { " (" (lang.name("role", role)) ")" } }
                    td { (r.action) }
                    td.object { (r.object) }
                    td { (lang.name("outcome_audit", &r.outcome)) }
                    td { @if let Some(detail) = &r.detail { (detail) } }
                } } }
            }
            @if let Some(next) = found.next_before {
                p { a href={ "/audit?" (query) "&before=" (next) } { (lang.t("cases.next")) } }
            }
        }
    };
    page(&ctx, StatusCode::OK, lang.t("audit.title"), body)
}
