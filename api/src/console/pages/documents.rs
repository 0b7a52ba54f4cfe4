//! The case file in the console: the documents the caller may read (by kind, as the API
//! decides), their download, and the upload form for those who may change the case.
use maud::{Markup, html};
use poem::http::{StatusCode, header};
use poem::web::{Multipart, Path};
use poem::{Request, Response, handler};

use super::case::{Attempt, again};
use super::errors;
use super::investigators::Upload;
use crate::console::{Ctx, id_of, posted, see_other, signed_in};
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

/// Stores one uploaded document on the case.
#[handler]
pub async fn upload(req: &Request, Path(id): Path<String>, multipart: Multipart) -> Response {
    let upload = match Upload::read(multipart).await {
        Ok(upload) => upload,
        Err(_) => return see_other(req.uri().path()),
    };
    let (ctx, session) = match posted(req, &upload.fields).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let Some(id) = id_of::<CaseId>(&id) else {
        return errors::not_found(&ctx);
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
