//! *My work*: my open deadlines by due date (overdue and due within two working days marked)
//! the cases assigned to me; and what waits for my answer: a court's confirmation applications,
//! a liaison officer's referrals.
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::{Request, Response, handler};

use super::errors;
use crate::console::layout::page;
use crate::console::{Lang, signed_in};
use crate::service::application_views;
use crate::service::case_views::{self, CaseQuery};
use crate::service::deadlines::{self, DeadlineQuery};
use crate::service::error::AppError;
use crate::service::paging::PageRequest;
use crate::service::referrals;
use ipdr_domain::calendar::Period;
use ipdr_domain::case::stored::{CaseDeadline, DeadlineStatus};

/// How many of each the page shows.
const SHOWN: u64 = 20;

/// "Due soon": within this many working days.
const SOON: i64 = 2;

/// What is left of a deadline, in its unit, with its mark.
pub fn left(lang: Lang, deadline: &CaseDeadline, left: i64, today: chrono::NaiveDate) -> Markup {
    let unit = match deadline.period {
        Period::WorkingDays(_) => lang.t("deadline.days.working"),
        Period::CalendarDays(_) => lang.t("deadline.days.calendar"),
    };
    html! {
        @if deadline.status == DeadlineStatus::Open && deadline.overdue(today) {
            span.tag.overdue { (lang.t("deadline.overdue")) }
        } @else if deadline.status == DeadlineStatus::Open {
            (left) " " (unit)
            @if left <= SOON { " " span.tag.soon { (lang.t("deadline.soon")) } }
        } @else {
            span.muted { (deadline.status.as_str()) }
        }
    }
}

#[handler]
pub async fn show(req: &Request) -> Response {
    let (ctx, session) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let caller = &session.principal;
    let lang = ctx.lang;
    let open = DeadlineQuery {
        status: Some(DeadlineStatus::Open),
        due_from: None,
        due_to: None,
        overdue: None,
    };
    let deadlines = match deadlines::list(&ctx.state, caller, open, None, SHOWN).await {
        Ok(page) => Some(page),
        Err(AppError::Forbidden) => None,
        Err(e) => return errors::for_error(&ctx, &e),
    };
    let days_left = match &deadlines {
        Some(page) => match deadlines::left(&ctx.state, &page.items, page.today).await {
            Ok(left) => left,
            Err(e) => return errors::for_error(&ctx, &e),
        },
        None => Vec::new(),
    };
    let mine = CaseQuery {
        assigned_to: Some(caller.account_id),
        ..CaseQuery::default()
    };
    let page_request = PageRequest {
        after: None,
        limit: SHOWN,
    };
    let cases = match case_views::list(&ctx.state, caller, mine, page_request).await {
        Ok(page) => Some(page.items),
        Err(AppError::Forbidden) => None,
        Err(e) => return errors::for_error(&ctx, &e),
    };
    let applications = match application_views::awaiting_decision(&ctx.state, caller, SHOWN).await {
        Ok(waiting) if !waiting.is_empty() => Some(waiting),
        Ok(_) | Err(AppError::Forbidden) => None,
        Err(e) => return errors::for_error(&ctx, &e),
    };
    let referrals_waiting = match referrals::awaiting_answer(&ctx.state, caller, SHOWN).await {
        Ok(waiting) if !waiting.is_empty() => Some(waiting),
        Ok(_) | Err(AppError::Forbidden) => None,
        Err(e) => return errors::for_error(&ctx, &e),
    };
    let unread = match crate::service::notifications::unread(&ctx.state, caller).await {
        Ok(unread) => unread,
        Err(e) => return errors::for_error(&ctx, &e),
    };
    let body = html! {
        @if unread > 0 {
            p #unread-notices { a href="/notifications" { (unread) " " (lang.t("home.notices")) } }
        }
        @if let Some(waiting) = &applications {
            h2 { (lang.t("home.applications")) }
            (super::confirmation::table(lang, waiting))
        }
        @if let Some(waiting) = &referrals_waiting {
            h2 { (lang.t("home.referrals")) }
            (super::referrals::table(lang, waiting, ctx.state.clock.today()))
        }
        @if let Some(page) = &deadlines {
            h2 { (lang.t("home.deadlines")) }
            @if page.items.is_empty() {
                p { (lang.t("home.deadlines.none")) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (lang.t("deadline.due")) }
                        th scope="col" { (lang.t("deadline.left")) }
                        th scope="col" { (lang.t("deadline.rule")) }
                        th scope="col" { (lang.t("deadline.case")) }
                    } }
                    tbody {
                        @for (deadline, days) in page.items.iter().zip(&days_left) {
                            tr {
                                td { (lang.date(deadline.due_on)) }
                                td { (left(lang, deadline, *days, page.today)) }
                                td { (deadline.rule.as_str()) " " (lang.name("rule", deadline.rule.as_str())) }
                                td { a href={ "/cases/" (deadline.case_id) } { (deadline.case_id) } }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(cases) = &cases {
            h2 { (lang.t("home.cases")) }
            @if cases.is_empty() {
                p { (lang.t("home.cases.none")) }
            } @else {
                (super::cases::table(lang, cases))
            }
        }
    };
    page(&ctx, StatusCode::OK, lang.t("home.title"), body)
}
