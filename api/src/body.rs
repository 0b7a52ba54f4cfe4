//! Request bodies: a size limit for every request, and [`JsonBody`], the JSON payload of every
//! operation, which rejects unknown fields and names the field at fault in every refusal.
//!
//! Request types derive `poem_openapi::Object` for their schema and `serde::Deserialize` (with
//! `deny_unknown_fields`) for parsing; `serde_path_to_error` supplies the exact path of the field
//! that failed, which poem-openapi's own parser does not report for missing or mistyped fields.
use poem::{Endpoint, Middleware, Request, RequestBody};
use poem_openapi::payload::{ParsePayload, Payload};
use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::Type;
use serde::de::DeserializeOwned;

use crate::problem::ApiProblem;

/// The largest request body accepted anywhere (1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Middleware refusing bodies over the limit with 413, whether their size is announced in
/// `Content-Length` (refused before reading) or they arrive chunked (refused when the limit is
/// crossed). Document uploads have their own, larger limit.
pub struct BodyLimit {
    pub default: usize,
    pub documents: usize,
}

impl<E: Endpoint> Middleware<E> for BodyLimit {
    type Output = BodyLimitEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        BodyLimitEndpoint {
            inner,
            default: self.default,
            documents: self.documents,
        }
    }
}

pub struct BodyLimitEndpoint<E> {
    inner: E,
    default: usize,
    documents: usize,
}

/// What a request uploads, if anything.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Upload {
    /// Not a document upload: the default limit.
    None,
    /// `POST /api/v1/cases/{id}/documents` or `…/opinion-documents`.
    Api,
    /// The console's upload forms: `POST /cases/{id}/documents`, `POST /cases/{id}/opinion`.
    Console,
}

/// Which kind of upload `req` is; both kinds have the documents' limit.
fn upload_of(req: &Request) -> Upload {
    let path = req.uri().path().trim_end_matches('/');
    if req.method() != poem::http::Method::POST {
        return Upload::None;
    }
    if path.starts_with("/api/v1/cases/")
        && (path.ends_with("/documents") || path.ends_with("/opinion-documents"))
        && path.matches('/').count() == 5
    {
        Upload::Api
    } else if path.starts_with("/cases/")
        && (path.ends_with("/documents") || path.ends_with("/opinion"))
        && path.matches('/').count() == 3
    {
        Upload::Console
    } else {
        Upload::None
    }
}

/// The answer to a body over `limit`: the API's problem, or for a console form (a browser) a
/// redirect to the case page, which says the file was too large.
fn too_large(path: &str, upload: Upload, limit: usize) -> poem::Result<poem::Response> {
    let case = path
        .split('/')
        .nth(2)
        .and_then(|id| uuid::Uuid::parse_str(id).ok());
    match (upload, case) {
        (Upload::Console, Some(case)) => Ok(poem::Response::builder()
            .status(poem::http::StatusCode::SEE_OTHER)
            .header(
                poem::http::header::LOCATION,
                format!("/cases/{case}?notice=too_large"),
            )
            .finish()),
        _ => Err(ApiProblem::payload_too_large(limit).into()),
    }
}

impl<E: Endpoint> Endpoint for BodyLimitEndpoint<E> {
    type Output = poem::Response;

