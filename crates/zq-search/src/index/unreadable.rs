//! The files of a site whose text could not be read (damaged, encrypted, too large, a format
//! not read): indexed by their names only, and listed for the site's clerks so they can upload
//! a readable copy.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime as TDate, Order, TantivyDocument, Term};

use super::{Doc, SearchError, SearchIndex, stored};

impl SearchIndex {
    /// Up to `limit` of site `site`'s documents whose text could not be read, newest first.
    pub fn unreadable(&self, site: &str, limit: usize) -> Result<Vec<Doc>, SearchError> {
        let f = self.fields;
        let term =
            |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
        let query = BooleanQuery::new(vec![
            (Occur::Must, term(Term::from_field_text(f.tenant, site))),
            (Occur::Must, term(Term::from_field_u64(f.unreadable, 1))),
        ]);
        let searcher = self.reader.searcher();
        let top =
            TopDocs::with_limit(limit.max(1)).order_by_fast_field::<TDate>("date", Order::Desc);
        let mut out = Vec::new();
        for (_, address) in searcher.search(&query, &top)? {
            let doc: TantivyDocument = searcher.doc(address)?;
            out.push(stored(&doc, f));
        }
        Ok(out)
    }
}
