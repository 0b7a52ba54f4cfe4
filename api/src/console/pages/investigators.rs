//! Technical investigators (技术调查官) in the console. On the case page: the assignments the
//! caller may see, with only the steps the recusal rules allow now (R22, R24), and the technical
//! opinions the caller may read (R23). For the case's mediators and court, the proposal page:
//! the pool ranked for a field, and everyone excluded with the reason — a conflicted
//! investigator is never offered. For investigators: writing and submitting the opinion with
//! its documents, and their declared conflicts.
use std::collections::HashMap;

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Multipart, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::case::{Attempt, again};
use super::documents::Upload;
use super::errors;
use crate::console::layout::{error_summary, page};
use crate::console::{Ctx, Lang, id_of, posted, posted_on, see_other, signed_in};
use crate::service::case_views::CaseDetail;
use crate::service::error::AppError;
use crate::service::investigators::{self, AssignmentRequest};
use crate::service::{cases, files, opinions, pool};
use ipdr_domain::access::Action;
use ipdr_domain::account::Role;
use ipdr_domain::case::Side;
use ipdr_domain::investigator::recusal::{self, RecusalStage};
use ipdr_domain::investigator::stored::{Assignment, Opinion};
use ipdr_domain::investigator::{
    ConflictKind, DeclaredConflict, Procedure, TechnicalField, procedure_for,
};
use ipdr_domain::{AssignmentId, CaseId, ValidationErrors};

/// The investigators' part of the case page.
pub struct OnCase {
    pub assignments: Vec<(Assignment, String)>,
    /// The caller may propose and assign (the case's mediators, its court).
    pub may_assign: bool,
    /// The caller holds an active assignment here and may write the opinion.
    pub writes_opinion: bool,
    /// The opinions the caller may read (none when the policy lets them read none).
    pub opinions: Vec<Opinion>,
}

impl OnCase {
    /// What the caller may see and do of the case's investigators.
    ///
    /// # Errors
    /// `Internal`.
    pub async fn load(ctx: &Ctx, detail: &CaseDetail) -> Result<Self, AppError> {
        let Some(session) = &ctx.session else {
            return Err(AppError::Forbidden);
        };
        let caller = &session.principal;
        let case = &detail.case;
        let assignments = investigators::visible_with_names(&ctx.state, caller, case).await?;
        let may_assign =
            crate::service::case_views::may(&ctx.state, caller, detail, Action::AssignInvestigator)
                .await?;
        let writes_opinion = caller.role == Role::Investigator
            && assignments.iter().any(|(a, _)| {
                a.investigator_id == caller.account_id
                    && recusal::check_may_work(a.status).is_ok()
                    && a.ended_at.is_none()
            });
        let opinions = match opinions::readable(&ctx.state, caller, case.id).await {
            Ok((_, opinions)) => opinions,
            Err(AppError::NotFound | AppError::Forbidden) => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok(Self {
            assignments,
            may_assign,
            writes_opinion,
            opinions,
        })
    }
}

fn stage_label(lang: Lang, assignment: &Assignment) -> String {
    let status = lang.name("assignment", assignment.status.as_str());
    if assignment.recusal == RecusalStage::None {
        status.to_owned()
    } else {
        format!(
            "{status} · {}",
            lang.name("recusal", assignment.recusal.as_str())
        )
    }
}

/// The section of the case page.
pub fn section(ctx: &Ctx, csrf: &str, detail: &CaseDetail, on: &OnCase) -> Markup {
    let lang = ctx.lang;
    let id = detail.case.id;
    html! {
        h2 { (lang.t("investigators.title")) }
        @if on.assignments.is_empty() {
            p { (lang.t("investigators.none")) }
        } @else {
            table #assignments {
                thead { tr {
                    th scope="col" { (lang.t("investigators.name")) }
                    th scope="col" { (lang.t("investigators.field")) }
                    th scope="col" { (lang.t("investigators.procedure")) }
                    th scope="col" { (lang.t("investigators.state")) }
                    @if on.may_assign { th scope="col" { (lang.t("investigators.steps")) } }
                } }
                tbody {
                    @for (assignment, name) in &on.assignments {
                        tr {
                            td { (name) }
                            td { (lang.name("field", assignment.field.as_str())) }
                            td { (lang.name("procedure", assignment.procedure.as_str())) }
                            td { (stage_label(lang, assignment)) }
                            @if on.may_assign { td { (steps(lang, csrf, id, assignment)) } }
                        }
                    }
                }
            }
        }
        @if on.may_assign && detail.case.status != ipdr_domain::case::CaseStatus::Closed {
            p { a href={ "/cases/" (id) "/investigators" } { (lang.t("investigators.propose")) } }
        }
        @if !on.opinions.is_empty() {
            h3 { (lang.t("opinions.title")) }
            @for written in &on.opinions {
                article.opinion {
                    p.meta { (lang.t("opinions.version")) " " (written.version) " · " (lang.time(written.submitted_at)) }
                    p.opinion-text { (written.text) }
                    @if !written.documents.is_empty() {
                        ul { @for d in &written.documents {
                            li { a href={ "/cases/" (id) "/opinion-documents/" (d.sha256) } { (d.filename) } " (" (d.size) " B)" }
                        } }
                    }
                }
            }
        }
        @if on.writes_opinion {
            details {
                summary { (lang.t("opinions.write")) }
                form method="post" action={ "/cases/" (id) "/opinion" } enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="opinion-text" { (lang.t("opinions.text")) }
                    textarea #opinion-text name="text" rows="8" required {}
                    label for="opinion-file" { (lang.t("opinions.documents")) }
                    input #opinion-file type="file" name="file" multiple;
                    div { button type="submit" { (lang.t("opinions.submit")) } }
                }
            }
        }
    }
}

