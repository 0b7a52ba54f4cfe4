//! Administration of the federation and the calendar: the registry of partner nodes (their URLs
//! and public keys), the cooperation agreements stored as data (scope, response days, liaison
//! officers, status), and the official holiday calendar by year. Administrators only: the
//! application layer refuses everyone else, as the API does.
use std::collections::HashMap;

use maud::html;
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{Request, Response, handler};

use super::errors;
use crate::console::layout::{error_summary, field, kept, page};
use crate::console::{Ctx, Lang, posted, see_other, signed_in};
use crate::service::accounts::{self, AccountFilter};
use crate::service::calendar;
use crate::service::cooperation_agreements::{self, AgreementTerms};
use crate::service::error::AppError;
use crate::service::organizations::PageRequest;
use crate::service::partners::{self, PartnerEntry, PartnerInput, PartnerKey};
use ipdr_domain::account::Role;
use ipdr_domain::case::IpType;
use ipdr_domain::referral::{AgreementStatus, ReferralKind};
use ipdr_domain::{Invalid, ValidationErrors};

type Fields = HashMap<String, String>;

/// What a failed change shows beside its form; `field` names the form's key field.
fn shown_of(lang: Lang, field: &str, error: AppError) -> Result<Vec<(String, String)>, AppError> {
    match error {
        AppError::Invalid(invalid) => Ok(crate::console::shown(lang, invalid)),
        AppError::Conflict(_) => Ok(vec![(field.to_owned(), lang.t("admin.taken").to_owned())]),
        AppError::Refused { refusal, .. } => Ok(vec![(
            field.to_owned(),
            crate::console::refused(lang, &refusal),
        )]),
        AppError::Stale { .. } => Ok(vec![(field.to_owned(), lang.t("errors.stale").to_owned())]),
        other => Err(other),
    }
}

/// Partners and agreements.
#[handler]
pub async fn show(req: &Request) -> Response {
    let (ctx, _) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    render(&ctx, StatusCode::OK, &Fields::new(), &[]).await
}

