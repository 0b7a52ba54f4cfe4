//! `/api/v1/cases/{id}/opinions`: technical opinions (R23), for the case's mediators and court
//! and their author only.
use chrono::{DateTime, Utc};
use ipdr_domain::CaseId;
use ipdr_domain::access::Action;
use ipdr_domain::investigator::stored::{Opinion, OpinionDocument};
use poem::Request;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Attachment, Binary, Json};
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

use super::attachment;
use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::service;
use crate::state::AppState;
use crate::v1::ApiTags;

#[derive(Default)]
pub struct OpinionsApi;

/// A file attached to an opinion.
#[derive(Object)]
pub struct OpinionDocumentView {
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    pub filename: String,
    pub media_type: String,
    pub size: u64,
}

impl From<OpinionDocument> for OpinionDocumentView {
    fn from(d: OpinionDocument) -> Self {
        Self {
            sha256: d.sha256,
            filename: d.filename,
            media_type: d.media_type,
            size: d.size,
        }
    }
}

/// One submitted version of a technical opinion.
#[derive(Object)]
pub struct OpinionView {
    pub assignment_id: Uuid,
    /// 1 for the opinion, 2… for corrections; earlier versions are kept.
    pub version: u32,
    pub author_id: Uuid,
    pub text: String,
    /// SHA-256 of `text`.
    pub digest: String,
    pub documents: Vec<OpinionDocumentView>,
    pub submitted_at: DateTime<Utc>,
}

impl From<Opinion> for OpinionView {
    fn from(o: Opinion) -> Self {
        Self {
            assignment_id: o.assignment_id.as_uuid(),
            version: o.version,
            author_id: o.author_id.as_uuid(),
            text: o.text,
            digest: o.digest,
            documents: o.documents.into_iter().map(Into::into).collect(),
            submitted_at: o.submitted_at,
        }
    }
}

/// The opinions the caller may read.
#[derive(Object)]
pub struct OpinionList {
    pub case_id: Uuid,
    pub items: Vec<OpinionView>,
}

/// An opinion (or a correction) to submit.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct SubmitOpinionRequest {
    /// 1 to 100 000 characters, fixed by its SHA-256 once submitted.
    pub text: String,
    /// Digests of files uploaded with `upload_opinion_document` for this case.
    #[oai(default)]
    #[serde(default)]
    pub documents: Vec<String>,
}

#[derive(ApiResponse)]
pub enum OpinionDocumentStored {
    /// Stored; name it by `sha256` when submitting the opinion.
    #[oai(status = 201)]
    Created(Json<OpinionDocumentView>),
}

#[derive(ApiResponse)]
pub enum OpinionSubmitted {
    /// Submitted as the next version.
    #[oai(status = 201)]
    Created(Json<OpinionView>),
}

#[derive(ApiResponse)]
pub enum Opinions {
    /// The versions, by assignment and version.
    #[oai(status = 200)]
    Ok(Json<OpinionList>),
}

#[derive(ApiResponse)]
pub enum OpinionDocumentContent {
    /// The file.
    #[oai(status = 200)]
    Ok(Attachment<Vec<u8>>),
}

#[OpenApi(prefix_path = "/api/v1/cases", tag = "ApiTags::Opinions")]
impl OpinionsApi {
    /// Upload a document for my opinion.
    ///
    /// The assigned investigator only, while the assignment is active (not during a pending
    /// recusal, R24). The body is the file; its `Content-Type` is kept.
    #[allow(
        clippy::too_many_arguments,
        reason = "poem-openapi takes one argument per parameter"
    )]
    #[oai(
        path = "/:id/opinion-documents",
        method = "post",
        operation_id = "upload_opinion_document"
    )]
    async fn upload_opinion_document(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        request: &Request,
        id: Path<Uuid>,
        /// The file's name, without directories.
        filename: Query<String>,
        body: Binary<Vec<u8>>,
    ) -> ApiResult<
        OpinionDocumentStored,
        {
            status::AUTHENTICATED
                | status::FORBIDDEN
                | status::NOT_FOUND
                | status::CONFLICT
                | status::BAD_REQUEST
                | status::PAYLOAD_TOO_LARGE
                | status::UNSUPPORTED_MEDIA_TYPE
                | status::UNPROCESSABLE
        },
    > {
        let case =
            service::cases::authorized(&state, &caller.0, CaseId::from(id.0), Action::WriteOpinion)
                .await?;
        let name = service::files::filename(&filename.0)?;
        let media_type = service::files::media_type(request.content_type());
        let stored =
            service::opinions::upload_document(&state, &caller.0, &case, name, media_type, body.0)
                .await?;
        Ok(OpinionDocumentStored::Created(Json(stored.into())))
    }

    /// Submit my technical opinion.
    ///
    /// The assigned investigator only, while the assignment is active. Each submission is a
    /// new, immutable version (the first is the opinion, later ones corrections); the history is
    /// kept. R23: written before the decision, shown to the case's mediators and court only —
    /// never to parties, partner cities or other investigators — and it has no vote.
    #[oai(
        path = "/:id/opinions",
        method = "post",
        operation_id = "submit_opinion"
    )]
    async fn submit_opinion(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<SubmitOpinionRequest>,
    ) -> ApiResult<
        OpinionSubmitted,
        {
            status::AUTHENTICATED
                | status::FORBIDDEN
                | status::NOT_FOUND
                | status::CONFLICT
                | status::JSON_BODY
        },
    > {
        let case =
            service::cases::authorized(&state, &caller.0, CaseId::from(id.0), Action::WriteOpinion)
                .await?;
        let r = body.0;
        let opinion =
            service::opinions::submit(&state, &caller.0, &case, &r.text, &r.documents).await?;
        Ok(OpinionSubmitted::Created(Json(opinion.into())))
    }

    /// Read the technical opinions.
    ///
    /// Every version, for the case's mediators and the court that referred it; an investigator
    /// reads their own. Everyone else gets 404 (R23).
    #[oai(path = "/:id/opinions", method = "get", operation_id = "list_opinions")]
    async fn list_opinions(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<Opinions, { status::AUTHENTICATED | status::NOT_FOUND }> {
        let (case, items) =
            service::opinions::readable(&state, &caller.0, CaseId::from(id.0)).await?;
        Ok(Opinions::Ok(Json(OpinionList {
            case_id: case.id.as_uuid(),
            items: items.into_iter().map(Into::into).collect(),
        })))
    }

    /// Download an opinion's document.
    ///
    /// For whoever may read an opinion version that names it.
    #[oai(
        path = "/:id/opinion-documents/:sha256",
        method = "get",
        operation_id = "download_opinion_document"
    )]
    async fn download_opinion_document(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        sha256: Path<String>,
    ) -> ApiResult<OpinionDocumentContent, { status::AUTHENTICATED | status::NOT_FOUND }> {
        let (document, content) =
            service::opinions::download_document(&state, &caller.0, CaseId::from(id.0), &sha256.0)
                .await?;
        Ok(OpinionDocumentContent::Ok(attachment(
            content,
            document.filename,
        )))
    }
}
