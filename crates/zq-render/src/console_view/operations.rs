//! View model of the operator's page (运维监控): the whole cluster's figures over the last hour
//! when a Prometheus server is configured, and this node's figures since it started.

use serde::Serialize;

use super::AdminFrame;

/// One request label (a site's code, `_console`, `_api`, `_unknown`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SiteLine {
    pub tenant: String,
    pub requests: u64,
    pub errors: u64,
    /// `≤ 25 ms`: the histogram bucket holding the 95th percentile.
    pub p95: String,
}

/// One background job.
#[derive(Debug, Clone, Default, Serialize)]
pub struct JobLine {
    pub job: String,
    pub runs: u64,
    pub failed: u64,
    pub last_run: String,
}

/// One node as the Prometheus server scrapes it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NodeLine {
    pub instance: String,
    pub up: bool,
    /// `"123"` MiB, or `—`.
    pub rss_mib: String,
}

/// The whole cluster, from the Prometheus server.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ClusterView {
    /// The server's address, as configured.
    pub source: String,
    pub nodes: Vec<NodeLine>,
    pub sites: Vec<SiteLine>,
    pub cache_hit_ratio: String,
    pub render_p95: String,
    pub db_errors: u64,
    pub redis_errors: u64,
    /// Runs over the last 24 hours; `last_run` the latest on any node.
    pub jobs: Vec<JobLine>,
}

/// The operator's page.
#[derive(Debug, Clone, Serialize)]
pub struct OperationsView {
    #[serde(flatten)]
    pub frame: AdminFrame,
    pub node: String,
    pub at: String,
    pub sites: Vec<SiteLine>,
    pub cache_hit_ratio: String,
    pub render_p95: String,
    pub db_errors: u64,
    pub redis_errors: u64,
    pub in_flight: i64,
    pub cache_mib: String,
    pub cache_entries: u64,
    pub rss_mib: String,
    pub cpu_seconds: String,
    pub jobs: Vec<JobLine>,
    /// The cluster's figures, when a Prometheus server is configured and answered.
    pub cluster: Option<ClusterView>,
    /// Why a configured Prometheus server could not be read.
    pub cluster_error: Option<String>,
}
