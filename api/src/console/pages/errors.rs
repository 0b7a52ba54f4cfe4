//! The pages of what went wrong: not found (also for what the caller may not see, as the API
//! answers 404), a refused form (403: no or a wrong CSRF token), a refused action, an internal
//! error with its request id.
use maud::html;
use poem::http::StatusCode;
use poem::web::Html;
use poem::{IntoResponse, Response};

use crate::console::Ctx;
use crate::console::layout::page;
use crate::service::error::AppError;

pub fn not_found(ctx: &Ctx) -> Response {
    let lang = ctx.lang;
    page(
        ctx,
        StatusCode::NOT_FOUND,
        lang.t("errors.not_found.title"),
        html! { p { (lang.t("errors.not_found.body")) } p { a href="/" { (lang.t("nav.home")) } } },
    )
}

/// A form without this session's CSRF token: nothing was changed.
pub fn forbidden(ctx: &Ctx) -> Response {
    let lang = ctx.lang;
    page(
        ctx,
        StatusCode::FORBIDDEN,
        lang.t("errors.forbidden.title"),
        html! { p { (lang.t("errors.forbidden.body")) } },
    )
}

fn internal(ctx: &Ctx) -> Response {
    let lang = ctx.lang;
    let id = crate::request_id::try_current().unwrap_or_default();
    page(
        ctx,
        StatusCode::INTERNAL_SERVER_ERROR,
        lang.t("errors.internal.title"),
        html! { p { (lang.t("errors.internal.body")) " " code { (id) } } },
    )
}

/// The page for an error of the application layer. Refusals and invalid input are shown by
/// the page that made the request, with its form; what reaches here is the rest.
pub fn for_error(ctx: &Ctx, error: &AppError) -> Response {
    match error {
        AppError::NotFound => not_found(ctx),
        AppError::Forbidden => not_found(ctx),
        AppError::Refused { refusal, .. } => {
            let lang = ctx.lang;
            page(
                ctx,
                StatusCode::CONFLICT,
                lang.t("errors.refused.title"),
                html! { p { (crate::console::refused(lang, refusal)) } },
            )
        }
        AppError::Internal(cause) => {
            tracing::error!(cause = %cause, "console page failed");
            internal(ctx)
        }
        other => {
            tracing::warn!(error = %other, "console page answered an unexpected error");
            internal(ctx)
        }
    }
}

/// When even the context could not be read (the database is down).
pub fn bare(error: &AppError) -> Response {
    tracing::error!(error = %error, "console context failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html("<!DOCTYPE html><title>IPDR</title><p>Internal error / 系统出现问题</p>"),
    )
        .into_response()
}
