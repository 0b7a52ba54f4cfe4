//! The shell every page shares: the header with navigation and the language switch, the main
//! landmark, the stylesheet. Text is escaped by maud; nothing here runs script.
use maud::{DOCTYPE, Markup, html};
use poem::http::StatusCode;
use poem::web::Html;
use poem::{IntoResponse, Response};

use std::collections::HashMap;

use super::assets::STYLESHEET_PATH;
use super::{Ctx, Lang};
use ipdr_domain::account::Role;

/// The sections of the console a role works in, as the header links them.
fn sections(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Admin => &[
            ("/admin", "nav.admin"),
            ("/admin/partners", "nav.partners"),
            ("/admin/calendar", "nav.calendar"),
        ],
        Role::Mediator | Role::Court => &[
            ("/cases", "nav.cases"),
            ("/applications", "nav.applications"),
        ],
        Role::Investigator => &[("/cases", "nav.cases"), ("/conflicts", "nav.conflicts")],
        Role::Liaison => &[("/referrals", "nav.referrals")],
        Role::Auditor => &[("/cases", "nav.cases"), ("/audit", "nav.audit")],
    }
}

/// A whole page with `status`.
pub fn page(ctx: &Ctx, status: StatusCode, title: &str, body: Markup) -> Response {
    let lang = ctx.lang;
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — " (lang.t("app.short")) }
                link rel="stylesheet" href=(STYLESHEET_PATH.as_str());
            }
            body {
                a.skip href="#main" { (lang.t("nav.skip")) }
                header.top {
                    a.brand href="/" { (lang.t("app.name")) }
                    nav aria-label=(lang.t("app.short")) {
                        ul {
                            @if let Some(session) = &ctx.session {
                                li { a href="/" { (lang.t("nav.home")) } }
                                li { a href="/notifications" { (lang.t("nav.notifications")) } }
                                @for (href, key) in sections(session.principal.role) {
                                    li { a href=(href) { (lang.t(key)) } }
                                }
                                li {
                                    form.inline method="post" action="/language" {
                                        input type="hidden" name="csrf" value=(session.csrf_token());
                                        input type="hidden" name="lang" value=(lang.other().tag());
                                        input type="hidden" name="back" value=(ctx.path);
                                        button.link type="submit" lang=(lang.other().tag()) { (lang.t("nav.language")) }
                                    }
                                }
                                li {
                                    form.inline method="post" action="/logout" {
                                        input type="hidden" name="csrf" value=(session.csrf_token());
                                        button.link type="submit" { (lang.t("nav.sign_out")) }
                                    }
                                }
                            } @else {
                                li {
                                    a href={ "/login?lang=" (lang.other().tag()) } lang=(lang.other().tag()) {
                                        (lang.t("nav.language"))
                                    }
                                }
                            }
                        }
                    }
                }
                main #main tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
                footer { (lang.t("app.short")) }
            }
        }
    };
    (status, Html(markup.into_string())).into_response()
}

/// The error summary at the top of a form: each message links to its field.
pub fn error_summary(ctx: &Ctx, errors: &[(String, String)]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                h2 #error-summary-title { (ctx.lang.t("errors.summary")) }
                ul {
                    @for (field, message) in errors {
                        li { a href={ "#" (field) } { (message) } }
                    }
                }
            }
        }
    }
}

/// The value a kept form holds for `name`, trimmed ("" when absent).
pub fn kept<'a>(fields: &'a HashMap<String, String>, name: &str) -> &'a str {
    fields.get(name).map_or("", |v| v.trim())
}

/// A labelled input `name` of type `kind`, with the value kept from the form (never for a
/// password) and its error, if any, above it and named by `aria-describedby`.
pub fn field(
    lang: Lang,
    fields: &HashMap<String, String>,
    errors: &[(String, String)],
    name: &str,
    label: &'static str,
    kind: &str,
) -> Markup {
    let error = errors.iter().find(|(f, _)| f == name).map(|(_, m)| m);
    html! {
        label for=(name) { (lang.t(label)) }
        @if let Some(error) = error { p.error id={ (name) "-error" } { (error) } }
        input id=(name) type=(kind) name=(name) value=[(kind != "password").then(|| kept(fields, name))]
            aria-describedby=[error.map(|_| format!("{name}-error"))];
    }
}
