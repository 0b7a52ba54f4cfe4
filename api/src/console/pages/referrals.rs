//! Referrals to and from partner cities in the console (R26, R28): the liaison officer's list of
//! referrals in and out with their clocks; sending one under a cooperation agreement (the form
//! offers only the kinds and IP types the agreement covers); one referral with its clocks, its
//! timeline and only the steps the state machine gives this end now.
use std::collections::HashMap;

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::errors;
use crate::console::layout::{error_summary, page};
use crate::console::{Ctx, Lang, id_of, posted, see_other, signed_in};
use crate::federation::message::Step;
use crate::service::deadlines;
use crate::service::error::AppError;
use crate::service::referrals::{
    self, ListedReferral, OpenCase, PageRequest, ReferralDeadline, ReferralFilter, ReferralParty,
    Sending,
};
use ipdr_domain::case::{IpType, PartyKind, Side, Track};
use ipdr_domain::referral::deadlines::clock_state;
use ipdr_domain::referral::{
    DeclineReason, Direction, Milestone, Outcome, ReferralKind, ReferralStatus, StepKind, offered,
};
use ipdr_domain::validation::bounded_text;
use ipdr_domain::{Invalid, ValidationErrors};

type Fields = HashMap<String, String>;

/// How many party rows the send form offers.
const PARTY_ROWS: usize = 3;

#[derive(Deserialize, Default)]
pub struct ListFilter {
    #[serde(default)]
    direction: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    after: String,
}

/// The clocks of a referral: rule, due day, what is left in the rule's unit, state.
async fn clocks_table(ctx: &Ctx, clocks: &[ReferralDeadline]) -> Result<Markup, AppError> {
    let lang = ctx.lang;
    let today = ctx.state.clock.today();
    let due: Vec<_> = clocks.iter().map(|c| (c.due_on, c.period)).collect();
    let left = deadlines::left_until(&ctx.state, &due, today).await?;
    Ok(html! {
        table.clocks {
            thead { tr {
                th scope="col" { (lang.t("referrals.clock")) }
                th scope="col" { (lang.t("deadline.due")) }
                th scope="col" { (lang.t("deadline.left")) }
                th scope="col" { (lang.t("referrals.clock.state")) }
            } }
            tbody { @for (clock, days) in clocks.iter().zip(left) {
                @let state = clock_state(clock.due_on, clock.paused_on, clock.met_on, today);
                tr {
                    td { (clock.clock.rule()) " " (lang.name("clock", clock.clock.as_str())) }
                    td { (lang.date(clock.due_on)) }
                    td {
                        @if clock.met_on.is_none() && clock.paused_on.is_none() {
                            (days) " " (unit(lang, clock.period))
                        }
                    }
                    td { span class={ "tag " (state.as_str()) } { (lang.name("clock_state", state.as_str())) } }
                }
            } }
        }
    })
}

fn unit(lang: Lang, period: ipdr_domain::calendar::Period) -> &'static str {
    match period {
        ipdr_domain::calendar::Period::WorkingDays(_) => lang.t("deadline.days.working"),
        ipdr_domain::calendar::Period::CalendarDays(_) => lang.t("deadline.days.calendar"),
    }
}

/// Referrals with their partner, kind, status and next due date, each a link to its page.
pub fn table(lang: Lang, referrals: &[ListedReferral], today: chrono::NaiveDate) -> Markup {
    html! {
        table #referrals {
            thead { tr {
                th scope="col" { (lang.t("referrals.direction")) }
                th scope="col" { (lang.t("referrals.partner")) }
                th scope="col" { (lang.t("referrals.kind")) }
                th scope="col" { (lang.t("cases.ip_type")) }
                th scope="col" { (lang.t("cases.status")) }
                th scope="col" { (lang.t("referrals.next_due")) }
            } }
            tbody { @for listed in referrals {
                @let r = &listed.referral;
                @let next = listed.clocks.iter().filter(|c| c.met_on.is_none()).map(|c| c.due_on).min();
                tr {
                    td { a href={ "/referrals/" (r.id) } { (lang.name("direction", r.direction.as_str())) " · " (r.sent_on) } }
                    td { (r.partner_node) }
                    td { (lang.name("referral_kind", r.kind.as_str())) }
                    td { (lang.name("ip_type", r.ip_type.as_str())) }
                    td.referral-status { (lang.name("referral_status", r.status.as_str())) }
                    td { @if let Some(due) = next {
                        (lang.date(due))
                        @if due < today { " " span.tag.overdue { (lang.t("deadline.overdue")) } }
                    } }
                }
            } }
        }
    }
}

