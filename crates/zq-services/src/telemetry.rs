//! What the services report for the metrics, as a trait: the HTTP layer implements it with
//! its Prometheus registry, so this crate needs no metrics library.

use std::time::Duration;

/// Receives counts from feed pulls and job runs.
pub trait Telemetry: Send + Sync {
    /// A pull of channel `channel`'s feed: `Some(new items)` when it worked, `None` when not.
    fn feed_pull(&self, _channel: i64, _imported: Option<u64>) {}
    /// A run of job `job` ended after `duration`, successfully or not.
    fn job_run(&self, _job: &str, _ok: bool, _duration: Duration) {}
    /// The integrity scan found tampering of `kind` (`article_restored`, `article_withdrawn`,
    /// `file`).
    fn integrity_finding(&self, _kind: &str) {}
    /// An integrity scan checked `articles` published articles (`unrecorded` of them without
    /// a fingerprint to check against) and `files` stored files.
    fn integrity_scanned(&self, _articles: u64, _unrecorded: u64, _files: u64) {}
    /// An upload was scanned by clamd: `clean`, `infected` or `failed` (no verdict).
    fn upload_scan(&self, _result: &str) {}
}

/// Reports nothing (the CLI, tests of the services alone).
pub struct NoTelemetry;

impl Telemetry for NoTelemetry {}
