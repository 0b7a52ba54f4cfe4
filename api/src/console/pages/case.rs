//! The case page: the case as the caller may see it (parties masked per role), its deadlines
//! with their rules and what is left of them, its timeline, and only the actions the state
//! machine and the policy allow this caller now, each a form protected by the session's CSRF
//! token and the case's version (a stale form shows the case as it is now).
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::errors;
use crate::console::layout::{error_summary, page};
use crate::console::{Ctx, Lang, see_other, signed_in};
use crate::service::case_views::{self, CaseDetail};
use crate::service::deadlines;
use crate::service::error::AppError;
use ipdr_domain::CaseId;
use ipdr_domain::case::lifecycle::ActionKind;
use ipdr_domain::case::stored::CaseEvent;
use ipdr_domain::case::{Route, Side};

/// What the page shows above the case after an attempt: the problem, and the input kept.
#[derive(Default)]
pub struct Attempt {
    pub errors: Vec<(String, String)>,
    pub notice: Option<String>,
    /// The action whose form is reopened with the input kept.
    pub action: Option<ActionKind>,
    /// Another form reopened (`record_settlement_agreement`).
    pub action_name: Option<&'static str>,
    pub reason: String,
    /// The agreement's text and terms as typed.
    pub text: String,
    pub terms: String,
}

/// A notice a redirect to the case page may name (`?notice=`): only these keys are shown, so
/// a link cannot put words of its own on the page.
#[derive(Deserialize, Default)]
pub struct Shown {
    #[serde(default)]
    notice: String,
}

/// The notices a redirect may name, with their catalogue keys.
pub const NOTICES: [(&str, &str); 2] = [
    ("unreadable", "errors.upload.unreadable"),
    ("too_large", "errors.upload.too_large"),
];

#[handler]
pub async fn show(req: &Request, Path(id): Path<String>, Query(shown): Query<Shown>) -> Response {
    let (ctx, _) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return errors::not_found(&ctx);
    };
    let notice = NOTICES
        .iter()
        .find(|(name, _)| *name == shown.notice)
        .map(|(_, key)| ctx.lang.t(key).to_owned());
    let attempt = Attempt {
        notice,
        ..Attempt::default()
    };
    render(&ctx, CaseId::from(id), StatusCode::OK, attempt).await
}

impl Attempt {
    /// The case page again after a change failed with `error`, keeping what `self` kept: a
    /// stale form with the notice and the case as it is now, a refusal (with its rule) on
    /// `field`, invalid input by field. `Err` for what only the error page can show.
    ///
    /// # Errors
    /// `error` itself when it is none of these.
    pub fn after(
        self,
        lang: Lang,
        error: AppError,
        field: String,
    ) -> Result<(StatusCode, Self), AppError> {
        Ok(match error {
            AppError::Stale { .. } => (
                StatusCode::CONFLICT,
                Self {
                    notice: Some(lang.t("errors.stale").to_owned()),
                    ..Self::default()
                },
            ),
            AppError::Refused { refusal, .. } => {
                let errors = vec![(field, crate::console::refused(lang, &refusal))];
                (StatusCode::CONFLICT, Self { errors, ..self })
            }
            AppError::Invalid(invalid) => {
                let errors = crate::console::shown(lang, invalid);
                (StatusCode::UNPROCESSABLE_ENTITY, Self { errors, ..self })
            }
            other => return Err(other),
        })
    }
}

/// The case page again after a failed change (see [`Attempt::after`]).
pub async fn again(
    ctx: &Ctx,
    id: CaseId,
    error: AppError,
    field: String,
    kept: Attempt,
) -> Response {
    match kept.after(ctx.lang, error, field) {
        Ok((status, attempt)) => render(ctx, id, status, attempt).await,
        Err(e) => errors::for_error(ctx, &e),
    }
}