/// Referrals in and out, filtered like the API's list.
#[handler]
pub async fn list(req: &Request, Query(filter): Query<ListFilter>) -> Response {
    let (ctx, session) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let caller = &session.principal;
    let lang = ctx.lang;
    let wanted = ReferralFilter {
        direction: Direction::parse(&filter.direction),
        status: ReferralStatus::parse(&filter.status),
        overdue_on: None,
    };
    let page_request = PageRequest {
        after: uuid::Uuid::parse_str(&filter.after).ok(),
        limit: 25,
    };
    let found =
        match referrals::list_referrals::<AppError>(&ctx.state, caller, &wanted, Ok(page_request))
            .await
        {
            Ok(found) => found,
            Err(e) => return errors::for_error(&ctx, &e),
        };
    let today = ctx.state.clock.today();
    let may_send = referrals::may_send(caller).is_ok();
    let body = html! {
        @if may_send { p { a.button href="/referrals/new" { (lang.t("referrals.send")) } } }
        form.filters method="get" action="/referrals" {
            label for="direction" { (lang.t("referrals.direction")) }
            select #direction name="direction" {
                option value="" { (lang.t("cases.filter.any")) }
                @for d in Direction::ALL {
                    option value=(d.as_str()) selected[filter.direction == d.as_str()] { (lang.name("direction", d.as_str())) }
                }
            }
            label for="status" { (lang.t("cases.status")) }
            select #status name="status" {
                option value="" { (lang.t("cases.filter.any")) }
                @for s in ReferralStatus::ALL {
                    option value=(s.as_str()) selected[filter.status == s.as_str()] { (lang.name("referral_status", s.as_str())) }
                }
            }
            button type="submit" { (lang.t("cases.filter.apply")) }
        }
        @if found.items.is_empty() {
            p { (lang.t("referrals.none")) }
        } @else {
            (table(lang, &found.items, today))
            @if let Some(after) = found.next_after {
                p { a href={ "/referrals?direction=" (filter.direction) "&status=" (filter.status) "&after=" (after) } { (lang.t("cases.next")) } }
            }
        }
    };
    page(&ctx, StatusCode::OK, lang.t("referrals.title"), body)
}

#[derive(Deserialize, Default)]
pub struct Choice {
    #[serde(default)]
    agreement: String,
}

/// The send form: first the agreement, then only what it covers.
#[handler]
pub async fn new(req: &Request, Query(choice): Query<Choice>) -> Response {
    let (ctx, _) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let mut fields = Fields::new();
    fields.insert("agreement_id".to_owned(), choice.agreement);
    render_new(&ctx, StatusCode::OK, &fields, &[]).await
}

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map_or("", |v| v.as_str())
}

