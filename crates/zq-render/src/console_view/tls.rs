//! The office's certificates page (集群管理 → 证书与 HTTPS): the certificates served with
//! their names and expiry warnings, the form to upload or renew one, and each site's hosts
//! with the certificate covering them and its HTTPS-only switch.

use serde::Serialize;

use super::AdminFrame;

/// One certificate in the list.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateRow {
    pub name: String,
    /// The DNS names, joined.
    pub names: String,
    /// 上传 / 文件.
    pub source: &'static str,
    pub not_after: String,
    pub days_left: i64,
    /// `valid`, `soon`, `urgent`, `expired` (a CSS class too).
    pub expiry: &'static str,
    pub expiry_label: &'static str,
    pub fingerprint: String,
    /// It can be removed here (uploaded, and the caller is the office).
    pub can_remove: bool,
}

/// One site with its HTTPS state.
#[derive(Debug, Clone, Serialize)]
pub struct HttpsSiteRow {
    pub code: String,
    pub name: String,
    pub hosts: String,
    /// The certificate covering the canonical host, if any.
    pub certificate: Option<String>,
    /// Hosts no valid certificate covers.
    pub uncovered: String,
    pub https_only: bool,
}

/// The page.
#[derive(Debug, Clone, Serialize)]
pub struct CertificatesView {
    #[serde(flatten)]
    pub frame: AdminFrame,
    /// The caller may upload, remove and switch (the office; operators only read).
    pub can_manage: bool,
    /// A TLS listener runs (`tls.listen`); without one nothing here is served.
    pub listening: bool,
    pub rows: Vec<CertificateRow>,
    /// Files of the certificate directory left out, and why.
    pub problems: Vec<String>,
    pub sites: Vec<HttpsSiteRow>,
    /// What was typed into a refused form.
    pub name: String,
    pub chain_pem: String,
}
