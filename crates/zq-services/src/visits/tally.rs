//! The node's running count of visits, kept in memory between flushes: page views per site and
//! hour, per page and per referring host, each site's HyperLogLog sketch of the day, and the
//! responses it served per hour with how many were server errors (the served 5xx rate).
//!
//! Counting runs on the cached-page path, so it must cost next to nothing there: the counts are
//! split into shards, one per worker thread (a thread keeps the shard it first drew), so two
//! workers never wait on each other's lock; a page already seen costs no allocation; and the
//! visitor hashes collect in the shard and enter the site's sketch (one lock for the whole
//! node) only a batch at a time. [`Tally::take`] merges the shards into a batch for the flush
//! (`super::flush`), which writes it and, if the database fails, gives it back.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use chrono::{DateTime, DurationRound, NaiveDate, Utc};
use zq_domain::TenantId;
use zq_domain::visits::{Sketch, visitor};
use zq_store::VisitBatch;

/// Visitor hashes a shard holds before it adds them to the sketches.
const SEEN_BATCH: usize = 256;

/// One thread's counts since the last flush.
#[derive(Default)]
struct Shard {
    hours: HashMap<(i64, DateTime<Utc>), i64>,
    pages: HashMap<i64, HashMap<Box<str>, i64>>,
    referrers: HashMap<(i64, String), i64>,
    /// Responses and server errors (5xx) per site and hour, page views included.
    served: HashMap<(i64, DateTime<Utc>), (i64, i64)>,
    /// Visitor hashes not yet in the sketches: (site, hash).
    seen: Vec<(i64, u64)>,
}

/// The day being counted and its sketches (the whole day so far, kept across flushes: each
/// flush replaces the node's sketch).
#[derive(Default)]
struct Day {
    /// Beijing time.
    day: Option<NaiveDate>,
    sketches: HashMap<i64, Sketch>,
    changed: HashSet<i64>,
}

impl Day {
    fn add(&mut self, seen: &[(i64, u64)]) {
        for &(tenant, who) in seen {
            self.sketches.entry(tenant).or_default().insert(who);
            self.changed.insert(tenant);
        }
    }
}

/// One node's counts since the last flush.
pub struct Tally {
    node: String,
    /// The day's salt of the visitor hashes.
    salt: AtomicU64,
    shards: Box<[Mutex<Shard>]>,
    day: Mutex<Day>,
}

impl Default for Tally {
    fn default() -> Self {
        let threads = std::thread::available_parallelism().map_or(2, usize::from);
        Tally {
            node: crate::jobs::node_name(),
            salt: AtomicU64::new(0),
            shards: (0..threads.clamp(1, 16))
                .map(|_| Mutex::default())
                .collect(),
            day: Mutex::default(),
        }
    }
}

/// Locks `m`, taking over a lock poisoned by a panic elsewhere (counts are plain numbers).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The hour `now` falls in.
fn hour_of(now: DateTime<Utc>) -> DateTime<Utc> {
    now.duration_trunc(chrono::Duration::hours(1))
        .unwrap_or(now)
}

