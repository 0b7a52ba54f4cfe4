//! `/api/v1/partners`, `/api/v1/cooperation-agreements`, `/api/v1/federation/outbox`: the
//! federation's administration. Administrators only; they see no referral contents.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::access::{Action, Principal, Resource, authorize};
use ipdr_domain::referral::agreement::check_settable;
use ipdr_domain::referral::{AgreementStatus, NodeId};
use ipdr_domain::{AccountId, Invalid, ValidationErrors};
use ipdr_persistence::repo::federation::agreements::{self, Agreement};
use ipdr_persistence::repo::federation::outbox::{self, OutboxMessage, OutboxStatus};
use ipdr_persistence::repo::federation::partners::{self, Partner, PublicKey};
use poem::web::Data;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

use super::ApiTags;
use super::cases::{etag, if_match};
use super::paging::{encode_cursor, page_request};
use super::wire::{AgreementStatusName, IpTypeName, ReferralKindName};
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::problem::ApiProblem;
use crate::service::cooperation::{self, AgreementTerms};
use crate::service::error::{AppError, permit};
use crate::state::AppState;

#[derive(Default)]
pub struct FederationAdminApi;

fn admin(caller: &Principal, action: Action) -> Result<(), AppError> {
    permit(authorize(caller, action, &Resource::Federation))
}

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

