//! What the office keeps for search (issue 17): synonym groups and best bets (推荐结果), for
//! the cluster (no tenant) or one site — each change audited and recorded as a
//! `search_changed` event, so every node's indexer reloads them — and the questions asked,
//! added up per day, site and question (no personal data).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use zq_domain::TenantId;
use zq_domain::event::EventKind;

use crate::audit::audit_in;
use crate::entity::{search_best_bet, search_query, search_synonym};
use crate::events::record_in;
use crate::{AuditEntry, ChangeEvent, Store, StoreError, Who};

/// A group of words a question may use for each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synonym {
    pub id: i64,
    /// `None`: the whole cluster's.
    pub tenant_id: Option<TenantId>,
    pub words: Vec<String>,
    pub created_at: DateTime<Utc>,
}

/// A pinned result shown first for questions carrying one of its keywords.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BestBet {
    pub id: i64,
    pub tenant_id: Option<TenantId>,
    pub keywords: Vec<String>,
    pub title: String,
    pub url: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A new best bet (checked by the services).
#[derive(Debug, Clone)]
pub struct NewBestBet {
    pub keywords: Vec<String>,
    pub title: String,
    pub url: String,
    pub description: Option<String>,
}

/// One question's count for a day on a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryCount {
    pub day: NaiveDate,
    pub tenant_id: TenantId,
    pub query: String,
    pub asked: i64,
    /// Of those, how often nothing was found.
    pub empty: i64,
}

const SEP: &str = "，";