async fn render_new(
    ctx: &Ctx,
    status: StatusCode,
    fields: &Fields,
    shown: &[(String, String)],
) -> Response {
    let Some(session) = &ctx.session else {
        return see_other("/login");
    };
    let agreements = match referrals::sendable_agreements(&ctx.state, &session.principal).await {
        Ok(a) => a,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let lang = ctx.lang;
    let chosen = agreements
        .iter()
        .find(|a| a.id.to_string() == field(fields, "agreement_id"))
        .or(if agreements.len() == 1 {
            agreements.first()
        } else {
            None
        });
    let error = |k: &str| shown.iter().find(|(f, _)| f == k).map(|(_, m)| m.clone());
    let body = html! {
        (error_summary(ctx, shown))
        @if agreements.is_empty() {
            p { (lang.t("referrals.no_agreement")) }
        } @else {
            form method="get" action="/referrals/new" {
                label for="agreement" { (lang.t("referrals.agreement")) }
                select #agreement name="agreement" {
                    @for a in &agreements {
                        option value=(a.id) selected[chosen.is_some_and(|c| c.id == a.id)] { (a.title) " (" (a.code) " → " (a.partner_node) ")" }
                    }
                }
                div { button type="submit" { (lang.t("referrals.agreement.choose")) } }
            }
        }
        @if let Some(agreement) = chosen {
            form method="post" action="/referrals" {
                input type="hidden" name="csrf" value=(session.csrf_token());
                input type="hidden" name="agreement_id" value=(agreement.id);
                p { (lang.t("referrals.agreement")) ": " strong { (agreement.title) } " → " (agreement.partner_node) }
                label for="kind" { (lang.t("referrals.kind")) }
                @if let Some(e) = error("kind") { p.error #kind-error { (e) } }
                select #kind name="kind" {
                    @for k in &agreement.scope.kinds {
                        option value=(k.as_str()) selected[field(fields, "kind") == k.as_str()] { (lang.name("referral_kind", k.as_str())) }
                    }
                }
                label for="ip_type" { (lang.t("cases.ip_type")) }
                @if let Some(e) = error("ip_type") { p.error #ip_type-error { (e) } }
                select #ip_type name="ip_type" {
                    @for t in &agreement.scope.ip_types {
                        option value=(t.as_str()) selected[field(fields, "ip_type") == t.as_str()] { (lang.name("ip_type", t.as_str())) }
                    }
                }
                label for="right_identifier" { (lang.t("case.right")) }
                @if let Some(e) = error("right_identifier") { p.error #right_identifier-error { (e) } }
                input #right_identifier type="text" name="right_identifier" value=(field(fields, "right_identifier"));
                label for="summary" { (lang.t("referrals.summary")) }
                @if let Some(e) = error("summary") { p.error #summary-error { (e) } }
                textarea #summary name="summary" required { (field(fields, "summary")) }
                fieldset #parties {
                    legend { (lang.t("case.parties")) }
                    @if let Some(e) = error("parties") { p.error { (e) } }
                    @for i in 0..PARTY_ROWS {
                        @let at = |f: &str| format!("parties[{i}].{f}");
                        div.party-row {
                            label for=(at("side")) { (lang.t("case.party.role")) " " (i + 1) }
                            select id=(at("side")) name=(at("side")) {
                                @for s in Side::ALL {
                                    option value=(s.as_str()) selected[field(fields, &at("side")) == s.as_str() || (field(fields, &at("side")).is_empty() && (i == 0) == (*s == Side::Applicant))] { (lang.name("side", s.as_str())) }
                                }
                            }
                            label for=(at("kind")) { (lang.t("intake.kind")) " " (i + 1) }
                            select id=(at("kind")) name=(at("kind")) {
                                @for k in PartyKind::ALL {
                                    option value=(k.as_str()) selected[field(fields, &at("kind")) == k.as_str()] { (lang.name("party_kind", k.as_str())) }
                                }
                            }
                            label for=(at("name")) { (lang.t("case.party.name")) " " (i + 1) }
                            @if let Some(e) = error(&at("name")) { p.error { (e) } }
                            input id=(at("name")) type="text" name=(at("name")) value=(field(fields, &at("name")));
                            label for=(at("credit_code")) { (lang.t("intake.credit_code")) " " (i + 1) }
                            @if let Some(e) = error(&at("credit_code")) { p.error { (e) } }
                            input id=(at("credit_code")) type="text" name=(at("credit_code")) value=(field(fields, &at("credit_code")));
                        }
                    }
                }
                div { button type="submit" { (lang.t("referrals.send")) } }
            }
        }
    };
    page(ctx, status, lang.t("referrals.send"), body)
}

/// Sends the referral.
#[handler]
pub async fn send(req: &Request, Form(form): Form<Fields>) -> Response {
    let (ctx, session) = match posted(req, &form).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let get = |k: &str| form.get(k).map_or("", |v| v.trim());
    let parties: Vec<ReferralParty> = (0..PARTY_ROWS)
        .filter_map(|i| {
            let at = |f: &str| get(&format!("parties[{i}].{f}")).to_owned();
            let name = at("name");
            (!name.is_empty()).then(|| ReferralParty {
                side: at("side"),
                kind: at("kind"),
                name,
                credit_code: Some(at("credit_code")).filter(|c| !c.is_empty()),
            })
        })
        .collect();
    let sending = async {
        let agreement_id = uuid::Uuid::parse_str(get("agreement_id")).map_err(|_| {
            ValidationErrors::one("agreement", Invalid::new("required", "choose an agreement"))
        })?;
        let kind = ReferralKind::parse(get("kind")).ok_or_else(|| {
            ValidationErrors::one("kind", Invalid::new("required", "choose a kind"))
        })?;
        let sending = Sending {
            agreement_id,
            kind,
            summary: get("summary").to_owned(),
            case_id: None,
            ip_type: IpType::parse(get("ip_type")),
            right_identifier: Some(get("right_identifier").to_owned()).filter(|r| !r.is_empty()),
            parties,
        };
        referrals::send_new(&ctx.state, &session.principal, sending).await
    };
    let (sent, _) = crate::audit::acting(
        ctx.acting(&session, "send_referral", "/api/v1/referrals".to_owned()),
        sending,
    )
    .await;
    match sent {
        Ok(referral) => see_other(&format!("/referrals/{}", referral.id)),
        Err(AppError::Invalid(invalid)) => {
            let shown = crate::console::shown(ctx.lang, invalid);
            render_new(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &form, &shown).await
        }
        Err(e) => errors::for_error(&ctx, &e),
    }
}

/// One referral with its clocks, timeline and the steps this end may take now.
#[handler]
pub async fn show(req: &Request, Path(id): Path<String>) -> Response {
    let (ctx, _) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let Some(id) = id_of::<uuid::Uuid>(&id) else {
        return errors::not_found(&ctx);
    };
    render(&ctx, id, StatusCode::OK, &[]).await
}

async fn render(
    ctx: &Ctx,
    id: uuid::Uuid,
    status: StatusCode,
    shown: &[(String, String)],
) -> Response {
    let Some(session) = &ctx.session else {
        return see_other("/login");
    };
    let caller = &session.principal;
    let detail = match referrals::read_referral(&ctx.state, caller, id).await {
        Ok(detail) => detail,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let r = &detail.referral;
    let steps = match referrals::may_answer(&ctx.state, caller, r).await {
        Ok(true) => offered(r.status, r.direction.local_end()),
        Ok(false) => Vec::new(),
        Err(e) => return errors::for_error(ctx, &e),
    };
    let handlers = if steps.contains(&StepKind::Accepted) {
        referrals::case_handlers(&ctx.state, caller)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let clocks = match clocks_table(ctx, &detail.clocks).await {
        Ok(clocks) => clocks,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let lang = ctx.lang;
    let csrf = session.csrf_token();
    let title = format!("{} · {}", lang.t("referrals.one"), r.agreement_code);
    let body = html! {
        (error_summary(ctx, shown))
        dl.summary {
            dt { (lang.t("referrals.direction")) } dd { (lang.name("direction", r.direction.as_str())) }
            dt { (lang.t("referrals.partner")) } dd { (r.partner_node) }
            dt { (lang.t("cases.status")) } dd #referral-status { (lang.name("referral_status", r.status.as_str())) }
            dt { (lang.t("referrals.kind")) } dd { (lang.name("referral_kind", r.kind.as_str())) }
            dt { (lang.t("cases.ip_type")) } dd { (lang.name("ip_type", r.ip_type.as_str())) }
            @if let Some(right) = &r.right_identifier { dt { (lang.t("case.right")) } dd { (right) } }
            dt { (lang.t("referrals.sent_on")) } dd { (lang.date(r.sent_on)) }
            @if let Some(number) = &r.partner_case_number { dt { (lang.t("referrals.partner_case")) } dd { (number) } }
            @if let Some(case) = r.case_id { dt { (lang.t("referrals.case")) } dd { a href={ "/cases/" (case) } { (lang.t("referrals.case.open")) } } }
            dt { (lang.t("referrals.summary")) } dd { (r.summary) }
        }
        h2 { (lang.t("case.parties")) }
        ul { @for p in &r.parties {
            li { (lang.name("side", &p.side)) ": " (p.name) @if let Some(code) = &p.credit_code { " · " (code) } }
        } }
        h2 { (lang.t("referrals.clocks")) }
        (clocks)
        h2 { (lang.t("case.actions")) }
        @if steps.is_empty() { p { (lang.t("case.actions.none")) } }
        div.actions { @for step in &steps {
            details open[steps.len() == 1] {
                summary { (lang.name("referral_step", step.as_str())) }
                form method="post" action={ "/referrals/" (r.id) "/step" } {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="version" value=(r.version);
                    input type="hidden" name="step" value=(step.as_str());
                    (step_fields(lang, *step, &handlers))
                    div { button type="submit" { (lang.name("referral_step", step.as_str())) } }
                }
            }
        } }
        h2 { (lang.t("case.timeline")) }
        table #referral-timeline {
            thead { tr {
                th scope="col" { (lang.t("case.timeline.at")) }
                th scope="col" { (lang.t("referrals.node")) }
                th scope="col" { (lang.t("case.timeline.action")) }
            } }
            tbody { @for e in detail.events.iter().rev() { tr {
                td { (lang.time(e.at)) }
                td { (e.node) }
                td { (lang.name("referral_step", e.step.as_str())) }
            } } }
        }
    };
    page(ctx, status, &title, body)
}

fn step_fields(
    lang: Lang,
    step: StepKind,
    handlers: &[ipdr_domain::organization::Organization],
) -> Markup {
    let note = |id: &str, key: &'static str, required: bool| {
        html! {
            label for=(id) { (lang.t(key)) }
            textarea id=(id) name="text" required[required] {}
        }
    };
    html! {
        @match step {
            StepKind::InformationRequested => { (note("question", "referrals.question", true)) }
            StepKind::InformationProvided => { (note("answer", "referrals.answer", true)) }
            StepKind::Accepted if !handlers.is_empty() => {
                label for="open_in" { (lang.t("referrals.open_case")) }
                select #open_in name="open_in" {
                    option value="" { (lang.t("referrals.open_case.no")) }
                    @for o in handlers { option value=(o.id) { (o.name.as_str()) } }
                }
                label for="track" { (lang.t("intake.track")) }
                select #track name="track" {
                    @for t in Track::ALL.iter().filter(|t| !t.is_court()) { option value=(t.as_str()) { (lang.name("track", t.as_str())) } }
                }
            }
            StepKind::Declined => {
                label for="reason" { (lang.t("referrals.decline_reason")) }
                select #reason name="reason" {
                    @for d in DeclineReason::ALL { option value=(d.as_str()) { (lang.name("decline", d.as_str())) } }
                }
                (note("decline-note", "referrals.note", false))
            }
            StepKind::ProgressReported => {
                label for="milestone" { (lang.t("referrals.milestone")) }
                select #milestone name="milestone" {
                    option value="" { (lang.t("referrals.milestone.none")) }
                    @for m in Milestone::ALL { option value=(m.as_str()) { (lang.name("milestone", m.as_str())) } }
                }
                (note("progress-note", "referrals.note", true))
            }
            StepKind::OutcomeReported => {
                label for="outcome" { (lang.t("referrals.outcome")) }
                select #outcome name="outcome" {
                    @for o in Outcome::ALL { option value=(o.as_str()) { (lang.name("outcome", o.as_str())) } }
                }
                (note("outcome-note", "referrals.note", false))
            }
            _ => {}
        }
    }
}

