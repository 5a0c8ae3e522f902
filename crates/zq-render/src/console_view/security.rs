//! The security report (安全报告), for one site (its administrators) and for the cluster (the
//! office and operators): second-factor coverage of the accounts, failed sign-ins, rate-limit
//! hits, administrative actions, certificates, the integrity scan and the scheduled backup.

use serde::Serialize;

use super::{AdminFrame, SiteFrame};

/// One account's second factor.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityAccount {
    pub login: String,
    pub display_name: String,
    pub roles: String,
    pub required: bool,
    pub enrolled: bool,
    pub disabled: bool,
}

/// One audit row shown.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityEvent {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
}

/// One certificate covering the site (or served by the cluster).
#[derive(Debug, Clone, Serialize)]
pub struct SecurityCertificate {
    pub name: String,
    pub names: String,
    pub not_after: String,
    pub days_left: i64,
    pub expiry: &'static str,
    pub expiry_label: &'static str,
}

/// A background job's last run.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityJob {
    /// 从未运行, or the time it last finished.
    pub last: String,
    /// Hours since (rounded), when it ran.
    pub age_hours: Option<i64>,
    pub error: Option<String>,
}

/// What both forms of the page show.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityBody {
    pub accounts: Vec<SecurityAccount>,
    pub required: usize,
    pub enrolled: usize,
    pub failed_day: u64,
    pub failed_week: u64,
    pub second_factor_failures: u64,
    /// Rate-limit hits on this node since it started, by limit.
    pub rate_limited: Vec<(String, u64)>,
    pub admin_count: usize,
    pub admin_actions: Vec<SecurityEvent>,
    pub certificates: Vec<SecurityCertificate>,
    /// HTTPS-only (a site's report).
    pub https_only: Option<bool>,
    pub integrity: SecurityJob,
    pub integrity_findings: Vec<SecurityEvent>,
    /// Where uploads are scanned for malware (`None`: not scanned).
    pub scanner: Option<String>,
    /// Uploads refused for malware in 30 days.
    pub malware_refused: Vec<SecurityEvent>,
    pub backup: SecurityJob,
    /// Whether scheduled backups are on (the cluster's report).
    pub listening_tls: bool,
}

/// The cluster's page.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterSecurityView {
    #[serde(flatten)]
    pub frame: AdminFrame,
    pub report: SecurityBody,
}

/// A site's page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteSecurityView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    pub report: SecurityBody,
}
