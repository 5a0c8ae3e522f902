//! Answers kept for a short while. Citizens ask the same few questions (社保, 公积金, 招聘) over
//! and over, and counting a cluster-wide question's facets visits every document it finds; so an
//! answer is kept for [`ANSWER_TTL`] — the short time the issue allows — and every commit to
//! this index forgets them all, so nothing published or withdrawn is ever answered from an
//! older state than the index's (an answer computed across a commit is not kept: the epoch it
//! was asked in has passed).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{Ask, Found};

/// How long an answer is kept (unless a commit comes first).
pub const ANSWER_TTL: Duration = Duration::from_secs(30);

/// Answers kept at most; past it the oldest half is dropped.
const KEPT: usize = 2048;

pub(super) struct Answers {
    ttl: Mutex<Duration>,
    epoch: AtomicU64,
    kept: Mutex<HashMap<String, (Instant, u64, Found)>>,
}

impl Answers {
    pub(super) fn new() -> Answers {
        Answers {
            ttl: Mutex::new(ANSWER_TTL),
            epoch: AtomicU64::new(0),
            kept: Mutex::default(),
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, u64, Found)>> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn ttl(&self) -> Duration {
        *self.ttl.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn set_ttl(&self, ttl: Duration) {
        *self.ttl.lock().unwrap_or_else(|p| p.into_inner()) = ttl;
        self.forget();
    }

    /// The question's key and the epoch it is asked in.
    pub(super) fn key(&self, ask: &Ask) -> (String, u64) {
        (format!("{ask:?}"), self.epoch.load(Ordering::Acquire))
    }

    /// The answer kept for `key`, if still fresh and of this epoch.
    pub(super) fn get(&self, key: &(String, u64)) -> Option<Found> {
        let ttl = self.ttl();
        if ttl.is_zero() {
            return None;
        }
        let kept = self.kept();
        let (at, epoch, found) = kept.get(&key.0)?;
        (*epoch == key.1 && at.elapsed() < ttl).then(|| found.clone())
    }

    /// Keeps `found` for `key`, unless a commit came since it was asked.
    pub(super) fn put(&self, key: (String, u64), found: &Found) {
        if self.ttl().is_zero() || self.epoch.load(Ordering::Acquire) != key.1 {
            return;
        }
        let mut kept = self.kept();
        if kept.len() >= KEPT {
            let mut ages: Vec<Instant> = kept.values().map(|(at, _, _)| *at).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            kept.retain(|_, (at, _, _)| *at > cut);
        }
        kept.insert(key.0, (Instant::now(), key.1, found.clone()));
    }

    /// Forgets every answer (the index changed).
    pub(super) fn forget(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        self.kept().clear();
    }
}
