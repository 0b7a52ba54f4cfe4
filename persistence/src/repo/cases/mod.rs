//! Cases: the case row with its parties, and the tables around it (timeline, deadlines,
//! agreement, assignments, documents), one module each.
pub mod assignments;
pub mod confirmations;
pub mod deadlines;
pub mod documents;
pub mod events;
pub mod investigators;
pub mod settlement_agreement;
mod write;

use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::access::CaseScope;
use ipdr_domain::case::identifiers::{CreditCode, IdDocumentKind, IdentityDocument};
use ipdr_domain::case::intake::{Agent, Party};
use ipdr_domain::case::stored::{Case, DeadlineStatus};
use ipdr_domain::case::{
    CaseStatus, Consent, CourtProcedure, IpType, PartyKind, Route, Side, Track,
};
use ipdr_domain::investigator::AssignmentStatus;
use ipdr_domain::{AccountId, CaseId};
use sea_orm::ExprTrait;
use sea_orm::sea_query::{Expr, Order, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::{Page, PageRequest, RepoError, json_text, parse_stored};
use crate::entity::{
    case_assignments, case_deadlines, case_parties, case_search_terms, cases,
    investigator_assignments,
};

pub use write::{insert, next_case_number, save};

#[derive(serde::Serialize, serde::Deserialize)]
struct AgentRow {
    name: String,
    phone: Option<String>,
    firm: Option<String>,
}

pub(crate) fn agents_json(agents: &[Agent]) -> String {
    let rows: Vec<AgentRow> = agents
        .iter()
        .map(|a| AgentRow {
            name: a.name.clone(),
            phone: a.phone.clone(),
            firm: a.firm.clone(),
        })
        .collect();
    json_text(&rows)
}

fn party(row: case_parties::Model) -> Result<Party, RepoError> {
    let corrupt = |what: &str| {
        RepoError::Corrupt(format!(
            "party {} of case {}: {what}",
            row.number, row.case_id
        ))
    };
    let agents: Vec<AgentRow> = serde_json::from_str(&row.agents).map_err(|_| corrupt("agents"))?;
    Ok(Party {
        number: u32::try_from(row.number).map_err(|_| corrupt("number"))?,
        side: parse_stored("side", &row.side, Side::parse)?,
        kind: parse_stored("kind", &row.kind, PartyKind::parse)?,
        credit_code: row.credit_code.map(CreditCode::from_stored),
        identity: match row.id_number {
            // Numbers stored before documents had a kind (none should remain after migration
            // 000015) read as `other`: nothing is claimed that was not checked.
            Some(number) => Some(IdentityDocument {
                kind: match row.id_type.as_deref() {
                    Some(kind) => {
                        parse_stored("identity document kind", kind, IdDocumentKind::parse)?
                    }
                    None => IdDocumentKind::Other,
                },
                number,
            }),
            None => None,
        },
        name: row.name,
        phone: row.phone,
        address: row.address,
        agents: agents
            .into_iter()
            .map(|a| Agent {
                name: a.name,
                phone: a.phone,
                firm: a.firm,
            })
            .collect(),
    })
}

fn case(row: cases::Model, parties: Vec<Party>) -> Result<Case, RepoError> {
    let corrupt = |what: &str| RepoError::Corrupt(format!("case {}: {what}", row.id));
    let routes = match row.routes.as_deref() {
        None | Some("") => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|r| parse_stored("route", r, Route::parse))
            .collect::<Result<_, _>>()?,
    };
    Ok(Case {
        id: row.id.into(),
        case_number: row.case_number,
        organization_id: row.organization_id.into(),
        referring_court_id: row.referring_court_id.map(Into::into),
        track: parse_stored("track", &row.track, Track::parse)?,
        ip_type: parse_stored("ip type", &row.ip_type, IpType::parse)?,
        right: row.right_identifier,
        right_title: row.right_title,
        parties,
        claims: serde_json::from_str(&row.claims).map_err(|_| corrupt("claims"))?,
        amount_fen: row.amount_fen,
        city: row.city,
        court_procedure: row
            .court_procedure
            .as_deref()
            .map(|p| parse_stored("procedure", p, CourtProcedure::parse))
            .transpose()?,
        status: parse_stored("status", &row.status, CaseStatus::parse)?,
        consent: parse_stored("consent", &row.consent, Consent::parse)?,
        reason: row.reason,
        routes,
        withdrawn_by: row
            .withdrawn_by
            .as_deref()
            .map(|s| parse_stored("side", s, Side::parse))
            .transpose()?,
        enforceable: row.enforceable,
        returned_on: row.returned_on,
        version: row.version,
        created_by: row.created_by.into(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

async fn with_parties(
    db: &impl ConnectionTrait,
    rows: Vec<cases::Model>,
) -> Result<Vec<Case>, RepoError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut parties = case_parties::Entity::find()
        .filter(case_parties::Column::CaseId.is_in(ids))
        .order_by_asc(case_parties::Column::CaseId)
        .order_by_asc(case_parties::Column::Number)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|row| {
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut parties)
                .into_iter()
                .partition(|p| p.case_id == row.id);
            parties = rest;
            case(row, mine.into_iter().map(party).collect::<Result<_, _>>()?)
        })
        .collect()
}

/// A case with its parties.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn get(db: &impl ConnectionTrait, id: CaseId) -> Result<Option<Case>, RepoError> {
    let Some(row) = cases::Entity::find_by_id(id.as_uuid()).one(db).await? else {
        return Ok(None);
    };
    Ok(with_parties(db, vec![row]).await?.pop())
}

