//! `/federation/v1`: what partner nodes call. `GET /node` is public (who this node is and its
//! public keys); `POST /messages` takes one signed message.
use ipdr_persistence::repo::federation::partners::PublicKey;
use poem::web::Data;
use poem::{Request, RequestBody};
use poem_openapi::auth::Bearer;
use poem_openapi::payload::{Json, ParsePayload, Payload};
use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::Type;
use poem_openapi::{ApiResponse, Object, OpenApi, SecurityScheme};

use super::keys::{PeerRejection, verify_peer};
use super::message::{Message, Receipt};
use crate::body::parse_json;
use crate::error::{ApiResult, status};
use crate::problem::ApiProblem;
use crate::service::referrals;
use crate::state::AppState;
use crate::v1::ApiTags;

#[derive(Default)]
pub struct FederationApi;

/// A federation token: a JWT signed with the sending node's Ed25519 key (`alg` EdDSA, `kid`),
/// `iss` the sending node, `aud` this node, `jti` the message id, `body_sha256` the SHA-256 of
/// the exact body, at most 5 minutes long. User tokens are refused here, and federation tokens
/// on every user route.
#[derive(SecurityScheme)]
#[oai(
    ty = "bearer",
    bearer_format = "JWT (EdDSA, node key)",
    checker = "take_token"
)]
pub struct NodeAuth(String);

async fn take_token(_req: &Request, bearer: Bearer) -> Option<String> {
    Some(bearer.token)
}

/// The raw JSON body of a message: its bytes are what the token signs.
pub struct MessageBody(Vec<u8>);

impl Payload for MessageBody {
    const CONTENT_TYPE: &'static str = "application/json";

    fn check_content_type(content_type: &str) -> bool {
        content_type
            .parse::<mime::Mime>()
            .is_ok_and(|m| m.type_() == "application" && m.subtype() == "json")
    }

    fn schema_ref() -> MetaSchemaRef {
        <serde_json::Value as Type>::schema_ref()
    }

    fn register(registry: &mut Registry) {
        <serde_json::Value as Type>::register(registry);
    }
}

impl ParsePayload for MessageBody {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        Ok(Self(
            <Vec<u8> as poem::FromRequest>::from_request(request, body).await?,
        ))
    }
}

poem_openapi::impl_apirequest_for_payload!(MessageBody,);

/// A node's published key.
#[derive(Object)]
pub struct NodeKeyView {
    pub kid: String,
    /// Always `EdDSA` (Ed25519).
    pub alg: String,
    /// The public key, base64url without padding (a JWK's `x`).
    pub x: String,
}

/// Who this node is.
#[derive(Object)]
pub struct NodeView {
    /// The node id partners register and put in `aud`.
    pub node_id: String,
    pub name: String,
    pub city: String,
    /// Every key that may sign this node's messages, the signing one first; rotated keys stay
    /// here until retired.
    pub keys: Vec<NodeKeyView>,
}

#[derive(ApiResponse)]
pub enum NodeFound {
    /// This node.
    #[oai(status = 200)]
    Ok(Json<NodeView>),
}

#[derive(ApiResponse)]
pub enum MessageApplied {
    /// Applied — or applied before: a redelivered message gets its first receipt and has no
    /// second effect.
    #[oai(status = 200)]
    Ok(Json<Receipt>),
}

fn key_view(k: PublicKey) -> NodeKeyView {
    NodeKeyView {
        kid: k.kid,
        alg: super::keys::KEY_ALGORITHM.to_owned(),
        x: k.x,
    }
}

#[OpenApi(prefix_path = "/federation/v1", tag = "ApiTags::Federation")]
impl FederationApi {
    /// Who this node is.
    ///
    /// Public: a partner's administrator reads the node id and public keys here to register
    /// this node.
    #[oai(path = "/node", method = "get", operation_id = "get_node")]
    async fn get_node(&self, state: Data<&AppState>) -> ApiResult<NodeFound, { status::INTERNAL }> {
        Ok(NodeFound::Ok(Json(NodeView {
            node_id: state.node.id.to_string(),
            name: state.node.name.clone(),
            city: state.node.city.clone(),
            keys: state
                .node_keys
                .published()
                .await
                .into_iter()
                .map(key_view)
                .collect(),
        })))
    }

    /// Deliver a message from a partner node.
    ///
    /// The body is one message (`id`, `referral_id`, `seq`, `from`, `to`, `at`, `on`, `role`,
    /// `step` with its `type`), the token signs its exact bytes. Each message is applied once:
    /// a redelivery answers the first receipt. Messages of one referral apply in `seq` order
    /// (409 `out_of_order`: deliver the earlier one first). Only referrals between the two
    /// nodes can be touched (404 otherwise); a referral must fall within this node's copy of
    /// the agreement (422 naming the clause).
    #[oai(path = "/messages", method = "post", operation_id = "receive_message")]
    async fn receive_message(
        &self,
        state: Data<&AppState>,
        token: NodeAuth,
        body: MessageBody,
    ) -> ApiResult<
        MessageApplied,
        { status::AUTHENTICATED | status::JSON_BODY | status::NOT_FOUND | status::CONFLICT },
    > {
        let (partner, claims) = verify_peer(&state.db, state.node.id.as_str(), &token.0, &body.0)
            .await
            .map_err(|rejection| match rejection {
                PeerRejection::Database(e) => ApiProblem::from(e),
                other => {
                    tracing::info!(rejection = %other, "federation token refused");
                    ApiProblem::unauthenticated()
                }
            })?;
        crate::audit::identify(format!("partner:{}", partner.node_id), Some("partner"));
        let message: Message = parse_json(&body.0)?;
        crate::audit::describe(
            Some(format!("referral:{}", message.referral_id)),
            Some(format!("message {} seq {}", message.id, message.seq)),
        );
        if claims.jti != message.id.to_string()
            || message.from != partner.node_id
            || message.to != state.node.id.as_str()
        {
            tracing::info!("federation token does not cover this message");
            return Err(ApiProblem::unauthenticated().into());
        }
        let receipt = referrals::receive(&state, &partner, message).await?;
        Ok(MessageApplied::Ok(Json(receipt)))
    }
}
