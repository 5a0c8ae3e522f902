//! Views of a site's reporting pages (信息报送) in the console: what it sent (with the send
//! form), what it received (with filters and batch decisions), one item, and the ranking.

use serde::Serialize;

use super::SiteFrame;

/// An id and a name, for select boxes (channels, units, columns).
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// A line of the outbox or inbox.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionLine {
    pub id: i64,
    pub title: String,
    pub sender: String,
    pub receiver: String,
    pub channel: String,
    pub submitted: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub comment: String,
}

/// What the send form holds (again after a refused send).
#[derive(Debug, Clone, Serialize)]
pub struct SendForm {
    pub channel_id: i64,
    pub title: String,
    pub body: String,
    pub note: String,
}

/// 报送 (outbox): the send form and what the site sent.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    pub can_write: bool,
    /// The site receives on some channel (shows the inbox tab).
    pub can_receive: bool,
    pub channels: Vec<Named>,
    /// Columns a sender may suggest: `receiver · column`.
    pub targets: Vec<Named>,
    /// The site's published articles, to report one as it is.
    pub published: Vec<Named>,
    /// A fresh key per form: sending the same form twice creates one submission.
    pub client_key: String,
    pub form: SendForm,
    pub items: Vec<SubmissionLine>,
}

/// A state to filter by.
#[derive(Debug, Clone, Serialize)]
pub struct StateChoice {
    pub value: &'static str,
    pub label: &'static str,
}

/// The inbox's filter as typed.
#[derive(Debug, Clone, Serialize)]
pub struct InboxFilter {
    pub sender: Option<i64>,
    pub channel: Option<i64>,
    pub state: String,
    pub from: String,
    pub to: String,
}

/// 收到的报送 (inbox).
#[derive(Debug, Clone, Serialize)]
pub struct InboxView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    pub can_decide: bool,
    pub units: Vec<Named>,
    pub channels: Vec<Named>,
    pub states: Vec<StateChoice>,
    pub filter: InboxFilter,
    pub items: Vec<SubmissionLine>,
}

/// One submission in full.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionDetail {
    pub id: i64,
    pub title: String,
    pub sender: String,
    pub source: Option<String>,
    pub channel: String,
    pub submitted: String,
    pub decided: Option<String>,
    /// When the feed's source published it (imported items).
    pub published_at_source: Option<String>,
    pub note: Option<String>,
    pub comment: Option<String>,
    pub state: &'static str,
    pub state_label: &'static str,
    /// Sanitised HTML.
    pub body: String,
    pub suggested_column: Option<i64>,
    /// The adopted article on the receiver's site.
    pub article_url: Option<String>,
}

/// 报送信息: one item with the receiver's decision form.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    pub can_decide: bool,
    /// The receiver's columns the channel takes.
    pub columns: Vec<Named>,
    pub item: SubmissionDetail,
}

/// A row of the ranking.
#[derive(Debug, Clone, Serialize)]
pub struct RankRow {
    pub rank: usize,
    pub name: String,
    pub submitted: u64,
    pub adopted: u64,
    /// Percent, one decimal.
    pub rate: String,
    /// Median time to a decision, `12.5 小时` or `—`.
    pub median: String,
    /// Bar width in pixels (the top unit is 100).
    pub bar: u64,
    /// Adoptions in 要闻, in another column, kept off the site.
    pub headline: u64,
    pub in_column: u64,
    pub kept: u64,
    /// Their points.
    pub score: u64,
}

/// One month of the reporting trend.
#[derive(Debug, Clone, Serialize)]
pub struct TrendMonth {
    pub label: String,
    pub submitted: u64,
    pub adopted: u64,
    /// Bars in the chart's box (80 px high): submitted behind, adopted in front.
    pub x: u64,
    pub sub_y: u64,
    pub sub_h: u64,
    pub ad_y: u64,
    pub ad_h: u64,
}

/// The period picked, as typed.
#[derive(Debug, Clone, Serialize)]
pub struct Range {
    pub from: String,
    pub to: String,
}

/// 统计排名.
#[derive(Debug, Clone, Serialize)]
pub struct RankingView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    pub can_receive: bool,
    pub period: String,
    pub period_label: String,
    pub range: Range,
    pub csv_url: String,
    pub rows: Vec<RankRow>,
    /// Ranked by `score` (积分) or by `adopted` (采用数), with the links to switch.
    pub order: &'static str,
    pub by_score_url: String,
    pub by_adopted_url: String,
    /// The points per place, as the page explains them.
    pub points: Vec<(String, u64)>,
    pub trend: Vec<TrendMonth>,
    pub trend_width: u64,
    /// Units that may send here and sent nothing in the period.
    pub silent: Vec<String>,
}