async fn render(
    ctx: &Ctx,
    status: StatusCode,
    fields: &Fields,
    shown: &[(String, String)],
) -> Response {
    let Some(session) = &ctx.session else {
        return see_other("/login");
    };
    let caller = &session.principal;
    let registered = match partners::list_partners(&ctx.state, caller).await {
        Ok(p) => p,
        Err(AppError::Forbidden) => return errors::not_found(ctx),
        Err(e) => return errors::for_error(ctx, &e),
    };
    let agreements = match cooperation_agreements::list_agreements(&ctx.state, caller).await {
        Ok(a) => a,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let filter = AccountFilter {
        role: Some(Role::Liaison),
        organization_id: None,
        status: None,
    };
    let first = PageRequest {
        after: None,
        limit: 100,
    };
    let liaisons = match accounts::list(&ctx.state, caller, &filter, first).await {
        Ok(page) => page.items,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let lang = ctx.lang;
    let today = ctx.state.clock.today();
    let csrf = session.csrf_token();
    let body = html! {
        (error_summary(ctx, shown))
        p { (lang.t("federation.this_node")) " " code { (ctx.state.node.id.as_str()) } }
        h2 { (lang.t("federation.partners")) }
        @if registered.is_empty() { p { (lang.t("federation.partners.none")) } } @else {
            table #partners {
                thead { tr {
                    th scope="col" { (lang.t("federation.node")) } th scope="col" { (lang.t("admin.name")) }
                    th scope="col" { (lang.t("admin.city")) } th scope="col" { (lang.t("federation.url")) }
                    th scope="col" { (lang.t("federation.keys")) } th scope="col" { (lang.t("admin.status")) }
                } }
                tbody { @for p in &registered { tr {
                    td { (p.node_id) } td { (p.name) } td { (p.city) } td { (p.base_url) }
                    td { @for k in &p.keys { code { (k.kid) } " " } }
                    td { (if p.active { lang.t("federation.active") } else { lang.t("federation.inactive") }) }
                } } }
            }
        }
        details open[fields.contains_key("node_id")] {
            summary { (lang.t("federation.register")) }
            form method="post" action="/admin/partners" {
                input type="hidden" name="csrf" value=(csrf);
                (field(lang, fields, shown, "node_id", "federation.node", "text"))
                (field(lang, fields, shown, "name", "admin.name", "text"))
                (field(lang, fields, shown, "city", "admin.city", "text"))
                (field(lang, fields, shown, "base_url", "federation.url", "url"))
                (field(lang, fields, shown, "kid", "federation.kid", "text"))
                (field(lang, fields, shown, "x", "federation.x", "text"))
                div { button type="submit" { (lang.t("federation.register")) } }
            }
        }
        h2 { (lang.t("federation.agreements")) }
        form.inline method="post" action="/admin/agreements/seed" {
            input type="hidden" name="csrf" value=(csrf);
            button type="submit" { (lang.t("federation.seed")) }
        }
        @if agreements.is_empty() { p { (lang.t("federation.agreements.none")) } } @else {
            table #agreements {
                thead { tr {
                    th scope="col" { (lang.t("admin.code")) } th scope="col" { (lang.t("federation.title")) }
                    th scope="col" { (lang.t("federation.partner")) } th scope="col" { (lang.t("federation.scope")) }
                    th scope="col" { (lang.t("federation.liaisons")) } th scope="col" { (lang.t("admin.status")) }
                } }
                tbody { @for a in &agreements {
                    @let status = a.scope.status_on(today);
                    tr {
                        td { (a.code) } td { (a.title) } td { (a.partner_node) }
                        td {
                            @for k in &a.scope.kinds { (lang.name("referral_kind", k.as_str())) "; " }
                            br;
                            @for t in &a.scope.ip_types { (lang.name("ip_type", t.as_str())) "; " }
                        }
                        td { (a.liaisons.len()) }
                        td {
                            (lang.name("agreement_status", status.as_str()))
                            @for next in AgreementStatus::ALL {
                                @if *next != a.scope.status && ipdr_domain::referral::cooperation_agreement::check_settable(*next).is_ok() {
                                    form.inline method="post" action={ "/admin/agreements/" (a.id) "/status" } {
                                        input type="hidden" name="csrf" value=(csrf);
                                        input type="hidden" name="version" value=(a.version);
                                        input type="hidden" name="status" value=(next.as_str());
                                        button type="submit" { (lang.name("agreement_set", next.as_str())) }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
        }
        details open[fields.contains_key("code")] {
            summary { (lang.t("federation.new_agreement")) }
            form method="post" action="/admin/agreements" {
                input type="hidden" name="csrf" value=(csrf);
                (field(lang, fields, shown, "code", "admin.code", "text"))
                (field(lang, fields, shown, "title", "federation.title", "text"))
                label for="partner_node" { (lang.t("federation.partner")) }
                select #partner_node name="partner_node" {
                    @for p in &registered { option value=(p.node_id) selected[kept(fields, "partner_node") == p.node_id] { (p.node_id) " · " (p.name) } }
                }
                fieldset #kinds {
                    legend { (lang.t("federation.kinds")) }
                    @for k in ReferralKind::ALL {
                        label.choice { input type="checkbox" name={ "kind_" (k.as_str()) } value="on" checked[fields.contains_key(&format!("kind_{}", k.as_str()))]; " " (lang.name("referral_kind", k.as_str())) }
                    }
                }
                fieldset #ip_types {
                    legend { (lang.t("federation.ip_types")) }
                    @for t in IpType::ALL {
                        label.choice { input type="checkbox" name={ "ip_" (t.as_str()) } value="on" checked[fields.contains_key(&format!("ip_{}", t.as_str()))]; " " (lang.name("ip_type", t.as_str())) }
                    }
                }
                (field(lang, fields, shown, "acknowledge_days", "federation.days.acknowledge", "number"))
                (field(lang, fields, shown, "decide_days", "federation.days.decide", "number"))
                (field(lang, fields, shown, "report_days", "federation.days.report", "number"))
                (field(lang, fields, shown, "valid_from", "federation.valid_from", "date"))
                (field(lang, fields, shown, "valid_until", "federation.valid_until", "date"))
                fieldset #liaisons {
                    legend { (lang.t("federation.liaisons")) }
                    @for l in &liaisons {
                        label.choice { input type="checkbox" name={ "liaison_" (l.id) } value="on"; " " (l.display_name.as_str()) " (" (l.username.as_str()) ")" }
                    }
                }
                div { button type="submit" { (lang.t("admin.create")) } }
            }
        }
    };
    page(ctx, status, lang.t("federation.title.page"), body)
}

/// Registers a partner node with one public key.
#[handler]
pub async fn register(req: &Request, Form(form): Form<Fields>) -> Response {
    let (ctx, session) = match posted(req, &form).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let input = PartnerInput {
        node_id: Some(kept(&form, "node_id").to_owned()),
        entry: PartnerEntry {
            name: kept(&form, "name").to_owned(),
            city: kept(&form, "city").to_owned(),
            base_url: kept(&form, "base_url").to_owned(),
            keys: vec![PartnerKey {
                kid: kept(&form, "kid").to_owned(),
                x: kept(&form, "x").to_owned(),
            }],
        },
        active: Some(true),
    };
    let (done, _) = crate::audit::acting(
        ctx.acting(&session, "register_partner", "/api/v1/partners".to_owned()),
        partners::register_partner(&ctx.state, &session.principal, input),
    )
    .await;
    changed(&ctx, &form, "node_id", done.map(|_| ())).await
}

async fn changed(ctx: &Ctx, form: &Fields, field: &str, done: Result<(), AppError>) -> Response {
    match done {
        Ok(()) => see_other("/admin/partners"),
        Err(e) => match shown_of(ctx.lang, field, e) {
            Ok(shown) => render(ctx, StatusCode::UNPROCESSABLE_ENTITY, form, &shown).await,
            Err(e) => errors::for_error(ctx, &e),
        },
    }
}

fn terms_of(form: &Fields) -> Result<AgreementTerms, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let day = |name: &str| -> Result<u32, Invalid> {
        kept(form, name)
            .parse::<u32>()
            .map_err(|_| Invalid::new("required", "a whole number of days"))
    };
    let date = |name: &str| -> Result<chrono::NaiveDate, Invalid> {
        chrono::NaiveDate::parse_from_str(kept(form, name), "%Y-%m-%d")
            .map_err(|_| Invalid::new("invalid_date", "a date, 2026-12-01"))
    };
    let acknowledge = errors.check("acknowledge_days", day("acknowledge_days"));
    let decide = errors.check("decide_days", day("decide_days"));
    let report = errors.check("report_days", day("report_days"));
    let valid_from = errors.check("valid_from", date("valid_from"));
    let valid_until = if kept(form, "valid_until").is_empty() {
        None
    } else {
        errors.check("valid_until", date("valid_until"))
    };
    let chosen = |prefix: &str| {
        form.keys()
            .filter_map(|k| k.strip_prefix(prefix))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let liaisons = chosen("liaison_")
        .iter()
        .filter_map(|id| uuid::Uuid::parse_str(id).ok())
        .map(ipdr_domain::AccountId::from)
        .collect();
    match (acknowledge, decide, report, valid_from) {
        (Some(a), Some(d), Some(r), Some(from)) if errors.is_empty() => Ok(AgreementTerms {
            code: kept(form, "code").to_owned(),
            title: kept(form, "title").to_owned(),
            partner_node: kept(form, "partner_node").to_owned(),
            ip_types: chosen("ip_")
                .iter()
                .filter_map(|t| IpType::parse(t))
                .collect(),
            kinds: chosen("kind_")
                .iter()
                .filter_map(|k| ReferralKind::parse(k))
                .collect(),
            days: (a, d, r),
            valid_from: from,
            valid_until,
            status: AgreementStatus::Active,
            liaisons,
        }),
        _ => Err(errors),
    }
}

/// Stores a new cooperation agreement.
#[handler]
pub async fn create_agreement(req: &Request, Form(form): Form<Fields>) -> Response {
    let (ctx, session) = match posted(req, &form).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let created = async {
        let terms = terms_of(&form)?;
        cooperation_agreements::create_agreement(&ctx.state, &session.principal, terms).await
    };
    let object = "/api/v1/cooperation-agreements".to_owned();
    let (done, _) = crate::audit::acting(
        ctx.acting(&session, "create_cooperation_agreement", object),
        created,
    )
    .await;
    changed(&ctx, &form, "code", done.map(|_| ())).await
}

/// Loads the seed agreements this node is a party to.
#[handler]
pub async fn seed(req: &Request, Form(form): Form<Fields>) -> Response {
    let (ctx, session) = match posted(req, &form).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let object = "/api/v1/cooperation-agreements/seed".to_owned();
    let (done, _) = crate::audit::acting(
        ctx.acting(&session, "load_seed_cooperation_agreements", object),
        cooperation_agreements::load_seed_agreements(&ctx.state, &session.principal),
    )
    .await;
    changed(&ctx, &form, "code", done.map(|_| ())).await
}

/// Sets an agreement's status.
#[handler]
pub async fn set_status(
    req: &Request,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Response {
    let (ctx, session) = match posted(req, &form).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return errors::not_found(&ctx);
    };
    let version = kept(&form, "version").parse::<i64>().ok();
    let Some(status) = AgreementStatus::parse(kept(&form, "status")) else {
        return errors::not_found(&ctx);
    };
    let object = format!("/api/v1/cooperation-agreements/{id}/status");
    let (done, _) = crate::audit::acting(
        ctx.acting(&session, "set_cooperation_agreement_status", object),
        cooperation_agreements::set_agreement_status::<AppError>(
            &ctx.state,
            &session.principal,
            id,
            Ok(version),
            status,
        ),
    )
    .await;
    changed(&ctx, &form, "agreements", done.map(|_| ())).await
}

/// The holiday calendar: the loaded years and the form that loads one.
#[handler]
pub async fn calendar_page(req: &Request) -> Response {
    let (ctx, _) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    render_calendar(&ctx, StatusCode::OK, &Fields::new(), &[], None).await
}

async fn render_calendar(
    ctx: &Ctx,
    status: StatusCode,
    fields: &Fields,
    shown: &[(String, String)],
    moved: Option<u64>,
) -> Response {
    let Some(session) = &ctx.session else {
        return see_other("/login");
    };
    if calendar::may_administer(&session.principal).is_err() {
        return errors::not_found(ctx);
    }
    let years = match calendar::list_years(&ctx.state, &session.principal).await {
        Ok(years) => years,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let lang = ctx.lang;
    let body = html! {
        (error_summary(ctx, shown))
        @if let Some(moved) = moved { p.notice role="status" { (lang.t("calendar.loaded")) " " (moved) } }
        table #years {
            thead { tr {
                th scope="col" { (lang.t("calendar.year")) } th scope="col" { (lang.t("calendar.days_off")) }
                th scope="col" { (lang.t("calendar.makeup")) } th scope="col" { (lang.t("calendar.source")) }
                th scope="col" { (lang.t("calendar.updated")) }
            } }
            tbody { @for y in &years { tr {
                td { (y.calendar.year()) }
                td { (y.calendar.days_off().count()) }
                td { (y.calendar.makeup_workdays().count()) }
                td { (y.source) }
                td { (lang.time(y.updated_at)) }
            } } }
        }
        h2 { (lang.t("calendar.load")) }
        p { (lang.t("calendar.explain")) }
        form method="post" action="/admin/calendar" {
            input type="hidden" name="csrf" value=(session.csrf_token());
            (field(lang, fields, shown, "year", "calendar.year", "number"))
            (field(lang, fields, shown, "source", "calendar.source", "text"))
            label for="days_off" { (lang.t("calendar.days_off")) }
            @if let Some((_, e)) = shown.iter().find(|(f, _)| f == "days_off") { p.error #days_off-error { (e) } }
            textarea #days_off name="days_off" rows="6" { (kept(fields, "days_off")) }
            label for="makeup_workdays" { (lang.t("calendar.makeup")) }
            @if let Some((_, e)) = shown.iter().find(|(f, _)| f == "makeup_workdays") { p.error #makeup_workdays-error { (e) } }
            textarea #makeup_workdays name="makeup_workdays" rows="3" { (kept(fields, "makeup_workdays")) }
            div { button type="submit" { (lang.t("calendar.load")) } }
        }
    };
    page(ctx, status, lang.t("calendar.title"), body)
}

/// Dates one per line (or separated by commas or spaces).
fn dates(field: &str, text: &str) -> Result<Vec<chrono::NaiveDate>, ValidationErrors> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|d| !d.is_empty())
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                ValidationErrors::one(
                    field,
                    Invalid::new("invalid_date", format!("{d} is not a date like 2026-10-01")),
                )
            })
        })
        .collect()
}

