//! Visit statistics in the database: each node's flush adds its counts to the hourly, per-page
//! and per-referrer rows (upserts that add, so nodes never overwrite each other) and replaces
//! its own sketch of each site's day, in one transaction; the readers sum the rows and hand
//! back the sketches for merging. Statistics, not a user's write: not audited.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use zq_domain::TenantId;

use crate::entity::{visit_hour, visit_page, visit_referrer, visit_sketch};
use crate::{Store, StoreError};

/// What one node counted since its last flush.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitBatch {
    /// (site, hour, views).
    pub hours: Vec<(TenantId, DateTime<Utc>, i64)>,
    /// (site, day, path, views).
    pub pages: Vec<(TenantId, NaiveDate, String, i64)>,
    /// (site, day, referring host, views).
    pub referrers: Vec<(TenantId, NaiveDate, String, i64)>,
    /// (site, day, the node's whole sketch of that day so far).
    pub sketches: Vec<(TenantId, NaiveDate, Vec<u8>)>,
    /// (site, hour, responses, of which server errors): every response, not only page views.
    pub served: Vec<(TenantId, DateTime<Utc>, i64, i64)>,
}

/// The responses a site served over a span and how many were server errors (5xx).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Served {
    pub responses: i64,
    pub server_errors: i64,
}

fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn hour_row(
    t: TenantId,
    hour: DateTime<Utc>,
    views: i64,
    responses: i64,
    server_errors: i64,
) -> visit_hour::ActiveModel {
    visit_hour::ActiveModel {
        tenant_id: Set(t.0),
        hour: Set(hour),
        views: Set(views),
        responses: Set(responses),
        server_errors: Set(server_errors),
    }
}

