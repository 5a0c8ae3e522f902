//! What the search index reads (issue 17): a tenant's published articles with their text, in
//! pages by id, so a full build streams every site without holding all of it. Only the
//! published state is read; whether the tenant is open is the caller's check (it has the
//! tenant).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use zq_domain::{ArticleStatus, TenantId};

use crate::articles::to_article;
use crate::entity::article;
use crate::{Article, Store, StoreError};

impl Store {
    /// Up to `limit` published articles of `tenant` with ids above `after`, by id.
    pub async fn published_page(
        &self,
        tenant: TenantId,
        after: i64,
        limit: u64,
    ) -> Result<Vec<Article>, StoreError> {
        article::Entity::find()
            .filter(article::Column::TenantId.eq(tenant.0))
            .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
            .filter(article::Column::Id.gt(after))
            .order_by_asc(article::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_article)
            .collect()
    }
}
