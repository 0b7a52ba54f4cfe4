//! Writing cases: intake, optimistic-concurrency saves, case numbers.
use chrono::{DateTime, Utc};
use ipdr_domain::case::intake::NewCase;
use ipdr_domain::case::search;
use ipdr_domain::case::stored::Case;
use ipdr_domain::case::{CaseStatus, Consent};
use ipdr_domain::{AccountId, CaseId, OrganizationId};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, Set};

use super::agents_json;
use crate::entity::{case_number_counters, case_parties, case_search_terms, cases};
use crate::repo::{RepoError, Versioned, json_text};

/// Stores a new `submitted` case with its parties and search terms. Call inside the
/// transaction that also writes its first timeline event and deadlines.
///
/// # Errors
/// Database errors (a missing organisation among them).
pub async fn insert(
    db: &impl ConnectionTrait,
    id: CaseId,
    new: &NewCase,
    organization_id: OrganizationId,
    referring_court_id: Option<OrganizationId>,
    created_by: AccountId,
    now: DateTime<Utc>,
) -> Result<Case, RepoError> {
    let case = Case {
        id,
        case_number: None,
        organization_id,
        referring_court_id,
        track: new.track,
        ip_type: new.ip_type,
        right: new.right.normalized(),
        right_title: new.right_title.clone(),
        parties: new.parties.clone(),
        claims: new.claims.clone(),
        amount_fen: new.amount_fen,
        city: new.city.as_str().to_owned(),
        court_procedure: new.court_procedure,
        status: CaseStatus::Submitted,
        consent: Consent::Pending,
        reason: None,
        routes: Vec::new(),
        withdrawn_by: None,
        enforceable: false,
        returned_on: None,
        version: 1,
        created_by,
        created_at: now,
        updated_at: now,
    };
    cases::Entity::insert(cases::ActiveModel {
        id: Set(id.as_uuid()),
        case_number: Set(None),
        organization_id: Set(organization_id.as_uuid()),
        referring_court_id: Set(referring_court_id.map(|c| c.as_uuid())),
        track: Set(case.track.as_str().to_owned()),
        ip_type: Set(case.ip_type.as_str().to_owned()),
        right_identifier: Set(case.right.clone()),
        right_title: Set(case.right_title.clone()),
        claims: Set(json_text(&case.claims)),
        amount_fen: Set(case.amount_fen),
        city: Set(case.city.clone()),
        court_procedure: Set(case.court_procedure.map(|p| p.as_str().to_owned())),
        status: Set(case.status.as_str().to_owned()),
        consent: Set(case.consent.as_str().to_owned()),
        reason: Set(None),
        routes: Set(None),
        withdrawn_by: Set(None),
        enforceable: Set(false),
        returned_on: Set(None),
        version: Set(case.version),
        created_by: Set(created_by.as_uuid()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec(db)
    .await?;
    let parties = case.parties.iter().map(|p| case_parties::ActiveModel {
        case_id: Set(id.as_uuid()),
        number: Set(i32::try_from(p.number).unwrap_or(i32::MAX)),
        side: Set(p.side.as_str().to_owned()),
        kind: Set(p.kind.as_str().to_owned()),
        name: Set(p.name.clone()),
        id_type: Set(p.identity.as_ref().map(|d| d.kind.as_str().to_owned())),
        id_number: Set(p.identity.as_ref().map(|d| d.number.clone())),
        credit_code: Set(p.credit_code.as_ref().map(|c| c.as_str().to_owned())),
        phone: Set(p.phone.clone()),
        address: Set(p.address.clone()),
        agents: Set(agents_json(&p.agents)),
    });
    case_parties::Entity::insert_many(parties).exec(db).await?;
    let terms = search::terms(&case.parties, &case.right, case.right_title.as_deref());
    add_search_terms(db, &case, terms).await?;
    Ok(case)
}

/// Makes `terms` find the case.
///
/// # Errors
/// Database errors.
pub(crate) async fn add_search_terms(
    db: &impl ConnectionTrait,
    case: &Case,
    terms: impl IntoIterator<Item = String>,
) -> Result<(), RepoError> {
    let rows = terms
        .into_iter()
        .map(|term| case_search_terms::ActiveModel {
            term: Set(term),
            case_id: Set(case.id.as_uuid()),
            organization_id: Set(case.organization_id.as_uuid()),
        });
    case_search_terms::Entity::insert_many(rows)
        .on_conflict_do_nothing()
        .exec(db)
        .await?;
    Ok(())
}

/// Writes the changed fields of `case` if it still has `expected_version`, and returns it with
/// the next version. A newly assigned case number becomes searchable.
///
/// # Errors
/// [`RepoError::Stale`] when another change got there first (nothing is written).
pub async fn save(
    db: &impl ConnectionTrait,
    case: &Case,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<Case, RepoError> {
    use cases::Column as C;
    let routes = case
        .routes
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let result = cases::Entity::update_many()
        .col_expr(C::Status, Expr::value(case.status.as_str()))
        .col_expr(C::Consent, Expr::value(case.consent.as_str()))
        .col_expr(C::CaseNumber, Expr::value(case.case_number.clone()))
        .col_expr(C::Reason, Expr::value(case.reason.clone()))
        .col_expr(
            C::Routes,
            Expr::value((!routes.is_empty()).then_some(routes)),
        )
        .col_expr(
            C::WithdrawnBy,
            Expr::value(case.withdrawn_by.map(|s| s.as_str())),
        )
        .col_expr(C::Enforceable, Expr::value(case.enforceable))
        .col_expr(C::ReturnedOn, Expr::value(case.returned_on))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(case.id.as_uuid()))
        .filter(C::Version.eq(expected_version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Err(RepoError::Stale(Versioned::Case));
    }
    if let Some(number) = &case.case_number {
        add_search_terms(db, case, [search::normalize(number)]).await?;
    }
    Ok(Case {
        version: expected_version + 1,
        updated_at: now,
        ..case.clone()
    })
}

/// The next case number of `organization` in `year`, counted in the caller's transaction: two
/// acceptances never get the same number, and a rolled-back one gives its number back.
///
/// # Errors
/// Database errors.
pub async fn next_case_number(
    db: &impl ConnectionTrait,
    organization: OrganizationId,
    year: i32,
) -> Result<u64, RepoError> {
    use case_number_counters::Column as C;
    let upsert = Query::insert()
        .into_table(case_number_counters::Entity)
        .columns([C::OrganizationId, C::Year, C::LastNumber])
        .values_panic([organization.as_uuid().into(), year.into(), 1i64.into()])
        .on_conflict(
            OnConflict::columns([C::OrganizationId, C::Year])
                .value(
                    C::LastNumber,
                    Expr::col((case_number_counters::Entity, C::LastNumber)).add(1),
                )
                .to_owned(),
        )
        .returning_col(C::LastNumber)
        .to_owned();
    let row = db
        .query_one(&upsert)
        .await?
        .ok_or_else(|| RepoError::Corrupt("the case number counter returned nothing".to_owned()))?;
    let last: i64 = row.try_get("", "last_number")?;
    u64::try_from(last).map_err(|_| RepoError::Corrupt(format!("case number counter {last}")))
}
