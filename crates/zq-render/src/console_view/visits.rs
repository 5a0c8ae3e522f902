//! View models of the visit statistics pages (访问统计): a site's views and visitors per day
//! and hour with its popular pages, columns and referring hosts, and the office's figures of
//! the whole cluster. Charts are server-drawn SVG bars with the same figures in a table beside
//! them, for screen readers and printing.

use serde::Serialize;

use super::{AdminFrame, SiteFrame};

/// One bar of a chart (pixels in the chart's own box).
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    /// Its tooltip: `12-03：1,204 次浏览`.
    pub title: String,
}

/// One day's line of the figures table.
#[derive(Debug, Clone, Serialize)]
pub struct DayRow {
    /// `12-03（周四）`.
    pub label: String,
    pub views: i64,
    pub visitors: u64,
}

/// A popular page, a column or a referring host with its views.
#[derive(Debug, Clone, Serialize)]
pub struct CountRow {
    pub label: String,
    pub url: Option<String>,
    pub views: i64,
}

/// The periods a page offers (7, 30, 90 days).
#[derive(Debug, Clone, Serialize)]
pub struct PeriodLink {
    pub days: i64,
    pub url: String,
    pub current: bool,
}

/// The figures both pages show: totals, the days' chart and table, referrers.
#[derive(Debug, Clone, Serialize)]
pub struct VisitFigures {
    pub days: i64,
    pub periods: Vec<PeriodLink>,
    pub total_views: i64,
    pub total_visitors: u64,
    /// Chart width in pixels.
    pub chart_width: u32,
    pub day_bars: Vec<Bar>,
    pub day_label: String,
    pub day_rows: Vec<DayRow>,
    pub referrers: Vec<CountRow>,
}

/// A site's 访问统计 page.
#[derive(Debug, Clone, Serialize)]
pub struct VisitsView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    #[serde(flatten)]
    pub figures: VisitFigures,
    pub hour_bars: Vec<Bar>,
    pub hour_label: String,
    pub pages: Vec<CountRow>,
    pub columns: Vec<CountRow>,
}

/// The office's 访问统计 page.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterVisitsView {
    #[serde(flatten)]
    pub frame: AdminFrame,
    #[serde(flatten)]
    pub figures: VisitFigures,
    /// Every site, most viewed first.
    pub sites: Vec<SiteVisitRow>,
}

/// One site's line on the office's page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteVisitRow {
    pub rank: usize,
    pub name: String,
    pub url: String,
    pub views: i64,
    pub visitors: u64,
}