    async fn call(&self, mut req: Request) -> poem::Result<Self::Output> {
        let upload = upload_of(&req);
        let limit = if upload == Upload::None {
            self.default
        } else {
            self.documents
        };
        let announced = req
            .headers()
            .get(poem::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        match announced {
            Some(length) if length > limit as u64 => {
                return too_large(req.uri().path(), upload, limit);
            }
            Some(_) => {}
            None if req
                .headers()
                .contains_key(poem::http::header::TRANSFER_ENCODING) =>
            {
                let path = req.uri().path().to_owned();
                let bytes = match req.take_body().into_bytes_limit(limit).await {
                    Ok(bytes) => bytes,
                    Err(poem::error::ReadBodyError::PayloadTooLarge) => {
                        return too_large(&path, upload, limit);
                    }
                    Err(other) => {
                        return Err(
                            ApiProblem::bad_request("unreadable_body", other.to_string()).into(),
                        );
                    }
                };
                req.set_body(bytes);
            }
            None => {}
        }
        self.inner
            .call(req)
            .await
            .map(poem::IntoResponse::into_response)
    }
}

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: Type> Payload for JsonBody<T> {
    const CONTENT_TYPE: &'static str = "application/json";

    fn check_content_type(content_type: &str) -> bool {
        content_type.parse::<mime::Mime>().is_ok_and(|m| {
            m.type_() == "application"
                && (m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"))
        })
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Type + DeserializeOwned + Send> ParsePayload for JsonBody<T> {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        let bytes = <Vec<u8> as poem::FromRequest>::from_request(request, body).await?;
        parse_json(&bytes).map(Self).map_err(Into::into)
    }
}

poem_openapi::impl_apirequest_for_payload!(JsonBody<T>, T: Type + DeserializeOwned + Send);

/// Parses `bytes` as a `T`, describing any refusal as a 400 problem naming the field.
///
/// # Errors
/// `malformed_json` when the bytes are not JSON; `malformed_request` with the field otherwise,
/// or when the body is an array: every body is a JSON object.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiProblem> {
    let not_json = |e: &serde_json::Error| {
        ApiProblem::bad_request("malformed_json", format!("the body is not valid JSON: {e}"))
    };
    // serde reads a struct from an array too, field by field in order (`[]` would be an empty
    // settings change): the documents say object, so an array is refused here.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        let message = "invalid type: array, expected an object";
        return Err(
            ApiProblem::bad_request("malformed_request", format!("``: {message}")).field(
                "",
                "invalid_type",
                message,
            ),
        );
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let inner = err.inner();
        if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            return not_json(inner);
        }
        let message = strip_position(&inner.to_string());
        let (field, code) = field_at_fault(&err.path().to_string(), &message);
        ApiProblem::bad_request("malformed_request", format!("`{field}`: {message}"))
            .field(field, code, message)
    })?;
    // Trailing bytes after the document.
    deserializer.end().map_err(|e| not_json(&e))?;
    Ok(value)
}

/// serde_json appends " at line L column C"; the field path says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// The full path of the field a serde message is about, and a stable code for why.
///
/// For a missing field serde reports the enclosing object's path and names the field in
/// backticks; for everything else (unknown fields included) the path is the field itself.
fn field_at_fault(path: &str, message: &str) -> (String, &'static str) {
    let here = if path == "." {
        String::new()
    } else {
        path.to_owned()
    };
    if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        let field = if here.is_empty() {
            name.to_owned()
        } else {
            format!("{here}.{name}")
        };
        (field, "required")
    } else if message.starts_with("unknown field") {
        (here, "unknown_field")
    } else if message.starts_with("unknown variant") {
        (here, "unknown_value")
    } else {
        (here, "invalid_type")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Login {
        username: String,
        password: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        level: u8,
    }

    fn refused(json: &str) -> (String, String, String) {
        let problem = parse_json::<Login>(json.as_bytes()).unwrap_err();
        let field = problem.errors.first().cloned();
        (
            problem.code.to_owned(),
            field.as_ref().map(|f| f.field.clone()).unwrap_or_default(),
            field.map(|f| f.code).unwrap_or_default(),
        )
    }

    #[test]
    fn an_unknown_field_is_named() {
        let r = refused(r#"{"username":"a","password":"b","is_admin":true}"#);
        assert_eq!(
            r,
            (
                "malformed_request".into(),
                "is_admin".into(),
                "unknown_field".into()
            )
        );
    }

    #[test]
    fn a_missing_field_is_named() {
        let r = refused(r#"{"username":"a"}"#);
        assert_eq!(
            r,
            (
                "malformed_request".into(),
                "password".into(),
                "required".into()
            )
        );
    }

    #[test]
    fn nested_fields_carry_their_path() {
        let r = refused(r#"{"username":"a","password":"b","inner":{"level":"x"}}"#);
        assert_eq!(r.1, "inner.level");
        let r = refused(r#"{"username":"a","password":"b","inner":{"level":1,"extra":2}}"#);
        assert_eq!(
            (r.1.as_str(), r.2.as_str()),
            ("inner.extra", "unknown_field")
        );
    }

    #[test]
    fn a_wrong_type_is_named() {
        let r = refused(r#"{"username":5,"password":"b"}"#);
        assert_eq!((r.1.as_str(), r.2.as_str()), ("username", "invalid_type"));
    }

    #[test]
    fn an_array_is_not_read_as_the_object_it_lists_the_fields_of() {
        let r = refused(r#" ["a", "b", null]"#);
        assert_eq!(
            (r.0.as_str(), r.2.as_str()),
            ("malformed_request", "invalid_type")
        );
    }

    #[test]
    fn not_json_at_all_is_malformed_json_and_so_is_trailing_garbage() {
        assert_eq!(refused("{nope").0, "malformed_json");
        assert_eq!(refused("").0, "malformed_json");
        assert_eq!(
            refused(r#"{"username":"a","password":"b"} x"#).0,
            "malformed_json"
        );
    }
}
