//! The settlement agreement on the case page (R6): its text, digest and signatures; while the
//! case is in mediation, the forms to record it and to record each signature still missing.
//! Which forms appear is the domain's answer (`check_record`, `unsigned`), not the template's.
use maud::{Markup, html};
use poem::web::{Form, Path};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::case::{Attempt, again};
use super::errors;
use crate::console::{Ctx, Lang, form_of, see_other};
use crate::service::case_views::CaseDetail;
use crate::service::settlement_agreements;
use ipdr_domain::CaseId;
use ipdr_domain::case::agreement::{
    AgreementContent, SignatureMethod, Signer, check_record, unsigned,
};

fn signer_name(lang: Lang, detail: &CaseDetail, signer: Signer) -> String {
    match signer {
        Signer::Mediator => lang.t("agreement.mediator").to_owned(),
        Signer::Party(number) => {
            let name = detail
                .case
                .parties
                .iter()
                .find(|p| p.number == number)
                .map_or("", |p| p.name.as_str());
            format!("{} {number} {name}", lang.t("agreement.party"))
        }
    }
}

fn signer_value(signer: Signer) -> String {
    match signer {
        Signer::Mediator => "mediator".to_owned(),
        Signer::Party(n) => format!("party-{n}"),
    }
}

fn parse_signer(value: &str) -> Option<Signer> {
    match value {
        "mediator" => Some(Signer::Mediator),
        other => other
            .strip_prefix("party-")?
            .parse()
            .ok()
            .map(Signer::Party),
    }
}

/// The section of the case page; `may_change` when the policy lets the caller change the case.
pub fn section(
    ctx: &Ctx,
    csrf: &str,
    detail: &CaseDetail,
    may_change: bool,
    attempt: &Attempt,
) -> Markup {
    let lang = ctx.lang;
    let agreement = detail.agreement.as_ref();
    let signed: Vec<Signer> = agreement
        .map(|a| a.signatures.iter().map(|s| s.signer).collect())
        .unwrap_or_default();
    let may_record = may_change && check_record(detail.case.status, signed.len()).is_ok();
    let to_sign = if may_change
        && agreement.is_some()
        && detail.case.status == ipdr_domain::case::CaseStatus::InMediation
    {
        unsigned(&detail.case.parties, &signed)
    } else {
        Vec::new()
    };
    let action = format!("/cases/{}", detail.case.id);
    html! {
        h2 { (lang.t("agreement.title")) }
        @match agreement {
            None => p { (lang.t("agreement.none")) },
            Some(a) => {
                @if a.effective_at.is_some() { p.notice { (lang.t("agreement.effective")) } }
                div.agreement-text { @for line in a.content.text.lines() { p { (line) } } }
                @if !a.content.terms.is_empty() {
                    ol { @for term in &a.content.terms { li { (term) } } }
                }
                dl.summary {
                    dt { (lang.t("agreement.digest")) } dd { code { (a.digest) } }
                }
                @if !a.signatures.is_empty() {
                    h3 { (lang.t("agreement.signatures")) }
                    ul {
                        @for s in &a.signatures {
                            li { (signer_name(lang, detail, s.signer)) " · " (lang.name("method", s.method.as_str())) " · " (lang.time(s.recorded_at)) }
                        }
                    }
                }
            }
        }
        @if may_record {
            details open[attempt.action_name == Some("record_settlement_agreement")] {
                summary { (lang.t("agreement.record")) }
                form method="post" action={ (action) "/agreement" } {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="version" value=(detail.case.version);
                    label for="text" { (lang.t("agreement.text")) }
                    @if let Some((_, e)) = attempt.errors.iter().find(|(f, _)| f == "text") { p.error #text-error { (e) } }
                    textarea #text name="text" required { (attempt.text) }
                    label for="terms" { (lang.t("agreement.terms")) }
                    textarea #terms name="terms" { (attempt.terms) }
                    label.choice { input type="checkbox" name="decides_right" value="on"; " " (lang.t("agreement.decides_right")) }
                    div { button type="submit" { (lang.t("agreement.record")) } }
                }
            }
        }
        @if !to_sign.is_empty() {
            details open {
                summary { (lang.t("agreement.sign")) }
                form method="post" action={ (action) "/signatures" } {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="version" value=(detail.case.version);
                    label for="signer" { (lang.t("agreement.signer")) }
                    select #signer name="signer" {
                        @for signer in &to_sign { option value=(signer_value(*signer)) { (signer_name(lang, detail, *signer)) } }
                    }
                    label for="method" { (lang.t("agreement.method")) }
                    select #method name="method" {
                        @for m in SignatureMethod::ALL { option value=(m.as_str()) { (lang.name("method", m.as_str())) } }
                    }
                    div { button type="submit" { (lang.t("agreement.sign")) } }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct RecordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    terms: String,
    #[serde(default)]
    decides_right: Option<String>,
}

#[derive(Deserialize)]
pub struct SignForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    signer: String,
    #[serde(default)]
    method: String,
}

/// Records (or replaces, before anyone signed) the agreement.
#[handler]
pub async fn record(
    req: &Request,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Response {
    let (ctx, session) = match form_of(req, &form.csrf).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let Ok(uuid) = uuid::Uuid::parse_str(&id) else {
        return errors::not_found(&ctx);
    };
    let id = CaseId::from(uuid);
    let terms: Vec<String> = form
        .terms
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let attempt = Attempt {
        action_name: Some("record_settlement_agreement"),
        text: form.text.clone(),
        terms: form.terms.clone(),
        ..Attempt::default()
    };
    let content = match AgreementContent::parse(&form.text, &terms, form.decides_right.is_some()) {
        Ok(content) => content,
        Err(invalid) => return again(&ctx, id, invalid.into(), "text".to_owned(), attempt).await,
    };
    let version = form.version.parse::<i64>().ok();
    let object = format!("/api/v1/cases/{id}/agreement");
    let (done, _) = crate::audit::acting(
        ctx.acting(&session, "record_settlement_agreement", object),
        settlement_agreements::record_as(&ctx.state, &session.principal, id, version, &content),
    )
    .await;
    match done {
        Ok(_) => see_other(&format!("/cases/{id}")),
        Err(e) => again(&ctx, id, e, "agreement".to_owned(), attempt).await,
    }
}

/// Records one signature; the last one settles the case (R6).
#[handler]
pub async fn sign(req: &Request, Path(id): Path<String>, Form(form): Form<SignForm>) -> Response {
    let (ctx, session) = match form_of(req, &form.csrf).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let (Ok(uuid), Some(signer), Some(method)) = (
        uuid::Uuid::parse_str(&id),
        parse_signer(&form.signer),
        SignatureMethod::parse(&form.method),
    ) else {
        return errors::not_found(&ctx);
    };
    let id = CaseId::from(uuid);
    let version = form.version.parse::<i64>().ok();
    let object = format!("/api/v1/cases/{id}/agreement/signatures");
    let (done, _) = crate::audit::acting(
        ctx.acting(&session, "sign_settlement_agreement", object),
        settlement_agreements::sign_as(&ctx.state, &session.principal, id, version, signer, method),
    )
    .await;
    match done {
        Ok(_) => see_other(&format!("/cases/{id}")),
        Err(e) => again(&ctx, id, e, "agreement".to_owned(), Attempt::default()).await,
    }
}
