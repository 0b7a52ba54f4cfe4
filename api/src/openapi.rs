//! The OpenAPI document: built from the handlers, served at `/openapi.json`, browsable at
//! `/docs`, and committed under `openapi/` (regenerated with `cargo run -p ipdr-openapi`).
use std::sync::LazyLock;

use poem_openapi::OpenApiService;
use serde_json::Value;

use crate::v1;

/// The OpenAPI service of every operation.
pub fn service() -> OpenApiService<v1::Apis, ()> {
    OpenApiService::new(v1::apis(), "IPDR", env!("CARGO_PKG_VERSION")).description(
        "Intellectual-property dispute mediation and cross-region referral. \
         Every error is `application/problem+json` (RFC 9457) with a stable `code` and the \
         request id. Request bodies are limited to 1 MiB and refuse unknown fields.",
    )
}

/// The document as served and committed.
///
/// poem-openapi leaves some of the truth unsaid; this pass states it, so clients and contract
/// testers see what the service accepts:
/// - request bodies refuse unknown fields: every object schema reachable from a request body is
///   `additionalProperties: false`, and its optional fields (`Option`s) take `null` as absent;
/// - dates are `format: date` (poem-openapi says `naive-date`), unsigned integers have their
///   bounds;
/// - the parameters read by shared parsers (`cursor`, `If-Match`, `Idempotency-Key`) have the
///   pattern those parsers accept;
/// - a documented field of a named type is `allOf` over the one `$ref`, its description beside
///   it (poem-openapi adds a second member holding only the description again, an `allOf` over
///   an enum that standard generators such as openapi-python-client refuse).
pub fn spec_json() -> String {
    let raw = service().spec();
    let mut doc: Value = match serde_json::from_str(&raw) {
        Ok(doc) => doc,
        Err(_) => return raw,
    };
    let mut pending: Vec<String> = request_body_refs(&doc);
    let mut closed = std::collections::BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !closed.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = doc.pointer_mut(&format!("/components/schemas/{name}")) {
            collect_refs(schema, &mut pending);
            if schema.get("type").and_then(Value::as_str) == Some("object") {
                schema["additionalProperties"] = Value::Bool(false);
                allow_null_for_optional_fields(schema);
            }
        }
    }
    state_formats(&mut doc);
    describe_shared_parameters(&mut doc);
    single_member_all_of(&mut doc);
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or(raw);
    text.push('\n');
    text
}

/// Request fields outside `required` are `Option`s, which read `null` as absent.
fn allow_null_for_optional_fields(schema: &mut Value) {
    let required: Vec<Value> = schema["required"].as_array().cloned().unwrap_or_default();
    if let Some(properties) = schema["properties"].as_object_mut() {
        for (name, property) in properties {
            if !required.contains(&Value::String(name.clone())) && property.get("default").is_none()
            {
                property["nullable"] = Value::Bool(true);
            }
        }
    }
}

/// Standard formats and the bounds of unsigned integers, everywhere in the document.
fn state_formats(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let bound = match map.get("format").and_then(Value::as_str) {
                Some("naive-date") => {
                    map.insert("format".to_owned(), Value::from("date"));
                    None
                }
                Some("uint16") => Some(u64::from(u16::MAX)),
                Some("uint32") => Some(u64::from(u32::MAX)),
                Some("uint64") => Some(u64::MAX),
                _ => None,
            };
            if let Some(maximum) = bound {
                map.entry("minimum").or_insert(Value::from(0));
                map.entry("maximum").or_insert(Value::from(maximum));
            }
            map.values_mut().for_each(state_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(state_formats),
        _ => {}
    }
}

/// Drops the members of every `allOf` that only repeat the description written beside it.
fn single_member_all_of(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(members)) = map.get_mut("allOf") {
                members.retain(|member| {
                    member
                        .as_object()
                        .is_none_or(|m| m.keys().any(|k| k != "description"))
                });
            }
            map.values_mut().for_each(single_member_all_of);
        }
        Value::Array(items) => items.iter_mut().for_each(single_member_all_of),
        _ => {}
    }
}

/// Operations whose `cursor` is not [`v1::paging`]'s: deadlines page by (due date, case, rule),
/// a key no pattern describes.
const OWN_CURSOR: &[&str] = &["list_deadlines"];

