//! The inspection indicators over the API: `GET /api/v1/sites/{code}/inspection` (a site's
//! indicators with their rules, values, thresholds and evidence, and its score),
//! `GET /api/v1/inspection/scorecard[?format=csv]` (every site, worst first; the office and
//! operators) and the lexicon of serious errors (`/api/v1/lexicon…`: the office's terms, a
//! scan of published content now).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use zq_domain::inspection::{Indicator, Score};

use axum::http::StatusCode;

use super::{ApiCaller, ApiResult, Body, Params, created, ok, parse_id};
use crate::AppState;
use crate::service::inspection::lexicon::{self, TermInput};
use crate::service::inspection::{self, SiteReport};

#[derive(Debug, Serialize)]
struct ReportDto<'a> {
    code: &'a str,
    name: &'a str,
    /// 合格 / 不合格 / 单项否决.
    verdict: &'static str,
    #[serde(flatten)]
    score: &'a Score,
    #[serde(skip_serializing_if = "Option::is_none")]
    indicators: Option<&'a [Indicator]>,
    /// The last weeks' standing (the last reading of each week), oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    trend: Option<Vec<zq_domain::inspection::trend::Week>>,
}

fn dto(r: &SiteReport, with_indicators: bool) -> ReportDto<'_> {
    ReportDto {
        code: r.tenant.code.as_str(),
        name: &r.tenant.name,
        verdict: r.score.verdict(),
        score: &r.score,
        indicators: with_indicators.then_some(r.indicators.as_slice()),
        trend: None,
    }
}

/// `GET /api/v1/sites/{code}/inspection`.
pub(crate) async fn site(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
) -> ApiResult {
    let r = inspection::site_report(state.services(), &c, &code).await?;
    let mut trends = inspection::trends(state.services(), Some(r.tenant.id)).await?;
    let mut out = dto(&r, true);
    out.trend = Some(trends.remove(&r.tenant.id).unwrap_or_default());
    ok(out)
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct ScorecardParams {
    format: Option<String>,
}

/// The media type of an Excel workbook.
pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `GET /api/v1/inspection/scorecard[?format=csv|xlsx]`.
pub(crate) async fn scorecard(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Params(p): Params<ScorecardParams>,
) -> ApiResult {
    let rows = inspection::scorecard(state.services(), &c).await?;
    match p.format.as_deref() {
        Some("csv") => {
            let out = inspection::scorecard_csv(&rows);
            return Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response());
        }
        Some("xlsx") => {
            let out = inspection::scorecard_xlsx(&rows)?;
            return Ok(([(header::CONTENT_TYPE, XLSX)], out).into_response());
        }
        _ => {}
    }
    ok(serde_json::json!({
        "items": rows.iter().map(|r| dto(r, false)).collect::<Vec<_>>(),
    }))
}

/// `GET /api/v1/lexicon`: every term (the office and operators).
pub(crate) async fn terms(State(state): State<AppState>, ApiCaller(c): ApiCaller) -> ApiResult {
    ok(lexicon::terms(state.services(), &c).await?)
}

/// `POST /api/v1/lexicon`: adds a term (the office); published content is scanned again.
pub(crate) async fn add_term(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Body(input): Body<TermInput>,
) -> ApiResult {
    created(lexicon::add_term(state.services(), &c, input).await?)
}

/// `DELETE /api/v1/lexicon/{id}` (the office).
pub(crate) async fn delete_term(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    lexicon::delete_term(state.services(), &c, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/lexicon/scan`: scans every published article now (the office); answers with
/// how many errors it found.
pub(crate) async fn scan(State(state): State<AppState>, ApiCaller(c): ApiCaller) -> ApiResult {
    let found = lexicon::scan_now(state.services(), &c).await?;
    ok(serde_json::json!({ "findings": found }))
}