impl Tally {
    /// The calling thread's shard.
    fn shard(&self) -> std::sync::MutexGuard<'_, Shard> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        thread_local! {
            static MINE: usize = NEXT.fetch_add(1, Ordering::Relaxed);
        }
        let i = MINE.with(|i| *i) % self.shards.len();
        lock(&self.shards[i])
    }

    /// This node's name in the sketches' rows.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// Counts one response of site `tenant` at `now` that is not a page view (a file, a feed,
    /// an error page, a robot's request): for the served 5xx rate.
    pub fn served(&self, tenant: TenantId, server_error: bool, now: DateTime<Utc>) {
        let hour = hour_of(now);
        let mut s = self.shard();
        let n = s.served.entry((tenant.0, hour)).or_default();
        n.0 += 1;
        n.1 += i64::from(server_error);
    }

    /// Counts one page view of site `tenant` at `now` (a response served, too).
    pub fn count(
        &self,
        tenant: TenantId,
        path: &str,
        address: &[u8],
        user_agent: &str,
        referrer: Option<String>,
        now: DateTime<Utc>,
    ) {
        let hour = hour_of(now);
        let who = visitor(self.salt.load(Ordering::Relaxed), address, user_agent);
        let full = {
            let mut s = self.shard();
            *s.hours.entry((tenant.0, hour)).or_default() += 1;
            s.served.entry((tenant.0, hour)).or_default().0 += 1;
            let pages = s.pages.entry(tenant.0).or_default();
            match pages.get_mut(path) {
                Some(n) => *n += 1,
                None => {
                    pages.insert(path.into(), 1);
                }
            }
            if let Some(host) = referrer {
                *s.referrers.entry((tenant.0, host)).or_default() += 1;
            }
            s.seen.push((tenant.0, who));
            (s.seen.len() >= SEEN_BATCH).then(|| std::mem::take(&mut s.seen))
        };
        if let Some(seen) = full {
            lock(&self.day).add(&seen);
        }
    }

    /// The day being counted, if set.
    pub(super) fn day(&self) -> Option<NaiveDate> {
        lock(&self.day).day
    }

    /// Starts counting `day` with `salt` (the day's sketches start empty).
    pub(super) fn start_day(&self, day: NaiveDate, salt: u64) {
        let mut d = lock(&self.day);
        d.day = Some(day);
        d.sketches.clear();
        d.changed.clear();
        self.salt.store(salt, Ordering::Relaxed);
    }

    /// Takes the counts since the last flush as a batch for the store.
    pub(super) fn take(&self, fallback_day: NaiveDate) -> VisitBatch {
        let mut all = Shard::default();
        for shard in &self.shards {
            let mut s = lock(shard);
            for (k, n) in s.hours.drain() {
                *all.hours.entry(k).or_default() += n;
            }
            for (t, paths) in s.pages.drain() {
                let mine = all.pages.entry(t).or_default();
                for (p, n) in paths {
                    *mine.entry(p).or_default() += n;
                }
            }
            for (k, n) in s.referrers.drain() {
                *all.referrers.entry(k).or_default() += n;
            }
            for (k, (n, e)) in s.served.drain() {
                let m = all.served.entry(k).or_default();
                m.0 += n;
                m.1 += e;
            }
            all.seen.append(&mut s.seen);
        }
        let mut d = lock(&self.day);
        d.add(&all.seen);
        let day = d.day.unwrap_or(fallback_day);
        let changed = std::mem::take(&mut d.changed);
        VisitBatch {
            hours: all
                .hours
                .into_iter()
                .map(|((t, h), n)| (TenantId(t), h, n))
                .collect(),
            pages: all
                .pages
                .into_iter()
                .flat_map(|(t, paths)| {
                    paths
                        .into_iter()
                        .map(move |(p, n)| (TenantId(t), day, p.into_string(), n))
                })
                .collect(),
            referrers: all
                .referrers
                .into_iter()
                .map(|((t, h), n)| (TenantId(t), day, h, n))
                .collect(),
            sketches: changed
                .into_iter()
                .filter_map(|t| d.sketches.get(&t).map(|s| (TenantId(t), day, s.to_bytes())))
                .collect(),
            served: all
                .served
                .into_iter()
                .map(|((t, h), (n, e))| (TenantId(t), h, n, e))
                .collect(),
        }
    }

    /// Gives back a batch the store could not take, so the next flush writes it.
    pub(super) fn give_back(&self, batch: VisitBatch) {
        {
            let mut d = lock(&self.day);
            for (t, _, _) in batch.sketches {
                d.changed.insert(t.0);
            }
        }
        let mut s = self.shard();
        for (t, h, n) in batch.hours {
            *s.hours.entry((t.0, h)).or_default() += n;
        }
        for (t, _, p, n) in batch.pages {
            *s.pages
                .entry(t.0)
                .or_default()
                .entry(p.into_boxed_str())
                .or_default() += n;
        }
        for (t, _, h, n) in batch.referrers {
            *s.referrers.entry((t.0, h)).or_default() += n;
        }
        for (t, h, n, e) in batch.served {
            let m = s.served.entry((t.0, h)).or_default();
            m.0 += n;
            m.1 += e;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> DateTime<Utc> {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 7, h, 15, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn counts_from_many_threads_merge_into_one_batch_with_every_visitor_in_the_sketch() {
        let tally = Tally::default();
        std::thread::scope(|scope| {
            for thread in 0..4u8 {
                let tally = &tally;
                scope.spawn(move || {
                    for i in 0..1000u32 {
                        let address = [10, thread, (i >> 8) as u8, i as u8];
                        tally.count(TenantId(1), "/", &address, "Firefox", None, at(2));
                        tally.served(TenantId(1), i % 100 == 0, at(2));
                    }
                    tally.count(
                        TenantId(2),
                        "/a/",
                        &[1, 2, 3, thread],
                        "Firefox",
                        Some("example.org".into()),
                        at(3),
                    );
                });
            }
        });
        let batch = tally.take(NaiveDate::default());
        let hour = |t| batch.hours.iter().find(|r| r.0 == TenantId(t)).map(|r| r.2);
        assert_eq!(hour(1), Some(4000));
        assert_eq!(hour(2), Some(4));
        let served: Vec<_> = batch.served.iter().filter(|r| r.0 == TenantId(1)).collect();
        assert_eq!(served.len(), 1);
        assert_eq!((served[0].2, served[0].3), (8000, 40));
        assert_eq!(batch.pages.iter().map(|p| p.3).sum::<i64>(), 4004);
        assert_eq!(
            batch.referrers,
            vec![(TenantId(2), NaiveDate::default(), "example.org".into(), 4)]
        );
        let sketch = |t| {
            batch
                .sketches
                .iter()
                .find(|s| s.0 == TenantId(t))
                .and_then(|s| Sketch::from_bytes(&s.2))
                .map(|s| s.estimate())
        };
        let ones = sketch(1).unwrap_or_default();
        assert!(
            (3900..=4100).contains(&ones),
            "estimate {ones} of 4000 visitors"
        );
        assert_eq!(sketch(2), Some(4));
        assert_eq!(
            tally.take(NaiveDate::default()),
            VisitBatch::default(),
            "a second take is empty"
        );
    }

    #[test]
    fn a_batch_given_back_is_in_the_next_take() {
        let tally = Tally::default();
        tally.count(TenantId(7), "/", &[1, 1, 1, 1], "Firefox", None, at(9));
        let first = tally.take(NaiveDate::default());
        tally.give_back(first.clone());
        let mut again = tally.take(NaiveDate::default());
        let mut first = first;
        for b in [&mut first, &mut again] {
            b.hours.sort();
            b.pages.sort();
        }
        assert_eq!(again, first);
    }
}
