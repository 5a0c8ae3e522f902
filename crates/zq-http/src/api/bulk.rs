//! Bulk actions, the recycle bin and 发稿统计 over the API, with the same services as the
//! console: `POST /api/v1/sites/{code}/articles/bulk` (`action`: submit, approve, withdraw or
//! move with `column_id`; `ids`), `POST …/articles/{id}/delete` (`reason`),
//! `GET …/recycle`, `POST …/recycle/{item}/restore`, and `GET …/statistics` (`period`, or
//! `from` and `to` as days; `GET /api/v1/statistics` for the cluster).

use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::json;
use zq_domain::statistics::month_label;
use zq_store::RecycledItem;

use super::{ApiCaller, ApiError, ApiResult, Body, Params, bad_request, ok, parse_id};
use crate::AppState;
use crate::console::period::PeriodQuery;
use crate::service::{bulk, recycle, statistics};

#[derive(Debug, Deserialize)]
pub(crate) struct BulkInput {
    action: String,
    #[serde(default)]
    column_id: Option<i64>,
    ids: Vec<i64>,
}

/// `POST /api/v1/sites/{code}/articles/bulk`: what was done and, per article, why not.
pub(crate) async fn articles(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(input): Body<BulkInput>,
) -> ApiResult {
    crate::service::site(state.services(), &c, &code, zq_domain::access::Action::Read).await?;
    let action = bulk::BulkAction::parse(&input.action, input.column_id)?;
    let (_, out) = bulk::bulk(state.services(), &c, &code, action, &input.ids).await?;
    ok(json!({
        "done": out.done,
        "refused": out.refused.iter().map(|r| json!({"id": r.id, "title": r.title, "reason": r.why})).collect::<Vec<_>>(),
    }))
}

fn item(i: &RecycledItem) -> serde_json::Value {
    json!({
        "id": i.id,
        "kind": i.kind,
        "object_id": i.object_id,
        "title": i.title,
        "reason": i.reason,
        "deleted_by": i.deleted_by.map(|u| u.0),
        "deleted_at": i.deleted_at,
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct DeleteInput {
    reason: String,
}

/// `POST /api/v1/sites/{code}/articles/{id}/delete`: into the site's recycle bin.
pub(crate) async fn delete_article(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
    Body(input): Body<DeleteInput>,
) -> ApiResult {
    let i =
        recycle::delete_article(state.services(), &c, &code, parse_id(&id)?, &input.reason).await?;
    ok(item(&i))
}

/// `GET /api/v1/sites/{code}/recycle`.
pub(crate) async fn bin(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
) -> ApiResult {
    let (_, items) = recycle::bin(state.services(), &c, &code).await?;
    ok(items.iter().map(item).collect::<Vec<_>>())
}

/// `POST /api/v1/sites/{code}/recycle/{item}/restore`.
pub(crate) async fn restore(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
) -> ApiResult {
    let i = recycle::recover(state.services(), &c, &code, parse_id(&id)?).await?;
    ok(item(&i))
}

fn range(
    state: &AppState,
    q: &PeriodQuery,
) -> Result<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>), ApiError> {
    q.period(state, false).range.map_err(bad_request)
}

fn counts(groups: &[(String, u64)]) -> Vec<serde_json::Value> {
    groups
        .iter()
        .map(|(name, n)| json!({"name": name, "count": n}))
        .collect()
}

fn months(out: &statistics::Output) -> Vec<serde_json::Value> {
    out.by_month
        .iter()
        .map(|(m, n)| json!({"month": month_label(*m), "count": n}))
        .collect()
}

/// `GET /api/v1/sites/{code}/statistics`: articles first published in the period.
pub(crate) async fn site(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Params(q): Params<PeriodQuery>,
) -> ApiResult {
    let (from, to) = range(&state, &q)?;
    let o = statistics::site_output(state.services(), &c, &code, from, to).await?;
    ok(json!({
        "from": from, "to": to,
        "total": o.by_column.total,
        "months": months(&o.by_column),
        "columns": counts(&o.by_column.groups),
        "authors": counts(&o.by_author),
    }))
}

/// `GET /api/v1/statistics`: per site of the cluster (the office, operators).
pub(crate) async fn cluster(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Params(q): Params<PeriodQuery>,
) -> ApiResult {
    let (from, to) = range(&state, &q)?;
    let (o, sites) = statistics::cluster_output(state.services(), &c, from, to).await?;
    ok(json!({
        "from": from, "to": to,
        "total": o.total,
        "months": months(&o),
        "sites": sites.iter().map(|(t, n)| json!({"code": t.code.as_str(), "name": t.name, "count": n})).collect::<Vec<_>>(),
    }))
}
