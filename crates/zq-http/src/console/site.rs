//! The routes of the console's pages for one site: article lists and the review queue
//! (`articles`), the editor with attachments and the workflow buttons (`editor`), version
//! history, settings (`settings`), attachments (`attachments`) and the audit log. Every page
//! goes through `crate::service`, the same code as the JSON API; the frame they share is in
//! `frame`.

use axum::Router;
use axum::extract::Path;
use axum::routing::{get, post};

use super::{BASE, see_other};
use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    let s = "/console/sites/{code}";
    Router::new()
        .route(s, get(|Path(code): Path<String>| async move { see_other(&format!("{BASE}/sites/{code}/")) }))
        .route(&format!("{s}/"), get(list))
        .route(&format!("{s}/review"), get(review))
        .route(
            &format!("{s}/articles/new"),
            get(new_form).post(create).layer(axum::extract::DefaultBodyLimit::max(MAX_FORM_BYTES)),
        )
        .route(
            &format!("{s}/articles/{{id}}"),
            get(show).post(save).layer(axum::extract::DefaultBodyLimit::max(MAX_FORM_BYTES)),
        )
        .route(&format!("{s}/articles/{{id}}/versions"), get(versions))
        .route(
            &format!("{s}/articles/{{id}}/versions/{{version}}/restore"),
            post(restore),
        )
        .route(&format!("{s}/articles/{{id}}/{{step}}"), post(step))
        .route(&format!("{s}/settings"), get(settings).post(save_settings))
        .route(&format!("{s}/audit"), get(audit))
        .route(
            &format!("{s}/attachments"),
            get(attachments).post(upload).layer(axum::extract::DefaultBodyLimit::max(MAX_FORM_BYTES)),
        )
}

use super::articles::{audit, list, restore, review, versions};
use super::attachments::{attachments, upload};
use super::editor::{MAX_FORM_BYTES, create, new_form, save, show, step};
use super::settings::{save_settings, settings};
