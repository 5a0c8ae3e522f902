//! Counting for the statistics pages (发稿统计, the reporting trend): how many things fall on
//! each key (site, column, author, adoption place) and on each Beijing month of a period,
//! with the months that have none kept as zeros so a chart shows the gaps. Pure code; the
//! services feed it rows and the console draws what it returns.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};

use crate::time::beijing;

/// A calendar month in Beijing time: (year, month 1–12).
pub type Month = (i32, u32);

/// The most months a period may cover (ten years): a chart beyond that says nothing.
pub const MAX_MONTHS: usize = 120;

/// The Beijing month `at` falls in.
pub fn month_of(at: DateTime<Utc>) -> Month {
    let local = at.with_timezone(&beijing());
    (local.year(), local.month())
}

/// `2026-03`.
pub fn month_label((y, m): Month) -> String {
    format!("{y}-{m:02}")
}

/// The months `[from, to)` touches, in order; `None` when it is empty or longer than
/// [`MAX_MONTHS`].
pub fn months_between(from: DateTime<Utc>, to: DateTime<Utc>) -> Option<Vec<Month>> {
    if to <= from {
        return None;
    }
    let last = month_of(to - chrono::Duration::seconds(1));
    let mut at = month_of(from);
    let mut out = vec![at];
    while at != last {
        at = if at.1 == 12 {
            (at.0 + 1, 1)
        } else {
            (at.0, at.1 + 1)
        };
        out.push(at);
        if out.len() > MAX_MONTHS {
            return None;
        }
    }
    Some(out)
}

/// How many of `keys` are each key, most first (ties by key).
pub fn count_by<K: Ord + Clone>(keys: impl IntoIterator<Item = K>) -> Vec<(K, u64)> {
    let mut per: BTreeMap<K, u64> = BTreeMap::new();
    for k in keys {
        *per.entry(k).or_default() += 1;
    }
    let mut out: Vec<(K, u64)> = per.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// How many of `times` fall in each of `months` (zeros kept; times outside are left out).
pub fn per_month(
    times: impl IntoIterator<Item = DateTime<Utc>>,
    months: &[Month],
) -> Vec<(Month, u64)> {
    let mut out: Vec<(Month, u64)> = months.iter().map(|m| (*m, 0)).collect();
    for t in times {
        let m = month_of(t);
        if let Some(slot) = out.iter_mut().find(|(k, _)| *k == m) {
            slot.1 += 1;
        }
    }
    out
}

/// The length of a bar for `value` when the largest is `max`, out of `width`.
pub fn bar(value: u64, max: u64, width: u64) -> u64 {
    (value.min(max) * width).checked_div(max).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn bj(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        beijing()
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_period_covers_the_beijing_months_it_touches() {
        // (from, to, months)
        type Case = (DateTime<Utc>, DateTime<Utc>, Option<Vec<Month>>);
        let cases: [Case; 5] = [
            (
                bj(2026, 1, 1, 0),
                bj(2027, 1, 1, 0),
                Some((1..=12).map(|m| (2026, m)).collect()),
            ),
            (
                bj(2026, 11, 15, 0),
                bj(2027, 2, 1, 0),
                Some(vec![(2026, 11), (2026, 12), (2027, 1)]),
            ),
            // Midnight on the 1st in Beijing is still the 31st in UTC: it counts as the new month.
            (bj(2026, 3, 1, 0), bj(2026, 3, 2, 0), Some(vec![(2026, 3)])),
            (bj(2026, 3, 1, 0), bj(2026, 3, 1, 0), None),
            (bj(2000, 1, 1, 0), bj(2026, 1, 1, 0), None),
        ];
        for (from, to, want) in cases {
            assert_eq!(months_between(from, to), want, "{from} – {to}");
        }
    }

    #[test]
    fn counts_go_most_first_and_months_keep_their_zeros() {
        assert_eq!(
            count_by(["要闻", "通知", "要闻", "公告", "通知", "要闻"]),
            vec![("要闻", 3), ("通知", 2), ("公告", 1)]
        );
        assert_eq!(count_by(Vec::<i64>::new()), vec![]);
        let months = [(2026, 1), (2026, 2), (2026, 3)];
        let times = [
            bj(2026, 1, 5, 9),
            bj(2026, 3, 31, 23),
            bj(2026, 3, 1, 0),
            bj(2026, 4, 1, 0),
        ];
        assert_eq!(
            per_month(times, &months),
            vec![((2026, 1), 1), ((2026, 2), 0), ((2026, 3), 2)]
        );
        assert_eq!(month_label((2026, 3)), "2026-03");
    }

    #[test]
    fn bars_are_scaled_to_the_largest() {
        // (value, max, width, length)
        for (v, max, w, want) in [
            (5, 10, 200, 100),
            (10, 10, 200, 200),
            (0, 0, 200, 0),
            (12, 10, 200, 200),
        ] {
            assert_eq!(bar(v, max, w), want);
        }
    }
}
