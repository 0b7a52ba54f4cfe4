//! Applications for judicial confirmation (R8–R14).
use ipdr_domain::case::confirmation::{Application, ApplicationStatus, Extension, RefusalGround};
use ipdr_domain::{ApplicationId, CaseId, OrganizationId};
use sea_orm::ExprTrait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entity::confirmation_applications::{self, Column, Entity};
use crate::repo::{Page, PageRequest, RepoError, Versioned, json_text, parse_json, parse_stored};

fn from_row(row: confirmation_applications::Model) -> Result<Application, RepoError> {
    let extension = match (row.extension_approved_by, row.extension_reason) {
        (Some(approved_by), Some(reason)) => Some(Extension {
            approved_by,
            reason,
        }),
        (None, None) => None,
        _ => {
            return Err(RepoError::Corrupt(format!(
                "extension of application {}",
                row.id
            )));
        }
    };
    Ok(Application {
        id: row.id.into(),
        case_id: row.case_id.into(),
        court_id: row.court_id.into(),
        organization_id: row.organization_id.into(),
        agreement_digest: row.agreement_digest,
        status: parse_stored("application status", &row.status, ApplicationStatus::parse)?,
        consents: parse_json("consents", &row.consents)?,
        note: row.note,
        submitted_by: row.submitted_by.into(),
        submitted_at: row.submitted_at,
        accepted_on: row.accepted_on,
        extension,
        ruling_number: row.ruling_number,
        ruling_date: row.ruling_date,
        refusal_ground: row
            .refusal_ground
            .as_deref()
            .map(|g| parse_stored("refusal ground", g, RefusalGround::parse))
            .transpose()?,
        reason: row.reason,
        ended_at: row.ended_at,
        version: row.version,
        updated_at: row.updated_at,
    })
}

fn to_row(a: &Application) -> confirmation_applications::ActiveModel {
    confirmation_applications::ActiveModel {
        id: Set(a.id.as_uuid()),
        case_id: Set(a.case_id.as_uuid()),
        court_id: Set(a.court_id.as_uuid()),
        organization_id: Set(a.organization_id.as_uuid()),
        agreement_digest: Set(a.agreement_digest.clone()),
        status: Set(a.status.as_str().to_owned()),
        consents: Set(json_text(&a.consents)),
        note: Set(a.note.clone()),
        submitted_by: Set(a.submitted_by.as_uuid()),
        submitted_at: Set(a.submitted_at),
        accepted_on: Set(a.accepted_on),
        extension_approved_by: Set(a.extension.as_ref().map(|e| e.approved_by.clone())),
        extension_reason: Set(a.extension.as_ref().map(|e| e.reason.clone())),
        ruling_number: Set(a.ruling_number.clone()),
        ruling_date: Set(a.ruling_date),
        refusal_ground: Set(a.refusal_ground.map(|g| g.as_str().to_owned())),
        reason: Set(a.reason.clone()),
        ended_at: Set(a.ended_at),
        version: Set(a.version),
        updated_at: Set(a.updated_at),
    }
}

/// Stores a new application.
///
/// # Errors
/// Database errors.
pub async fn insert(db: &impl ConnectionTrait, application: &Application) -> Result<(), RepoError> {
    Entity::insert(to_row(application)).exec(db).await?;
    Ok(())
}

/// Saves `next` over the row still at `expected_version`; returns it at its new version.
///
/// # Errors
/// [`RepoError::Stale`] when another change got there first (nothing is written).
pub async fn save(
    db: &impl ConnectionTrait,
    next: &Application,
    expected_version: i64,
) -> Result<Application, RepoError> {
    let saved = Application {
        version: expected_version + 1,
        ..next.clone()
    };
    let mut row = to_row(&saved);
    row.id = sea_orm::ActiveValue::NotSet;
    row.case_id = sea_orm::ActiveValue::NotSet;
    let result = Entity::update_many()
        .set(row)
        .filter(Column::Id.eq(next.id.as_uuid()))
        .filter(Column::Version.eq(expected_version))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        Ok(saved)
    } else {
        Err(RepoError::Stale(Versioned::Application))
    }
}

/// # Errors
/// Database errors; a corrupt row.
pub async fn get(
    db: &impl ConnectionTrait,
    id: ApplicationId,
) -> Result<Option<Application>, RepoError> {
    Entity::find_by_id(id.as_uuid())
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// The applications of a case, oldest first.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn of_case(
    db: &impl ConnectionTrait,
    case_id: CaseId,
) -> Result<Vec<Application>, RepoError> {
    Entity::find()
        .filter(Column::CaseId.eq(case_id.as_uuid()))
        .order_by_asc(Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// The applications of a case still before a court (at most one, by the rules).
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn pending_of_case(
    db: &impl ConnectionTrait,
    case_id: CaseId,
) -> Result<Vec<Application>, RepoError> {
    Ok(of_case(db, case_id)
        .await?
        .into_iter()
        .filter(|a| a.status.is_pending())
        .collect())
}

/// Whether any application of the case was ever addressed to `court`: such a court sees the case.
///
/// # Errors
/// Database errors.
pub async fn addressed_to(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    court: OrganizationId,
) -> Result<bool, RepoError> {
    Ok(Entity::find()
        .filter(Column::CaseId.eq(case_id.as_uuid()))
        .filter(Column::CourtId.eq(court.as_uuid()))
        .count(db)
        .await?
        > 0)
}

/// Whose applications a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationScope {
    /// Those addressed to this court.
    Court(OrganizationId),
    /// Those of the cases this mediation organisation handles.
    Organization(OrganizationId),
}

/// Applications in `scope`, newest first, one keyset page at a time.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: ApplicationScope,
    status: Option<ApplicationStatus>,
    page: PageRequest,
) -> Result<Page<Application>, RepoError> {
    let mut query = Entity::find()
        .order_by_desc(Column::Id)
        .limit(page.limit + 1);
    query = match scope {
        ApplicationScope::Court(court) => query.filter(Column::CourtId.eq(court.as_uuid())),
        ApplicationScope::Organization(org) => {
            query.filter(Column::OrganizationId.eq(org.as_uuid()))
        }
    };
    if let Some(status) = status {
        query = query.filter(Column::Status.eq(status.as_str()));
    }
    if let Some(before) = page.after {
        query = query.filter(Column::Id.lt(before));
    }
    let rows = query.all(db).await?;
    Page::from_overfetch(rows, page.limit, |r| r.id).try_map(from_row)
}

/// The ids of the cases with an application addressed to `court`, as a subquery.
pub(crate) fn cases_applied_to(court: OrganizationId) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(Column::CaseId)
        .from(Entity)
        .and_where(Expr::col(Column::CourtId).eq(court.as_uuid()))
        .to_owned()
}
