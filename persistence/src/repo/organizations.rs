//! Organisations.
use chrono::{DateTime, Utc};
use ipdr_domain::case::IpType;
use ipdr_domain::division::DivisionCode;
use ipdr_domain::organization::{
    City, CourtLevel, Jurisdiction, NewOrganization, Organization, OrganizationCode,
    OrganizationKind, OrganizationName,
};
use ipdr_domain::{OrganizationId, Status};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::{Conflict, Page, PageRequest, RepoError, parse_stored, stored_int, violates_unique};
use crate::entity::organizations::{self, Column, Entity};

/// Optional filters of [`list`]; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct OrganizationFilter {
    /// An `OrganizationKind::name()` (all court levels for `court`).
    pub kind: Option<&'static str>,
    pub city: Option<String>,
    pub status: Option<Status>,
}

impl TryFrom<organizations::Model> for Organization {
    type Error = RepoError;

    fn try_from(row: organizations::Model) -> Result<Self, Self::Error> {
        let kind = OrganizationKind::parse(&row.kind, row.court_level.as_deref())
            .map_err(|_| RepoError::Corrupt(format!("organization kind `{}`", row.kind)))?;
        let invalid = |what: &str| RepoError::Corrupt(format!("organization {what} of {}", row.id));
        Ok(Organization {
            id: row.id.into(),
            code: OrganizationCode::parse(&row.code).map_err(|_| invalid("code"))?,
            name: OrganizationName::parse(&row.name).map_err(|_| invalid("name"))?,
            kind,
            city: City::parse(&row.city).map_err(|_| invalid("city"))?,
            division: row
                .division_code
                .as_deref()
                .map(|d| DivisionCode::parse(d).map_err(|_| invalid("division code")))
                .transpose()?,
            status: parse_stored("status", &row.status, Status::parse)?,
            people_mediation_days: row
                .people_mediation_days
                .map(|d| stored_int("people mediation days", d))
                .transpose()?,
            jurisdiction: row
                .jurisdiction
                .as_deref()
                .map(|j| parse_jurisdiction(j).ok_or_else(|| invalid("jurisdiction")))
                .transpose()?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// How a court's jurisdiction is stored: JSON with the areas and the IP types' names.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredJurisdiction {
    areas: Vec<String>,
    #[serde(default)]
    divisions: Vec<String>,
    ip_types: Vec<String>,
}

fn jurisdiction_json(j: &Jurisdiction) -> String {
    serde_json::to_string(&StoredJurisdiction {
        areas: j.areas.clone(),
        divisions: j.divisions.iter().map(|d| d.as_str().to_owned()).collect(),
        ip_types: j.ip_types.iter().map(|t| t.as_str().to_owned()).collect(),
    })
    .unwrap_or_default()
}

fn parse_jurisdiction(text: &str) -> Option<Jurisdiction> {
    let stored: StoredJurisdiction = serde_json::from_str(text).ok()?;
    Some(Jurisdiction {
        areas: stored.areas,
        divisions: stored
            .divisions
            .iter()
            .map(|d| DivisionCode::parse(d).ok())
            .collect::<Option<_>>()?,
        ip_types: stored
            .ip_types
            .iter()
            .map(|t| IpType::parse(t))
            .collect::<Option<_>>()?,
    })
}

/// Stores a new organisation under `id`.
///
/// # Errors
/// [`Conflict::OrganizationCode`] or [`Conflict::OrganizationName`] (same name in the same
/// city) when taken; database errors.
pub async fn insert(
    db: &impl ConnectionTrait,
    id: OrganizationId,
    new: &NewOrganization,
    now: DateTime<Utc>,
) -> Result<Organization, RepoError> {
    let row = organizations::ActiveModel {
        id: Set(id.as_uuid()),
        code: Set(new.code.as_str().to_owned()),
        name: Set(new.name.as_str().to_owned()),
        kind: Set(new.kind.name().to_owned()),
        court_level: Set(new
            .kind
            .court_level()
            .map(|l| CourtLevel::as_str(l).to_owned())),
        city: Set(new.city.as_str().to_owned()),
        status: Set(Status::Active.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        people_mediation_days: Set(None),
        jurisdiction: Set(None),
        division_code: Set(new.division.as_ref().map(|d| d.as_str().to_owned())),
    };
    match row.insert(db).await {
        Ok(row) => row.try_into(),
        Err(e) if violates_unique(&e, "uq-organizations-code", "organizations", &["code"]) => {
            Err(RepoError::Conflict(Conflict::OrganizationCode))
        }
        Err(e)
            if violates_unique(
                &e,
                "uq-organizations-city-name",
                "organizations",
                &["city", "name"],
            ) =>
        {
            Err(RepoError::Conflict(Conflict::OrganizationName))
        }
        Err(e) => Err(e.into()),
    }
}

/// # Errors
/// Database errors; a corrupt row.
pub async fn get(
    db: &impl ConnectionTrait,
    id: OrganizationId,
) -> Result<Option<Organization>, RepoError> {
    Entity::find_by_id(id.as_uuid())
        .one(db)
        .await?
        .map(TryInto::try_into)
        .transpose()
}

/// # Errors
/// Database errors; a corrupt row.
pub async fn find_by_code(
    db: &impl ConnectionTrait,
    code: &OrganizationCode,
) -> Result<Option<Organization>, RepoError> {
    Entity::find()
        .filter(Column::Code.eq(code.as_str()))
        .one(db)
        .await?
        .map(TryInto::try_into)
        .transpose()
}

/// Organisations in creation order, filtered, one keyset page at a time.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &OrganizationFilter,
    page: PageRequest,
) -> Result<Page<Organization>, RepoError> {
    let mut query = Entity::find()
        .order_by_asc(Column::Id)
        .limit(page.limit + 1);
    if let Some(after) = page.after {
        query = query.filter(Column::Id.gt(after));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(Column::Kind.eq(kind));
    }
    if let Some(city) = &filter.city {
        query = query.filter(Column::City.eq(city.as_str()));
    }
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status.as_str()));
    }
    let rows = query.all(db).await?;
    Page::from_overfetch(rows, page.limit, |r| r.id).try_map(TryInto::try_into)
}

