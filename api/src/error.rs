//! The error half of every operation's response type, with the statuses it can return in its
//! type: `ApiError<{ status::UNAUTHORIZED | status::NOT_FOUND }>` declares exactly 401 and 404 in
//! the OpenAPI document, so the spec tells the truth operation by operation.
//!
//! Statuses produced before a handler runs (400 for bad parameters, 401 for a missing token,
//! 413, 415) are declared here too, since the operation can return them.
use poem::http::StatusCode;
use poem_openapi::ApiResponse;
use poem_openapi::registry::{
    MetaHeader, MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef, Registry,
};
use poem_openapi::types::Type;

use ipdr_domain::ValidationErrors;
use ipdr_persistence::repo::RepoError;

use crate::problem::{ApiProblem, PROBLEM_JSON, Problem};
use crate::service::error::{AppError, Conflict};

/// One bit per status an operation may declare.
pub mod status {
    pub const BAD_REQUEST: u32 = 1;
    pub const UNAUTHORIZED: u32 = 1 << 1;
    pub const FORBIDDEN: u32 = 1 << 2;
    pub const NOT_FOUND: u32 = 1 << 3;
    pub const CONFLICT: u32 = 1 << 4;
    pub const PAYLOAD_TOO_LARGE: u32 = 1 << 5;
    pub const UNSUPPORTED_MEDIA_TYPE: u32 = 1 << 6;
    pub const UNPROCESSABLE: u32 = 1 << 7;
    pub const TOO_MANY_REQUESTS: u32 = 1 << 8;
    pub const INTERNAL: u32 = 1 << 9;
    pub const UNAVAILABLE: u32 = 1 << 10;
    pub const PRECONDITION_FAILED: u32 = 1 << 11;

    /// What an operation taking a JSON body can answer before its handler runs, plus 422.
    pub const JSON_BODY: u32 =
        BAD_REQUEST | PAYLOAD_TOO_LARGE | UNSUPPORTED_MEDIA_TYPE | UNPROCESSABLE;
    /// What every authenticated operation can answer.
    pub const AUTHENTICATED: u32 = UNAUTHORIZED | INTERNAL;
}

/// (bit, status, description in the OpenAPI document)
const STATUSES: &[(u32, u16, &str)] = &[
    (
        status::BAD_REQUEST,
        400,
        "Malformed request: not JSON, an unknown or missing field, a wrong type, or a bad query parameter. `errors` names the fields.",
    ),
    (
        status::UNAUTHORIZED,
        401,
        "Missing, invalid or expired token, or the account is disabled.",
    ),
    (
        status::FORBIDDEN,
        403,
        "Your role may see this resource but not perform this action.",
    ),
    (
        status::NOT_FOUND,
        404,
        "No such resource (or a malformed id), or none you may see.",
    ),
    (
        status::CONFLICT,
        409,
        "Conflicts with existing data or the resource's current state; `code` says which, `rule` names the domain rule.",
    ),
    (
        status::PRECONDITION_FAILED,
        412,
        "`If-Match` names a version the case no longer has: read it again.",
    ),
    (
        status::PAYLOAD_TOO_LARGE,
        413,
        "The request body exceeds its limit (1 MiB; documents: IPDR_MAX_DOCUMENT_BYTES).",
    ),
    (
        status::UNSUPPORTED_MEDIA_TYPE,
        415,
        "The body has the wrong media type (`application/json` unless stated otherwise).",
    ),
    (
        status::UNPROCESSABLE,
        422,
        "Well-formed but invalid input; `errors` names each field and why.",
    ),
    (
        status::TOO_MANY_REQUESTS,
        429,
        "Too many failed logins for this account or address; retry after `Retry-After` seconds.",
    ),
    (
        status::INTERNAL,
        500,
        "Internal error. The body carries the request id and nothing else.",
    ),
    (
        status::UNAVAILABLE,
        503,
        "Not ready: the database cannot be reached.",
    ),
];

/// An operation's error, able to carry exactly the statuses in the bit set `S`.
#[derive(Debug)]
pub struct ApiError<const S: u32>(pub ApiProblem);

impl<const S: u32> ApiError<S> {
    fn declares(status: StatusCode) -> bool {
        STATUSES
            .iter()
            .any(|(bit, code, _)| S & bit != 0 && *code == status.as_u16())
    }
}

impl<const S: u32> From<ApiProblem> for ApiError<S> {
    fn from(problem: ApiProblem) -> Self {
        if !Self::declares(problem.status) {
            // A handler produced a status its operation does not declare: a bug, found by the
            // spec-driven tests. The client still gets the true status.
            tracing::error!(status = %problem.status, code = problem.code, "undeclared status returned");
        }
        Self(problem)
    }
}

impl<const S: u32> From<ApiError<S>> for poem::Error {
    fn from(err: ApiError<S>) -> Self {
        poem::Error::from(err.0)
    }
}

impl<const S: u32> From<ValidationErrors> for ApiError<S> {
    fn from(errors: ValidationErrors) -> Self {
        ApiProblem::from(errors).into()
    }
}

impl<const S: u32> From<RepoError> for ApiError<S> {
    fn from(err: RepoError) -> Self {
        ApiProblem::from(err).into()
    }
}

impl<const S: u32> From<AppError> for ApiError<S> {
    fn from(err: AppError) -> Self {
        ApiProblem::from(err).into()
    }
}

impl From<ValidationErrors> for ApiProblem {
    fn from(errors: ValidationErrors) -> Self {
        AppError::Invalid(errors).into()
    }
}

