//! The index: its schema (a document's key, site, column, kind, title, text, numbers, date and
//! address), adding and replacing documents by key, removing them; answering a question within
//! a scope of sites with highlighted titles and snippets is in `ask`. Every write is committed
//! before it returns, so what a caller was told is indexed is searchable.

use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use tantivy::schema::{
    DateOptions, FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING,
    Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::{
    DateTime as TDate, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term,
};

use crate::tokenizer::{TOKENIZER, ZhTokenizer};

/// Why the index could not do something.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("search index files: {0}")]
    Io(#[from] std::io::Error),
}

/// A document as it is indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// Unique in the cluster, e.g. `article:12`: adding it again replaces it. A document that
    /// belongs to another — an article's attachment, `article:12#file:{sha256}` — is keyed
    /// under its owner's key and `#`, and goes with it: replacing or removing `article:12`
    /// replaces or removes its attachments too.
    pub key: String,
    /// The site's code.
    pub tenant: String,
    /// The column's name (empty when none).
    pub column: String,
    /// `article`, `attachment`, `letter`, `disclosure`, `guide`.
    pub kind: String,
    pub title: String,
    /// Plain text.
    pub body: String,
    /// 索引号, 文号 and the like, found as typed.
    pub numbers: Vec<String>,
    pub date: DateTime<Utc>,
    /// Where the document is read.
    pub url: String,
    /// Why a file's text could not be read (it is found by its name only); reported to the
    /// site's clerks.
    pub note: Option<String>,
}

/// A question.
#[derive(Debug, Clone, Default)]
pub struct Ask {
    pub text: String,
    /// Only these sites (codes); empty: the whole cluster.
    pub sites: Vec<String>,
    pub limit: usize,
    pub offset: usize,
    /// Newest first instead of best first.
    pub by_date: bool,
    /// Only this column (site code, column name), this kind, this year (Beijing time): the
    /// facets a reader picked.
    pub column: Option<(String, String)>,
    pub kind: Option<String>,
    pub year: Option<i32>,
    /// Groups of words that stand for each other (the office's synonyms for this scope).
    pub synonyms: Vec<Vec<String>>,
}

/// One document found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub key: String,
    pub tenant: String,
    pub column: String,
    pub kind: String,
    /// The title with the words found in `<b>` (HTML-escaped).
    pub title_html: String,
    /// A passage of the text with the words found in `<b>` (HTML-escaped).
    pub snippet_html: String,
    pub date: DateTime<Utc>,
    pub url: String,
    pub score: f32,
}

/// What a question found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// How many of all the documents found fall on each site, column, kind and year.
    pub facets: Facets,
}

/// Counts of the documents found, most first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// Site codes.
    pub sites: Vec<(String, u64)>,
    /// (site code, column name); counted only when one site is in scope (a reader picks a
    /// column of that site).
    pub columns: Vec<((String, String), u64)>,
    pub kinds: Vec<(String, u64)>,
    /// Years (Beijing time), newest first.
    pub years: Vec<(i32, u64)>,
}

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    /// The key of the document this one belongs to (its own key when it belongs to none).
    owner: Field,
    /// 1 when the text could not be read; `note` says why.
    unreadable: Field,
    note: Field,
    tenant: Field,
    column: Field,
    kind: Field,
    title: Field,
    body: Field,
    numbers: Field,
    date: Field,
    url: Field,
    /// `/site/{code}`, `/column/{code}␟{name}`, `/kind/{kind}`, `/year/{year}`.
    facets: Field,
    /// `{site}␟{column}`, for counting columns.
    colkey: Field,
    /// The year in Beijing time, for counting years.
    year: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let zh = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { o.set_stored() } else { o }
    };
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        owner: b.add_text_field("owner", STRING),
        unreadable: b.add_u64_field("unreadable", INDEXED),
        note: b.add_text_field("note", STORED),
        tenant: b.add_text_field("tenant", STRING | STORED | FAST),
        column: b.add_text_field("column", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED | FAST),
        title: b.add_text_field("title", zh(true)),
        body: b.add_text_field("body", zh(true)),
        numbers: b.add_text_field("numbers", zh(true)),
        date: b.add_date_field("date", DateOptions::from(INDEXED).set_stored().set_fast()),
        url: b.add_text_field("url", STORED),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        colkey: b.add_text_field("colkey", STRING | FAST),
        year: b.add_u64_field("year", FAST),
    };
    (b.build(), fields)
}

