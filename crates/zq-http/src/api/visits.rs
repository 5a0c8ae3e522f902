//! Visit statistics over the API: `GET /api/v1/sites/{code}/visits?days=30` (a site's views and
//! unique visitors per day, today's hours, popular pages, columns and referring hosts; anyone
//! who may read the site) and `GET /api/v1/visits?days=30` (every site's totals and the
//! cluster's days; the office and operators). The figures come from `crate::service::visits`.

use axum::extract::{Path, State};
use serde::Deserialize;

use super::{ApiCaller, ApiResult, Params, ok};
use crate::AppState;
use crate::service::visits;

/// Days shown when the request does not say.
const DEFAULT_DAYS: i64 = 30;

#[derive(Debug, Deserialize, Default)]
pub(crate) struct DaysParams {
    days: Option<i64>,
}

/// `GET /api/v1/sites/{code}/visits`.
pub(crate) async fn site(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Params(p): Params<DaysParams>,
) -> ApiResult {
    let v =
        visits::site_visits(state.services(), &c, &code, p.days.unwrap_or(DEFAULT_DAYS)).await?;
    ok(v)
}

/// `GET /api/v1/visits`.
pub(crate) async fn cluster(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Params(p): Params<DaysParams>,
) -> ApiResult {
    let v = visits::cluster_visits(state.services(), &c, p.days.unwrap_or(DEFAULT_DAYS)).await?;
    ok(v)
}
