//! The JSON API's wire types: what a request body may hold and what an answer says, field by
//! field. Store records and service results carry no serde attributes; they are turned into
//! these (borrowing, so an answer copies nothing it does not need) at the edge, so a change of
//! a table's columns cannot change the API by accident, and the OpenAPI document
//! (`api::openapi`) describes exactly these structs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use zq_domain::article::ArticleText;
use zq_domain::reporting::SubmissionState;
use zq_domain::workflow::WorkflowState;
use zq_domain::{
    ArticleId, ColumnId, ColumnKind, TenantId, TenantKind, TenantStatus, UpdateRequirement, UserId,
};
use zq_store::{
    ApiToken, ArticleListItem, ArticleVersion, Attachment, AuditRecord, Channel, Column,
    ColumnChange, EditorialArticle, ImportReport, NewSubmission, SiteSettings, Submission, Tenant,
    User,
};

use crate::service::DiffLine;
use crate::service::reporting::feed::PullReport;

/// A site (tenant).
#[derive(Debug, Serialize)]
pub(crate) struct Site<'a> {
    code: &'a str,
    kind: TenantKind,
    name: &'a str,
    sponsor: &'a str,
    site_id: &'a Option<String>,
    contact: &'a Option<String>,
    status: TenantStatus,
    hosts: Vec<&'a str>,
    logo: &'a Option<String>,
    theme_color: &'a Option<String>,
    editors_publish_directly: bool,
    /// Plain HTTP is redirected to HTTPS, with HSTS (`PUT /api/v1/sites/{code}/https`).
    https_only: bool,
    records: &'a zq_domain::records::SiteRecords,
}

impl<'a> From<&'a Tenant> for Site<'a> {
    fn from(t: &'a Tenant) -> Self {
        Site {
            code: t.code.as_str(),
            kind: t.kind,
            name: &t.name,
            sponsor: &t.sponsor,
            site_id: &t.site_id,
            https_only: t.https_only,
            contact: &t.contact,
            status: t.status,
            hosts: t.hosts.iter().map(|h| h.as_str()).collect(),
            logo: &t.logo,
            theme_color: &t.theme_color,
            editors_publish_directly: t.editors_publish_directly,
            records: &t.records,
        }
    }
}

/// What a site admin may change of their site (`PUT …/settings`).
#[derive(Debug, Deserialize)]
pub(crate) struct SettingsInput {
    name: String,
    sponsor: String,
    #[serde(default)]
    site_id: Option<String>,
    #[serde(default)]
    contact: Option<String>,
    #[serde(default)]
    logo: Option<String>,
    #[serde(default)]
    theme_color: Option<String>,
    #[serde(default)]
    editors_publish_directly: bool,
    /// ICP 备案号, 公安机关备案号, 党政机关网站标识, superior portal (all optional).
    #[serde(default)]
    records: zq_domain::records::SiteRecords,
}

impl From<SettingsInput> for SiteSettings {
    fn from(i: SettingsInput) -> Self {
        SiteSettings {
            name: i.name,
            sponsor: i.sponsor,
            site_id: i.site_id,
            contact: i.contact,
            logo: i.logo,
            theme_color: i.theme_color,
            editors_publish_directly: i.editors_publish_directly,
            records: i.records,
        }
    }
}

/// An account, with its roles on one site when listed for that site.
#[derive(Debug, Serialize)]
pub(crate) struct Account<'a> {
    id: UserId,
    login: &'a str,
    display_name: &'a str,
    cluster_role: Option<zq_domain::access::ClusterRole>,
    disabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<&'a [zq_domain::access::TenantRole]>,
}

impl<'a> Account<'a> {
    pub(crate) fn with_roles(u: &'a User, roles: &'a [zq_domain::access::TenantRole]) -> Self {
        Account {
            roles: Some(roles),
            ..Account::from(u)
        }
    }
}

impl<'a> From<&'a User> for Account<'a> {
    fn from(u: &'a User) -> Self {
        Account {
            id: u.id,
            login: u.login.as_str(),
            display_name: &u.display_name,
            cluster_role: u.cluster_role,
            disabled: u.disabled,
            roles: None,
        }
    }
}

/// A column of a site.
#[derive(Debug, Serialize)]
pub(crate) struct ColumnDto<'a> {
    id: ColumnId,
    parent_id: Option<ColumnId>,
    slug: &'a str,
    name: &'a str,
    kind: ColumnKind,
    external_url: &'a Option<String>,
    update_requirement: UpdateRequirement,
    responsible_unit: &'a Option<String>,
    sort_order: i32,
    is_news: bool,
}

impl<'a> From<&'a Column> for ColumnDto<'a> {
    fn from(c: &'a Column) -> Self {
        ColumnDto {
            id: c.id,
            parent_id: c.parent_id,
            slug: c.slug.as_str(),
            name: &c.name,
            kind: c.kind,
            external_url: &c.external_url,
            update_requirement: c.update_requirement,
            responsible_unit: &c.responsible_unit,
            sort_order: c.sort_order,
            is_news: c.is_news,
        }
    }
}

