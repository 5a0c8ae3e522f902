//! A site's attachments page: the files it stored (by content hash) and an upload form.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use zq_domain::access::Action;
use zq_render::ConsolePage;
use zq_render::console_view::{AttachmentsView, FileLine};

use super::{BASE, see_other};
use crate::AppState;
use crate::error::ServiceErrorHttp as _;
use crate::service::{self, format_local};

use super::editor::*;
use super::frame::*;

pub(crate) async fn attachments(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    attachments_page(
        &state,
        &cc,
        &code,
        q.notice.as_deref(),
        None,
        StatusCode::OK,
    )
    .await
}

pub(super) async fn attachments_page(
    state: &AppState,
    cc: &ConsoleCaller,
    code: &str,
    notice_code: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let files = service::attachments(state.services(), &cc.caller, code).await?;
    let t = service::site(state.services(), &cc.caller, code, Action::Read).await?;
    let mut frame = site_frame(state, cc, &t, "attachments", notice_code).await?;
    frame.error = error;
    let view = AttachmentsView {
        frame,
        can_write: zq_domain::access::allowed(
            &cc.caller.grants,
            Action::WriteArticles,
            Some(t.id),
            service::policy(&t),
        ),
        files: files
            .iter()
            .map(|a| {
                let path = format!("/sites/{code}{}", a.public_path());
                FileLine {
                    name: a.file_name.clone(),
                    content_type: a.content_type.clone(),
                    size: zq_render::human_size(a.size),
                    at: format_local(a.created_at, false),
                    url: path.clone(),
                    path,
                }
            })
            .collect(),
    };
    html_status(state, status, ConsolePage::Attachments, &view)
}

pub(crate) async fn upload(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    multipart: Multipart,
) -> PageResult {
    service::site(state.services(), &cc.caller, &code, Action::WriteArticles).await?;
    let parsed = read_multipart(multipart).await?;
    if parsed.fields.get("csrf") != Some(&cc.csrf) {
        let e = Some("表单已过期，请重新提交。".into());
        return attachments_page(&state, &cc, &code, None, e, StatusCode::FORBIDDEN).await;
    }
    let mut errors = check_files(&parsed.files);
    if parsed.files.is_empty() {
        errors.push("请选择要上传的文件".into());
    }
    if !errors.is_empty() {
        let e = Some(errors.join("；"));
        return attachments_page(
            &state,
            &cc,
            &code,
            None,
            e,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    for (name, bytes) in &parsed.files {
        service::upload(state.services(), &cc.caller, &code, name, bytes).await?;
    }
    Ok(see_other(&format!(
        "{BASE}/sites/{code}/attachments?notice=uploaded"
    )))
}

/// The editor's 插入图片: one file uploaded (scanned like any attachment), answered as JSON
/// for the script — `{"url", "name", "is_image"}` with the file's address under the site's
/// alias (the console's own host serves no site files), or `{"error"}` with a 4xx/5xx status.
pub(crate) async fn inline(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    multipart: Multipart,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let refused = |status: StatusCode, message: String| {
        (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
    };
    let parsed = match read_multipart(multipart).await {
        Ok(p) => p,
        Err(e) => return refused(e.status(), e.to_string()),
    };
    if parsed.fields.get("csrf") != Some(&cc.csrf) {
        return refused(
            StatusCode::FORBIDDEN,
            "页面已过期（可能已在别处退出），请刷新后再试。".into(),
        );
    }
    let Some((name, bytes)) = parsed.files.first() else {
        return refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "请选择要上传的文件".into(),
        );
    };
    if let Some(e) = check_files(&parsed.files[..1]).into_iter().next() {
        return refused(StatusCode::UNPROCESSABLE_ENTITY, e);
    }
    match service::upload(state.services(), &cc.caller, &code, name, bytes).await {
        Ok(a) => axum::Json(serde_json::json!({
            "url": format!("/sites/{code}{}", a.public_path()),
            "name": a.file_name,
            "is_image": a.is_image,
        }))
        .into_response(),
        Err(e) => refused(e.status(), e.to_string()),
    }
}
