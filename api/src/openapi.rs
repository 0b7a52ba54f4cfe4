//! The OpenAPI document: built from the handlers, served at `/openapi.json`, browsable at
//! `/docs`, and committed under `openapi/` (regenerated with `cargo run -p ipdr-openapi`).
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
/// poem-openapi does not state that request bodies refuse unknown fields; this pass marks every
/// object schema reachable from a request body `additionalProperties: false`, so clients and
/// contract testers see the truth.
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
            }
        }
    }
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or(raw);
    text.push('\n');
    text
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
