//! The in-memory site registry: host → tenant and code → tenant, with each tenant's columns.
//!
//! Rebuilt from the store as a whole and swapped in atomically, so a request always sees one
//! consistent snapshot. Reloaded periodically and on demand after tenant changes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::{ArcSwap, Guard};

use chrono::{DateTime, Utc};
use zq_domain::broadcast::{self, Broadcast, Shown};
use zq_domain::{ColumnId, ColumnKind, Host, TenantId, TenantKind};
use zq_store::{Column, Store, StoreError, Tenant};

/// One tenant with its columns in display order, its cache generation and metric handles.
pub struct Site {
    pub tenant: Tenant,
    pub columns: Vec<Column>,
    /// Shared with every later snapshot, so a bump is never lost to a concurrent reload.
    generation: Arc<AtomicU64>,
    pub metrics: Arc<crate::metrics::TenantMetrics>,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site")
            .field("tenant", &self.tenant.code)
            .finish_non_exhaustive()
    }
}

impl Site {
    /// The tenant's current cache generation.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Top-level columns in display order.
    pub fn top_columns(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| c.parent_id.is_none())
    }

    pub fn children(&self, id: ColumnId) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(move |c| c.parent_id == Some(id))
    }

    pub fn column(&self, id: ColumnId) -> Option<&Column> {
        self.columns.iter().find(|c| c.id == id)
    }

    pub fn column_by_slug(&self, slug: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.slug.as_str() == slug)
    }

    /// The column and every column below it, for lists that include sub-columns.
    pub fn subtree(&self, id: ColumnId) -> Vec<ColumnId> {
        let mut out = vec![id];
        let mut i = 0;
        while i < out.len() {
            let parent = out[i];
            out.extend(self.children(parent).map(|c| c.id));
            i += 1;
            if out.len() > self.columns.len() {
                break; // a cycle in stored data; never loop forever
            }
        }
        out
    }

    /// The chain from the top-level column down to `id`.
    pub fn ancestry(&self, id: ColumnId) -> Vec<&Column> {
        let mut chain = Vec::new();
        let mut cur = self.column(id);
        while let Some(c) = cur {
            if chain.len() > self.columns.len() {
                break;
            }
            chain.push(c);
            cur = c.parent_id.and_then(|p| self.column(p));
        }
        chain.reverse();
        chain
    }

    /// The column news from this site is aggregated from (its `is_news` column).
    pub fn news_column(&self) -> Option<&Column> {
        self.columns
            .iter()
            .find(|c| c.is_news && c.kind == ColumnKind::ArticleList)
    }
}

/// A consistent view of all tenants.
#[derive(Debug, Default)]
pub struct Snapshot {
    by_host: HashMap<Host, Arc<Site>>,
    by_code: HashMap<String, Arc<Site>>,
    by_id: HashMap<i64, Arc<Site>>,
    portal: Option<Arc<Site>>,
    /// A hash of what the cluster directory shows of every site (id, name, kind, status,
    /// parent, host): part of that page's cache key, so a new, renamed or suspended site shows
    /// in every site's directory once the registry is re-read, without bumping every site.
    directory_tag: u64,
    /// The office's broadcasts that had not ended when the registry was read (应急公告,
    /// 全站变灰); which of them a page shows is decided per request by the time.
    broadcasts: Vec<Broadcast>,
}

