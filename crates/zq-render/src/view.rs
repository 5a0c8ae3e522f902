//! View models: exactly what each template shows, already formatted (dates as text, URLs
//! resolved against the site's base). Built by the HTTP layer from store records.

use serde::Serialize;

/// The cluster, for the unified header every subsite carries.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterView {
    /// The portal's name, e.g. 中国海川.
    pub portal_name: String,
    /// Link to the portal's home page as seen from the current request.
    pub portal_url: String,
    /// The superior (provincial) portal, set on the portal.
    pub superior: Option<LinkView>,
}

/// A named link.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub name: String,
    pub url: String,
}

/// The footer's registration records, with their verification links.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecordsView {
    /// ICP 备案号 (links to the MIIT lookup).
    pub icp: Option<String>,
    /// 公安机关备案号 and its lookup link.
    pub police: Option<LinkView>,
    /// The 党政机关网站标识's verification link.
    pub conac_url: Option<String>,
}

/// One `<meta name=… content=…>` of the national page design rules.
#[derive(Debug, Clone, Serialize)]
pub struct MetaTag {
    pub name: &'static str,
    pub content: String,
}

/// The site (tenant) a page belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub code: String,
    pub name: String,
    pub kind_label: String,
    pub sponsor: String,
    pub site_id: Option<String>,
    pub contact: Option<String>,
    pub is_portal: bool,
    /// Prefix of every link inside the site: "" on the site's own host, "/sites/{code}" under
    /// the alias, followed by the mode's prefix (`/elder`, `/hant` …).
    pub base: String,
    /// The same prefix without the mode, for the public forms (which have no modes).
    pub forms_base: String,
    /// Scheme and authority of the current request, for absolute URLs in XML.
    pub origin: String,
    /// The stylesheet with the site's theme colour (`/static/theme-rrggbb.css`), if it has one.
    pub theme_css: Option<String>,
    /// The site's logo picture, if it has one.
    pub logo: Option<String>,
    /// The contact line as the footer shows it (`联系方式：` added unless it starts with its
    /// own label, e.g. `地址：…`).
    pub contact_line: Option<String>,
    /// The footer's records (the portal's record numbers where the site has none).
    pub records: RecordsView,
    /// The site above this one (a town's district; a department's or district's portal).
    pub parent: Option<LinkView>,
}

/// A link in the top navigation.
#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub name: String,
    pub url: String,
    pub active: bool,
    pub external: bool,
}

/// A breadcrumb step; the last has no URL.
#[derive(Debug, Clone, Serialize)]
pub struct Crumb {
    pub name: String,
    pub url: Option<String>,
}

/// What every HTML page carries around its content.
#[derive(Debug, Clone, Serialize)]
pub struct Chrome {
    pub cluster: ClusterView,
    pub site: SiteView,
    pub nav: Vec<NavItem>,
    pub crumbs: Vec<Crumb>,
    /// The page's title (without the site name).
    pub title: String,
    /// 更新日期, as YYYY-MM-DD, if the page has content.
    pub updated: Option<String>,
    /// The page metadata of the national page design rules (SiteName … Url).
    pub meta: Vec<MetaTag>,
    /// The page's mode and the switches to the others.
    pub mode: ModeView,
    /// The office's emergency notices (应急公告) at the top of the page, gravest first.
    pub alerts: Vec<AlertView>,
    /// The mourning mode (全站变灰): the page in greyscale.
    pub mourning: bool,
}

/// An emergency notice as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AlertView {
    pub title: String,
    pub text: String,
    /// `blue` … `red`.
    pub level: &'static str,
    /// 蓝色预警 …
    pub level_label: &'static str,
    /// Its end, Beijing time (YYYY-MM-DD HH:MM).
    pub until: String,
}

/// The page's mode (standard, 长者, 纯文本; 简体 or 繁體) and its switches.
#[derive(Debug, Clone, Serialize)]
pub struct ModeView {
    /// `standard`, `elder` or `text`: the class on `<html>`.
    pub layout: &'static str,
    pub hant: bool,
    /// The page's `lang`.
    pub lang: &'static str,
    /// The layout switches (标准版, 长者模式, 无障碍), the current one marked.
    pub layouts: Vec<SwitchView>,
    /// The switch to the other script (繁體 on a simplified page, 简体 on a traditional one).
    pub script: SwitchView,
    /// Absolute URLs of the page in simplified and traditional characters, for `hreflang`.
    pub hans_url: String,
    pub hant_url: String,
}

/// A link to the current page in another mode.
#[derive(Debug, Clone, Serialize)]
pub struct SwitchView {
    pub name: &'static str,
    pub url: String,
    pub current: bool,
    /// The language of the link's text, when it differs from the page's.
    pub lang: Option<&'static str>,
}

/// An item of a list.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub title: String,
    pub url: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub summary: Option<String>,
    /// The unit it came from, on aggregated lists.
    pub unit: Option<String>,
}

