//! *Notifications*: the caller's notices, newest first, each linking to what it is about, with
//! forms to mark one or all read.
use std::collections::HashMap;

use maud::html;
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{Request, Response, handler};

use super::errors;
use crate::console::layout::page;
use crate::console::{posted, posted_on, see_other, signed_in};
use crate::service::notifications;
use crate::service::paging::PageRequest;

/// How many notices the page shows.
const SHOWN: u64 = 50;

#[handler]
pub async fn list(req: &Request) -> Response {
    let (ctx, session) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let lang = ctx.lang;
    let first = PageRequest {
        after: None,
        limit: SHOWN,
    };
    let (found, unread) =
        match notifications::list(&ctx.state, &session.principal, false, first).await {
            Ok(found) => found,
            Err(e) => return errors::for_error(&ctx, &e),
        };
    let csrf = session.csrf_token();
    let body = html! {
        p #unread role="status" { (lang.t("notices.unread")) " " (unread) }
        @if found.items.is_empty() {
            p { (lang.t("notices.none")) }
        } @else {
            @if unread > 0 {
                form method="post" action="/notifications/read" {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { (lang.t("notices.read_all")) }
                }
            }
            table #notices {
                thead { tr {
                    th scope="col" { (lang.t("notices.at")) }
                    th scope="col" { (lang.t("notices.kind")) }
                    th scope="col" { (lang.t("notices.about")) }
                    th scope="col" { (lang.t("deadline.due")) }
                    th scope="col" { (lang.t("notices.state")) }
                } }
                tbody { @for n in &found.items {
                    tr.unread[n.read_at.is_none()] {
                        td { (lang.time(n.created_at)) }
                        td { (lang.name("notice", n.kind.as_str())) }
                        td { a href=(n.link) {
                            @if let Some(number) = &n.case_number { (number) }
                            @else if n.referral_id.is_some() { (lang.t("notices.referral")) }
                            @else { (lang.t("case.unnumbered")) }
                        } }
                        td { @if let (Some(rule), Some(due)) = (n.rule, n.due_on) {
                            (rule.as_str()) " " (lang.date(due))
                        } }
                        td { @if n.read_at.is_some() {
                            span.muted { (lang.t("notices.read")) }
                        } @else {
                            form method="post" action={ "/notifications/" (n.id) "/read" } {
                                input type="hidden" name="csrf" value=(csrf);
                                button.link type="submit" { (lang.t("notices.mark_read")) }
                            }
                        } }
                    }
                } }
            }
        }
    };
    page(&ctx, StatusCode::OK, lang.t("notices.title"), body)
}

/// Marks one of the caller's notices read.
#[handler]
pub async fn read(
    req: &Request,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (ctx, session, id) = match posted_on::<uuid::Uuid>(req, &form, &id).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    match notifications::mark_read(&ctx.state, &session.principal, id).await {
        Ok(()) => see_other("/notifications"),
        Err(e) => errors::for_error(&ctx, &e),
    }
}

/// Marks all of the caller's notices read.
#[handler]
pub async fn read_all(req: &Request, Form(form): Form<HashMap<String, String>>) -> Response {
    let (ctx, session) = match posted(req, &form).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    match notifications::mark_all_read(&ctx.state, &session.principal).await {
        Ok(_) => see_other("/notifications"),
        Err(e) => errors::for_error(&ctx, &e),
    }
}
