//! The page cache: L1 in-process (moka, bounded by bytes), L2 shared (Redis, optional), keyed
//! by tenant, the tenant's generation, path and variant; single flight on misses; stale pages
//! served when rendering fails because the database is down.
//!
//! Invalidation never deletes: publishing bumps the tenant's generation, so every key of the
//! old generation stops being asked for and ages out. This crate knows nothing of HTTP,
//! tenants' content or the database; it stores bytes under keys.

mod bus;
mod page;
mod redis_link;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use moka::future::Cache;

pub use bus::{Bus, BusMessage};
pub use page::{CachedPage, Encoding, HeaderValues};
pub use redis_link::{REDIS_TIMEOUT, RedisError, RedisLink, RedisUrlError};

pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Cache settings.
#[derive(Debug, Clone)]
pub struct CacheConfig {
    /// When off, every request renders (the render benchmark); nothing is stored.
    pub enabled: bool,
    /// Upper bound of L1, in bytes of stored pages.
    pub max_bytes: u64,
    /// How long an entry lives at most, whatever the generation (a safety net).
    pub ttl: Duration,
    /// How old a stale page may be and still be served while the database is down.
    pub stale_max: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            max_bytes: 64 * 1024 * 1024,
            ttl: Duration::from_secs(600),
            stale_max: Duration::from_secs(3600),
        }
    }
}

/// Where a page came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// In-process cache (including requests that waited on another's render).
    L1Hit,
    /// Shared cache.
    L2Hit,
    /// Rendered for this request.
    Rendered,
    /// Rendering failed with the database down; an older page was served.
    Stale,
    /// The cache is disabled.
    Bypass,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::L1Hit => "l1_hit",
            Outcome::L2Hit => "l2_hit",
            Outcome::Rendered => "miss",
            Outcome::Stale => "stale",
            Outcome::Bypass => "bypass",
        }
    }
}

/// A page's identity: tenant, its generation, path within the site, and the variant (how links
/// are formed: host or alias, port, scheme).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub tenant: i64,
    pub generation: u64,
    pub path: Arc<str>,
    pub variant: Arc<str>,
}

/// A borrowed `PageKey`, to look a page up without allocating. Hashes and compares exactly
/// like the `PageKey` with the same fields.
#[derive(Debug, Clone, Copy, Hash)]
pub struct PageKeyRef<'a> {
    pub tenant: i64,
    pub generation: u64,
    pub path: &'a str,
    pub variant: &'a str,
}

impl equivalent::Equivalent<PageKey> for PageKeyRef<'_> {
    fn equivalent(&self, key: &PageKey) -> bool {
        self.tenant == key.tenant
            && self.generation == key.generation
            && self.path == &*key.path
            && self.variant == &*key.variant
    }
}

impl PageKey {
    fn redis_key(&self) -> String {
        format!(
            "page:{}:{}:{}:{}",
            self.tenant, self.generation, self.variant, self.path
        )
    }

    fn stale_key(&self) -> (i64, Arc<str>, Arc<str>) {
        (self.tenant, self.path.clone(), self.variant.clone())
    }
}

/// The two-level page cache.
pub struct PageCache {
    cfg: CacheConfig,
    l1: Cache<PageKey, Arc<CachedPage>>,
    /// The last good page per (tenant, path, variant), whatever its generation: stale-if-error.
    last_good: Cache<(i64, Arc<str>, Arc<str>), Arc<CachedPage>>,
    redis: Option<Arc<RedisLink>>,
    /// Authenticates what this cluster writes to Redis (`seal`, `open`): a writer to Redis
    /// without the key cannot plant or change a page.
    l2_key: Option<ring::hmac::Key>,
    /// Pages read from Redis that failed their authentication (never served).
    l2_rejected: std::sync::atomic::AtomicU64,
}

/// The prefix of an authenticated L2 value: then a 32-byte HMAC-SHA256 tag over the Redis key
/// and the encoded page, then the page.
const SEALED: &[u8] = b"ZQA1";

const OUT_L1: u8 = 0;
const OUT_L2: u8 = 1;
const OUT_RENDERED: u8 = 2;

