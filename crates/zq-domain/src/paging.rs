//! Pagination of column lists: stable page numbers, out-of-range pages refused.

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

#[cfg(test)]
mod tests {
    use super::*;

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
