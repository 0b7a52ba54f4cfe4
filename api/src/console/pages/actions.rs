//! Taking a lifecycle action from the case page: the form parsed into the domain's action,
//! then the application layer, under the same audit record as the API's operation.
use poem::web::{Form, Path};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::case::{Attempt, again};
use super::errors;
use crate::console::{form_of, see_other};
use crate::service::cases;
use ipdr_domain::case::lifecycle::{ActionKind, CaseAction, Reason};
use ipdr_domain::case::{Performance, Route, Side};
use ipdr_domain::{CaseId, Invalid, ValidationErrors};

/// A posted action form.
#[derive(Deserialize)]
pub struct ActForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    consent: String,
    #[serde(default)]
    side: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    route_arbitration: Option<String>,
    #[serde(default)]
    route_administrative: Option<String>,
    #[serde(default)]
    route_litigation: Option<String>,
}

/// The form as a lifecycle action (the reason's faults named on the form's own field).
fn parse(form: &ActForm, kind: ActionKind) -> Result<CaseAction, ValidationErrors> {
    let field = format!("reason-{kind}");
    let reason = || Reason::parse(&form.reason).map_err(|e| ValidationErrors::one(&field, e));
    let choice = |name: &str, value: &str| {
        ValidationErrors::one(
            name,
            Invalid::new("required", format!("choose one: {value}")),
        )
    };
    Ok(match kind {
        ActionKind::Accept => CaseAction::Accept,
        ActionKind::Decline => CaseAction::Decline { reason: reason()? },
        ActionKind::RecordConsent => CaseAction::RecordConsent {
            consent: match form.consent.as_str() {
                "given" => true,
                "refused" => false,
                _ => return Err(choice("consent", "given, refused")),
            },
        },
        ActionKind::StartMediation => CaseAction::StartMediation,
        ActionKind::Fail => {
            let routes = [
                (Route::Arbitration, &form.route_arbitration),
                (Route::Administrative, &form.route_administrative),
                (Route::Litigation, &form.route_litigation),
            ]
            .into_iter()
            .filter(|(_, on)| on.is_some())
            .map(|(route, _)| route)
            .collect();
            CaseAction::Fail {
                reason: reason()?,
                routes,
            }
        }
        ActionKind::Withdraw => CaseAction::Withdraw {
            by: Side::parse(&form.side).ok_or_else(|| choice("side", "applicant, respondent"))?,
            reason: reason()?,
        },
        ActionKind::RecordPerformance => CaseAction::RecordPerformance {
            outcome: Performance::parse(&form.outcome)
                .ok_or_else(|| choice("outcome", "performed, breached"))?,
            note: None,
        },
        ActionKind::ReopenMediation => CaseAction::ReopenMediation { reason: reason()? },
        ActionKind::Close => CaseAction::Close,
        // Not offered: they happen on their own.
        ActionKind::Settle | ActionKind::ReturnToCourt => {
            return Err(choice("action", "an offered action"));
        }
    })
}

/// Takes an offered action, as the API's lifecycle operations do (same audit record).
#[handler]
pub async fn act(req: &Request, Path(id): Path<String>, Form(form): Form<ActForm>) -> Response {
    let (ctx, session) = match form_of(req, &form.csrf).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let (Ok(uuid), Some(kind)) = (uuid::Uuid::parse_str(&id), ActionKind::parse(&form.action))
    else {
        return errors::not_found(&ctx);
    };
    let id = CaseId::from(uuid);
    let kept = Attempt {
        action: Some(kind),
        reason: form.reason.clone(),
        ..Attempt::default()
    };
    let field = format!("action-{kind}");
    let action = match parse(&form, kind) {
        Ok(action) => action,
        Err(invalid) => return again(&ctx, id, invalid.into(), field, kept).await,
    };
    let version = form.version.parse::<i64>().ok();
    let object = format!("/api/v1/cases/{id}");
    let (done, _) = crate::audit::acting(
        ctx.acting(&session, kind.as_str(), object),
        cases::act(&ctx.state, &session.principal, id, version, &action),
    )
    .await;
    match done {
        Ok(_) => see_other(&format!("/cases/{id}")),
        Err(e) => again(&ctx, id, e, field, kept).await,
    }
}
