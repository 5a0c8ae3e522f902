//! `[search]`: the cluster-wide search index each node keeps (issue 17) — whether it is on,
//! where its directory is, how often it looks for other nodes' changes, how many questions a
//! client may ask a minute, and what reading an attachment's text may cost.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::ConfigError;

/// `[search]` as read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSearch {
    enabled: bool,
    dir: String,
    poll_millis: u64,
    per_minute: u32,
    file_max_mb: u64,
    file_seconds: u64,
}

/// The search index of this node, when on.
#[derive(Debug, Clone)]
pub struct SearchSettings {
    /// The index's directory (`search.dir`; `{data_dir}/search` when empty).
    pub dir: PathBuf,
    /// How often the indexer looks for changes committed on other nodes
    /// (`search.poll_millis`; this node's own commits wake it at once).
    pub poll: Duration,
    /// Questions one client address may ask a minute on this node (`search.per_minute`).
    pub per_minute: u32,
    /// What reading one attachment's text may cost (`search.file_max_mb`,
    /// `search.file_seconds`).
    pub files: zq_services::search::Limits,
}

/// Checks `[search]`: `None` when search is off.
pub(super) fn check(
    raw: RawSearch,
    data_dir: &Path,
) -> Result<Option<SearchSettings>, ConfigError> {
    if !raw.enabled {
        return Ok(None);
    }
    if !(100..=60_000).contains(&raw.poll_millis) {
        return Err(ConfigError::Value {
            key: "search.poll_millis",
            message: format!(
                "expected 100 to 60000 milliseconds, got {}",
                raw.poll_millis
            ),
        });
    }
    if raw.per_minute == 0 {
        return Err(ConfigError::Value {
            key: "search.per_minute",
            message: "expected at least 1".into(),
        });
    }
    if !(1..=512).contains(&raw.file_max_mb) {
        return Err(ConfigError::Value {
            key: "search.file_max_mb",
            message: format!("expected 1 to 512 MB, got {}", raw.file_max_mb),
        });
    }
    if !(1..=300).contains(&raw.file_seconds) {
        return Err(ConfigError::Value {
            key: "search.file_seconds",
            message: format!("expected 1 to 300 seconds, got {}", raw.file_seconds),
        });
    }
    let dir = match raw.dir.trim() {
        "" => data_dir.join("search"),
        d => PathBuf::from(d),
    };
    Ok(Some(SearchSettings {
        dir,
        poll: Duration::from_millis(raw.poll_millis),
        per_minute: raw.per_minute,
        files: zq_services::search::Limits {
            max_bytes: (raw.file_max_mb as usize) * 1024 * 1024,
            timeout: Duration::from_secs(raw.file_seconds),
            ..zq_services::search::Limits::default()
        },
    }))
}
