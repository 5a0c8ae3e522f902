//! Typed records the store hands out and takes in.

use chrono::{DateTime, Utc};
use zq_domain::{
    ArticleId, ArticleStatus, ColumnId, ColumnKind, ColumnSlug, Host, TenantCode, TenantId,
    TenantKind, TenantStatus, UpdateRequirement,
};

/// A tenant (one site of the cluster) with its host names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: TenantId,
    pub code: TenantCode,
    pub kind: TenantKind,
    /// The unit's Chinese name, e.g. 海川市民政局.
    pub name: String,
    /// 主办单位.
    pub sponsor: String,
    /// 网站标识码.
    pub site_id: Option<String>,
    /// Address and telephone for the footer.
    pub contact: Option<String>,
    pub status: TenantStatus,
    pub parent_id: Option<TenantId>,
    /// `#rrggbb` for the site's header band, if set.
    pub theme_color: Option<String>,
    /// The logo's path or URL, if set.
    pub logo: Option<String>,
    /// Editors may publish without review (a site setting; off by default).
    pub editors_publish_directly: bool,
    /// The unit's short name for tags on aggregated lists (e.g. 发展和改革委员会 for
    /// 海川市发展和改革委员会); the name when not set.
    pub short_name: Option<String>,
    /// ICP 备案号, 公安机关备案号, 党政机关网站标识 and (on the portal) the superior portal.
    pub records: zq_domain::records::SiteRecords,
    /// Host names, the first being the canonical one.
    pub hosts: Vec<Host>,
    /// Plain HTTP is redirected to HTTPS and HTTPS answers carry HSTS (the office's switch,
    /// effective where a TLS listener is configured).
    pub https_only: bool,
    /// Bumped by every change to the tenant's public pages; part of every cache key.
    pub generation: u64,
}

/// What a new tenant needs.
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub code: TenantCode,
    pub kind: TenantKind,
    pub name: String,
    pub sponsor: String,
    pub site_id: Option<String>,
    pub contact: Option<String>,
    /// The parent's code; required for all but the portal.
    pub parent: Option<TenantCode>,
    pub hosts: Vec<Host>,
    /// See [`Tenant::short_name`].
    pub short_name: Option<String>,
    /// Start in 筹建 (not public) instead of online.
    pub preparing: bool,
}

/// A column (栏目) of a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub id: ColumnId,
    pub tenant_id: TenantId,
    pub parent_id: Option<ColumnId>,
    pub slug: ColumnSlug,
    pub name: String,
    pub kind: ColumnKind,
    pub external_url: Option<String>,
    pub update_requirement: UpdateRequirement,
    pub responsible_unit: Option<String>,
    pub sort_order: i32,
    /// The tenant's main news column, aggregated on the portal's home page.
    pub is_news: bool,
    /// The kind of unit whose news columns this column gathers on the home page (the
    /// portal's 部门动态 gathers departments'), if any.
    pub aggregates: Option<TenantKind>,
    pub created_at: DateTime<Utc>,
}

/// What a new column needs.
#[derive(Debug, Clone)]
pub struct NewColumn {
    pub parent_id: Option<ColumnId>,
    pub slug: ColumnSlug,
    pub name: String,
    pub kind: ColumnKind,
    pub external_url: Option<String>,
    pub update_requirement: UpdateRequirement,
    pub responsible_unit: Option<String>,
    pub sort_order: i32,
    pub is_news: bool,
    pub aggregates: Option<TenantKind>,
}

/// An article in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: ArticleId,
    pub tenant_id: TenantId,
    pub column_id: ColumnId,
    pub title: String,
    pub subtitle: Option<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub summary: Option<String>,
    /// Sanitized HTML.
    pub body: String,
    /// 文号.
    pub doc_number: Option<String>,
    /// 索引号.
    pub index_number: Option<String>,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// An article as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleSummary {
    pub id: ArticleId,
    pub tenant_id: TenantId,
    pub column_id: ColumnId,
    pub title: String,
    pub summary: Option<String>,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a committed write changed for the page cache: part of every event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeEvent {
    /// Tenants whose public pages changed, with their new generations.
    pub generations: Vec<(zq_domain::TenantId, u64)>,
    /// Tenants, hosts or columns changed: the site registry must be re-read.
    pub sites_changed: bool,
}
