//! Articles: writing (always sanitized), publishing, and the public read queries.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use zq_domain::{ArticleId, ArticleStatus, ColumnId, Page, TenantId, TenantKind, TenantStatus};

use crate::changes::bump;
use crate::entity::{article, site_column, tenant};
use crate::error::parse_stored;
use crate::{Article, ArticleSummary, NewArticle, Store, StoreError, sanitize_html};
use zq_domain::tenant::feeds_portal;

/// Longest accepted title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

impl Store {
    /// Stores one article in a column of the tenant.
    pub async fn create_article(
        &self,
        tenant: TenantId,
        new: NewArticle,
    ) -> Result<ArticleId, StoreError> {
        Ok(self.create_articles(tenant, vec![new]).await?[0])
    }

    /// Stores several articles of one tenant in one transaction (all or none).
    pub async fn create_articles(
        &self,
        tenant: TenantId,
        new: Vec<NewArticle>,
    ) -> Result<Vec<ArticleId>, StoreError> {
        let columns = site_column::Entity::find()
            .filter(site_column::Column::TenantId.eq(tenant.0))
            .all(&self.db)
            .await?;
        let column_ids: Vec<i64> = columns.iter().map(|c| c.id).collect();
        let now = Utc::now();
        let mut rows = Vec::with_capacity(new.len());
        for a in new {
            if !column_ids.contains(&a.column_id.0) {
                return Err(StoreError::NotFound(format!("column {}", a.column_id)));
            }
            let title = a.title.trim();
            if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
                return Err(StoreError::NotAllowed(format!(
                    "a title needs 1-{MAX_TITLE_CHARS} characters"
                )));
            }
            if a.status == ArticleStatus::Published && a.published_at.is_none() {
                return Err(StoreError::NotAllowed(
                    "a published article needs a publish time".into(),
                ));
            }
            rows.push(article::ActiveModel {
                tenant_id: Set(tenant.0),
                column_id: Set(a.column_id.0),
                title: Set(title.to_owned()),
                subtitle: Set(a.subtitle),
                source: Set(a.source),
                author: Set(a.author),
                summary: Set(a.summary),
                body: Set(sanitize_html(&a.body)),
                doc_number: Set(a.doc_number),
                index_number: Set(a.index_number),
                status: Set(a.status.as_str().to_owned()),
                published_at: Set(a.published_at),
                created_at: Set(now),
                updated_at: Set(a.published_at.unwrap_or(now)),
                ..Default::default()
            });
        }
        let public_news = rows.iter().any(|r| {
            matches!(&r.status, sea_orm::ActiveValue::Set(s) if s == ArticleStatus::Published.as_str())
                && matches!(&r.column_id, sea_orm::ActiveValue::Set(c) if columns.iter().any(|col| col.id == *c && col.is_news))
        });
        let any_public = rows
            .iter()
            .any(|r| matches!(&r.status, sea_orm::ActiveValue::Set(s) if s == ArticleStatus::Published.as_str()));
        let txn = self.begin_write().await?;
        let mut ids = Vec::with_capacity(rows.len());
        for row in rows {
            ids.push(ArticleId(row.insert(&txn).await?.id));
        }
        let generations = bump_if_public(&txn, tenant, any_public, public_news).await?;
        txn.commit().await?;
        self.notify_pages(generations).await;
        Ok(ids)
    }

    /// Publishes a draft or withdrawn article of the tenant at `at`.
    pub async fn publish_article(
        &self,
        tenant: TenantId,
        id: ArticleId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.set_article_status(tenant, id, ArticleStatus::Published, Some(at))
            .await
    }

    /// Withdraws a published article of the tenant from the public site.
    pub async fn withdraw_article(
        &self,
        tenant: TenantId,
        id: ArticleId,
    ) -> Result<(), StoreError> {
        self.set_article_status(tenant, id, ArticleStatus::Withdrawn, None)
            .await
    }

    async fn set_article_status(
        &self,
        tenant: TenantId,
        id: ArticleId,
        status: ArticleStatus,
        at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let txn = self.begin_write().await?;
        let row = article::Entity::find_by_id(id.0)
            .filter(article::Column::TenantId.eq(tenant.0))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("article {id}")))?;
        let was_public = parse_stored::<ArticleStatus>(&row.status)?.is_public();
        let column_is_news = site_column::Entity::find_by_id(row.column_id)
            .one(&txn)
            .await?
            .is_some_and(|c| c.is_news);
        let mut active: article::ActiveModel = row.into();
        active.status = Set(status.as_str().to_owned());
        if let Some(at) = at {
            active.published_at = Set(Some(at));
        }
        active.updated_at = Set(Utc::now());
        active.update(&txn).await?;
        let public_change = was_public || status.is_public();
        let generations = bump_if_public(&txn, tenant, public_change, column_is_news).await?;
        txn.commit().await?;
        self.notify_pages(generations).await;
        Ok(())
    }

    /// A published article of the tenant; drafts and withdrawn ones are `None`.
    pub async fn published_article(
        &self,
        tenant: TenantId,
        id: ArticleId,
    ) -> Result<Option<Article>, StoreError> {
        article::Entity::find_by_id(id.0)
            .filter(article::Column::TenantId.eq(tenant.0))
            .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
            .one(&self.db)
            .await?
            .map(to_article)
            .transpose()
    }

    /// One page of the published articles in the given columns of a tenant, newest first,
    /// and the total count.
    pub async fn list_published(
        &self,
        tenant: TenantId,
        columns: &[ColumnId],
        page: Page,
    ) -> Result<(Vec<ArticleSummary>, u64), StoreError> {
        let ids: Vec<i64> = columns.iter().map(|c| c.0).collect();
        let query = article::Entity::find()
            .filter(article::Column::TenantId.eq(tenant.0))
            .filter(article::Column::ColumnId.is_in(ids))
            .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()));
        let total = query.clone().count(&self.db).await?;
        let query = query
            .order_by_desc(article::Column::PublishedAt)
            .order_by_desc(article::Column::Id)
            .offset(page.offset())
            .limit(u64::from(page.size));
        Ok((summaries(query, &self.db).await?, total))
    }

    /// The newest published articles from the news columns of active tenants of one kind,
    /// with the tenant each came from: the portal's aggregation of department and district news.
    pub async fn latest_news_of_kind(
        &self,
        kind: TenantKind,
        limit: u64,
    ) -> Result<Vec<ArticleSummary>, StoreError> {
        let news_columns = Query::select()
            .column(site_column::Column::Id)
            .from(site_column::Entity)
            .and_where(site_column::Column::IsNews.eq(true))
            .to_owned();
        let tenants = Query::select()
            .column(tenant::Column::Id)
            .from(tenant::Entity)
            .and_where(tenant::Column::Kind.eq(kind.as_str()))
            .and_where(tenant::Column::Status.eq(TenantStatus::Active.as_str()))
            .to_owned();
        let query = article::Entity::find()
            .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
            .filter(article::Column::ColumnId.in_subquery(news_columns))
            .filter(article::Column::TenantId.in_subquery(tenants))
            .order_by_desc(article::Column::PublishedAt)
            .order_by_desc(article::Column::Id)
            .limit(limit);
        summaries(query, &self.db).await
    }

    /// Every published article of a tenant (newest first, at most `limit`): site maps and feeds.
    pub async fn all_published(
        &self,
        tenant: TenantId,
        limit: u64,
    ) -> Result<Vec<ArticleSummary>, StoreError> {
        let query = article::Entity::find()
            .filter(article::Column::TenantId.eq(tenant.0))
            .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
            .order_by_desc(article::Column::PublishedAt)
            .order_by_desc(article::Column::Id)
            .limit(limit);
        summaries(query, &self.db).await
    }

    /// When the tenant's public content last changed (its newest published article).
    pub async fn last_updated(
        &self,
        tenant: TenantId,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(article::Entity::find()
            .select_only()
            .column(article::Column::UpdatedAt)
            .filter(article::Column::TenantId.eq(tenant.0))
            .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
            .order_by_desc(article::Column::UpdatedAt)
            .into_tuple::<DateTime<Utc>>()
            .one(&self.db)
            .await?)
    }

    /// Number of articles of a tenant in any status (the demo seeder's check).
    pub async fn count_articles(&self, tenant: TenantId) -> Result<u64, StoreError> {
        Ok(article::Entity::find()
            .filter(article::Column::TenantId.eq(tenant.0))
            .count(&self.db)
            .await?)
    }
}