pub async fn render(ctx: &Ctx, id: CaseId, status: StatusCode, attempt: Attempt) -> Response {
    let Some(session) = &ctx.session else {
        return see_other("/login");
    };
    let caller = &session.principal;
    let detail = match case_views::get(&ctx.state, caller, id).await {
        Ok(detail) => detail,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let offered = match case_views::offered_actions(&ctx.state, caller, &detail).await {
        Ok(offered) => offered,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let may_change = match case_views::may_update(&ctx.state, caller, &detail).await {
        Ok(may) => may,
        Err(e) => return errors::for_error(ctx, &e),
    };
    // R8: a settled case with an effective agreement may be sent for confirmation; the
    // domain decides the rest when the form is sent.
    let confirmable = may_change
        && detail.case.status == ipdr_domain::case::CaseStatus::Settled
        && !detail.case.enforceable
        && detail
            .agreement
            .as_ref()
            .is_some_and(|a| a.effective_at.is_some());
    let courts = if confirmable {
        match crate::service::application_views::eligible_courts(&ctx.state, caller, id).await {
            Ok(courts) => Some(courts),
            Err(e) => return errors::for_error(ctx, &e),
        }
    } else {
        None
    };
    let left = match deadlines::left(&ctx.state, &detail.deadlines, detail.today).await {
        Ok(left) => left,
        Err(e) => return errors::for_error(ctx, &e),
    };
    // The timeline is shown to those who may read it (the policy may hide it from some roles).
    let timeline = match case_views::timeline_of(&ctx.state, caller, &detail).await {
        Ok(events) => Some(events),
        Err(AppError::Forbidden | AppError::NotFound) => None,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let investigators = match super::investigators::OnCase::load(ctx, &detail).await {
        Ok(on) => on,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let documents = match crate::service::files::list_of(&ctx.state, caller, &detail).await {
        Ok(documents) => documents,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let mediators = match case_views::mediator_names(&ctx.state, &detail).await {
        Ok(names) => names,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let may_upload = may_change && detail.case.status != ipdr_domain::case::CaseStatus::Closed;
    let lang = ctx.lang;
    let case = &detail.case;
    let title = match &case.case_number {
        Some(number) => format!("{} {number}", lang.t("case.title")),
        None => format!("{} ({})", lang.t("case.title"), lang.t("case.unnumbered")),
    };
    let body = html! {
        @if let Some(notice) = &attempt.notice { p.notice role="status" { (notice) } }
        (error_summary(ctx, &attempt.errors))
        dl.summary {
            dt { (lang.t("cases.status")) } dd #case-status { (lang.name("status", case.status.as_str())) }
            dt { (lang.t("cases.ip_type")) } dd { (lang.name("ip_type", case.ip_type.as_str())) }
            dt { (lang.t("case.right")) } dd { (case.right) @if let Some(t) = &case.right_title { " " (t) } }
            dt { (lang.t("cases.opened")) } dd { (lang.time(case.created_at)) }
            dt { (lang.t("case.mediators")) } dd #case-mediators {
                @if mediators.is_empty() { (lang.t("case.mediators.none")) } @else { (mediators.join("、")) }
            }
            dt { (lang.t("case.version")) } dd { (case.version) }
        }
        (parties(lang, &detail))
        h2 { (lang.t("case.claims")) }
        ul { @for claim in &case.claims { li { (claim) } } }
        (deadline_table(lang, &detail, &left))
        (actions(ctx, session.csrf_token(), &detail, &offered, &attempt))
        (super::agreement::section(ctx, session.csrf_token(), &detail, may_change, &attempt))
        @if let Some(courts) = &courts {
            (super::confirmation::apply_section(ctx, session.csrf_token(), &detail, courts))
        }
        (super::documents::section(ctx, session.csrf_token(), id, &documents, may_upload))
        (super::investigators::section(ctx, session.csrf_token(), &detail, &investigators))
        @if let Some(events) = &timeline { (timeline_table(lang, events)) }
    };
    page(ctx, status, &title, body)
}

fn parties(lang: Lang, detail: &CaseDetail) -> Markup {
    html! {
        h2 { (lang.t("case.parties")) }
        @if detail.personal_data_masked { p.notice { (lang.t("case.masked")) } }
        table {
            thead { tr {
                th scope="col" { (lang.t("case.party.role")) }
                th scope="col" { (lang.t("case.party.name")) }
                th scope="col" { (lang.t("case.party.id")) }
                th scope="col" { (lang.t("case.party.phone")) }
            } }
            tbody {
                @for party in &detail.case.parties {
                    tr {
                        td { (lang.name("side", party.side.as_str())) }
                        td.party-name { (party.name) }
                        td { @if let Some(identity) = &party.identity { (identity.number) }
                             @if let Some(code) = &party.credit_code { (code.as_str()) } }
                        td { @if let Some(phone) = &party.phone { (phone) } }
                    }
                }
            }
        }
    }
}

fn deadline_table(lang: Lang, detail: &CaseDetail, left: &[i64]) -> Markup {
    html! {
        h2 { (lang.t("case.deadlines")) }
        @if detail.deadlines.is_empty() {
            p { (lang.t("case.deadlines.none")) }
        } @else {
            table {
                thead { tr {
                    th scope="col" { (lang.t("deadline.rule")) }
                    th scope="col" { (lang.t("deadline.due")) }
                    th scope="col" { (lang.t("deadline.left")) }
                } }
                tbody {
                    @for (deadline, days) in detail.deadlines.iter().zip(left) {
                        tr {
                            td { (deadline.rule.as_str()) " " (lang.name("rule", deadline.rule.as_str())) }
                            td { (lang.date(deadline.due_on)) }
                            td { (super::home::left(lang, deadline, *days, detail.today)) }
                        }
                    }
                }
            }
        }
    }
}

fn timeline_table(lang: Lang, events: &[CaseEvent]) -> Markup {
    html! {
        h2 { (lang.t("case.timeline")) }
        table {
            thead { tr {
                th scope="col" { (lang.t("case.timeline.at")) }
                th scope="col" { (lang.t("case.timeline.action")) }
                th scope="col" { (lang.t("case.timeline.detail")) }
            } }
            tbody {
                @for event in events.iter().rev() {
                    tr {
                        td { (lang.time(event.at)) }
                        td { (lang.name("action", event.action.as_str())) }
                        td {
                            @if let (Some(from), Some(to)) = (event.from_status, event.to_status) {
                                @if from != to {
                                    span.transition { (lang.name("status", from.as_str())) " → " (lang.name("status", to.as_str())) }
                                    @if event.detail.is_some() { br; }
                                }
                            }
                            @if let Some(detail) = &event.detail { (detail) }
                        }
                    }
                }
            }
        }
    }
}

fn reason_field(lang: Lang, kind: ActionKind, attempt: &Attempt) -> Markup {
    let id = format!("reason-{kind}");
    let kept = if attempt.action == Some(kind) {
        attempt.reason.as_str()
    } else {
        ""
    };
    let error = attempt
        .errors
        .iter()
        .find(|(f, _)| *f == id)
        .map(|(_, m)| m);
    html! {
        label for=(id) { (lang.t("action.reason")) }
        @if let Some(error) = error { p.error id={ (id) "-error" } { (error) } }
        textarea id=(id) name="reason" required { (kept) }
    }
}

fn actions(
    ctx: &Ctx,
    csrf: &str,
    detail: &CaseDetail,
    offered: &[ActionKind],
    attempt: &Attempt,
) -> Markup {
    let lang = ctx.lang;
    html! {
        h2 { (lang.t("case.actions")) }
        @if offered.is_empty() {
            p { (lang.t("case.actions.none")) }
        }
        div.actions {
            @for kind in offered {
                details open[attempt.action == Some(*kind) || offered.len() == 1] {
                    summary { (lang.name("action", kind.as_str())) }
                    form method="post" action={ "/cases/" (detail.case.id) "/act" } {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="version" value=(detail.case.version);
                        input type="hidden" name="action" value=(kind.as_str());
                        @match kind {
                            ActionKind::Decline | ActionKind::ReopenMediation => { (reason_field(lang, *kind, attempt)) }
                            ActionKind::RecordConsent => {
                                fieldset {
                                    legend { (lang.t("action.record_consent")) }
                                    label.choice { input type="radio" name="consent" value="given" required; " " (lang.t("action.consent.given")) }
                                    label.choice { input type="radio" name="consent" value="refused"; " " (lang.t("action.consent.refused")) }
                                }
                            }
                            ActionKind::Fail => {
                                fieldset {
                                    legend { (lang.t("action.routes")) }
                                    @for route in Route::ALL {
                                        label.choice { input type="checkbox" name={ "route_" (route.as_str()) } value="on"; " " (lang.name("route", route.as_str())) }
                                    }
                                }
                                (reason_field(lang, *kind, attempt))
                            }
                            ActionKind::Withdraw => {
                                fieldset {
                                    legend { (lang.t("action.side")) }
                                    @for side in Side::ALL {
                                        label.choice { input type="radio" name="side" value=(side.as_str()) required; " " (lang.name("side", side.as_str())) }
                                    }
                                }
                                (reason_field(lang, *kind, attempt))
                            }
                            ActionKind::RecordPerformance => {
                                fieldset {
                                    legend { (lang.t("action.record_performance")) }
                                    label.choice { input type="radio" name="outcome" value="performed" required; " " (lang.t("performance.performed")) }
                                    label.choice { input type="radio" name="outcome" value="breached"; " " (lang.t("performance.breached")) }
                                }
                            }
                            _ => {}
                        }
                        div { button type="submit" { (lang.name("action", kind.as_str())) } }
                    }
                }
            }
        }
    }
}
