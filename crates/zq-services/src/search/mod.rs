//! Cluster-wide search (issue 17), the services' side: which published content becomes a
//! search document and how ([`docs`]), this node's index directory with its generations
//! ([`SearchHandle`]: a rebuild is made aside and swapped in), the subscriber keeping the index
//! current from the event outbox ([`Indexer`]), and the question a page or the API asks
//! ([`ask`]).
//!
//! Each node keeps its own index under `{data_dir}/search`: `CURRENT` names the generation
//! directory in use; the index records the event id it stands at in its own commits, so the
//! index and its position never disagree, and a node that was down catches up from there.

mod docs;
mod handle;
mod indexer;
mod reindex;

pub use docs::{KIND_ARTICLE, build, cluster_words, rebuild_site};
pub use handle::SearchHandle;
pub use indexer::{Indexer, spawn};
pub use reindex::reindex;
pub use zq_search::{Ask, Facets, Found, Hit};

use crate::{Result, ServiceError, Services};

/// Longest question accepted, in characters.
pub const QUESTION_MAX_CHARS: usize = 100;

/// Answers `ask` from this node's index. An empty question finds nothing; one too long, or a
/// node without an index, is refused with a message for the reader.
pub fn ask(svc: &Services, ask: &Ask) -> Result<Found> {
    let text = ask.text.trim();
    if text.chars().count() > QUESTION_MAX_CHARS {
        return Err(ServiceError::Invalid(format!(
            "搜索词过长，请不超过 {QUESTION_MAX_CHARS} 个字"
        )));
    }
    if text.is_empty() {
        return Ok(Found::default());
    }
    let Some(handle) = svc.search() else {
        return Err(ServiceError::Unavailable(
            "search is off on this node".into(),
        ));
    };
    handle
        .index()
        .search(ask)
        .map_err(|e| ServiceError::Unavailable(e.to_string()))
}