/// The patterns of the parameters whose parsers every operation shares.
fn describe_shared_parameters(doc: &mut Value) {
    let operations = doc["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .flat_map(|item| {
            item.as_object_mut()
                .into_iter()
                .flat_map(|o| o.values_mut())
        });
    for operation in operations {
        let own_cursor = OWN_CURSOR.contains(&operation["operationId"].as_str().unwrap_or(""));
        let parameters = operation
            .get_mut("parameters")
            .and_then(Value::as_array_mut);
        for parameter in parameters.into_iter().flatten() {
            let pattern = match (parameter["in"].as_str(), parameter["name"].as_str()) {
                (Some("query"), Some("cursor")) if !own_cursor => v1::paging::CURSOR_PATTERN,
                (Some("header"), Some("If-Match")) => v1::cases::IF_MATCH_PATTERN,
                (Some("header"), Some("Idempotency-Key")) => crate::idempotency::KEY_PATTERN,
                _ => continue,
            };
            parameter["schema"]["pattern"] = Value::from(pattern);
        }
    }
}

fn request_body_refs(doc: &Value) -> Vec<String> {
    let mut refs = Vec::new();
    for path in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for operation in path.as_object().into_iter().flat_map(|o| o.values()) {
            if let Some(body) = operation.get("requestBody") {
                collect_refs(body, &mut refs);
            }
        }
    }
    refs
}

fn collect_refs(value: &Value, refs: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                refs.push(name.to_owned());
            }
            map.values().for_each(|v| collect_refs(v, refs));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
        _ => {}
    }
}

/// One path template of the document and what each of its methods is.
struct Route {
    segments: Vec<String>,
    /// `GET, POST`, for the `Allow` header.
    methods: String,
    /// (method, operation id, the status it answers on success)
    operations: Vec<(String, String, u16)>,
}

/// The document's path templates, read once.
fn routes() -> &'static [Route] {
    static ROUTES: LazyLock<Vec<Route>> = LazyLock::new(|| {
        let doc: Value = serde_json::from_str(&service().spec()).unwrap_or_default();
        doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(template, item)| {
                let methods = item.as_object().into_iter().flatten();
                let operations: Vec<(String, String, u16)> = methods
                    .filter_map(|(method, op)| {
                        let id = op["operationId"].as_str()?.to_owned();
                        let success = op["responses"]
                            .as_object()
                            .into_iter()
                            .flat_map(|r| r.keys())
                            .filter_map(|code| code.parse::<u16>().ok())
                            .filter(|code| (200..300).contains(code))
                            .min()
                            .unwrap_or(200);
                        Some((method.to_uppercase(), id, success))
                    })
                    .collect();
                Route {
                    segments: template.split('/').map(str::to_owned).collect(),
                    methods: operations
                        .iter()
                        .map(|(m, _, _)| m.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    operations,
                }
            })
            .collect()
    });
    &ROUTES
}

/// The template matching `path` that the router picks: the most literal one.
fn route(path: &str) -> Option<&'static Route> {
    let segments: Vec<&str> = path.split('/').collect();
    routes()
        .iter()
        .filter(|route| {
            route.segments.len() == segments.len()
                && route.segments.iter().zip(&segments).all(|(t, s)| {
                    t == s || (t.starts_with('{') && t.ends_with('}') && !s.is_empty())
                })
        })
        .max_by_key(|route| {
            route
                .segments
                .iter()
                .map(|t| !t.starts_with('{'))
                .collect::<Vec<bool>>()
        })
}

/// The methods the document declares for the path `path` (the most literal template matching
/// it, as the router picks), for the `Allow` header of a 405.
pub fn allowed_methods(path: &str) -> Option<&'static str> {
    route(path).map(|route| route.methods.as_str())
}

/// The operation `method path` calls and the status it answers on success, known before the
/// handler runs (the audit record of a change is written in the change's transaction).
pub fn operation(method: &str, path: &str) -> Option<(&'static str, u16)> {
    route(path)?
        .operations
        .iter()
        .find(|(m, _, _)| m == method)
        .map(|(_, id, success)| (id.as_str(), *success))
}

