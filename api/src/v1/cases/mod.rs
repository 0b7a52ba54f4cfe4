//! `/api/v1/cases`: intake, lists, reading a case and its timeline. The lifecycle, the
//! agreement, assignments and documents have their own modules.
pub mod assignments;
pub mod documents;
mod headers;
pub mod investigators;
pub mod lifecycle;
pub mod opinions;
pub mod settlement_agreement;
pub mod views;

use chrono::{DateTime, Utc};
use ipdr_domain::case::intake::{AgentDraft, CaseDraft, PartyDraft};
use ipdr_domain::{CaseId, OrganizationId};
use poem::web::Data;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::{ParseFromJSON, ToJSON};
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ApiTags;
use super::paging::{encode_cursor, page_request};
use super::wire::{
    CaseStatusName, CourtProcedureName, IdDocumentKindName, IpTypeName, PartyKindName, SideName,
    TrackName,
};
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::idempotency;
use crate::problem::ApiProblem;
use crate::service::case_views::{self, CaseQuery};
use crate::state::AppState;
pub use headers::{IF_MATCH_PATTERN, attachment, etag, if_match};
use views::{CasePage, CaseView, Timeline, case_view};

#[derive(Default)]
pub struct CasesApi;

/// An agent representing a party.
#[derive(Object, Deserialize, Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct AgentRequest {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// Law firm or agency.
    #[serde(default)]
    pub firm: Option<String>,
}

/// An applicant or respondent.
#[derive(Object, Deserialize, Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct PartyRequest {
    pub side: SideName,
    pub kind: PartyKindName,
    pub name: String,
    /// Persons only: the kind of document `id_number` is from; `resident_id` when omitted.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub id_type: Option<IdDocumentKindName>,
    /// Persons only: the document's number, checked for its `id_type` — a resident identity
    /// number per GB 11643 (18 characters, a province's address code, a real birth date not in
    /// the future, the check character); passports 5–20 letters and digits; Hong Kong/Macau
    /// permits `H` or `M` and 8 or 10 digits; Taiwan permits 8 or 10 digits; `other` 1–32
    /// characters. Full-width characters are read as their ASCII forms (NFKC).
    #[serde(default)]
    pub id_number: Option<String>,
    /// Organisations only: the unified social credit code, checked (GB 32100).
    #[serde(default)]
    pub credit_code: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[oai(default)]
    #[serde(default)]
    pub agents: Vec<AgentRequest>,
}

/// A dispute to open as a case.
#[derive(Object, Deserialize, Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct CreateCaseRequest {
    /// Mediators open `people`, `admin_patent`, `admin_trademark` and `industry` cases; court
    /// users refer `court_delegated` and `court_entrusted` ones.
    pub track: TrackName,
    pub ip_type: IpTypeName,
    /// The right concerned: for patents the application or patent number with its check digit
    /// (`201080063196.9`, `ZL201080063196.9`), for trademarks the registration number, else a
    /// short description.
    pub right: String,
    /// The invention's title, the mark, the work …
    #[serde(default)]
    pub right_title: Option<String>,
    /// At least one applicant and one respondent, at most 20 parties.
    pub parties: Vec<PartyRequest>,
    /// What the applicant asks for, 1 to 20 items.
    pub claims: Vec<String>,
    /// The amount in dispute in fen (分), CNY.
    #[serde(default)]
    pub amount_fen: Option<i64>,
    pub city: String,
    /// `court_entrusted` only: the procedure it comes from (R15).
    #[serde(default)]
    pub court_procedure: Option<CourtProcedureName>,
    /// The handling mediation organisation: the mediator's own (may be omitted); required when
    /// a court refers a case.
    #[serde(default)]
    pub organization_id: Option<Uuid>,
}

impl CreateCaseRequest {
    fn draft(&self) -> CaseDraft {
        CaseDraft {
            track: self.track.into(),
            ip_type: self.ip_type.into(),
            right: self.right.clone(),
            right_title: self.right_title.clone(),
            parties: self
                .parties
                .iter()
                .map(|p| PartyDraft {
                    side: Some(p.side.into()),
                    kind: Some(p.kind.into()),
                    name: p.name.clone(),
                    id_type: p.id_type.map(Into::into),
                    id_number: p.id_number.clone(),
                    credit_code: p.credit_code.clone(),
                    phone: p.phone.clone(),
                    address: p.address.clone(),
                    agents: p
                        .agents
                        .iter()
                        .map(|a| AgentDraft {
                            name: a.name.clone(),
                            phone: a.phone.clone(),
                            firm: a.firm.clone(),
                        })
                        .collect(),
                })
                .collect(),
            claims: self.claims.clone(),
            amount_fen: self.amount_fen,
            city: self.city.clone(),
            court_procedure: self.court_procedure.map(Into::into),
        }
    }
}

#[derive(ApiResponse)]
pub enum CreatedCase {
    /// Opened as `submitted` (or, for a repeated `Idempotency-Key`, the first answer again).
    #[oai(status = 201)]
    Created(
        Json<CaseView>,
        /// Where the case can be read.
        #[oai(header = "Location")]
        String,
        /// The case's version, for `If-Match`.
        #[oai(header = "ETag")]
        String,
    ),
}

#[derive(ApiResponse)]
pub enum CaseFound {
    /// The case.
    #[oai(status = 200)]
    Ok(
        Json<CaseView>,
        /// The case's version, for `If-Match`.
        #[oai(header = "ETag")]
        String,
    ),
}

#[derive(ApiResponse)]
pub enum CaseList {
    /// A page of cases, newest first.
    #[oai(status = 200)]
    Ok(Json<CasePage>),
}

