//! Counting the facets of the documents found — site, column, kind and year — from the
//! columnar (fast) fields: per segment, one ordinal read and one counter raised per document
//! and facet, and only the ordinals that were counted turned back into text at the end.
//! (tantivy's `FacetCollector` over a hierarchical facet field walked every distinct facet
//! of a thousand sites' columns for every question: a tenth of the speed.) Columns are counted
//! only when one site is in scope — the only time a reader can pick one — since a question
//! over the cluster finds thousands of sites' columns, and turning each into text per segment
//! cost a third of such a question's time.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// The text facets counted, by their fast field.
pub(super) const TEXT_FACETS: [&str; 3] = ["tenant", "colkey", "kind"];
/// The year facet's fast field.
pub(super) const YEAR: &str = "year";

/// What was counted: per text facet (in [`TEXT_FACETS`] order) value → documents, and year →
/// documents.
#[derive(Debug, Default)]
pub(super) struct Counted {
    pub(super) text: [HashMap<String, u64>; 3],
    pub(super) years: HashMap<u64, u64>,
}

/// The collector; `columns`: whether the column facet is counted.
pub(super) struct FacetCounts {
    pub(super) columns: bool,
}

/// Years counted in an array from this one (earlier or far later ones are not counted).
const FIRST_YEAR: u64 = 1950;
const YEARS: usize = 150;

pub(super) struct SegmentFacetCounts {
    columns: Vec<Option<StrColumn>>,
    counts: Vec<Vec<u32>>,
    year: Option<Column<u64>>,
    years: Vec<u32>,
}

impl Collector for FacetCounts {
    type Fruit = Counted;
    type Child = SegmentFacetCounts;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounts> {
        let fast = reader.fast_fields();
        let mut columns = Vec::new();
        let mut counts = Vec::new();
        for name in TEXT_FACETS {
            let column = if name == "colkey" && !self.columns {
                None
            } else {
                fast.str(name)?
            };
            counts.push(vec![0u32; column.as_ref().map_or(0, |c| c.num_terms())]);
            columns.push(column);
        }
        Ok(SegmentFacetCounts {
            columns,
            counts,
            year: fast.u64(YEAR).ok(),
            years: vec![0; YEARS],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counted>) -> tantivy::Result<Counted> {
        let mut all = Counted::default();
        for f in fruits {
            for (i, map) in f.text.into_iter().enumerate() {
                for (k, n) in map {
                    *all.text[i].entry(k).or_default() += n;
                }
            }
            for (y, n) in f.years {
                *all.years.entry(y).or_default() += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentFacetCounts {
    type Fruit = Counted;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (column, counts) in self.columns.iter().zip(self.counts.iter_mut()) {
            if let Some(ord) = column.as_ref().and_then(|c| c.ords().first(doc))
                && let Some(n) = counts.get_mut(ord as usize)
            {
                *n += 1;
            }
        }
        if let Some(y) = self.year.as_ref().and_then(|c| c.first(doc))
            && let Some(n) = self.years.get_mut(y.wrapping_sub(FIRST_YEAR) as usize)
        {
            *n += 1;
        }
    }

    fn harvest(self) -> Counted {
        let mut out = Counted {
            years: self
                .years
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(i, n)| (FIRST_YEAR + i as u64, u64::from(*n)))
                .collect(),
            ..Counted::default()
        };
        for (i, (column, counts)) in self.columns.iter().zip(self.counts).enumerate() {
            let Some(column) = column else { continue };
            // The counted ordinals in order, turned into text in one walk of the dictionary.
            let (ords, ns): (Vec<u64>, Vec<u32>) = counts
                .into_iter()
                .enumerate()
                .filter(|(_, n)| *n > 0)
                .map(|(ord, n)| (ord as u64, n))
                .unzip();
            let mut ns = ns.into_iter();
            let map = &mut out.text[i];
            let _ = column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
                if let Some(n) = ns.next() {
                    *map.entry(String::from_utf8_lossy(bytes).into_owned())
                        .or_default() += u64::from(n);
                }
            });
        }
        out
    }
}
