//! Judicial confirmation (司法确认) in the console: the mediator sends the parties' joint
//! application from a settled case (R8, to an eligible court, R9/R14); the court's inbox with
//! the R10 clocks; one application with the agreement under review and only the decisions the
//! review allows now (R10, R13).
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;
use std::collections::HashMap;

use super::case::{Attempt, again};
use super::errors;
use crate::console::layout::{error_summary, page};
use crate::console::{Ctx, Lang, form_of, see_other, signed_in};
use crate::service::application_views::{self, ApplicationEntry};
use crate::service::case_views::CaseDetail;
use crate::service::confirmations::{ApplicationRequest, Eligible};
use crate::service::error::AppError;
use crate::service::paging::PageRequest;
use ipdr_domain::case::confirmation::{
    ApplicationAction, ApplicationActionKind, ApplicationStatus, Approver, RefusalGround,
    RulingNumber,
};
use ipdr_domain::case::lifecycle::Reason;
use ipdr_domain::{ApplicationId, CaseId, OrganizationId, ValidationErrors};

/// The form that sends the joint application, on a settled case's page.
pub fn apply_section(ctx: &Ctx, csrf: &str, detail: &CaseDetail, courts: &[Eligible]) -> Markup {
    let lang = ctx.lang;
    html! {
        h2 { (lang.t("confirmation.apply")) }
        form method="post" action={ "/cases/" (detail.case.id) "/confirmation" } {
            input type="hidden" name="csrf" value=(csrf);
            label for="court" { (lang.t("confirmation.court")) }
            select #court name="court" {
                @for eligible in courts {
                    option value=(eligible.court.id) { (eligible.court.name.as_str()) }
                }
            }
            fieldset {
                legend { (lang.t("confirmation.consents")) }
                @for party in &detail.case.parties {
                    label.choice {
                        input type="checkbox" name={ "consent_" (party.number) } value="on";
                        " " (party.number) " " (party.name)
                    }
                }
            }
            label for="note" { (lang.t("confirmation.note")) }
            textarea #note name="note" {}
            div { button type="submit" { (lang.t("confirmation.submit")) } }
        }
    }
}

/// Sends the joint application.
#[handler]
pub async fn apply(
    req: &Request,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (ctx, session) = match form_of(req, form.get("csrf").map_or("", String::as_str)).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let Ok(uuid) = uuid::Uuid::parse_str(&id) else {
        return errors::not_found(&ctx);
    };
    let id = CaseId::from(uuid);
    let court = form
        .get("court")
        .and_then(|c| uuid::Uuid::parse_str(c).ok())
        .map(OrganizationId::from);
    let Some(court_id) = court else {
        let invalid = ValidationErrors::one(
            "court",
            ipdr_domain::Invalid::new("required", "choose a court"),
        );
        return again(
            &ctx,
            id,
            invalid.into(),
            "court".to_owned(),
            Attempt::default(),
        )
        .await;
    };
    let mut consents: Vec<u32> = form
        .keys()
        .filter_map(|k| k.strip_prefix("consent_")?.parse().ok())
        .collect();
    consents.sort_unstable();
    let note = form
        .get("note")
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    let request = ApplicationRequest {
        court_id,
        consents,
        note,
    };
    let object = format!("/api/v1/cases/{id}/confirmation-applications");
    let (sent, _) = crate::audit::acting(
        ctx.acting(&session, "apply_for_confirmation", object),
        application_views::apply(&ctx.state, &session.principal, id, request),
    )
    .await;
    match sent {
        Ok(entry) => see_other(&format!("/applications/{}", entry.application.id)),
        Err(e) => again(&ctx, id, e, "court".to_owned(), Attempt::default()).await,
    }
}

fn deadlines(lang: Lang, entry: &ApplicationEntry) -> Markup {
    html! {
        @for deadline in &entry.deadlines {
            @if deadline.status == ipdr_domain::case::stored::DeadlineStatus::Open {
                (deadline.rule.as_str()) " " (lang.date(deadline.due_on))
                @if deadline.overdue(entry.today) { " " span.tag.overdue { (lang.t("deadline.overdue")) } }
                br;
            }
        }
    }
}

