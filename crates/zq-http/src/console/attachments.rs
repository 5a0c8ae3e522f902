//! A site's attachments page: the files it stored (by content hash) and an upload form.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use serde_json::{Value, json};
use zq_domain::access::Action;
use zq_render::ConsolePage;

use super::{BASE, see_other};
use crate::AppState;
use crate::service::{self, format_local};

use super::editor::*;
use super::frame::*;

pub(super) async fn attachments(
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
    let mut v = chrome(state, cc, &t, "attachments", notice_code).await?;
    v.insert(
        "can_write".into(),
        json!(zq_domain::access::allowed(
            &cc.caller.grants,
            Action::WriteArticles,
            Some(t.id),
            service::policy(&t)
        )),
    );
    v.insert(
        "files".into(),
        Value::Array(
            files
                .iter()
                .map(|a| {
                    let path = format!("/sites/{code}{}", a.public_path());
                    json!({
                        "name": a.file_name,
                        "content_type": a.content_type,
                        "size": human_size(a.size),
                        "at": format_local(a.created_at, false),
                        "url": path,
                        "path": path,
                    })
                })
                .collect(),
        ),
    );
    if let Some(e) = error {
        v.insert("error".into(), json!(e));
    }
    html_status(state, status, ConsolePage::Attachments, &Value::Object(v))
}

pub(super) fn human_size(n: i64) -> String {
    match n {
        n if n >= 1024 * 1024 => format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0)),
        n if n >= 1024 => format!("{:.0} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

pub(super) async fn upload(
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