/// What may change of a column (`PUT …/columns/{id}`).
#[derive(Debug, Deserialize)]
pub(crate) struct ColumnChangeInput {
    name: String,
    #[serde(default)]
    parent_id: Option<ColumnId>,
    update_requirement: UpdateRequirement,
    #[serde(default)]
    responsible_unit: Option<String>,
    #[serde(default)]
    sort_order: i32,
    #[serde(default)]
    is_news: bool,
    #[serde(default)]
    aggregates: Option<String>,
}

impl From<ColumnChangeInput> for ColumnChange {
    fn from(i: ColumnChangeInput) -> Self {
        ColumnChange {
            name: i.name,
            parent_id: i.parent_id,
            update_requirement: i.update_requirement,
            responsible_unit: i.responsible_unit,
            sort_order: i.sort_order,
            is_news: i.is_news,
            aggregates: i.aggregates,
        }
    }
}

/// An article in any state, with its text.
#[derive(Debug, Serialize)]
pub(crate) struct Article<'a> {
    id: ArticleId,
    tenant_id: TenantId,
    #[serde(flatten)]
    text: &'a ArticleText,
    state: WorkflowState,
    publish_at: Option<DateTime<Utc>>,
    published_at: Option<DateTime<Utc>>,
    review_comment: &'a Option<String>,
    version: i32,
    created_by: Option<UserId>,
    updated_by: Option<UserId>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl<'a> From<&'a EditorialArticle> for Article<'a> {
    fn from(a: &'a EditorialArticle) -> Self {
        Article {
            id: a.id,
            tenant_id: a.tenant_id,
            text: &a.text,
            state: a.state,
            publish_at: a.publish_at,
            published_at: a.published_at,
            review_comment: &a.review_comment,
            version: a.version,
            created_by: a.created_by,
            updated_by: a.updated_by,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// A line of an article list.
#[derive(Debug, Serialize)]
pub(crate) struct ArticleLine<'a> {
    id: ArticleId,
    column_id: ColumnId,
    title: &'a str,
    state: WorkflowState,
    version: i32,
    publish_at: Option<DateTime<Utc>>,
    published_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

impl<'a> From<&'a ArticleListItem> for ArticleLine<'a> {
    fn from(a: &'a ArticleListItem) -> Self {
        ArticleLine {
            id: a.id,
            column_id: a.column_id,
            title: &a.title,
            state: a.state,
            version: a.version,
            publish_at: a.publish_at,
            published_at: a.published_at,
            updated_at: a.updated_at,
        }
    }
}

/// One saved version of an article.
#[derive(Debug, Serialize)]
pub(crate) struct Version<'a> {
    version: i32,
    #[serde(flatten)]
    text: &'a ArticleText,
    state: WorkflowState,
    saved_by: Option<UserId>,
    saved_at: DateTime<Utc>,
}

impl<'a> From<&'a ArticleVersion> for Version<'a> {
    fn from(v: &'a ArticleVersion) -> Self {
        Version {
            version: v.version,
            text: &v.text,
            state: v.state,
            saved_by: v.saved_by,
            saved_at: v.saved_at,
        }
    }
}

/// An attachment and its address on the site.
#[derive(Debug, Serialize)]
pub(crate) struct AttachmentAt<'a> {
    attachment: AttachmentDto<'a>,
    url: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct AttachmentDto<'a> {
    id: i64,
    tenant_id: TenantId,
    sha256: &'a str,
    file_name: &'a str,
    content_type: &'a str,
    size: i64,
    is_image: bool,
    created_at: DateTime<Utc>,
}

impl<'a> From<&'a Attachment> for AttachmentAt<'a> {
    fn from(a: &'a Attachment) -> Self {
        AttachmentAt {
            attachment: AttachmentDto {
                id: a.id,
                tenant_id: a.tenant_id,
                sha256: &a.sha256,
                file_name: &a.file_name,
                content_type: &a.content_type,
                size: a.size,
                is_image: a.is_image,
                created_at: a.created_at,
            },
            url: a.public_path(),
        }
    }
}

/// A row of an audit log.
#[derive(Debug, Serialize)]
pub(crate) struct AuditRow<'a> {
    id: i64,
    at: DateTime<Utc>,
    actor: &'a str,
    tenant_id: Option<TenantId>,
    object: &'a str,
    action: &'a str,
    client: &'a Option<String>,
    before_hash: &'a Option<String>,
    after_hash: &'a Option<String>,
    hash: &'a str,
}

impl<'a> From<&'a AuditRecord> for AuditRow<'a> {
    fn from(r: &'a AuditRecord) -> Self {
        AuditRow {
            id: r.id,
            at: r.at,
            actor: r.entry.actor.as_ref().map_or("system", |(_, l)| l.as_str()),
            tenant_id: r.entry.tenant,
            object: &r.entry.object,
            action: &r.entry.action,
            client: &r.entry.client,
            before_hash: &r.entry.before_hash,
            after_hash: &r.entry.after_hash,
            hash: &r.hash,
        }
    }
}