/// Adds `rows` to the hourly counts (an upsert that adds every count).
async fn add_hours(
    txn: &sea_orm::DatabaseTransaction,
    rows: impl IntoIterator<Item = visit_hour::ActiveModel>,
) -> Result<(), StoreError> {
    let mut conflict =
        OnConflict::columns([visit_hour::Column::TenantId, visit_hour::Column::Hour]);
    for (col, name) in [
        (visit_hour::Column::Views, "excluded.views"),
        (visit_hour::Column::Responses, "excluded.responses"),
        (visit_hour::Column::ServerErrors, "excluded.server_errors"),
    ] {
        conflict.value(
            col,
            Expr::col((visit_hour::Entity, col)).add(Expr::cust(name)),
        );
    }
    visit_hour::Entity::insert_many(rows)
        .on_conflict(conflict.to_owned())
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

impl Store {
    /// Adds a node's counts and replaces its sketches, in one transaction.
    pub async fn record_visits(&self, node: &str, batch: VisitBatch) -> Result<(), StoreError> {
        let txn = self.db.begin().await?;
        for chunk in batch.hours.chunks(300) {
            let rows = chunk
                .iter()
                .map(|(t, hour, views)| hour_row(*t, *hour, *views, 0, 0));
            add_hours(&txn, rows).await?;
        }
        for chunk in batch.served.chunks(300) {
            let rows = chunk
                .iter()
                .map(|(t, hour, n, errors)| hour_row(*t, *hour, 0, *n, *errors));
            add_hours(&txn, rows).await?;
        }
        for chunk in batch.pages.chunks(300) {
            let rows = chunk
                .iter()
                .map(|(t, day, path, views)| visit_page::ActiveModel {
                    tenant_id: Set(t.0),
                    day: Set(*day),
                    path: Set(clip(path, 300)),
                    views: Set(*views),
                });
            visit_page::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([
                        visit_page::Column::TenantId,
                        visit_page::Column::Day,
                        visit_page::Column::Path,
                    ])
                    .value(
                        visit_page::Column::Views,
                        Expr::col((visit_page::Entity, visit_page::Column::Views))
                            .add(Expr::cust("excluded.views")),
                    )
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        for chunk in batch.referrers.chunks(300) {
            let rows = chunk
                .iter()
                .map(|(t, day, host, views)| visit_referrer::ActiveModel {
                    tenant_id: Set(t.0),
                    day: Set(*day),
                    host: Set(clip(host, 200)),
                    views: Set(*views),
                });
            visit_referrer::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([
                        visit_referrer::Column::TenantId,
                        visit_referrer::Column::Day,
                        visit_referrer::Column::Host,
                    ])
                    .value(
                        visit_referrer::Column::Views,
                        Expr::col((visit_referrer::Entity, visit_referrer::Column::Views))
                            .add(Expr::cust("excluded.views")),
                    )
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        for chunk in batch.sketches.chunks(100) {
            let rows = chunk
                .iter()
                .map(|(t, day, registers)| visit_sketch::ActiveModel {
                    tenant_id: Set(t.0),
                    day: Set(*day),
                    node: Set(clip(node, 64)),
                    registers: Set(registers.clone()),
                });
            visit_sketch::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([
                        visit_sketch::Column::TenantId,
                        visit_sketch::Column::Day,
                        visit_sketch::Column::Node,
                    ])
                    .update_column(visit_sketch::Column::Registers)
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Views per site and hour since `since` (of `only`, or every site), oldest first.
    pub async fn visit_hours(
        &self,
        only: Option<TenantId>,
        since: DateTime<Utc>,
    ) -> Result<Vec<(TenantId, DateTime<Utc>, i64)>, StoreError> {
        let mut q = visit_hour::Entity::find()
            .filter(visit_hour::Column::Hour.gte(since))
            .order_by_asc(visit_hour::Column::Hour);
        if let Some(t) = only {
            q = q.filter(visit_hour::Column::TenantId.eq(t.0));
        }
        Ok(q.all(&self.db)
            .await?
            .into_iter()
            .map(|r| (TenantId(r.tenant_id), r.hour, r.views))
            .collect())
    }

    /// The responses each site (of `only`, or every site) served since `since`, and how many
    /// were server errors.
    pub async fn served_since(
        &self,
        only: Option<TenantId>,
        since: DateTime<Utc>,
    ) -> Result<std::collections::HashMap<TenantId, Served>, StoreError> {
        let mut q = visit_hour::Entity::find();
        if let Some(t) = only {
            q = q.filter(visit_hour::Column::TenantId.eq(t.0));
        }
        let rows: Vec<(i64, Option<i64>, Option<i64>)> = q
            .select_only()
            .column(visit_hour::Column::TenantId)
            .column_as(Expr::cust("CAST(SUM(responses) AS BIGINT)"), "responses")
            .column_as(
                Expr::cust("CAST(SUM(server_errors) AS BIGINT)"),
                "server_errors",
            )
            .filter(visit_hour::Column::Hour.gte(since))
            .group_by(visit_hour::Column::TenantId)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(t, n, e)| {
                (
                    TenantId(t),
                    Served {
                        responses: n.unwrap_or(0),
                        server_errors: e.unwrap_or(0),
                    },
                )
            })
            .collect())
    }

    /// Every node's sketch of each site's day since `since` (of `only`, or every site).
    pub async fn visit_sketches(
        &self,
        only: Option<TenantId>,
        since: NaiveDate,
    ) -> Result<Vec<(TenantId, NaiveDate, Vec<u8>)>, StoreError> {
        let mut q = visit_sketch::Entity::find().filter(visit_sketch::Column::Day.gte(since));
        if let Some(t) = only {
            q = q.filter(visit_sketch::Column::TenantId.eq(t.0));
        }
        Ok(q.all(&self.db)
            .await?
            .into_iter()
            .map(|r| (TenantId(r.tenant_id), r.day, r.registers))
            .collect())
    }

    /// A site's most viewed pages since `since`: (path, views), most first.
    pub async fn top_pages(
        &self,
        tenant: TenantId,
        since: NaiveDate,
        limit: u64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(visit_page::Entity::find()
            .select_only()
            .column(visit_page::Column::Path)
            // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back.
            .column_as(Expr::cust("CAST(SUM(views) AS BIGINT)"), "n")
            .filter(visit_page::Column::TenantId.eq(tenant.0))
            .filter(visit_page::Column::Day.gte(since))
            .group_by(visit_page::Column::Path)
            .order_by_desc(Expr::cust("n"))
            .limit(limit)
            .into_tuple::<(String, i64)>()
            .all(&self.db)
            .await?)
    }

    /// The hosts visitors came from since `since` (of `only`, or every site): (host, views),
    /// most first.
    pub async fn top_referrers(
        &self,
        only: Option<TenantId>,
        since: NaiveDate,
        limit: u64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut q = visit_referrer::Entity::find()
            .select_only()
            .column(visit_referrer::Column::Host)
            // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back.
            .column_as(Expr::cust("CAST(SUM(views) AS BIGINT)"), "n")
            .filter(visit_referrer::Column::Day.gte(since));
        if let Some(t) = only {
            q = q.filter(visit_referrer::Column::TenantId.eq(t.0));
        }
        Ok(q.group_by(visit_referrer::Column::Host)
            .order_by_desc(Expr::cust("n"))
            .limit(limit)
            .into_tuple::<(String, i64)>()
            .all(&self.db)
            .await?)
    }
}
