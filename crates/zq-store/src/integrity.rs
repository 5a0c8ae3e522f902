//! Anti-tampering (防篡改, issue 15) in the database: every audited write of an article
//! records the fingerprint of what it left (`editorial::fingerprint`: text, state, publish
//! time, version) as its audit row's `after_hash`; here the published articles are read back,
//! fingerprinted again and compared with the last recorded one, so a row changed behind the
//! platform's back (SQL by hand, a compromised database account) shows. A mismatching article
//! is restored from the newest version row whose text gives the recorded fingerprint again, or
//! withdrawn when none does; both are audited writes with the evidence (the fingerprint found
//! as `before_hash`, the recorded one as `after_hash`) and the events that purge the caches.
//! Attachments are content-addressed: a blob whose bytes no longer hash to its name is
//! reported once, audited.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use zq_domain::event::EventKind;
use zq_domain::workflow::WorkflowState;
use zq_domain::{ArticleId, TenantId};

use crate::articles::bump_if_public;
use crate::audit::{audit_in, content_hash};
use crate::editorial::{
    article_written, fingerprint, is_news_column, load_for_update, set_text, text_of_version,
    to_editorial,
};
use crate::entity::{article, article_version, audit, blob};
use crate::{Store, StoreError, Who};

/// A published article as the scan found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleCheck {
    pub tenant: TenantId,
    pub id: ArticleId,
    /// The fingerprint its last audited write recorded; `None` when no write recorded one.
    pub recorded: Option<String>,
    /// The fingerprint of the row as it is now.
    pub actual: String,
}

impl ArticleCheck {
    /// Whether the row is as the platform left it.
    pub fn intact(&self) -> bool {
        self.recorded.as_deref() == Some(self.actual.as_str())
    }
}

/// Article id → the fingerprint last verified against the audit log, in this process.
#[derive(Debug, Clone, Default)]
pub(crate) struct Verified(std::sync::Arc<std::sync::Mutex<HashMap<i64, String>>>);

impl Verified {
    fn is(&self, id: ArticleId, fp: &str) -> bool {
        self.0
            .lock()
            .map(|m| m.get(&id.0).is_some_and(|v| v == fp))
            .unwrap_or(false)
    }

    fn set(&self, id: ArticleId, fp: String) {
        if let Ok(mut m) = self.0.lock() {
            // Bounded: a cluster has some hundred thousand articles at most; start over
            // rather than grow without end.
            if m.len() > 500_000 {
                m.clear();
            }
            m.insert(id.0, fp);
        }
    }
}

/// What was done about a tampered article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repair {
    /// The text of this version was written back.
    Restored(i32),
    /// No version gives the recorded fingerprint: taken off the public site.
    Withdrawn,
    /// Someone changed it through the platform meanwhile: nothing to do.
    Unchanged,
}

