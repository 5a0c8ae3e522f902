//! The office's broadcasts over the API: `GET /api/v1/broadcasts` (the newest),
//! `POST /api/v1/broadcasts` (an emergency notice or the mourning mode, on every site or on
//! chosen ones, from a start to an end) and `POST /api/v1/broadcasts/{id}/cancel` (end it now).

use axum::extract::{Path, State};
use serde::Serialize;
use zq_domain::broadcast::Broadcast;

use super::{ApiCaller, ApiResult, Body, created, ok, parse_id};
use crate::AppState;
use crate::service::broadcasts::{self, BroadcastInput};

#[derive(Debug, Serialize)]
struct BroadcastDto<'a> {
    id: i64,
    kind: &'static str,
    level: &'static str,
    title: &'a str,
    text: &'a str,
    /// Site codes; empty for every site.
    sites: Vec<String>,
    starts_at: String,
    ends_at: String,
    cancelled: bool,
}

fn dto<'a>(state: &AppState, b: &'a Broadcast) -> BroadcastDto<'a> {
    let snap = state.registry().snapshot();
    BroadcastDto {
        id: b.id,
        kind: b.kind.as_str(),
        level: b.level.as_str(),
        title: &b.title,
        text: &b.text,
        sites: b
            .sites
            .iter()
            .map(|id| {
                snap.by_id(*id)
                    .map_or_else(|| id.0.to_string(), |s| s.tenant.code.to_string())
            })
            .collect(),
        starts_at: b.starts_at.to_rfc3339(),
        ends_at: b.ends_at.to_rfc3339(),
        cancelled: b.cancelled,
    }
}

/// `GET /api/v1/broadcasts` (the office).
pub(crate) async fn list(State(state): State<AppState>, ApiCaller(c): ApiCaller) -> ApiResult {
    let items = broadcasts::recent(state.services(), &c).await?;
    ok(serde_json::json!({
        "items": items.iter().map(|b| dto(&state, b)).collect::<Vec<_>>(),
    }))
}

/// `POST /api/v1/broadcasts` (the office): shows on every node within a second.
pub(crate) async fn announce(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Body(input): Body<BroadcastInput>,
) -> ApiResult {
    let b = broadcasts::announce(state.services(), &c, input).await?;
    created(dto(&state, &b))
}

/// `POST /api/v1/broadcasts/{id}/cancel` (the office): ends it now.
pub(crate) async fn cancel(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    let b = broadcasts::cancel(state.services(), &c, parse_id(&id)?).await?;
    ok(dto(&state, &b))
}
