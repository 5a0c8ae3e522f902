//! Views of the office's pages (集群管理: sites, accounts, the cluster's audit log, channels,
//! the calendar) and of a site's accounts and columns, which share their shapes.

use serde::Serialize;

use super::{AuditLine, Choice, Me, Named};

/// A tab of the office's pages.
#[derive(Debug, Clone, Serialize)]
pub struct AdminTab {
    pub label: &'static str,
    pub url: String,
    pub current: bool,
}

/// What every office page shows around its content.
#[derive(Debug, Clone, Serialize)]
pub struct AdminFrame {
    pub portal_name: String,
    pub base: String,
    pub csrf: String,
    /// A fresh one-time key for the page's creating forms.
    pub once: String,
    pub me: Me,
    /// Only the tabs this account may open.
    pub tabs: Vec<AdminTab>,
    pub notice: Option<&'static str>,
    pub error: Option<String>,
}

/// A status a site may be moved to, as a button.
#[derive(Debug, Clone, Serialize)]
pub struct StatusAction {
    pub status: &'static str,
    pub label: &'static str,
}

/// A row of the sites list.
#[derive(Debug, Clone, Serialize)]
pub struct TenantRow {
    pub code: String,
    pub name: String,
    pub kind_label: &'static str,
    /// The parent's code, empty for the portal.
    pub parent: String,
    pub hosts: Vec<String>,
    pub status_label: &'static str,
    pub actions: Vec<StatusAction>,
}

/// The new-site form as typed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TenantForm {
    pub code: String,
    pub kind: String,
    pub parent: String,
    pub name: String,
    pub sponsor: String,
    pub hosts: String,
    pub site_id: String,
    pub contact: String,
}

/// 站点.
#[derive(Debug, Clone, Serialize)]
pub struct TenantsView {
    #[serde(flatten)]
    pub frame: AdminFrame,
    pub tenants: Vec<TenantRow>,
    pub kinds: Vec<Choice>,
    pub form: TenantForm,
    /// The cluster's domain, for the hint on an empty 域名.
    pub host_suffix: String,
}

/// A button granting or taking back a role.
#[derive(Debug, Clone, Serialize)]
pub struct RoleAction {
    pub role: &'static str,
    /// `on` grants, `off` takes back.
    pub bound: &'static str,
    pub label: String,
}

/// A row of an accounts list.
#[derive(Debug, Clone, Serialize)]
pub struct UserRow {
    pub login: String,
    pub display_name: String,
    pub disabled: bool,
    pub roles: Vec<String>,
    pub role_actions: Vec<RoleAction>,
    /// Strangers' failed sign-ins slow this account until this time (shown to the office,
    /// with a button lifting it).
    pub waiting_until: Option<String>,
    /// Whether the account has a second factor (the office may reset it).
    pub second_factor: bool,
    /// "2026-12-03 09:30" or 从未登录.
    pub last_sign_in: String,
    /// Its password was set by an admin and not changed yet.
    pub must_change: bool,
    /// The admin may reset its password and disable it (not their own account).
    pub manageable: bool,
}

/// The new-account form as typed.
#[derive(Debug, Clone, Serialize)]
pub struct UserForm {
    pub login: String,
    pub display_name: String,
}

/// 全部账号 (office, frame `AdminFrame`) and 本站账号 (a site, frame `SiteFrame`).
#[derive(Debug, Clone, Serialize)]
pub struct UsersView<F: Serialize> {
    #[serde(flatten)]
    pub frame: F,
    /// `console_admin_base.html` or `console_site_base.html`.
    pub base_template: &'static str,
    pub heading: &'static str,
    pub users: Vec<UserRow>,
    /// Where role changes post (a site's page only).
    pub roles_form: Option<String>,
    pub role_choices: Option<Vec<Choice>>,
    pub create_action: String,
    pub form: UserForm,
}

/// 审计日志 of the whole cluster.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterAuditView {
    #[serde(flatten)]
    pub frame: AdminFrame,
    pub rows: Vec<AuditLine>,
    pub search: super::AuditSearch,
}

/// A row of a site's column tree.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnRow {
    pub id: i64,
    /// `— ` per level.
    pub indent: String,
    pub slug: String,
    pub kind_label: &'static str,
    pub name: String,
    pub parent_id: Option<i64>,
    pub update_requirement: &'static str,
    pub responsible_unit: String,
    pub sort_order: i32,
    pub is_news: bool,
}

/// The new-column form as typed.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnForm {
    pub name: String,
    pub slug: String,
    pub responsible_unit: String,
    pub external_url: String,
}

/// 栏目 of a site.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnsView<F: Serialize> {
    #[serde(flatten)]
    pub frame: F,
    pub columns: Vec<ColumnRow>,
    pub parents: Vec<Named>,
    pub requirements: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub form: ColumnForm,
}

/// A row of the channels list.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelRow {
    pub id: i64,
    pub name: String,
    pub receiver: String,
    /// `全部部门` or `江北区下属镇街`.
    pub senders: String,
    pub columns: Vec<String>,
    pub feed: String,
    pub auto_adopt: bool,
    pub active: bool,
}

/// The new-channel form as typed.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelForm {
    pub name: String,
    pub receiver: String,
    /// The columns picked, `{code}/{slug}` (or a bare slug of the receiver).
    pub columns: Vec<String>,
    pub sender_kind: String,
    pub sender_parent: String,
    pub feed_url: String,
    pub feed_sender: String,
}

/// 报送渠道.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelsView {
    #[serde(flatten)]
    pub frame: AdminFrame,
    pub channels: Vec<ChannelRow>,
    pub kinds: Vec<Choice>,
    /// Every site (code, name) for the receiver, parent and feed dropdowns.
    pub sites: Vec<Choice>,
    /// Every site's columns that take articles, as trees, to pick the receiver's from.
    pub column_groups: Vec<ColumnGroup>,
    pub form: ChannelForm,
}

/// One site's columns in a column picker (`value` = `{code}/{slug}`).
#[derive(Debug, Clone, Serialize)]
pub struct ColumnGroup {
    pub code: String,
    pub name: String,
    pub columns: Vec<Choice>,
}
