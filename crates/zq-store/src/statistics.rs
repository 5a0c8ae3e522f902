//! The rows the statistics pages count (发稿统计): every article of one tenant, or of all,
//! first published in a period, with its column and the account that wrote it. Counting is
//! `zq_domain::statistics`' business; this only reads, scoped by tenant when one is given.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use zq_domain::{ColumnId, TenantId, UserId};

use crate::entity::article;
use crate::{Store, StoreError};

/// Tenant, column, creator, publication time.
type Row = (i64, i64, Option<i64>, Option<DateTime<Utc>>);

/// An article first published in the period asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishedRow {
    pub tenant: TenantId,
    pub column: ColumnId,
    /// The account that created it (`None`: imported or made by the system).
    pub author: Option<UserId>,
    pub published_at: DateTime<Utc>,
}

impl Store {
    /// Articles of `tenant` (or of every tenant) published in `[from, to)`, whatever they
    /// are now (a withdrawn one was still put out); deleted ones are gone.
    pub async fn published_rows(
        &self,
        tenant: Option<TenantId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<PublishedRow>, StoreError> {
        use article::Column as A;
        let mut q = article::Entity::find()
            .select_only()
            .columns([A::TenantId, A::ColumnId, A::CreatedBy, A::PublishedAt])
            .filter(A::PublishedAt.gte(from))
            .filter(A::PublishedAt.lt(to));
        if let Some(t) = tenant {
            q = q.filter(A::TenantId.eq(t.0));
        }
        let rows: Vec<Row> = q.into_tuple().all(&self.db).await?;
        Ok(rows
            .into_iter()
            .filter_map(|(t, c, by, at)| {
                Some(PublishedRow {
                    tenant: TenantId(t),
                    column: ColumnId(c),
                    author: by.map(UserId),
                    published_at: at?,
                })
            })
            .collect())
    }
}
