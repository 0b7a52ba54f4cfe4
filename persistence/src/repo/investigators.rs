//! The investigator pool: profiles, declared conflicts, and what the candidate ranking needs.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ipdr_domain::account::Role;
use ipdr_domain::case::CaseStatus;
use ipdr_domain::investigator::candidates::CandidateFacts;
use ipdr_domain::investigator::stored::{EndReason, Profile, StoredConflict};
use ipdr_domain::investigator::{
    Affiliation, AssignmentStatus, ConflictKind, DeclaredConflict, ProfileInput, TechnicalField,
};
use ipdr_domain::{AccountId, CaseId, OrganizationId, Status};
use sea_orm::ExprTrait;
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::{Conflict, Page, PageRequest, RepoError, parse_stored, stored_int, violates_unique};
use crate::entity::{
    accounts, cases, investigator_assignments, investigator_conflicts, investigators,
};

fn fields_text(fields: &[TechnicalField]) -> String {
    fields
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn profile(row: investigators::Model, display_name: String) -> Result<Profile, RepoError> {
    let fields = row
        .fields
        .split(',')
        .filter(|f| !f.is_empty())
        .map(|f| parse_stored("technical field", f, TechnicalField::parse))
        .collect::<Result<_, _>>()?;
    Ok(Profile {
        account_id: row.account_id.into(),
        display_name,
        fields,
        affiliation: parse_stored("affiliation", &row.affiliation, Affiliation::parse)?,
        contributed_by: row.contributed_by.into(),
        active: row.active,
        max_assignments: stored_int("max assignments", row.max_assignments)?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Adds an investigator account to the pool.
///
/// # Errors
/// [`Conflict::InvestigatorProfile`] when it has a profile already; database errors.
pub async fn insert_profile(
    db: &impl ConnectionTrait,
    account: AccountId,
    input: &ProfileInput,
    contributed_by: OrganizationId,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let row = investigators::ActiveModel {
        account_id: Set(account.as_uuid()),
        fields: Set(fields_text(&input.fields)),
        affiliation: Set(input.affiliation.as_str().to_owned()),
        contributed_by: Set(contributed_by.as_uuid()),
        active: Set(true),
        max_assignments: Set(i32::try_from(input.max_assignments).unwrap_or(i32::MAX)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    match row.insert(db).await {
        Ok(_) => Ok(()),
        Err(e) if violates_unique(&e, "investigators_pkey", "investigators", &["account_id"]) => {
            Err(RepoError::Conflict(Conflict::InvestigatorProfile))
        }
        Err(e) => Err(e.into()),
    }
}

/// # Errors
/// Database errors; a corrupt row.
pub async fn get_profile(
    db: &impl ConnectionTrait,
    account: AccountId,
) -> Result<Option<Profile>, RepoError> {
    let found = investigators::Entity::find_by_id(account.as_uuid())
        .one(db)
        .await?;
    let Some(row) = found else { return Ok(None) };
    let name = accounts::Entity::find_by_id(account.as_uuid())
        .one(db)
        .await?
        .map(|a| a.display_name)
        .unwrap_or_default();
    profile(row, name).map(Some)
}

/// Profiles in account-id order, one keyset page at a time.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn list_profiles(
    db: &impl ConnectionTrait,
    page: PageRequest,
) -> Result<Page<Profile>, RepoError> {
    let mut query = investigators::Entity::find()
        .find_also_related(accounts::Entity)
        .order_by_asc(investigators::Column::AccountId)
        .limit(page.limit + 1);
    if let Some(after) = page.after {
        query = query.filter(investigators::Column::AccountId.gt(after));
    }
    let rows = query.all(db).await?;
    Page::from_overfetch(rows, page.limit, |(p, _)| p.account_id)
        .try_map(|(p, a)| profile(p, a.map(|a| a.display_name).unwrap_or_default()))
}

/// Replaces a profile's fields, affiliation, limit and active flag.
///
/// # Errors
/// Database errors.
pub async fn update_profile(
    db: &impl ConnectionTrait,
    account: AccountId,
    input: &ProfileInput,
    active: bool,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let Some(row) = investigators::Entity::find_by_id(account.as_uuid())
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let mut row: investigators::ActiveModel = row.into();
    row.fields = Set(fields_text(&input.fields));
    row.affiliation = Set(input.affiliation.as_str().to_owned());
    row.max_assignments = Set(i32::try_from(input.max_assignments).unwrap_or(i32::MAX));
    row.active = Set(active);
    row.updated_at = Set(now);
    row.update(db).await?;
    Ok(true)
}

fn stored_conflict(row: investigator_conflicts::Model) -> Result<StoredConflict, RepoError> {
    Ok(StoredConflict {
        id: row.id,
        conflict: DeclaredConflict {
            kind: parse_stored("conflict kind", &row.kind, ConflictKind::parse)?,
            value: row.value,
            relationship: row.relationship,
        },
        created_at: row.created_at,
    })
}

/// Records a conflict the investigator declares.
///
/// # Errors
/// Database errors.
pub async fn add_conflict(
    db: &impl ConnectionTrait,
    account: AccountId,
    conflict: &DeclaredConflict,
    now: DateTime<Utc>,
) -> Result<StoredConflict, RepoError> {
    let row = investigator_conflicts::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        account_id: Set(account.as_uuid()),
        kind: Set(conflict.kind.as_str().to_owned()),
        value: Set(conflict.value.clone()),
        relationship: Set(conflict.relationship.clone()),
        created_at: Set(now),
    };
    stored_conflict(row.insert(db).await?)
}

/// # Errors
/// Database errors; a corrupt row.
pub async fn conflicts(
    db: &impl ConnectionTrait,
    account: AccountId,
) -> Result<Vec<StoredConflict>, RepoError> {
    investigator_conflicts::Entity::find()
        .filter(investigator_conflicts::Column::AccountId.eq(account.as_uuid()))
        .order_by_asc(investigator_conflicts::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(stored_conflict)
        .collect()
}

/// Withdraws a declared conflict of the account; returns whether it existed.
///
/// # Errors
/// Database errors.
pub async fn delete_conflict(
    db: &impl ConnectionTrait,
    account: AccountId,
    id: uuid::Uuid,
) -> Result<bool, RepoError> {
    let result = investigator_conflicts::Entity::delete_many()
        .filter(investigator_conflicts::Column::Id.eq(id))
        .filter(investigator_conflicts::Column::AccountId.eq(account.as_uuid()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// What the ranking needs about every active investigator (or only `only`) relative to a case.
/// With `lock`, the profile rows are locked (`FOR UPDATE` on PostgreSQL) so that concurrent
/// assignments of the same investigator queue and each sees the others' load.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn candidate_facts(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    only: Option<AccountId>,
    lock: bool,
) -> Result<Vec<CandidateFacts>, RepoError> {
    let mut query = investigators::Entity::find()
        .find_also_related(accounts::Entity)
        .filter(investigators::Column::Active.eq(true))
        .filter(accounts::Column::Status.eq(Status::Active.as_str()))
        .filter(accounts::Column::Role.eq(Role::Investigator.as_str()));
    if let Some(account) = only {
        query = query.filter(investigators::Column::AccountId.eq(account.as_uuid()));
    }
    if lock {
        query = query.lock_exclusive();
    }
    let profiles: Vec<Profile> = query
        .all(db)
        .await?
        .into_iter()
        .map(|(p, a)| profile(p, a.map(|a| a.display_name).unwrap_or_default()))
        .collect::<Result<_, _>>()?;
    let ids: Vec<uuid::Uuid> = profiles.iter().map(|p| p.account_id.as_uuid()).collect();

    // Load: assignments not ended on cases not closed.
    let load_query = Query::select()
        .column((
            investigator_assignments::Entity,
            investigator_assignments::Column::InvestigatorId,
        ))
        .expr(Func::count(Expr::col((
            investigator_assignments::Entity,
            investigator_assignments::Column::Id,
        ))))
        .from(investigator_assignments::Entity)
        .inner_join(
            cases::Entity,
            Expr::col((cases::Entity, cases::Column::Id)).equals((
                investigator_assignments::Entity,
                investigator_assignments::Column::CaseId,
            )),
        )
        .and_where(
            Expr::col((
                investigator_assignments::Entity,
                investigator_assignments::Column::Status,
            ))
            .ne(AssignmentStatus::Ended.as_str()),
        )
        .and_where(
            Expr::col((cases::Entity, cases::Column::Status)).ne(CaseStatus::Closed.as_str()),
        )
        .and_where(
            Expr::col((
                investigator_assignments::Entity,
                investigator_assignments::Column::InvestigatorId,
            ))
            .is_in(ids.clone()),
        )
        .group_by_col((
            investigator_assignments::Entity,
            investigator_assignments::Column::InvestigatorId,
        ))
        .to_owned();
    let mut load: HashMap<uuid::Uuid, u32> = HashMap::new();
    for row in db.query_all(&load_query).await? {
        let id: uuid::Uuid = row.try_get_by_index(0)?;
        let count: i64 = row.try_get_by_index(1)?;
        load.insert(id, u32::try_from(count).unwrap_or(u32::MAX));
    }

    let mut declared: HashMap<uuid::Uuid, Vec<DeclaredConflict>> = HashMap::new();
    for row in investigator_conflicts::Entity::find()
        .filter(investigator_conflicts::Column::AccountId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        let account = row.account_id;
        declared
            .entry(account)
            .or_default()
            .push(stored_conflict(row)?.conflict);
    }

    let on_case = investigator_assignments::Entity::find()
        .filter(investigator_assignments::Column::CaseId.eq(case_id.as_uuid()))
        .filter(investigator_assignments::Column::InvestigatorId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(super::cases::investigators::assignment)
        .collect::<Result<Vec<_>, _>>()?;

    profiles
        .into_iter()
        .map(|p| {
            let id = p.account_id.as_uuid();
            let mine: Vec<_> = on_case
                .iter()
                .filter(|a| a.investigator_id == p.account_id)
                .collect();
            Ok(CandidateFacts {
                account_id: p.account_id,
                display_name: p.display_name,
                fields: p.fields,
                load: load.get(&id).copied().unwrap_or(0),
                max_assignments: p.max_assignments,
                conflicts: declared.remove(&id).unwrap_or_default(),
                procedures_on_case: mine.iter().map(|a| a.procedure).collect(),
                assigned_on_case: mine.iter().any(|a| a.status != AssignmentStatus::Ended),
                recused_from_case: mine
                    .iter()
                    .any(|a| a.end_reason == Some(EndReason::Recused)),
            })
        })
        .collect()
}
