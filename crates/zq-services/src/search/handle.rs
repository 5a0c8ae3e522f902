//! This node's index directory. `{root}/CURRENT` names the generation in use (`g{millis}`, a
//! directory beside it); a rebuild writes a new generation and then replaces `CURRENT`
//! (written aside and renamed, so it is never half-written). The serving process notices the
//! change when it next follows the events ([`SearchHandle::refresh`]), opens the new
//! generation, swaps it in — questions in flight finish on the old one — and removes the old
//! directory. Searching never stops.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use zq_search::{SearchError, SearchIndex, ZhTokenizer};

use super::office::{Office, Tally};

/// The file naming the generation in use.
const CURRENT: &str = "CURRENT";

/// The index in use on this node, swappable.
pub struct SearchHandle {
    root: PathBuf,
    current: RwLock<(String, Arc<SearchIndex>)>,
    /// The cluster's own words, for the tokenizer of a generation swapped in.
    words: RwLock<Vec<String>>,
    /// The office's synonyms and best bets.
    office: RwLock<Arc<Office>>,
    /// Questions counted since the last write.
    tally: Tally,
}

impl SearchHandle {
    /// Opens the generation `CURRENT` names under `root`, or a new empty one (whose position
    /// is `None`: the indexer builds it from the database first).
    pub fn open(root: &Path, words: &[String]) -> Result<SearchHandle, SearchError> {
        let generation = match current_generation(root) {
            Some(g) => g,
            None => {
                let g = new_generation_name();
                std::fs::create_dir_all(root)?;
                set_current(root, &g)?;
                g
            }
        };
        remove_superseded(root, &generation);
        let (generation, index) = match open_generation(root, &generation, words) {
            Ok(index) => (generation, index),
            // An index this version cannot read (an older schema, damaged files): a new
            // generation, built from the database by the indexer.
            Err(e) => {
                tracing::warn!(generation, error = %e, "the search index could not be opened; building a new one");
                let (fresh, index) = create_generation(root, words)?;
                set_current(root, &fresh)?;
                remove_generation(root, &generation);
                (fresh, index)
            }
        };
        Ok(SearchHandle {
            root: root.to_owned(),
            current: RwLock::new((generation, Arc::new(index))),
            words: RwLock::new(words.to_vec()),
            office: RwLock::default(),
            tally: Tally::default(),
        })
    }

    /// The index questions are asked of now.
    pub fn index(&self) -> Arc<SearchIndex> {
        let g = self.current.read().unwrap_or_else(|p| p.into_inner());
        g.1.clone()
    }

    /// The office's synonyms and best bets as this node holds them.
    pub fn office(&self) -> Arc<Office> {
        self.office
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Replaces them (after a `search_changed` event), their words added to the tokenizer.
    pub fn set_office(&self, office: Office) {
        self.add_words(office.words().cloned().collect());
        *self.office.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(office);
    }

    /// The questions counted since the last write.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// The directory of this node's generations.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Adds the cluster's new words to the tokenizer in use (and to generations swapped in
    /// later).
    pub fn add_words(&self, words: Vec<String>) {
        if words.is_empty() {
            return;
        }
        self.index()
            .tokenizer()
            .add_words(words.iter().map(String::as_str));
        let mut kept = self.words.write().unwrap_or_else(|p| p.into_inner());
        kept.extend(words);
        kept.sort();
        kept.dedup();
    }

    /// Swaps in the generation `CURRENT` names when another process (`zhanqun search
    /// reindex`) replaced it; true when it did. The old generation's directory is removed.
    pub fn refresh(&self) -> Result<bool, SearchError> {
        let Some(named) = current_generation(&self.root) else {
            return Ok(false);
        };
        if self.current.read().unwrap_or_else(|p| p.into_inner()).0 == named {
            return Ok(false);
        }
        let words = self.words.read().unwrap_or_else(|p| p.into_inner()).clone();
        let index = Arc::new(open_generation(&self.root, &named, &words)?);
        let old = {
            let mut g = self.current.write().unwrap_or_else(|p| p.into_inner());
            std::mem::replace(&mut *g, (named, index))
        };
        drop(old.1);
        remove_generation(&self.root, &old.0);
        Ok(true)
    }
}

/// A new generation directory under `root`, to build an index aside: its name and index.
pub fn create_generation(
    root: &Path,
    words: &[String],
) -> Result<(String, SearchIndex), SearchError> {
    let g = new_generation_name();
    let index = open_generation(root, &g, words)?;
    Ok((g, index))
}

/// Makes `generation` the one in use under `root`.
pub fn set_current(root: &Path, generation: &str) -> Result<(), SearchError> {
    let tmp = root.join(format!("{CURRENT}.tmp"));
    std::fs::write(&tmp, generation)?;
    std::fs::rename(&tmp, root.join(CURRENT))?;
    Ok(())
}

/// The generation `CURRENT` names, when it names an existing directory.
pub fn current_generation(root: &Path) -> Option<String> {
    let g = std::fs::read_to_string(root.join(CURRENT)).ok()?;
    let g = g.trim().to_owned();
    (is_generation(&g) && root.join(&g).is_dir()).then_some(g)
}

/// Opens (or creates) the index of `generation` under `root`.
pub fn open_generation(
    root: &Path,
    generation: &str,
    words: &[String],
) -> Result<SearchIndex, SearchError> {
    let tokenizer = ZhTokenizer::with_words(words.iter().map(String::as_str));
    SearchIndex::open_or_create(&root.join(generation), tokenizer)
}

/// Removes a generation directory no longer in use (a failure is only logged: the next
/// rebuild leaves it behind too, and it is never read again).
pub fn remove_generation(root: &Path, generation: &str) {
    if is_generation(generation)
        && let Err(e) = std::fs::remove_dir_all(root.join(generation))
    {
        tracing::warn!(generation, error = %e, "removing an old search index failed");
    }
}

/// Removes the generations older than `current` (left when a rebuild was swapped in while no
/// server ran); newer ones may be a rebuild under way and are kept.
fn remove_superseded(root: &Path, current: &str) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if is_generation(&name) && generation_age(&name) < generation_age(current) {
            remove_generation(root, &name);
        }
    }
}

/// The creation time a generation's name carries.
fn generation_age(name: &str) -> u128 {
    name[1..].parse().unwrap_or(0)
}

fn new_generation_name() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("g{millis}")
}

/// A generation's name: `g` and digits (so `CURRENT` can never point outside `root`).
fn is_generation(name: &str) -> bool {
    name.len() > 1 && name.starts_with('g') && name[1..].bytes().all(|b| b.is_ascii_digit())
}