#[derive(ApiResponse)]
pub enum TimelineFound {
    /// Every change of the case, oldest first.
    #[oai(status = 200)]
    Ok(Json<Timeline>),
}

#[OpenApi(prefix_path = "/api/v1/cases", tag = "ApiTags::Cases")]
impl CasesApi {
    /// Open a case.
    ///
    /// Takes in a dispute as a `submitted` case. Mediators open mediation tracks in their own
    /// organisation (and are assigned to the case); court users refer `court_delegated` or
    /// `court_entrusted` disputes to a mediation organisation. Identifiers are checked: patent
    /// numbers with their check digit (and type digit against `ip_type`), credit codes per
    /// GB 32100, resident identity numbers per GB 11643. Opening starts the respondent's 15 days
    /// on `admin_patent` (R19) and the court term on court tracks (R15).
    ///
    /// Send an `Idempotency-Key` to make retries safe: the same key with the same body answers
    /// the first answer again and opens nothing; with a different body it is refused (422).
    #[oai(path = "/", method = "post", operation_id = "open_case")]
    async fn open_case(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        #[oai(name = "Idempotency-Key")] idempotency_key: Header<Option<String>>,
        body: JsonBody<CreateCaseRequest>,
    ) -> ApiResult<
        CreatedCase,
        { status::AUTHENTICATED | status::FORBIDDEN | status::JSON_BODY | status::CONFLICT },
    > {
        let caller = caller.0;
        case_views::may_open(&caller)?;
        let key = idempotency::parse_key(idempotency_key.0.as_deref())?;
        let request = body.0;
        let fingerprint = idempotency::fingerprint(&request);
        let draft = request.draft();
        let organization_id = request.organization_id.map(OrganizationId::from);
        let state = *state;
        let answer = idempotency::once(
            state,
            caller.account_id,
            key,
            "open_case",
            &fingerprint,
            async |txn| {
                let opened = case_views::open(txn, state, &caller, &draft, organization_id).await?;
                case_view(opened).to_json().ok_or_else(ApiProblem::internal)
            },
        )
        .await?;
        let view = CaseView::parse_from_json(Some(answer)).map_err(|_| ApiProblem::internal())?;
        let location = format!("/api/v1/cases/{}", view.id);
        let tag = etag(view.version);
        Ok(CreatedCase::Created(Json(view), location, tag))
    }

    /// List cases.
    ///
    /// The cases the caller may see — a mediator's or auditor's organisation, the cases a court
    /// referred — newest first. Filters: `status`, `track`, `ip_type`, `assigned_to` (a
    /// mediator), `overdue` (has an open deadline past its day), `created_from` /
    /// `created_before`, and `q`, a prefix of a party's name (or a word of it), a credit code,
    /// the right's identifier or title, or the case number. Pages of `limit` (1–100, default 50)
    /// continue with `cursor`.
    #[allow(
        clippy::too_many_arguments,
        reason = "poem-openapi takes one argument per query parameter"
    )]
    #[oai(path = "/", method = "get", operation_id = "list_cases")]
    async fn list_cases(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        status: Query<Option<CaseStatusName>>,
        track: Query<Option<TrackName>>,
        ip_type: Query<Option<IpTypeName>>,
        assigned_to: Query<Option<Uuid>>,
        overdue: Query<Option<bool>>,
        created_from: Query<Option<DateTime<Utc>>>,
        created_before: Query<Option<DateTime<Utc>>>,
        /// Search text; no NUL (no search term holds one, and PostgreSQL text cannot).
        #[oai(validator(max_length = 100, pattern = r"^[^\x00]*$"))]
        q: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<CaseList, { status::AUTHENTICATED | status::FORBIDDEN | status::BAD_REQUEST }>
    {
        let caller = caller.0;
        case_views::may_list(&caller)?;
        let page = page_request(limit.0, cursor.0.as_deref())?;
        let query = CaseQuery {
            status: status.0.map(Into::into),
            track: track.0.map(Into::into),
            ip_type: ip_type.0.map(Into::into),
            assigned_to: assigned_to.0.map(Into::into),
            overdue: overdue.0,
            created_from: created_from.0,
            created_before: created_before.0,
            text: q.0,
        };
        let found = case_views::list(&state, &caller, query, page).await?;
        Ok(CaseList::Ok(Json(CasePage {
            next_cursor: found.next_after.map(encode_cursor),
            items: found.items.into_iter().map(Into::into).collect(),
        })))
    }

    /// Read a case.
    ///
    /// With its parties, deadlines (each with its rule number), assigned mediators and the
    /// agreement at a glance. Auditors see it with parties' identity numbers, phones and
    /// addresses masked. A case outside the caller's sight is 404, as if it did not exist.
    #[oai(path = "/:id", method = "get", operation_id = "get_case")]
    async fn get_case(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<CaseFound, { status::AUTHENTICATED | status::NOT_FOUND }> {
        let view = case_view(case_views::get(&state, &caller.0, CaseId::from(id.0)).await?);
        let tag = etag(view.version);
        Ok(CaseFound::Ok(Json(view), tag))
    }

    /// Read a case's timeline.
    ///
    /// Every change — who (account and role), when, from which status to which, and why —
    /// written in the same transaction as the change itself, oldest first. For the mediators,
    /// auditors and referring court of the case (not its investigators).
    #[oai(
        path = "/:id/timeline",
        method = "get",
        operation_id = "get_case_timeline"
    )]
    async fn get_case_timeline(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<TimelineFound, { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND }>
    {
        let (case, events) = case_views::timeline(&state, &caller.0, CaseId::from(id.0)).await?;
        Ok(TimelineFound::Ok(Json(Timeline {
            case_id: case.id.as_uuid(),
            events: events.into_iter().map(Into::into).collect(),
        })))
    }
}
