//! `/api/v1/cases/{id}/documents`: evidence and agreement files, stored by SHA-256.
use ipdr_domain::access::Action;
use ipdr_domain::{CaseId, DocumentId};
use poem::Request;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Attachment, Binary, Json};
use poem_openapi::{ApiResponse, Object, OpenApi};
use uuid::Uuid;

use super::attachment;
use super::views::DocumentView;
use crate::auth::BearerAuth;
use crate::error::{ApiResult, status};
use crate::service;
use crate::state::AppState;
use crate::v1::ApiTags;
use crate::v1::wire::DocumentKindName;

#[derive(Default)]
pub struct CaseDocumentsApi;

/// The documents of a case.
#[derive(Object)]
pub struct DocumentList {
    pub case_id: Uuid,
    pub items: Vec<DocumentView>,
}

#[derive(ApiResponse)]
pub enum DocumentUploaded {
    /// Stored; `sha256` identifies the content.
    #[oai(status = 201)]
    Created(Json<DocumentView>),
}

#[derive(ApiResponse)]
pub enum DocumentsFound {
    /// The documents, oldest first.
    #[oai(status = 200)]
    Ok(Json<DocumentList>),
}

#[derive(ApiResponse)]
pub enum DocumentContent {
    /// The file, as uploaded.
    #[oai(status = 200)]
    Ok(
        Attachment<Vec<u8>>,
        /// SHA-256 of the content, lower-case hex.
        #[oai(header = "X-Content-SHA256")]
        String,
    ),
}

#[OpenApi(prefix_path = "/api/v1/cases", tag = "ApiTags::Documents")]
impl CaseDocumentsApi {
    /// Upload a document.
    ///
    /// The body is the file itself (its `Content-Type` is kept as the media type), at most
    /// IPDR_MAX_DOCUMENT_BYTES (default 10 MiB). Identical contents are stored once; the
    /// SHA-256 is shown so anyone can check a copy. Mediators of the handling organisation; not
    /// on a closed case (R5).
    #[allow(
        clippy::too_many_arguments,
        reason = "poem-openapi takes one argument per parameter"
    )]
    #[oai(
        path = "/:id/documents",
        method = "post",
        operation_id = "upload_document"
    )]
    async fn upload_document(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        request: &Request,
        id: Path<Uuid>,
        /// `evidence`, `technical` (technical material for the investigators), `identity` (a
        /// party's identity document), `agreement` (a scan of the signed agreement) or
        /// `other`. The kind decides who may read it (see `download_document`).
        kind: Query<DocumentKindName>,
        /// The file's name, without directories.
        filename: Query<String>,
        body: Binary<Vec<u8>>,
    ) -> ApiResult<
        DocumentUploaded,
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
            service::cases::authorized(&state, &caller.0, CaseId::from(id.0), Action::Update)
                .await?;
        let name = service::files::filename(&filename.0)?;
        let media_type = service::files::media_type(request.content_type());
        let stored = service::files::upload(
            &state,
            &caller.0,
            &case,
            kind.0.into(),
            name,
            media_type,
            body.0,
        )
        .await?;
        Ok(DocumentUploaded::Created(Json(stored.into())))
    }

    /// List a case's documents.
    ///
    /// Their names, kinds, sizes and SHA-256 digests: the documents the caller may download
    /// (see `download_document`), for anyone who may see the case.
    #[oai(
        path = "/:id/documents",
        method = "get",
        operation_id = "list_documents"
    )]
    async fn list_documents(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<DocumentsFound, { status::AUTHENTICATED | status::NOT_FOUND }> {
        let (case, items) = service::files::list(&state, &caller.0, CaseId::from(id.0)).await?;
        Ok(DocumentsFound::Ok(Json(DocumentList {
            case_id: case.id.as_uuid(),
            items: items.into_iter().map(Into::into).collect(),
        })))
    }

    /// Download a document.
    ///
    /// The file as uploaded. Who may read it depends on its kind: the case's mediators and
    /// courts every kind; its technical investigators `evidence` and `technical` only (never a
    /// party's identity document or the agreement scan); auditors none (they read the masked
    /// case). A document the caller may not read, or of a case outside the caller's sight, is
    /// 404.
    #[oai(
        path = "/:id/documents/:document_id/content",
        method = "get",
        operation_id = "download_document"
    )]
    async fn download_document(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        document_id: Path<Uuid>,
    ) -> ApiResult<DocumentContent, { status::AUTHENTICATED | status::NOT_FOUND }> {
        let (document, content) = service::files::download(
            &state,
            &caller.0,
            CaseId::from(id.0),
            DocumentId::from(document_id.0),
        )
        .await?;
        Ok(DocumentContent::Ok(
            attachment(content, document.filename),
            document.sha256,
        ))
    }
}