/// What one commit changes.
#[derive(Debug, Default, Clone, Copy)]
pub struct Changes<'a> {
    /// Added, or replacing the documents with the same keys.
    pub docs: &'a [Doc],
    /// Keys removed.
    pub gone: &'a [String],
    /// Sites whose documents are all removed (before `docs` are added).
    pub gone_sites: &'a [String],
    /// The event id the index stands at after this commit.
    pub position: Option<i64>,
}

/// One index, its writer and its reader.
pub struct SearchIndex {
    index: Index,
    fields: Fields,
    /// Taken at the first write, so a process that only reads (a rebuild copying another
    /// process's index) never contends for the directory's writer lock.
    writer: Mutex<Option<IndexWriter>>,
    reader: IndexReader,
    tokenizer: ZhTokenizer,
    /// Traditional characters to simplified (OpenCC `t2s`), for questions typed in 繁體: the
    /// index holds the simplified text the sites publish.
    simplify: Option<ferrous_opencc::OpenCC>,
    /// Answers kept until the next commit, at most [`ANSWER_TTL`].
    answers: answers::Answers,
}

/// Between a site's code and a column's name in the column facet (one level, so one pass
/// counts every site's columns).
const COLUMN_SEP: char = '\u{1f}';

/// Memory the writer may use before it flushes a segment.
const WRITER_BYTES: usize = 50_000_000;

