//! Cluster-wide search (issue 17), the services' side: which published content becomes a
//! search document and how (`docs`), this node's index directory with its generations
//! ([`SearchHandle`]: a rebuild is made aside and swapped in), the subscriber keeping the index
//! current from the event outbox ([`Indexer`]), and the question a page or the API asks
//! ([`ask`]).
//!
//! Each node keeps its own index under `{data_dir}/search`: `CURRENT` names the generation
//! directory in use; the index records the event id it stands at in its own commits, so the
//! index and its position never disagree, and a node that was down catches up from there.

mod docs;
mod files;
mod handle;
mod indexer;
mod letters;
pub mod office;
mod reindex;

pub use docs::{KIND_ARTICLE, build, cluster_words, rebuild_site};
pub use files::{FileReader, KIND_ATTACHMENT, unreadable_files};
pub use handle::SearchHandle;
pub use indexer::{Indexer, spawn};
pub use letters::KIND_LETTER;
pub use reindex::reindex;
pub use zq_search::{Ask, Doc, Facets, Found, Hit, Limits};

use zq_domain::TenantId;
use zq_domain::time::beijing_date;
use zq_store::BestBet;

use crate::{Result, ServiceError, Services};

/// What a question found: the documents, and the best bets it called up (first page only).
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub found: Found,
    pub best_bets: Vec<BestBet>,
    /// When nothing was found: the question with a mistyped word corrected from the index's
    /// own words, which finds something in the same scope (您是不是要找).
    pub suggestion: Option<String>,
}

/// Longest question accepted, in characters.
pub const QUESTION_MAX_CHARS: usize = 100;

/// Answers `ask`, asked on site `asked_on` (whose synonyms and best bets apply besides the
/// cluster's, and under which the question is counted), from this node's index. An empty
/// question finds nothing; one too long, or a node without an index, is refused with a message
/// for the reader. A question is counted once: on its first page, before any facet is picked.
pub fn ask(svc: &Services, mut ask: Ask, asked_on: Option<TenantId>) -> Result<Answer> {
    let text = ask.text.trim().to_owned();
    if text.chars().count() > QUESTION_MAX_CHARS {
        return Err(ServiceError::Invalid(format!(
            "搜索词过长，请不超过 {QUESTION_MAX_CHARS} 个字"
        )));
    }
    if text.is_empty() {
        return Ok(Answer::default());
    }
    let Some(handle) = svc.search() else {
        return Err(ServiceError::Unavailable(
            "search is off on this node".into(),
        ));
    };
    let office = handle.office();
    ask.synonyms = office.synonyms_for(asked_on);
    // A fault inside the index library answers this question 503; it never takes the
    // worker down.
    let index = handle.index();
    let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| index.search(&ask)))
        .map_err(|_| ServiceError::Internal("the search index failed on a question".into()))?
        .map_err(|e| ServiceError::Unavailable(e.to_string()))?;
    let first = ask.offset == 0;
    let best_bets = if first {
        office.best_bets_for(asked_on, &text)
    } else {
        Vec::new()
    };
    let suggestion = if first && found.total == 0 && best_bets.is_empty() {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| index.suggest(&ask)))
            .ok()
            .and_then(|r| r.ok())
            .flatten()
    } else {
        None
    };
    let fresh = first && ask.column.is_none() && ask.kind.is_none() && ask.year.is_none();
    if let (true, Some(site)) = (fresh, asked_on) {
        let empty = found.total == 0 && best_bets.is_empty();
        handle
            .tally()
            .count(beijing_date(svc.now()), site, &text, empty);
    }
    Ok(Answer {
        found,
        best_bets,
        suggestion,
    })
}
