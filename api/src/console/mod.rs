//! The web console: server-rendered pages for the people who do the work, served by the same
//! binary beside the API. Pages parse what the browser sent, call the application layer (as the
//! JSON API does, under the same access policy) and render; they decide nothing themselves.
//!
//! Sessions live in the database behind an `HttpOnly`, `SameSite=Strict` cookie; every form
//! carries the session's CSRF token; every answer carries a strict Content-Security-Policy. No
//! page needs JavaScript.
mod assets;
pub mod i18n;
mod layout;
mod pages;

use poem::http::{HeaderValue, StatusCode, header};
use poem::web::cookie::{Cookie, CookieJar, SameSite};
use poem::{Endpoint, EndpointExt, IntoResponse, Request, Response, Route, get, post};

pub use i18n::Lang;

use crate::service::error::AppError;
use crate::service::sessions::{self, Session};
use crate::state::AppState;

/// The session cookie.
const SESSION_COOKIE: &str = "ipdr_session";
/// The sign-in form's token, before there is a session (double submit).
const LOGIN_COOKIE: &str = "ipdr_login";
/// The language chosen before signing in.
const LANG_COOKIE: &str = "ipdr_lang";

/// Adds the console's pages to `route`.
pub fn mount(route: Route) -> Route {
    route
        .at("/", get(pages::home::show).around(guard))
        .at(
            "/login",
            get(pages::login::show)
                .post(pages::login::submit)
                .around(guard),
        )
        .at("/logout", post(pages::login::logout).around(guard))
        .at("/language", post(pages::language).around(guard))
        .at("/cases", get(pages::cases::list).around(guard))
        .at(
            "/cases/new",
            get(pages::intake::show)
                .post(pages::intake::submit)
                .around(guard),
        )
        .at("/cases/:id", get(pages::case::show).around(guard))
        .at("/cases/:id/act", post(pages::actions::act).around(guard))
        .at(
            "/cases/:id/agreement",
            post(pages::agreement::record).around(guard),
        )
        .at(
            "/cases/:id/signatures",
            post(pages::agreement::sign).around(guard),
        )
        .at(
            "/cases/:id/confirmation",
            post(pages::confirmation::apply).around(guard),
        )
        .at(
            "/applications",
            get(pages::confirmation::inbox).around(guard),
        )
        .at(
            "/applications/:id",
            get(pages::confirmation::show).around(guard),
        )
        .at(
            "/applications/:id/decide",
            post(pages::confirmation::decide).around(guard),
        )
        .at(
            "/cases/:id/documents",
            post(pages::documents::upload).around(guard),
        )
        .at(
            "/cases/:id/documents/:document",
            get(pages::documents::download).around(guard),
        )
        .at(
            "/cases/:id/investigators",
            get(pages::investigators::propose)
                .post(pages::investigators::assign)
                .around(guard),
        )
        .at(
            "/cases/:id/investigators/:assignment",
            post(pages::investigators::step).around(guard),
        )
        .at(
            "/cases/:id/opinion",
            post(pages::investigators::opinion).around(guard),
        )
        .at(
            "/cases/:id/opinion-documents/:sha256",
            get(pages::investigators::opinion_document).around(guard),
        )
        .at(
            "/conflicts",
            get(pages::investigators::conflicts)
                .post(pages::investigators::declare)
                .around(guard),
        )
        .at(
            "/conflicts/:id/withdraw",
            post(pages::investigators::withdraw).around(guard),
        )
        .at(
            "/referrals",
            get(pages::referrals::list)
                .post(pages::referrals::send)
                .around(guard),
        )
        .at("/referrals/new", get(pages::referrals::new).around(guard))
        .at("/referrals/:id", get(pages::referrals::show).around(guard))
        .at(
            "/referrals/:id/step",
            post(pages::referrals::take).around(guard),
        )
        .at(
            "/notifications",
            get(pages::notifications::list).around(guard),
        )
        .at(
            "/notifications/read",
            post(pages::notifications::read_all).around(guard),
        )
        .at(
            "/notifications/settings",
            post(pages::notifications::save_settings).around(guard),
        )
        .at(
            "/notifications/:id/read",
            post(pages::notifications::read).around(guard),
        )
        .at("/audit", get(pages::audit::trail).around(guard))
        .at(
            "/admin/partners",
            get(pages::federation_admin::show)
                .post(pages::federation_admin::register)
                .around(guard),
        )
        .at(
            "/admin/agreements",
            post(pages::federation_admin::create_agreement).around(guard),
        )
        .at(
            "/admin/agreements/seed",
            post(pages::federation_admin::seed).around(guard),
        )
        .at(
            "/admin/agreements/:id/status",
            post(pages::federation_admin::set_status).around(guard),
        )
        .at(
            "/admin/calendar",
            get(pages::federation_admin::calendar_page)
                .post(pages::federation_admin::load_year)
                .around(guard),
        )
        .at("/admin", get(pages::admin::show).around(guard))
        .at(
            "/admin/organizations",
            post(pages::admin::create_organization).around(guard),
        )
        .at(
            "/admin/organizations/:id/jurisdiction",
            post(pages::admin::set_jurisdiction).around(guard),
        )
        .at(
            "/admin/accounts",
            post(pages::admin::create_account).around(guard),
        )
        .at(assets::STYLESHEET_PATH.as_str(), get(assets::stylesheet))
}