/// When a write touched public content, bumps the tenant (and the portal when the tenant's news
/// feeds it) inside the write's transaction.
pub(crate) async fn bump_if_public<C: sea_orm::ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    public: bool,
    news: bool,
) -> Result<Vec<(TenantId, u64)>, StoreError> {
    if !public {
        return Ok(Vec::new());
    }
    let kind = tenant_kind(conn, tenant).await?;
    bump(conn, &[tenant], feeds_portal(kind, news)).await
}

async fn tenant_kind<C: sea_orm::ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
) -> Result<TenantKind, StoreError> {
    let row = tenant::Entity::find_by_id(tenant.0)
        .one(conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("tenant {tenant}")))?;
    parse_stored(&row.kind)
}

fn to_article(row: article::Model) -> Result<Article, StoreError> {
    Ok(Article {
        id: ArticleId(row.id),
        tenant_id: TenantId(row.tenant_id),
        column_id: ColumnId(row.column_id),
        title: row.title,
        subtitle: row.subtitle,
        source: row.source,
        author: row.author,
        summary: row.summary,
        body: row.body,
        doc_number: row.doc_number,
        index_number: row.index_number,
        status: parse_stored(&row.status)?,
        published_at: row.published_at,
        updated_at: row.updated_at,
    })
}

/// The columns a list needs: never the body, so lists and sorts stay off the large rows.
type SummaryRow = (
    i64,
    i64,
    i64,
    String,
    Option<String>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

async fn summaries<C: sea_orm::ConnectionTrait>(
    query: sea_orm::Select<article::Entity>,
    conn: &C,
) -> Result<Vec<ArticleSummary>, StoreError> {
    use article::Column as A;
    query
        .select_only()
        .columns([
            A::Id,
            A::TenantId,
            A::ColumnId,
            A::Title,
            A::Summary,
            A::PublishedAt,
            A::UpdatedAt,
        ])
        .into_tuple::<SummaryRow>()
        .all(conn)
        .await?
        .into_iter()
        .map(
            |(id, tenant_id, column_id, title, summary, published_at, updated_at)| {
                let published_at = published_at.ok_or_else(|| {
                    StoreError::Corrupt(format!("published article {id} has no publish time"))
                })?;
                Ok(ArticleSummary {
                    id: ArticleId(id),
                    tenant_id: TenantId(tenant_id),
                    column_id: ColumnId(column_id),
                    title,
                    summary,
                    published_at,
                    updated_at,
                })
            },
        )
        .collect()
}