/// An API token as its owner sees it (never the secret).
#[derive(Debug, Serialize)]
pub(crate) struct Token<'a> {
    id: i64,
    user_id: UserId,
    tenant_id: Option<TenantId>,
    role: &'a str,
    label: &'a str,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    revoked: bool,
}

impl<'a> From<&'a ApiToken> for Token<'a> {
    fn from(t: &'a ApiToken) -> Self {
        Token {
            id: t.id,
            user_id: t.user_id,
            tenant_id: t.tenant_id,
            role: &t.role,
            label: &t.label,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
            revoked: t.revoked,
        }
    }
}

/// A reporting channel.
#[derive(Debug, Serialize)]
pub(crate) struct ChannelDto<'a> {
    id: i64,
    name: &'a str,
    receiver: TenantId,
    sender_kind: TenantKind,
    sender_parent: Option<TenantId>,
    auto_adopt: bool,
    columns: &'a [ColumnId],
    feed_url: &'a Option<String>,
    feed_sender: Option<TenantId>,
    active: bool,
}

impl<'a> From<&'a Channel> for ChannelDto<'a> {
    fn from(c: &'a Channel) -> Self {
        ChannelDto {
            id: c.id,
            name: &c.name,
            receiver: c.receiver,
            sender_kind: c.sender_kind,
            sender_parent: c.sender_parent,
            auto_adopt: c.auto_adopt,
            columns: &c.columns,
            feed_url: &c.feed_url,
            feed_sender: c.feed_sender,
            active: c.active,
        }
    }
}

/// What one feed pull did.
#[derive(Debug, Serialize)]
pub(crate) struct Pull<'a> {
    channel_id: i64,
    url: &'a str,
    items: usize,
    new: usize,
    duplicates: usize,
    invalid: usize,
    adopted: usize,
    submissions: &'a [i64],
    problems: &'a [String],
}

impl<'a> From<&'a PullReport> for Pull<'a> {
    fn from(p: &'a PullReport) -> Self {
        let ImportReport {
            items,
            new,
            duplicates,
            invalid,
            adopted,
            submissions,
            problems,
        } = &p.import;
        Pull {
            channel_id: p.channel_id,
            url: &p.url,
            items: *items,
            new: *new,
            duplicates: *duplicates,
            invalid: *invalid,
            adopted: *adopted,
            submissions,
            problems,
        }
    }
}

/// A submission as both sides see it.
#[derive(Debug, Serialize)]
pub(crate) struct SubmissionDto<'a> {
    id: i64,
    channel_id: i64,
    sender: TenantId,
    receiver: TenantId,
    title: &'a str,
    source: &'a Option<String>,
    body: &'a str,
    original_article: Option<ArticleId>,
    suggested_column: Option<ColumnId>,
    note: &'a Option<String>,
    state: SubmissionState,
    decision_comment: &'a Option<String>,
    adopted_article: Option<ArticleId>,
    submitted_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
    external_id: &'a Option<String>,
    external_published_at: Option<DateTime<Utc>>,
}

impl<'a> From<&'a Submission> for SubmissionDto<'a> {
    fn from(s: &'a Submission) -> Self {
        SubmissionDto {
            id: s.id,
            channel_id: s.channel_id,
            sender: s.sender,
            receiver: s.receiver,
            title: &s.title,
            source: &s.source,
            body: &s.body,
            original_article: s.original_article,
            suggested_column: s.suggested_column,
            note: &s.note,
            state: s.state,
            decision_comment: &s.decision_comment,
            adopted_article: s.adopted_article,
            submitted_at: s.submitted_at,
            decided_at: s.decided_at,
            external_id: &s.external_id,
            external_published_at: s.external_published_at,
        }
    }
}

/// What a sender enters: a new text, or one of its own published articles.
#[derive(Debug, Deserialize)]
pub(crate) struct SubmissionInput {
    channel_id: i64,
    client_key: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    original_article: Option<ArticleId>,
    #[serde(default)]
    suggested_column: Option<ColumnId>,
    #[serde(default)]
    note: Option<String>,
}

impl From<SubmissionInput> for NewSubmission {
    fn from(i: SubmissionInput) -> Self {
        NewSubmission {
            channel_id: i.channel_id,
            client_key: i.client_key,
            title: i.title,
            body: i.body,
            source: i.source,
            original_article: i.original_article,
            suggested_column: i.suggested_column,
            note: i.note,
        }
    }
}

/// One line of a diff between two versions.
#[derive(Debug, Serialize)]
pub(crate) struct DiffLineDto<'a> {
    tag: &'a str,
    text: &'a str,
}

impl<'a> From<&'a DiffLine> for DiffLineDto<'a> {
    fn from(l: &'a DiffLine) -> Self {
        DiffLineDto {
            tag: l.tag,
            text: &l.text,
        }
    }
}

/// Maps each record of a list to its wire type.
pub(crate) fn all<'a, T: 'a, D: From<&'a T>>(items: &'a [T]) -> Vec<D> {
    items.iter().map(D::from).collect()
}