impl PageCache {
    pub fn new(cfg: CacheConfig, redis: Option<Arc<RedisLink>>) -> PageCache {
        // One budget for both: L1 gets seven eighths, the stale pages the rest. The stale map
        // mostly holds the same pages as L1 (shared, not copied), so this bounds the memory
        // pages take by `max_bytes` however the two overlap.
        let stale_bytes = cfg.max_bytes / 8;
        let l1 = Cache::builder()
            .max_capacity(cfg.max_bytes - stale_bytes)
            .weigher(|_k: &PageKey, v: &Arc<CachedPage>| v.weight())
            .time_to_live(cfg.ttl)
            .build();
        let last_good = Cache::builder()
            .max_capacity(stale_bytes)
            .weigher(|_k: &(i64, Arc<str>, Arc<str>), v: &Arc<CachedPage>| v.weight())
            .time_to_live(cfg.stale_max)
            .build();
        PageCache {
            cfg,
            l1,
            last_good,
            redis,
            l2_key: None,
            l2_rejected: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The same cache authenticating its Redis entries with `secret` (every node of the cluster
    /// must use the same): a page without a valid tag is never served.
    pub fn with_l2_key(mut self, secret: &[u8]) -> PageCache {
        self.l2_key = Some(ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret));
        self
    }

    /// Pages read from Redis that failed their authentication so far.
    pub fn l2_rejected(&self) -> u64 {
        self.l2_rejected.load(Ordering::Relaxed)
    }

    fn l2_message(redis_key: &str, encoded: &[u8]) -> Vec<u8> {
        let mut m = Vec::with_capacity(redis_key.len() + 1 + encoded.len());
        m.extend_from_slice(redis_key.as_bytes());
        m.push(0);
        m.extend_from_slice(encoded);
        m
    }

    /// The value written to Redis for a page: sealed when a key is set.
    fn seal(&self, redis_key: &str, encoded: Vec<u8>) -> Vec<u8> {
        let Some(key) = &self.l2_key else {
            return encoded;
        };
        let tag = ring::hmac::sign(key, &Self::l2_message(redis_key, &encoded));
        let mut out = Vec::with_capacity(SEALED.len() + 32 + encoded.len());
        out.extend_from_slice(SEALED);
        out.extend_from_slice(tag.as_ref());
        out.extend_from_slice(&encoded);
        out
    }

    /// The page a Redis value holds, if it is authentic (or no key is set).
    fn open(&self, redis_key: &str, value: &[u8]) -> Option<CachedPage> {
        let Some(key) = &self.l2_key else {
            return CachedPage::decode(value);
        };
        let authentic = value.strip_prefix(SEALED).and_then(|rest| {
            let (tag, encoded) = rest.split_at_checked(32)?;
            ring::hmac::verify(key, &Self::l2_message(redis_key, encoded), tag)
                .ok()
                .map(|()| encoded)
        });
        match authentic {
            Some(encoded) => CachedPage::decode(encoded),
            None => {
                self.l2_rejected.fetch_add(1, Ordering::Relaxed);
                tracing::error!(
                    key = redis_key,
                    bytes = value.len(),
                    "a page in Redis failed its authentication (changed or planted behind the platform's back): not served, rendered anew"
                );
                None
            }
        }
    }

    pub fn config(&self) -> &CacheConfig {
        &self.cfg
    }

    pub fn enabled(&self) -> bool {
        self.cfg.enabled
    }

    /// Brings moka's pending bookkeeping (sizes, evictions) up to date.
    pub async fn sync(&self) {
        self.l1.run_pending_tasks().await;
    }

    /// Bytes and entries in L1 (approximate, as moka counts them).
    pub fn l1_usage(&self) -> (u64, u64) {
        (self.l1.weighted_size(), self.l1.entry_count())
    }

    /// Whether a shared (Redis) layer is configured.
    pub fn has_l2(&self) -> bool {
        self.redis.is_some()
    }

    /// Redis errors so far (0 without Redis).
    pub fn redis_errors(&self) -> u64 {
        self.redis.as_ref().map_or(0, |r| r.errors())
    }

    /// The page for `key` if L1 holds it (nothing else is asked, nothing rendered).
    pub async fn get_l1(&self, key: &PageKeyRef<'_>) -> Option<Arc<CachedPage>> {
        if !self.cfg.enabled {
            return None;
        }
        self.l1.get(key).await
    }

    /// Returns the page for `key` from L1, else L2, else by calling `render` — once per key,
    /// however many requests wait for it. A render error for which `unavailable` holds falls
    /// back to the last good page if it is younger than `stale_max`.
    pub async fn get_or_render<F, Fut, E>(
        &self,
        key: PageKey,
        render: F,
        unavailable: impl Fn(&E) -> bool,
    ) -> Result<(Arc<CachedPage>, Outcome), Arc<E>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedPage, E>>,
        E: Send + Sync + 'static,
    {
        if !self.cfg.enabled {
            return render()
                .await
                .map(|p| (Arc::new(p), Outcome::Bypass))
                .map_err(Arc::new);
        }
        if let Some(page) = self.l1.get(&key).await {
            return Ok((page, Outcome::L1Hit));
        }
        let outcome = AtomicU8::new(OUT_L1);
        let redis_key = self.redis.as_ref().map(|_| key.redis_key());
        let result = self
            .l1
            .try_get_with(key.clone(), async {
                if let (Some(r), Some(rk)) = (&self.redis, &redis_key)
                    && let Some(page) = r.get(rk).await.and_then(|v| self.open(rk, &v))
                {
                    outcome.store(OUT_L2, Ordering::Relaxed);
                    return Ok(Arc::new(page));
                }
                let page = Arc::new(render().await?);
                outcome.store(OUT_RENDERED, Ordering::Relaxed);
                if let (Some(r), Some(rk)) = (self.redis.clone(), redis_key.clone()) {
                    let encoded = self.seal(&rk, page.encode());
                    let ttl = self.cfg.ttl;
                    tokio::spawn(async move { r.set(&rk, &encoded, ttl).await });
                }
                Ok(page)
            })
            .await;
        match result {
            Ok(page) => {
                if outcome.load(Ordering::Relaxed) != OUT_L1 {
                    self.last_good.insert(key.stale_key(), page.clone()).await;
                }
                let out = match outcome.load(Ordering::Relaxed) {
                    OUT_L2 => Outcome::L2Hit,
                    OUT_RENDERED => Outcome::Rendered,
                    _ => Outcome::L1Hit,
                };
                Ok((page, out))
            }
            Err(e) if unavailable(&e) => match self.last_good.get(&key.stale_key()).await {
                Some(page) if page.age_ms() <= self.cfg.stale_max.as_millis() as u64 => {
                    Ok((page, Outcome::Stale))
                }
                _ => Err(e),
            },
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    fn key(gen_: u64, path: &str) -> PageKey {
        PageKey {
            tenant: 1,
            generation: gen_,
            path: path.into(),
            variant: "h".into(),
        }
    }

    fn page(body: &str) -> CachedPage {
        CachedPage::new(
            200,
            "text/html",
            "no-cache",
            body.as_bytes().to_vec(),
            false,
        )
    }

    #[tokio::test]
    async fn a_borrowed_key_finds_exactly_the_page_its_owned_twin_stored() {
        let cache = PageCache::new(CacheConfig::default(), None);
        let ok = |_: &()| false;
        cache
            .get_or_render(key(3, "/a"), || async { Ok::<_, ()>(page("a")) }, ok)
            .await
            .unwrap();
        let probe = |generation, path, variant| PageKeyRef {
            tenant: 1,
            generation,
            path,
            variant,
        };
        let hit = cache
            .get_l1(&probe(3, "/a", "h"))
            .await
            .expect("stored page");
        assert_eq!(&hit.identity[..], b"a");
        for other in [
            probe(2, "/a", "h"),
            probe(3, "/b", "h"),
            probe(3, "/a", "a"),
        ] {
            assert!(cache.get_l1(&other).await.is_none(), "{other:?}");
        }
        let off = PageCache::new(
            CacheConfig {
                enabled: false,
                ..CacheConfig::default()
            },
            None,
        );
        assert!(off.get_l1(&probe(3, "/a", "h")).await.is_none());
    }

    #[test]
    fn a_sealed_page_opens_only_under_its_key_and_its_redis_key_unchanged() {
        let cache =
            PageCache::new(CacheConfig::default(), None).with_l2_key(b"k".repeat(32).as_slice());
        let other =
            PageCache::new(CacheConfig::default(), None).with_l2_key(b"x".repeat(32).as_slice());
        let sealed = cache.seal("zq:page:1:3:h:/a", page("正文").encode());
        assert!(cache.open("zq:page:1:3:h:/a", &sealed).is_some());
        let mut flipped = sealed.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        for (c, key, value) in [
            (&other, "zq:page:1:3:h:/a", sealed.clone()),
            (&cache, "zq:page:1:3:h:/b", sealed.clone()),
            (&cache, "zq:page:1:3:h:/a", flipped),
            (&cache, "zq:page:1:3:h:/a", page("植入").encode()),
            (&cache, "zq:page:1:3:h:/a", Vec::new()),
        ] {
            assert!(c.open(key, &value).is_none(), "{key}");
        }
        assert_eq!(cache.l2_rejected(), 4);
    }

    #[tokio::test]
    async fn a_second_lookup_hits_and_a_new_generation_misses() {
        let cache = PageCache::new(CacheConfig::default(), None);
        let ok = |_: &()| false;
        let (_, o) = cache
            .get_or_render(key(1, "/"), || async { Ok::<_, ()>(page("a")) }, ok)
            .await
            .unwrap();
        assert_eq!(o, Outcome::Rendered);
        let (p, o) = cache
            .get_or_render(key(1, "/"), || async { Ok::<_, ()>(page("b")) }, ok)
            .await
            .unwrap();
        assert_eq!((o, &p.identity[..]), (Outcome::L1Hit, &b"a"[..]));
        let (p, o) = cache
            .get_or_render(key(2, "/"), || async { Ok::<_, ()>(page("c")) }, ok)
            .await
            .unwrap();
        assert_eq!((o, &p.identity[..]), (Outcome::Rendered, &b"c"[..]));
    }

    #[tokio::test]
    async fn concurrent_misses_render_once() {
        let cache = Arc::new(PageCache::new(CacheConfig::default(), None));
        let renders = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..100 {
            let (cache, renders) = (cache.clone(), renders.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_render(
                        key(1, "/cold"),
                        || async {
                            renders.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            Ok::<_, ()>(page("x"))
                        },
                        |_| false,
                    )
                    .await
                    .unwrap()
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn errors_are_not_cached_and_unavailability_serves_the_last_good_page() {
        let cache = PageCache::new(CacheConfig::default(), None);
        let unavailable = |e: &&str| *e == "down";
        cache
            .get_or_render(
                key(1, "/"),
                || async { Ok::<_, &str>(page("old")) },
                unavailable,
            )
            .await
            .unwrap();
        let (p, o) = cache
            .get_or_render(
                key(2, "/"),
                || async { Err::<CachedPage, _>("down") },
                unavailable,
            )
            .await
            .unwrap();
        assert_eq!((o, &p.identity[..]), (Outcome::Stale, &b"old"[..]));
        assert!(
            cache
                .get_or_render(
                    key(2, "/x"),
                    || async { Err::<CachedPage, _>("down") },
                    unavailable
                )
                .await
                .is_err(),
            "nothing stale to serve"
        );
        assert!(
            cache
                .get_or_render(
                    key(2, "/"),
                    || async { Err::<CachedPage, _>("404") },
                    unavailable
                )
                .await
                .is_err(),
            "other errors pass through"
        );
        let (_, o) = cache
            .get_or_render(
                key(2, "/"),
                || async { Ok::<_, &str>(page("new")) },
                unavailable,
            )
            .await
            .unwrap();
        assert_eq!(o, Outcome::Rendered, "the error was not cached");
    }

    #[tokio::test]
    async fn a_disabled_cache_always_renders() {
        let cache = PageCache::new(
            CacheConfig {
                enabled: false,
                ..CacheConfig::default()
            },
            None,
        );
        for _ in 0..2 {
            let (_, o) = cache
                .get_or_render(key(1, "/"), || async { Ok::<_, ()>(page("a")) }, |_| false)
                .await
                .unwrap();
            assert_eq!(o, Outcome::Bypass);
        }
    }

    #[tokio::test]
    async fn l1_and_the_stale_pages_together_stay_within_max_bytes() {
        let cache = PageCache::new(
            CacheConfig {
                max_bytes: 64 * 1024,
                ..CacheConfig::default()
            },
            None,
        );
        let body = "x".repeat(4096);
        for i in 0..200 {
            cache
                .get_or_render(
                    key(1, &format!("/{i}")),
                    || async { Ok::<_, ()>(page(&body)) },
                    |_| false,
                )
                .await
                .unwrap();
        }
        cache.l1.run_pending_tasks().await;
        cache.last_good.run_pending_tasks().await;
        let (bytes, _) = cache.l1_usage();
        let stale = cache.last_good.weighted_size();
        assert!(bytes > 0 && stale > 0, "both hold pages: {bytes} + {stale}");
        assert!(bytes + stale <= 64 * 1024, "{bytes} + {stale} bytes");
    }
}