impl From<ipdr_domain::case::Refusal> for ApiProblem {
    fn from(refusal: ipdr_domain::case::Refusal) -> Self {
        AppError::from(refusal).into()
    }
}

impl<const S: u32> From<ipdr_domain::case::Refusal> for ApiError<S> {
    fn from(refusal: ipdr_domain::case::Refusal) -> Self {
        ApiProblem::from(refusal).into()
    }
}

impl From<RepoError> for ApiProblem {
    fn from(err: RepoError) -> Self {
        AppError::from(err).into()
    }
}

/// The one place where the application layer's answers become HTTP: each kind of error has
/// its status here and nowhere else.
impl From<AppError> for ApiProblem {
    fn from(err: AppError) -> Self {
        match err {
            AppError::InvalidCredentials => ApiProblem::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "Invalid credentials",
            )
            .detail("the username or password is wrong, or the account is disabled"),
            AppError::Unauthenticated => ApiProblem::unauthenticated(),
            AppError::Throttled { retry_after } => {
                // Whole seconds, rounded up: a client that waits that long is let in.
                let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                let mut problem = ApiProblem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "login_throttled",
                    "Too many failed logins",
                )
                .detail(format!("too many failed logins; try again in {seconds} s"));
                problem.retry_after = Some(seconds);
                problem
            }
            AppError::NotFound => ApiProblem::not_found(),
            AppError::Forbidden => ApiProblem::forbidden(),
            AppError::Refused { refusal, fields } => {
                let mut problem = ApiProblem::conflict(refusal.code, refusal.message);
                problem.rule = refusal.rule;
                for f in fields {
                    problem = problem.field(f.field, f.code, f.message);
                }
                problem
            }
            AppError::Invalid(errors) => {
                let mut problem = ApiProblem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    "Validation failed",
                )
                .detail("some fields are invalid; see `errors`");
                for e in errors.0 {
                    problem = problem.field(e.field, e.code, e.message);
                }
                problem
            }
            AppError::Stale {
                object,
                named_version: true,
            } => ApiProblem::new(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                "Precondition failed",
            )
            .detail(format!(
                "the {} has changed since the version in If-Match; read it again",
                object.as_str()
            )),
            AppError::Stale {
                object,
                named_version: false,
            } => ApiProblem::conflict(
                "concurrent_update",
                format!(
                    "the {} changed while this request was processed; read it again and retry",
                    object.as_str()
                ),
            ),
            AppError::Conflict(key) => conflict(key),
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                ApiProblem::internal()
            }
        }
    }
}

/// A taken unique key, with the field that holds it.
fn conflict(key: Conflict) -> ApiProblem {
    match key {
        Conflict::OrganizationCode => ApiProblem::conflict(
            "organization_code_taken",
            "another organisation has this code",
        )
        .field("code", "taken", "another organisation has this code"),
        Conflict::OrganizationName => ApiProblem::conflict(
            "organization_name_taken",
            "another organisation in this city has this name",
        )
        .field(
            "name",
            "taken",
            "another organisation in this city has this name",
        ),
        Conflict::Username => ApiProblem::conflict("username_taken", "this username is taken")
            .field("username", "taken", "this username is taken"),
        Conflict::IdempotencyKey => ApiProblem::conflict(
            "idempotency_key_in_use",
            "a request with this Idempotency-Key is being processed; retry it",
        ),
        Conflict::InvestigatorProfile => ApiProblem::conflict(
            "investigator_profile_exists",
            "this account already has an investigator profile",
        )
        .field("account_id", "taken", "already in the pool"),
        Conflict::OpinionVersion => ApiProblem::conflict(
            "concurrent_update",
            "another version was submitted at the same time; retry",
        ),
        Conflict::Assignment => ApiProblem::conflict(
            "already_assigned",
            "this mediator is already assigned to the case",
        ),
        Conflict::PartnerNode => ApiProblem::conflict(
            "partner_registered",
            "this node is registered already; update it instead",
        )
        .field("node_id", "taken", "registered already"),
        Conflict::AgreementCode => ApiProblem::conflict(
            "agreement_code_taken",
            "another cooperation agreement has this code",
        )
        .field("code", "taken", "another agreement has this code"),
        Conflict::Referral | Conflict::InboxMessage => ApiProblem::conflict(
            "concurrent_update",
            "the same message was applied at the same time; retry",
        ),
    }
}

impl<const S: u32> ApiResponse for ApiError<S> {
    fn meta() -> MetaResponses {
        let responses = STATUSES
            .iter()
            .filter(|(bit, _, _)| S & bit != 0)
            .map(|(_, code, description)| MetaResponse {
                description,
                status: Some(*code),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: PROBLEM_JSON,
                    schema: Problem::schema_ref(),
                }],
                headers: match code {
                    429 | 503 => vec![MetaHeader {
                        name: "Retry-After".to_owned(),
                        description: Some("Seconds to wait before trying again.".to_owned()),
                        required: *code == 429,
                        deprecated: false,
                        schema: MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format(
                            "integer", "int64",
                        ))),
                    }],
                    _ => Vec::new(),
                },
            })
            .collect();
        MetaResponses { responses }
    }

    fn register(registry: &mut Registry) {
        Problem::register(registry);
    }
}

/// Shorthand: the result of an operation declaring the statuses `S`.
pub type ApiResult<T, const S: u32> = Result<T, ApiError<S>>;
