//! View models of the console's per-site pages, as `view` holds them for the public pages:
//! the frame every site page shares (`SiteFrame`: site, tabs, account, notice) and the pages
//! built from typed parts, one module per capability (`articles`, …). A page's view flattens the
//! frame, so `console_site_base.html` reads the same names on every page.

mod admin;
mod articles;
mod broadcasts;
mod cases;
mod consult;
mod inspection;
mod operations;
mod reporting;
mod search;
mod security;
mod statistics;
mod tls;
mod visits;

use serde::Serialize;

pub use admin::{
    AdminFrame, AdminTab, ChannelForm, ChannelRow, ChannelsView, ClusterAuditView, ColumnForm,
    ColumnGroup, ColumnRow, ColumnsView, RoleAction, StatusAction, TenantForm, TenantRow,
    TenantsView, UserForm, UserRow, UsersView,
};
pub use articles::{
    ArticleLine, ArticlesView, BulkPanel, BulkRefusalLine, BulkResult, DiffLine, Filter,
    ListSearch, RevisionLine, VersionLine, VersionsView,
};
pub use broadcasts::{BroadcastRow, BroadcastsView};
pub use cases::{
    CaseFileLine, CaseFilterView, CaseLine, CaseView, CasesView, Fact, MailboxRow, MailboxesView,
    Option_, RuleRow, StepForm, StepLine, TemplateRow, UnitLine, UnitsView,
};
pub use consult::{
    ConsultFields, ConsultRow, ConsultView, ConsultsView, EntryRow, FileChoice, StepButton,
};
pub use inspection::{
    BonusRow, BonusView, EvidenceRow, FindingRow, IndicatorRow, InspectionView, LexiconView,
    ScoreRow, ScorecardView, TermRow, TrendWeek,
};
pub use operations::{ClusterView, JobLine, NodeLine, OperationsView, SiteLine};
pub use reporting::{
    InboxFilter, InboxView, ItemView, Named, OutboxView, Range, RankRow, RankingView, SendForm,
    StateChoice, SubmissionDetail, SubmissionLine, TrendMonth,
};
pub use search::{BestBetRow, FileRow, QueryRow, SearchOfficeView, SynonymRow};
pub use security::{
    ClusterSecurityView, SecurityAccount, SecurityBody, SecurityCertificate, SecurityEvent,
    SecurityJob, SiteSecurityView,
};
pub use statistics::{CountLine, CountTable, StatisticsView};
pub use tls::{CertificateRow, CertificatesView, HttpsSiteRow};
pub use visits::{
    Bar, ClusterVisitsView, CountRow, DayRow, PeriodLink, SiteVisitRow, VisitFigures, VisitsView,
};

/// Who is signed in.
#[derive(Debug, Clone, Serialize)]
pub struct Me {
    pub display_name: String,
    pub login: String,
}

/// The site a page belongs to, as the frame's heading shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SiteBadge {
    pub code: String,
    pub name: String,
    pub kind_label: String,
    pub status_label: String,
    pub public_url: String,
}

/// One tab of a site's pages; `count` is shown as a badge (pending reviews).
#[derive(Debug, Clone, Serialize)]
pub struct Tab {
    pub label: &'static str,
    pub url: String,
    pub current: bool,
    pub count: Option<u64>,
}

/// What every per-site console page shows around its content.
#[derive(Debug, Clone, Serialize)]
pub struct SiteFrame {
    pub portal_name: String,
    /// Prefix of console links, e.g. `/console`.
    pub base: String,
    /// The site's pages in the console, e.g. `/console/sites/jyj`.
    pub site_base: String,
    pub csrf: String,
    /// A fresh one-time key for the page's creating forms (a second submit with it does not
    /// create the thing again).
    pub once: String,
    pub me: Me,
    pub site: SiteBadge,
    /// Only the tabs this person may open.
    pub tabs: Vec<Tab>,
    /// The message after a redirect (`?notice=…`), if any.
    pub notice: Option<&'static str>,
    /// A refused submit's message, shown above the form.
    pub error: Option<String>,
    /// The office's broadcasts the site's public pages show now, so its clerks know.
    pub on_air: Vec<OnAir>,
}

