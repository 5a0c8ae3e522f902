//! The public read queries of articles (published content only, always scoped by tenant).
//! Every write goes through the audited editorial path (`crate::editorial`).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use zq_domain::{ArticleId, ArticleStatus, ColumnId, Page, TenantId, TenantKind, TenantStatus};

use crate::changes::bump;
use crate::entity::{article, site_column, tenant};
use crate::error::parse_stored;
use crate::{Article, ArticleSummary, Store, StoreError};
use zq_domain::tenant::feeds_portal;

impl Store {
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

    /// The published articles next to `a` in its column, in the order the column lists them
    /// (newest first): the newer one (上一篇) and the older one (下一篇).
    pub async fn neighbours(
        &self,
        a: &Article,
    ) -> Result<(Option<ArticleSummary>, Option<ArticleSummary>), StoreError> {
        let Some(at) = a.published_at else {
            return Ok((None, None));
        };
        use sea_orm::Condition;
        use sea_orm::sea_query::Order;
        // (published_at, id) after `a` (newer) or before it (older), the nearest first.
        let next = |newer: bool| {
            let (beyond, order) = if newer {
                (
                    Condition::any()
                        .add(article::Column::PublishedAt.gt(at))
                        .add(
                            Condition::all()
                                .add(article::Column::PublishedAt.eq(at))
                                .add(article::Column::Id.gt(a.id.0)),
                        ),
                    Order::Asc,
                )
            } else {
                (
                    Condition::any()
                        .add(article::Column::PublishedAt.lt(at))
                        .add(
                            Condition::all()
                                .add(article::Column::PublishedAt.eq(at))
                                .add(article::Column::Id.lt(a.id.0)),
                        ),
                    Order::Desc,
                )
            };
            article::Entity::find()
                .filter(article::Column::TenantId.eq(a.tenant_id.0))
                .filter(article::Column::ColumnId.eq(a.column_id.0))
                .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
                .filter(beyond)
                .order_by(article::Column::PublishedAt, order.clone())
                .order_by(article::Column::Id, order)
                .limit(1)
        };
        let newer = summaries(next(true), &self.db).await?.pop();
        let older = summaries(next(false), &self.db).await?.pop();
        Ok((newer, older))
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

pub(crate) fn to_article(row: article::Model) -> Result<Article, StoreError> {
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
