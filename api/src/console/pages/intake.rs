//! Taking in a dispute: one form, every field validated by the domain (the same parse as the
//! API's), errors next to each field and in a summary at the top, the input kept.
use std::collections::HashMap;

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Form;
use poem::{Request, Response, handler};

use super::errors;
use crate::console::layout::{error_summary, page};
use crate::console::{Ctx, Lang, form_of, see_other, signed_in};
use crate::service::case_views;
use crate::service::error::AppError;
use ipdr_domain::case::identifiers::IdDocumentKind;
use ipdr_domain::case::intake::{CaseDraft, PartyDraft};
use ipdr_domain::case::{CourtProcedure, IpType, PartyKind, Side, Track};
use ipdr_domain::organization::Organization;

/// The form as posted: field name → value. Parties are `p0_name`, `p1_name` …
type Fields = HashMap<String, String>;

/// The id an API field path gets on the page (`parties[1].name` → `parties-1-name`).
pub fn field_id(path: &str) -> String {
    path.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn value<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map_or("", |v| v.trim())
}

fn optional(fields: &Fields, name: &str) -> Option<String> {
    Some(value(fields, name).to_owned()).filter(|v| !v.is_empty())
}

/// The draft the form describes; a malformed amount is reported on its field.
fn draft(fields: &Fields) -> Result<CaseDraft, (String, String)> {
    let party = |i: usize, side: Side| {
        let key = |f: &str| format!("p{i}_{f}");
        PartyDraft {
            side: Some(side),
            kind: PartyKind::parse(value(fields, &key("kind"))),
            name: value(fields, &key("name")).to_owned(),
            id_type: IdDocumentKind::parse(value(fields, &key("id_type"))),
            id_number: optional(fields, &key("id_number")),
            credit_code: optional(fields, &key("credit_code")),
            phone: optional(fields, &key("phone")),
            address: optional(fields, &key("address")),
            agents: Vec::new(),
        }
    };
    let amount_fen = match optional(fields, "amount") {
        None => None,
        Some(yuan) => Some(
            yuan.parse::<f64>()
                .ok()
                .filter(|y| y.is_finite() && *y >= 0.0 && *y < 1e13)
                .map(|y| (y * 100.0).round() as i64)
                .ok_or_else(|| {
                    (
                        "amount".to_owned(),
                        "a sum in yuan, such as 100000.00".to_owned(),
                    )
                })?,
        ),
    };
    Ok(CaseDraft {
        track: Track::parse(value(fields, "track")).unwrap_or(Track::People),
        ip_type: IpType::parse(value(fields, "ip_type")).unwrap_or(IpType::Other),
        right: value(fields, "right").to_owned(),
        right_title: optional(fields, "right_title"),
        parties: vec![party(0, Side::Applicant), party(1, Side::Respondent)],
        claims: value(fields, "claims")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        amount_fen,
        city: value(fields, "city").to_owned(),
        court_procedure: CourtProcedure::parse(value(fields, "court_procedure")),
    })
}

fn text_field(
    lang: Lang,
    fields: &Fields,
    errors: &[(String, String)],
    name: &str,
    path: &str,
    label: &'static str,
) -> Markup {
    let id = field_id(path);
    let error = errors.iter().find(|(f, _)| *f == id).map(|(_, m)| m);
    html! {
        label for=(id) { (lang.t(label)) }
        @if let Some(error) = error { p.error id={ (id) "-error" } { (error) } }
        input id=(id) type="text" name=(name) value=(value(fields, name))
            aria-describedby=[error.map(|_| format!("{id}-error"))]
            aria-invalid=[error.map(|_| "true")];
    }
}

