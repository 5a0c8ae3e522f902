//! Delete and the recycle bin (回收站, issue 16) as people and the purge job use them:
//! deleting an article (the writers' right) or a column (the column managers'), always with a
//! typed reason; the site's bin; restoring; and the leased job that drops what has been kept
//! for `jobs.recycle_keep_days` ([`Services::recycle_keep_days`]).

use std::time::Duration;

use zq_domain::access::Action;
use zq_domain::{ArticleId, ColumnId};
use zq_store::{RecycledItem, Tenant};

use crate::fetch::BoxFuture;

use crate::jobs::Job;
use crate::{Caller, Result, ServiceError, Services, site};

/// Whether `caller` may delete and restore the site's articles: its writers (their drafts)
/// and those who take articles offline (reviewers).
pub fn may_delete_articles(caller: &Caller, t: &Tenant) -> bool {
    caller.can(Action::WriteArticles, t) || caller.can(Action::Withdraw, t)
}

/// The site, when `caller` may delete (or restore) its articles.
async fn article_site(svc: &Services, caller: &Caller, code: &str) -> Result<Tenant> {
    let t = site(svc, caller, code, Action::Read).await?;
    if may_delete_articles(caller, &t) {
        Ok(t)
    } else {
        Err(ServiceError::forbidden(Action::WriteArticles))
    }
}

/// Moves an article of site `code` that is not online into its recycle bin.
pub async fn delete_article(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    reason: &str,
) -> Result<RecycledItem> {
    let t = article_site(svc, caller, code).await?;
    Ok(svc
        .store()
        .delete_article(t.id, ArticleId(id), reason, &caller.who())
        .await?)
}

/// Moves a column of site `code` into its recycle bin, its articles to `move_to` first.
pub async fn delete_column(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    move_to: Option<i64>,
    reason: &str,
) -> Result<RecycledItem> {
    let t = site(svc, caller, code, Action::ManageColumns).await?;
    Ok(svc
        .store()
        .delete_column(
            t.id,
            ColumnId(id),
            move_to.map(ColumnId),
            reason,
            &caller.who(),
        )
        .await?)
}

/// The recycle bin of site `code` (titles of unpublished articles: readers of the site only).
pub async fn bin(
    svc: &Services,
    caller: &Caller,
    code: &str,
) -> Result<(Tenant, Vec<RecycledItem>)> {
    let t = site(svc, caller, code, Action::Read).await?;
    let items = svc.store().recycle_bin(t.id).await?;
    Ok((t, items))
}

/// Restores an article or column from the recycle bin of site `code`.
pub async fn recover(
    svc: &Services,
    caller: &Caller,
    code: &str,
    item: i64,
) -> Result<RecycledItem> {
    let (t, items) = bin(svc, caller, code).await?;
    let found = items
        .iter()
        .find(|i| i.id == item)
        .ok_or_else(|| ServiceError::NotFound(format!("回收站中的第 {item} 项")))?;
    let t = if found.kind == "column" {
        site(svc, caller, t.code.as_str(), Action::ManageColumns).await?
    } else {
        article_site(svc, caller, t.code.as_str()).await?
    };
    Ok(svc.store().recover(t.id, item, &caller.who()).await?)
}

/// Drops from every site's bin what was deleted more than `jobs.recycle_keep_days` ago, and
/// editor autosaves as old.
pub struct RecyclePurge {
    pub every: Duration,
}

impl Job for RecyclePurge {
    fn name(&self) -> &str {
        "recycle_purge"
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn run<'a>(&'a self, svc: &'a Services) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let before = svc.now() - chrono::Duration::days(i64::from(svc.recycle_keep_days()));
            let n = svc.store().purge_recycled(before).await?;
            if n > 0 {
                tracing::info!(purged = n, "recycle bin: kept long enough, dropped");
            }
            // Autosaves nobody came back to within the same time go too.
            svc.store().purge_autosaves(before).await?;
            Ok(())
        })
    }
}
