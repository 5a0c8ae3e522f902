//! Cluster-wide Chinese search (issue 17): one tantivy index over every site's published
//! documents — articles and pages, the text of the files they link ([`extract`]), the public
//! registry's letters, later disclosure items and service guides — with the `zh` tokenizer
//! (jieba plus the cluster's own words). This crate knows nothing of HTTP or the database: the
//! services feed it [`Doc`]s from the event outbox and ask it [`Ask`]s; each node keeps its own
//! index directory.

mod extract;
mod index;
mod tokenizer;

pub use extract::{Extracted, Limits, extract};
pub use index::answers::ANSWER_TTL;
pub use index::{Ask, Changes, Doc, Facets, Found, Hit, SearchError, SearchIndex};
pub use tokenizer::{TOKENIZER, ZhTokenizer};