/// The recusal steps the domain allows now on one assignment (R22, R24).
fn steps(lang: Lang, csrf: &str, case: CaseId, assignment: &Assignment) -> Markup {
    let offered = recusal::offered(assignment.recusal_state());
    let action = format!("/cases/{case}/investigators/{}", assignment.id);
    html! {
        @if assignment.parties_notified_on.is_none() && assignment.ended_at.is_none() {
            form.inline method="post" action=(action) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="step" value="notified";
                button type="submit" { (lang.t("investigators.notified")) }
            }
        }
        @if offered.request {
            details {
                summary { (lang.t("investigators.recusal")) }
                form method="post" action=(action) {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="step" value="recusal";
                    fieldset {
                        legend { (lang.t("investigators.recusal.by")) }
                        @for side in Side::ALL {
                            label.choice { input type="radio" name="side" value=(side.as_str()) required; " " (lang.name("side", side.as_str())) }
                        }
                    }
                    label for={ "grounds-" (assignment.id) } { (lang.t("investigators.recusal.grounds")) }
                    textarea id={ "grounds-" (assignment.id) } name="reason" required {}
                    div { button type="submit" { (lang.t("investigators.recusal")) } }
                }
            }
        }
        @if offered.decide {
            details open {
                summary { (lang.t("investigators.decide")) }
                form method="post" action=(action) {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="step" value="decide";
                    fieldset {
                        legend { (lang.t("investigators.decide")) }
                        label.choice { input type="radio" name="granted" value="true" required; " " (lang.t("investigators.decide.grant")) }
                        label.choice { input type="radio" name="granted" value="false"; " " (lang.t("investigators.decide.reject")) }
                    }
                    label for={ "decision-" (assignment.id) } { (lang.t("action.reason")) }
                    textarea id={ "decision-" (assignment.id) } name="reason" required {}
                    div { button type="submit" { (lang.t("investigators.decide")) } }
                }
            }
        }
        @if offered.release {
            form.inline method="post" action=(action) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="step" value="release";
                button type="submit" { (lang.t("investigators.release")) }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct Proposal {
    #[serde(default)]
    field: String,
    #[serde(default)]
    procedure: String,
}

/// The proposal page: the pool ranked for the chosen field, the excluded with their reasons,
/// and the form that assigns one of the proposed (never an excluded one).
#[handler]
pub async fn propose(req: &Request, Path(id): Path<String>, Query(q): Query<Proposal>) -> Response {
    let (ctx, _) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let Some(id) = id_of::<CaseId>(&id) else {
        return errors::not_found(&ctx);
    };
    let field = TechnicalField::parse(&q.field).unwrap_or(TechnicalField::Other);
    let procedure = Procedure::parse(&q.procedure);
    render_proposal(&ctx, id, field, procedure, StatusCode::OK, &[], "").await
}

async fn render_proposal(
    ctx: &Ctx,
    id: CaseId,
    field: TechnicalField,
    procedure: Option<Procedure>,
    status: StatusCode,
    shown: &[(String, String)],
    question: &str,
) -> Response {
    let Some(session) = &ctx.session else {
        return see_other("/login");
    };
    let caller = &session.principal;
    let case = match cases::authorized(&ctx.state, caller, id, Action::AssignInvestigator).await {
        Ok(case) => case,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let lang = ctx.lang;
    let court = caller.role == Role::Court;
    let procedure = match procedure_for(
        caller.role,
        procedure.or(court.then_some(Procedure::JudicialConfirmation)),
    ) {
        Ok(p) => p,
        Err(e) => return errors::for_error(ctx, &e.into()),
    };
    let assessment = match investigators::candidates(&ctx.state, &case, field, procedure).await {
        Ok(a) => a,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let csrf = session.csrf_token();
    let body = html! {
        (error_summary(ctx, shown))
        p { a href={ "/cases/" (id) } { (lang.t("investigators.back")) } }
        form method="get" action={ "/cases/" (id) "/investigators" } {
            label for="field" { (lang.t("investigators.field")) }
            select #field name="field" {
                @for f in TechnicalField::ALL {
                    option value=(f.as_str()) selected[*f == field] { (lang.name("field", f.as_str())) }
                }
            }
            @if court {
                label for="procedure" { (lang.t("investigators.procedure")) }
                select #procedure name="procedure" {
                    @for p in [Procedure::JudicialConfirmation, Procedure::Litigation] {
                        option value=(p.as_str()) selected[p == procedure] { (lang.name("procedure", p.as_str())) }
                    }
                }
            }
            div { button type="submit" { (lang.t("investigators.show")) } }
        }
        h2 { (lang.t("investigators.candidates")) }
        @if assessment.candidates.is_empty() {
            p { (lang.t("investigators.candidates.none")) }
        } @else {
            form method="post" action={ "/cases/" (id) "/investigators" } {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="field" value=(field.as_str());
                input type="hidden" name="procedure" value=(procedure.as_str());
                fieldset #investigator_id {
                    legend { (lang.t("investigators.choose")) }
                    @for (i, c) in assessment.candidates.iter().enumerate() {
                        label.choice {
                            input type="radio" name="investigator_id" value=(c.facts.account_id) required checked[i == 0];
                            " " (c.facts.display_name)
                            " · " (lang.t("investigators.load")) " " (c.facts.load) "/" (c.facts.max_assignments)
                            @if c.field_match { " · " (lang.t("investigators.field_match")) }
                        }
                    }
                }
                label for="question" { (lang.t("investigators.question")) }
                @if let Some((_, e)) = shown.iter().find(|(f, _)| f == "question") { p.error #question-error { (e) } }
                textarea #question name="question" required { (question) }
                div { button type="submit" { (lang.t("investigators.assign")) } }
            }
        }
        @if !assessment.excluded.is_empty() {
            h2 { (lang.t("investigators.excluded")) }
            table #excluded {
                thead { tr {
                    th scope="col" { (lang.t("investigators.name")) }
                    th scope="col" { (lang.t("investigators.why")) }
                } }
                tbody { @for (facts, reasons) in &assessment.excluded { tr {
                    td { (facts.display_name) }
                    td { ul { @for r in reasons {
                        li { (lang.name("exclusion", r.code())) @if let Some(rule) = r.rule() { " (" (rule) ")" } }
                    } } }
                } } }
            }
        }
    };
    page(ctx, status, lang.t("investigators.propose"), body)
}

/// Assigns the chosen investigator; the domain refuses anyone the proposal excludes.
#[handler]
pub async fn assign(
    req: &Request,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (ctx, session, id) = match posted_on::<CaseId>(req, &form, &id).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let get = |k: &str| form.get(k).map_or("", String::as_str);
    let field = TechnicalField::parse(get("field")).unwrap_or(TechnicalField::Other);
    let procedure = Procedure::parse(get("procedure"));
    let question = get("question").to_owned();
    let caller = &session.principal;
    let assigned = async {
        let case = cases::authorized(&ctx.state, caller, id, Action::AssignInvestigator).await?;
        let investigator = id_of(get("investigator_id")).ok_or_else(|| {
            ValidationErrors::one(
                "investigator_id",
                ipdr_domain::Invalid::new("required", "choose an investigator"),
            )
        })?;
        let request = AssignmentRequest {
            investigator,
            field,
            question: question.clone(),
            procedure: procedure_for(caller.role, procedure)?,
        };
        investigators::assign(&ctx.state, caller, &case, request).await
    };
    let object = format!("/api/v1/cases/{id}/investigators");
    let (done, _) = crate::audit::acting(
        ctx.acting(&session, "assign_investigator", object),
        assigned,
    )
    .await;
    match done {
        Ok(_) => see_other(&format!("/cases/{id}")),
        Err(e) => match Attempt::default().after(ctx.lang, e, "investigator_id".to_owned()) {
            Ok((status, attempt)) => {
                let mut shown = attempt.errors;
                shown.extend(attempt.notice.map(|n| ("investigator_id".to_owned(), n)));
                render_proposal(&ctx, id, field, procedure, status, &shown, &question).await
            }
            Err(e) => errors::for_error(&ctx, &e),
        },
    }
}

/// One step on an assignment: the parties told (R22), a recusal request or its decision
/// (R24), release.
#[handler]
pub async fn step(
    req: &Request,
    Path((id, assignment)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (ctx, session) = match posted(req, &form).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let (Some(id), Some(assignment)) = (id_of::<CaseId>(&id), id_of::<AssignmentId>(&assignment))
    else {
        return errors::not_found(&ctx);
    };
    let get = |k: &str| form.get(k).map_or("", String::as_str);
    let caller = &session.principal;
    let state = &ctx.state;
    let (operation, tail) = match get("step") {
        "notified" => ("record_parties_notified", "parties-notified"),
        "recusal" => ("request_recusal", "recusal"),
        "decide" => ("decide_recusal", "recusal-decision"),
        "release" => ("release_investigator", "release"),
        _ => return errors::not_found(&ctx),
    };
    let done = async {
        let case = cases::authorized(state, caller, id, Action::AssignInvestigator).await?;
        match get("step") {
            "notified" => {
                investigators::parties_notified(state, caller, &case, assignment, None).await
            }
            "recusal" => {
                let side = Side::parse(get("side")).ok_or_else(|| {
                    ValidationErrors::one(
                        "side",
                        ipdr_domain::Invalid::new("required", "say which party asks"),
                    )
                })?;
                investigators::request_recusal(
                    state,
                    caller,
                    &case,
                    assignment,
                    side,
                    get("reason"),
                )
                .await
            }
            "decide" => {
                let granted = get("granted") == "true";
                investigators::decide_recusal(
                    state,
                    caller,
                    &case,
                    assignment,
                    granted,
                    get("reason"),
                )
                .await
            }
            _ => investigators::release(state, caller, &case, assignment).await,
        }
    };
    let object = format!("/api/v1/cases/{id}/investigators/{assignment}/{tail}");
    let (done, _) = crate::audit::acting(ctx.acting(&session, operation, object), done).await;
    match done {
        Ok(_) => see_other(&format!("/cases/{id}")),
        Err(e) => again(&ctx, id, e, "assignments".to_owned(), Attempt::default()).await,
    }
}

/// Submits the next version of the caller's opinion (R23): each file is stored for the case's
/// opinions first, then the opinion names them by digest.
#[handler]
pub async fn opinion(req: &Request, Path(id): Path<String>, multipart: Multipart) -> Response {
    let (ctx, session, id, upload) = match Upload::posted_to_case(req, &id, multipart).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let caller = &session.principal;
    let text = upload.fields.get("text").cloned().unwrap_or_default();
    // Each file is its own change (as the API's uploads are), audited as such; the opinion
    // then names them by digest.
    let mut digests = Vec::new();
    for (name, media, content) in upload.files {
        let stored = async {
            let case = cases::authorized(&ctx.state, caller, id, Action::WriteOpinion).await?;
            let name = files::filename(&name)?;
            opinions::upload_document(&ctx.state, caller, &case, name, media, content).await
        };
        let object = format!("/api/v1/cases/{id}/opinion-documents");
        let acting = ctx.acting(&session, "upload_opinion_document", object);
        match crate::audit::acting(acting, stored).await {
            (Ok(document), _) => digests.push(document.sha256),
            (Err(e), _) => {
                return again(&ctx, id, e, "opinion-file".to_owned(), Attempt::default()).await;
            }
        }
    }
    let submitted = async {
        let case = cases::authorized(&ctx.state, caller, id, Action::WriteOpinion).await?;
        opinions::submit(&ctx.state, caller, &case, &text, &digests).await
    };
    let object = format!("/api/v1/cases/{id}/opinions");
    let (done, _) =
        crate::audit::acting(ctx.acting(&session, "submit_opinion", object), submitted).await;
    match done {
        Ok(_) => see_other(&format!("/cases/{id}")),
        Err(e) => again(&ctx, id, e, "opinion-text".to_owned(), Attempt::default()).await,
    }
}

/// A document of an opinion the caller may read.
#[handler]
pub async fn opinion_document(
    req: &Request,
    Path((id, sha256)): Path<(String, String)>,
) -> Response {
    let (ctx, session) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let Some(id) = id_of::<CaseId>(&id) else {
        return errors::not_found(&ctx);
    };
    match opinions::download_document(&ctx.state, &session.principal, id, &sha256).await {
        Ok((document, content)) => {
            super::documents::attachment(&document.filename, &document.media_type, content)
        }
        Err(e) => errors::for_error(&ctx, &e),
    }
}

/// The calling investigator's declared conflicts, and the form that declares one.
#[handler]
pub async fn conflicts(req: &Request) -> Response {
    let (ctx, _) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    render_conflicts(&ctx, StatusCode::OK, &HashMap::new(), &[]).await
}

async fn render_conflicts(
    ctx: &Ctx,
    status: StatusCode,
    kept: &HashMap<String, String>,
    shown: &[(String, String)],
) -> Response {
    let Some(session) = &ctx.session else {
        return see_other("/login");
    };
    let declared = match pool::own_conflicts(&ctx.state, &session.principal).await {
        Ok(declared) => declared,
        Err(e) => return errors::for_error(ctx, &e),
    };
    let lang = ctx.lang;
    let csrf = session.csrf_token();
    let kept = |k: &str| kept.get(k).map_or("", String::as_str);
    let error = |k: &str| shown.iter().find(|(f, _)| f == k).map(|(_, m)| m.as_str());
    let body = html! {
        (error_summary(ctx, shown))
        p { (lang.t("conflicts.explain")) }
        @if declared.is_empty() {
            p { (lang.t("conflicts.none")) }
        } @else {
            table #conflicts {
                thead { tr {
                    th scope="col" { (lang.t("conflicts.kind")) }
                    th scope="col" { (lang.t("conflicts.value")) }
                    th scope="col" { (lang.t("conflicts.relationship")) }
                    th scope="col" { (lang.t("conflicts.declared")) }
                    th scope="col" { span.visually-hidden { (lang.t("conflicts.withdraw")) } }
                } }
                tbody { @for c in &declared { tr {
                    td { (lang.name("conflict", c.conflict.kind.as_str())) }
                    td { (c.conflict.value) }
                    td { (c.conflict.relationship) }
                    td { (lang.time(c.created_at)) }
                    td { form.inline method="post" action={ "/conflicts/" (c.id) "/withdraw" } {
                        input type="hidden" name="csrf" value=(csrf);
                        button type="submit" { (lang.t("conflicts.withdraw")) }
                    } }
                } } }
            }
        }
        h2 { (lang.t("conflicts.declare")) }
        form method="post" action="/conflicts" {
            input type="hidden" name="csrf" value=(csrf);
            label for="kind" { (lang.t("conflicts.kind")) }
            select #kind name="kind" {
                @for k in ConflictKind::ALL {
                    option value=(k.as_str()) selected[kept("kind") == k.as_str()] { (lang.name("conflict", k.as_str())) }
                }
            }
            label for="value" { (lang.t("conflicts.value")) }
            @if let Some(e) = error("value") { p.error #value-error { (e) } }
            input #value type="text" name="value" value=(kept("value")) required;
            label for="relationship" { (lang.t("conflicts.relationship")) }
            @if let Some(e) = error("relationship") { p.error #relationship-error { (e) } }
            input #relationship type="text" name="relationship" value=(kept("relationship")) required;
            div { button type="submit" { (lang.t("conflicts.declare")) } }
        }
    };
    page(ctx, status, lang.t("conflicts.title"), body)
}

/// Declares a conflict of the calling investigator.
#[handler]
pub async fn declare(req: &Request, Form(form): Form<HashMap<String, String>>) -> Response {
    let (ctx, session) = match posted(req, &form).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let get = |k: &str| form.get(k).map_or("", String::as_str);
    let conflict = ConflictKind::parse(get("kind"))
        .ok_or_else(|| {
            ValidationErrors::one(
                "kind",
                ipdr_domain::Invalid::new("required", "choose a kind"),
            )
        })
        .and_then(|kind| DeclaredConflict::parse(kind, get("value"), get("relationship")));
    let (done, _) = crate::audit::acting(
        ctx.acting(
            &session,
            "declare_conflict",
            "/api/v1/investigators/me/conflicts".to_owned(),
        ),
        pool::declare_conflict(&ctx.state, &session.principal, conflict),
    )
    .await;
    match done {
        Ok(_) => see_other("/conflicts"),
        Err(e) => match Attempt::default().after(ctx.lang, e, "value".to_owned()) {
            Ok((status, attempt)) => render_conflicts(&ctx, status, &form, &attempt.errors).await,
            Err(e) => errors::for_error(&ctx, &e),
        },
    }
}

/// Withdraws one of the calling investigator's conflicts.
#[handler]
pub async fn withdraw(
    req: &Request,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (ctx, session) = match posted(req, &form).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return errors::not_found(&ctx);
    };
    let object = format!("/api/v1/investigators/me/conflicts/{id}");
    let (done, _) = crate::audit::acting(
        ctx.acting(&session, "withdraw_conflict", object),
        pool::withdraw_conflict(&ctx.state, &session.principal, id),
    )
    .await;
    match done {
        Ok(()) => see_other("/conflicts"),
        Err(e) => errors::for_error(&ctx, &e),
    }
}