impl Store {
    /// The public articles of `tenant` with their fingerprint now and the one recorded.
    pub async fn article_fingerprints(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<ArticleCheck>, StoreError> {
        let mut recorded: HashMap<String, String> = HashMap::new();
        let rows: Vec<(String, Option<String>)> = audit::Entity::find()
            .select_only()
            .column(audit::Column::Object)
            .column(audit::Column::AfterHash)
            .filter(audit::Column::TenantId.eq(tenant.0))
            .filter(audit::Column::Object.starts_with("article:"))
            .filter(audit::Column::AfterHash.is_not_null())
            .order_by_asc(audit::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        for (object, hash) in rows {
            if let Some(h) = hash {
                recorded.insert(object, h);
            }
        }
        let articles = article::Entity::find()
            .filter(article::Column::TenantId.eq(tenant.0))
            .filter(article::Column::Status.eq(WorkflowState::Published.as_str()))
            .order_by_asc(article::Column::Id)
            .all(&self.db)
            .await?;
        articles
            .into_iter()
            .map(|r| {
                let id = ArticleId(r.id);
                let recorded = recorded.remove(&format!("article:{id}"));
                let actual = fingerprint(&to_editorial(r)?);
                Ok(ArticleCheck {
                    tenant,
                    id,
                    recorded,
                    actual,
                })
            })
            .collect()
    }

    /// One published article of `tenant` as the scan would find it; `None` when it is not
    /// published. The audit log is read only when this fingerprint was not verified before.
    pub async fn article_fingerprint(
        &self,
        tenant: TenantId,
        id: ArticleId,
    ) -> Result<Option<ArticleCheck>, StoreError> {
        match self.published_row(tenant, id).await? {
            Some(row) => Ok(Some(self.check_row(tenant, id, row).await?)),
            None => Ok(None),
        }
    }

    /// A published article of `tenant` for its page, with its integrity check, from one
    /// read of its row: `None` when it is not published.
    pub async fn published_article_checked(
        &self,
        tenant: TenantId,
        id: ArticleId,
    ) -> Result<Option<(crate::Article, ArticleCheck)>, StoreError> {
        let Some(row) = self.published_row(tenant, id).await? else {
            return Ok(None);
        };
        let article = crate::articles::to_article(row.clone())?;
        Ok(Some((article, self.check_row(tenant, id, row).await?)))
    }

    async fn published_row(
        &self,
        tenant: TenantId,
        id: ArticleId,
    ) -> Result<Option<article::Model>, StoreError> {
        Ok(article::Entity::find_by_id(id.0)
            .filter(article::Column::TenantId.eq(tenant.0))
            .filter(article::Column::Status.eq(WorkflowState::Published.as_str()))
            .one(&self.db)
            .await?)
    }

    /// The check of a published article's row: its fingerprint now against the verified one
    /// remembered, else the one its last audited write recorded.
    async fn check_row(
        &self,
        tenant: TenantId,
        id: ArticleId,
        row: article::Model,
    ) -> Result<ArticleCheck, StoreError> {
        let actual = fingerprint(&to_editorial(row)?);
        if self.verified.is(id, &actual) {
            return Ok(ArticleCheck {
                tenant,
                id,
                recorded: Some(actual.clone()),
                actual,
            });
        }
        let recorded: Option<Option<String>> = audit::Entity::find()
            .select_only()
            .column(audit::Column::AfterHash)
            .filter(audit::Column::TenantId.eq(tenant.0))
            .filter(audit::Column::Object.eq(format!("article:{id}")))
            .filter(audit::Column::AfterHash.is_not_null())
            .order_by_desc(audit::Column::Id)
            .into_tuple()
            .one(&self.db)
            .await?;
        let recorded = recorded.flatten();
        if recorded.as_deref() == Some(actual.as_str()) {
            self.verified.set(id, actual.clone());
        }
        Ok(ArticleCheck {
            tenant,
            id,
            recorded,
            actual,
        })
    }

    /// Repairs a tampered article: writes back the newest version whose text gives the
    /// recorded fingerprint (`integrity.restore`), or withdraws it (`integrity.withdraw`). The
    /// check is repeated inside the transaction, so a change made through the platform since
    /// the scan is left alone.
    pub async fn repair_article(
        &self,
        check: &ArticleCheck,
        who: &Who,
    ) -> Result<Repair, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let row = load_for_update(&txn, check.tenant, check.id).await?;
        let now_fp = fingerprint(&to_editorial(row.clone())?);
        if Some(&now_fp) != Some(&check.actual) || check.recorded.is_none() {
            return Ok(Repair::Unchanged);
        }
        let recorded = check.recorded.clone().unwrap_or_default();
        let versions = article_version::Entity::find()
            .filter(article_version::Column::TenantId.eq(check.tenant.0))
            .filter(article_version::Column::ArticleId.eq(check.id.0))
            .order_by_desc(article_version::Column::Version)
            .all(&txn)
            .await?;
        let mut restore = None;
        for v in versions {
            let mut candidate = to_editorial(row.clone())?;
            candidate.text = text_of_version(&v);
            if fingerprint(&candidate) == recorded {
                restore = Some(v);
                break;
            }
        }
        let now = self.now();
        let news = is_news_column(&txn, row.column_id).await?;
        let tenant = check.tenant;
        let mut active: article::ActiveModel = row.into();
        let (repair, action, kind) = match restore {
            Some(v) => {
                set_text(&mut active, text_of_version(&v));
                (
                    Repair::Restored(v.version),
                    "integrity.restore",
                    EventKind::ArticleUpdated,
                )
            }
            None => {
                active.status = Set(WorkflowState::Withdrawn.as_str().to_owned());
                (
                    Repair::Withdrawn,
                    "integrity.withdraw",
                    EventKind::ArticleWithdrawn,
                )
            }
        };
        // The row's times stay: the public page shows what was approved, as approved.
        let saved = active.update(&txn).await?;
        let after = to_editorial(saved)?;
        let generations = bump_if_public(&txn, tenant, true, news).await?;
        let object = format!("article:{}", check.id);
        let mut entry = who.entry(Some(tenant), object, action);
        entry.before_hash = Some(check.actual.clone());
        entry.after_hash = Some(fingerprint(&after));
        audit_in(&txn, entry, now).await?;
        let event = article_written(&txn, now, kind, &after, generations).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(repair)
    }

    /// Every stored file whose bytes no longer hash to its name, and how many were checked.
    /// Reads them in batches, so the whole store is never in memory at once.
    pub async fn tampered_blobs(&self) -> Result<(u64, Vec<String>), StoreError> {
        let mut checked = 0;
        let mut bad = Vec::new();
        let mut after = String::new();
        loop {
            let batch = blob::Entity::find()
                .filter(blob::Column::Sha256.gt(after.clone()))
                .order_by_asc(blob::Column::Sha256)
                .limit(32)
                .all(&self.db)
                .await?;
            let Some(last) = batch.last() else { break };
            after = last.sha256.clone();
            for b in batch {
                checked += 1;
                if content_hash(&b.bytes) != b.sha256 {
                    bad.push(b.sha256);
                }
            }
        }
        Ok((checked, bad))
    }

    /// Audits a tampered file once (`integrity.file`, the hash found as `after_hash`); `false`
    /// when it was audited before with the same bytes.
    pub async fn audit_tampered_blob(&self, sha256: &str, who: &Who) -> Result<bool, StoreError> {
        let Some(b) = blob::Entity::find_by_id(sha256.to_owned())
            .one(&self.db)
            .await?
        else {
            return Ok(false);
        };
        let found = content_hash(&b.bytes);
        let object = format!("file:{sha256}");
        let seen = audit::Entity::find()
            .filter(audit::Column::Object.eq(object.as_str()))
            .filter(audit::Column::Action.eq("integrity.file"))
            .filter(audit::Column::AfterHash.eq(found.as_str()))
            .one(&self.db)
            .await?;
        if seen.is_some() {
            return Ok(false);
        }
        let (_guard, txn) = self.begin_audited().await?;
        let mut entry = who.entry(None, object, "integrity.file");
        entry.before_hash = Some(sha256.to_owned());
        entry.after_hash = Some(found);
        audit_in(&txn, entry, self.now()).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Whether a stored file's bytes still hash to its name (checked before serving it).
    pub fn blob_intact(sha256: &str, bytes: &[u8]) -> bool {
        content_hash(bytes) == sha256
    }
}
