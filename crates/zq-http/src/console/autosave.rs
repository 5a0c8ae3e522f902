//! The editor's autosave endpoint (`/console/sites/{code}/autosave?page=articles/…`): the
//! script POSTs the form's text fields every few seconds while something changed, and GETs
//! the copy when the page opens, to offer it back. JSON both ways; the rules are
//! `zq_services::autosave`'s.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::editor::read_multipart;
use super::frame::ConsoleCaller;
use crate::AppState;
use crate::error::ServiceErrorHttp as _;
use crate::service::{ServiceError, autosave, format_local};

#[derive(Debug, Deserialize)]
pub(crate) struct PageQuery {
    #[serde(default)]
    page: String,
}

fn refused(e: ServiceError) -> Response {
    (
        e.status(),
        Json(serde_json::json!({ "error": e.to_string() })),
    )
        .into_response()
}

/// The copy to offer back: `{"saved_at", "fields"}`, or `{}` when there is none newer.
pub(crate) async fn get(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    match autosave::load(state.services(), &cc.caller, &code, &q.page).await {
        Ok(Some((fields, at))) => Json(serde_json::json!({
            "saved_at": format_local(at, false),
            "fields": fields,
        }))
        .into_response(),
        Ok(None) => Json(serde_json::json!({})).into_response(),
        Err(e) => refused(e),
    }
}

/// Keeps the form's text fields (multipart, as the script sends a `FormData`).
pub(crate) async fn put(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<PageQuery>,
    multipart: Multipart,
) -> Response {
    let parsed = match read_multipart(multipart).await {
        Ok(p) => p,
        Err(e) => return refused(e),
    };
    if parsed.fields.get("csrf") != Some(&cc.csrf) {
        return (
            StatusCode::FORBIDDEN,
            Json(serde_json::json!({ "error": "页面已过期，请刷新后再试。" })),
        )
            .into_response();
    }
    let fields = parsed.fields.into_iter().collect();
    match autosave::save(state.services(), &cc.caller, &code, &q.page, fields).await {
        Ok(at) => Json(serde_json::json!({ "saved_at": format_local(at, false) })).into_response(),
        Err(e) => refused(e),
    }
}
