//! This node's copies of its cooperation agreements.
use chrono::{DateTime, Utc};
use ipdr_domain::AccountId;
use ipdr_domain::case::IpType;
use ipdr_domain::referral::{AgreementScope, AgreementStatus, ReferralKind, ResponseDays};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::entity::cooperation_agreements::{self, ActiveModel, Column, Entity};
use crate::repo::{
    Conflict, RepoError, Versioned, json_text, parse_json, parse_stored, stored_int,
    violates_unique,
};

/// A cooperation agreement between this node and one partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CooperationAgreement {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub local_node: String,
    pub partner_node: String,
    pub scope: AgreementScope,
    pub days: ResponseDays,
    /// The local liaison officers who answer referrals under it.
    pub liaisons: Vec<AccountId>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn names<T>(items: &[T], name: impl Fn(&T) -> &'static str) -> String {
    json_text(&items.iter().map(name).collect::<Vec<_>>())
}

fn parse_names<T>(
    what: &str,
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, RepoError> {
    parse_json::<Vec<String>>(what, text)?
        .iter()
        .map(|n| parse_stored(what, n, &parse))
        .collect()
}

fn from_row(row: cooperation_agreements::Model) -> Result<CooperationAgreement, RepoError> {
    let liaisons: Vec<Uuid> = parse_json("agreement liaisons", &row.liaisons)?;
    Ok(CooperationAgreement {
        scope: AgreementScope {
            status: parse_stored("agreement status", &row.status, AgreementStatus::parse)?,
            valid_from: row.valid_from,
            valid_until: row.valid_until,
            ip_types: parse_names("agreement ip_types", &row.ip_types, IpType::parse)?,
            kinds: parse_names("agreement kinds", &row.kinds, ReferralKind::parse)?,
        },
        days: ResponseDays {
            acknowledge: stored_int("acknowledge_days", row.acknowledge_days)?,
            decide: stored_int("decide_days", row.decide_days)?,
            report: stored_int("report_days", row.report_days)?,
        },
        liaisons: liaisons.into_iter().map(AccountId::from).collect(),
        id: row.id,
        code: row.code,
        title: row.title,
        local_node: row.local_node,
        partner_node: row.partner_node,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn days(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn to_row(a: &CooperationAgreement) -> ActiveModel {
    ActiveModel {
        id: Set(a.id),
        code: Set(a.code.clone()),
        title: Set(a.title.clone()),
        local_node: Set(a.local_node.clone()),
        partner_node: Set(a.partner_node.clone()),
        ip_types: Set(names(&a.scope.ip_types, |t| t.as_str())),
        kinds: Set(names(&a.scope.kinds, |k| k.as_str())),
        acknowledge_days: Set(days(a.days.acknowledge)),
        decide_days: Set(days(a.days.decide)),
        report_days: Set(days(a.days.report)),
        valid_from: Set(a.scope.valid_from),
        valid_until: Set(a.scope.valid_until),
        status: Set(a.scope.status.as_str().to_owned()),
        liaisons: Set(json_text(
            &a.liaisons
                .iter()
                .map(AccountId::as_uuid)
                .collect::<Vec<_>>(),
        )),
        version: Set(a.version),
        created_at: Set(a.created_at),
        updated_at: Set(a.updated_at),
    }
}

/// # Errors
/// [`Conflict::AgreementCode`] when the code is taken; database errors.
pub async fn insert(
    db: &impl ConnectionTrait,
    agreement: &CooperationAgreement,
) -> Result<(), RepoError> {
    Entity::insert(to_row(agreement))
        .exec_without_returning(db)
        .await
        .map_err(|e| {
            if violates_unique(
                &e,
                "uq-cooperation_agreements-code",
                "cooperation_agreements",
                &["code"],
            ) {
                RepoError::Conflict(Conflict::AgreementCode)
            } else {
                e.into()
            }
        })?;
    Ok(())
}

/// Writes `agreement` if the stored one still has `expected_version`; returns it with the next
/// version.
///
/// # Errors
/// [`RepoError::Stale`] when it changed meanwhile; database errors.
pub async fn save(
    db: &impl ConnectionTrait,
    agreement: &CooperationAgreement,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<CooperationAgreement, RepoError> {
    let saved = CooperationAgreement {
        version: expected_version + 1,
        updated_at: now,
        ..agreement.clone()
    };
    let result = Entity::update_many()
        .set(to_row(&saved))
        .filter(Column::Id.eq(agreement.id))
        .filter(Column::Version.eq(expected_version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Err(RepoError::Stale(Versioned::CooperationAgreement));
    }
    Ok(saved)
}

/// # Errors
/// Database errors, corrupt rows.
pub async fn get(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<CooperationAgreement>, RepoError> {
    Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// # Errors
/// Database errors, corrupt rows.
pub async fn by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<CooperationAgreement>, RepoError> {
    Entity::find()
        .filter(Column::Code.eq(code))
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// Every agreement, by code (a node has a handful).
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<CooperationAgreement>, RepoError> {
    Entity::find()
        .order_by_asc(Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// The codes of the agreements naming `account` among their liaison officers.
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn codes_for_liaison(
    db: &impl ConnectionTrait,
    account: AccountId,
) -> Result<Vec<String>, RepoError> {
    let needle = format!("%{}%", account.as_uuid());
    Ok(Entity::find()
        .filter(Column::Liaisons.like(needle))
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|a| a.liaisons.contains(&account))
        .map(|a| a.code)
        .collect())
}
