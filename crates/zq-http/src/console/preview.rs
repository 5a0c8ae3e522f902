//! The editor's 预览 button: the form's current fields posted here (in a new window) come back
//! as the public article page in the site's own chrome, without anything being saved. The text
//! is sanitized as a save would; nothing from the form runs.

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use zq_domain::{ArticleId, ArticleStatus, ColumnId};

use super::frame::*;
use crate::AppState;
use crate::service::{self, ServiceError};
use crate::site::preview::{PreviewError, article_preview};

pub(crate) async fn preview(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    cc.check_csrf(&field(&f, "csrf"))?;
    let t = service::preview_site(state.services(), &cc.caller, &code).await?;
    let opt = |k: &str| Some(field(&f, k).trim().to_owned()).filter(|v| !v.is_empty());
    let now = state.services().now();
    let body = zq_domain::html::files_stored(&field(&f, "body"), &code);
    let title = opt("title").unwrap_or_else(|| "（未填写标题）".into());
    let a = zq_store::Article {
        id: ArticleId(0),
        tenant_id: t.id,
        column_id: ColumnId(field(&f, "column_id").trim().parse().unwrap_or(0)),
        title,
        subtitle: opt("subtitle"),
        source: opt("source"),
        author: opt("author"),
        summary: opt("summary"),
        body: zq_store::sanitize_html(&body),
        doc_number: opt("doc_number"),
        index_number: opt("index_number"),
        status: ArticleStatus::Published,
        published_at: Some(now),
        updated_at: now,
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    match article_preview(&state, &code, a, ("http", host)) {
        Ok(html) => Ok((
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::HeaderName::from_static("x-robots-tag"), "noindex"),
            ],
            html,
        )
            .into_response()),
        Err(e @ (PreviewError::NoColumn | PreviewError::NoSite)) => {
            Err(ServiceError::Invalid(format!("无法预览：{e}")).into())
        }
        Err(e) => Err(ServiceError::Internal(e.to_string()).into()),
    }
}