/// The headers every console answer carries: a Content-Security-Policy that allows nothing but
/// this origin's stylesheet (no script at all, no framing), and the usual hardening.
fn harden(response: &mut Response) {
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

/// Middleware of every page: cookies, and the hardening headers on whatever it answers.
async fn guard<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let next = next.with(poem::middleware::CookieJarManager::new());
    let mut response = match next.call(req).await {
        Ok(r) => r.into_response(),
        Err(e) => e.into_response(),
    };
    harden(&mut response);
    Ok(response)
}

/// Who is asking and in which language.
pub struct Ctx {
    pub state: AppState,
    pub lang: Lang,
    pub session: Option<Session>,
    /// The client's address, for the audit trail.
    pub client: Option<String>,
    /// The path and query asked for (the language switch comes back to it).
    pub path: String,
}

impl Ctx {
    /// Reads the session cookie (a dead session's cookie is removed) and chooses the language:
    /// the session's, else the one chosen before signing in, else `Accept-Language`.
    ///
    /// # Errors
    /// `Internal`.
    pub async fn load(req: &Request) -> Result<Self, AppError> {
        let state = req
            .data::<AppState>()
            .cloned()
            .ok_or_else(|| AppError::internal("the console runs without its state"))?;
        let jar = req.cookie();
        let session = match jar.get(SESSION_COOKIE) {
            Some(cookie) => {
                let found = sessions::resolve(&state, cookie.value_str()).await?;
                if found.is_none() {
                    jar.remove(SESSION_COOKIE);
                }
                found
            }
            None => None,
        };
        let lang = match (&session, jar.get(LANG_COOKIE)) {
            (Some(s), _) => Lang::from_tag(&s.language),
            (None, Some(c)) => Lang::from_tag(c.value_str()),
            (None, None) => Lang::negotiate(
                req.headers()
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok()),
            ),
        };
        let client = req
            .remote_addr()
            .as_socket_addr()
            .map(|a| a.ip().to_string());
        let path = req
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        Ok(Self {
            state,
            lang,
            session,
            client,
            path,
        })
    }

    /// The audit identity of the signed-in caller, for the changes they make.
    pub fn acting(
        &self,
        session: &Session,
        operation: &'static str,
        object: String,
    ) -> crate::audit::Acting {
        crate::audit::Acting {
            actor: format!("account:{}", session.principal.account_id),
            role: Some(session.principal.role.as_str().to_owned()),
            operation,
            object,
            client: self.client.clone(),
        }
    }
}

