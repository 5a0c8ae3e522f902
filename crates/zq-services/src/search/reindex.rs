//! `zhanqun search reindex [--site CODE]`: rebuilds this node's index aside and swaps it in,
//! without stopping search. The whole index is built anew from the database; one site's is
//! rebuilt by copying the other sites' documents from the generation in use and reading that
//! site's from the database. The new generation stands at the event position read before
//! anything was copied or read, so the serving process's indexer applies whatever changed
//! during the rebuild again once it has swapped the generation in.

use std::path::Path;

use zq_domain::TenantCode;
use zq_search::Changes;
use zq_store::Store;

use super::docs::{build, cluster_words, search_failed, site_docs};
use super::files::FileReader;
use super::handle::{
    create_generation, current_generation, open_generation, remove_generation, set_current,
};
use crate::{Result, ServiceError};

/// Rebuilds the index under `root` (every site, or the site `site`) and makes it the one in
/// use; returns the documents in the new index. `progress(sites done, sites, documents)`.
pub async fn reindex(
    store: &Store,
    root: &Path,
    files: &FileReader,
    site: Option<&str>,
    progress: &mut (dyn FnMut(usize, usize, u64) + Send),
) -> Result<u64> {
    let tenant = match site {
        Some(code) => {
            let parsed = TenantCode::parse(code)
                .map_err(|_| ServiceError::Invalid(format!("站点代码“{code}”格式不对")))?;
            Some(
                store
                    .tenant_by_code(&parsed)
                    .await?
                    .ok_or_else(|| ServiceError::NotFound(format!("站点“{code}”")))?,
            )
        }
        None => None,
    };
    let words = cluster_words(store).await?;
    std::fs::create_dir_all(root).map_err(|e| ServiceError::Unavailable(e.to_string()))?;
    let (generation, index) = create_generation(root, &words).map_err(search_failed)?;
    let built = async {
        let Some(t) = &tenant else {
            return build(store, &index, files, None, progress).await;
        };
        let mut position = store.last_event_id().await?;
        let mut kept = Vec::new();
        if let Some(current) = current_generation(root) {
            let old = open_generation(root, &current, &words).map_err(search_failed)?;
            if let Some(p) = old.position().map_err(search_failed)? {
                position = p;
            }
            kept = old
                .documents_except(t.code.as_str())
                .map_err(search_failed)?;
        }
        index.stage(&kept).map_err(search_failed)?;
        let docs = site_docs(store, files, t).await?;
        index.stage(&docs).map_err(search_failed)?;
        index
            .commit(&Changes {
                position: Some(position),
                ..Changes::default()
            })
            .map_err(search_failed)?;
        let n = (kept.len() + docs.len()) as u64;
        progress(1, 1, n);
        Ok(n)
    }
    .await;
    drop(index);
    match built {
        Ok(n) => {
            set_current(root, &generation).map_err(search_failed)?;
            Ok(n)
        }
        Err(e) => {
            remove_generation(root, &generation);
            Err(e)
        }
    }
}
