//! The subscriber keeping this node's index current: it follows the event outbox from the
//! position its index recorded (so after downtime it catches up from there) and, per batch,
//! re-reads what the events name — an article's documents (with its files') are replaced when
//! the article is public and removed otherwise, likewise a letter's when it is in a public
//! registry; a site or column change rebuilds that site's documents (its status, or a column's
//! name, changed) — and commits with the batch's last event id. Re-reading makes handling
//! idempotent: a batch seen twice changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use zq_domain::event::EventKind;
use zq_domain::{ArticleId, TenantId};
use zq_search::{Changes, Doc};
use zq_store::{Event, Store};

use super::SearchHandle;
use super::docs::{article_key, build, cluster_words, is_open, rebuild_site, search_failed};
use super::files::{FileReader, article_docs};
use super::letters::{case_key, public_letter};
use super::office::{Office, flush};
use crate::events::{Subscriber, follow};
use crate::fetch::BoxFuture;
use crate::{Result, Services};

/// How often the questions counted are written.
const FLUSH_EVERY: Duration = Duration::from_secs(60);

/// Follows the events into this node's index.
pub struct Indexer {
    store: Store,
    handle: Arc<SearchHandle>,
    files: Arc<FileReader>,
}

impl Indexer {
    pub fn new(store: Store, handle: Arc<SearchHandle>, files: Arc<FileReader>) -> Indexer {
        Indexer {
            store,
            handle,
            files,
        }
    }

    async fn apply(&self, events: &[Event]) -> Result<()> {
        let Some(last) = events.last().map(|e| e.id) else {
            return Ok(());
        };
        let words = if events.iter().any(|e| {
            matches!(
                e.kind,
                EventKind::TenantChanged | EventKind::ColumnChanged | EventKind::SearchChanged
            )
        }) {
            cluster_words(&self.store).await?
        } else {
            Vec::new()
        };
        self.handle.add_words(words);
        if events.iter().any(|e| e.kind == EventKind::SearchChanged) {
            self.handle.set_office(Office::load(&self.store).await?);
        }
        let index = self.handle.index();
        let mut sites: BTreeSet<TenantId> = BTreeSet::new();
        let mut articles: BTreeMap<i64, TenantId> = BTreeMap::new();
        let mut cases: BTreeMap<i64, TenantId> = BTreeMap::new();
        for e in events {
            let Some(t) = e.tenant else { continue };
            match e.kind {
                EventKind::TenantChanged | EventKind::ColumnChanged => {
                    sites.insert(t);
                }
                EventKind::CaseChanged => {
                    if let Some(id) = e.object.strip_prefix("case:").and_then(|s| s.parse().ok()) {
                        cases.insert(id, t);
                    }
                }
                k if k.is_article() => {
                    if let Some(id) = e
                        .object
                        .strip_prefix("article:")
                        .and_then(|s| s.parse().ok())
                    {
                        articles.insert(id, t);
                    }
                }
                _ => {}
            }
        }
        for t in &sites {
            if let Some(tenant) = self.store.tenant_by_id(*t).await? {
                rebuild_site(&self.store, &index, &self.files, &tenant, None).await?;
            }
        }
        let mut docs: Vec<Doc> = Vec::new();
        let mut gone: Vec<String> = Vec::new();
        for (id, t) in articles {
            if sites.contains(&t) {
                continue;
            }
            match self.public_docs(t, id).await? {
                Some(d) => docs.extend(d),
                None => gone.push(article_key(id)),
            }
        }
        for (id, t) in cases {
            // (A letter of a site rebuilt above is simply replaced by the same document.)
            match public_letter(&self.store, t, id).await? {
                Some(d) => docs.push(d),
                None => gone.push(case_key(id)),
            }
        }
        index
            .commit(&Changes {
                docs: &docs,
                gone: &gone,
                position: Some(last),
                ..Changes::default()
            })
            .map_err(search_failed)
    }

    /// The documents of article `id` of tenant `t` (its own and its files'), when it is
    /// public now.
    async fn public_docs(&self, t: TenantId, id: i64) -> Result<Option<Vec<Doc>>> {
        let Some(tenant) = self.store.tenant_by_id(t).await?.filter(is_open) else {
            return Ok(None);
        };
        let Some(a) = self.store.published_article(t, ArticleId(id)).await? else {
            return Ok(None);
        };
        let column = self
            .store
            .columns(t)
            .await?
            .into_iter()
            .find(|c| c.id == a.column_id)
            .map(|c| c.name)
            .unwrap_or_default();
        Ok(Some(
            article_docs(&self.store, &self.files, &tenant, &column, &a).await?,
        ))
    }
}

impl Subscriber for Indexer {
    fn name(&self) -> &str {
        "search"
    }

    fn handle<'a>(&'a self, events: &'a [Event]) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.apply(events))
    }

    fn own_position(&self) -> Option<i64> {
        // A generation swapped in by a rebuild is picked up before the position is read.
        if let Err(e) = self.handle.refresh() {
            tracing::warn!(error = %e, "opening the rebuilt search index failed");
        }
        Some(self.handle.index().position().ok().flatten().unwrap_or(0))
    }
}

/// Runs this node's indexer until `stop`: builds the index from the database when it is new,
/// then follows the events (woken by this node's commits, polling every `poll` for other
/// nodes').
pub fn spawn(
    svc: Services,
    handle: Arc<SearchHandle>,
    files: Arc<FileReader>,
    poll: Duration,
    stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        match Office::load(svc.store()).await {
            Ok(o) => handle.set_office(o),
            Err(e) => {
                tracing::warn!(error = %e, "reading the search synonyms and best bets failed")
            }
        }
        // The questions counted are written every minute.
        let flusher = {
            let svc = svc.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(FLUSH_EVERY);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    if let Err(e) = flush(&svc).await {
                        tracing::warn!(error = %e, "writing the search question counts failed; kept for the next write");
                    }
                }
            })
        };
        let index = handle.index();
        if matches!(index.position(), Ok(None)) {
            let started = std::time::Instant::now();
            match build(svc.store(), &index, &files, None, &mut |_, _, _| {}).await {
                Ok(n) => {
                    tracing::info!(documents = n, took = ?started.elapsed(), "search index built")
                }
                Err(e) => {
                    tracing::warn!(error = %e, "building the search index failed; following events anyway")
                }
            }
        }
        drop(index);
        let indexer: Arc<dyn Subscriber> =
            Arc::new(Indexer::new(svc.store().clone(), handle, files));
        let _ = follow(svc, indexer, poll, stop).await;
        flusher.abort();
    })
}
