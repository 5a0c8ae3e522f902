//! Answering a question: each part of it (after 繁體 is simplified and punctuation and
//! question words are dropped) becomes a term or a phrase in the title, text and number fields,
//! joined with the scope of sites; the documents found are counted (total and facets) and the
//! best or newest are returned with highlighted titles and snippets. Kept answers are looked up
//! first (`answers`).

use chrono::DateTime;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, Occur, Query, QueryParser, TermQuery, TermSetQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DateTime as TDate, DocAddress, Order, TantivyDocument, Term};

use super::highlight::whole_highlighted;
use super::question::{alternatives, plain_question};
use super::{Ask, COLUMN_SEP, Facets, Found, Hit, SearchError, SearchIndex, facets};

impl SearchIndex {
    /// The query of one part of a question, in any of `fields` (each with its own parser). A
    /// part that is one word of the dictionary (or one Latin word or number) is that word's
    /// term in each field — every text holding the word has it as a token, so no positions need
    /// reading; any other part is a phrase of its words (the parser's). With a `scope` (the
    /// sites asked), each field's query is joined with it, so positions are read only for the
    /// scope's documents (the union of fields otherwise matches every document of the cluster
    /// before the scope is applied).
    fn part_query(
        &self,
        fields: &[(Field, QueryParser)],
        part: &str,
        scope: Option<&dyn Query>,
    ) -> Box<dyn Query> {
        let f = self.fields;
        let word = part.to_lowercase();
        let whole = self.tokenizer.is_whole_word(&word);
        let per_field: Vec<(Occur, Box<dyn Query>)> = fields
            .iter()
            .map(|(field, parser)| {
                let matched: Box<dyn Query> = if whole {
                    Box::new(TermQuery::new(
                        Term::from_field_text(*field, &word),
                        IndexRecordOption::WithFreqs,
                    ))
                } else {
                    parser.parse_query_lenient(part).0
                };
                let boost = if *field == f.title {
                    3.0
                } else if *field == f.numbers {
                    2.0
                } else {
                    1.0
                };
                let q: Box<dyn Query> = Box::new(BoostQuery::new(matched, boost));
                let q = match scope {
                    Some(scope) => Box::new(BooleanQuery::new(vec![
                        (Occur::Must, q),
                        (Occur::Must, scope.box_clone()),
                    ])),
                    None => q,
                };
                (Occur::Should, q)
            })
            .collect();
        Box::new(BooleanQuery::new(per_field))
    }

    /// Answers `ask`: the best documents first, with the words found highlighted.
    pub fn search(&self, ask: &Ask) -> Result<Found, SearchError> {
        let key = self.answers.key(ask);
        if let Some(found) = self.answers.get(&key) {
            return Ok(found);
        }
        let found = self.answer(ask)?;
        self.answers.put(key, &found);
        Ok(found)
    }

