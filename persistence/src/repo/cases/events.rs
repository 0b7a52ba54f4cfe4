//! The case timeline.
use ipdr_domain::CaseId;
use ipdr_domain::account::Role;
use ipdr_domain::case::CaseStatus;
use ipdr_domain::case::stored::{Actor, CaseEvent};
use ipdr_domain::event::EventKind;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entity::case_events::{self, Column, Entity};
use crate::repo::{RepoError, parse_stored};

/// The stored role of the platform's own steps (with the nil account id).
const PLATFORM: &str = "platform";

/// Appends an event; call in the transaction of the change it records.
///
/// # Errors
/// Database errors.
pub async fn append(
    db: &impl ConnectionTrait,
    case_id: CaseId,
    event: &CaseEvent,
) -> Result<(), RepoError> {
    Entity::insert(case_events::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        case_id: Set(case_id.as_uuid()),
        at: Set(event.at),
        actor_id: Set(match event.actor {
            Actor::Account { id, .. } => id.as_uuid(),
            Actor::Platform => uuid::Uuid::nil(),
        }),
        actor_role: Set(match event.actor {
            Actor::Account { role, .. } => role.as_str(),
            Actor::Platform => PLATFORM,
        }
        .to_owned()),
        action: Set(event.action.as_str().to_owned()),
        from_status: Set(event.from_status.map(|s| s.as_str().to_owned())),
        to_status: Set(event.to_status.map(|s| s.as_str().to_owned())),
        detail: Set(event.detail.clone()),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// The whole timeline, oldest first.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn list(db: &impl ConnectionTrait, case_id: CaseId) -> Result<Vec<CaseEvent>, RepoError> {
    let status = |s: Option<String>| {
        s.map(|s| parse_stored("status", &s, CaseStatus::parse))
            .transpose()
    };
    Entity::find()
        .filter(Column::CaseId.eq(case_id.as_uuid()))
        .order_by_asc(Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            Ok(CaseEvent {
                at: row.at,
                actor: if row.actor_role == PLATFORM {
                    Actor::Platform
                } else {
                    Actor::Account {
                        id: row.actor_id.into(),
                        role: parse_stored("role", &row.actor_role, Role::parse)?,
                    }
                },
                action: parse_stored("action", &row.action, EventKind::parse)?,
                from_status: status(row.from_status)?,
                to_status: status(row.to_status)?,
                detail: row.detail,
            })
        })
        .collect()
}