/// The case's status, read with the case row locked until the transaction ends (`FOR UPDATE`
/// on PostgreSQL; on SQLite the write transaction already keeps other writers out). A change
/// of the case committed meanwhile is seen; one attempted later waits for this transaction.
///
/// # Errors
/// Database errors; a corrupt status.
pub async fn lock_status(
    db: &impl ConnectionTrait,
    id: CaseId,
) -> Result<Option<CaseStatus>, RepoError> {
    let status: Option<String> = cases::Entity::find_by_id(id.as_uuid())
        .select_only()
        .column(cases::Column::Status)
        .lock_exclusive()
        .into_tuple()
        .one(db)
        .await?;
    status
        .map(|s| parse_stored("status", &s, CaseStatus::parse))
        .transpose()
}

/// The cases an investigator holds an assignment on that has not ended.
fn assigned_to(account: AccountId) -> SelectStatement {
    Query::select()
        .column(investigator_assignments::Column::CaseId)
        .from(investigator_assignments::Entity)
        .and_where(
            Expr::col(investigator_assignments::Column::InvestigatorId).eq(account.as_uuid()),
        )
        .and_where(
            Expr::col(investigator_assignments::Column::Status)
                .ne(AssignmentStatus::Ended.as_str()),
        )
        .to_owned()
}

/// The ids of the cases in `scope`, as a subquery; `None` for no case at all.
pub(crate) fn cases_in_scope(scope: CaseScope) -> Option<SelectStatement> {
    let by = |column: cases::Column, id: uuid::Uuid| {
        Query::select()
            .column(cases::Column::Id)
            .from(cases::Entity)
            .and_where(Expr::col(column).eq(id))
            .to_owned()
    };
    match scope {
        CaseScope::Nothing => None,
        CaseScope::HandledBy(org) => Some(by(cases::Column::OrganizationId, org.as_uuid())),
        CaseScope::Court(court) => Some(
            by(cases::Column::ReferringCourtId, court.as_uuid())
                .union(
                    sea_orm::sea_query::UnionType::All,
                    confirmations::cases_applied_to(court),
                )
                .to_owned(),
        ),
        CaseScope::AssignedTo(account) => Some(assigned_to(account)),
    }
}

/// The filters of [`list`]; `None` means any.
#[derive(Debug, Clone)]
pub struct CaseFilter {
    /// Whose cases: always set, from the access policy.
    pub scope: CaseScope,
    pub status: Option<CaseStatus>,
    pub track: Option<Track>,
    pub ip_type: Option<IpType>,
    /// Cases this mediator is assigned to.
    pub assigned_to: Option<AccountId>,
    /// Cases with (`true`) or without (`false`) an open deadline past its day, as of `today`.
    pub overdue: Option<bool>,
    pub today: NaiveDate,
    pub created_from: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
    /// A normalised prefix of a party's name, a credit code, the right or the case number.
    pub query: Option<String>,
}

impl CaseFilter {
    /// Whether the filter searches (`query`) and asks nothing else of the cases.
    fn only_searches(&self) -> bool {
        self.query.is_some()
            && self.status.is_none()
            && self.track.is_none()
            && self.ip_type.is_none()
            && self.assigned_to.is_none()
            && self.overdue.is_none()
            && self.created_from.is_none()
            && self.created_before.is_none()
    }
}