fn select(
    lang: Lang,
    fields: &Fields,
    name: &str,
    label: &'static str,
    prefix: &str,
    options: &[&'static str],
) -> Markup {
    let chosen = value(fields, name);
    html! {
        label for=(name) { (lang.t(label)) }
        select id=(name) name=(name) {
            @for option in options {
                option value=(option) selected[chosen == *option] {
                    @if option.is_empty() { (lang.t("intake.none")) } @else { (lang.name(prefix, option)) }
                }
            }
        }
    }
}

/// What the form offers the caller: the tracks, and for a court the organisations it may refer
/// a dispute to.
type Choices = (Vec<Track>, Vec<Organization>);

fn form(
    ctx: &Ctx,
    csrf: &str,
    choices: &Choices,
    fields: &Fields,
    errors: &[(String, String)],
) -> Markup {
    let lang = ctx.lang;
    let (tracks, targets) = choices;
    let court = !targets.is_empty();
    let tracks: Vec<_> = tracks.iter().map(|t| t.as_str()).collect();
    let procedure_id = field_id("court_procedure");
    let procedure_error = errors
        .iter()
        .find(|(f, _)| *f == procedure_id)
        .map(|(_, m)| m);
    let organization_id = field_id("organization_id");
    let organization_error = errors
        .iter()
        .find(|(f, _)| *f == organization_id)
        .map(|(_, m)| m);
    let ip_types: Vec<_> = IpType::ALL.iter().map(|t| t.as_str()).collect();
    let kinds: Vec<_> = PartyKind::ALL.iter().map(|k| k.as_str()).collect();
    // An organisation names no identity document: the choice may be left empty.
    let id_types: Vec<_> = std::iter::once("")
        .chain(IdDocumentKind::ALL.iter().map(|k| k.as_str()))
        .collect();
    let claims_id = field_id("claims");
    let claims_error = errors.iter().find(|(f, _)| *f == claims_id).map(|(_, m)| m);
    html! {
        (error_summary(ctx, errors))
        form method="post" action="/cases/new" novalidate {
            input type="hidden" name="csrf" value=(csrf);
            fieldset {
                legend { (lang.t("intake.dispute")) }
                (select(lang, fields, "track", "intake.track", "track", &tracks))
                @if court {
                    label for=(organization_id) { (lang.t("intake.refer_to")) }
                    @if let Some(error) = organization_error { p.error id={ (organization_id) "-error" } { (error) } }
                    select id=(organization_id) name="organization_id" {
                        @for o in targets {
                            option value=(o.id) selected[value(fields, "organization_id") == o.id.to_string()] { (o.name.as_str()) }
                        }
                    }
                    label for=(procedure_id) { (lang.t("intake.court_procedure")) }
                    @if let Some(error) = procedure_error { p.error id={ (procedure_id) "-error" } { (error) } }
                    select id=(procedure_id) name="court_procedure" {
                        option value="" { (lang.t("intake.court_procedure.none")) }
                        @for p in CourtProcedure::ALL {
                            option value=(p.as_str()) selected[value(fields, "court_procedure") == p.as_str()] { (lang.name("court_procedure", p.as_str())) }
                        }
                    }
                    p.hint { (lang.t("intake.r15")) }
                }
                (select(lang, fields, "ip_type", "intake.ip_type", "ip_type", &ip_types))
                (text_field(lang, fields, errors, "right", "right", "intake.right"))
                (text_field(lang, fields, errors, "right_title", "right_title", "intake.right_title"))
                label for=(claims_id) { (lang.t("intake.claims")) }
                @if let Some(error) = claims_error { p.error id={ (claims_id) "-error" } { (error) } }
                textarea id=(claims_id) name="claims" { (value(fields, "claims")) }
                (text_field(lang, fields, errors, "amount", "amount_fen", "intake.amount"))
                (text_field(lang, fields, errors, "city", "city", "intake.city"))
            }
            @for (i, legend) in [(0, "intake.applicant"), (1, "intake.respondent")] {
                fieldset {
                    legend { (lang.t(legend)) }
                    (select(lang, fields, &format!("p{i}_kind"), "intake.kind", "party_kind", &kinds))
                    (text_field(lang, fields, errors, &format!("p{i}_name"), &format!("parties[{i}].name"), "intake.name"))
                    (select(lang, fields, &format!("p{i}_id_type"), "intake.id_type", "id_type", &id_types))
                    (text_field(lang, fields, errors, &format!("p{i}_id_number"), &format!("parties[{i}].id_number"), "intake.id_number"))
                    (text_field(lang, fields, errors, &format!("p{i}_credit_code"), &format!("parties[{i}].credit_code"), "intake.credit_code"))
                    (text_field(lang, fields, errors, &format!("p{i}_phone"), &format!("parties[{i}].phone"), "intake.phone"))
                    (text_field(lang, fields, errors, &format!("p{i}_address"), &format!("parties[{i}].address"), "intake.address"))
                }
            }
            div { button type="submit" { (lang.t("intake.submit")) } }
        }
    }
}

/// The empty form, for those who may open cases.
#[handler]
pub async fn show(req: &Request) -> Response {
    let (ctx, session) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let choices = match case_views::intake_choices(&ctx.state, &session.principal).await {
        Ok(choices) => choices,
        Err(AppError::Forbidden) => return errors::not_found(&ctx),
        Err(e) => return errors::for_error(&ctx, &e),
    };
    let body = form(&ctx, session.csrf_token(), &choices, &Fields::new(), &[]);
    page(&ctx, StatusCode::OK, ctx.lang.t("intake.title"), body)
}

/// Takes the dispute in; on a fault, the form again with every message and the input kept.
#[handler]
pub async fn submit(req: &Request, Form(fields): Form<Fields>) -> Response {
    let (ctx, session) = match form_of(req, value(&fields, "csrf")).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let choices = match case_views::intake_choices(&ctx.state, &session.principal).await {
        Ok(choices) => choices,
        Err(AppError::Forbidden) => return errors::not_found(&ctx),
        Err(e) => return errors::for_error(&ctx, &e),
    };
    let invalid = |errors: Vec<(String, String)>| {
        let body = form(&ctx, session.csrf_token(), &choices, &fields, &errors);
        page(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.lang.t("intake.title"),
            body,
        )
    };
    let draft = match draft(&fields) {
        Ok(draft) => draft,
        Err((field, message)) => return invalid(vec![(field, message)]),
    };
    let acting = ctx.acting(&session, "open_case", "/api/v1/cases".to_owned());
    let (opened, _) = crate::audit::acting(
        acting,
        case_views::open_new(
            &ctx.state,
            &session.principal,
            &draft,
            crate::console::id_of(value(&fields, "organization_id")),
        ),
    )
    .await;
    match opened {
        Ok(case) => see_other(&format!("/cases/{}", case.id)),
        Err(AppError::Invalid(errors)) => invalid(
            crate::console::shown(ctx.lang, errors)
                .into_iter()
                .map(|(field, message)| (field_id(&field), message))
                .collect(),
        ),
        Err(AppError::Forbidden) => errors::not_found(&ctx),
        Err(e) => errors::for_error(&ctx, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_field_paths_become_ids() {
        assert_eq!(field_id("parties[1].name"), "parties-1-name");
        assert_eq!(field_id("claims"), "claims");
        assert_eq!(
            field_id("parties[0].agents[2].phone"),
            "parties-0-agents-2-phone"
        );
    }
}
