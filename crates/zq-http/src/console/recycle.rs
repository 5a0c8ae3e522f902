//! Delete and the 回收站 in the console: deleting an article (from its page) or a column (from
//! the columns page), each with a typed reason; a site's recycle bin with its restore buttons.
//! The rules and the writes are `zq_services::recycle`'s.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use serde::Serialize;
use zq_domain::access::Action;

use super::editor::parse_article_id;
use super::frame::*;
use super::{BASE, see_other};
use crate::AppState;
use crate::error::ServiceErrorHttp as _;
use crate::service::{self, ServiceError, format_local};

/// A line of the 回收站.
#[derive(Debug, Serialize)]
struct BinLine {
    id: i64,
    kind_label: &'static str,
    title: String,
    reason: String,
    deleted_by: String,
    deleted_at: String,
    kept_until: String,
    can_restore: bool,
}

#[derive(Debug, Serialize)]
struct BinView {
    #[serde(flatten)]
    frame: zq_render::console_view::SiteFrame,
    keep_days: u32,
    items: Vec<BinLine>,
}

/// 回收站: what was deleted on the site, restorable until its keeping time ends.
pub(crate) async fn bin(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    bin_page(&state, &cc, &code, Shown::fresh(q.notice.as_deref())).await
}

async fn bin_page(
    state: &AppState,
    cc: &ConsoleCaller,
    code: &str,
    shown: Shown<'_>,
) -> PageResult {
    let (t, items) = service::recycle::bin(state.services(), &cc.caller, code).await?;
    let users = state.store().list_users().await?;
    let name_of = |u: Option<zq_domain::UserId>| {
        u.and_then(|u| users.iter().find(|x| x.id == u))
            .map(|x| x.display_name.clone())
            .unwrap_or_else(|| "系统".into())
    };
    let keep_days = state.services().recycle_keep_days();
    let mut frame = site_frame(state, cc, &t, "list", shown.notice).await?;
    frame.error = shown.error;
    let view = BinView {
        frame,
        keep_days,
        items: items
            .into_iter()
            .map(|i| {
                let can_restore = if i.kind == "column" {
                    cc.caller.can(Action::ManageColumns, &t)
                } else {
                    service::recycle::may_delete_articles(&cc.caller, &t)
                };
                BinLine {
                    id: i.id,
                    kind_label: if i.kind == "column" {
                        "栏目"
                    } else {
                        "信息"
                    },
                    title: i.title,
                    reason: i.reason,
                    deleted_by: name_of(i.deleted_by),
                    deleted_at: format_local(i.deleted_at, false),
                    kept_until: format_local(
                        i.deleted_at + chrono::Duration::days(i64::from(keep_days)),
                        false,
                    ),
                    can_restore,
                }
            })
            .collect(),
    };
    html_status(state, shown.status, zq_render::ConsolePage::Recycle, &view)
}

#[derive(Debug, serde::Deserialize, Default)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Puts an article or column back from the 回收站.
pub(crate) async fn restore(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, item)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    cc.check_csrf(&f.csrf)?;
    let item: i64 = item
        .parse()
        .map_err(|_| ServiceError::NotFound(format!("回收站中的 {item}")))?;
    match service::recycle::recover(state.services(), &cc.caller, &code, item).await {
        Ok(done) if done.kind == "column" => Ok(see_other(&format!(
            "{BASE}/sites/{code}/columns?notice=column_recovered"
        ))),
        Ok(done) => Ok(see_other(&format!(
            "{BASE}/sites/{code}/articles/{}?notice=article_recovered",
            done.object_id
        ))),
        Err(e @ ServiceError::Conflict(_)) => {
            let shown = Shown::refused(Fields::new(), &e, e.status());
            bin_page(&state, &cc, &code, shown).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, serde::Deserialize, Default)]
pub(crate) struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// 删除 on an article's page: into the 回收站, with the reason typed there.
pub(crate) async fn delete_article(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Form(f): Form<DeleteForm>,
) -> PageResult {
    let id = parse_article_id(&id)?;
    cc.check_csrf(&f.csrf)?;
    match service::recycle::delete_article(state.services(), &cc.caller, &code, id, &f.reason).await
    {
        Ok(_) => Ok(see_other(&format!(
            "{BASE}/sites/{code}/?notice=article_deleted"
        ))),
        Err(e) => super::editor::refused_on_article(&state, &cc, &code, id, e).await,
    }
}

/// 删除栏目 on the columns page: its articles moved to the chosen column first.
pub(crate) async fn delete_column(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let number = |k: &str| field(&f, k).trim().parse::<i64>().ok();
    let Some(id) = number("column_id") else {
        let e = ServiceError::Invalid("请选择要删除的栏目".into());
        let status = e.status();
        return super::columns::columns_page(&state, &cc, &code, Shown::refused(f, &e, status))
            .await;
    };
    let result = service::recycle::delete_column(
        state.services(),
        &cc.caller,
        &code,
        id,
        number("move_to"),
        &field(&f, "reason"),
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "{BASE}/sites/{code}/columns?notice=column_deleted"
        ))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict(_))) => {
            let status = if e.status() == StatusCode::CONFLICT {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            super::columns::columns_page(&state, &cc, &code, Shown::refused(f, &e, status)).await
        }
        Err(e) => Err(e.into()),
    }
}
