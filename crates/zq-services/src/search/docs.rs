//! What becomes a search document, and the builds from the database. Only published articles
//! of open sites are documents (drafts, pending, scheduled and withdrawn articles, and every
//! article of a suspended, archived or preparing site, are not): the index answers the public.
//! A document's text is the article's subtitle, summary and body as text; its numbers are the
//! 文号 and 索引号; its address is relative to its site (`/art/{id}.html`), so each host or
//! alias forms its own link. The files an article links are documents of their own
//! (`files`), belonging to the article's.

use std::collections::HashMap;

use zq_domain::html::text_of_html;
use zq_domain::{ColumnId, TenantStatus};
use zq_search::{Changes, Doc, SearchIndex};
use zq_store::{Article, Store, Tenant};

use super::files::{FileReader, article_docs};
use super::letters::site_letters;
use crate::Result;
use crate::ServiceError;

/// The kind of an article's document.
pub const KIND_ARTICLE: &str = "article";

/// Articles read per query while building.
const PAGE: u64 = 500;

/// The key of an article's document.
pub(crate) fn article_key(id: i64) -> String {
    format!("article:{id}")
}

/// The cluster's own words for the tokenizer: every site's name and short name, every
/// column's name and every word of the office's synonym groups.
pub async fn cluster_words(store: &Store) -> Result<Vec<String>> {
    let mut words: Vec<String> = Vec::new();
    for t in store.list_tenants().await? {
        words.push(t.name.clone());
        words.extend(t.short_name.clone());
    }
    words.extend(store.all_columns().await?.into_iter().map(|c| c.name));
    words.extend(
        store
            .search_synonyms()
            .await?
            .into_iter()
            .flat_map(|s| s.words),
    );
    words.sort();
    words.dedup();
    Ok(words)
}

/// The document of a published article of an open site.
pub(crate) fn article_doc(tenant: &Tenant, column: &str, a: &Article) -> Doc {
    let mut body = String::new();
    for part in [a.subtitle.as_deref(), a.summary.as_deref()]
        .into_iter()
        .flatten()
    {
        body.push_str(part);
        body.push('\n');
    }
    body.push_str(&text_of_html(&a.body));
    Doc {
        key: article_key(a.id.0),
        tenant: tenant.code.to_string(),
        column: column.to_owned(),
        kind: KIND_ARTICLE.to_owned(),
        title: a.title.clone(),
        body,
        numbers: [a.doc_number.clone(), a.index_number.clone()]
            .into_iter()
            .flatten()
            .filter(|n| !n.trim().is_empty())
            .collect(),
        date: a.published_at.unwrap_or(a.updated_at),
        url: format!("/art/{}.html", a.id.0),
        note: None,
    }
}

/// Whether the site's content is public (and so searchable).
pub(crate) fn is_open(t: &Tenant) -> bool {
    t.status == TenantStatus::Active
}

/// The names of a tenant's columns by id.
pub(crate) async fn column_names(store: &Store, t: &Tenant) -> Result<HashMap<ColumnId, String>> {
    Ok(store
        .columns(t.id)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

/// The articles of `t` with their files (none when the site is not open).
async fn site_articles(store: &Store, files: &FileReader, t: &Tenant) -> Result<Vec<Doc>> {
    let mut docs = Vec::new();
    if !is_open(t) {
        return Ok(docs);
    }
    let columns = column_names(store, t).await?;
    let mut after = 0;
    loop {
        let page = store.published_page(t.id, after, PAGE).await?;
        let Some(last) = page.last().map(|a| a.id.0) else {
            return Ok(docs);
        };
        for a in &page {
            let column = columns.get(&a.column_id).map_or("", String::as_str);
            docs.extend(article_docs(store, files, t, column, a).await?);
        }
        after = last;
    }
}

/// Every document of `t`: its articles with their files, and its registry's letters (none when
/// the site is not open).
pub(crate) async fn site_docs(store: &Store, files: &FileReader, t: &Tenant) -> Result<Vec<Doc>> {
    let mut docs = site_articles(store, files, t).await?;
    docs.extend(site_letters(store, t).await?);
    Ok(docs)
}

/// Builds `index` (new and empty) from the database: every open site's documents, standing at
/// the event id read before the first document, so any later change is applied again by the
/// indexer (applying is idempotent). `progress(sites done, sites, documents)` is called after
/// each site. Returns the documents indexed.
pub async fn build(
    store: &Store,
    index: &SearchIndex,
    files: &FileReader,
    skip: Option<&str>,
    progress: &mut (dyn FnMut(usize, usize, u64) + Send),
) -> Result<u64> {
    let position = store.last_event_id().await?;
    let tenants = store.list_tenants().await?;
    let mut docs = 0;
    for (i, t) in tenants.iter().enumerate() {
        if skip != Some(t.code.as_str()) {
            let site = site_docs(store, files, t).await?;
            index.stage(&site).map_err(search_failed)?;
            docs += site.len() as u64;
        }
        progress(i + 1, tenants.len(), docs);
    }
    index
        .commit(&Changes {
            position: Some(position),
            ..Changes::default()
        })
        .map_err(search_failed)?;
    Ok(docs)
}

/// Replaces one site's documents in `index` with what the database holds now (none when the
/// site is not open), in one commit recording `position`.
pub async fn rebuild_site(
    store: &Store,
    index: &SearchIndex,
    files: &FileReader,
    t: &Tenant,
    position: Option<i64>,
) -> Result<u64> {
    let gone = [t.code.to_string()];
    let docs = site_docs(store, files, t).await?;
    index
        .commit(&Changes {
            docs: &docs,
            gone_sites: &gone,
            position,
            ..Changes::default()
        })
        .map_err(search_failed)?;
    Ok(docs.len() as u64)
}

pub(crate) fn search_failed(e: zq_search::SearchError) -> ServiceError {
    ServiceError::Unavailable(e.to_string())
}