/// The context of a page for a signed-in caller, or the answer to give instead: the sign-in
/// page, or the error page when the context cannot be read.
///
/// # Errors
/// The response to send instead.
pub async fn signed_in(req: &Request) -> Result<(Ctx, Session), Response> {
    let ctx = Ctx::load(req).await.map_err(|e| pages::errors::bare(&e))?;
    match ctx.session.clone() {
        Some(session) => Ok((ctx, session)),
        None => Err(see_other("/login")),
    }
}

/// [`signed_in`] for a posted form, which must carry the session's CSRF token: without it, or
/// with another, the answer is 403 and nothing changes.
///
/// # Errors
/// The response to send instead.
pub async fn form_of(req: &Request, csrf: &str) -> Result<(Ctx, Session), Response> {
    let ctx = Ctx::load(req).await.map_err(|e| pages::errors::bare(&e))?;
    match ctx.session.clone() {
        None => Err(see_other("/login?why=ended")),
        Some(session) if !session.accepts(csrf) => Err(pages::errors::forbidden(&ctx)),
        Some(session) => Ok((ctx, session)),
    }
}

/// [`form_of`] for a form read as name → value (its `csrf` field).
///
/// # Errors
/// The response to send instead.
pub async fn posted(
    req: &Request,
    form: &std::collections::HashMap<String, String>,
) -> Result<(Ctx, Session), Response> {
    form_of(req, form.get("csrf").map_or("", String::as_str)).await
}

/// [`posted`] for a form posted to a path naming one object: the session and its token
/// checked first, then the path's id (the not-found page when it is none).
///
/// # Errors
/// The response to send instead.
pub async fn posted_on<T: From<uuid::Uuid>>(
    req: &Request,
    form: &std::collections::HashMap<String, String>,
    id: &str,
) -> Result<(Ctx, Session, T), Response> {
    let (ctx, session) = posted(req, form).await?;
    match id_of::<T>(id) {
        Some(id) => Ok((ctx, session, id)),
        None => Err(pages::errors::not_found(&ctx)),
    }
}

/// The id in a path or a form field, when it is one.
pub fn id_of<T: From<uuid::Uuid>>(text: &str) -> Option<T> {
    uuid::Uuid::parse_str(text.trim()).ok().map(T::from)
}

/// Invalid input as a form shows it: each field's problem in the caller's language.
pub fn shown(lang: Lang, invalid: ipdr_domain::ValidationErrors) -> Vec<(String, String)> {
    invalid
        .0
        .into_iter()
        .map(|e| {
            let text = lang.problem(e.code, &e.message);
            (e.field, text)
        })
        .collect()
}

/// A refusal of the domain in the caller's language, with the rule it rests on.
pub fn refused(lang: Lang, refusal: &ipdr_domain::case::Refusal) -> String {
    let rule = refusal.rule.map(|r| format!(" ({r})")).unwrap_or_default();
    format!("{}{rule}", lang.problem(refusal.code, &refusal.message))
}

/// A cookie of this console: HttpOnly, SameSite=Strict, the whole site, Secure over HTTPS.
fn cookie(state: &AppState, name: &str, value: String) -> Cookie {
    let mut cookie = Cookie::new_with_str(name, value);
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Strict);
    cookie.set_path("/");
    cookie.set_secure(state.secure_cookies);
    cookie
}

fn set_cookie(jar: &CookieJar, state: &AppState, name: &str, value: String) {
    jar.add(cookie(state, name, value));
}

/// POST → 303 → GET.
pub fn see_other(to: &str) -> Response {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, to)
        .finish()
}

/// A page for an error of the application layer, in the caller's language.
pub fn error_page(ctx: &Ctx, error: &AppError) -> Response {
    pages::errors::for_error(ctx, error)
}