impl PartnerRequest {
    fn check(&self, own: &NodeId, node_id: &str) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if let Some(id) = errors.check("node_id", NodeId::parse(node_id))
            && &id == own
        {
            errors.push(
                "node_id",
                Invalid::new("own_node", "this is this node's own id"),
            );
        }
        errors.check(
            "name",
            ipdr_domain::validation::bounded_text(&self.name, 200),
        );
        errors.check(
            "city",
            ipdr_domain::validation::bounded_text(&self.city, 64),
        );
        let url_ok = reqwest::Url::parse(&self.base_url).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.username().is_empty()
                && u.password().is_none()
                && u.query().is_none()
                && u.fragment().is_none()
                && u.host().is_some()
        });
        if !url_ok {
            errors.push(
                "base_url",
                Invalid::new(
                    "invalid_url",
                    "an http(s) URL without credentials, query or fragment",
                ),
            );
        }
        if self.keys.is_empty() || self.keys.len() > 5 {
            errors.push("keys", Invalid::new("required", "1 to 5 keys"));
        }
        for (i, key) in self.keys.iter().enumerate() {
            errors.check(
                &format!("keys[{i}].kid"),
                ipdr_domain::validation::bounded_text(&key.kid, 64),
            );
            let valid = URL_SAFE_NO_PAD
                .decode(&key.x)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                .is_some_and(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).is_ok());
            if !valid {
                errors.push(
                    &format!("keys[{i}].x"),
                    Invalid::new(
                        "invalid_key",
                        "an Ed25519 public key, base64url without padding",
                    ),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn into_partner(
        self,
        node_id: String,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Partner {
        Partner {
            node_id,
            name: self.name.trim().to_owned(),
            city: self.city.trim().to_owned(),
            base_url: self.base_url.trim_end_matches('/').to_owned(),
            keys: self
                .keys
                .into_iter()
                .map(|k| PublicKey { kid: k.kid, x: k.x })
                .collect(),
            active: self.active.unwrap_or(true),
            created_at,
            updated_at: now,
        }
    }
}

/// A cooperation agreement (this node's copy).
#[derive(Object)]
pub struct CooperationAgreementView {
    pub id: Uuid,
    /// The code both nodes know it by.
    pub code: String,
    pub title: String,
    /// The two nodes: this one and the partner.
    pub local_node: String,
    pub partner_node: String,
    pub ip_types: Vec<IpTypeName>,
    pub kinds: Vec<ReferralKindName>,
    /// Working days the partner has to acknowledge, decide, report progress (R28).
    pub acknowledge_days: u32,
    pub decide_days: u32,
    pub report_days: u32,
    pub valid_from: NaiveDate,
    #[oai(skip_serializing_if_is_none)]
    pub valid_until: Option<NaiveDate>,
    /// As of today: an active agreement past `valid_until` reads `expired`.
    pub status: AgreementStatusName,
    /// The local liaison officers who answer referrals under it.
    pub liaisons: Vec<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn cooperation_agreement_view(a: Agreement, today: NaiveDate) -> CooperationAgreementView {
    CooperationAgreementView {
        status: a.scope.status_on(today).into(),
        id: a.id,
        code: a.code,
        title: a.title,
        local_node: a.local_node,
        partner_node: a.partner_node,
        ip_types: a.scope.ip_types.into_iter().map(Into::into).collect(),
        kinds: a.scope.kinds.into_iter().map(Into::into).collect(),
        acknowledge_days: a.days.acknowledge,
        decide_days: a.days.decide,
        report_days: a.days.report,
        valid_from: a.scope.valid_from,
        valid_until: a.scope.valid_until,
        liaisons: a.liaisons.iter().map(AccountId::as_uuid).collect(),
        version: a.version,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

/// A new cooperation agreement.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct CreateAgreementRequest {
    /// The code both nodes use (lower-case letters, digits, `-`), e.g. `dalian-weihai-gi`.
    pub code: String,
    pub title: String,
    pub partner_node: String,
    pub ip_types: Vec<IpTypeName>,
    pub kinds: Vec<ReferralKindName>,
    /// Working days, 1–365; default 2 / 5 / 30 (R28).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub acknowledge_days: Option<u32>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub decide_days: Option<u32>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub report_days: Option<u32>,
    pub valid_from: NaiveDate,
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
    /// `draft` (default), `active` or `suspended`.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub status: Option<AgreementStatusName>,
    #[oai(default)]
    #[serde(default)]
    pub liaisons: Vec<Uuid>,
}

/// A new status.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct AgreementStatusRequest {
    /// `draft`, `active` or `suspended`.
    pub status: AgreementStatusName,
}

/// The liaison officers of an agreement.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct AgreementLiaisonsRequest {
    pub liaisons: Vec<Uuid>,
}

/// What loading the seed agreements did.
#[derive(Object)]
pub struct SeedResult {
    pub loaded: Vec<String>,
    /// Already stored.
    pub skipped: Vec<String>,
}

/// Where an outbox message stands.
#[derive(Enum, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatusName {
    Pending,
    Delivered,
    Dead,
}

/// A federation message to a partner (its contents are not shown).
#[derive(Object)]
pub struct OutboxMessageView {
    pub id: Uuid,
    pub partner_node: String,
    pub referral_id: Uuid,
    pub seq: i64,
    pub status: OutboxStatusName,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<OutboxStatus> for OutboxStatusName {
    fn from(status: OutboxStatus) -> Self {
        match status {
            OutboxStatus::Pending => Self::Pending,
            OutboxStatus::Delivered => Self::Delivered,
            OutboxStatus::Dead => Self::Dead,
        }
    }
}

impl From<OutboxStatusName> for OutboxStatus {
    fn from(status: OutboxStatusName) -> Self {
        match status {
            OutboxStatusName::Pending => Self::Pending,
            OutboxStatusName::Delivered => Self::Delivered,
            OutboxStatusName::Dead => Self::Dead,
        }
    }
}

fn outbox_view(m: OutboxMessage) -> OutboxMessageView {
    OutboxMessageView {
        id: m.id,
        partner_node: m.partner_node,
        referral_id: m.referral_id,
        seq: m.seq,
        status: m.status.into(),
        attempts: m.attempts,
        next_attempt_at: m.next_attempt_at,
        last_error: m.last_error,
        created_at: m.created_at,
        delivered_at: m.delivered_at,
    }
}

/// One page of outbox messages.
#[derive(Object)]
pub struct OutboxPage {
    pub items: Vec<OutboxMessageView>,
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
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

#[derive(ApiResponse)]
pub enum CooperationAgreementCreated {
    /// Stored.
    #[oai(status = 201)]
    Created(
        Json<CooperationAgreementView>,
        #[oai(header = "ETag")] String,
    ),
}

/// A cooperation agreement as read or changed, with its version.
#[derive(ApiResponse)]
pub enum CooperationAgreementFound {
    /// The agreement.
    #[oai(status = 200)]
    Ok(
        Json<CooperationAgreementView>,
        #[oai(header = "ETag")] String,
    ),
}

#[derive(ApiResponse)]
pub enum CooperationAgreementList {
    /// Every agreement, by code.
    #[oai(status = 200)]
    Ok(Json<Vec<CooperationAgreementView>>),
}

#[derive(ApiResponse)]
pub enum SeedsLoaded {
    /// The seed agreements this node is a party to.
    #[oai(status = 200)]
    Ok(Json<SeedResult>),
}

#[derive(ApiResponse)]
pub enum OutboxList {
    /// A page of messages, oldest first.
    #[oai(status = 200)]
    Ok(Json<OutboxPage>),
}

#[derive(ApiResponse)]
pub enum OutboxRetried {
    /// Queued again with a fresh count of attempts.
    #[oai(status = 200)]
    Ok(Json<OutboxMessageView>),
}

const ADMIN: u32 = status::AUTHENTICATED | status::FORBIDDEN;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::FederationAdmin")]
impl FederationAdminApi {
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
        admin(&caller.0, Action::Create)?;
        let node_id = body.0.node_id.clone().unwrap_or_default();
        body.0.check(&state.node.id, &node_id)?;
        let now = state.clock.now();
        let partner = body.0.into_partner(node_id, now, now);
        partners::insert(&state.db, &partner).await?;
        tracing::info!(partner = %partner.node_id, "partner node registered");
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
        admin(&caller.0, Action::List)?;
        let all = partners::list(&state.db).await?;
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
        admin(&caller.0, Action::Update)?;
        let existing = partners::get(&state.db, &node_id.0)
            .await?
            .ok_or_else(ApiProblem::not_found)?;
        body.0.check(&state.node.id, &existing.node_id)?;
        let partner = body
            .0
            .into_partner(existing.node_id, existing.created_at, state.clock.now());
        partners::update(&state.db, &partner).await?;
        tracing::info!(partner = %partner.node_id, active = partner.active, "partner node updated");
        Ok(PartnerUpdated::Ok(Json(partner.into())))
    }

    /// Store a cooperation agreement.
    ///
    /// Both nodes store their copy under the same `code`; a referral must fall within both.
    #[oai(
        path = "/cooperation-agreements",
        method = "post",
        operation_id = "create_cooperation_agreement"
    )]
    async fn create_agreement(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        body: JsonBody<CreateAgreementRequest>,
    ) -> ApiResult<CooperationAgreementCreated, { ADMIN | status::JSON_BODY | status::CONFLICT }>
    {
        admin(&caller.0, Action::Create)?;
        let r = body.0;
        let defaults = ipdr_domain::referral::ResponseDays::R28_DEFAULTS;
        let terms = AgreementTerms {
            code: r.code,
            title: r.title,
            partner_node: r.partner_node,
            ip_types: r.ip_types.into_iter().map(Into::into).collect(),
            kinds: r.kinds.into_iter().map(Into::into).collect(),
            days: (
                r.acknowledge_days.unwrap_or(defaults.acknowledge),
                r.decide_days.unwrap_or(defaults.decide),
                r.report_days.unwrap_or(defaults.report),
            ),
            valid_from: r.valid_from,
            valid_until: r.valid_until,
            status: r.status.map_or(AgreementStatus::Draft, Into::into),
            liaisons: r.liaisons.into_iter().map(AccountId::from).collect(),
        };
        let agreement = cooperation::create(&state, terms).await?;
        let tag = etag(agreement.version);
        Ok(CooperationAgreementCreated::Created(
            Json(cooperation_agreement_view(agreement, state.clock.today())),
            tag,
        ))
    }

    /// Load the seed agreements.
    ///
    /// Dalian–Weihai (geographical indications), Dalian–Yantai, Dalian–Dandong, Xining–Lanzhou
    /// (IP protection), Xining–Baiyin: those this node (`IPDR_NODE_ID`) is a party to are
    /// stored active, with the R28 default days and no liaison officers; codes already stored
    /// are skipped. For demonstrations and first set-up.
    #[oai(
        path = "/cooperation-agreements/seed",
        method = "post",
        operation_id = "load_seed_agreements"
    )]
    async fn load_seed_agreements(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
    ) -> ApiResult<SeedsLoaded, ADMIN> {
        admin(&caller.0, Action::Create)?;
        let (loaded, skipped) = cooperation::load_seeds(&state).await?;
        Ok(SeedsLoaded::Ok(Json(SeedResult { loaded, skipped })))
    }

    /// List cooperation agreements.
    ///
    /// This node's copies, by code, with their status as of today.
    #[oai(
        path = "/cooperation-agreements",
        method = "get",
        operation_id = "list_cooperation_agreements"
    )]
    async fn list_agreements(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
    ) -> ApiResult<CooperationAgreementList, ADMIN> {
        admin(&caller.0, Action::List)?;
        let today = state.clock.today();
        let all = agreements::list(&state.db).await?;
        Ok(CooperationAgreementList::Ok(Json(
            all.into_iter()
                .map(|a| cooperation_agreement_view(a, today))
                .collect(),
        )))
    }

    /// Read a cooperation agreement.
    ///
    /// With its `ETag` for a later status or liaison change.
    #[oai(
        path = "/cooperation-agreements/:id",
        method = "get",
        operation_id = "get_cooperation_agreement"
    )]
    async fn get_agreement(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<CooperationAgreementFound, { ADMIN | status::NOT_FOUND }> {
        admin(&caller.0, Action::Read)?;
        let agreement = agreements::get(&state.db, id.0)
            .await?
            .ok_or_else(ApiProblem::not_found)?;
        let tag = etag(agreement.version);
        Ok(CooperationAgreementFound::Ok(
            Json(cooperation_agreement_view(agreement, state.clock.today())),
            tag,
        ))
    }

    /// Set an agreement's status.
    ///
    /// `active`, `suspended` or `draft`; referrals are sent and received only under an active
    /// agreement within its dates. `expired` follows from `valid_until` and cannot be set.
    #[oai(
        path = "/cooperation-agreements/:id/status",
        method = "put",
        operation_id = "set_cooperation_agreement_status"
    )]
    async fn set_agreement_status(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<AgreementStatusRequest>,
    ) -> ApiResult<
        CooperationAgreementFound,
        {
            ADMIN
                | status::JSON_BODY
                | status::NOT_FOUND
                | status::CONFLICT
                | status::PRECONDITION_FAILED
                | status::BAD_REQUEST
        },
    > {
        admin(&caller.0, Action::Update)?;
        let if_match = if_match(version.0.as_deref())?;
        let status = AgreementStatus::from(body.0.status);
        let saved = cooperation::update(&state, id.0, if_match, |a| {
            check_settable(status).map_err(|e| ValidationErrors::one("status", e))?;
            a.scope.status = status;
            Ok(())
        })
        .await?;
        tracing::info!(agreement = %saved.code, status = status.as_str(), "agreement status changed");
        let tag = etag(saved.version);
        Ok(CooperationAgreementFound::Ok(
            Json(cooperation_agreement_view(saved, state.clock.today())),
            tag,
        ))
    }

    /// Set an agreement's liaison officers.
    ///
    /// The local liaison accounts who read and answer the referrals under it (422 for an
    /// account that is not an active liaison officer).
    #[oai(
        path = "/cooperation-agreements/:id/liaisons",
        method = "put",
        operation_id = "set_cooperation_agreement_liaisons"
    )]
    async fn set_agreement_liaisons(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<AgreementLiaisonsRequest>,
    ) -> ApiResult<
        CooperationAgreementFound,
        {
            ADMIN
                | status::JSON_BODY
                | status::NOT_FOUND
                | status::CONFLICT
                | status::PRECONDITION_FAILED
                | status::BAD_REQUEST
        },
    > {
        admin(&caller.0, Action::Update)?;
        let if_match = if_match(version.0.as_deref())?;
        let liaisons: Vec<AccountId> = body.0.liaisons.into_iter().map(AccountId::from).collect();
        let saved = cooperation::update(&state, id.0, if_match, |a| {
            a.liaisons = liaisons;
            Ok(())
        })
        .await?;
        let tag = etag(saved.version);
        Ok(CooperationAgreementFound::Ok(
            Json(cooperation_agreement_view(saved, state.clock.today())),
            tag,
        ))
    }

    /// List federation messages to partners.
    ///
    /// `status=dead` shows what gave up (after `IPDR_OUTBOX_MAX_ATTEMPTS`, or refused by the
    /// partner) with its last error; `pending` what is still being delivered.
    #[oai(
        path = "/federation/outbox",
        method = "get",
        operation_id = "list_outbox"
    )]
    async fn list_outbox(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        status: Query<Option<OutboxStatusName>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<OutboxList, { ADMIN | status::BAD_REQUEST }> {
        admin(&caller.0, Action::List)?;
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let status = status.0.map(OutboxStatus::from);
        let found = outbox::list(&state.db, status, page).await?;
        Ok(OutboxList::Ok(Json(OutboxPage {
            next_cursor: found.next_after.map(encode_cursor),
            items: found.items.into_iter().map(outbox_view).collect(),
        })))
    }

    /// Retry a dead-lettered message.
    ///
    /// Queues it again with a fresh count of attempts (409 `not_dead` for any other message).
    #[oai(
        path = "/federation/outbox/:id/retry",
        method = "post",
        operation_id = "retry_outbox_message"
    )]
    async fn retry_outbox_message(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<OutboxRetried, { ADMIN | status::NOT_FOUND | status::CONFLICT }> {
        admin(&caller.0, Action::Update)?;
        if !outbox::retry(&state.db, id.0, chrono::Utc::now()).await? {
            return Err(match outbox::get(&state.db, id.0).await? {
                Some(_) => {
                    ApiProblem::conflict("not_dead", "only a dead-lettered message can be retried")
                }
                None => ApiProblem::not_found(),
            }
            .into());
        }
        state.outbox_wake.notify_one();
        let message = outbox::get(&state.db, id.0)
            .await?
            .ok_or_else(ApiProblem::not_found)?;
        tracing::info!(message = %message.id, "dead-lettered federation message queued again");
        Ok(OutboxRetried::Ok(Json(outbox_view(message))))
    }
}
