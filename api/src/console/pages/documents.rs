//! The case file in the console: the documents the caller may read (by kind, as the API
//! decides), their download, and the upload form for those who may change the case.
use std::collections::HashMap;

use maud::{Markup, html};
use poem::http::{StatusCode, header};
use poem::web::{Multipart, Path};
use poem::{Request, Response, handler};

use super::case::{Attempt, again};
use super::errors;
use crate::console::{Ctx, id_of, posted, see_other, signed_in};
use crate::service::error::AppError;
use crate::service::sessions::Session;
use crate::service::{cases, files};
use ipdr_domain::access::Action;
use ipdr_domain::case::DocumentKind;
use ipdr_domain::case::stored::Document;
use ipdr_domain::{CaseId, DocumentId, ValidationErrors};

/// A download: the content as an attachment (never shown inline, so an uploaded page cannot
/// run in this origin), named as uploaded.
pub fn attachment(filename: &str, media_type: &str, content: Vec<u8>) -> Response {
    // RFC 8187: everything but the attr-chars is percent-encoded.
    const ATTR_CHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'.')
        .remove(b'-')
        .remove(b'_')
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'^')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    let encoded = percent_encoding::utf8_percent_encode(filename, ATTR_CHAR);
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, media_type)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
        )
        .body(content)
}

/// The documents section of the case page.
pub fn section(
    ctx: &Ctx,
    csrf: &str,
    case: CaseId,
    documents: &[Document],
    may_upload: bool,
) -> Markup {
    let lang = ctx.lang;
    html! {
        h2 { (lang.t("documents.title")) }
        @if documents.is_empty() {
            p { (lang.t("documents.none")) }
        } @else {
            table #documents {
                thead { tr {
                    th scope="col" { (lang.t("documents.name")) }
                    th scope="col" { (lang.t("documents.kind")) }
                    th scope="col" { (lang.t("documents.size")) }
                    th scope="col" { (lang.t("documents.uploaded")) }
                } }
                tbody { @for d in documents { tr {
                    td { a href={ "/cases/" (case) "/documents/" (d.id) } { (d.filename) } }
                    td { (lang.name("document", d.kind.as_str())) }
                    td { (d.size) " B" }
                    td { (lang.time(d.uploaded_at)) }
                } } }
            }
        }
        @if may_upload {
            details {
                summary { (lang.t("documents.upload")) }
                form method="post" action={ "/cases/" (case) "/documents" } enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="document-kind" { (lang.t("documents.kind")) }
                    select #document-kind name="kind" {
                        @for kind in DocumentKind::ALL {
                            option value=(kind.as_str()) { (lang.name("document", kind.as_str())) }
                        }
                    }
                    label for="document-file" { (lang.t("documents.file")) }
                    input #document-file type="file" name="file" required;
                    div { button type="submit" { (lang.t("documents.upload")) } }
                }
            }
        }
    }
}

/// A multipart form read whole: its text fields, and its files (name, media type, content).
pub struct Upload {
    pub fields: HashMap<String, String>,
    pub files: Vec<(String, String, Vec<u8>)>,
}

impl Upload {
    /// Reads every part (the body limit bounds the whole); empty file inputs are skipped.
    ///
    /// # Errors
    /// `Invalid` naming `file` when the form cannot be read.
    pub async fn read(mut multipart: Multipart) -> Result<Self, AppError> {
        let unreadable = |_| -> AppError {
            ValidationErrors::one(
                "file",
                ipdr_domain::Invalid::new("unreadable", "the form could not be read"),
            )
            .into()
        };
        let mut form = Self {
            fields: HashMap::new(),
            files: Vec::new(),
        };
        while let Some(part) = multipart.next_field().await.map_err(unreadable)? {
            let name = part.name().unwrap_or_default().to_owned();
            match part.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let media = files::media_type(part.content_type());
                    let bytes = part.bytes().await.map_err(unreadable)?;
                    if !(file_name.is_empty() && bytes.is_empty()) {
                        form.files.push((file_name, media, bytes));
                    }
                }
                None => {
                    let text = part.text().await.map_err(unreadable)?;
                    form.fields.insert(name, text);
                }
            }
        }
        Ok(form)
    }

    /// A multipart form posted on a case's page (`case` is the path's id), read whole, with
    /// the session's CSRF token checked. A form that cannot be read sends the browser back to
    /// the case page, which says so; the answer for a bad token or a path that names no case
    /// is the one for any form.
    ///
    /// # Errors
    /// The answer to send instead.
    pub async fn posted_to_case(
        req: &Request,
        case: &str,
        multipart: Multipart,
    ) -> Result<(Ctx, Session, CaseId, Self), Response> {
        let case_id = id_of::<CaseId>(case);
        let form = match Self::read(multipart).await {
            Ok(form) => form,
            Err(_) => {
                return Err(match case_id {
                    Some(id) => see_other(&format!("/cases/{id}?notice=unreadable")),
                    None => see_other("/cases"),
                });
            }
        };
        let (ctx, session) = posted(req, &form.fields).await?;
        match case_id {
            Some(id) => Ok((ctx, session, id, form)),
            None => Err(errors::not_found(&ctx)),
        }
    }
}

/// Stores one uploaded document on the case.
#[handler]
pub async fn upload(req: &Request, Path(id): Path<String>, multipart: Multipart) -> Response {
    let (ctx, session, id, upload) = match Upload::posted_to_case(req, &id, multipart).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let caller = &session.principal;
    let kind = upload.fields.get("kind").map_or("", String::as_str);
    let stored = async {
        let case = cases::authorized(&ctx.state, caller, id, Action::Update).await?;
        let kind = DocumentKind::parse(kind).ok_or_else(|| {
            ValidationErrors::one(
                "document-kind",
                ipdr_domain::Invalid::new("required", "choose a kind"),
            )
        })?;
        let Some((name, media, content)) = upload.files.into_iter().next() else {
            return Err(ValidationErrors::one(
                "document-file",
                ipdr_domain::Invalid::new("required", "choose a file"),
            )
            .into());
        };
        let name = files::filename(&name)?;
        files::upload(&ctx.state, caller, &case, kind, name, media, content).await
    };
    let object = format!("/api/v1/cases/{id}/documents");
    let (done, _) =
        crate::audit::acting(ctx.acting(&session, "upload_document", object), stored).await;
    match done {
        Ok(_) => see_other(&format!("/cases/{id}")),
        Err(e) => again(&ctx, id, e, "document-file".to_owned(), Attempt::default()).await,
    }
}

/// One document of the case, when the caller may read its kind.
#[handler]
pub async fn download(req: &Request, Path((id, document)): Path<(String, String)>) -> Response {
    let (ctx, session) = match signed_in(req).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let (Some(id), Some(document)) = (id_of::<CaseId>(&id), id_of::<DocumentId>(&document)) else {
        return errors::not_found(&ctx);
    };
    match files::download(&ctx.state, &session.principal, id, document).await {
        Ok((document, content)) => attachment(&document.filename, &document.media_type, content),
        Err(e) => errors::for_error(&ctx, &e),
    }
}
