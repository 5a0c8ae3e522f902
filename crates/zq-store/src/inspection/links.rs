//! The link checker's records: each external address's last answer (shared by every site that
//! links to it, read before a run so only due addresses are fetched again), and each site's
//! broken links with the place they occur, replaced as a whole by each run in one audited
//! transaction, with the time each site was checked.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use zq_domain::ArticleStatus;
use zq_domain::TenantId;
use zq_domain::inspection::links::BrokenLink;

use crate::audit::audit_in;
use crate::entity::{article, link_finding, link_result, link_site};
use crate::who::Who;
use crate::{Store, StoreError};

/// Longest address kept (longer ones are not checked).
pub const MAX_URL_LEN: usize = 1000;

/// The last answer of one external address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkResult {
    pub url: String,
    pub ok: bool,
    pub problem: Option<String>,
    pub checked_at: DateTime<Utc>,
    pub next_at: DateTime<Utc>,
}

/// One site's part of a run: how many links were read and which are broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteLinks {
    pub tenant_id: TenantId,
    pub links: usize,
    pub broken: Vec<BrokenLink>,
}

fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

impl Store {
    /// The stored answers of `urls` (those never checked are absent).
    pub async fn link_results(&self, urls: &[String]) -> Result<Vec<LinkResult>, StoreError> {
        let mut out = Vec::with_capacity(urls.len());
        for chunk in urls.chunks(500) {
            let rows = link_result::Entity::find()
                .filter(link_result::Column::Url.is_in(chunk.iter().cloned()))
                .all(&self.db)
                .await?;
            out.extend(rows.into_iter().map(|r| LinkResult {
                url: r.url,
                ok: r.ok,
                problem: r.problem,
                checked_at: r.checked_at,
                next_at: r.next_at,
            }));
        }
        Ok(out)
    }

    /// Stores fresh answers (replacing older ones of the same addresses).
    pub async fn record_link_results(&self, results: &[LinkResult]) -> Result<(), StoreError> {
        for chunk in results.chunks(200) {
            let rows = chunk.iter().map(|r| link_result::ActiveModel {
                url: Set(r.url.clone()),
                ok: Set(r.ok),
                problem: Set(r.problem.as_deref().map(|p| clip(p, 200))),
                checked_at: Set(r.checked_at),
                next_at: Set(r.next_at),
            });
            link_result::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::column(link_result::Column::Url)
                        .update_columns([
                            link_result::Column::Ok,
                            link_result::Column::Problem,
                            link_result::Column::CheckedAt,
                            link_result::Column::NextAt,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(&self.db)
                .await?;
        }
        Ok(())
    }

    /// Replaces the broken links of the sites of a run and marks them checked at `at`, as the
    /// system, in one transaction with one audit row.
    pub async fn replace_link_findings(
        &self,
        run: Vec<SiteLinks>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let mut broken = 0;
        for site in &run {
            link_finding::Entity::delete_many()
                .filter(link_finding::Column::TenantId.eq(site.tenant_id.0))
                .exec(&txn)
                .await?;
            for b in &site.broken {
                broken += 1;
                link_finding::ActiveModel {
                    tenant_id: Set(site.tenant_id.0),
                    article_id: Set(b.article_id),
                    title: Set(clip(&b.title, 200)),
                    url: Set(clip(&b.url, MAX_URL_LEN)),
                    text: Set(clip(&b.text, 100)),
                    nth: Set(b.nth),
                    problem: Set(clip(&b.problem, 200)),
                    internal: Set(b.internal),
                    found_at: Set(at),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
            link_site::Entity::insert(link_site::ActiveModel {
                tenant_id: Set(site.tenant_id.0),
                checked_at: Set(at),
                links: Set(i32::try_from(site.links).unwrap_or(i32::MAX)),
            })
            .on_conflict(
                OnConflict::column(link_site::Column::TenantId)
                    .update_columns([link_site::Column::CheckedAt, link_site::Column::Links])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        }
        let mut entry = Who::system().entry(None, "links", "links.check");
        entry.after_hash = Some(format!("sites:{} broken:{broken}", run.len()));
        audit_in(&txn, entry, self.now()).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Every published article, as (tenant, id).
    pub async fn published_ids(&self) -> Result<Vec<(TenantId, i64)>, StoreError> {
        Ok(article::Entity::find()
            .select_only()
            .columns([article::Column::TenantId, article::Column::Id])
            .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
            .into_tuple::<(i64, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(t, id)| (TenantId(t), id))
            .collect())
    }

    /// The sites checked (of `only`, or all) with when, and their broken links in article
    /// order.
    #[allow(clippy::type_complexity)]
    pub async fn link_findings(
        &self,
        only: Option<TenantId>,
    ) -> Result<
        (
            Vec<(TenantId, DateTime<Utc>, i32)>,
            Vec<(TenantId, BrokenLink)>,
        ),
        StoreError,
    > {
        let mut sites = link_site::Entity::find();
        let mut found = link_finding::Entity::find()
            .order_by_asc(link_finding::Column::ArticleId)
            .order_by_asc(link_finding::Column::Nth);
        if let Some(t) = only {
            sites = sites.filter(link_site::Column::TenantId.eq(t.0));
            found = found.filter(link_finding::Column::TenantId.eq(t.0));
        }
        let sites = sites
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (TenantId(s.tenant_id), s.checked_at, s.links))
            .collect();
        let found = found
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| {
                (
                    TenantId(r.tenant_id),
                    BrokenLink {
                        article_id: r.article_id,
                        title: r.title,
                        url: r.url,
                        text: r.text,
                        nth: r.nth,
                        problem: r.problem,
                        internal: r.internal,
                    },
                )
            })
            .collect();
        Ok((sites, found))
    }
}
