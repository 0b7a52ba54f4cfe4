//! Every error answer is `application/problem+json` (RFC 9457) with a stable `code`, the request
//! id, and — for bad input — the fields at fault.
//!
//! Handlers produce [`ApiProblem`]s; the [`render_errors`] middleware turns those, and the
//! framework's own errors (bad parameters, wrong content type, missing token, unknown route),
//! into problem documents, so no plain-text error ever leaves the service.
use poem::error::{MethodNotAllowedError, NotFoundError, ResponseError};
use poem::http::{HeaderValue, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::Object;
use poem_openapi::error::{AuthorizationError, ContentTypeError, ParseParamError, ParsePathError};

use crate::request_id;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error, as RFC 9457 problem details.
#[derive(Object, Debug, Clone, serde::Serialize)]
pub struct Problem {
    /// Names the kind of problem: `urn:ipdr:problem:<code>`.
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time, in words.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A stable, machine-readable code, e.g. `validation_failed`, `consent_required`.
    pub code: String,
    /// The rule of the domain rules (`R2`, `R5` …) the refusal rests on, when one does.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The request's id (also in the `X-Request-Id` header); quote it when reporting an error.
    pub request_id: String,
    /// The fields at fault, when the input was refused; absent otherwise.
    #[oai(skip_serializing_if_is_empty, default)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// One field of the request that was refused.
#[derive(Object, Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProblemField {
    /// The field as sent: `username`, `court_level`, a query parameter's name, …
    pub field: String,
    /// Stable: `required`, `unknown_field`, `invalid_format`, `too_long`, …
    pub code: String,
    pub message: String,
}

/// An error on its way to the client. `Display` is its detail (used in logs); it never carries
/// anything internal.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {}", detail.as_deref().unwrap_or(title))]
pub struct ApiProblem {
    pub status: StatusCode,
    pub code: &'static str,
    pub title: &'static str,
    pub detail: Option<String>,
    pub errors: Vec<ProblemField>,
    /// Seconds, sent as `Retry-After` (429, 503).
    pub retry_after: Option<u64>,
    /// The domain rule the refusal rests on.
    pub rule: Option<&'static str>,
}

impl ApiProblem {
    pub fn new(status: StatusCode, code: &'static str, title: &'static str) -> Self {
        Self {
            status,
            code,
            title,
            detail: None,
            errors: Vec::new(),
            retry_after: None,
            rule: None,
        }
    }

    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    #[must_use]
    pub fn field(
        mut self,
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        self.errors.push(ProblemField {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        });
        self
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, "Malformed request").detail(detail)
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Authentication required",
        )
        .detail("a valid, unexpired bearer token of an active account is required")
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden")
            .detail("your role does not allow this action")
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Not found").detail("no such resource")
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, "Conflict").detail(detail)
    }

    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "Payload too large",
        )
        .detail(format!("request bodies are limited to {limit} bytes"))
    }

    /// Internal failures say nothing about their cause; the cause is logged with the request id.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Internal error",
        )
        .detail("something went wrong on our side; quote the request id when reporting it")
    }

    /// The document sent for this problem within the current request.
    pub fn to_document(&self) -> Problem {
        Problem {
            problem_type: format!("urn:ipdr:problem:{}", self.code),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_owned(),
            rule: self.rule.map(str::to_owned),
            request_id: request_id::current(),
            errors: self.errors.clone(),
        }
    }
}

impl ResponseError for ApiProblem {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn as_response(&self) -> Response {
        let body = serde_json::to_vec(&self.to_document()).unwrap_or_default();
        let mut response = Response::builder()
            .status(self.status)
            .content_type(PROBLEM_JSON)
            .body(body);
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Translates any error reaching the edge of the service into a problem.
pub fn from_poem_error(err: poem::Error) -> ApiProblem {
    if let Some(problem) = err.downcast_ref::<ApiProblem>() {
        return problem.clone();
    }
    if let Some(e) = err.downcast_ref::<ParseParamError>() {
        return ApiProblem::bad_request(
            "invalid_parameter",
            format!("parameter `{}` is invalid", e.name),
        )
        .field(e.name, "invalid_value", e.reason.clone());
    }
    // A malformed id in the path identifies nothing: answered exactly like a missing resource.
    // (poem-openapi renames path parameters internally, so their names could not be reported.)
    if err.is::<ParsePathError>() {
        return ApiProblem::not_found();
    }
    if err.is::<ContentTypeError>() {
        return ApiProblem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Unsupported media type",
        )
        .detail("send the body as the media type this operation documents (see /docs)");
    }
    if err.is::<AuthorizationError>() {
        return ApiProblem::unauthenticated();
    }
    if err.is::<NotFoundError>() {
        return ApiProblem::new(StatusCode::NOT_FOUND, "route_not_found", "Not found")
            .detail("no such endpoint; see /docs");
    }
    if err.is::<MethodNotAllowedError>() {
        return ApiProblem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "Method not allowed",
        );
    }
    let status = err.status();
    if status.is_server_error() {
        tracing::error!(error = %err, "unhandled error");
        return ApiProblem::internal();
    }
    // Some other framework-level refusal (e.g. a malformed header): keep its status.
    tracing::debug!(error = %err, %status, "request refused by the framework");
    let title = status.canonical_reason().unwrap_or("Error");
    ApiProblem::new(status, "http_error", title)
}

/// Middleware: every `Err` becomes a problem response; a 405 says in `Allow` which methods the
/// path has (RFC 9110).
pub async fn render_errors<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let uri = req.uri().clone();
    match next.call(req).await {
        Ok(response) => Ok(response.into_response()),
        Err(err) => {
            let mut response = from_poem_error(err).as_response();
            if response.status() == StatusCode::METHOD_NOT_ALLOWED
                && let Some(methods) = crate::openapi::allowed_methods(uri.path())
            {
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(methods));
            }
            Ok(response)
        }
    }
}

/// The answer to a panic in a handler: a plain 500 problem. The panic itself is logged by the
/// runtime's hook with the request span.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    ApiProblem::internal().as_response()
}