/// A block of items under a heading, with a "more" link.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub name: String,
    pub url: String,
    pub items: Vec<ItemView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomeView {
    pub chrome: Chrome,
    pub sections: Vec<SectionView>,
    /// On the portal: the latest department and district news.
    pub aggregated: Vec<SectionView>,
}

/// A link to one page of a paginated list.
#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub number: u32,
    pub url: String,
    pub current: bool,
    /// Pages were skipped before this one (the pager shows "…").
    pub gap_before: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    pub current: u32,
    pub total_pages: u32,
    pub total_items: u64,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ColumnView {
    pub chrome: Chrome,
    pub name: String,
    pub requirement: String,
    pub responsible_unit: Option<String>,
    pub children: Vec<NavItem>,
    pub items: Vec<ItemView>,
    pub pagination: Pagination,
    pub feed_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    pub chrome: Chrome,
    pub title: String,
    pub subtitle: Option<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    /// YYYY-MM-DD HH:MM in China Standard Time.
    pub published: String,
    pub summary: Option<String>,
    /// Sanitized HTML, shown as is.
    pub body: String,
    pub doc_number: Option<String>,
    pub index_number: Option<String>,
    pub column_name: String,
    pub column_url: String,
    /// The next newer article in the column (上一篇) and the next older one (下一篇).
    pub newer: Option<LinkView>,
    pub older: Option<LinkView>,
    /// The QR code of the article's address (`/art/{id}.qr.svg`).
    pub qr_url: Option<String>,
}

/// A node of the HTML site map.
#[derive(Debug, Clone, Serialize)]
pub struct TreeNode {
    pub name: String,
    pub url: String,
    pub children: Vec<TreeNode>,
}

/// A site in the cluster directory, with the sites under it (a district's towns).
#[derive(Debug, Clone, Serialize)]
pub struct DirectorySite {
    pub name: String,
    pub url: String,
    pub children: Vec<DirectorySite>,
}

/// A group of the cluster directory: 部门网站, 区县网站, 乡镇（街道）网站.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryGroup {
    /// The anchor (`department`, `district`, `town`).
    pub id: &'static str,
    pub name: &'static str,
    pub sites: Vec<DirectorySite>,
}

/// 站群导航: every open site of the cluster, by kind.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryView {
    pub chrome: Chrome,
    pub groups: Vec<DirectoryGroup>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteMapView {
    pub chrome: Chrome,
    pub tree: Vec<TreeNode>,
}

/// An error page; `chrome` is absent when no tenant is known (unknown host).
#[derive(Debug, Clone, Serialize)]
pub struct ErrorView {
    pub chrome: Option<Chrome>,
    pub status: u16,
    pub heading: String,
    pub message: String,
    /// Where to go instead (the portal, or the site's home).
    pub home_url: String,
    pub home_name: String,
}

