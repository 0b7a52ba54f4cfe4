//! Administration: the organisations and accounts of this instance, and the forms that create
//! them (administrators only; the policy answers for everyone else, as in the API).
use std::collections::HashMap;

use maud::html;
use poem::http::StatusCode;
use poem::web::Form;
use poem::{Request, Response, handler};

use super::errors;
use crate::console::layout::{error_summary, field, kept, page};
use crate::console::{Ctx, form_of, see_other, signed_in};
use crate::service::accounts::{self, AccountFilter};
use crate::service::error::{AppError, Conflict};
use crate::service::organizations::{self, OrganizationFilter, PageRequest};
use ipdr_domain::OrganizationId;
use ipdr_domain::account::{NewAccount, Role};
use ipdr_domain::case::IpType;
use ipdr_domain::organization::Jurisdiction;
use ipdr_domain::organization::{NewOrganization, Organization, OrganizationKind};

type Fields = HashMap<String, String>;

/// How a kind is chosen in the form: its name, with the level for a court (`court-basic`).
pub fn kind_value(kind: OrganizationKind) -> String {
    match kind.court_level() {
        Some(level) => format!("court-{}", level.as_str()),
        None => kind.name().to_owned(),
    }
}

async fn render(
    ctx: &Ctx,
    status: StatusCode,
    fields: &Fields,
    errors_shown: &[(String, String)],
) -> Response {
    let Some(session) = &ctx.session else {
        return see_other("/login");
    };
    let lang = ctx.lang;
    let first = PageRequest {
        after: None,
        limit: 100,
    };
    let filter = OrganizationFilter {
        kind: None,
        city: None,
        status: None,
    };
    let found: Result<_, AppError> =
        organizations::list_organizations(&ctx.state, &session.principal, &filter, Ok(first)).await;
    let orgs: Vec<Organization> = match found {
        Ok(page) => page.items,
        Err(AppError::Forbidden) => return errors::not_found(ctx),
        Err(e) => return errors::for_error(ctx, &e),
    };
    let filter = AccountFilter {
        role: None,
        organization_id: None,
        status: None,
    };
    let people = match accounts::list(&ctx.state, &session.principal, &filter, first).await {
        Ok(page) => page.items,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let org_name = |id: OrganizationId| {
        orgs.iter()
            .find(|o| o.id == id)
            .map_or("", |o| o.name.as_str())
    };
    let csrf = session.csrf_token();
    let body = html! {
        (error_summary(ctx, errors_shown))
        h2 { (lang.t("admin.organizations")) }
        table {
            thead { tr {
                th scope="col" { (lang.t("admin.code")) } th scope="col" { (lang.t("admin.name")) }
                th scope="col" { (lang.t("admin.kind")) } th scope="col" { (lang.t("admin.city")) }
            } }
            tbody { @for o in &orgs { tr {
                td { (o.code.as_str()) } td { (o.name.as_str()) }
                td { (lang.name("kind", &kind_value(o.kind))) } td { (o.city.as_str()) }
            } } }
        }
        @let courts: Vec<&Organization> = orgs.iter().filter(|o| o.kind.court_level().is_some()).collect();
        @if !courts.is_empty() {
            h2 { (lang.t("admin.jurisdiction")) }
            p { (lang.t("admin.jurisdiction.explain")) }
            @for court in courts {
                details.jurisdiction {
                    summary {
                        (court.name.as_str()) " — "
                        @match &court.jurisdiction {
                            Some(j) => { (j.areas.join("、")) " · " @for t in &j.ip_types { (lang.name("ip_type", t.as_str())) " " } },
                            None => (lang.t("admin.jurisdiction.none")),
                        }
                    }
                    form method="post" action={ "/admin/organizations/" (court.id) "/jurisdiction" } {
                        input type="hidden" name="csrf" value=(csrf);
                        label for={ "areas-" (court.id) } { (lang.t("admin.jurisdiction.areas")) }
                        input id={ "areas-" (court.id) } type="text" name="areas"
                            value=(court.jurisdiction.as_ref().map(|j| j.areas.join(" ")).unwrap_or_default());
                        fieldset {
                            legend { (lang.t("admin.jurisdiction.ip_types")) }
                            @for t in IpType::ALL {
                                label.choice {
                                    input type="checkbox" name={ "ip_" (t.as_str()) } value="on"
                                        checked[court.jurisdiction.as_ref().is_some_and(|j| j.ip_types.contains(t))];
                                    " " (lang.name("ip_type", t.as_str()))
                                }
                            }
                        }
                        div { button type="submit" { (lang.t("admin.jurisdiction.set")) } }
                    }
                }
            }
        }
        details open[fields.contains_key("code")] {
            summary { (lang.t("admin.new_organization")) }
            form method="post" action="/admin/organizations" {
                input type="hidden" name="csrf" value=(csrf);
                (field(lang, fields, errors_shown, "code", "admin.code", "text"))
                (field(lang, fields, errors_shown, "name", "admin.name", "text"))
                label for="kind" { (lang.t("admin.kind")) }
                select #kind name="kind" {
                    @for kind in OrganizationKind::ALL {
                        @let v = kind_value(kind);
                        option value=(v) selected[kept(fields, "kind") == v] { (lang.name("kind", &v)) }
                    }
                }
                (field(lang, fields, errors_shown, "city", "admin.city", "text"))
                div { button type="submit" { (lang.t("admin.create")) } }
            }
        }
        h2 { (lang.t("admin.accounts")) }
        table {
            thead { tr {
                th scope="col" { (lang.t("admin.username")) } th scope="col" { (lang.t("admin.display_name")) }
                th scope="col" { (lang.t("admin.role")) } th scope="col" { (lang.t("admin.organization")) }
                th scope="col" { (lang.t("admin.status")) }
            } }
            tbody { @for a in &people { tr {
                td { (a.username.as_str()) } td { (a.display_name.as_str()) }
                td { (lang.name("role", a.role.as_str())) } td { (org_name(a.organization_id)) }
                td { (a.status.as_str()) }
            } } }
        }
        details open[fields.contains_key("username")] {
            summary { (lang.t("admin.new_account")) }
            form method="post" action="/admin/accounts" {
                input type="hidden" name="csrf" value=(csrf);
                (field(lang, fields, errors_shown, "username", "admin.username", "text"))
                (field(lang, fields, errors_shown, "display_name", "admin.display_name", "text"))
                label for="role" { (lang.t("admin.role")) }
                select #role name="role" {
                    @for role in Role::ALL {
                        option value=(role.as_str()) selected[kept(fields, "role") == role.as_str()] { (lang.name("role", role.as_str())) }
                    }
                }
                label for="organization_id" { (lang.t("admin.organization")) }
                @if let Some((_, e)) = errors_shown.iter().find(|(f, _)| f == "organization_id") { p.error #organization_id-error { (e) } }
                select #organization_id name="organization_id" {
                    @for o in &orgs {
                        option value=(o.id) selected[kept(fields, "organization_id") == o.id.to_string()] { (o.name.as_str()) }
                    }
                }
                (field(lang, fields, errors_shown, "password", "admin.password", "password"))
                div { button type="submit" { (lang.t("admin.create")) } }
            }
        }
    };
    page(ctx, status, lang.t("admin.title"), body)
}