/// Applications with their submission time, status and open R10 deadlines, each a link.
pub fn table(lang: Lang, entries: &[ApplicationEntry]) -> Markup {
    html! {
        table {
            thead { tr {
                th scope="col" { (lang.t("confirmation.submitted_at")) }
                th scope="col" { (lang.t("confirmation.status")) }
                th scope="col" { (lang.t("case.deadlines")) }
            } }
            tbody {
                @for entry in entries {
                    tr {
                        td { a href={ "/applications/" (entry.application.id) } { (lang.time(entry.application.submitted_at)) } }
                        td { (lang.name("appstatus", entry.application.status.as_str())) }
                        td { (deadlines(lang, entry)) }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    #[serde(default)]
    status: String,
}

/// The applications the caller may see: a court's inbox, a mediation body's sent ones.
#[handler]
pub async fn inbox(req: &Request, Query(query): Query<InboxQuery>) -> Response {
    let (ctx, session) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let lang = ctx.lang;
    let status = ApplicationStatus::parse(&query.status);
    let page_request = PageRequest {
        after: None,
        limit: 50,
    };
    let found =
        match application_views::list(&ctx.state, &session.principal, status, page_request).await {
            Ok(found) => found,
            Err(AppError::Forbidden) => return errors::not_found(&ctx),
            Err(e) => return errors::for_error(&ctx, &e),
        };
    let body = html! {
        @if found.items.is_empty() {
            p { (lang.t("confirmation.none")) }
        } @else {
            (table(lang, &found.items))
        }
    };
    page(&ctx, StatusCode::OK, lang.t("confirmation.inbox"), body)
}

fn decision_form(
    lang: Lang,
    csrf: &str,
    id: ApplicationId,
    version: i64,
    kind: ApplicationActionKind,
) -> Markup {
    html! {
        details {
            summary { (lang.name("decision", kind.as_str())) }
            form method="post" action={ "/applications/" (id) "/decide" } {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="version" value=(version);
                input type="hidden" name="decision" value=(kind.as_str());
                @match kind {
                    ApplicationActionKind::Confirm => {
                        label for="ruling_number" { (lang.t("confirmation.ruling_number")) }
                        input #ruling_number type="text" name="ruling_number" required;
                        label for="ruling_date" { (lang.t("confirmation.ruling_date")) }
                        input #ruling_date type="text" name="ruling_date" required;
                    }
                    ApplicationActionKind::Extend => {
                        label for="approved_by" { (lang.t("confirmation.approved_by")) }
                        input #approved_by type="text" name="approved_by" required;
                        label for={ "reason-" (kind) } { (lang.t("action.reason")) }
                        textarea id={ "reason-" (kind) } name="reason" required {}
                    }
                    ApplicationActionKind::RefuseAcceptance => {
                        label for={ "reason-" (kind) } { (lang.t("action.reason")) }
                        textarea id={ "reason-" (kind) } name="reason" required {}
                    }
                    ApplicationActionKind::Refuse => {
                        label for="ground" { (lang.t("confirmation.ground")) }
                        select #ground name="ground" {
                            @for g in RefusalGround::ALL { option value=(g.as_str()) { (lang.name("ground", g.as_str())) } }
                        }
                        label for={ "reason-" (kind) } { (lang.t("action.reason")) }
                        textarea id={ "reason-" (kind) } name="reason" {}
                    }
                    _ => {}
                }
                div { button type="submit" { (lang.name("decision", kind.as_str())) } }
            }
        }
    }
}

async fn show_application(
    ctx: &Ctx,
    id: ApplicationId,
    status: StatusCode,
    errors_shown: &[(String, String)],
) -> Response {
    let Some(session) = &ctx.session else {
        return see_other("/login");
    };
    let lang = ctx.lang;
    let detail = match application_views::get(&ctx.state, &session.principal, id).await {
        Ok(detail) => detail,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let application = &detail.entry.application;
    let body = html! {
        (error_summary(ctx, errors_shown))
        dl.summary {
            dt { (lang.t("confirmation.status")) } dd #application-status { (lang.name("appstatus", application.status.as_str())) }
            dt { (lang.t("confirmation.case")) } dd { a href={ "/cases/" (application.case_id) } { (application.case_id) } }
            dt { (lang.t("confirmation.submitted_at")) } dd { (lang.time(application.submitted_at)) }
            dt { (lang.t("case.deadlines")) } dd { (deadlines(lang, &detail.entry)) }
            @if let Some(number) = &application.ruling_number {
                dt { (lang.t("confirmation.ruling")) } dd { (number) }
            }
            dt { (lang.t("agreement.digest")) } dd { code { (application.agreement_digest) } }
        }
        @if let Some(agreement) = &detail.agreement {
            h2 { (lang.t("confirmation.agreement")) }
            div.agreement-text { @for line in agreement.content.text.lines() { p { (line) } } }
        }
        @if !detail.decisions.is_empty() {
            h2 { (lang.t("confirmation.decisions")) }
            div.actions {
                @for kind in &detail.decisions {
                    (decision_form(lang, session.csrf_token(), application.id, application.version, *kind))
                }
            }
        }
    };
    page(ctx, status, lang.t("confirmation.title"), body)
}

/// One application.
#[handler]
pub async fn show(req: &Request, Path(id): Path<String>) -> Response {
    let (ctx, _) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let Ok(uuid) = uuid::Uuid::parse_str(&id) else {
        return errors::not_found(&ctx);
    };
    show_application(&ctx, ApplicationId::from(uuid), StatusCode::OK, &[]).await
}

/// The decision form as the domain's action.
fn decision(
    form: &HashMap<String, String>,
    kind: ApplicationActionKind,
) -> Result<ApplicationAction, ValidationErrors> {
    let get = |name: &str| form.get(name).map_or("", |v| v.trim());
    let field = format!("reason-{kind}");
    let reason = || Reason::parse(get("reason")).map_err(|e| ValidationErrors::one(&field, e));
    Ok(match kind {
        ApplicationActionKind::Accept => ApplicationAction::Accept,
        ApplicationActionKind::RefuseAcceptance => {
            ApplicationAction::RefuseAcceptance { reason: reason()? }
        }
        ApplicationActionKind::Extend => ApplicationAction::Extend {
            approved_by: Approver::parse(get("approved_by"))
                .map_err(|e| ValidationErrors::one("approved_by", e))?,
            reason: reason()?,
        },
        ApplicationActionKind::Confirm => {
            let mut errors = ValidationErrors::default();
            let number = errors.check("ruling_number", RulingNumber::parse(get("ruling_number")));
            let date = chrono::NaiveDate::parse_from_str(get("ruling_date"), "%Y-%m-%d").ok();
            if date.is_none() {
                errors.push(
                    "ruling_date",
                    ipdr_domain::Invalid::new("invalid_date", "a date such as 2026-12-01"),
                );
            }
            match (number, date) {
                (Some(ruling_number), Some(ruling_date)) if errors.is_empty() => {
                    ApplicationAction::Confirm {
                        ruling_number,
                        ruling_date,
                    }
                }
                _ => return Err(errors),
            }
        }
        ApplicationActionKind::Refuse => ApplicationAction::Refuse {
            ground: RefusalGround::required(RefusalGround::parse(get("ground")))
                .map_err(|e| ValidationErrors::one("ground", e))?,
            reason: Reason::parse(get("reason")).ok(),
        },
        // Not the court's: the applicants withdraw, the platform voids.
        ApplicationActionKind::Submit
        | ApplicationActionKind::Withdraw
        | ApplicationActionKind::Void => {
            return Err(ValidationErrors::one(
                "decision",
                ipdr_domain::Invalid::new("not_offered", "not a decision of the court"),
            ));
        }
    })
}

/// The API's path for each decision, as its audit records name it.
fn operation_path(id: ApplicationId, kind: ApplicationActionKind) -> String {
    let tail = match kind {
        ApplicationActionKind::Accept => "accept",
        ApplicationActionKind::RefuseAcceptance => "refuse-acceptance",
        ApplicationActionKind::Extend => "extend",
        ApplicationActionKind::Confirm => "confirm",
        _ => "refuse",
    };
    format!("/api/v1/confirmation-applications/{id}/{tail}")
}

/// Takes a court's decision.
#[handler]
pub async fn decide(
    req: &Request,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (ctx, session) = match form_of(req, form.get("csrf").map_or("", String::as_str)).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let kind = form
        .get("decision")
        .and_then(|d| ApplicationActionKind::parse(d));
    let (Ok(uuid), Some(kind)) = (uuid::Uuid::parse_str(&id), kind) else {
        return errors::not_found(&ctx);
    };
    let id = ApplicationId::from(uuid);
    let version = form.get("version").and_then(|v| v.parse::<i64>().ok());
    let action = decision(&form, kind);
    let (decided, _) = crate::audit::acting(
        ctx.acting(&session, kind.as_str(), operation_path(id, kind)),
        application_views::decide(&ctx.state, &session.principal, false, id, version, action),
    )
    .await;
    match decided {
        Ok(_) => see_other(&format!("/applications/{id}")),
        Err(e) => match Attempt::default().after(ctx.lang, e, "decision".to_owned()) {
            Ok((status, attempt)) => {
                let mut shown = attempt.errors;
                shown.extend(attempt.notice.map(|n| ("decision".to_owned(), n)));
                show_application(&ctx, id, status, &shown).await
            }
            Err(e) => errors::for_error(&ctx, &e),
        },
    }
}
