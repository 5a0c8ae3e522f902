//! The editorial side of articles: drafts, the review workflow, versions and scheduled
//! publishing. Every write runs in one transaction with its audit row (who, tenant, object,
//! action, client, hashes of the content before and after) and, when public content changed,
//! the tenant's generation bump; the state rules come from `zq_domain::workflow`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use zq_domain::article::{ArticleText, FieldError, check_fields, column_takes_articles};
use zq_domain::event::EventKind;
use zq_domain::workflow::{Event, WorkflowError, WorkflowState, transition};
use zq_domain::{ArticleId, ColumnId, ColumnKind, TenantId, UserId};

use crate::articles::bump_if_public;
use crate::audit::{audit_in, content_hash};
use crate::entity::{article, article_version, site_column};
use crate::error::parse_stored;
use crate::events::record_in;
use crate::{ChangeEvent, Store, StoreError, Who, sanitize_html};

/// The text trimmed and its body sanitized: what is stored.
pub(crate) fn clean_text(text: ArticleText) -> ArticleText {
    let mut t = text.trimmed();
    t.body = sanitize_html(&t.body);
    t
}

fn text_of_row(r: &article::Model) -> ArticleText {
    ArticleText {
        column_id: ColumnId(r.column_id),
        title: r.title.clone(),
        subtitle: r.subtitle.clone(),
        source: r.source.clone(),
        author: r.author.clone(),
        summary: r.summary.clone(),
        body: r.body.clone(),
        doc_number: r.doc_number.clone(),
        index_number: r.index_number.clone(),
    }
}

pub(crate) fn text_of_version(r: &article_version::Model) -> ArticleText {
    ArticleText {
        column_id: ColumnId(r.column_id),
        title: r.title.clone(),
        subtitle: r.subtitle.clone(),
        source: r.source.clone(),
        author: r.author.clone(),
        summary: r.summary.clone(),
        body: r.body.clone(),
        doc_number: r.doc_number.clone(),
        index_number: r.index_number.clone(),
    }
}

/// An article as the console and the API see it, in any state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorialArticle {
    pub id: ArticleId,
    pub tenant_id: TenantId,
    pub text: ArticleText,
    pub state: WorkflowState,
    /// When it is (or was asked to be) published; scheduled articles wait for it.
    pub publish_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    /// The reviewer's comment when it was returned.
    pub review_comment: Option<String>,
    /// Number of the latest saved version.
    pub version: i32,
    pub created_by: Option<UserId>,
    pub updated_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A line of the console's article lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleListItem {
    pub id: ArticleId,
    pub column_id: ColumnId,
    pub title: String,
    pub state: WorkflowState,
    pub version: i32,
    pub publish_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// What the console's article list asks for (every part optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleQuery {
    pub state: Option<WorkflowState>,
    pub column: Option<ColumnId>,
    /// Who created it.
    pub author: Option<UserId>,
    /// Words in the title or the text.
    pub text: Option<String>,
    /// Last changed in `[from, to)`.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// One saved version of an article's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleVersion {
    pub version: i32,
    pub text: ArticleText,
    /// The article's state when this version was saved.
    pub state: WorkflowState,
    pub saved_by: Option<UserId>,
    pub saved_at: DateTime<Utc>,
    /// Written over the published text by an approved correction (修订).
    pub corrected: bool,
    /// The writer called the correction minor (a typo, a figure's format).
    pub minor: bool,
}

