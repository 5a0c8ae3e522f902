//! View model of 发稿统计: a site's articles per column, writer and month, or the cluster's
//! per site and month, for a period. The month chart is a server-drawn SVG with the same
//! figures in the tables beside it (screen readers, printing); the tables carry bars too.

use serde::Serialize;

use super::Bar;

/// 发稿统计 of a site (`base_template` = `console_site_base.html`) or of the cluster
/// (`console_admin_base.html`).
#[derive(Debug, Clone, Serialize)]
pub struct StatisticsView<F: Serialize> {
    #[serde(flatten)]
    pub frame: F,
    pub base_template: &'static str,
    pub heading: String,
    /// Where the period form goes.
    pub action: String,
    pub period: String,
    pub period_label: String,
    pub from: String,
    pub to: String,
    pub csv_url: String,
    pub total: u64,
    /// The month chart: its width, bars and what it shows in words.
    pub chart_width: u32,
    pub month_bars: Vec<Bar>,
    pub chart_label: String,
    pub months: Vec<CountLine>,
    /// Per column and per writer, or per site.
    pub tables: Vec<CountTable>,
}

/// A table of counts with its heading and first column's name.
#[derive(Debug, Clone, Serialize)]
pub struct CountTable {
    pub heading: &'static str,
    pub key: &'static str,
    pub rows: Vec<CountLine>,
}

/// One line: a name, its count, its bar (0–200 px) and a link (a site's own figures).
#[derive(Debug, Clone, Serialize)]
pub struct CountLine {
    pub label: String,
    pub count: u64,
    pub bar: u64,
    pub url: Option<String>,
}
