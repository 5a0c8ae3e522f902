//! The working-day calendar through the API: read a year's listed days (anyone signed in),
//! replace a year's schedule (the office), and count working days from a date (for scripts
//! that need a statutory deadline). Same service code as the console's 工作日历 page.

use axum::extract::{Path, State};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use serde_json::{Value, json};
use zq_domain::calendar::{CalendarDay, DayKind};

use super::{ApiCaller, ApiError, ApiResult, Body, Params, bad_request, ok};
use crate::AppState;
use crate::service::calendar;

fn day_json(d: &CalendarDay) -> Value {
    json!({"date": d.date.to_string(), "kind": d.kind, "note": d.note})
}

fn parse_year(s: &str) -> Result<i32, ApiError> {
    s.parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| bad_request(format!("年份 {s:?} 须为 2000 至 2100 之间的数字")))
}

async fn year_json(state: &AppState, year: i32) -> Result<Value, ApiError> {
    let cal = calendar::calendar(state.services()).await?;
    let days: Vec<Value> = cal
        .days()
        .filter(|d| d.date.year() == year)
        .map(day_json)
        .collect();
    let working = match (
        NaiveDate::from_ymd_opt(year - 1, 12, 31),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(a), Some(b)) => cal.working_days_between(a, b),
        _ => 0,
    };
    Ok(json!({
        "year": year,
        "published": cal.covers(year),
        "working_days": working,
        "days": days,
    }))
}

pub(crate) async fn this_year(State(state): State<AppState>, ApiCaller(_): ApiCaller) -> ApiResult {
    let year = zq_domain::time::beijing_date(state.services().now()).year();
    ok(year_json(&state, year).await?)
}

pub(crate) async fn year(
    State(state): State<AppState>,
    ApiCaller(_): ApiCaller,
    Path(year): Path<String>,
) -> ApiResult {
    ok(year_json(&state, parse_year(&year)?).await?)
}

/// A year's schedule as sent: every listed day.
#[derive(Debug, Deserialize)]
pub(crate) struct YearInput {
    days: Vec<DayInput>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DayInput {
    date: NaiveDate,
    kind: DayKind,
    #[serde(default)]
    note: String,
}

pub(crate) async fn set_year(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(year): Path<String>,
    Body(input): Body<YearInput>,
) -> ApiResult {
    let year = parse_year(&year)?;
    let days = input
        .days
        .into_iter()
        .map(|d| CalendarDay::new(d.date, d.kind, d.note))
        .collect();
    calendar::set_year(state.services(), &c, year, days).await?;
    ok(year_json(&state, year).await?)
}

#[derive(Debug, Deserialize)]
pub(crate) struct CountQuery {
    from: NaiveDate,
    days: u32,
}

/// `?from=2026-09-30&days=3`: the `days`-th working day after `from` (counting from the day
/// after), as a mailbox deadline is counted.
pub(crate) async fn add_working_days(
    State(state): State<AppState>,
    ApiCaller(_): ApiCaller,
    Params(q): Params<CountQuery>,
) -> ApiResult {
    if q.days > 3660 {
        return Err(bad_request("days 不能超过 3660"));
    }
    let cal = calendar::calendar(state.services()).await?;
    let due = cal.add_working_days(q.from, q.days);
    ok(json!({
        "from": q.from.to_string(),
        "days": q.days,
        "due": due.to_string(),
        "published": cal.covers(q.from.year()) && cal.covers(due.year()),
    }))
}
