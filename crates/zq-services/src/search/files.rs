//! An article's files as search documents. A file is searchable when a published article of
//! its site links it (`href=".../files/{sha256}/{name}"`, as the editor writes): an uploaded
//! file nobody published stays out of the index, and withdrawing the article removes its
//! files with it (their keys are `article:{id}#file:{sha256}`). The text is read by
//! `zq_search::extract` under this node's limits, off the async workers; a file that cannot be
//! read is indexed by its name with a note the site's search page shows its clerks. Texts are
//! kept in memory by content hash, so a rebuild does not read the same file twice.

use std::collections::HashMap;
use std::sync::Mutex;

use percent_encoding::percent_decode_str;
use zq_domain::access::Action;
use zq_search::{Doc, Extracted, Limits};
use zq_store::{Article, Store, Tenant};

use super::docs::{article_doc, article_key};
use crate::{Caller, Result, ServiceError, Services, site};

/// The kind of a file's document.
pub const KIND_ATTACHMENT: &str = "attachment";

/// Texts kept in memory (by content hash and extension) before the memory is cleared.
const KEPT: usize = 1024;

/// Reads attachments' text for the index, within limits, remembering what it read.
pub struct FileReader {
    limits: Limits,
    read: Mutex<HashMap<String, Extracted>>,
}

impl FileReader {
    pub fn new(limits: Limits) -> FileReader {
        FileReader {
            limits,
            read: Mutex::default(),
        }
    }

    async fn text(&self, store: &Store, t: &Tenant, sha: &str, name: &str) -> Result<Extracted> {
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e).to_lowercase();
        let memo = format!("{sha}.{ext}");
        if let Some(known) = self.lock().get(&memo) {
            return Ok(known.clone());
        }
        let Some((_, bytes)) = store.attachment_file(t.id, sha, name).await? else {
            return Ok(Extracted::NotADocument);
        };
        let (name, limits) = (name.to_owned(), self.limits);
        let read = tokio::task::spawn_blocking(move || zq_search::extract(&name, bytes, &limits))
            .await
            .unwrap_or_else(|_| Extracted::Unreadable("读取时出错".into()));
        let mut kept = self.lock();
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(memo, read.clone());
        Ok(read)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Extracted>> {
        self.read.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Default for FileReader {
    fn default() -> FileReader {
        FileReader::new(Limits::default())
    }
}

/// Files of site `code` whose text this node could not read (found by their names only), newest
/// first, for the site's clerks (those who may read its figures).
pub async fn unreadable_files(svc: &Services, caller: &Caller, code: &str) -> Result<Vec<Doc>> {
    let t = site(svc, caller, code, Action::ReadFigures).await?;
    let Some(handle) = svc.search() else {
        return Ok(Vec::new());
    };
    handle
        .index()
        .unreadable(t.code.as_str(), 200)
        .map_err(|e| ServiceError::Unavailable(e.to_string()))
}

/// Article `a`'s document (published, of open site `t`), then those of the files it links,
/// in its column.
pub(crate) async fn article_docs(
    store: &Store,
    files: &FileReader,
    t: &Tenant,
    column: &str,
    a: &Article,
) -> Result<Vec<Doc>> {
    let mut docs = vec![article_doc(t, column, a)];
    for (sha, name) in linked_files(&a.body, t.code.as_str()) {
        let key = format!("{}#file:{sha}", article_key(a.id.0));
        if docs.iter().any(|d| d.key == key) {
            continue;
        }
        let (body, note) = match files.text(store, t, &sha, &name).await? {
            Extracted::NotADocument => continue,
            Extracted::Text(text) => (text, None),
            Extracted::Unreadable(why) => {
                tracing::warn!(site = %t.code, file = %name, why, "an attachment's text could not be read; indexed by its name");
                (String::new(), Some(why))
            }
        };
        docs.push(Doc {
            key,
            tenant: t.code.to_string(),
            column: column.to_owned(),
            kind: KIND_ATTACHMENT.to_owned(),
            title: name.clone(),
            body,
            numbers: Vec::new(),
            date: a.published_at.unwrap_or(a.updated_at),
            url: format!(
                "/files/{sha}/{}",
                percent_encoding::utf8_percent_encode(&name, percent_encoding::NON_ALPHANUMERIC)
            ),
            note,
        });
    }
    Ok(docs)
}

/// (sha256, file name) of each file of site `code` that `body` links, in order.
fn linked_files(body: &str, code: &str) -> Vec<(String, String)> {
    let own = format!("/sites/{code}/files/");
    body.split("href=\"")
        .skip(1)
        .filter_map(|rest| {
            let href = &rest[..rest.find('"')?];
            let path = href
                .strip_prefix(own.as_str())
                .or_else(|| href.strip_prefix("/files/"))?;
            let (sha, name) = path.split_once('/')?;
            let name = percent_decode_str(name.split(['?', '#']).next()?)
                .decode_utf8()
                .ok()?
                .into_owned();
            (sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()) && !name.is_empty())
                .then(|| (sha.to_ascii_lowercase(), name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::linked_files;

    #[test]
    fn only_this_sites_file_links_are_read() {
        let sha = "a".repeat(64);
        let body = format!(
            "<p>附件：<a href=\"/sites/jb/files/{sha}/%E9%80%9A%E7%9F%A5.pdf\">通知.pdf</a></p>\
             <p><a href=\"/files/{sha}/b.xlsx?x=1\">b</a>\
             <a href=\"/sites/fgw/files/{sha}/other.pdf\">别站</a>\
             <a href=\"/files/short/x.pdf\">坏</a><a href=\"https://example.cn/a.pdf\">外</a></p>"
        );
        assert_eq!(
            linked_files(&body, "jb"),
            [
                (sha.clone(), "通知.pdf".to_owned()),
                (sha, "b.xlsx".to_owned())
            ]
        );
    }
}
