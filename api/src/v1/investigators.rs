//! `/api/v1/investigators`: the technical investigator pool (administrators) and each
//! investigator's own declared conflicts.
use chrono::{DateTime, Utc};
use ipdr_domain::investigator::stored::{Profile, StoredConflict};
use ipdr_domain::investigator::{DeclaredConflict, ProfileInput};
use ipdr_domain::{AccountId, OrganizationId, ValidationErrors};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

use super::ApiTags;
use super::paging::{encode_cursor, page_request};
use super::wire::{AffiliationName, ConflictKindName, TechnicalFieldName};
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::service::pool;
use crate::state::AppState;

#[derive(Default)]
pub struct InvestigatorsApi;

/// A technical investigator in the pool.
#[derive(Object)]
pub struct InvestigatorView {
    pub account_id: Uuid,
    pub display_name: String,
    pub fields: Vec<TechnicalFieldName>,
    pub affiliation: AffiliationName,
    /// The organisation that contributed the investigator to the pool.
    pub contributed_by: Uuid,
    pub active: bool,
    /// The most cases the investigator works on at once.
    pub max_assignments: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Profile> for InvestigatorView {
    fn from(p: Profile) -> Self {
        Self {
            account_id: p.account_id.as_uuid(),
            display_name: p.display_name,
            fields: p.fields.into_iter().map(Into::into).collect(),
            affiliation: p.affiliation.into(),
            contributed_by: p.contributed_by.as_uuid(),
            active: p.active,
            max_assignments: p.max_assignments,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A profile for an `investigator` account.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct CreateInvestigatorRequest {
    /// An account with the `investigator` role.
    pub account_id: Uuid,
    /// At least one.
    pub fields: Vec<TechnicalFieldName>,
    pub affiliation: AffiliationName,
    /// The organisation that contributed them (court, IP authority, …).
    pub contributed_by: Uuid,
    /// 1 to 100.
    pub max_assignments: u32,
}

/// A profile's new values.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct UpdateInvestigatorRequest {
    pub fields: Vec<TechnicalFieldName>,
    pub affiliation: AffiliationName,
    pub max_assignments: u32,
    /// An inactive investigator is never proposed nor assigned; current assignments go on.
    pub active: bool,
}

/// One page of the pool.
#[derive(Object)]
pub struct InvestigatorPage {
    pub items: Vec<InvestigatorView>,
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

/// A relationship the investigator declares.
#[derive(Object)]
pub struct ConflictView {
    pub id: Uuid,
    pub kind: ConflictKindName,
    pub value: String,
    pub relationship: String,
    pub created_at: DateTime<Utc>,
}

impl From<StoredConflict> for ConflictView {
    fn from(c: StoredConflict) -> Self {
        Self {
            id: c.id,
            kind: c.conflict.kind.into(),
            value: c.conflict.value,
            relationship: c.conflict.relationship,
            created_at: c.created_at,
        }
    }
}

/// A conflict to declare.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct DeclareConflictRequest {
    pub kind: ConflictKindName,
    /// The organisation's or person's name, or the credit code (checked per GB 32100).
    pub value: String,
    /// E.g. 前雇主 (former employer), 亲属 (relative), 持股 (shareholding).
    pub relationship: String,
}

/// The caller's declared conflicts.
#[derive(Object)]
pub struct ConflictList {
    pub items: Vec<ConflictView>,
}

#[derive(ApiResponse)]
pub enum InvestigatorCreated {
    /// Added to the pool.
    #[oai(status = 201)]
    Created(Json<InvestigatorView>),
}

#[derive(ApiResponse)]
pub enum InvestigatorFound {
    /// The profile.
    #[oai(status = 200)]
    Ok(Json<InvestigatorView>),
}

#[derive(ApiResponse)]
pub enum InvestigatorList {
    /// A page of the pool.
    #[oai(status = 200)]
    Ok(Json<InvestigatorPage>),
}

#[derive(ApiResponse)]
pub enum ConflictDeclared {
    /// Declared; the investigator is no longer proposed for cases with this party.
    #[oai(status = 201)]
    Created(Json<ConflictView>),
}

#[derive(ApiResponse)]
pub enum Conflicts {
    /// The declared conflicts.
    #[oai(status = 200)]
    Ok(Json<ConflictList>),
}

#[derive(ApiResponse)]
pub enum ConflictWithdrawn {
    /// Withdrawn.
    #[oai(status = 204)]
    Gone,
}

fn profile_input(
    fields: Vec<TechnicalFieldName>,
    affiliation: AffiliationName,
    max: u32,
) -> Result<ProfileInput, ValidationErrors> {
    ProfileInput::parse(
        fields.into_iter().map(Into::into).collect(),
        affiliation.into(),
        max,
    )
}

#[OpenApi(prefix_path = "/api/v1/investigators", tag = "ApiTags::Investigators")]
impl InvestigatorsApi {
    /// Add an investigator to the pool.
    ///
    /// Administrators only. The account must have the `investigator` role and no profile yet
    /// (409 `investigator_profile_exists`).
    #[oai(path = "/", method = "post", operation_id = "create_investigator")]
    async fn create_investigator(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        body: JsonBody<CreateInvestigatorRequest>,
    ) -> ApiResult<
        InvestigatorCreated,
        { status::AUTHENTICATED | status::FORBIDDEN | status::JSON_BODY | status::CONFLICT },
    > {
        let r = body.0;
        let created = pool::add(
            &state,
            &caller.0,
            AccountId::from(r.account_id),
            profile_input(r.fields, r.affiliation, r.max_assignments),
            OrganizationId::from(r.contributed_by),
        )
        .await?;
        Ok(InvestigatorCreated::Created(Json(created.into())))
    }

    /// List the pool.
    ///
    /// Administrators only; pages of `limit` (1–100, default 50) continued with `cursor`.
    #[oai(path = "/", method = "get", operation_id = "list_investigators")]
    async fn list_investigators(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<
        InvestigatorList,
        { status::AUTHENTICATED | status::FORBIDDEN | status::BAD_REQUEST },
    > {
        pool::may_list(&caller.0)?;
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let found = pool::list(&state, &caller.0, page).await?;
        Ok(InvestigatorList::Ok(Json(InvestigatorPage {
            next_cursor: found.next_after.map(encode_cursor),
            items: found.items.into_iter().map(Into::into).collect(),
        })))
    }

    /// Read an investigator's profile.
    ///
    /// Administrators, and the investigator themselves.
    #[oai(
        path = "/:account_id",
        method = "get",
        operation_id = "get_investigator"
    )]
    async fn get_investigator(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        account_id: Path<Uuid>,
    ) -> ApiResult<
        InvestigatorFound,
        { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND },
    > {
        let found = pool::get(&state, &caller.0, AccountId::from(account_id.0)).await?;
        Ok(InvestigatorFound::Ok(Json(found.into())))
    }

    /// Change an investigator's profile.
    ///
    /// Administrators only: fields, affiliation, load limit, active or not.
    #[oai(
        path = "/:account_id",
        method = "put",
        operation_id = "update_investigator"
    )]
    async fn update_investigator(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        account_id: Path<Uuid>,
        body: JsonBody<UpdateInvestigatorRequest>,
    ) -> ApiResult<
        InvestigatorFound,
        { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND | status::JSON_BODY },
    > {
        let account = AccountId::from(account_id.0);
        let r = body.0;
        let input = profile_input(r.fields, r.affiliation, r.max_assignments);
        let found = pool::update(&state, &caller.0, account, input, r.active).await?;
        Ok(InvestigatorFound::Ok(Json(found.into())))
    }