/// Why an editorial write was refused (besides storage faults).
#[derive(Debug, thiserror::Error)]
pub enum EditorialError {
    /// Fields the form must point at.
    #[error("invalid fields: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Fields(Vec<FieldError>),
    /// The workflow does not allow this event now.
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    /// Somebody saved the article since the editor opened it.
    #[error("the article was changed by someone else (now version {current}); reload it")]
    Stale { current: i32 },
    /// The correction rules do not allow this step now.
    #[error(transparent)]
    Revision(#[from] zq_domain::revision::RevisionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for EditorialError {
    fn from(e: sea_orm::DbErr) -> Self {
        EditorialError::Store(e.into())
    }
}

pub(crate) fn to_editorial(r: article::Model) -> Result<EditorialArticle, StoreError> {
    Ok(EditorialArticle {
        id: ArticleId(r.id),
        tenant_id: TenantId(r.tenant_id),
        text: text_of_row(&r),
        state: parse_stored(&r.status)?,
        publish_at: r.publish_at,
        published_at: r.published_at,
        review_comment: r.review_comment,
        version: r.version,
        created_by: r.created_by.map(UserId),
        updated_by: r.updated_by.map(UserId),
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

/// The fingerprint of an article's content and state for the audit log.
pub(crate) fn fingerprint(a: &EditorialArticle) -> String {
    let canonical = serde_json::json!({
        "text": a.text,
        "state": a.state,
        "publish_at": a.publish_at,
        "version": a.version,
    });
    content_hash(canonical.to_string().as_bytes())
}

/// Inserts a checked, cleaned article of the tenant in `state` (draft, or published for
/// adoptions that need no further review) with its first version and audit row, inside `txn`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_article(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    text: ArticleText,
    state: WorkflowState,
    publish_at: Option<DateTime<Utc>>,
    who: &Who,
    action: &str,
    now: DateTime<Utc>,
) -> Result<EditorialArticle, EditorialError> {
    check_column(txn, tenant, text.column_id).await?;
    let mut active = article::ActiveModel {
        tenant_id: Set(tenant.0),
        status: Set(state.as_str().to_owned()),
        published_at: Set(state.is_public().then_some(now)),
        publish_at: Set(publish_at),
        review_comment: Set(None),
        created_by: Set(who.user_row_id()),
        updated_by: Set(who.user_row_id()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    set_text(&mut active, text);
    let row = active.insert(txn).await?;
    insert_version(txn, &row, who.user_row_id()).await?;
    let after = to_editorial(row)?;
    audit_article(txn, who, action, None, &after, now).await?;
    Ok(after)
}

/// Writes the audit row of a change to an article, inside its transaction.
pub(crate) async fn audit_article(
    txn: &DatabaseTransaction,
    who: &Who,
    action: &str,
    before: Option<&EditorialArticle>,
    after: &EditorialArticle,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut entry = who.entry(
        Some(after.tenant_id),
        format!("article:{}", after.id),
        action,
    );
    entry.before_hash = before.map(fingerprint);
    entry.after_hash = Some(fingerprint(after));
    audit_in(txn, entry, now).await?;
    Ok(())
}

/// Records the event of a change to an article inside its transaction.
pub(crate) async fn article_written(
    txn: &DatabaseTransaction,
    now: DateTime<Utc>,
    kind: EventKind,
    after: &EditorialArticle,
    generations: Vec<(TenantId, u64)>,
) -> Result<crate::Event, StoreError> {
    let change = ChangeEvent {
        generations,
        sites_changed: false,
    };
    let object = format!("article:{}", after.id);
    record_in(txn, now, kind, Some(after.tenant_id), object, change).await
}

/// Checks the column belongs to the tenant and takes articles; returns whether it is the
/// tenant's news column.
pub(crate) async fn check_column(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    column: ColumnId,
) -> Result<bool, EditorialError> {
    let col = site_column::Entity::find_by_id(column.0)
        .filter(site_column::Column::TenantId.eq(tenant.0))
        .one(txn)
        .await?
        .ok_or_else(|| EditorialError::Fields(vec![FieldError::new("column_id", "栏目不存在")]))?;
    let kind: ColumnKind = parse_stored(&col.kind)?;
    if !column_takes_articles(kind) {
        return Err(EditorialError::Fields(vec![FieldError::new(
            "column_id",
            "外部链接栏目不能发布文章",
        )]));
    }
    Ok(col.is_news)
}

pub(crate) async fn is_news_column(
    txn: &DatabaseTransaction,
    column: i64,
) -> Result<bool, StoreError> {
    Ok(site_column::Entity::find_by_id(column)
        .one(txn)
        .await?
        .is_some_and(|c| c.is_news))
}

pub(crate) async fn load_for_update(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    id: ArticleId,
) -> Result<article::Model, StoreError> {
    article::Entity::find_by_id(id.0)
        .filter(article::Column::TenantId.eq(tenant.0))
        .one(txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("article {id}")))
}

pub(crate) async fn insert_version(
    txn: &DatabaseTransaction,
    row: &article::Model,
    saved_by: Option<i64>,
) -> Result<(), StoreError> {
    version_of(row, saved_by).insert(txn).await?;
    Ok(())
}

/// The version row recording an article's current text.
pub(crate) fn version_of(
    row: &article::Model,
    saved_by: Option<i64>,
) -> article_version::ActiveModel {
    article_version::ActiveModel {
        article_id: Set(row.id),
        tenant_id: Set(row.tenant_id),
        version: Set(row.version),
        column_id: Set(row.column_id),
        title: Set(row.title.clone()),
        subtitle: Set(row.subtitle.clone()),
        source: Set(row.source.clone()),
        author: Set(row.author.clone()),
        summary: Set(row.summary.clone()),
        body: Set(row.body.clone()),
        doc_number: Set(row.doc_number.clone()),
        index_number: Set(row.index_number.clone()),
        state: Set(row.status.clone()),
        saved_by: Set(saved_by),
        saved_at: Set(row.updated_at),
        ..Default::default()
    }
}

pub(crate) fn set_text(active: &mut article::ActiveModel, text: ArticleText) {
    active.column_id = Set(text.column_id.0);
    active.title = Set(text.title);
    active.subtitle = Set(text.subtitle);
    active.source = Set(text.source);
    active.author = Set(text.author);
    active.summary = Set(text.summary);
    active.body = Set(text.body);
    active.doc_number = Set(text.doc_number);
    active.index_number = Set(text.index_number);
}

impl Store {
    /// Saves a new draft in a column of the tenant (version 1).
    pub async fn create_draft(
        &self,
        tenant: TenantId,
        text: ArticleText,
        publish_at: Option<DateTime<Utc>>,
        who: &Who,
    ) -> Result<EditorialArticle, EditorialError> {
        let errors = check_fields(&text.fields());
        if !errors.is_empty() {
            return Err(EditorialError::Fields(errors));
        }
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let after = insert_article(
            &txn,
            tenant,
            clean_text(text),
            WorkflowState::Draft,
            publish_at,
            who,
            "article.create",
            now,
        )
        .await?;
        let event =
            article_written(&txn, now, EventKind::ArticleCreated, &after, Vec::new()).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(after)
    }

    /// Saves a new version of an editable article (draft, returned or withdrawn).
    /// `expected_version`, when given, must be the current one: a stale form is refused
    /// instead of silently overwriting someone else's edit.
    pub async fn update_draft(
        &self,
        tenant: TenantId,
        id: ArticleId,
        text: ArticleText,
        publish_at: Option<DateTime<Utc>>,
        expected_version: Option<i32>,
        who: &Who,
    ) -> Result<EditorialArticle, EditorialError> {
        let errors = check_fields(&text.fields());
        if !errors.is_empty() {
            return Err(EditorialError::Fields(errors));
        }
        self.write_text(
            tenant,
            id,
            clean_text(text),
            publish_at,
            expected_version,
            who,
            "article.edit",
        )
        .await
    }

    /// Saves the text of an old version as a new version.
    pub async fn restore_version(
        &self,
        tenant: TenantId,
        id: ArticleId,
        version: i32,
        who: &Who,
    ) -> Result<EditorialArticle, EditorialError> {
        let old = self.article_version(tenant, id, version).await?;
        let current = self.editorial_article(tenant, id).await?;
        self.write_text(
            tenant,
            id,
            old.text,
            current.publish_at,
            None,
            who,
            "article.restore",
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn write_text(
        &self,
        tenant: TenantId,
        id: ArticleId,
        text: ArticleText,
        publish_at: Option<DateTime<Utc>>,
        expected_version: Option<i32>,
        who: &Who,
        action: &str,
    ) -> Result<EditorialArticle, EditorialError> {
        let (_guard, txn) = self.begin_audited().await?;
        let row = load_for_update(&txn, tenant, id).await?;
        if let Some(v) = expected_version
            && v != row.version
        {
            return Err(EditorialError::Stale {
                current: row.version,
            });
        }
        let before = to_editorial(row.clone())?;
        transition(before.state, &Event::Edit)?;
        check_column(&txn, tenant, text.column_id).await?;
        let mut active: article::ActiveModel = row.clone().into();
        set_text(&mut active, text);
        active.publish_at = Set(publish_at);
        active.version = Set(row.version + 1);
        active.updated_by = Set(who.user_row_id());
        let now = self.now();
        active.updated_at = Set(now);
        let row = active.update(&txn).await?;
        insert_version(&txn, &row, who.user_row_id()).await?;
        let after = to_editorial(row)?;
        audit_article(&txn, who, action, Some(&before), &after, now).await?;
        let event =
            article_written(&txn, now, EventKind::ArticleUpdated, &after, Vec::new()).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(after)
    }

    /// Applies a workflow event (submit, recall, approve, return, publish directly, withdraw,
    /// due) to an article of the tenant. Permission is the caller's business (see
    /// `Event::required_action`); the state rules are checked here, in the same transaction.
    pub async fn article_event(
        &self,
        tenant: TenantId,
        id: ArticleId,
        event: &Event,
        who: &Who,
    ) -> Result<EditorialArticle, EditorialError> {
        let (_guard, txn) = self.begin_audited().await?;
        let row = load_for_update(&txn, tenant, id).await?;
        let before = to_editorial(row.clone())?;
        let next = transition(before.state, event)?;
        let now = self.now();
        let mut active: article::ActiveModel = row.clone().into();
        active.status = Set(next.as_str().to_owned());
        match event {
            Event::Approve { publish_at, .. } | Event::PublishDirectly { publish_at, .. } => {
                let at = publish_at.and_then(|s| DateTime::from_timestamp(s, 0));
                active.publish_at = Set(at);
                if next == WorkflowState::Published {
                    active.published_at = Set(Some(now));
                }
                active.review_comment = Set(None);
            }
            Event::Due { .. } => {
                active.published_at = Set(Some(row.publish_at.unwrap_or(now)));
            }
            Event::Return { comment } => {
                active.review_comment = Set(Some(comment.trim().to_owned()));
            }
            Event::Submit => active.review_comment = Set(None),
            Event::Edit | Event::Recall | Event::Withdraw => {}
        }
        if !matches!(event, Event::Due { .. }) {
            active.updated_by = Set(who.user_row_id());
        }
        // Published without a 索引号: the tenant's next one.
        if next == WorkflowState::Published
            && row
                .index_number
                .as_deref()
                .is_none_or(|n| n.trim().is_empty())
        {
            let number = crate::index_numbers::next_index_number(&txn, tenant, now).await?;
            active.index_number = Set(Some(number));
        }
        active.updated_at = Set(now);
        // A withdrawn article is edited in place: an open correction becomes its text (a
        // new version) rather than being lost or left unreachable.
        let open = match event {
            Event::Withdraw => crate::revisions::open_revision(&txn, tenant, id).await?,
            _ => None,
        };
        let row = match open {
            Some(rev) => {
                let entry = who.entry(
                    Some(tenant),
                    format!("article:{id}"),
                    "article.revision_fold",
                );
                audit_in(&txn, entry, now).await?;
                crate::revisions::fold_into(&txn, active, row.version, rev, false).await?
            }
            None => active.update(&txn).await?,
        };
        let public_change = before.state.is_public() || next.is_public();
        let news = is_news_column(&txn, row.column_id).await?;
        let generations = bump_if_public(&txn, tenant, public_change, news).await?;
        let after = to_editorial(row)?;
        let action = format!("article.{}", event.name());
        audit_article(&txn, who, &action, Some(&before), &after, now).await?;
        let kind = match (before.state.is_public(), after.state.is_public()) {
            (false, true) => EventKind::ArticlePublished,
            (_, false) if matches!(event, Event::Withdraw) => EventKind::ArticleWithdrawn,
            _ => EventKind::ArticleUpdated,
        };
        let recorded = article_written(&txn, now, kind, &after, generations).await?;
        txn.commit().await?;
        self.committed(vec![recorded]).await;
        Ok(after)
    }

    /// Publishes every scheduled article whose time has come (the scheduler's tick); returns
    /// how many. Each is its own transaction with its own audit row, so one failure does not
    /// hold back the others.
    pub async fn publish_due(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let due: Vec<(i64, i64, Option<DateTime<Utc>>)> = article::Entity::find()
            .select_only()
            .column(article::Column::Id)
            .column(article::Column::TenantId)
            .column(article::Column::PublishAt)
            .filter(article::Column::Status.eq(WorkflowState::Scheduled.as_str()))
            .filter(article::Column::PublishAt.lte(now))
            .order_by_asc(article::Column::PublishAt)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut published = 0;
        for (id, tenant, at) in due {
            let event = Event::Due {
                now: now.timestamp(),
                publish_at: at.map_or(now.timestamp(), |t| t.timestamp()),
            };
            match self
                .article_event(TenantId(tenant), ArticleId(id), &event, &Who::system())
                .await
            {
                Ok(_) => published += 1,
                Err(EditorialError::Store(e)) if e.is_unavailable() => return Err(e),
                Err(e) => tracing::warn!(article = id, error = %e, "scheduled publish failed"),
            }
        }
        Ok(published)
    }

    /// An article of the tenant in any state.
    pub async fn editorial_article(
        &self,
        tenant: TenantId,
        id: ArticleId,
    ) -> Result<EditorialArticle, StoreError> {
        let row = article::Entity::find_by_id(id.0)
            .filter(article::Column::TenantId.eq(tenant.0))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("article {id}")))?;
        to_editorial(row)
    }

    /// The tenant's articles, newest change first, optionally of one state; with the total.
    pub async fn editorial_list(
        &self,
        tenant: TenantId,
        state: Option<WorkflowState>,
        limit: u64,
        offset: u64,
    ) -> Result<(Vec<ArticleListItem>, u64), StoreError> {
        let q = ArticleQuery {
            state,
            ..ArticleQuery::default()
        };
        self.editorial_search(tenant, &q, limit, offset).await
    }

    /// The tenant's articles matching `q`, newest change first; with the total.
    pub async fn editorial_search(
        &self,
        tenant: TenantId,
        q: &ArticleQuery,
        limit: u64,
        offset: u64,
    ) -> Result<(Vec<ArticleListItem>, u64), StoreError> {
        use article::Column as A;
        use sea_orm::Condition;
        let mut query = article::Entity::find().filter(A::TenantId.eq(tenant.0));
        if let Some(s) = q.state {
            query = query.filter(A::Status.eq(s.as_str()));
        }
        if let Some(c) = q.column {
            query = query.filter(A::ColumnId.eq(c.0));
        }
        if let Some(u) = q.author {
            query = query.filter(A::CreatedBy.eq(u.0));
        }
        if let Some(from) = q.from {
            query = query.filter(A::UpdatedAt.gte(from));
        }
        if let Some(to) = q.to {
            query = query.filter(A::UpdatedAt.lt(to));
        }
        if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            query = query.filter(
                Condition::any()
                    .add(A::Title.contains(text))
                    .add(A::Body.contains(text)),
            );
        }
        let total = query.clone().count(&self.db).await?;
        type Row = (
            i64,
            i64,
            String,
            String,
            i32,
            Option<DateTime<Utc>>,
            Option<DateTime<Utc>>,
            DateTime<Utc>,
        );
        let rows: Vec<Row> = query
            .select_only()
            .columns([
                A::Id,
                A::ColumnId,
                A::Title,
                A::Status,
                A::Version,
                A::PublishAt,
                A::PublishedAt,
                A::UpdatedAt,
            ])
            .order_by_desc(A::UpdatedAt)
            .order_by_desc(A::Id)
            .limit(limit)
            .offset(offset)
            .into_tuple()
            .all(&self.db)
            .await?;
        let items = rows
            .into_iter()
            .map(
                |(id, column, title, status, version, publish_at, published_at, updated_at)| {
                    Ok(ArticleListItem {
                        id: ArticleId(id),
                        column_id: ColumnId(column),
                        title,
                        state: parse_stored(&status)?,
                        version,
                        publish_at,
                        published_at,
                        updated_at,
                    })
                },
            )
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((items, total))
    }

    /// Every saved version of an article of the tenant, newest first.
    pub async fn article_versions(
        &self,
        tenant: TenantId,
        id: ArticleId,
    ) -> Result<Vec<ArticleVersion>, StoreError> {
        let rows = article_version::Entity::find()
            .filter(article_version::Column::TenantId.eq(tenant.0))
            .filter(article_version::Column::ArticleId.eq(id.0))
            .order_by_desc(article_version::Column::Version)
            .all(&self.db)
            .await?;
        if rows.is_empty() {
            // Distinguish "no such article here" from an article saved before versions existed.
            self.editorial_article(tenant, id).await?;
        }
        rows.iter().map(to_version).collect()
    }

    /// One saved version of an article of the tenant.
    pub async fn article_version(
        &self,
        tenant: TenantId,
        id: ArticleId,
        version: i32,
    ) -> Result<ArticleVersion, StoreError> {
        let row = article_version::Entity::find()
            .filter(article_version::Column::TenantId.eq(tenant.0))
            .filter(article_version::Column::ArticleId.eq(id.0))
            .filter(article_version::Column::Version.eq(version))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("version {version} of article {id}")))?;
        to_version(&row)
    }
}

fn to_version(r: &article_version::Model) -> Result<ArticleVersion, StoreError> {
    Ok(ArticleVersion {
        version: r.version,
        text: text_of_version(r),
        state: parse_stored(&r.state)?,
        saved_by: r.saved_by.map(UserId),
        saved_at: r.saved_at,
        corrected: r.corrected,
        minor: r.minor,
    })
}

/// An article brought in whole from elsewhere (a legacy site moving onto the platform, the
/// demo cluster): its text and, when it is already public there, when it was published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedArticle {
    pub text: ArticleText,
    /// `Some`: published at that time; `None`: a draft.
    pub published_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Imports articles of one tenant in one transaction, all or nothing: each is checked like
    /// an editor's text (fields, a column of the tenant that takes articles), stored with its
    /// first version, its audit row (`article.import`, with the content fingerprint) and its
    /// event; the tenant's generation (and the portal's, for news) is bumped once.
    pub async fn import_articles(
        &self,
        tenant: TenantId,
        items: Vec<ImportedArticle>,
        who: &Who,
    ) -> Result<Vec<ArticleId>, EditorialError> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let columns = site_column::Entity::find()
            .filter(site_column::Column::TenantId.eq(tenant.0))
            .all(&self.db)
            .await?;
        let mut errors = Vec::new();
        for item in &items {
            errors.extend(check_fields(&item.text.fields()));
            match columns.iter().find(|c| c.id == item.text.column_id.0) {
                None => errors.push(FieldError::new("column_id", "栏目不存在")),
                Some(c) if !column_takes_articles(parse_stored(&c.kind)?) => {
                    errors.push(FieldError::new("column_id", "外部链接栏目不能发布文章"))
                }
                Some(_) => {}
            }
            if !errors.is_empty() {
                return Err(EditorialError::Fields(errors));
            }
        }
        let public = items.iter().any(|i| i.published_at.is_some());
        let news = items.iter().any(|i| {
            i.published_at.is_some()
                && columns
                    .iter()
                    .any(|c| c.id == i.text.column_id.0 && c.is_news)
        });
        let now = self.now();
        let (_guard, txn) = self.begin_audited().await?;
        let mut generations = bump_if_public(&txn, tenant, public, news).await?;
        // One insert per article (its id names everything else), then versions, audit rows
        // and events in batches: a demo cluster's thousands of articles seed in seconds.
        let mut rows = Vec::with_capacity(items.len());
        for item in items {
            let state = if item.published_at.is_some() {
                WorkflowState::Published
            } else {
                WorkflowState::Draft
            };
            let mut active = article::ActiveModel {
                tenant_id: Set(tenant.0),
                status: Set(state.as_str().to_owned()),
                published_at: Set(item.published_at),
                publish_at: Set(None),
                review_comment: Set(None),
                created_by: Set(who.user_row_id()),
                updated_by: Set(who.user_row_id()),
                version: Set(1),
                created_at: Set(item.published_at.unwrap_or(now)),
                updated_at: Set(item.published_at.unwrap_or(now)),
                ..Default::default()
            };
            set_text(&mut active, clean_text(item.text));
            rows.push(active.insert(&txn).await?);
        }
        let versions: Vec<article_version::ActiveModel> = rows
            .iter()
            .map(|r| version_of(r, who.user_row_id()))
            .collect();
        for chunk in crate::reporting_seed::chunks(versions) {
            article_version::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        let mut entries = Vec::with_capacity(rows.len());
        let mut specs = Vec::with_capacity(rows.len());
        let mut ids = Vec::with_capacity(rows.len());
        for row in rows {
            let after = to_editorial(row)?;
            let object = format!("article:{}", after.id);
            let mut entry = who.entry(Some(tenant), object.clone(), "article.import");
            entry.after_hash = Some(fingerprint(&after));
            entries.push(entry);
            let kind = if after.state.is_public() {
                EventKind::ArticlePublished
            } else {
                EventKind::ArticleCreated
            };
            let change = ChangeEvent {
                generations: std::mem::take(&mut generations),
                sites_changed: false,
            };
            specs.push((kind, Some(tenant), object, change));
            ids.push(after.id);
        }
        crate::audit::audit_many_in(&txn, entries, now).await?;
        let events = crate::events::record_many_in(&txn, now, specs).await?;
        txn.commit().await?;
        self.committed(events).await;
        Ok(ids)
    }
}