#[handler]
pub async fn show(req: &Request) -> Response {
    let (ctx, _) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    render(&ctx, StatusCode::OK, &Fields::new(), &[]).await
}

/// A failed create, shown on the page with the input kept.
async fn failed(ctx: &Ctx, fields: &Fields, error: AppError) -> Response {
    let taken = |field: &str| {
        vec![(
            field.to_owned(),
            format!("{} {}", kept(fields, field), ctx.lang.t("admin.taken")),
        )]
    };
    let (status, shown) = match error {
        AppError::Invalid(invalid) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            crate::console::shown(ctx.lang, invalid),
        ),
        AppError::Conflict(Conflict::OrganizationCode) => (StatusCode::CONFLICT, taken("code")),
        AppError::Conflict(Conflict::OrganizationName) => (StatusCode::CONFLICT, taken("name")),
        AppError::Conflict(Conflict::Username) => (StatusCode::CONFLICT, taken("username")),
        AppError::Forbidden => return errors::not_found(ctx),
        other => return errors::for_error(ctx, &other),
    };
    render(ctx, status, fields, &shown).await
}

#[handler]
pub async fn create_organization(req: &Request, Form(fields): Form<Fields>) -> Response {
    let (ctx, session) = match form_of(req, kept(&fields, "csrf")).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let kind = kept(&fields, "kind");
    let (kind, level) = match kind.split_once('-') {
        Some(("court", level)) => ("court", Some(level)),
        _ => (kind, None),
    };
    let new = NewOrganization::parse(
        kept(&fields, "code"),
        kept(&fields, "name"),
        kind,
        level,
        kept(&fields, "city"),
        None,
    );
    let (created, _) = crate::audit::acting(
        ctx.acting(
            &session,
            "create_organization",
            "/api/v1/organizations".to_owned(),
        ),
        organizations::create_organization(&ctx.state, &session.principal, new),
    )
    .await;
    match created {
        Ok(_) => see_other("/admin"),
        Err(e) => failed(&ctx, &fields, e).await,
    }
}

