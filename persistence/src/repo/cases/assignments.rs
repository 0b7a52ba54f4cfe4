//! The mediators assigned to a case.
use chrono::{DateTime, Utc};
use ipdr_domain::case::stored::Assignment;
use ipdr_domain::{AccountId, CaseId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::entity::case_assignments::{self, Column, Entity};
use crate::repo::{Conflict, RepoError, violates_unique};

/// # Errors
/// [`Conflict::Assignment`] when already assigned; database errors.
pub async fn assign(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    account: AccountId,
    by: AccountId,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let row = case_assignments::ActiveModel {
        case_id: Set(case_id.as_uuid()),
        account_id: Set(account.as_uuid()),
        assigned_by: Set(by.as_uuid()),
        assigned_at: Set(now),
    };
    match row.insert(db).await {
        Ok(_) => Ok(()),
        Err(e)
            if violates_unique(
                &e,
                "case_assignments_pkey",
                "case_assignments",
                &["case_id", "account_id"],
            ) =>
        {
            Err(RepoError::Conflict(Conflict::Assignment))
        }
        Err(e) => Err(e.into()),
    }
}

/// Returns whether the account was assigned.
///
/// # Errors
/// Database errors.
pub async fn unassign(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    account: AccountId,
) -> Result<bool, RepoError> {
    let result = Entity::delete_many()
        .filter(Column::CaseId.eq(case_id.as_uuid()))
        .filter(Column::AccountId.eq(account.as_uuid()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// # Errors
/// Database errors.
pub async fn of_case(
    db: &impl ConnectionTrait,
    case_id: CaseId,
) -> Result<Vec<Assignment>, RepoError> {
    Ok(Entity::find()
        .filter(Column::CaseId.eq(case_id.as_uuid()))
        .order_by_asc(Column::AssignedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|row| Assignment {
            account_id: row.account_id.into(),
            assigned_by: row.assigned_by.into(),
            assigned_at: row.assigned_at,
        })
        .collect())
}
