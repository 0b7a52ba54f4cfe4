//! `/api/v1/partners`: the registry of partner nodes.
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;

use super::ADMIN;
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::service::partners::{self as service, Partner, PartnerEntry, PartnerInput, PartnerKey};
use crate::state::AppState;
use crate::v1::ApiTags;

#[derive(Default)]
pub struct PartnersApi;

/// A partner's published key.
#[derive(Object, Deserialize, Clone)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct PartnerKeyView {
    /// The key's id, as the partner's `GET /federation/v1/node` shows it.
    pub kid: String,
    /// The Ed25519 public key, base64url without padding (a JWK's `x`).
    pub x: String,
}

/// A registered partner node.
#[derive(Object)]
pub struct PartnerView {
    pub node_id: String,
    pub name: String,
    pub city: String,
    /// Where its federation API is; outbound requests go only here.
    pub base_url: String,
    pub keys: Vec<PartnerKeyView>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Partner> for PartnerView {
    fn from(p: Partner) -> Self {
        Self {
            node_id: p.node_id,
            name: p.name,
            city: p.city,
            base_url: p.base_url,
            keys: p
                .keys
                .into_iter()
                .map(|k| PartnerKeyView { kid: k.kid, x: k.x })
                .collect(),
            active: p.active,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A partner node to register, or its new details.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct PartnerRequest {
    /// Its node id (`weihai`); ignored when updating.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub node_id: Option<String>,
    pub name: String,
    pub city: String,
    /// `http://` or `https://`, no credentials, query or fragment.
    pub base_url: String,
    /// 1 to 5 keys; a rotated partner key is added here before the partner retires the old one.
    pub keys: Vec<PartnerKeyView>,
    /// Default true; an inactive partner neither receives nor is accepted.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub active: Option<bool>,
}

impl From<PartnerRequest> for PartnerInput {
    fn from(r: PartnerRequest) -> Self {
        Self {
            node_id: r.node_id,
            entry: PartnerEntry {
                name: r.name,
                city: r.city,
                base_url: r.base_url,
                keys: r
                    .keys
                    .into_iter()
                    .map(|k| PartnerKey { kid: k.kid, x: k.x })
                    .collect(),
            },
            active: r.active,
        }
    }
}

#[derive(ApiResponse)]
pub enum PartnerRegistered {
    /// Registered.
    #[oai(status = 201)]
    Created(Json<PartnerView>),
}

#[derive(ApiResponse)]
pub enum PartnerUpdated {
    /// The partner as updated.
    #[oai(status = 200)]
    Ok(Json<PartnerView>),
}

#[derive(ApiResponse)]
pub enum PartnerList {
    /// Every registered partner, by node id.
    #[oai(status = 200)]
    Ok(Json<Vec<PartnerView>>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::FederationAdmin")]
impl PartnersApi {
    /// Register a partner node.
    ///
    /// Its node id, display name, city, base URL and public keys (from its
    /// `GET /federation/v1/node`). Messages go only to registered URLs and are accepted only
    /// when signed by a registered key.
    #[oai(path = "/partners", method = "post", operation_id = "register_partner")]
    async fn register_partner(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        body: JsonBody<PartnerRequest>,
    ) -> ApiResult<PartnerRegistered, { ADMIN | status::JSON_BODY | status::CONFLICT }> {
        let partner = service::register_partner(&state, &caller.0, body.0.into()).await?;
        Ok(PartnerRegistered::Created(Json(partner.into())))
    }

    /// List partner nodes.
    ///
    /// Every registered partner with its URL, keys and whether it is active.
    #[oai(path = "/partners", method = "get", operation_id = "list_partners")]
    async fn list_partners(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
    ) -> ApiResult<PartnerList, ADMIN> {
        let all = service::list_partners(&state, &caller.0).await?;
        Ok(PartnerList::Ok(Json(
            all.into_iter().map(Into::into).collect(),
        )))
    }

    /// Update a partner node.
    ///
    /// Its URL, keys (add the new key when the partner rotates, drop the old one after it
    /// retires it), name, city, and whether it is active. The node id cannot change.
    #[oai(
        path = "/partners/:node_id",
        method = "put",
        operation_id = "update_partner"
    )]
    async fn update_partner(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        node_id: Path<String>,
        body: JsonBody<PartnerRequest>,
    ) -> ApiResult<PartnerUpdated, { ADMIN | status::JSON_BODY | status::NOT_FOUND }> {
        let partner = service::update_partner(&state, &caller.0, &node_id.0, body.0.into()).await?;
        Ok(PartnerUpdated::Ok(Json(partner.into())))
    }
}