    /// Answers `ask` from the index itself.
    fn answer(&self, ask: &Ask) -> Result<Found, SearchError> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let asked = match &self.simplify {
            Some(cc) => cc.convert(ask.text.trim()),
            None => ask.text.trim().to_owned(),
        };
        // 文号 and 索引号 carry digits: a question without any is not looked for there (one
        // field less to read for every document found).
        let fields = if asked.chars().any(|c| c.is_ascii_digit()) {
            vec![f.title, f.body, f.numbers]
        } else {
            vec![f.title, f.body]
        };
        let fields: Vec<(Field, QueryParser)> = fields
            .into_iter()
            .map(|field| {
                let mut parser = QueryParser::for_index(&self.index, vec![field]);
                parser.set_conjunction_by_default();
                (field, parser)
            })
            .collect();
        let scope: Option<Box<dyn Query>> = (!ask.sites.is_empty()).then(|| {
            let terms = ask.sites.iter().map(|s| Term::from_field_text(f.tenant, s));
            Box::new(TermSetQuery::new(terms)) as Box<dyn Query>
        });
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for alts in alternatives(&plain_question(&asked), &ask.synonyms) {
            let mut either: Vec<(Occur, Box<dyn Query>)> = alts
                .iter()
                .map(|alt| {
                    (
                        Occur::Should,
                        self.part_query(&fields, alt, scope.as_deref()),
                    )
                })
                .collect();
            let q = match either.len() {
                1 => either.remove(0).1,
                _ => Box::new(BooleanQuery::new(either)),
            };
            must.push((Occur::Must, q));
        }
        if must.is_empty() {
            return Ok(Found::default());
        }
        let text: Box<dyn Query> = Box::new(BooleanQuery::new(must));
        // (The scope is already inside every part.)
        let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text.box_clone())];
        let picked = [
            ask.column
                .as_ref()
                .map(|(site, name)| vec!["column".to_owned(), format!("{site}{COLUMN_SEP}{name}")]),
            ask.kind
                .as_ref()
                .map(|k| vec!["kind".to_owned(), k.clone()]),
            ask.year.map(|y| vec!["year".to_owned(), y.to_string()]),
        ];
        for path in picked.into_iter().flatten() {
            let term = Term::from_facet(f.facets, &Facet::from_path(path));
            parts.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        let query = BooleanQuery::new(parts);
        let limit = ask.limit.clamp(1, 100);
        let top = TopDocs::with_limit(limit).and_offset(ask.offset);
        // Columns are counted only when a reader can pick one: one site in scope.
        let one_site = ask.sites.len() == 1;
        let (total, counts, top): (usize, facets::Counted, Vec<(f32, DocAddress)>) = if ask.by_date
        {
            let (n, c, t) = searcher.search(
                &query,
                &(
                    Count,
                    facets::FacetCounts { columns: one_site },
                    top.order_by_fast_field::<TDate>("date", Order::Desc),
                ),
            )?;
            (n, c, t.into_iter().map(|(_, a)| (0.0, a)).collect())
        } else {
            searcher.search(
                &query,
                &(
                    Count,
                    facets::FacetCounts { columns: one_site },
                    top.order_by_score(),
                ),
            )?
        };
        let [sites, columns, kinds] = counts.text;
        let most_first = |m: std::collections::HashMap<String, u64>| {
            let mut v: Vec<(String, u64)> = m.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v
        };
        let mut years: Vec<(i32, u64)> = counts
            .years
            .into_iter()
            .filter_map(|(y, n)| Some((i32::try_from(y).ok()?, n)))
            .collect();
        years.sort_by_key(|y| std::cmp::Reverse(y.0));
        let facets = Facets {
            sites: most_first(sites),
            columns: most_first(columns)
                .into_iter()
                .filter_map(|(key, n)| {
                    let (site, name) = key.split_once(COLUMN_SEP)?;
                    Some(((site.to_owned(), name.to_owned()), n))
                })
                .collect(),
            kinds: most_first(kinds),
            years,
        };
        let mut titles = SnippetGenerator::create(&searcher, &*text, f.title)?;
        titles.set_max_num_chars(200);
        let mut bodies = SnippetGenerator::create(&searcher, &*text, f.body)?;
        bodies.set_max_num_chars(120);
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text_of = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let title_snippet = titles.snippet_from_doc(&doc);
            let title_html = whole_highlighted(&text_of(f.title), &title_snippet);
            let date = doc
                .get_first(f.date)
                .and_then(|v| v.as_datetime())
                .and_then(|d| DateTime::from_timestamp(d.into_timestamp_secs(), 0))
                .unwrap_or_default();
            hits.push(Hit {
                key: text_of(f.key),
                tenant: text_of(f.tenant),
                column: text_of(f.column),
                kind: text_of(f.kind),
                title_html,
                // The snippet is looked for in the text's beginning only: cutting a long text
                // into words for ten hits cost more than finding them.
                snippet_html: bodies
                    .snippet(head(&text_of(f.body), SNIPPET_SOURCE))
                    .to_html(),
                date,
                url: text_of(f.url),
                score,
            });
        }
        Ok(Found {
            total,
            hits,
            facets,
        })
    }
}

/// Characters of a text a snippet is looked for in.
const SNIPPET_SOURCE: usize = 3_000;

/// The first `n` characters of `text`.
fn head(text: &str, n: usize) -> &str {
    text.char_indices().nth(n).map_or(text, |(i, _)| &text[..i])
}
