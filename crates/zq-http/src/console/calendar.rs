//! The office's 工作日历 page: a year's days off and adjusted working weekends (调休), with the
//! year's count of working days, and a form to replace the year's schedule, one day a line
//! (`2026-10-01 放假 国庆节`, `2026-10-10 上班 调休`). Every statutory deadline counted in
//! working days reads this calendar. Same service code as `/api/v1/calendar`.

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use zq_domain::calendar::{CalendarDay, DayKind};
use zq_render::ConsolePage;

use super::frame::{ConsoleCaller, PageResult, html_status};
use super::{BASE, see_other};
use crate::AppState;
use crate::error::ServiceErrorHttp as _;
use crate::service::{ServiceError, calendar};

#[derive(Debug, Deserialize, Default)]
pub(crate) struct YearQuery {
    year: Option<i32>,
    notice: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct YearForm {
    #[serde(default)]
    csrf: String,
    year: i32,
    #[serde(default)]
    days: String,
}

/// One listed day as the table shows it.
#[derive(Debug, Serialize)]
pub(crate) struct DayView {
    date: String,
    weekday: &'static str,
    kind: &'static str,
    note: String,
}

/// A year link above the table.
#[derive(Debug, Serialize)]
pub(crate) struct YearLink {
    year: i32,
    url: String,
    current: bool,
}

/// 工作日历: a year's listed days in the office's frame.
#[derive(Debug, Serialize)]
pub(crate) struct CalendarView {
    #[serde(flatten)]
    frame: zq_render::console_view::AdminFrame,
    year: i32,
    years: Vec<YearLink>,
    days: Vec<DayView>,
    working_days: i64,
    published: bool,
    /// The form's text: the year's days, one a line.
    text: String,
}

const WEEKDAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

fn kind_label(k: DayKind) -> &'static str {
    match k {
        DayKind::Off => "放假",
        DayKind::Work => "上班",
    }
}

/// The form's text of some days, one a line.
fn to_text(days: &[CalendarDay]) -> String {
    days.iter()
        .map(|d| {
            format!("{} {} {}", d.date, kind_label(d.kind), d.note)
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the form's lines: `日期 放假|上班|off|work [说明]`; blank lines are skipped.
fn parse_lines(text: &str) -> Result<Vec<CalendarDay>, String> {
    let mut days = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, char::is_whitespace);
        let date = parts.next().unwrap_or("");
        let kind = parts.next().unwrap_or("").trim();
        let note = parts.next().unwrap_or("").trim();
        let bad = |why: &str| {
            format!(
                "第 {} 行“{}”：{why}",
                n + 1,
                line.chars().take(40).collect::<String>()
            )
        };
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|_| bad("日期须写成 2026-10-01"))?;
        let kind = match kind {
            "放假" | "休" | "off" => DayKind::Off,
            "上班" | "班" | "work" => DayKind::Work,
            _ => return Err(bad("类型须为“放假”或“上班”")),
        };
        days.push(CalendarDay::new(date, kind, note));
    }
    Ok(days)
}

pub(crate) async fn page(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let year = q
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| zq_domain::time::beijing_date(state.services().now()).year());
    render(
        &state,
        &cc,
        year,
        None,
        q.notice.as_deref(),
        None,
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    cc: &ConsoleCaller,
    year: i32,
    text: Option<String>,
    notice: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    if !zq_domain::access::allowed(
        &cc.caller.grants,
        zq_domain::access::Action::ManageTenants,
        None,
        Default::default(),
    ) {
        return Err(ServiceError::Forbidden("维护工作日历".into()).into());
    }
    let cal = calendar::calendar(state.services()).await?;
    let days: Vec<CalendarDay> = cal
        .days()
        .filter(|d| d.date.year() == year)
        .cloned()
        .collect();
    let mut years = cal.years();
    for y in [year, year + 1] {
        if !years.contains(&y) {
            years.push(y);
        }
    }
    years.sort_unstable();
    let working_days = match (
        NaiveDate::from_ymd_opt(year - 1, 12, 31),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(a), Some(b)) => cal.working_days_between(a, b),
        _ => 0,
    };
    let mut frame = super::admin::admin_frame(state, cc, "calendar", notice);
    frame.error = error;
    let view = CalendarView {
        frame,
        year,
        years: years
            .into_iter()
            .map(|y| YearLink {
                year: y,
                url: format!("{BASE}/admin/calendar?year={y}"),
                current: y == year,
            })
            .collect(),
        text: text.unwrap_or_else(|| to_text(&days)),
        days: days
            .iter()
            .map(|d| DayView {
                date: d.date.to_string(),
                weekday: WEEKDAYS[d.date.weekday().num_days_from_monday() as usize],
                kind: kind_label(d.kind),
                note: d.note.clone(),
            })
            .collect(),
        working_days,
        published: cal.covers(year),
    };
    html_status(state, status, ConsolePage::Calendar, &view)
}

pub(crate) async fn save(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Form(f): Form<YearForm>,
) -> PageResult {
    let again = |error: String, status| {
        render(
            &state,
            &cc,
            f.year,
            Some(f.days.clone()),
            None,
            Some(error),
            status,
        )
    };
    if f.csrf != cc.csrf {
        return again("表单已过期，请重新提交。".into(), StatusCode::FORBIDDEN).await;
    }
    let days = match parse_lines(&f.days) {
        Ok(d) => d,
        Err(e) => return again(e, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match calendar::set_year(state.services(), &cc.caller, f.year, days).await {
        Ok(_) => Ok(see_other(&format!(
            "{BASE}/admin/calendar?year={}&notice=calendar",
            f.year
        ))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Fields(_))) => {
            let status = e.status();
            again(e.to_string(), status).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_is_entered_one_day_a_line_in_chinese_or_english() {
        let days =
            parse_lines("2026-10-01 放假 国庆节\n\n 2026-10-10 上班 调休\n2026-10-02 off").unwrap();
        assert_eq!(days.len(), 3);
        assert_eq!(
            (days[0].kind, days[0].note.as_str()),
            (DayKind::Off, "国庆节")
        );
        assert_eq!(
            (days[1].kind, days[1].note.as_str()),
            (DayKind::Work, "调休")
        );
        assert_eq!(days[2].note, "");
        assert_eq!(
            to_text(&days[..2]),
            "2026-10-01 放假 国庆节\n2026-10-10 上班 调休"
        );
        for bad in ["2026-13-01 放假", "2026-10-01 休息吧", "十月一日 放假"] {
            assert!(parse_lines(bad).unwrap_err().contains("第 1 行"), "{bad}");
        }
    }
}