#[handler]
pub async fn create_account(req: &Request, Form(fields): Form<Fields>) -> Response {
    let (ctx, session) = match form_of(req, kept(&fields, "csrf")).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let organization = uuid::Uuid::parse_str(kept(&fields, "organization_id"))
        .map(OrganizationId::from)
        .unwrap_or_else(|_| OrganizationId::from(uuid::Uuid::nil()));
    let role = Role::parse(kept(&fields, "role")).unwrap_or(Role::Auditor);
    let password = fields.get("password").map_or("", String::as_str);
    let new = NewAccount::parse(
        kept(&fields, "username"),
        kept(&fields, "display_name"),
        role,
        organization,
        password,
    );
    let (created, _) = crate::audit::acting(
        ctx.acting(&session, "create_account", "/api/v1/accounts".to_owned()),
        accounts::create(&ctx.state, &session.principal, new),
    )
    .await;
    match created {
        Ok(_) => see_other("/admin"),
        Err(e) => failed(&ctx, &fields, e).await,
    }
}

/// Sets a court's jurisdiction: the places (names, separated by spaces, commas or 、) and the
/// IP matters it decides (R9, R14).
#[handler]
pub async fn set_jurisdiction(
    req: &Request,
    poem::web::Path(id): poem::web::Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let (ctx, session) = match form_of(req, kept(&fields, "csrf")).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let Some(id) = crate::console::id_of::<OrganizationId>(&id) else {
        return errors::not_found(&ctx);
    };
    let areas: Vec<String> = kept(&fields, "areas")
        .split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == '、')
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect();
    let ip_types: Vec<IpType> = IpType::ALL
        .iter()
        .copied()
        .filter(|t| fields.contains_key(&format!("ip_{}", t.as_str())))
        .collect();
    let jurisdiction = Jurisdiction::parse(&areas, &[], &ip_types);
    let object = format!("/api/v1/organizations/{id}/jurisdiction");
    let (done, _) = crate::audit::acting(
        ctx.acting(&session, "set_court_jurisdiction", object),
        organizations::set_court_jurisdiction(&ctx.state, &session.principal, id, jurisdiction),
    )
    .await;
    match done {
        Ok(_) => see_other("/admin"),
        Err(AppError::Refused { refusal, .. }) => {
            let shown = vec![(
                "areas".to_owned(),
                crate::console::refused(ctx.lang, &refusal),
            )];
            render(&ctx, StatusCode::CONFLICT, &Fields::new(), &shown).await
        }
        Err(e) => failed(&ctx, &Fields::new(), e).await,
    }
}
