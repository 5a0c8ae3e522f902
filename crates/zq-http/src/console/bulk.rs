//! Bulk actions of the article lists (信息管理, 待审核): the bar under the list with the
//! actions this person may take, and the form it sends, `POST …/articles/bulk`, which hands
//! the ticked ids to `zq_services::bulk` and shows the list again (same filters) with what
//! was done and, per article, why the rest was not.

use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use zq_domain::access::Action;
use zq_render::console_view::{BulkPanel, BulkRefusalLine, BulkResult, Choice};
use zq_services::bulk::{BulkAction, bulk as bulk_service};
use zq_store::Tenant;

use super::articles::{ListQuery, list_page};
use super::frame::{ConsoleCaller, PageResult, url_pairs};
use crate::AppState;
use crate::error::ServiceErrorHttp as _;
use crate::service::ServiceError;

/// The bulk bar for site `t`, or none when this person may take no bulk action there.
pub(super) fn panel(
    cc: &ConsoleCaller,
    t: &Tenant,
    view: &'static str,
    list_url: &str,
    targets: Vec<Choice>,
) -> Option<BulkPanel> {
    let can = |a: Action| cc.caller.can(a, t);
    let mut actions = Vec::new();
    for (ok, value, label) in [
        (can(Action::WriteArticles), "submit", "送审"),
        (can(Action::Review), "approve", "审核通过"),
        (can(Action::Withdraw), "withdraw", "撤回（从网站撤下）"),
        (
            can(Action::WriteArticles) || can(Action::Review),
            "move",
            "移动到栏目",
        ),
    ] {
        if ok {
            actions.push(Choice {
                value: value.into(),
                label: label.into(),
            });
        }
    }
    (!actions.is_empty()).then_some(BulkPanel {
        actions,
        targets,
        view,
        query: list_url
            .split_once('?')
            .map(|(_, q)| q.to_owned())
            .unwrap_or_default(),
    })
}

/// `POST /console/sites/{code}/articles/bulk`: `action`, `column` (for 移动), the ticked
/// `ids`, and `view` + `query` (the list it came from).
pub(crate) async fn bulk(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    RawForm(raw): RawForm,
) -> PageResult {
    let pairs = url_pairs(&raw);
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    cc.check_csrf(&get("csrf"))?;
    // Whoever may not see the site learns nothing about the form.
    crate::service::site(state.services(), &cc.caller, &code, Action::Read).await?;
    let view = if get("view") == "review" {
        "review"
    } else {
        "list"
    };
    let mut lq: ListQuery = serde_urlencoded::from_str(&get("query")).unwrap_or_default();
    lq.notice = None;
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(n, _)| n == "ids")
        .filter_map(|(_, v)| v.trim().parse().ok())
        .collect();
    let outcome = match BulkAction::parse(&get("action"), get("column").parse().ok()) {
        Ok(action) => bulk_service(state.services(), &cc.caller, &code, action, &ids)
            .await
            .map(|(_, out)| (action, out)),
        Err(e) => Err(e),
    };
    let result = match outcome {
        Ok((action, out)) => {
            let mut message = format!("已{} {} 条信息。", action.done_label(), out.done.len());
            if !out.refused.is_empty() {
                message.push_str(&format!("以下 {} 条未处理：", out.refused.len()));
            }
            let refused = out
                .refused
                .into_iter()
                .map(|r| BulkRefusalLine {
                    id: r.id,
                    title: r.title,
                    why: r.why,
                })
                .collect();
            (StatusCode::OK, BulkResult { message, refused })
        }
        // Nothing was done: a bad choice shows on the list; anything else is an error page.
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Fields(_))) => (
            e.status(),
            BulkResult {
                message: e.to_string(),
                refused: Vec::new(),
            },
        ),
        Err(e) => return Err(e.into()),
    };
    list_page(&state, &cc, &code, &lq, view, Some(result)).await
}