/// A broadcast a site's public pages show now (应急公告 or 全站变灰), as its console says it.
#[derive(Debug, Clone, Serialize)]
pub struct OnAir {
    /// `level-red` … for a notice, `mourning` for the greyscale mode.
    pub class: String,
    /// 应急公告（红色预警） or 全站变灰.
    pub label: String,
    pub title: String,
    /// Beijing time it ends, `2026-12-06 18:00`.
    pub until: String,
}

/// A row of an audit table (a site's or the cluster's).
#[derive(Debug, Clone, Serialize)]
pub struct AuditLine {
    /// Beijing time, `2026-12-03 09:30`.
    pub at: String,
    /// The site's name (cluster log) or empty (a site's own log).
    pub site: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub client: String,
    /// First 12 hex digits of the hashes, `—` when absent.
    pub before: String,
    pub after: String,
    /// The reason typed to confirm a grave change, or empty.
    pub note: String,
}

/// 审计日志 of one site.
#[derive(Debug, Clone, Serialize)]
pub struct AuditView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    pub rows: Vec<AuditLine>,
    pub search: AuditSearch,
}

/// A choice of a select that may be the chosen one.
#[derive(Debug, Clone, Serialize)]
pub struct Picked {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The audit log's filter form (actor, kind of action, object, period) and its CSV link.
#[derive(Debug, Clone, Serialize)]
pub struct AuditSearch {
    /// The page the form is sent to (GET).
    pub action: String,
    pub actor: String,
    pub object: String,
    /// `2026-12-01` or empty.
    pub from: String,
    pub to: String,
    pub kinds: Vec<Picked>,
    /// The same rows as CSV.
    pub csv_url: String,
    /// A filter is set (the page says so and offers to clear it).
    pub filtered: bool,
    /// The page shows the newest rows only.
    pub limited: bool,
    /// The message when a field could not be read (a malformed date).
    pub error: Option<String>,
}

/// The settings form's fields.
#[derive(Debug, Clone, Serialize)]
pub struct SettingsForm {
    pub name: String,
    pub sponsor: String,
    pub site_id: Option<String>,
    pub contact: Option<String>,
    pub logo: Option<String>,
    pub theme_color: Option<String>,
    pub editors_publish_directly: bool,
    /// 备案号, 党政机关网站标识, superior portal.
    pub records: zq_domain::records::SiteRecords,
    /// The portal keeps the cluster's superior portal link.
    pub is_portal: bool,
}

/// 网站设置.
#[derive(Debug, Clone, Serialize)]
pub struct SettingsView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    pub form: SettingsForm,
}

/// One uploaded file in the attachments list.
#[derive(Debug, Clone, Serialize)]
pub struct FileLine {
    pub name: String,
    pub content_type: String,
    /// `12.3 KiB`.
    pub size: String,
    pub at: String,
    /// Its address under the site alias, to open and to copy into an article.
    pub url: String,
    pub path: String,
}

/// 附件.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentsView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    /// May upload.
    pub can_write: bool,
    pub files: Vec<FileLine>,
}

/// A choice of a select box.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// One API token in the owner's list.
#[derive(Debug, Clone, Serialize)]
pub struct TokenLine {
    pub id: i64,
    pub label: String,
    /// `教育局 · 编辑`.
    pub scope: String,
    pub created: String,
    pub used: String,
    pub expires: String,
    /// 有效, 已过期 or 已吊销.
    pub status: &'static str,
    /// May still be revoked.
    pub active: bool,
}

/// 我的 API 令牌: one's own tokens, the scopes a new one may take, and a new token's secret
/// (shown once).
#[derive(Debug, Clone, Serialize)]
pub struct TokensView {
    pub portal_name: String,
    pub base: String,
    pub csrf: String,
    pub me: Me,
    pub scopes: Vec<Choice>,
    pub tokens: Vec<TokenLine>,
    pub secret: Option<String>,
    pub error: Option<String>,
}
