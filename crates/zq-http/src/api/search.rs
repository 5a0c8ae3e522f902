//! `GET /api/v1/search`: the search page's question as JSON, for other systems (a provincial
//! portal's federated search, an app). Public like the pages it finds — no token needed —
//! and counted against the client's search quota (`search.per_minute`) as well as the API's.
//! Parameters as on the page: `q`, `site` (a site code; absent: the whole cluster), `column`
//! (with `site`), `kind`, `year`, `sort=date`, `page` (1–50), `per_page` (1–50).

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::json;
use zq_services::search::{self, Ask};

use super::{ApiError, ApiResult, Params, bad_request};
use crate::site::search::kind_label;
use crate::{AppState, ClientAddr};

/// The question's parameters.
#[derive(Debug, Deserialize)]
pub(crate) struct SearchParams {
    #[serde(default)]
    q: String,
    site: Option<String>,
    column: Option<String>,
    kind: Option<String>,
    year: Option<i32>,
    sort: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// `GET /api/v1/search`.
pub(crate) async fn search(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    Params(p): Params<SearchParams>,
) -> ApiResult {
    if let Some(Extension(ClientAddr(addr))) = client
        && let Err(wait) = state.limits().check_search(addr.ip())
    {
        state.metrics().rate_limited("search");
        let mut res = (
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            axum::Json(json!({
                "error": "too_many_requests",
                "message": format!("搜索过于频繁，请 {wait} 秒后再试"),
                "fields": [],
            })),
        )
            .into_response();
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return Ok(res);
    }
    let page = p.page.unwrap_or(1);
    let per_page = p.per_page.unwrap_or(10);
    if !(1..=50).contains(&page) {
        return Err(bad_request("page 应为 1 到 50"));
    }
    if !(1..=50).contains(&per_page) {
        return Err(bad_request("per_page 应为 1 到 50"));
    }
    let by_date = match p.sort.as_deref() {
        None | Some("relevance") => false,
        Some("date") => true,
        Some(other) => {
            return Err(bad_request(format!(
                "sort 应为 relevance 或 date，收到“{other}”"
            )));
        }
    };
    let snap = state.registry().snapshot();
    let site = p.site.filter(|s| !s.is_empty());
    if let Some(code) = &site
        && snap.by_code(code).is_none()
    {
        return Err(ApiError(zq_services::ServiceError::NotFound(format!(
            "站点“{code}”"
        ))));
    }
    let column = match (&site, p.column.filter(|c| !c.is_empty())) {
        (Some(s), Some(c)) => Some((s.clone(), c)),
        (None, Some(_)) => return Err(bad_request("按栏目筛选时须同时指定 site")),
        _ => None,
    };
    let ask = Ask {
        text: p.q.clone(),
        sites: site.clone().into_iter().collect(),
        limit: per_page as usize,
        offset: ((page - 1) * per_page) as usize,
        by_date,
        column,
        kind: p.kind.filter(|k| !k.is_empty()),
        year: p.year,
        synonyms: Vec::new(),
    };
    // Counted under the site asked of, else the portal (the cluster's own search).
    let asked_on = site
        .as_deref()
        .and_then(|c| snap.by_code(c))
        .or_else(|| snap.portal())
        .map(|s| s.tenant.id);
    let answer = search::ask(state.services(), ask, asked_on)?;
    let found = answer.found;
    let scheme = &state.config().public_scheme;
    let name_of = |code: &str| snap.by_code(code).map(|s| s.tenant.name.clone());
    let url_of =
        |code: &str, path: &str| match snap.by_code(code).and_then(|s| s.tenant.hosts.first()) {
            Some(host) => format!("{scheme}://{host}{path}"),
            None => format!("/sites/{code}{path}"),
        };
    let hits: Vec<serde_json::Value> = found
        .hits
        .iter()
        .map(|h| {
            json!({
                "key": h.key,
                "title_html": h.title_html,
                "snippet_html": h.snippet_html,
                "site": h.tenant,
                "site_name": name_of(&h.tenant),
                "column": h.column,
                "kind": h.kind,
                "kind_label": kind_label(&h.kind),
                "date": h.date,
                "path": h.url,
                "url": url_of(&h.tenant, &h.url),
                "score": h.score,
            })
        })
        .collect();
    let f = &found.facets;
    Ok(axum::Json(json!({
        "q": p.q,
        "total": found.total,
        "page": page,
        "per_page": per_page,
        "best_bets": answer.best_bets.iter().map(|b| json!({
            "title": b.title, "url": b.url, "description": b.description,
            "site": b.tenant_id.and_then(|t| snap.by_id(t)).map(|s| s.tenant.code.to_string()),
        })).collect::<Vec<_>>(),
        "suggestion": answer.suggestion,
        "hits": hits,
        "facets": {
            "sites": f.sites.iter().map(|(c, n)| json!({"code": c, "name": name_of(c), "count": n})).collect::<Vec<_>>(),
            "columns": f.columns.iter().map(|((s, c), n)| json!({"site": s, "name": c, "count": n})).collect::<Vec<_>>(),
            "kinds": f.kinds.iter().map(|(k, n)| json!({"kind": k, "label": kind_label(k), "count": n})).collect::<Vec<_>>(),
            "years": f.years.iter().map(|(y, n)| json!({"year": y, "count": n})).collect::<Vec<_>>(),
        },
    }))
    .into_response())
}