/// The Swagger UI page, showing [`spec_json`].
pub fn docs_html() -> String {
    let service = service();
    service
        .swagger_ui_html()
        .replace(&service.spec(), &spec_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_objects_refuse_additional_properties_and_responses_do_not() {
        let doc: Value = serde_json::from_str(&spec_json()).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["LoginRequest"]["additionalProperties"],
            Value::Bool(false)
        );
        assert_eq!(
            schemas["CreateAccountRequest"]["additionalProperties"],
            Value::Bool(false)
        );
        assert_eq!(schemas["AccountView"].get("additionalProperties"), None);
    }

    #[test]
    fn a_documented_field_of_a_named_type_is_a_lone_reference_with_its_description_beside() {
        let doc: Value = serde_json::from_str(&spec_json()).unwrap();
        let track = &doc["components"]["schemas"]["CreateCaseRequest"]["properties"]["track"];
        assert_eq!(
            track["allOf"],
            serde_json::json!([{"$ref": "#/components/schemas/TrackName"}])
        );
        assert!(
            track["description"]
                .as_str()
                .is_some_and(|d| d.contains("people"))
        );
        let mut all_of = 0;
        let mut stack = vec![&doc];
        while let Some(v) = stack.pop() {
            match v {
                Value::Object(m) => {
                    if let Some(members) = m.get("allOf").and_then(Value::as_array) {
                        all_of += 1;
                        assert_eq!(members.len(), 1, "{v}");
                    }
                    stack.extend(m.values());
                }
                Value::Array(a) => stack.extend(a),
                _ => {}
            }
        }
        assert!(all_of > 10, "{all_of} documented named-type fields");
    }

    #[test]
    fn the_allowed_methods_are_those_of_the_most_literal_template_matching_the_path() {
        assert_eq!(allowed_methods("/api/v1/auth/login"), Some("POST"));
        assert_eq!(allowed_methods("/api/v1/accounts"), Some("GET, POST"));
        assert_eq!(
            allowed_methods("/api/v1/cooperation-agreements/seed"),
            Some("POST")
        );
        assert_eq!(
            allowed_methods("/api/v1/cooperation-agreements/0190e5a1"),
            Some("GET")
        );
        assert_eq!(allowed_methods("/api/v1/nothing-here"), None);
    }

    #[test]
    fn a_request_names_its_operation_and_success_status_before_the_handler_runs() {
        assert_eq!(operation("POST", "/api/v1/cases"), Some(("open_case", 201)));
        assert_eq!(
            operation("POST", "/api/v1/cases/0190e5a1/accept"),
            Some(("accept_case", 200))
        );
        assert_eq!(operation("DELETE", "/api/v1/cases"), None);
        assert_eq!(operation("POST", "/api/v1/nothing-here"), None);
    }

    #[test]
    fn shared_parameters_carry_their_parsers_pattern_and_dates_their_standard_format() {
        let doc: Value = serde_json::from_str(&spec_json()).unwrap();
        let list = &doc["paths"]["/api/v1/cases"]["get"]["parameters"];
        let cursor = list
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "cursor");
        assert_eq!(
            cursor.unwrap()["schema"]["pattern"],
            v1::paging::CURSOR_PATTERN
        );
        let text = spec_json();
        assert!(!text.contains("naive-date"));
        let settings = &doc["components"]["schemas"]["OrganizationSettingsRequest"];
        assert_eq!(
            settings["properties"]["people_mediation_days"]["nullable"],
            true
        );
        assert_eq!(
            settings["properties"]["people_mediation_days"]["maximum"],
            u32::MAX
        );
    }

    #[test]
    fn operations_with_a_path_parameter_declare_404_for_a_malformed_one() {
        let doc: Value = serde_json::from_str(&spec_json()).unwrap();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                if path.contains('{') {
                    assert!(op["responses"].get("404").is_some(), "{method} {path}");
                }
            }
        }
    }

    #[test]
    fn every_operation_has_an_id_a_tag_and_a_description() {
        let doc: Value = serde_json::from_str(&spec_json()).unwrap();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let at = format!("{method} {path}");
                assert!(
                    op["operationId"].as_str().is_some_and(|s| !s.is_empty()),
                    "{at}: operationId"
                );
                assert!(
                    op["tags"].as_array().is_some_and(|t| t.len() == 1),
                    "{at}: tags"
                );
                assert!(
                    op["description"].as_str().is_some_and(|s| !s.is_empty()),
                    "{at}: description"
                );
                assert!(
                    op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                    "{at}: summary"
                );
            }
        }
    }

    #[test]
    fn authenticated_operations_declare_bearer_security_and_401_and_public_ones_do_not() {
        let doc: Value = serde_json::from_str(&spec_json()).unwrap();
        let public = ["get_health", "get_readiness", "login", "get_node"];
        for item in doc["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                let id = op["operationId"].as_str().unwrap();
                let secured = op.get("security").is_some();
                let has_401 = op["responses"].get("401").is_some();
                if public.contains(&id) {
                    assert!(!secured, "{id} is public");
                } else {
                    assert!(
                        secured && has_401,
                        "{id} must require a bearer token and declare 401"
                    );
                }
                if id != "get_health" {
                    assert!(
                        op["responses"].get("500").is_some() || id == "get_readiness",
                        "{id}: 500"
                    );
                }
            }
        }
    }
}
