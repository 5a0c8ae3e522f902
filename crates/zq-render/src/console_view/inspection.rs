//! View models of the inspection pages: a site's indicators with their evidence (网站检查) and
//! the office's scorecard of every site.

use serde::Serialize;

use super::{AdminFrame, Option_, SiteFrame};

/// One thing an indicator points at, with a link to where it is fixed.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRow {
    pub what: String,
    pub detail: String,
    pub url: Option<String>,
}

/// One indicator.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow {
    pub name: String,
    /// 单项否决 or 扣分项.
    pub weight_label: String,
    pub rule: String,
    /// `pass`, `warn`, `fail`, `not_available` (a CSS class).
    pub status: String,
    pub status_label: String,
    pub value: String,
    pub threshold: String,
    pub evidence: Vec<EvidenceRow>,
}

/// One item of the portal's bonus.
#[derive(Debug, Clone, Serialize)]
pub struct BonusRow {
    pub name: String,
    pub rule: String,
    pub points: i64,
    pub max: i64,
    pub value: String,
    pub evidence: Vec<EvidenceRow>,
}

/// The portal's bonus (加分指标).
#[derive(Debug, Clone, Serialize)]
pub struct BonusView {
    /// Read at all (no veto, 80 points).
    pub eligible: bool,
    pub points: i64,
    /// The points with the bonus.
    pub total: i64,
    pub items: Vec<BonusRow>,
}

/// A site's 网站检查 page.
#[derive(Debug, Clone, Serialize)]
pub struct InspectionView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    /// 合格 / 不合格 / 单项否决.
    pub verdict: String,
    pub passed: bool,
    pub points: i64,
    pub vetoes: Vec<String>,
    /// `栏目更新要求 −3`.
    pub deductions: Vec<String>,
    pub warnings: usize,
    /// The portal's bonus (`None` for the other sites).
    pub bonus: Option<BonusView>,
    pub indicators: Vec<IndicatorRow>,
    /// When the figures were computed (Beijing time).
    pub at: String,
    /// The last weeks' points.
    pub trend: Vec<TrendWeek>,
}

/// One week of a site's trend.
#[derive(Debug, Clone, Serialize)]
pub struct TrendWeek {
    /// `11-16` (its Monday).
    pub label: String,
    /// `95`, or `—` without a reading.
    pub points: String,
    /// Bar height in pixels (0–24: 50 points or fewer to 100).
    pub height: u32,
    /// Its y in a 24-pixel chart.
    pub y: u32,
    pub x: u32,
    pub vetoed: bool,
}

/// One site in the scorecard.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreRow {
    pub rank: usize,
    pub name: String,
    pub kind_label: String,
    /// The site's 网站检查 page.
    pub url: String,
    pub verdict: String,
    pub passed: bool,
    pub points: i64,
    pub vetoes: Vec<String>,
    pub deductions: Vec<String>,
    pub warnings: usize,
    /// The portal's bonus points, if it is the portal.
    pub bonus: Option<i64>,
    /// The points with the bonus (ranked by).
    pub total: i64,
    pub trend: Vec<TrendWeek>,
    /// `近 8 周得分：95、—、98`.
    pub trend_label: String,
}

/// The office's scorecard.
#[derive(Debug, Clone, Serialize)]
pub struct ScorecardView {
    #[serde(flatten)]
    pub frame: AdminFrame,
    pub rows: Vec<ScoreRow>,
    pub passed: usize,
    pub vetoed: usize,
    pub warned: usize,
    pub csv_url: String,
    pub xlsx_url: String,
    pub at: String,
}

/// A term of the lexicon.
#[derive(Debug, Clone, Serialize)]
pub struct TermRow {
    pub id: i64,
    pub kind_label: String,
    pub text: String,
    pub right: String,
}

/// A serious error found in published content.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    pub site: String,
    pub article_url: String,
    pub message: String,
    pub context: String,
}

/// The office's 错敏词库.
#[derive(Debug, Clone, Serialize)]
pub struct LexiconView {
    #[serde(flatten)]
    pub frame: AdminFrame,
    pub can_edit: bool,
    pub kinds: Vec<Option_>,
    pub terms: Vec<TermRow>,
    pub findings: Vec<FindingRow>,
    /// What was typed into a refused form.
    pub kind: String,
    pub text: String,
    pub right: String,
}