/// A public form page (the test form of the form path): the form, or what was received.
#[derive(Debug, Clone, Serialize)]
pub struct FormView {
    pub chrome: Chrome,
    pub heading: String,
    /// Where the form posts (the page's own address).
    pub action: String,
    /// The signed per-form token the post must carry.
    pub token: String,
    /// The message field as typed (shown again after a refused post).
    pub message: String,
    pub max_chars: usize,
    /// Why the post was refused, next to the field.
    pub error: Option<String>,
    /// After a post that was taken: what was received.
    pub received: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SitemapEntry {
    /// Absolute URL.
    pub loc: String,
    /// RFC 3339 date.
    pub lastmod: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SitemapXmlView {
    pub entries: Vec<SitemapEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedEntry {
    pub id: String,
    pub title: String,
    /// Absolute URL.
    pub url: String,
    /// RFC 3339.
    pub updated: String,
    pub published: String,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedView {
    /// A stable IRI for the feed (its absolute URL).
    pub id: String,
    pub title: String,
    pub self_url: String,
    pub site_url: String,
    pub author: String,
    /// RFC 3339.
    pub updated: String,
    pub entries: Vec<FeedEntry>,
}

/// The console's sign-in page.
#[derive(Debug, Clone, Serialize)]
pub struct ConsoleLoginView {
    pub portal_name: String,
    /// Where the form posts.
    pub action: String,
    pub csrf: String,
    /// The login typed before, shown again after a failure.
    pub login: String,
    pub error: Option<String>,
    /// The second step: ask for the authenticator's code instead of login and password.
    pub code_step: bool,
    /// A form sent after the session ended is kept for this browser (said above the form).
    pub kept: bool,
}

/// 修改密码: the signed-in account changes its password.
#[derive(Debug, Clone, Serialize)]
pub struct PasswordView {
    pub portal_name: String,
    pub base: String,
    pub csrf: String,
    pub login: String,
    pub display_name: String,
    /// The password is older than the cluster allows: it must be changed now.
    pub expired: bool,
    pub max_age_days: u32,
    /// Someone else set the password (a new account, an admin's reset): it must be changed.
    pub must_change: bool,
    /// Just changed.
    pub done: bool,
    pub error: Option<String>,
}

/// The result of an action on an account that must be shown once (a temporary password).
#[derive(Debug, Clone, Serialize)]
pub struct DoneView {
    pub portal_name: String,
    pub base: String,
    pub csrf: String,
    pub login: String,
    pub display_name: String,
    pub heading: String,
    pub message: String,
    /// Shown once, never stored.
    pub secret: Option<String>,
    pub back_url: String,
    pub back_label: String,
}

/// 双因素认证: the signed-in account's second factor (enrolment, recovery codes, status).
#[derive(Debug, Clone, Serialize)]
pub struct SecondFactorView {
    pub portal_name: String,
    pub base: String,
    pub csrf: String,
    pub login: String,
    pub display_name: String,
    pub enrolled: bool,
    /// The account's roles require a second factor (it cannot use the console without).
    pub required: bool,
    pub recovery_codes_left: u64,
    /// While enrolling: the QR code (SVG) and the secret to type by hand.
    pub qr_svg: Option<String>,
    pub secret: Option<String>,
    /// Just confirmed: the recovery codes, shown this once.
    pub recovery_codes: Vec<String>,
    pub error: Option<String>,
}

/// A site a person may act on, with their roles there and what it has waiting.
#[derive(Debug, Clone, Serialize)]
pub struct ConsoleSite {
    pub code: String,
    pub name: String,
    pub kind_label: String,
    pub status_label: String,
    pub roles: Vec<String>,
    pub public_url: String,
    /// The site's pages in the console (for an operator: its 网站检查).
    pub console_url: String,
    /// The person may open the site's content (an operator sees figures only).
    pub can_read: bool,
    /// Its newest publication ("3 天前", "从未发布"), and whether that is two weeks or more ago.
    pub last_update: String,
    pub home_stale: bool,
    /// Its columns with an update duty, those behind it and those due within three days.
    pub duty_with: usize,
    pub duty_behind: usize,
    pub duty_due: usize,
    /// Its articles by state, and the reporting items sent to it not decided yet.
    pub drafts: u64,
    pub pending_review: u64,
    pub returned: u64,
    pub reports_waiting: u64,
    /// Its 待审核 list and its reporting inbox.
    pub review_url: String,
    pub reports_url: String,
    /// Its cases waiting for an answer now, due today or on the next working day, overdue.
    pub cases_open: u32,
    pub cases_due_soon: u32,
    pub cases_overdue: u32,
    /// Its case inbox.
    pub cases_url: String,
    /// Its 网站检查 page.
    pub inspection_url: String,
    /// The inspection indicators failing or warning now (`栏目更新：5 个栏目（不达标）`).
    pub alerts: Vec<String>,
    /// A veto item fails now.
    pub vetoed: bool,
}

/// A line of a 工作台 list: an article or a reporting item, where it is, and its link.
#[derive(Debug, Clone, Serialize)]
pub struct DeskLine {
    pub title: String,
    pub url: String,
    /// The site it belongs to (for a reporting item: the other side).
    pub site: String,
    /// When it last changed or was sent, in Beijing time.
    pub when: String,
    /// The reviewer's or the receiver's comment, a channel's name.
    pub note: Option<String>,
    pub state_label: String,
}

/// One list of the 工作台, cut to its first lines.
#[derive(Debug, Clone, Serialize)]
pub struct DeskList {
    pub lines: Vec<DeskLine>,
    pub total: u64,
    /// The full list, when it is one site's.
    pub more_url: Option<String>,
}

/// A column behind its update duty, or due within three days.
#[derive(Debug, Clone, Serialize)]
pub struct DutyLine {
    pub site: String,
    pub path: String,
    /// "每周更新，已 9 天未更新".
    pub detail: String,
    pub behind: bool,
    /// Write an article in this column (where the person may write), else its column page.
    pub url: String,
    pub url_label: String,
}

/// The console's start page, the 工作台: what waits for the person signed in, and their sites.
#[derive(Debug, Clone, Serialize)]
pub struct ConsoleHomeView {
    pub portal_name: String,
    pub display_name: String,
    pub login: String,
    /// 集群管理员 or 运维监控, if the account has a cluster role.
    pub cluster_role: Option<String>,
    pub sites: Vec<ConsoleSite>,
    pub drafts: DeskList,
    pub returned: DeskList,
    pub to_review: DeskList,
    pub reports_waiting: DeskList,
    pub reports_returned: DeskList,
    /// Columns behind or close to their duty, behind first (cut to the first lines).
    pub duty: Vec<DutyLine>,
    /// Over all the sites: columns with a duty, behind it, due soon.
    pub duty_with: usize,
    pub duty_behind: usize,
    pub duty_due: usize,
    pub csrf: String,
    /// Prefix of console links, e.g. `/console`.
    pub base: String,
}