impl SearchIndex {
    /// A new index in memory (tests, and building aside before a swap).
    pub fn in_memory(tokenizer: ZhTokenizer) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        SearchIndex::with(Index::create_in_ram(schema), fields, tokenizer)
    }

    /// The index in `dir`, created there when there is none.
    pub fn open_or_create(dir: &Path, tokenizer: ZhTokenizer) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        std::fs::create_dir_all(dir)
            .map_err(|e| tantivy::TantivyError::SystemError(format!("{}: {e}", dir.display())))?;
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::open_or_create(directory, schema)?;
        SearchIndex::with(index, fields, tokenizer)
    }

    fn with(
        index: Index,
        fields: Fields,
        tokenizer: ZhTokenizer,
    ) -> Result<SearchIndex, SearchError> {
        index.tokenizers().register(TOKENIZER, tokenizer.clone());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            fields,
            writer: Mutex::new(None),
            reader,
            tokenizer,
            simplify: ferrous_opencc::OpenCC::from_config(
                ferrous_opencc::config::BuiltinConfig::T2s,
            )
            .ok(),
            answers: answers::Answers::new(),
        })
    }

    /// How long answers are kept (zero: not kept; benchmarks measure both).
    pub fn set_answer_ttl(&self, ttl: std::time::Duration) {
        self.answers.set_ttl(ttl);
    }

    fn document(&self, d: &Doc) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, &d.key);
        doc.add_text(f.owner, owner_of(&d.key));
        if let Some(note) = &d.note {
            doc.add_u64(f.unreadable, 1);
            doc.add_text(f.note, note);
        }
        doc.add_text(f.tenant, &d.tenant);
        doc.add_text(f.column, &d.column);
        doc.add_text(f.kind, &d.kind);
        doc.add_text(f.title, &d.title);
        doc.add_text(f.body, &d.body);
        for n in &d.numbers {
            doc.add_text(f.numbers, n);
        }
        doc.add_date(f.date, TDate::from_timestamp_secs(d.date.timestamp()));
        doc.add_text(f.url, &d.url);
        // The year in Beijing time (UTC+8, no daylight saving).
        let year = (d.date + chrono::Duration::hours(8))
            .format("%Y")
            .to_string();
        doc.add_text(f.colkey, format!("{}{COLUMN_SEP}{}", d.tenant, d.column));
        doc.add_u64(f.year, year.parse().unwrap_or(0));
        for path in [
            vec!["site", d.tenant.as_str()],
            vec!["column", &format!("{}{COLUMN_SEP}{}", d.tenant, d.column)],
            vec!["kind", d.kind.as_str()],
            vec!["year", year.as_str()],
        ] {
            doc.add_facet(f.facets, Facet::from_path(path));
        }
        doc
    }

    /// Adds the documents (replacing those with the same keys) and removes the keys in
    /// `gone`, in one commit; searchable when this returns.
    pub fn apply(&self, docs: &[Doc], gone: &[String]) -> Result<(), SearchError> {
        self.commit(&Changes {
            docs,
            gone,
            ..Changes::default()
        })
    }

    /// Makes `changes` in one commit, recording their event position with it (so the index
    /// and where it stands in the event outbox never disagree); searchable when this returns.
    pub fn commit(&self, changes: &Changes<'_>) -> Result<(), SearchError> {
        let f = self.fields;
        let mut guard = self.writer()?;
        let Some(w) = guard.as_mut() else {
            return Ok(());
        };
        for site in changes.gone_sites {
            w.delete_term(Term::from_field_text(f.tenant, site));
        }
        for key in changes
            .gone
            .iter()
            .chain(changes.docs.iter().map(|d| &d.key))
        {
            w.delete_term(Term::from_field_text(f.owner, owner_of(key)));
        }
        for d in changes.docs {
            w.add_document(self.document(d))?;
        }
        let mut prepared = w.prepare_commit()?;
        if let Some(p) = changes.position {
            prepared.set_payload(&p.to_string());
        }
        prepared.commit()?;
        drop(guard);
        self.reader.reload()?;
        self.answers.forget();
        Ok(())
    }

    /// Adds documents without committing (a new index being built: no key is there yet);
    /// the next [`SearchIndex::commit`] makes them searchable.
    pub fn stage(&self, docs: &[Doc]) -> Result<(), SearchError> {
        let mut guard = self.writer()?;
        if let Some(w) = guard.as_mut() {
            for d in docs {
                w.add_document(self.document(d))?;
            }
        }
        Ok(())
    }

    /// The writer, taken now if not yet (always `Some` when this returns `Ok`).
    fn writer(&self) -> Result<std::sync::MutexGuard<'_, Option<IndexWriter>>, SearchError> {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(self.index.writer(WRITER_BYTES)?);
        }
        Ok(guard)
    }

    /// The event position recorded with the last commit that had one (`None`: a new index).
    pub fn position(&self) -> Result<Option<i64>, SearchError> {
        Ok(self
            .index
            .load_metas()?
            .payload
            .and_then(|p| p.trim().parse().ok()))
    }

    /// The tokenizer of this index (to add the cluster's new words as they appear).
    pub fn tokenizer(&self) -> &ZhTokenizer {
        &self.tokenizer
    }

    /// Every stored document, except those of `skip_site` (for rebuilding one site aside).
    pub fn documents_except(&self, skip_site: &str) -> Result<Vec<Doc>, SearchError> {
        let f = self.fields;
        // The newest commit (its position may have been read just before).
        self.reader.reload()?;
        self.answers.forget();
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(64)?;
            let alive = segment.alive_bitset();
            for id in 0..segment.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(id)) {
                    continue;
                }
                let doc: TantivyDocument = store.get(id)?;
                let d = stored(&doc, f);
                if d.tenant != skip_site {
                    out.push(d);
                }
            }
        }
        Ok(out)
    }

    /// How many documents are searchable.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether nothing is searchable.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A document read back from its stored fields.
fn stored(doc: &TantivyDocument, f: Fields) -> Doc {
    let text = |field: Field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    Doc {
        key: text(f.key),
        tenant: text(f.tenant),
        column: text(f.column),
        kind: text(f.kind),
        title: text(f.title),
        body: text(f.body),
        numbers: doc
            .get_all(f.numbers)
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        date: doc
            .get_first(f.date)
            .and_then(|v| v.as_datetime())
            .and_then(|d| DateTime::from_timestamp(d.into_timestamp_secs(), 0))
            .unwrap_or_default(),
        url: text(f.url),
        note: doc
            .get_first(f.note)
            .and_then(|v| v.as_str())
            .map(str::to_owned),
    }
}

/// The key of the document `key` belongs to (itself when none).
fn owner_of(key: &str) -> &str {
    key.split_once('#').map_or(key, |(owner, _)| owner)
}

pub(crate) mod answers;
mod ask;
mod facets;
mod highlight;
mod question;
mod suggest;
mod unreadable;

#[cfg(test)]
mod tests;
