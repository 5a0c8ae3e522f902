//! The office's cluster-wide view of cases (`/console/admin/cases`): every unit's figures for
//! a year (received, replied, on time, average working days, satisfaction) next to its open,
//! due-soon and overdue cases now, most overdue first, with a bar of the cases received and
//! the same table as CSV for the monthly report.

use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Datelike;
use serde::Deserialize;
use zq_domain::time::beijing_date;
use zq_render::ConsolePage;
use zq_render::console_view::{UnitLine, UnitsView};

use super::super::admin::admin_frame;
use super::super::frame::{ConsoleCaller, PageResult, html};
use crate::AppState;
use crate::service::interaction::{self, UnitFigures};

#[derive(Debug, Deserialize, Default)]
pub(crate) struct YearQuery {
    year: Option<i32>,
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

fn days(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
}

async fn figures(
    state: &AppState,
    cc: &ConsoleCaller,
    q: &YearQuery,
) -> Result<(i32, i32, Vec<UnitFigures>), crate::service::ServiceError> {
    let this_year = beijing_date(state.services().now()).year();
    let year = q.year.unwrap_or(this_year);
    let rows = interaction::unit_figures(state.services(), &cc.caller, year).await?;
    Ok((this_year, year, rows))
}

pub(crate) async fn units(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let (this_year, year, rows) = figures(&state, &cc, &q).await?;
    let busiest = rows
        .iter()
        .map(|r| r.total.received)
        .max()
        .unwrap_or(0)
        .max(1);
    let view = UnitsView {
        frame: admin_frame(&state, &cc, "cases", None),
        year,
        years: (0..3).map(|i| this_year - i).collect(),
        csv_url: format!("{}/admin/cases.csv?year={year}", super::super::BASE),
        rows: rows
            .iter()
            .map(|r| UnitLine {
                name: r.tenant.name.clone(),
                url: format!("{}/sites/{}/cases", super::super::BASE, r.tenant.code),
                received: r.total.received,
                replied: r.total.replied,
                on_time_rate: pct(r.total.on_time_rate()),
                avg_days: days(r.total.avg_days),
                satisfaction: pct(r.total.satisfaction),
                open: r.now.open,
                due_soon: r.now.due_soon,
                overdue: r.now.overdue,
                bar: r.total.received * 200 / busiest,
            })
            .collect(),
    };
    html(&state, ConsolePage::CaseUnits, &view)
}

/// The same table as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the
/// Chinese right).
pub(crate) async fn units_csv(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Query(q): Query<YearQuery>,
) -> Result<Response, super::super::frame::PageError> {
    let (_, year, rows) = figures(&state, &cc, &q).await?;
    let mut out = String::from(zq_domain::csv::BOM);
    out.push_str(&zq_domain::csv::row(&[
        "单位",
        "代码",
        "收到",
        "已答复",
        "按期答复",
        "按期答复率",
        "平均用时（工作日）",
        "满意率",
        "待办",
        "即将到期",
        "超期",
    ]));
    for r in &rows {
        out.push_str(&zq_domain::csv::row(&[
            r.tenant.name.clone(),
            r.tenant.code.to_string(),
            r.total.received.to_string(),
            r.total.replied.to_string(),
            r.total.on_time.to_string(),
            pct(r.total.on_time_rate()),
            days(r.total.avg_days),
            pct(r.total.satisfaction),
            r.now.open.to_string(),
            r.now.due_soon.to_string(),
            r.now.overdue.to_string(),
        ]));
    }
    Ok(crate::console::frame::csv_download(
        &format!("cases-{year}"),
        out,
    ))
}