/// The step of the form, as the federation carries it.
fn step_of(form: &Fields, kind: StepKind) -> Result<Step, ValidationErrors> {
    let get = |k: &str| form.get(k).map_or("", |v| v.trim());
    let text = |required: bool| -> Result<Option<String>, ValidationErrors> {
        let value = get("text");
        if value.is_empty() && !required {
            return Ok(None);
        }
        bounded_text(value, 2000)
            .map(Some)
            .map_err(|e| ValidationErrors::one("text", e))
    };
    let choose = |name: &str| ValidationErrors::one(name, Invalid::new("required", "choose one"));
    Ok(match kind {
        StepKind::Acknowledged => Step::Acknowledged,
        StepKind::InformationRequested => Step::InformationRequested {
            question: text(true)?.unwrap_or_default(),
        },
        StepKind::InformationProvided => Step::InformationProvided {
            answer: text(true)?.unwrap_or_default(),
        },
        StepKind::Accepted => Step::Accepted { case_number: None },
        StepKind::Declined => Step::Declined {
            reason: DeclineReason::parse(get("reason"))
                .ok_or_else(|| choose("reason"))?
                .as_str()
                .to_owned(),
            note: text(false)?,
        },
        StepKind::ProgressReported => Step::ProgressReported {
            note: text(true)?.unwrap_or_default(),
            milestone: Milestone::parse(get("milestone")).map(|m| m.as_str().to_owned()),
        },
        StepKind::OutcomeReported => Step::OutcomeReported {
            outcome: Outcome::parse(get("outcome"))
                .ok_or_else(|| choose("outcome"))?
                .as_str()
                .to_owned(),
            note: text(false)?,
        },
        StepKind::Referred => return Err(choose("step")),
    })
}

