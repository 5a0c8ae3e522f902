//! The node's running count of visits, kept in memory between flushes: page views per site and
//! hour, per page and per referring host, each site's HyperLogLog sketch of the day, and the
//! responses it served per hour with how many were server errors (the served 5xx rate). Counting
//! is one short lock and a few hash-map updates, with no allocation for a page already seen, so
//! the cached-page path pays next to nothing; [`Tally::take`] hands the counts to the flush
//! (`super::flush`), which writes them and, if the database fails, gives them back.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use chrono::{DateTime, DurationRound, NaiveDate, Utc};
use zq_domain::TenantId;
use zq_domain::visits::{Sketch, visitor};
use zq_store::VisitBatch;

#[derive(Default)]
struct Counts {
    /// The day being counted (Beijing time) and its salt.
    day: Option<NaiveDate>,
    salt: u64,
    hours: HashMap<(i64, DateTime<Utc>), i64>,
    pages: HashMap<i64, HashMap<Box<str>, i64>>,
    referrers: HashMap<(i64, String), i64>,
    /// Responses and server errors (5xx) per site and hour, page views included.
    served: HashMap<(i64, DateTime<Utc>), (i64, i64)>,
    /// The whole day so far (kept across flushes: each flush replaces the node's sketch).
    sketches: HashMap<i64, Sketch>,
    changed: HashSet<i64>,
}

/// One node's counts since the last flush.
pub struct Tally {
    node: String,
    counts: Mutex<Counts>,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            node: crate::jobs::node_name(),
            counts: Mutex::default(),
        }
    }
}

impl Tally {
    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// This node's name in the sketches' rows.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// Counts one response of site `tenant` at `now` that is not a page view (a file, a feed,
    /// an error page, a robot's request): for the served 5xx rate.
    pub fn served(&self, tenant: TenantId, server_error: bool, now: DateTime<Utc>) {
        let hour = now
            .duration_trunc(chrono::Duration::hours(1))
            .unwrap_or(now);
        let mut c = self.lock();
        let n = c.served.entry((tenant.0, hour)).or_default();
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
        let hour = now
            .duration_trunc(chrono::Duration::hours(1))
            .unwrap_or(now);
        let mut c = self.lock();
        let who = visitor(c.salt, address, user_agent);
        *c.hours.entry((tenant.0, hour)).or_default() += 1;
        c.served.entry((tenant.0, hour)).or_default().0 += 1;
        let pages = c.pages.entry(tenant.0).or_default();
        match pages.get_mut(path) {
            Some(n) => *n += 1,
            None => {
                pages.insert(path.into(), 1);
            }
        }
        if let Some(host) = referrer {
            *c.referrers.entry((tenant.0, host)).or_default() += 1;
        }
        c.sketches.entry(tenant.0).or_default().insert(who);
        c.changed.insert(tenant.0);
    }

    /// The day being counted, if set.
    pub(super) fn day(&self) -> Option<NaiveDate> {
        self.lock().day
    }

    /// Starts counting `day` with `salt` (the day's sketches start empty).
    pub(super) fn start_day(&self, day: NaiveDate, salt: u64) {
        let mut c = self.lock();
        c.day = Some(day);
        c.salt = salt;
        c.sketches.clear();
        c.changed.clear();
    }

    /// Takes the counts since the last flush as a batch for the store.
    pub(super) fn take(&self, fallback_day: NaiveDate) -> VisitBatch {
        let mut c = self.lock();
        let day = c.day.unwrap_or(fallback_day);
        let changed = std::mem::take(&mut c.changed);
        VisitBatch {
            hours: c
                .hours
                .drain()
                .map(|((t, h), n)| (TenantId(t), h, n))
                .collect(),
            pages: c
                .pages
                .drain()
                .flat_map(|(t, paths)| {
                    paths
                        .into_iter()
                        .map(move |(p, n)| (TenantId(t), day, p.into_string(), n))
                })
                .collect(),
            referrers: c
                .referrers
                .drain()
                .map(|((t, h), n)| (TenantId(t), day, h, n))
                .collect(),
            sketches: changed
                .into_iter()
                .filter_map(|t| c.sketches.get(&t).map(|s| (TenantId(t), day, s.to_bytes())))
                .collect(),
            served: c
                .served
                .drain()
                .map(|((t, h), (n, e))| (TenantId(t), h, n, e))
                .collect(),
        }
    }

    /// Gives back a batch the store could not take, so the next flush writes it.
    pub(super) fn give_back(&self, batch: VisitBatch) {
        let mut c = self.lock();
        for (t, h, n) in batch.hours {
            *c.hours.entry((t.0, h)).or_default() += n;
        }
        for (t, _, p, n) in batch.pages {
            *c.pages
                .entry(t.0)
                .or_default()
                .entry(p.into_boxed_str())
                .or_default() += n;
        }
        for (t, _, h, n) in batch.referrers {
            *c.referrers.entry((t.0, h)).or_default() += n;
        }
        for (t, _, _) in batch.sketches {
            c.changed.insert(t.0);
        }
        for (t, h, n, e) in batch.served {
            let s = c.served.entry((t.0, h)).or_default();
            s.0 += n;
            s.1 += e;
        }
    }
}
