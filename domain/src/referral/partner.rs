//! What makes a partner node's registration valid: its id, name, city, the one URL its
//! federation API is reached at, and the keys its messages are signed with.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::NodeId;
use crate::validation::bounded_text;
use crate::{Invalid, ValidationErrors};

/// The most keys a partner may have registered at once (a rotation adds one before the old
/// one is retired).
pub const MAX_KEYS: usize = 5;

/// A partner's published key, as its `GET /federation/v1/node` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerKey {
    /// The key's id, at most 64 characters.
    pub kid: String,
    /// The Ed25519 public key, base64url without padding (a JWK's `x`).
    pub x: String,
}

/// A partner node's details as an administrator enters them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerEntry {
    pub name: String,
    pub city: String,
    pub base_url: String,
    pub keys: Vec<PartnerKey>,
}

/// A partner node's details, checked: the name and city trimmed, the URL without its trailing
/// `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerDetails {
    pub node_id: NodeId,
    pub name: String,
    pub city: String,
    pub base_url: String,
    pub keys: Vec<PartnerKey>,
}

/// Checks a partner node `node_id` with `entry`'s details, as registered on node `own`.
///
/// # Errors
/// Every field at fault: `node_id` (not a node id, or `own`), `name` (1–200 characters),
/// `city` (1–64), `base_url` (an `http(s)` URL with a host and no credentials, query or
/// fragment), `keys` (1 to 5), `keys[i].kid` (1–64 characters), `keys[i].x` (not an Ed25519
/// public key in unpadded base64url).
pub fn check_partner(
    own: &NodeId,
    node_id: &str,
    entry: PartnerEntry,
) -> Result<PartnerDetails, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let id = errors.check("node_id", NodeId::parse(node_id));
    if id.as_ref() == Some(own) {
        errors.push(
            "node_id",
            Invalid::new("own_node", "this is this node's own id"),
        );
    }
    let name = errors.check("name", bounded_text(&entry.name, 200));
    let city = errors.check("city", bounded_text(&entry.city, 64));
    if !is_federation_url(&entry.base_url) {
        errors.push(
            "base_url",
            Invalid::new(
                "invalid_url",
                "an http(s) URL without credentials, query or fragment",
            ),
        );
    }
    if entry.keys.is_empty() || entry.keys.len() > MAX_KEYS {
        errors.push("keys", Invalid::new("required", "1 to 5 keys"));
    }
    for (i, key) in entry.keys.iter().enumerate() {
        errors.check(&format!("keys[{i}].kid"), bounded_text(&key.kid, 64));
        if !is_ed25519_public_key(&key.x) {
            errors.push(
                &format!("keys[{i}].x"),
                Invalid::new(
                    "invalid_key",
                    "an Ed25519 public key, base64url without padding",
                ),
            );
        }
    }
    match (id, name, city) {
        (Some(node_id), Some(name), Some(city)) if errors.is_empty() => Ok(PartnerDetails {
            node_id,
            name,
            city,
            base_url: entry.base_url.trim_end_matches('/').to_owned(),
            keys: entry.keys,
        }),
        _ => Err(errors),
    }
}

/// Where a partner's federation API may be: `http://` or `https://` with a host, and no
/// credentials, query or fragment (outbound requests go only there).
fn is_federation_url(input: &str) -> bool {
    url::Url::parse(input).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https")
            && u.username().is_empty()
            && u.password().is_none()
            && u.query().is_none()
            && u.fragment().is_none()
            && u.host().is_some()
    })
}

/// Whether `x` is an Ed25519 public key in unpadded base64url (a JWK's `x`).
fn is_ed25519_public_key(x: &str) -> bool {
    URL_SAFE_NO_PAD
        .decode(x)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
        .is_some_and(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The public key of the RFC 8032 test vector 1.
    const KEY: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    fn own() -> NodeId {
        NodeId::parse("dalian").unwrap()
    }

    fn entry() -> PartnerEntry {
        PartnerEntry {
            name: " Weihai IP Centre ".into(),
            city: "Weihai".into(),
            base_url: "https://weihai.example/".into(),
            keys: vec![PartnerKey {
                kid: "weihai-1".into(),
                x: KEY.into(),
            }],
        }
    }

    fn fields(errors: &ValidationErrors) -> Vec<(&str, &str)> {
        errors
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect()
    }

    #[test]
    fn a_valid_partner_is_trimmed_and_its_url_loses_the_trailing_slash() {
        let details = check_partner(&own(), "weihai", entry()).unwrap();
        assert_eq!(details.node_id.as_str(), "weihai");
        assert_eq!(details.name, "Weihai IP Centre");
        assert_eq!(details.base_url, "https://weihai.example");
        assert_eq!(details.keys, entry().keys);
    }

    #[test]
    fn a_partner_is_another_node_with_a_node_id() {
        let errors = check_partner(&own(), "dalian", entry()).unwrap_err();
        assert_eq!(fields(&errors), [("node_id", "own_node")]);
        let errors = check_partner(&own(), "Weihai!", entry()).unwrap_err();
        assert_eq!(fields(&errors), [("node_id", "invalid_format")]);
    }

    #[test]
    fn the_federation_url_is_http_with_a_host_and_nothing_secret_or_variable() {
        for bad in [
            "ftp://weihai.example",
            "https://user:pw@weihai.example",
            "https://weihai.example/?a=1",
            "https://weihai.example/#top",
            "weihai.example",
            "",
        ] {
            let errors = check_partner(
                &own(),
                "weihai",
                PartnerEntry {
                    base_url: bad.into(),
                    ..entry()
                },
            )
            .unwrap_err();
            assert_eq!(fields(&errors), [("base_url", "invalid_url")], "{bad}");
        }
        assert!(is_federation_url("http://10.0.0.5:8081/ipdr"));
    }

    #[test]
    fn a_partner_has_one_to_five_ed25519_keys() {
        let key = entry().keys[0].clone();
        let none = PartnerEntry {
            keys: Vec::new(),
            ..entry()
        };
        assert_eq!(
            fields(&check_partner(&own(), "weihai", none).unwrap_err()),
            [("keys", "required")]
        );
        let six = PartnerEntry {
            keys: vec![key.clone(); 6],
            ..entry()
        };
        assert!(check_partner(&own(), "weihai", six).is_err());
        let five = PartnerEntry {
            keys: vec![key; 5],
            ..entry()
        };
        assert!(check_partner(&own(), "weihai", five).is_ok());
        let bad = PartnerEntry {
            keys: vec![
                PartnerKey {
                    kid: String::new(),
                    x: "AAAA".into(),
                },
                PartnerKey {
                    kid: "k2".into(),
                    x: format!("{KEY}="),
                },
            ],
            ..entry()
        };
        assert_eq!(
            fields(&check_partner(&own(), "weihai", bad).unwrap_err()),
            [
                ("keys[0].kid", "required"),
                ("keys[0].x", "invalid_key"),
                ("keys[1].x", "invalid_key")
            ]
        );
    }

    #[test]
    fn every_field_at_fault_is_named_in_order() {
        let all_bad = PartnerEntry {
            name: String::new(),
            city: "x".repeat(65),
            base_url: "nope".into(),
            keys: Vec::new(),
        };
        let errors = check_partner(&own(), "dalian", all_bad).unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                ("node_id", "own_node"),
                ("name", "required"),
                ("city", "too_long"),
                ("base_url", "invalid_url"),
                ("keys", "required")
            ]
        );
    }
}
