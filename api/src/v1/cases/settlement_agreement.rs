//! `/api/v1/cases/{id}/agreement`: the settlement agreement and its signatures (R6, R12).
use ipdr_domain::CaseId;
use ipdr_domain::access::Action;
use ipdr_domain::case::agreement::{AgreementContent, Signer};
use ipdr_domain::validation::Invalid;
use poem::web::Data;
use poem_openapi::param::{Header, Path};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

use super::if_match;
use super::views::{SettlementAgreementView, agreement_view};
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::problem::ApiProblem;
use crate::service;
use crate::state::AppState;
use crate::v1::ApiTags;
use crate::v1::wire::SignatureMethodName;

#[derive(Default)]
pub struct SettlementAgreementApi;

const CHANGE: u32 = status::AUTHENTICATED
    | status::FORBIDDEN
    | status::NOT_FOUND
    | status::CONFLICT
    | status::PRECONDITION_FAILED
    | status::JSON_BODY;

/// The agreement's text and terms.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct RecordSettlementAgreementRequest {
    /// The full text, as it will be signed (1 to 100 000 characters; kept byte for byte).
    pub text: String,
    /// The obligations, one per entry, for following performance (at most 50).
    #[oai(default)]
    #[serde(default)]
    pub terms: Vec<String>,
    /// Set when the agreement decides ownership or validity of an IP right (确权): such an
    /// agreement cannot be judicially confirmed (R12).
    #[oai(default)]
    #[serde(default)]
    pub decides_ownership_or_validity: bool,
}

/// Who signed and how.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct SignatureRequest {
    /// The signing party's number in the case; omit it for the mediator's own signature.
    #[serde(default)]
    pub party_number: Option<u32>,
    /// `true` for the mediator's signature.
    #[oai(default)]
    #[serde(default)]
    pub mediator: bool,
    pub method: SignatureMethodName,
}

#[derive(ApiResponse)]
pub enum AgreementFound {
    /// The agreement with its signatures.
    #[oai(status = 200)]
    Ok(Json<SettlementAgreementView>),
}

#[OpenApi(prefix_path = "/api/v1/cases", tag = "ApiTags::SettlementAgreements")]
impl SettlementAgreementApi {
    /// Record the settlement agreement.
    ///
    /// During mediation, records (or replaces) the agreement's text and terms; its SHA-256
    /// digest is stored and shown. Once anyone has signed, the text is frozen and this is
    /// refused with `agreement_frozen` (R6).
    #[oai(
        path = "/:id/agreement",
        method = "put",
        operation_id = "record_settlement_agreement"
    )]
    async fn record_settlement_agreement(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<RecordSettlementAgreementRequest>,
    ) -> ApiResult<AgreementFound, CHANGE> {
        let caller = caller.0;
        let case =
            service::cases::authorized(&state, &caller, CaseId::from(id.0), Action::Update).await?;
        let if_match = if_match(version.0.as_deref())?;
        let r = body.0;
        // PostgreSQL text cannot hold NUL (SQLite can): refused alike on every database.
        if r.text.contains('\0') {
            return Err(ipdr_domain::ValidationErrors::one(
                "text",
                Invalid::new("invalid_characters", "must not contain NUL characters"),
            )
            .into());
        }
        let content = AgreementContent::parse(&r.text, &r.terms, r.decides_ownership_or_validity)?;
        let (case, stored) =
            service::settlement_agreements::record(&state, &caller, case.id, if_match, &content)
                .await?;
        Ok(AgreementFound::Ok(Json(agreement_view(&case, stored))))
    }

    /// Read the settlement agreement.
    ///
    /// Its text, terms, digest and signatures, for the mediators of the case and the court that
    /// referred it (settlement terms are confidential: auditors and investigators get 403).
    /// 404 when none was recorded.
    #[oai(
        path = "/:id/agreement",
        method = "get",
        operation_id = "get_settlement_agreement"
    )]
    async fn get_settlement_agreement(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<AgreementFound, { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND }>
    {
        let (case, stored) =
            service::case_views::agreement(&state, &caller.0, CaseId::from(id.0)).await?;
        let stored = stored
            .ok_or_else(|| ApiProblem::not_found().detail("no agreement has been recorded"))?;
        Ok(AgreementFound::Ok(Json(agreement_view(&case, stored))))
    }

    /// Record a signature.
    ///
    /// The mediator records each party's signature (or seal, or fingerprint) and their own. The
    /// first signature freezes the text; the last required one — every party and the mediator —
    /// makes the agreement effective and the case `settled` (R6), which opens the 30-day window
    /// to apply for judicial confirmation (R8).
    #[oai(
        path = "/:id/agreement/signatures",
        method = "post",
        operation_id = "sign_settlement_agreement"
    )]
    async fn sign_settlement_agreement(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] version: Header<Option<String>>,
        body: JsonBody<SignatureRequest>,
    ) -> ApiResult<AgreementFound, CHANGE> {
        let caller = caller.0;
        let case =
            service::cases::authorized(&state, &caller, CaseId::from(id.0), Action::Update).await?;
        let if_match = if_match(version.0.as_deref())?;
        let r = body.0;
        let signer = match (r.party_number, r.mediator) {
            (Some(n), false) => Signer::Party(n),
            (None, true) => Signer::Mediator,
            _ => {
                return Err(ipdr_domain::ValidationErrors::one(
                    "party_number",
                    Invalid::new("one_signer", "give either a party_number or mediator: true"),
                )
                .into());
            }
        };
        let (case, stored) = service::settlement_agreements::sign(
            &state,
            &caller,
            case.id,
            if_match,
            signer,
            r.method.into(),
        )
        .await?;
        Ok(AgreementFound::Ok(Json(agreement_view(&case, stored))))
    }
}