/// Cases newest first, one keyset page at a time, within the caller's scope.
///
/// # Errors
/// Database errors; a corrupt row.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &CaseFilter,
    page: PageRequest,
) -> Result<Page<Case>, RepoError> {
    use cases::Column as C;
    let mut query = cases::Entity::find()
        .order_by_desc(C::Id)
        .limit(page.limit + 1);
    query = match filter.scope {
        CaseScope::Nothing => {
            return Ok(Page {
                items: vec![],
                next_after: None,
            });
        }
        CaseScope::HandledBy(org) => query.filter(C::OrganizationId.eq(org.as_uuid())),
        CaseScope::Court(court) => query.filter(
            Condition::any()
                .add(C::ReferringCourtId.eq(court.as_uuid()))
                .add(C::Id.in_subquery(confirmations::cases_applied_to(court))),
        ),
        CaseScope::AssignedTo(account) => query.filter(C::Id.in_subquery(assigned_to(account))),
    };
    if let Some(before) = page.after {
        query = query.filter(C::Id.lt(before));
    }
    if let Some(status) = filter.status {
        query = query.filter(C::Status.eq(status.as_str()));
    }
    if let Some(track) = filter.track {
        query = query.filter(C::Track.eq(track.as_str()));
    }
    if let Some(ip_type) = filter.ip_type {
        query = query.filter(C::IpType.eq(ip_type.as_str()));
    }
    if let Some(from) = filter.created_from {
        query = query.filter(C::CreatedAt.gte(from));
    }
    if let Some(before) = filter.created_before {
        query = query.filter(C::CreatedAt.lt(before));
    }
    if let Some(account) = filter.assigned_to {
        let assigned = Query::select()
            .column(case_assignments::Column::CaseId)
            .from(case_assignments::Entity)
            .and_where(Expr::col(case_assignments::Column::AccountId).eq(account.as_uuid()))
            .to_owned();
        query = query.filter(C::Id.in_subquery(assigned));
    }
    if let Some(overdue) = filter.overdue {
        let mut late = Query::select()
            .column(case_deadlines::Column::CaseId)
            .from(case_deadlines::Entity)
            .and_where(Expr::col(case_deadlines::Column::Status).eq(DeadlineStatus::Open.as_str()))
            .and_where(Expr::col(case_deadlines::Column::DueOn).lt(filter.today))
            .to_owned();
        // Within the handling organisation the (organization_id, status, due_on) index serves.
        if let CaseScope::HandledBy(org) = filter.scope {
            late.and_where(Expr::col(case_deadlines::Column::OrganizationId).eq(org.as_uuid()));
        }
        query = query.filter(if overdue {
            Condition::all().add(C::Id.in_subquery(late))
        } else {
            Condition::all().add(C::Id.not_in_subquery(late))
        });
    }
    if let Some(prefix) = filter.query.as_deref().filter(|q| !q.is_empty()) {
        // A prefix is a range of the bytewise-ordered term index.
        let upper = format!("{prefix}{}", char::MAX);
        let mut found = Query::select()
            .column(case_search_terms::Column::CaseId)
            .from(case_search_terms::Entity)
            .and_where(Expr::col(case_search_terms::Column::Term).gte(prefix))
            .and_where(Expr::col(case_search_terms::Column::Term).lt(upper))
            .to_owned();
        if let CaseScope::HandledBy(org) = filter.scope {
            found.and_where(Expr::col(case_search_terms::Column::OrganizationId).eq(org.as_uuid()));
            // With nothing else to filter on, the page is the newest matching ids: the terms
            // carry the case's organisation (written with the case, never changed), so the
            // index on (organization_id, term, case_id) yields them without reading a case
            // that is not on the page.
            if filter.only_searches() {
                if let Some(before) = page.after {
                    found.and_where(Expr::col(case_search_terms::Column::CaseId).lt(before));
                }
                found
                    .distinct()
                    .order_by(case_search_terms::Column::CaseId, Order::Desc)
                    .limit(page.limit + 1);
            }
        }
        query = query.filter(C::Id.in_subquery(found));
    }
    let rows = query.all(db).await?;
    let page = Page::from_overfetch(rows, page.limit, |r| r.id);
    Ok(Page {
        items: with_parties(db, page.items).await?,
        next_after: page.next_after,
    })
}