/// Loads one year's notice.
#[handler]
pub async fn load_year(req: &Request, Form(form): Form<Fields>) -> Response {
    let (ctx, session) = match posted(req, &form).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let year = kept(&form, "year").parse::<i32>();
    let notice = match year {
        Err(_) => Err(ValidationErrors::one(
            "year",
            Invalid::new("required", "a year, 2027"),
        )),
        Ok(year) => dates("days_off", kept(&form, "days_off")).and_then(|off| {
            let makeup = dates("makeup_workdays", kept(&form, "makeup_workdays"))?;
            calendar::notice(year, off, makeup, kept(&form, "source"))
        }),
    };
    let object = format!("/api/v1/calendar/{}", kept(&form, "year"));
    let (done, _) = crate::audit::acting(
        ctx.acting(&session, "load_calendar_year", object),
        calendar::load_calendar_year(&ctx.state, &session.principal, notice),
    )
    .await;
    match done {
        Ok((_, moved)) => {
            render_calendar(&ctx, StatusCode::OK, &Fields::new(), &[], Some(moved)).await
        }
        Err(AppError::Invalid(invalid)) => {
            let shown = crate::console::shown(ctx.lang, invalid);
            render_calendar(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &form, &shown, None).await
        }
        Err(e) => errors::for_error(&ctx, &e),
    }
}
