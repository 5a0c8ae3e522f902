//! Reporting (信息报送) through the API: channels, submitting from a site, the inbox and
//! outbox, decisions, and the figures per unit (JSON and CSV).

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use zq_domain::TenantId;
use zq_domain::reporting::SubmissionState;
use zq_store::SubmissionFilter;

use super::{
    ApiCaller, ApiError, ApiResult, Body, OptionalBody, Params, bad_request, created, dto, ok,
    parse_id,
};
use crate::AppState;
use crate::service::{ServiceError, parse_local, parse_period, reporting};

pub(crate) async fn channels(State(state): State<AppState>, ApiCaller(_): ApiCaller) -> ApiResult {
    let channels = reporting::channels(state.services()).await?;
    ok(dto::all::<_, dto::ChannelDto>(&channels))
}

pub(crate) async fn create_channel(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Body(input): Body<reporting::ChannelInput>,
) -> ApiResult {
    let ch = reporting::create_channel(state.services(), &c, input).await?;
    created(dto::ChannelDto::from(&ch))
}

/// Pulls the channel's feed now; answers what was imported (`new`: items not seen before).
pub(crate) async fn pull_channel(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    let pull = reporting::pull_channel(state.services(), &c, parse_id(&id)?).await?;
    ok(dto::Pull::from(&pull))
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(new): Body<dto::SubmissionInput>,
) -> ApiResult {
    let (s, fresh) = reporting::submit(state.services(), &c, &code, new.into()).await?;
    let s = dto::SubmissionDto::from(&s);
    if fresh { created(s) } else { ok(s) }
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct ListParams {
    /// `in` (addressed to the site, the default) or `out` (sent by it).
    #[serde(default)]
    r#box: Option<String>,
    state: Option<String>,
    sender: Option<i64>,
    channel: Option<i64>,
    from: Option<String>,
    to: Option<String>,
}

fn time(s: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    parse_local(s.unwrap_or("")).map_err(bad_request)
}

pub(crate) async fn list(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Params(p): Params<ListParams>,
) -> ApiResult {
    let outbox = match p.r#box.as_deref() {
        None | Some("in") => false,
        Some("out") => true,
        Some(other) => return Err(bad_request(format!("box 须为 in 或 out，收到 {other:?}"))),
    };
    let filter = SubmissionFilter {
        sender: p.sender.map(TenantId),
        channel: p.channel,
        state: p
            .state
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(str::parse::<SubmissionState>)
            .transpose()
            .map_err(|e| bad_request(e.to_string()))?,
        from: time(p.from.as_deref())?,
        to: time(p.to.as_deref())?,
    };
    let items = reporting::submissions(state.services(), &c, &code, outbox, &filter).await?;
    ok(dto::all::<_, dto::SubmissionDto>(&items))
}

pub(crate) async fn show(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
) -> ApiResult {
    let s = reporting::submission(state.services(), &c, &code, parse_id(&id)?).await?;
    ok(dto::SubmissionDto::from(&s))
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct StepInput {
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    column_id: Option<i64>,
}

pub(crate) async fn step(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id, step)): Path<(String, String, String)>,
    OptionalBody(input): OptionalBody<StepInput>,
) -> ApiResult {
    let id = parse_id(&id)?;
    let s = reporting::step(
        state.services(),
        &c,
        &code,
        id,
        &step,
        input.comment,
        input.column_id,
    )
    .await?;
    ok(dto::SubmissionDto::from(&s))
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct FigureParams {
    /// `2026`, `2026-Q3`, `2026-11`; or `from` and `to`.
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// `csv` for a spreadsheet.
    format: Option<String>,
}

pub(crate) async fn figures(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Params(p): Params<FigureParams>,
) -> ApiResult {
    let (from, to) = match (&p.period, time(p.from.as_deref())?, time(p.to.as_deref())?) {
        (Some(period), _, _) => parse_period(period).map_err(bad_request)?,
        (None, Some(f), Some(t)) => (f, t),
        _ => return Err(bad_request("请给出 period（如 2026-Q3），或 from 和 to")),
    };
    let rows = reporting::figures(state.services(), &c, &code, from, to).await?;
    let tenants = state
        .store()
        .list_tenants()
        .await
        .map_err(ServiceError::from)?;
    let name = |id: TenantId| {
        tenants
            .iter()
            .find(|t| t.id == id)
            .map(|t| (t.code.to_string(), t.name.clone()))
            .unwrap_or_default()
    };
    if p.format.as_deref() == Some("csv") {
        let mut csv = String::from(zq_domain::csv::BOM);
        csv.push_str(&zq_domain::csv::row(&[
            "排名",
            "单位代码",
            "单位",
            "报送",
            "采用",
            "采用率(%)",
            "处理用时中位数(小时)",
            "要闻采用",
            "栏目采用",
            "采用未刊发",
            "积分",
        ]));
        for (i, r) in rows.iter().enumerate() {
            let (code, unit) = name(r.unit);
            let hours = r
                .median_decision_secs
                .map(|s| format!("{:.1}", s as f64 / 3600.0))
                .unwrap_or_default();
            csv.push_str(&zq_domain::csv::row(&[
                (i + 1).to_string(),
                code,
                unit,
                r.submitted.to_string(),
                r.adopted.to_string(),
                format!("{:.1}", r.rate),
                hours,
                r.places[0].to_string(),
                r.places[1].to_string(),
                r.places[2].to_string(),
                r.score.to_string(),
            ]));
        }
        return Ok((
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"reporting.csv\"",
                ),
            ],
            csv,
        )
            .into_response());
    }
    ok(json!({
        "from": from,
        "to": to,
        "units": rows.iter().enumerate().map(|(i, r)| {
            let (code, unit) = name(r.unit);
            json!({
                "rank": i + 1,
                "code": code,
                "name": unit,
                "submitted": r.submitted,
                "adopted": r.adopted,
                "rate": r.rate,
                "median_decision_secs": r.median_decision_secs,
                // Adoptions by where they ended up, and the points they score.
                "adopted_headline": r.places[0],
                "adopted_column": r.places[1],
                "adopted_kept": r.places[2],
                "score": r.score,
            })
        }).collect::<Vec<_>>(),
    }))
}

pub(crate) async fn delete_channel(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    reporting::delete_channel(state.services(), &c, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(crate) async fn update_channel(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    Body(change): Body<reporting::ChannelChange>,
) -> ApiResult {
    let ch = reporting::update_channel(state.services(), &c, parse_id(&id)?, change).await?;
    ok(dto::ChannelDto::from(&ch))
}