    /// List my declared conflicts.
    ///
    /// Investigators only: the organisations, persons and credit codes they are related to.
    #[oai(
        path = "/me/conflicts",
        method = "get",
        operation_id = "list_my_conflicts"
    )]
    async fn list_my_conflicts(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
    ) -> ApiResult<Conflicts, { status::AUTHENTICATED | status::FORBIDDEN }> {
        let items = pool::own_conflicts(&state, &caller.0).await?;
        Ok(Conflicts::Ok(Json(ConflictList {
            items: items.into_iter().map(Into::into).collect(),
        })))
    }

    /// Declare a conflict.
    ///
    /// Investigators only. From now on the investigator is neither proposed for nor assignable
    /// to a case where a party (or a party's agent or its firm) matches: credit codes exactly,
    /// names ignoring case and spacing.
    #[oai(
        path = "/me/conflicts",
        method = "post",
        operation_id = "declare_conflict"
    )]
    async fn declare_conflict(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        body: JsonBody<DeclareConflictRequest>,
    ) -> ApiResult<
        ConflictDeclared,
        { status::AUTHENTICATED | status::FORBIDDEN | status::JSON_BODY },
    > {
        let r = body.0;
        let conflict = DeclaredConflict::parse(r.kind.into(), &r.value, &r.relationship);
        let stored = pool::declare_conflict(&state, &caller.0, conflict).await?;
        Ok(ConflictDeclared::Created(Json(stored.into())))
    }

    /// Withdraw a declared conflict.
    ///
    /// Investigators only, their own conflicts.
    #[oai(
        path = "/me/conflicts/:id",
        method = "delete",
        operation_id = "withdraw_conflict"
    )]
    async fn withdraw_conflict(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<
        ConflictWithdrawn,
        { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND },
    > {
        pool::withdraw_conflict(&state, &caller.0, id.0).await?;
        Ok(ConflictWithdrawn::Gone)
    }
}
