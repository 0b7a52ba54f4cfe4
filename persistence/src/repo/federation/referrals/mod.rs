//! Referrals and their timelines; their clocks are in [`clocks`].
use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::case::IpType;
use ipdr_domain::referral::{
    DeclineReason, Direction, Outcome, ReferralKind, ReferralStatus, StepKind,
};
use ipdr_domain::{AccountId, CaseId, OrganizationId};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entity::{cases, referral_deadlines, referral_events, referrals};

mod clocks;
use crate::repo::{
    Conflict, Page, PageRequest, RepoError, Versioned, json_text, parse_json, parse_stored,
    violates_unique,
};
pub use clocks::*;

/// A party as a referral carries it: no identity numbers, phones or addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralParty {
    /// `applicant` or `respondent`.
    pub side: String,
    /// `person` or `organization`.
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
}

/// A document as a referral carries it: its fingerprint, not its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralDocument {
    pub name: String,
    pub sha256: String,
    pub size: i64,
}

/// This node's copy of a referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: Uuid,
    pub direction: Direction,
    pub partner_node: String,
    pub agreement_code: String,
    pub kind: ReferralKind,
    pub ip_type: IpType,
    pub right_identifier: Option<String>,
    pub summary: String,
    pub parties: Vec<ReferralParty>,
    pub documents: Vec<ReferralDocument>,
    pub case_id: Option<CaseId>,
    pub partner_case_number: Option<String>,
    pub sent_by: Option<AccountId>,
    pub sent_on: NaiveDate,
    pub status: ReferralStatus,
    pub decline_reason: Option<DeclineReason>,
    pub outcome: Option<Outcome>,
    pub local_seq: i64,
    pub peer_seq: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn from_row(row: referrals::Model) -> Result<Referral, RepoError> {
    Ok(Referral {
        direction: parse_stored("referral direction", &row.direction, Direction::parse)?,
        kind: parse_stored("referral kind", &row.kind, ReferralKind::parse)?,
        ip_type: parse_stored("referral ip_type", &row.ip_type, IpType::parse)?,
        parties: parse_json("referral parties", &row.parties)?,
        documents: parse_json("referral documents", &row.documents)?,
        status: parse_stored("referral status", &row.status, ReferralStatus::parse)?,
        decline_reason: row
            .decline_reason
            .as_deref()
            .map(|r| parse_stored("decline reason", r, DeclineReason::parse))
            .transpose()?,
        outcome: row
            .outcome
            .as_deref()
            .map(|o| parse_stored("outcome", o, Outcome::parse))
            .transpose()?,
        id: row.id,
        partner_node: row.partner_node,
        agreement_code: row.agreement_code,
        right_identifier: row.right_identifier,
        summary: row.summary,
        case_id: row.case_id.map(CaseId::from),
        partner_case_number: row.partner_case_number,
        sent_by: row.sent_by.map(AccountId::from),
        sent_on: row.sent_on,
        local_seq: row.local_seq,
        peer_seq: row.peer_seq,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn to_row(r: &Referral) -> referrals::ActiveModel {
    referrals::ActiveModel {
        id: Set(r.id),
        direction: Set(r.direction.as_str().to_owned()),
        partner_node: Set(r.partner_node.clone()),
        agreement_code: Set(r.agreement_code.clone()),
        kind: Set(r.kind.as_str().to_owned()),
        ip_type: Set(r.ip_type.as_str().to_owned()),
        right_identifier: Set(r.right_identifier.clone()),
        summary: Set(r.summary.clone()),
        parties: Set(json_text(&r.parties)),
        documents: Set(json_text(&r.documents)),
        case_id: Set(r.case_id.map(|c| c.as_uuid())),
        partner_case_number: Set(r.partner_case_number.clone()),
        sent_by: Set(r.sent_by.map(|a| a.as_uuid())),
        sent_on: Set(r.sent_on),
        status: Set(r.status.as_str().to_owned()),
        decline_reason: Set(r.decline_reason.map(|d| d.as_str().to_owned())),
        outcome: Set(r.outcome.map(|o| o.as_str().to_owned())),
        local_seq: Set(r.local_seq),
        peer_seq: Set(r.peer_seq),
        version: Set(r.version),
        created_at: Set(r.created_at),
        updated_at: Set(r.updated_at),
    }
}

/// # Errors
/// [`Conflict::Referral`] when a referral with this id exists; database errors.
pub async fn insert(db: &impl ConnectionTrait, referral: &Referral) -> Result<(), RepoError> {
    referrals::Entity::insert(to_row(referral))
        .exec_without_returning(db)
        .await
        .map_err(|e| {
            if violates_unique(&e, "referrals_pkey", "referrals", &["id"]) {
                RepoError::Conflict(Conflict::Referral)
            } else {
                e.into()
            }
        })?;
    Ok(())
}

/// # Errors
/// Database errors, corrupt rows.
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Referral>, RepoError> {
    referrals::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// Reads the referral and holds its row until the transaction ends (PostgreSQL; SQLite write
/// transactions are exclusive anyway), so steps on one referral apply one at a time.
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn lock(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Referral>, RepoError> {
    referrals::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// Writes `referral` if the stored one still has `expected_version`; returns it with the next
/// version.
///
/// # Errors
/// [`RepoError::Stale`] when it changed meanwhile; database errors.
pub async fn save(
    db: &impl ConnectionTrait,
    referral: &Referral,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<Referral, RepoError> {
    let saved = Referral {
        version: expected_version + 1,
        updated_at: now,
        ..referral.clone()
    };
    let result = referrals::Entity::update_many()
        .set(to_row(&saved))
        .filter(referrals::Column::Id.eq(referral.id))
        .filter(referrals::Column::Version.eq(expected_version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Err(RepoError::Stale(Versioned::Referral));
    }
    Ok(saved)
}

/// Which referrals a caller may list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visible {
    /// A liaison officer: those under the agreements naming them, and those they sent.
    Liaison {
        account: AccountId,
        agreement_codes: Vec<String>,
    },
    /// A mediator: those they sent and those concerning their organisation's cases.
    Mediator {
        account: AccountId,
        organization: OrganizationId,
    },
}

/// Filters of a referral list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferralFilter {
    pub direction: Option<Direction>,
    pub status: Option<ReferralStatus>,
    /// Only those with a clock past its last day as of this date.
    pub overdue_on: Option<NaiveDate>,
}

/// One page of the referrals `visible` lets the caller see, oldest first.
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn list(
    db: &impl ConnectionTrait,
    visible: &Visible,
    filter: &ReferralFilter,
    page: PageRequest,
) -> Result<Page<Referral>, RepoError> {
    use referrals::Column as C;
    let scope = match visible {
        Visible::Liaison {
            account,
            agreement_codes,
        } => Condition::any()
            .add(C::AgreementCode.is_in(agreement_codes.iter().cloned()))
            .add(C::SentBy.eq(account.as_uuid())),
        Visible::Mediator {
            account,
            organization,
        } => Condition::any().add(C::SentBy.eq(account.as_uuid())).add(
            C::CaseId.in_subquery(
                Query::select()
                    .column(cases::Column::Id)
                    .from(cases::Entity)
                    .and_where(cases::Column::OrganizationId.eq(organization.as_uuid()))
                    .to_owned(),
            ),
        ),
    };
    let mut query = referrals::Entity::find().filter(scope);
    if let Some(direction) = filter.direction {
        query = query.filter(C::Direction.eq(direction.as_str()));
    }
    if let Some(status) = filter.status {
        query = query.filter(C::Status.eq(status.as_str()));
    }
    if let Some(today) = filter.overdue_on {
        query = query.filter(
            C::Id.in_subquery(
                Query::select()
                    .column(referral_deadlines::Column::ReferralId)
                    .from(referral_deadlines::Entity)
                    .and_where(referral_deadlines::Column::MetOn.is_null())
                    .and_where(referral_deadlines::Column::PausedOn.is_null())
                    .and_where(referral_deadlines::Column::DueOn.lt(today))
                    .to_owned(),
            ),
        );
    }
    if let Some(after) = page.after {
        query = query.filter(C::Id.gt(after));
    }
    let rows = query
        .order_by_asc(C::Id)
        .limit(page.limit + 1)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, page.limit, |r| r.id))
}

/// One step on a referral's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralEvent {
    pub id: Uuid,
    pub referral_id: Uuid,
    pub at: DateTime<Utc>,
    pub on: NaiveDate,
    pub node: String,
    pub role: String,
    pub step: StepKind,
    /// The step's own data (reason, note, question, answer, outcome, milestone).
    pub detail: serde_json::Value,
}

/// # Errors
/// Database errors.
pub async fn append_event(
    db: &impl ConnectionTrait,
    event: &ReferralEvent,
) -> Result<(), RepoError> {
    referral_events::Entity::insert(referral_events::ActiveModel {
        id: Set(event.id),
        referral_id: Set(event.referral_id),
        at: Set(event.at),
        on_date: Set(event.on),
        node: Set(event.node.clone()),
        role: Set(event.role.clone()),
        step: Set(event.step.as_str().to_owned()),
        detail: Set(event.detail.to_string()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The timeline, in order.
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn events(
    db: &impl ConnectionTrait,
    referral_id: Uuid,
) -> Result<Vec<ReferralEvent>, RepoError> {
    referral_events::Entity::find()
        .filter(referral_events::Column::ReferralId.eq(referral_id))
        .order_by_asc(referral_events::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            Ok(ReferralEvent {
                step: parse_stored("referral step", &row.step, StepKind::parse)?,
                detail: parse_json("referral event detail", &row.detail)?,
                id: row.id,
                referral_id: row.referral_id,
                at: row.at,
                on: row.on_date,
                node: row.node,
                role: row.role,
            })
        })
        .collect()
}
