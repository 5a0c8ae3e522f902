//! Scheduled backups (issue 15): the leased job `scheduled_backup` takes a backup as
//! `zhanqun backup` does (`backup::backup`) on one node per tick, verifies what it wrote
//! (`backup::verify`), then keeps the newest `backup.keep` backups of the directory and removes
//! the older ones. A run that fails (pg_dump missing, disk full) fails the job, which the job
//! metrics and the alert on backup age show.

use std::path::{Path, PathBuf};
use std::time::Duration;

use zq_services::fetch::BoxFuture;
use zq_services::jobs::Job;
use zq_services::{Result, ServiceError, Services};

use crate::backup;

/// The job.
pub struct ScheduledBackup {
    pub every: Duration,
    pub dir: PathBuf,
    pub keep: usize,
    /// The database URL as configured (pg_dump reads it).
    pub database_url: String,
}

/// Removes the oldest `zhanqun-backup-*` directories of `dir` beyond the newest `keep`;
/// returns those removed. Names sort by time, so the newest sort last.
pub fn prune(dir: &Path, keep: usize) -> std::io::Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("zhanqun-backup-"))
        })
        .collect();
    found.sort();
    let excess = found.len().saturating_sub(keep);
    let old: Vec<PathBuf> = found.into_iter().take(excess).collect();
    for p in &old {
        std::fs::remove_dir_all(p)?;
    }
    Ok(old)
}

impl Job for ScheduledBackup {
    fn name(&self) -> &str {
        "scheduled_backup"
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn run<'a>(&'a self, svc: &'a Services) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let failed =
                |e: backup::BackupError| ServiceError::Unavailable(format!("备份失败：{e}"));
            let (made, manifest) = backup::backup(svc.store(), &self.database_url, &self.dir)
                .await
                .map_err(failed)?;
            backup::verify(&made).await.map_err(failed)?;
            let dir = self.dir.clone();
            let keep = self.keep;
            let removed = tokio::task::spawn_blocking(move || prune(&dir, keep))
                .await
                .map_err(|e| ServiceError::Internal(e.to_string()))?
                .map_err(|e| ServiceError::Unavailable(format!("清理旧备份失败：{e}")))?;
            tracing::info!(
                backup = %made.display(),
                bytes = manifest.bytes,
                removed = removed.len(),
                "scheduled backup written and verified"
            );
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruning_keeps_the_newest_backups_and_nothing_else_is_touched() {
        let dir = std::env::temp_dir().join(format!("zq-prune-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in [
            "zhanqun-backup-20261201-000000-000",
            "zhanqun-backup-20261203-000000-000",
            "zhanqun-backup-20261202-000000-000",
            "other",
        ] {
            std::fs::create_dir_all(dir.join(name)).unwrap();
        }
        std::fs::write(dir.join("zhanqun-backup-notes.txt"), "kept").unwrap();
        let removed = prune(&dir, 2).unwrap();
        assert_eq!(
            removed,
            vec![dir.join("zhanqun-backup-20261201-000000-000")]
        );
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "other",
                "zhanqun-backup-20261202-000000-000",
                "zhanqun-backup-20261203-000000-000",
                "zhanqun-backup-notes.txt"
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
