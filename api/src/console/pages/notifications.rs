//! *Notifications*: the caller's notices, newest first, each linking to what it is about, with
//! forms to mark one or all read.
use std::collections::HashMap;

use maud::html;
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{Request, Response, handler};

use super::errors;
use crate::console::layout::{error_summary, field, page};
use crate::console::{Ctx, posted, posted_on, see_other, shown, signed_in};
use crate::service::error::AppError;
use crate::service::notice_channels::{self, AccountNoticeSettings, LANGUAGES, Preference};
use crate::service::notifications;
use crate::service::paging::PageRequest;
use ipdr_domain::notification::{Channel, NoticeKind};

/// How many notices the page shows.
const SHOWN: u64 = 50;

/// The settings form: the address notices are e-mailed to, their language, and which kinds
/// come by e-mail; `fields` holds what was posted (or the stored settings), `errors` what is
/// wrong with it.
fn settings_form(
    ctx: &Ctx,
    csrf: &str,
    fields: &HashMap<String, String>,
    errors: &[(String, String)],
) -> maud::Markup {
    let lang = ctx.lang;
    let language = fields.get("language").map_or(LANGUAGES[0], String::as_str);
    html! {
        section #notice-settings aria-labelledby="notice-settings-title" {
            h2 #notice-settings-title { (lang.t("notices.settings")) }
            (error_summary(ctx, errors))
            form method="post" action="/notifications/settings" {
                input type="hidden" name="csrf" value=(csrf);
                (field(lang, fields, errors, "email", "notices.email", "email"))
                label for="language" { (lang.t("notices.language")) }
                select #language name="language" {
                    @for tag in LANGUAGES {
                        option value=(tag) selected[tag == language] { (lang.name("language", tag)) }
                    }
                }
                fieldset {
                    legend { (lang.t("notices.by_email")) }
                    @for kind in NoticeKind::ALL {
                        @let name = format!("email.{}", kind.as_str());
                        label.check {
                            input type="checkbox" name=(name) value="on" checked[fields.contains_key(&name)];
                            " " (lang.name("notice", kind.as_str()))
                        }
                    }
                }
                button type="submit" { (lang.t("notices.save")) }
            }
        }
    }
}

/// The form's fields for stored settings: every kind ticked that is wanted by e-mail.
fn fields_of(settings: &AccountNoticeSettings) -> HashMap<String, String> {
    let mut fields = HashMap::from([("language".to_owned(), settings.language.clone())]);
    if let Some(email) = &settings.email {
        fields.insert("email".to_owned(), email.clone());
    }
    for &kind in NoticeKind::ALL {
        let off = settings
            .preferences
            .iter()
            .any(|p| p.kind == kind && p.channel == Channel::Email && !p.enabled);
        if !off {
            fields.insert(format!("email.{}", kind.as_str()), "on".to_owned());
        }
    }
    fields
}

/// What the form asks for: unticked kinds are not wanted by e-mail; the in-app choices are
/// kept as they were.
fn asked(
    fields: &HashMap<String, String>,
    before: &AccountNoticeSettings,
) -> AccountNoticeSettings {
    let mut preferences: Vec<Preference> = before
        .preferences
        .iter()
        .filter(|p| p.channel != Channel::Email)
        .copied()
        .collect();
    preferences.extend(
        NoticeKind::ALL
            .iter()
            .copied()
            .filter(|kind| !fields.contains_key(&format!("email.{}", kind.as_str())))
            .map(|kind| Preference {
                kind,
                channel: Channel::Email,
                enabled: false,
            }),
    );
    AccountNoticeSettings {
        email: fields.get("email").cloned(),
        language: fields
            .get("language")
            .cloned()
            .unwrap_or_else(|| LANGUAGES[0].to_owned()),
        preferences,
    }
}

#[handler]
pub async fn list(req: &Request) -> Response {
    let (ctx, session) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let settings = match notice_channels::settings(&ctx.state, &session.principal).await {
        Ok(settings) => settings,
        Err(e) => return errors::for_error(&ctx, &e),
    };
    let saved = req.uri().query().is_some_and(|q| q.contains("saved=1"));
    render(&ctx, &session, &fields_of(&settings), &[], saved).await
}

/// The page with the settings form holding `fields` and `errors`.
async fn render(
    ctx: &Ctx,
    session: &crate::service::sessions::Session,
    fields: &HashMap<String, String>,
    errors: &[(String, String)],
    saved: bool,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let form = settings_form(ctx, session.csrf_token(), fields, errors);
    let saved = saved.then(|| ctx.lang.t("notices.saved"));
    notices_page(ctx, session, status, form, saved).await
}

/// Saves the caller's notice settings; a fault is shown beside its field, the input kept.
#[handler]
pub async fn save_settings(req: &Request, Form(form): Form<HashMap<String, String>>) -> Response {
    let (ctx, session) = match posted(req, &form).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let before = match notice_channels::settings(&ctx.state, &session.principal).await {
        Ok(settings) => settings,
        Err(e) => return errors::for_error(&ctx, &e),
    };
    match notice_channels::set_settings(&ctx.state, &session.principal, asked(&form, &before)).await
    {
        Ok(_) => see_other("/notifications?saved=1"),
        Err(AppError::Invalid(invalid)) => {
            let errors = shown(ctx.lang, invalid);
            render(&ctx, &session, &form, &errors, false).await
        }
        Err(e) => errors::for_error(&ctx, &e),
    }
}

async fn notices_page(
    ctx: &Ctx,
    session: &crate::service::sessions::Session,
    status: StatusCode,
    settings: maud::Markup,
    saved: Option<&'static str>,
) -> Response {
    let lang = ctx.lang;
    let first = PageRequest {
        after: None,
        limit: SHOWN,
    };
    let (found, unread) =
        match notifications::list(&ctx.state, &session.principal, false, first).await {
            Ok(found) => found,
            Err(e) => return errors::for_error(ctx, &e),
        };
    let csrf = session.csrf_token();
    let body = html! {
        @if let Some(saved) = saved { p.notice role="status" { (saved) } }
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
        (settings)
    };
    page(ctx, status, lang.t("notices.title"), body)
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