impl Snapshot {
    /// What `site` shows of the broadcasts at `now`.
    pub fn broadcasts_for(&self, site: TenantId, now: DateTime<Utc>) -> Shown<'_> {
        if self.broadcasts.is_empty() {
            return Shown::default();
        }
        broadcast::shown(&self.broadcasts, site, now)
    }

    /// See [`Snapshot::directory_tag`].
    pub fn directory_tag(&self) -> u64 {
        self.directory_tag
    }

    pub fn by_host(&self, host: &Host) -> Option<&Arc<Site>> {
        self.by_host.get(host)
    }

    /// Like `by_host`, for a name already in normal form (see `Host::normal_parts`).
    pub fn by_host_name(&self, name: &str) -> Option<&Arc<Site>> {
        self.by_host.get(name)
    }

    pub fn by_code(&self, code: &str) -> Option<&Arc<Site>> {
        self.by_code.get(code)
    }

    pub fn by_id(&self, id: zq_domain::TenantId) -> Option<&Arc<Site>> {
        self.by_id.get(&id.0)
    }

    pub fn portal(&self) -> Option<&Arc<Site>> {
        self.portal.as_ref()
    }

    /// Every site, in the order they were created.
    pub fn sites(&self) -> Vec<&Arc<Site>> {
        let mut all: Vec<&Arc<Site>> = self.by_code.values().collect();
        all.sort_by_key(|s| s.tenant.id.0);
        all
    }

    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }

    fn build(
        tenants: Vec<Tenant>,
        columns: Vec<Column>,
        gens: &Generations,
        metrics: &crate::metrics::Metrics,
    ) -> Snapshot {
        let mut cols_by_tenant: HashMap<i64, Vec<Column>> = HashMap::new();
        for c in columns {
            cols_by_tenant.entry(c.tenant_id.0).or_default().push(c);
        }
        let mut snap = Snapshot::default();
        for tenant in tenants {
            let columns = cols_by_tenant.remove(&tenant.id.0).unwrap_or_default();
            let generation = gens.slot(tenant.id.0);
            generation.fetch_max(tenant.generation, Ordering::AcqRel);
            let metrics = metrics.tenant(tenant.code.as_str());
            let site = Arc::new(Site {
                tenant,
                columns,
                generation,
                metrics,
            });
            for host in &site.tenant.hosts {
                snap.by_host.insert(host.clone(), site.clone());
            }
            if site.tenant.kind == TenantKind::Portal {
                snap.portal = Some(site.clone());
            }
            snap.by_code
                .insert(site.tenant.code.as_str().to_owned(), site.clone());
            snap.by_id.insert(site.tenant.id.0, site);
        }
        snap.directory_tag = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for s in snap.sites() {
                let t = &s.tenant;
                (t.id.0, &t.name, t.kind.as_str(), t.status.as_str()).hash(&mut h);
                (
                    t.parent_id.map(|p| p.0),
                    t.hosts.first().map(|h| h.as_str()),
                )
                    .hash(&mut h);
            }
            h.finish()
        };
        snap
    }
}

/// Every tenant's generation counter, kept across snapshots.
#[derive(Debug, Default)]
pub struct Generations(Mutex<HashMap<i64, Arc<AtomicU64>>>);

impl Generations {
    fn slot(&self, tenant: i64) -> Arc<AtomicU64> {
        let mut map = match self.0.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        map.entry(tenant).or_default().clone()
    }

    /// Raises a tenant's generation to at least `generation` (never lowers it).
    pub fn raise(&self, tenant: i64, generation: u64) {
        self.slot(tenant).fetch_max(generation, Ordering::AcqRel);
    }
}

/// Holds the current snapshot; cheap to clone and share.
/// Reading it takes no lock and, through `peek`, writes no shared memory (arc-swap), so the
/// cores answering cached pages do not contend for it.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    current: Arc<ArcSwap<Snapshot>>,
    generations: Arc<Generations>,
}

impl Registry {
    /// The current snapshot; hold it for the whole request.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// The current snapshot for a short, non-awaiting look (a cache hit).
    pub fn peek(&self) -> Guard<Arc<Snapshot>> {
        self.current.load()
    }

    pub fn generations(&self) -> &Generations {
        &self.generations
    }

    /// Rebuilds the snapshot from the store and swaps it in; generations only ever move up.
    pub async fn reload(
        &self,
        store: &Store,
        metrics: &crate::metrics::Metrics,
    ) -> Result<usize, StoreError> {
        let tenants = store.list_tenants().await?;
        let columns = store.all_columns().await?;
        let broadcasts = store.current_broadcasts(store.clock().now()).await?;
        let mut snap = Snapshot::build(tenants, columns, &self.generations, metrics);
        snap.broadcasts = broadcasts;
        let snap = Arc::new(snap);
        let n = snap.len();
        self.current.store(snap);
        Ok(n)
    }
}
