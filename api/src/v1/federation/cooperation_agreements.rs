//! `/api/v1/cooperation-agreements`: this node's copies of its cooperation agreements.
use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::AccountId;
use ipdr_domain::referral::AgreementStatus;
use poem::web::Data;
use poem_openapi::param::{Header, Path};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

use super::ADMIN;
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::service::cooperation_agreements::{
    self as service, AgreementTerms, CooperationAgreement,
};
use crate::state::AppState;
use crate::v1::ApiTags;
use crate::v1::cases::{etag, if_match};
use crate::v1::wire::{CooperationAgreementStatusName, IpTypeName, ReferralKindName};

#[derive(Default)]
pub struct CooperationAgreementsApi;

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
    pub status: CooperationAgreementStatusName,
    /// The local liaison officers who answer referrals under it.
    pub liaisons: Vec<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn cooperation_agreement_view(
    a: CooperationAgreement,
    today: NaiveDate,
) -> CooperationAgreementView {
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
pub struct CreateCooperationAgreementRequest {
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
    pub status: Option<CooperationAgreementStatusName>,
    #[oai(default)]
    #[serde(default)]
    pub liaisons: Vec<Uuid>,
}

/// A new status.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct CooperationAgreementStatusRequest {
    /// `draft`, `active` or `suspended`.
    pub status: CooperationAgreementStatusName,
}

/// The liaison officers of an agreement.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct CooperationAgreementLiaisonsRequest {
    pub liaisons: Vec<Uuid>,
}

/// What loading the seed agreements did.
#[derive(Object)]
pub struct SeedResult {
    pub loaded: Vec<String>,
    /// Already stored.
    pub skipped: Vec<String>,
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

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::FederationAdmin")]
impl CooperationAgreementsApi {
    /// Store a cooperation agreement.
    ///
    /// Both nodes store their copy under the same `code`; a referral must fall within both.
    #[oai(
        path = "/cooperation-agreements",
        method = "post",
        operation_id = "create_cooperation_agreement"
    )]
    async fn create_cooperation_agreement(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        body: JsonBody<CreateCooperationAgreementRequest>,
    ) -> ApiResult<CooperationAgreementCreated, { ADMIN | status::JSON_BODY | status::CONFLICT }>
    {
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
        let agreement = service::create_agreement(&state, &caller.0, terms).await?;
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
        operation_id = "load_seed_cooperation_agreements"
    )]
    async fn load_seed_cooperation_agreements(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
    ) -> ApiResult<SeedsLoaded, ADMIN> {
        let (loaded, skipped) = service::load_seed_agreements(&state, &caller.0).await?;
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
    async fn list_cooperation_agreements(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
    ) -> ApiResult<CooperationAgreementList, ADMIN> {
        let all = service::list_agreements(&state, &caller.0).await?;
        let today = state.clock.today();
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
    async fn get_cooperation_agreement(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<CooperationAgreementFound, { ADMIN | status::NOT_FOUND }> {
        let agreement = service::get_agreement(&state, &caller.0, id.0).await?;
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
    async fn set_cooperation_agreement_status(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<CooperationAgreementStatusRequest>,
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
        let if_match = if_match(version.0.as_deref());
        let status = AgreementStatus::from(body.0.status);
        let saved =
            service::set_agreement_status(&state, &caller.0, id.0, if_match, status).await?;
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
    async fn set_cooperation_agreement_liaisons(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<CooperationAgreementLiaisonsRequest>,
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
        let if_match = if_match(version.0.as_deref());
        let liaisons: Vec<AccountId> = body.0.liaisons.into_iter().map(AccountId::from).collect();
        let saved =
            service::set_agreement_liaisons(&state, &caller.0, id.0, if_match, liaisons).await?;
        let tag = etag(saved.version);
        Ok(CooperationAgreementFound::Ok(
            Json(cooperation_agreement_view(saved, state.clock.today())),
            tag,
        ))
    }
}
