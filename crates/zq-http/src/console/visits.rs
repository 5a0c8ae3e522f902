//! The visit statistics pages of the console (访问统计): a site's views and visitors per day
//! and hour, popular pages, columns and referring hosts (anyone who may read the site), and the
//! office's figures of every site (集群管理 → 访问统计). The figures come from
//! `crate::service::visits`; these handlers draw the bars and shape the tables.

use axum::extract::{Path, Query, State};
use chrono::Datelike;
use serde::Deserialize;
use zq_domain::access::Action;
use zq_render::ConsolePage;
use zq_render::console_view::{
    Bar, ClusterVisitsView, CountRow, DayRow, PeriodLink, SiteVisitRow, VisitFigures, VisitsView,
};

use super::BASE;
use super::admin::admin_frame;
use super::frame::{ConsoleCaller, PageResult, html, site_frame};
use crate::AppState;
use crate::service::{self, visits};

/// The periods offered, in days; the first is the default.
const PERIODS: [i64; 3] = [30, 7, 90];
/// Chart height in pixels.
const HEIGHT: u32 = 80;

#[derive(Debug, Deserialize, Default)]
pub(crate) struct DaysQuery {
    days: Option<String>,
}

impl DaysQuery {
    /// The period asked for (a number the service checks), else the default.
    fn days(&self) -> i64 {
        self.days
            .as_deref()
            .and_then(|d| d.trim().parse().ok())
            .unwrap_or(PERIODS[0])
    }
}

/// Bars of `values` scaled to the chart's height, `width` pixels each with a 2-pixel gap.
pub(super) fn bars(values: &[(String, i64)], width: u32, unit: &str) -> Vec<Bar> {
    let max = values.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    values
        .iter()
        .enumerate()
        .map(|(i, (label, v))| {
            let height = u32::try_from(v * i64::from(HEIGHT) / max).unwrap_or(0);
            Bar {
                x: u32::try_from(i).unwrap_or(0) * width,
                y: HEIGHT - height,
                width: width.saturating_sub(2).max(1),
                height,
                title: format!("{label}：{v} {unit}"),
            }
        })
        .collect()
}

const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

fn figures(
    days: &[visits::DayFigure],
    referrers: &[(String, i64)],
    total_views: i64,
    total_visitors: u64,
    url: &str,
) -> VisitFigures {
    let n = days.len() as i64;
    let width = if n > 60 { 4 } else { 10 };
    let values: Vec<(String, i64)> = days
        .iter()
        .map(|d| (d.day.format("%m-%d").to_string(), d.views))
        .collect();
    VisitFigures {
        days: n,
        periods: PERIODS
            .iter()
            .map(|p| PeriodLink {
                days: *p,
                url: format!("{url}?days={p}"),
                current: *p == n,
            })
            .collect(),
        total_views,
        total_visitors,
        chart_width: u32::try_from(n).unwrap_or(0) * width,
        day_bars: bars(&values, width, "次浏览"),
        day_label: format!(
            "近 {n} 天每天的浏览量，合计 {total_views} 次；最多的一天 {} 次",
            values.iter().map(|(_, v)| *v).max().unwrap_or(0)
        ),
        day_rows: days
            .iter()
            .rev()
            .map(|d| DayRow {
                label: format!(
                    "{}（周{}）",
                    d.day.format("%m-%d"),
                    WEEKDAYS[d.day.weekday().num_days_from_monday() as usize]
                ),
                views: d.views,
                visitors: d.visitors,
            })
            .collect(),
        referrers: referrers
            .iter()
            .map(|(host, n)| CountRow {
                label: host.clone(),
                url: None,
                views: *n,
            })
            .collect(),
    }
}

/// `GET /console/sites/{code}/visits`.
pub(crate) async fn site(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<DaysQuery>,
) -> PageResult {
    let t = service::site(state.services(), &cc.caller, &code, Action::ReadFigures).await?;
    let v = visits::site_visits(state.services(), &cc.caller, &code, q.days()).await?;
    let frame = site_frame(&state, &cc, &t, "visits", None).await?;
    let url = format!("{}/visits", frame.site_base);
    let public = format!("/sites/{}", t.code);
    let hours: Vec<(String, i64)> = v
        .hours_today
        .iter()
        .enumerate()
        .map(|(h, n)| (format!("{h} 时"), *n))
        .collect();
    let view = VisitsView {
        figures: figures(&v.days, &v.referrers, v.total_views, v.total_visitors, &url),
        hour_label: format!(
            "今天各小时的浏览量，合计 {} 次",
            v.hours_today.iter().sum::<i64>()
        ),
        hour_bars: bars(&hours, 12, "次浏览"),
        pages: v
            .pages
            .iter()
            .map(|p| CountRow {
                label: p.title.clone(),
                url: Some(format!("{public}{}", p.path)),
                views: p.views,
            })
            .collect(),
        columns: v
            .columns
            .iter()
            .map(|(name, n)| CountRow {
                label: name.clone(),
                url: None,
                views: *n,
            })
            .collect(),
        frame,
    };
    html(&state, ConsolePage::Visits, &view)
}

/// `GET /console/admin/visits`.
pub(crate) async fn cluster(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Query(q): Query<DaysQuery>,
) -> PageResult {
    let v = visits::cluster_visits(state.services(), &cc.caller, q.days()).await?;
    let url = format!("{BASE}/admin/visits");
    let view = ClusterVisitsView {
        frame: admin_frame(&state, &cc, "visits", None),
        figures: figures(&v.days, &v.referrers, v.total_views, v.total_visitors, &url),
        sites: v
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| SiteVisitRow {
                rank: i + 1,
                name: s.name.clone(),
                url: format!("{BASE}/sites/{}/visits", s.code),
                views: s.views,
                visitors: s.visitors,
            })
            .collect(),
    };
    html(&state, ConsolePage::ClusterVisits, &view)
}