/// The API's path of a step, as its audit records name it.
fn operation(kind: StepKind) -> (&'static str, &'static str) {
    match kind {
        StepKind::Acknowledged => ("acknowledge_referral", "acknowledge"),
        StepKind::InformationRequested => ("request_referral_information", "request-information"),
        StepKind::InformationProvided => ("provide_referral_information", "provide-information"),
        StepKind::Accepted => ("accept_referral", "accept"),
        StepKind::Declined => ("decline_referral", "decline"),
        StepKind::ProgressReported => ("report_referral_progress", "progress"),
        StepKind::OutcomeReported | StepKind::Referred => ("report_referral_outcome", "outcome"),
    }
}

/// Takes a step; a stale form shows the referral as it is now.
#[handler]
pub async fn take(req: &Request, Path(id): Path<String>, Form(form): Form<Fields>) -> Response {
    let (ctx, session) = match posted(req, &form).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let (Some(id), Some(kind)) = (
        id_of::<uuid::Uuid>(&id),
        form.get("step").and_then(|s| StepKind::parse(s)),
    ) else {
        return errors::not_found(&ctx);
    };
    let version = form.get("version").and_then(|v| v.parse::<i64>().ok());
    let open_case = form
        .get("open_in")
        .and_then(|o| id_of(o))
        .map(|organization_id| OpenCase {
            organization_id,
            track: form
                .get("track")
                .and_then(|t| Track::parse(t))
                .unwrap_or(Track::People),
            city: ctx.state.node.city.clone(),
        });
    let taken = async {
        let step = step_of(&form, kind)?;
        referrals::take_referral_step(&ctx.state, &session.principal, id, version, step, open_case)
            .await
    };
    let (operation, tail) = operation(kind);
    let object = format!("/api/v1/referrals/{id}/{tail}");
    let (done, _) = crate::audit::acting(ctx.acting(&session, operation, object), taken).await;
    match done {
        Ok(_) => see_other(&format!("/referrals/{id}")),
        Err(AppError::Stale { .. }) => {
            let notice = vec![("step".to_owned(), lang_stale(ctx.lang))];
            render(&ctx, id, StatusCode::CONFLICT, &notice).await
        }
        Err(AppError::Refused { refusal, .. }) => {
            let shown = vec![(
                "step".to_owned(),
                crate::console::refused(ctx.lang, &refusal),
            )];
            render(&ctx, id, StatusCode::CONFLICT, &shown).await
        }
        Err(AppError::Invalid(invalid)) => {
            let shown = crate::console::shown(ctx.lang, invalid);
            render(&ctx, id, StatusCode::UNPROCESSABLE_ENTITY, &shown).await
        }
        Err(e) => errors::for_error(&ctx, &e),
    }
}

fn lang_stale(lang: Lang) -> String {
    lang.t("errors.stale").to_owned()
}
