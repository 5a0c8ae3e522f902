//! The integrity scan (防篡改, issue 15): every published article of every site is
//! fingerprinted again and compared with the fingerprint its last audited write recorded; a
//! mismatch means the row was changed behind the platform's back, and the article is restored
//! from its last verified version (or withdrawn when no version verifies), audited with the
//! evidence, its pages purged on every node by the write's event. Every stored file is hashed
//! again against its content address. A leased job (`IntegrityScan`) runs it on one node at a
//! time; `zhanqun integrity` runs it once from the command line; the article page checks its
//! own article before rendering (`verify_article`) so a tampered row is never served between
//! two scans.

use std::time::{Duration, Instant};

use zq_domain::{ArticleId, TenantId};
use zq_store::{ArticleCheck, Repair, Who};

use crate::fetch::BoxFuture;
use crate::jobs::Job;
use crate::{Result, Services};

/// What a scan found and did.
#[derive(Debug, Clone, Default)]
pub struct ScanReport {
    /// Published articles checked.
    pub articles: u64,
    /// Published articles whose writes recorded no fingerprint (written before fingerprints
    /// were recorded): they cannot be verified.
    pub unrecorded: u64,
    /// Tampered articles and what was done about each.
    pub tampered: Vec<(ArticleCheck, Repair)>,
    /// Stored files checked.
    pub files: u64,
    /// Files whose bytes no longer hash to their name.
    pub bad_files: Vec<String>,
    pub took: Duration,
}

impl ScanReport {
    /// How many articles were restored and how many withdrawn.
    pub fn repairs(&self) -> (usize, usize) {
        let restored = self
            .tampered
            .iter()
            .filter(|(_, r)| matches!(r, Repair::Restored(_)))
            .count();
        let withdrawn = self
            .tampered
            .iter()
            .filter(|(_, r)| *r == Repair::Withdrawn)
            .count();
        (restored, withdrawn)
    }
}

/// Repairs one tampered article as the system, logs it loudly and counts it.
async fn repair(svc: &Services, check: &ArticleCheck) -> Result<Repair> {
    let r = svc.store().repair_article(check, &Who::system()).await?;
    match r {
        Repair::Restored(v) => tracing::error!(
            tenant = %check.tenant, article = %check.id, version = v,
            found = %check.actual, recorded = ?check.recorded,
            "an article was changed behind the platform's back; restored its last verified version"
        ),
        Repair::Withdrawn => tracing::error!(
            tenant = %check.tenant, article = %check.id,
            found = %check.actual, recorded = ?check.recorded,
            "an article was changed behind the platform's back and no version verifies; withdrawn"
        ),
        Repair::Unchanged => {}
    }
    if r != Repair::Unchanged {
        svc.telemetry().integrity_finding(match r {
            Repair::Restored(_) => "article_restored",
            _ => "article_withdrawn",
        });
    }
    Ok(r)
}

/// Checks every published article and stored file, repairing what was tampered with.
pub async fn scan(svc: &Services) -> Result<ScanReport> {
    let started = Instant::now();
    let mut report = ScanReport::default();
    for t in svc.store().list_tenants().await? {
        for check in svc.store().article_fingerprints(t.id).await? {
            report.articles += 1;
            if check.recorded.is_none() {
                report.unrecorded += 1;
            } else if !check.intact() {
                let r = repair(svc, &check).await?;
                report.tampered.push((check, r));
            }
        }
    }
    let (files, bad) = svc.store().tampered_blobs().await?;
    report.files = files;
    for sha in &bad {
        if svc.store().audit_tampered_blob(sha, &Who::system()).await? {
            tracing::error!(file = %sha, "a stored file no longer matches its content hash; it is not served");
            svc.telemetry().integrity_finding("file");
        }
    }
    report.bad_files = bad;
    report.took = started.elapsed();
    svc.telemetry()
        .integrity_scanned(report.articles, report.unrecorded, report.files);
    Ok(report)
}

/// Checks one published article before its page is rendered: `true` when it is as its last
/// audited write left it (or recorded nothing to check against). A tampered article is
/// repaired at once, and the caller renders it again from the repaired row.
pub async fn verify_article(svc: &Services, tenant: TenantId, id: ArticleId) -> Result<bool> {
    match svc.store().article_fingerprint(tenant, id).await? {
        Some(check) => verify_checked(svc, &check).await,
        None => Ok(true),
    }
}

/// [`verify_article`] for a check already read (the article page reads the row it renders
/// and its check at once): `true` when it is intact or has nothing recorded, `false` when it
/// was just repaired (read it again).
pub async fn verify_checked(svc: &Services, check: &ArticleCheck) -> Result<bool> {
    if check.recorded.is_none() || check.intact() {
        return Ok(true);
    }
    repair(svc, check).await?;
    Ok(false)
}

/// The integrity scan as a leased job (`jobs.integrity_secs`).
pub struct IntegrityScan {
    pub every: Duration,
}

impl Job for IntegrityScan {
    fn name(&self) -> &str {
        "integrity_scan"
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn run<'a>(&'a self, svc: &'a Services) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let r = scan(svc).await?;
            let (restored, withdrawn) = r.repairs();
            tracing::info!(
                articles = r.articles,
                files = r.files,
                restored,
                withdrawn,
                bad_files = r.bad_files.len(),
                took_ms = r.took.as_millis() as u64,
                "integrity scan done"
            );
            Ok(())
        })
    }
}
