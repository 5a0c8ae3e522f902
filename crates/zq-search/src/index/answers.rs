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

/// Answers kept at most, and their size at most (a cluster-wide answer counts a thousand
/// sites); past either, the oldest half is dropped.
const KEPT: usize = 2048;
const KEPT_BYTES: usize = 64 * 1024 * 1024;

pub(super) struct Answers {
    ttl: Mutex<Duration>,
    epoch: AtomicU64,
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    answers: HashMap<String, (Instant, u64, Found)>,
    bytes: usize,
}

/// About how much memory an answer takes.
fn size_of(key: &str, f: &Found) -> usize {
    let hits: usize = f
        .hits
        .iter()
        .map(|h| {
            h.key.len()
                + h.tenant.len()
                + h.column.len()
                + h.kind.len()
                + h.title_html.len()
                + h.snippet_html.len()
                + h.url.len()
                + 160
        })
        .sum();
    let facets = &f.facets;
    let counted = facets
        .sites
        .iter()
        .map(|(s, _)| s.len() + 32)
        .sum::<usize>()
        + facets
            .columns
            .iter()
            .map(|((s, c), _)| s.len() + c.len() + 56)
            .sum::<usize>()
        + facets
            .kinds
            .iter()
            .map(|(k, _)| k.len() + 32)
            .sum::<usize>()
        + facets.years.len() * 16;
    key.len() + hits + counted + 128
}

impl Answers {
    pub(super) fn new() -> Answers {
        Answers {
            ttl: Mutex::new(ANSWER_TTL),
            epoch: AtomicU64::new(0),
            kept: Mutex::default(),
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
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
        let (at, epoch, found) = kept.answers.get(&key.0)?;
        (*epoch == key.1 && at.elapsed() < ttl).then(|| found.clone())
    }

    /// Keeps `found` for `key`, unless a commit came since it was asked.
    pub(super) fn put(&self, key: (String, u64), found: &Found) {
        if self.ttl().is_zero() || self.epoch.load(Ordering::Acquire) != key.1 {
            return;
        }
        let size = size_of(&key.0, found);
        let mut kept = self.kept();
        if kept.answers.len() >= KEPT || kept.bytes + size > KEPT_BYTES {
            let mut ages: Vec<Instant> = kept.answers.values().map(|(at, _, _)| *at).collect();
            ages.sort_unstable();
            let cut = ages.get(ages.len() / 2).copied();
            kept.answers
                .retain(|_, (at, _, _)| cut.is_some_and(|cut| *at > cut));
            kept.bytes = kept
                .answers
                .iter()
                .map(|(k, (_, _, f))| size_of(k, f))
                .sum();
        }
        if let Some((_, _, old)) = kept.answers.get(&key.0) {
            kept.bytes = kept.bytes.saturating_sub(size_of(&key.0, old));
        }
        kept.bytes += size;
        kept.answers
            .insert(key.0, (Instant::now(), key.1, found.clone()));
    }

    /// Forgets every answer (the index changed).
    pub(super) fn forget(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        let mut kept = self.kept();
        kept.answers.clear();
        kept.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_kept_until_a_commit_and_never_across_one() {
        let answers = Answers::new();
        let ask = Ask {
            text: "防汛".into(),
            ..Ask::default()
        };
        let found = Found {
            total: 3,
            ..Found::default()
        };
        let key = answers.key(&ask);
        assert!(answers.get(&key).is_none());
        answers.put(key.clone(), &found);
        assert_eq!(answers.get(&answers.key(&ask)).map(|f| f.total), Some(3));
        // Asked before a commit, answered after it: not kept.
        let before = answers.key(&ask);
        answers.forget();
        answers.put(before, &found);
        assert!(answers.get(&answers.key(&ask)).is_none());
        // No time to live: nothing kept.
        answers.set_ttl(Duration::ZERO);
        let key = answers.key(&ask);
        answers.put(key.clone(), &found);
        assert!(answers.get(&key).is_none());
    }
}
