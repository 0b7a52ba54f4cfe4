//! The inbox: every message applied from a partner and the answer it got, so a redelivered
//! message is answered the same way and has no second effect.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::entity::federation_inbox::{self, Column, Entity};
use crate::repo::{Conflict, RepoError, violates_unique};

/// The answer a message got the first time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub partner_node: String,
    pub status: u16,
    pub answer: String,
}

/// # Errors
/// Database errors.
pub async fn find(
    db: &impl ConnectionTrait,
    message_id: Uuid,
) -> Result<Option<Recorded>, RepoError> {
    Ok(Entity::find_by_id(message_id)
        .one(db)
        .await?
        .map(|row| Recorded {
            partner_node: row.partner_node,
            status: u16::try_from(row.answer_status).unwrap_or(500),
            answer: row.answer,
        }))
}

/// Claims the message id before its effect is applied, in the same transaction: a concurrent
/// delivery of the same message waits on this row and then fails with
/// [`Conflict::InboxMessage`].
///
/// # Errors
/// [`Conflict::InboxMessage`] when the message was recorded already; database errors.
pub async fn claim(
    db: &impl ConnectionTrait,
    message_id: Uuid,
    partner_node: &str,
    referral_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    Entity::insert(federation_inbox::ActiveModel {
        message_id: Set(message_id),
        partner_node: Set(partner_node.to_owned()),
        referral_id: Set(referral_id),
        received_at: Set(now),
        answer_status: Set(0),
        answer: Set(String::new()),
    })
    .exec_without_returning(db)
    .await
    .map_err(|e| {
        if violates_unique(
            &e,
            "federation_inbox_pkey",
            "federation_inbox",
            &["message_id"],
        ) {
            RepoError::Conflict(Conflict::InboxMessage)
        } else {
            e.into()
        }
    })?;
    Ok(())
}

/// Stores the answer of a claimed message.
///
/// # Errors
/// Database errors.
pub async fn answer(
    db: &impl ConnectionTrait,
    message_id: Uuid,
    status: u16,
    answer: &str,
) -> Result<(), RepoError> {
    Entity::update_many()
        .col_expr(Column::AnswerStatus, Expr::value(i32::from(status)))
        .col_expr(Column::Answer, Expr::value(answer.to_owned()))
        .filter(Column::MessageId.eq(message_id))
        .exec(db)
        .await?;
    Ok(())
}
