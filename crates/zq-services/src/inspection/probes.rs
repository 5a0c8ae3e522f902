//! Availability probes (网站可用性): a leased job that requests, as a client would, every active
//! site's home page and one of its column pages (a different one each run) through the public
//! address (`jobs.probe_base`, by default this node's public listener), each within the
//! inspection's 15 seconds, and stores the results; the inspection counts the share that failed
//! over the last week. Results older than five weeks are purged by the same job, and each round
//! also writes every site's standing for the day (the weekly trend).

use std::time::{Duration, Instant};

use chrono::Utc;
use zq_domain::ColumnKind;
use zq_domain::TenantStatus;
use zq_domain::inspection::ProbeFacts;
use zq_domain::time::format_local;
use zq_store::ProbeResult;

use crate::fetch::BoxFuture;
use crate::jobs::Job;
use crate::{Result, Services};

/// A page that does not open within this time counts as a failure.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(15);
/// Largest page body read.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;
/// Results kept, in days.
const KEEP_DAYS: i64 = 35;
/// Failures shown as evidence.
const EVIDENCE: u64 = 5;

/// The probe job.
pub struct Probes {
    pub every: Duration,
    /// Where the public sites answer, e.g. `http://127.0.0.1:8080`.
    pub base: String,
}

impl Job for Probes {
    fn name(&self) -> &str {
        "availability_probes"
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn run<'a>(&'a self, svc: &'a Services) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let results = probe_all(svc, &self.base).await?;
            let failed = results.iter().filter(|r| !r.ok).count();
            if failed > 0 {
                tracing::warn!(failed, of = results.len(), "availability probes failed");
            }
            svc.store().record_probes(results).await?;
            let cutoff = svc.now() - chrono::Duration::days(KEEP_DAYS);
            svc.store().purge_probes_before(cutoff).await?;
            super::record_today(svc).await?;
            Ok(())
        })
    }
}

/// Requests every active site's home page and one column page (rotating by run).
pub async fn probe_all(svc: &Services, base: &str) -> Result<Vec<ProbeResult>> {
    let base = base.trim_end_matches('/');
    let turn = usize::try_from(svc.now().timestamp() / 60).unwrap_or(0);
    // Every result of a round carries the round's time.
    let round = Utc::now();
    let mut out = Vec::new();
    for t in svc.store().list_tenants().await? {
        if t.status != TenantStatus::Active {
            continue;
        }
        let columns: Vec<_> = svc
            .store()
            .columns(t.id)
            .await?
            .into_iter()
            .filter(|c| c.kind == ColumnKind::ArticleList)
            .collect();
        let mut paths = vec![format!("/sites/{}/", t.code)];
        if !columns.is_empty() {
            let c = &columns[turn % columns.len()];
            paths.push(format!("/sites/{}/col/{}/", t.code, c.slug));
        }
        for path in paths {
            let started = Instant::now();
            let url = format!("{base}{path}");
            let got = tokio::time::timeout(
                PROBE_TIMEOUT,
                svc.fetcher().get(&url, "text/html", MAX_PAGE_BYTES),
            )
            .await;
            let detail = match got {
                Ok(Ok(_)) => None,
                Ok(Err(e)) => Some(e.to_string()),
                Err(_) => Some("15 秒内未打开".to_owned()),
            };
            out.push(ProbeResult {
                tenant_id: t.id,
                at: round,
                path,
                ok: detail.is_none(),
                detail,
                millis: i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX),
            });
        }
    }
    Ok(out)
}

/// The week's probe figures by tenant, with the newest failures of those that failed.
pub(super) async fn week(
    svc: &Services,
    only: Option<zq_domain::TenantId>,
) -> Result<Vec<(zq_domain::TenantId, ProbeFacts)>> {
    let since = svc.now() - chrono::Duration::days(7);
    let mut out = Vec::new();
    for (t, total, failed) in svc.store().probe_totals(since).await? {
        if only.is_some_and(|o| o != t) {
            continue;
        }
        let failures = if failed > 0 {
            svc.store()
                .failed_probes(t, since, EVIDENCE)
                .await?
                .into_iter()
                .map(|p| {
                    (
                        format_local(p.at, false),
                        p.path,
                        p.detail.unwrap_or_default(),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        out.push((
            t,
            ProbeFacts {
                total,
                failed,
                failures,
            },
        ));
    }
    Ok(out)
}
