//! Signing in and out. The form posts to the same path; the one sign-in path of the API checks
//! the password (argon2, throttled, one answer for an unknown user and a wrong password), then
//! a server-side session begins.
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::errors;
use crate::console::layout::{error_summary, page};
use crate::console::{
    Ctx, LANG_COOKIE, LOGIN_COOKIE, Lang, SESSION_COOKIE, form_of, see_other, set_cookie,
};
use crate::service::error::AppError;
use crate::service::sessions;

#[derive(Deserialize)]
pub struct LoginQuery {
    /// A language chosen on the sign-in page.
    lang: Option<String>,
    /// Why the form is shown: `signed_out`, `ended`.
    why: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// A fresh sign-in token in its cookie, for the form to carry back.
fn login_token(req: &Request, ctx: &Ctx) -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    set_cookie(req.cookie(), &ctx.state, LOGIN_COOKIE, token.clone());
    token
}

fn form_page(
    ctx: &Ctx,
    status: StatusCode,
    token: &str,
    username: &str,
    notice: Option<&str>,
    error: Option<&str>,
) -> Response {
    let lang = ctx.lang;
    let errors: Vec<(String, String)> = error
        .map(|e| vec![("username".to_owned(), e.to_owned())])
        .unwrap_or_default();
    let body: Markup = html! {
        @if let Some(notice) = notice { p.notice role="status" { (notice) } }
        (error_summary(ctx, &errors))
        form method="post" action="/login" novalidate {
            input type="hidden" name="csrf" value=(token);
            label for="username" { (lang.t("login.username")) }
            @if let Some(e) = error { p.error #username-error { (e) } }
            input #username type="text" name="username" value=(username) autocomplete="username"
                autocapitalize="none" spellcheck="false" required
                aria-describedby=[error.map(|_| "username-error")];
            label for="password" { (lang.t("login.password")) }
            input #password type="password" name="password" autocomplete="current-password" required;
            div { button type="submit" { (lang.t("login.submit")) } }
        }
    };
    page(ctx, status, lang.t("login.title"), body)
}

/// The sign-in form (or home, when already signed in).
#[handler]
pub async fn show(req: &Request, Query(query): Query<LoginQuery>) -> Response {
    let mut ctx = match Ctx::load(req).await {
        Ok(ctx) => ctx,
        Err(e) => return errors::bare(&e),
    };
    if ctx.session.is_some() {
        return see_other("/");
    }
    if let Some(tag) = query.lang.as_deref() {
        ctx.lang = Lang::from_tag(tag);
        set_cookie(
            req.cookie(),
            &ctx.state,
            LANG_COOKIE,
            ctx.lang.tag().to_owned(),
        );
    }
    let notice = match query.why.as_deref() {
        Some("signed_out") => Some(ctx.lang.t("login.signed_out")),
        Some("ended") => Some(ctx.lang.t("login.session_ended")),
        _ => None,
    };
    let token = login_token(req, &ctx);
    form_page(&ctx, StatusCode::OK, &token, "", notice, None)
}

/// Checks the credentials and begins a session.
#[handler]
pub async fn submit(req: &Request, Form(form): Form<LoginForm>) -> Response {
    let ctx = match Ctx::load(req).await {
        Ok(ctx) => ctx,
        Err(e) => return errors::bare(&e),
    };
    let expected = req.cookie().get(LOGIN_COOKIE);
    let token_ok = expected.is_some_and(|c| {
        use subtle::ConstantTimeEq;
        let c = c.value_str().to_owned();
        !c.is_empty()
            && c.len() == form.csrf.len()
            && bool::from(c.as_bytes().ct_eq(form.csrf.as_bytes()))
    });
    if !token_ok {
        return errors::forbidden(&ctx);
    }
    let address = req
        .remote_addr()
        .as_socket_addr()
        .map(std::net::SocketAddr::ip);
    let checked = crate::audit::console_login(
        &ctx.state,
        ctx.client.clone(),
        crate::auth::check_password(&ctx.state, form.username.trim(), form.password, address),
        |result| match result {
            Ok(_) => StatusCode::SEE_OTHER,
            Err(AppError::Throttled { .. }) => StatusCode::TOO_MANY_REQUESTS,
            Err(AppError::InvalidCredentials) => StatusCode::UNAUTHORIZED,
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
        },
    )
    .await;
    let error = match checked {
        Ok(credentials) => {
            return match sessions::open(&ctx.state, &credentials, ctx.lang.tag()).await {
                Ok(opened) => {
                    let jar = req.cookie();
                    jar.remove(LOGIN_COOKIE);
                    set_cookie(jar, &ctx.state, SESSION_COOKIE, opened.token);
                    see_other("/")
                }
                Err(e) => errors::for_error(&ctx, &e),
            };
        }
        Err(AppError::InvalidCredentials) => ctx.lang.t("login.invalid"),
        Err(AppError::Throttled { .. }) => ctx.lang.t("login.throttled"),
        Err(e) => return errors::for_error(&ctx, &e),
    };
    let token = login_token(req, &ctx);
    form_page(
        &ctx,
        StatusCode::OK,
        &token,
        form.username.trim(),
        None,
        Some(error),
    )
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

/// Ends the session.
#[handler]
pub async fn logout(req: &Request, Form(form): Form<LogoutForm>) -> Response {
    let (ctx, session) = match form_of(req, &form.csrf).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    if let Err(e) = sessions::close(&ctx.state, &session).await {
        return errors::for_error(&ctx, &e);
    }
    req.cookie().remove(SESSION_COOKIE);
    see_other("/login?why=signed_out")
}
