//! `[backup]`: scheduled backups — where they go, how often, how many are kept.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::ConfigError;

/// `[backup]` as read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBackup {
    dir: String,
    every_secs: u64,
    keep: u32,
}

/// Scheduled backups, when on.
#[derive(Debug, Clone)]
pub struct BackupSchedule {
    /// Where backups are written (`backup.dir`; `{data_dir}/backups` when empty).
    pub dir: PathBuf,
    /// How often (`backup.every_secs`).
    pub every: Duration,
    /// How many of the newest are kept (`backup.keep`).
    pub keep: usize,
}

/// Checks `[backup]`: `None` when scheduled backups are off (`every_secs = 0`).
pub(super) fn check(
    raw: RawBackup,
    data_dir: &Path,
) -> Result<Option<BackupSchedule>, ConfigError> {
    if raw.every_secs == 0 {
        return Ok(None);
    }
    if !(60..=30 * 86_400).contains(&raw.every_secs) {
        return Err(ConfigError::Value {
            key: "backup.every_secs",
            message: format!(
                "expected 60 to 2592000 seconds (0: off), got {}",
                raw.every_secs
            ),
        });
    }
    if !(1..=1000).contains(&raw.keep) {
        return Err(ConfigError::Value {
            key: "backup.keep",
            message: format!("expected 1 to 1000, got {}", raw.keep),
        });
    }
    let dir = match raw.dir.trim() {
        "" => data_dir.join("backups"),
        d => PathBuf::from(d),
    };
    Ok(Some(BackupSchedule {
        dir,
        every: Duration::from_secs(raw.every_secs),
        keep: raw.keep as usize,
    }))
}
