//! *Cases*: the cases the caller may see, newest first, filtered like the API's list.
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Query;
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::errors;
use crate::console::layout::page;
use crate::console::{Lang, signed_in};
use crate::service::case_views::{self, CaseQuery};
use crate::service::paging::PageRequest;
use ipdr_domain::case::CaseStatus;
use ipdr_domain::case::stored::Case;

const PAGE: u64 = 25;

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    after: String,
}

/// The rows of a list of cases.
pub fn table(lang: Lang, cases: &[Case]) -> Markup {
    html! {
        table {
            thead { tr {
                th scope="col" { (lang.t("cases.number")) }
                th scope="col" { (lang.t("cases.status")) }
                th scope="col" { (lang.t("cases.ip_type")) }
                th scope="col" { (lang.t("case.right")) }
                th scope="col" { (lang.t("cases.opened")) }
            } }
            tbody {
                @for case in cases {
                    tr {
                        td { a href={ "/cases/" (case.id) } {
                            @match &case.case_number {
                                Some(number) => (number),
                                None => { (lang.t("case.unnumbered")) " · " (case.id.to_string()[..8]) },
                            }
                        } }
                        td { (lang.name("status", case.status.as_str())) }
                        td { (lang.name("ip_type", case.ip_type.as_str())) }
                        td { (case.right) @if let Some(title) = &case.right_title { " " (title) } }
                        td { (lang.time(case.created_at)) }
                    }
                }
            }
        }
    }
}

#[handler]
pub async fn list(req: &Request, Query(filter): Query<Filter>) -> Response {
    let (ctx, session) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let lang = ctx.lang;
    let status = CaseStatus::parse(&filter.status);
    let text = Some(filter.q.trim().to_owned()).filter(|q| !q.is_empty());
    let query = CaseQuery {
        status,
        text: text.clone(),
        ..CaseQuery::default()
    };
    let page_request = PageRequest {
        after: uuid::Uuid::parse_str(&filter.after).ok(),
        limit: PAGE,
    };
    let found = match case_views::list(&ctx.state, &session.principal, query, page_request).await {
        Ok(found) => found,
        Err(e) => return errors::for_error(&ctx, &e),
    };
    let next = found.next_after.map(|after| {
        let status = status.map_or("", CaseStatus::as_str);
        let q: String = url::form_urlencoded::byte_serialize(filter.q.trim().as_bytes()).collect();
        format!("/cases?status={status}&q={q}&after={after}")
    });
    let may_open = case_views::may_open(&session.principal).is_ok();
    let body = html! {
        @if may_open { p { a href="/cases/new" { (lang.t("intake.link")) } } }
        form method="get" action="/cases" role="search" {
            fieldset {
                legend { (lang.t("cases.filter")) }
                label for="status" { (lang.t("cases.filter.status")) }
                select #status name="status" {
                    option value="" selected[status.is_none()] { (lang.t("cases.filter.any")) }
                    @for s in CaseStatus::ALL {
                        option value=(s.as_str()) selected[status == Some(*s)] { (lang.name("status", s.as_str())) }
                    }
                }
                label for="q" { (lang.t("cases.filter.text")) }
                input #q type="search" name="q" value=(filter.q.trim());
                div { button type="submit" { (lang.t("cases.filter.apply")) } }
            }
        }
        @if found.items.is_empty() {
            p { (lang.t("cases.none")) }
        } @else {
            (table(lang, &found.items))
        }
        @if let Some(next) = next {
            p { a href=(next) rel="next" { (lang.t("cases.next")) } }
        }
    };
    page(&ctx, StatusCode::OK, lang.t("cases.title"), body)
}
