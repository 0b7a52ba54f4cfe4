//! `/api/v1/organizations`: the organisations of this instance. Administrators only.
use chrono::{DateTime, Utc};
use ipdr_domain::Status;
use ipdr_domain::division::DivisionCode;
use ipdr_domain::organization::{
    Jurisdiction, NewOrganization, Organization, people_mediation_days,
};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

use super::ApiTags;
use super::paging::{encode_cursor, page_request};
use super::wire::{CourtLevelName, IpTypeName, OrganizationKindName, StatusName};
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::service::organizations::{self as service, OrganizationFilter};
use crate::state::AppState;

#[derive(Default)]
pub struct OrganizationsApi;

/// An organisation: a mediation body, a court, the investigator pool, a liaison office, or the
/// operator of the instance.
#[derive(Object)]
pub struct OrganizationView {
    pub id: Uuid,
    /// Short upper-case code, used in case numbers.
    pub code: String,
    pub name: String,
    pub kind: OrganizationKindName,
    /// Courts only.
    #[oai(skip_serializing_if_is_none)]
    pub court_level: Option<CourtLevelName>,
    pub city: String,
    /// Where the organisation sits, as a GB/T 2260 administrative-division code (`210202` 中山区,
    /// `210200` 大连市, `210000` 辽宁省); absent until recorded. Decides which basic court is
    /// "the court where the mediation body sits" (R9).
    #[oai(skip_serializing_if_is_none)]
    pub division_code: Option<String>,
    pub status: StatusName,
    /// Mediation committees: the target for concluding a case in days (R16); absent means the
    /// default of 30.
    #[oai(skip_serializing_if_is_none)]
    pub people_mediation_days: Option<u32>,
    /// Courts: the places and IP matters the court has jurisdiction over (R9, R14); absent
    /// until an administrator sets it.
    #[oai(skip_serializing_if_is_none)]
    pub jurisdiction: Option<JurisdictionView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Organization> for OrganizationView {
    fn from(o: Organization) -> Self {
        Self {
            id: o.id.as_uuid(),
            code: o.code.as_str().to_owned(),
            name: o.name.as_str().to_owned(),
            kind: o.kind.into(),
            court_level: o.kind.court_level().map(Into::into),
            city: o.city.as_str().to_owned(),
            division_code: o.division.map(|d| d.as_str().to_owned()),
            status: o.status.into(),
            people_mediation_days: o.people_mediation_days,
            jurisdiction: o.jurisdiction.map(|j| JurisdictionView {
                areas: j.areas,
                divisions: j.divisions.iter().map(|d| d.as_str().to_owned()).collect(),
                ip_types: j.ip_types.into_iter().map(Into::into).collect(),
            }),
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// What a court has jurisdiction over (R9, R14).
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct JurisdictionView {
    /// The places, as they appear in addresses (`大连市`, `甘井子区`, `Dalian`), each at most 64
    /// characters. A place matches when a party's address, the dispute's city or the mediation
    /// body's city contains it.
    pub areas: Vec<String>,
    /// The places as GB/T 2260 administrative-division codes (`210202` for 中山区): the court
    /// covers a mediation body whose `division_code` lies within one of them, or contains one
    /// (a city-level body sits within the city a district court belongs to). Areas and
    /// divisions together: 1 to 50 places.
    #[oai(default)]
    #[serde(default)]
    pub divisions: Vec<String>,
    /// The kinds of IP right the court hears. Invention patents, utility models, plant
    /// varieties and IC layout designs belong to intermediate and IP courts, the others to
    /// basic courts (R9).
    pub ip_types: Vec<IpTypeName>,
}

/// A new organisation.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganizationRequest {
    /// 2–16 letters or digits starting with a letter, unique (e.g. `DLIPMC`); stored upper-case.
    pub code: String,
    /// Unique within its city, at most 200 characters.
    pub name: String,
    pub kind: OrganizationKindName,
    /// Required for courts, refused for everything else.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub court_level: Option<CourtLevelName>,
    /// At most 64 characters.
    pub city: String,
    /// Where it sits: a GB/T 2260 administrative-division code, six digits whose first two name
    /// a province (`210202`). Optional; see `OrganizationView.division_code`.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub division_code: Option<String>,
}

/// Where an organisation sits.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct OrganizationLocationRequest {
    /// A GB/T 2260 administrative-division code (six digits, the first two a province); `null`
    /// clears it.
    #[serde(default)]
    pub division_code: Option<String>,
}

impl CreateOrganizationRequest {
    fn try_into_domain(self) -> Result<NewOrganization, ipdr_domain::ValidationErrors> {
        let level = self
            .court_level
            .map(|l| ipdr_domain::organization::CourtLevel::from(l).as_str());
        NewOrganization::parse(
            &self.code,
            &self.name,
            self.kind.name(),
            level,
            &self.city,
            self.division_code.as_deref(),
        )
    }
}

/// One page of organisations.
#[derive(Object)]
pub struct OrganizationPage {
    pub items: Vec<OrganizationView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

/// Settings of an organisation.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct OrganizationSettingsRequest {
    /// The R16 target of a mediation committee, 1 to 365 days; `null` restores the default (30).
    #[serde(default)]
    pub people_mediation_days: Option<u32>,
}

#[derive(ApiResponse)]
pub enum CreatedOrganization {
    /// Created.
    #[oai(status = 201)]
    Created(
        Json<OrganizationView>,
        /// Where the new organisation can be read.
        #[oai(header = "Location")]
        String,
    ),
}

#[derive(ApiResponse)]
pub enum OrganizationFound {
    /// The organisation.
    #[oai(status = 200)]
    Ok(Json<OrganizationView>),
}

#[derive(ApiResponse)]
pub enum OrganizationList {
    /// A page of organisations, oldest first.
    #[oai(status = 200)]
    Ok(Json<OrganizationPage>),
}

fn location(id: Uuid) -> String {
    format!("/api/v1/organizations/{id}")
}

#[OpenApi(prefix_path = "/api/v1/organizations", tag = "ApiTags::Organizations")]
impl OrganizationsApi {
    /// Create an organisation.
    ///
    /// Administrators only. `code` must be unique (409 `organization_code_taken`), and so must
    /// `name` within its `city` (409 `organization_name_taken`). A court needs its
    /// `court_level`; nothing else may have one.
    #[oai(path = "/", method = "post", operation_id = "create_organization")]
    async fn create_organization(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        body: JsonBody<CreateOrganizationRequest>,
    ) -> ApiResult<
        CreatedOrganization,
        { status::AUTHENTICATED | status::FORBIDDEN | status::JSON_BODY | status::CONFLICT },
    > {
        let new = body.0.try_into_domain();
        let created = service::create_organization(&state, &caller.0, new).await?;
        let location = location(created.id.as_uuid());
        Ok(CreatedOrganization::Created(Json(created.into()), location))
    }

    /// List organisations.
    ///
    /// Administrators only. Oldest first, filtered by `kind`, `city` (exact) and `status`; pages
    /// of `limit` (1–100, default 50) continued with `cursor`.
    #[oai(path = "/", method = "get", operation_id = "list_organizations")]
    #[allow(
        clippy::too_many_arguments,
        reason = "poem-openapi takes one argument per query parameter"
    )]
    async fn list_organizations(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        kind: Query<Option<OrganizationKindName>>,
        city: Query<Option<String>>,
        status: Query<Option<StatusName>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<
        OrganizationList,
        { status::AUTHENTICATED | status::FORBIDDEN | status::BAD_REQUEST },
    > {
        let page = page_request(limit.0, cursor.0.as_deref());
        let filter = OrganizationFilter {
            kind: kind.0.map(OrganizationKindName::name),
            city: city.0,
            status: status.0.map(Status::from),
        };
        let found = service::list_organizations(&state, &caller.0, &filter, page).await?;
        Ok(OrganizationList::Ok(Json(OrganizationPage {
            next_cursor: found.next_after.map(encode_cursor),
            items: found.items.into_iter().map(Into::into).collect(),
        })))
    }

    /// Read an organisation.
    ///
    /// Administrators only.
    #[oai(path = "/:id", method = "get", operation_id = "get_organization")]
    async fn get_organization(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<
        OrganizationFound,
        { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND },
    > {
        let found = service::get_organization(&state, &caller.0, id.0.into()).await?;
        Ok(OrganizationFound::Ok(Json(found.into())))
    }

    /// Disable an organisation.
    ///
    /// Administrators only. Its accounts can no longer log in and their tokens stop working at
    /// once; nothing is deleted. Refused (409 `cannot_disable_own_organization`) for the
    /// administrator's own organisation. Disabling a disabled organisation changes nothing.
    #[oai(
        path = "/:id/disable",
        method = "post",
        operation_id = "disable_organization"
    )]
    async fn disable_organization(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<
        OrganizationFound,
        { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND | status::CONFLICT },
    > {
        let disabled = service::disable_organization(&state, &caller.0, id.0.into()).await?;
        Ok(OrganizationFound::Ok(Json(disabled.into())))
    }

    /// Change an organisation's settings.
    ///
    /// Administrators only. `people_mediation_days` is the target within which the committee
    /// concludes a people's mediation case (R16, default 30): it applies to cases accepted
    /// afterwards.
    #[oai(
        path = "/:id/settings",
        method = "put",
        operation_id = "update_organization_settings"
    )]
    async fn update_organization_settings(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<OrganizationSettingsRequest>,
    ) -> ApiResult<
        OrganizationFound,
        { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND | status::JSON_BODY },
    > {
        let days = body
            .0
            .people_mediation_days
            .map(people_mediation_days)
            .transpose()
            .map_err(|e| ipdr_domain::ValidationErrors::one("people_mediation_days", e));
        let updated =
            service::set_people_mediation_days(&state, &caller.0, id.0.into(), days).await?;
        Ok(OrganizationFound::Ok(Json(updated.into())))
    }

    /// Set a court's jurisdiction.
    ///
    /// Administrators only. The places and IP matters the court has jurisdiction over decide
    /// which courts may confirm a settlement (R9; administrative mediation, R14). Replaces what
    /// was set before; applies to applications made afterwards.
    #[oai(
        path = "/:id/jurisdiction",
        method = "put",
        operation_id = "set_court_jurisdiction"
    )]
    async fn set_court_jurisdiction(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<JurisdictionView>,
    ) -> ApiResult<
        OrganizationFound,
        {
            status::AUTHENTICATED
                | status::FORBIDDEN
                | status::NOT_FOUND
                | status::CONFLICT
                | status::JSON_BODY
        },
    > {
        let ip_types: Vec<_> = body.0.ip_types.iter().map(|t| (*t).into()).collect();
        let jurisdiction = Jurisdiction::parse(&body.0.areas, &body.0.divisions, &ip_types);
        let updated =
            service::set_court_jurisdiction(&state, &caller.0, id.0.into(), jurisdiction).await?;
        Ok(OrganizationFound::Ok(Json(updated.into())))
    }

    /// Record where an organisation sits.
    ///
    /// Administrators only. The GB/T 2260 code of the province, city or district the
    /// organisation sits in; for a mediation body it decides which basic courts are "where the
    /// body sits" (R9). Applies to applications made afterwards.
    #[oai(
        path = "/:id/location",
        method = "put",
        operation_id = "set_organization_location"
    )]
    async fn set_organization_location(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<OrganizationLocationRequest>,
    ) -> ApiResult<
        OrganizationFound,
        { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND | status::JSON_BODY },
    > {
        let division = body
            .0
            .division_code
            .as_deref()
            .map(DivisionCode::parse)
            .transpose()
            .map_err(|e| ipdr_domain::ValidationErrors::one("division_code", e));
        let updated =
            service::set_organization_location(&state, &caller.0, id.0.into(), division).await?;
        Ok(OrganizationFound::Ok(Json(updated.into())))
    }

    /// Enable an organisation.
    ///
    /// Administrators only. Its accounts can log in again (those themselves enabled); tokens
    /// issued before it was disabled stay invalid.
    #[oai(
        path = "/:id/enable",
        method = "post",
        operation_id = "enable_organization"
    )]
    async fn enable_organization(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<
        OrganizationFound,
        { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND },
    > {
        let enabled = service::enable_organization(&state, &caller.0, id.0.into()).await?;
        Ok(OrganizationFound::Ok(Json(enabled.into())))
    }
}