/// Sets the status; when disabling, also bumps the `auth_version` of every account of the
/// organisation so that re-enabling it later does not revive old tokens.
/// Call inside a transaction.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn set_status(
    db: &impl ConnectionTrait,
    id: OrganizationId,
    status: Status,
    now: DateTime<Utc>,
) -> Result<Option<Organization>, RepoError> {
    let Some(row) = Entity::find_by_id(id.as_uuid()).one(db).await? else {
        return Ok(None);
    };
    let mut row: organizations::ActiveModel = row.into();
    row.status = Set(status.as_str().to_owned());
    row.updated_at = Set(now);
    let row = row.update(db).await?;
    if status == Status::Disabled {
        super::accounts::revoke_tokens_of_organization(db, id).await?;
    }
    Some(Organization::try_from(row)).transpose()
}

/// Sets the R16 target of an organisation (`None`: back to the default).
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn set_people_mediation_days(
    db: &impl ConnectionTrait,
    id: OrganizationId,
    days: Option<u32>,
    now: DateTime<Utc>,
) -> Result<Option<Organization>, RepoError> {
    let Some(row) = Entity::find_by_id(id.as_uuid()).one(db).await? else {
        return Ok(None);
    };
    let mut row: organizations::ActiveModel = row.into();
    row.people_mediation_days = Set(days.and_then(|d| i32::try_from(d).ok()));
    row.updated_at = Set(now);
    Some(Organization::try_from(row.update(db).await?)).transpose()
}

/// Sets what a court has jurisdiction over (R9, R14).
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn set_jurisdiction(
    db: &impl ConnectionTrait,
    id: OrganizationId,
    jurisdiction: &Jurisdiction,
    now: DateTime<Utc>,
) -> Result<Option<Organization>, RepoError> {
    let Some(row) = Entity::find_by_id(id.as_uuid()).one(db).await? else {
        return Ok(None);
    };
    let mut row: organizations::ActiveModel = row.into();
    row.jurisdiction = Set(Some(jurisdiction_json(jurisdiction)));
    row.updated_at = Set(now);
    Some(Organization::try_from(row.update(db).await?)).transpose()
}

/// Sets where an organisation sits (R9, R14); `None` clears it.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn set_division(
    db: &impl ConnectionTrait,
    id: OrganizationId,
    division: Option<&DivisionCode>,
    now: DateTime<Utc>,
) -> Result<Option<Organization>, RepoError> {
    let Some(row) = Entity::find_by_id(id.as_uuid()).one(db).await? else {
        return Ok(None);
    };
    let mut row: organizations::ActiveModel = row.into();
    row.division_code = Set(division.map(|d| d.as_str().to_owned()));
    row.updated_at = Set(now);
    Some(Organization::try_from(row.update(db).await?)).transpose()
}

/// Every court of the instance, active or not (eligibility drops the disabled ones itself).
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn courts(db: &impl ConnectionTrait) -> Result<Vec<Organization>, RepoError> {
    Entity::find()
        .filter(Column::Kind.eq("court"))
        .order_by_asc(Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}