fn words_of(s: &str) -> Vec<String> {
    s.split(SEP)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn to_synonym(r: search_synonym::Model) -> Synonym {
    Synonym {
        id: r.id,
        tenant_id: r.tenant_id.map(TenantId),
        words: words_of(&r.words),
        created_at: r.created_at,
    }
}

fn to_best_bet(r: search_best_bet::Model) -> BestBet {
    BestBet {
        id: r.id,
        tenant_id: r.tenant_id.map(TenantId),
        keywords: words_of(&r.keywords),
        title: r.title,
        url: r.url,
        description: r.description,
        created_at: r.created_at,
    }
}

impl Store {
    /// Every synonym group (the cluster's and every site's), oldest first.
    pub async fn search_synonyms(&self) -> Result<Vec<Synonym>, StoreError> {
        Ok(search_synonym::Entity::find()
            .order_by_asc(search_synonym::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_synonym)
            .collect())
    }

    /// Every best bet, oldest first.
    pub async fn search_best_bets(&self) -> Result<Vec<BestBet>, StoreError> {
        Ok(search_best_bet::Entity::find()
            .order_by_asc(search_best_bet::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_best_bet)
            .collect())
    }

    /// Adds a synonym group to the cluster (`tenant` `None`) or a site.
    pub async fn add_search_synonym(
        &self,
        tenant: Option<TenantId>,
        words: &[String],
        who: &Who,
    ) -> Result<Synonym, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = search_synonym::ActiveModel {
            tenant_id: Set(tenant.map(|t| t.0)),
            words: Set(words.join(SEP)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let entry = who.entry(
            tenant,
            format!("search_synonym:{}", row.id),
            "search.synonym.add",
        );
        self.finish_search_change(txn, entry, tenant).await?;
        Ok(to_synonym(row))
    }

    /// Removes synonym group `id` of the cluster (`tenant` `None`) or of that site only.
    pub async fn delete_search_synonym(
        &self,
        tenant: Option<TenantId>,
        id: i64,
        who: &Who,
    ) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let gone = search_synonym::Entity::delete_many()
            .filter(search_synonym::Column::Id.eq(id))
            .filter(scope(search_synonym::Column::TenantId, tenant))
            .exec(&txn)
            .await?;
        if gone.rows_affected == 0 {
            return Err(StoreError::NotFound(format!("同义词组 {id}")));
        }
        let entry = who.entry(
            tenant,
            format!("search_synonym:{id}"),
            "search.synonym.delete",
        );
        self.finish_search_change(txn, entry, tenant).await
    }

    /// Adds a best bet to the cluster (`tenant` `None`) or a site.
    pub async fn add_search_best_bet(
        &self,
        tenant: Option<TenantId>,
        bet: NewBestBet,
        who: &Who,
    ) -> Result<BestBet, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = search_best_bet::ActiveModel {
            tenant_id: Set(tenant.map(|t| t.0)),
            keywords: Set(bet.keywords.join(SEP)),
            title: Set(bet.title),
            url: Set(bet.url),
            description: Set(bet.description),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let entry = who.entry(
            tenant,
            format!("search_best_bet:{}", row.id),
            "search.best_bet.add",
        );
        self.finish_search_change(txn, entry, tenant).await?;
        Ok(to_best_bet(row))
    }

    /// Removes best bet `id` of the cluster (`tenant` `None`) or of that site only.
    pub async fn delete_search_best_bet(
        &self,
        tenant: Option<TenantId>,
        id: i64,
        who: &Who,
    ) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let gone = search_best_bet::Entity::delete_many()
            .filter(search_best_bet::Column::Id.eq(id))
            .filter(scope(search_best_bet::Column::TenantId, tenant))
            .exec(&txn)
            .await?;
        if gone.rows_affected == 0 {
            return Err(StoreError::NotFound(format!("推荐结果 {id}")));
        }
        let entry = who.entry(
            tenant,
            format!("search_best_bet:{id}"),
            "search.best_bet.delete",
        );
        self.finish_search_change(txn, entry, tenant).await
    }

    async fn finish_search_change(
        &self,
        txn: DatabaseTransaction,
        entry: AuditEntry,
        tenant: Option<TenantId>,
    ) -> Result<(), StoreError> {
        let now = self.now();
        let object = entry.object.clone();
        audit_in(&txn, entry, now).await?;
        let event = record_in(
            &txn,
            now,
            EventKind::SearchChanged,
            tenant,
            object,
            ChangeEvent::default(),
        )
        .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(())
    }

    /// Adds counted questions to the day's counts (a node's flush).
    pub async fn record_search_queries(&self, rows: &[QueryCount]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let txn = self.begin_write().await?;
        for chunk in rows.chunks(300) {
            let models = chunk.iter().map(|r| search_query::ActiveModel {
                day: Set(r.day),
                tenant_id: Set(r.tenant_id.0),
                query: Set(r.query.chars().take(100).collect()),
                asked: Set(r.asked),
                empty: Set(r.empty),
            });
            let q = search_query::Entity;
            search_query::Entity::insert_many(models)
                .on_conflict(
                    OnConflict::columns([
                        search_query::Column::Day,
                        search_query::Column::TenantId,
                        search_query::Column::Query,
                    ])
                    .value(
                        search_query::Column::Asked,
                        Expr::col((q, search_query::Column::Asked))
                            .add(Expr::cust("excluded.asked")),
                    )
                    .value(
                        search_query::Column::Empty,
                        Expr::col((q, search_query::Column::Empty))
                            .add(Expr::cust("excluded.empty")),
                    )
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// The questions asked from `from` to `to` (days, both included) on site `only` or on every
    /// site: (question, asked, found nothing), most asked first; with `empty_only`, only
    /// questions that found nothing, most such first.
    pub async fn top_search_queries(
        &self,
        only: Option<TenantId>,
        (from, to): (NaiveDate, NaiveDate),
        empty_only: bool,
        limit: u64,
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        let mut q = search_query::Entity::find()
            .select_only()
            .column(search_query::Column::Query)
            // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back.
            .column_as(Expr::cust("CAST(SUM(asked) AS BIGINT)"), "asked_n")
            .column_as(Expr::cust("CAST(SUM(empty) AS BIGINT)"), "empty_n")
            .filter(search_query::Column::Day.gte(from))
            .filter(search_query::Column::Day.lte(to));
        if let Some(t) = only {
            q = q.filter(search_query::Column::TenantId.eq(t.0));
        }
        if empty_only {
            q = q.filter(search_query::Column::Empty.gt(0));
        }
        let first = if empty_only { "empty_n" } else { "asked_n" };
        Ok(q.group_by(search_query::Column::Query)
            .order_by_desc(Expr::cust(first))
            .order_by_asc(search_query::Column::Query)
            .limit(limit)
            .into_tuple::<(String, i64, i64)>()
            .all(&self.db)
            .await?)
    }
}

/// Rows of the cluster (`None`: tenant NULL) or of one site.
fn scope<C: ColumnTrait>(column: C, tenant: Option<TenantId>) -> sea_orm::Condition {
    match tenant {
        Some(t) => sea_orm::Condition::all().add(column.eq(t.0)),
        None => sea_orm::Condition::all().add(column.is_null()),
    }
}
