//! Pagination of column lists: stable page numbers, out-of-range pages refused, and the pager's
//! window of page links (narrow enough for a phone, with a gap marked where pages are skipped).

/// One page of a list: which 1-based page and how many items a page holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: u32,
    pub size: u32,
}

impl Page {
    pub fn new(number: u32, size: u32) -> Self {
        Self {
            number: number.max(1),
            size: size.max(1),
        }
    }

    /// How many rows to skip before this page.
    pub fn offset(self) -> u64 {
        u64::from(self.number - 1) * u64::from(self.size)
    }

    /// Number of pages for `total` items; an empty list still has its first page.
    pub fn count(total: u64, size: u32) -> u32 {
        let pages = total.div_ceil(u64::from(size.max(1))).max(1);
        u32::try_from(pages).unwrap_or(u32::MAX)
    }

    /// Whether this page exists for a list of `total` items.
    pub fn exists(self, total: u64) -> bool {
        self.number <= Self::count(total, self.size)
    }
}

/// Pages linked either side of the current one.
pub const PAGER_REACH: u32 = 2;

/// The page numbers a pager shows for page `current` of `total`: the first, the last and
/// [`PAGER_REACH`] either side of the current one, each with whether pages were skipped just
/// before it (the pager shows "…" there).
pub fn pager_window(current: u32, total: u32) -> Vec<(u32, bool)> {
    let total = total.max(1);
    let current = current.clamp(1, total);
    let lo = current.saturating_sub(PAGER_REACH).max(1);
    let hi = (current + PAGER_REACH).min(total);
    let mut numbers: Vec<u32> = (lo..=hi).collect();
    if lo > 1 {
        numbers.insert(0, 1);
    }
    if hi < total {
        numbers.push(total);
    }
    let mut last = 0;
    numbers
        .into_iter()
        .map(|n| {
            let gap = n > last + 1;
            last = n;
            (n, gap)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pager_shows_ends_a_window_and_gaps() {
        let show = |c, t| {
            pager_window(c, t)
                .into_iter()
                .map(|(n, gap)| {
                    if gap {
                        format!("…{n}")
                    } else {
                        n.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let cases = [
            (1, 1, "1"),
            (1, 5, "1 2 3 …5"),
            (1, 4, "1 2 3 4"),
            (3, 5, "1 2 3 4 5"),
            (7, 39, "1 …5 6 7 8 9 …39"),
            (39, 39, "1 …37 38 39"),
            (4, 39, "1 2 3 4 5 6 …39"),
            (99, 3, "1 2 3"),
        ];
        for (c, t, want) in cases {
            assert_eq!(show(c, t), want, "page {c} of {t}");
        }
    }

    #[test]
    fn page_counts_and_ranges() {
        let cases: &[(u64, u32, u32)] = &[
            (0, 20, 1),
            (1, 20, 1),
            (20, 20, 1),
            (21, 20, 2),
            (400, 20, 20),
        ];
        for &(total, size, pages) in cases {
            assert_eq!(Page::count(total, size), pages, "{total}/{size}");
        }
        assert!(Page::new(1, 20).exists(0));
        assert!(Page::new(2, 20).exists(21));
        assert!(!Page::new(3, 20).exists(40));
        assert_eq!(Page::new(3, 20).offset(), 40);
        assert_eq!(Page::new(0, 0), Page::new(1, 1));
    }
}
