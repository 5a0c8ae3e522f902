//! Prometheus metrics, per tenant, served on the separate operations listener.
//!
//! Label handles are resolved once per tenant (`TenantMetrics`, held by the registry's `Site`)
//! so the hot path only bumps counters. Tenant labels are bounded: the registered tenants plus
//! `_unknown` for requests whose host or alias matched none.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};
use zq_cache::Outcome;

/// The label value for requests that matched no tenant.
pub const UNKNOWN_TENANT: &str = "_unknown";

/// Status classes, by `status / 100`.
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// All metrics of one process.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    bytes: IntCounterVec,
    cache: IntCounterVec,
    render: HistogramVec,
    /// Requests being handled now.
    pub in_flight: IntGauge,
    /// Database errors seen by the HTTP layer.
    pub db_errors: IntCounter,
    redis_errors: IntCounter,
    l2_rejected: IntCounter,
    tls_expiry: IntGaugeVec,
    integrity_findings: IntCounterVec,
    upload_scans: IntCounterVec,
    integrity_unverified: IntGauge,
    cache_bytes: IntGauge,
    cache_entries: IntGauge,
    feed_pulls: IntCounterVec,
    feed_items: IntCounterVec,
    feed_last_success: IntGaugeVec,
    job_runs: IntCounterVec,
    rate_limited: IntCounterVec,
    job_last_run: IntGaugeVec,
    job_duration: HistogramVec,
    cases_open: IntGaugeVec,
    cases_due_soon: IntGaugeVec,
    cases_overdue: IntGaugeVec,
    inspection_vetoes: IntGaugeVec,
    inspection_broken_links: IntGaugeVec,
    inspection_points: IntGaugeVec,
    inspection_warnings: IntGaugeVec,
    /// When the case gauges were last read from the database (they are read at most every
    /// [`CASE_GAUGES_MAX_AGE`], on a scrape).
    cases_read: Mutex<Option<std::time::Instant>>,
    handles: Mutex<HashMap<String, Arc<TenantMetrics>>>,
}

/// How old the case gauges may be when scraped.
pub const CASE_GAUGES_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(30);

/// Pre-resolved handles of one tenant.
pub struct TenantMetrics {
    requests: [IntCounter; 5],
    latency: Histogram,
    bytes: IntCounter,
    l1_hit: IntCounter,
    l1_miss: IntCounter,
    l2_hit: IntCounter,
    l2_miss: IntCounter,
    stale: IntCounter,
    bypass: IntCounter,
    /// Time spent rendering pages (its count is the number of renders).
    pub render: Histogram,
}

impl TenantMetrics {
    /// Records one answered request.
    pub fn observe(&self, status: u16, seconds: f64, bytes: usize) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.requests[class].inc();
        self.latency.observe(seconds);
        self.bytes.inc_by(bytes as u64);
    }

    /// Records where a page came from.
    pub fn cache(&self, outcome: Outcome, has_l2: bool) {
        match outcome {
            Outcome::L1Hit => self.l1_hit.inc(),
            Outcome::L2Hit => {
                self.l1_miss.inc();
                self.l2_hit.inc();
            }
            Outcome::Rendered => {
                self.l1_miss.inc();
                if has_l2 {
                    self.l2_miss.inc();
                }
            }
            Outcome::Stale => {
                self.l1_miss.inc();
                self.stale.inc();
            }
            Outcome::Bypass => self.bypass.inc(),
        }
    }
}

fn must<T>(r: prometheus::Result<T>) -> T {
    // Metric definitions are constants of this file; a failure is a programming error found by
    // the first test that starts the server.
    r.unwrap_or_else(|e| panic!("metric definition: {e}"))
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new_custom(Some("zhanqun".into()), None).unwrap_or_default();
        let latency_buckets = vec![
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ];
        let requests = must(IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "Requests answered, by tenant and status class",
            ),
            &["tenant", "class"],
        ));
        let latency = must(HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer a request, by tenant",
            )
            .buckets(latency_buckets.clone()),
            &["tenant"],
        ));
        let bytes = must(IntCounterVec::new(
            Opts::new(
                "http_response_bytes_total",
                "Response body bytes sent, by tenant",
            ),
            &["tenant"],
        ));
        let cache = must(IntCounterVec::new(
            Opts::new(
                "cache_lookups_total",
                "Page cache lookups, by tenant, layer (l1, l2, stale, none) and result",
            ),
            &["tenant", "layer", "result"],
        ));
        let render = must(HistogramVec::new(
            HistogramOpts::new(
                "render_duration_seconds",
                "Time to build and render a page on a cache miss, by tenant",
            )
            .buckets(latency_buckets),
            &["tenant"],
        ));
        let in_flight = must(IntGauge::new(
            "http_requests_in_flight",
            "Requests being handled now",
        ));
        let rate_limited = must(IntCounterVec::new(
            Opts::new(
                "rate_limited_total",
                "Requests answered 429 by a rate limit or a sign-in delay, by limit",
            ),
            &["limit"],
        ));
        for limit in crate::limits::LIMITS {
            rate_limited.with_label_values(&[limit]);
        }
        let db_errors = must(IntCounter::new(
            "database_errors_total",
            "Requests that failed because the database was unavailable",
        ));
        let redis_errors = must(IntCounter::new(
            "redis_errors_total",
            "Redis errors and timeouts (the platform went on without Redis)",
        ));
        let l2_rejected = must(IntCounter::new(
            "cache_l2_rejected_total",
            "Pages in Redis that failed their authentication (changed or planted) and were not served",
        ));
        let tls_expiry = must(IntGaugeVec::new(
            Opts::new(
                "tls_certificate_expiry_timestamp_seconds",
                "When each TLS certificate served ends (Unix time), by certificate name",
            ),
            &["certificate"],
        ));
        let integrity_findings = must(IntCounterVec::new(
            Opts::new(
                "integrity_findings_total",
                "Tampering the integrity checks found and repaired, by kind (article_restored, article_withdrawn, file)",
            ),
            &["kind"],
        ));
        for kind in ["article_restored", "article_withdrawn", "file"] {
            integrity_findings.with_label_values(&[kind]);
        }
        let upload_scans = must(IntCounterVec::new(
            Opts::new(
                "upload_scans_total",
                "Uploads scanned by clamd, by result (clean, infected: refused, failed: no verdict, refused)",
            ),
            &["result"],
        ));
        for result in ["clean", "infected", "failed"] {
            upload_scans.with_label_values(&[result]);
        }
        let integrity_unverified = must(IntGauge::new(
            "integrity_unverified_articles",
            "Published articles without a recorded fingerprint to verify them against, at the last scan on this node",
        ));
        let cache_bytes = must(IntGauge::new(
            "cache_l1_bytes",
            "Bytes held by the in-process page cache",
        ));
        let cache_entries = must(IntGauge::new(
            "cache_l1_entries",
            "Pages held by the in-process page cache",
        ));
        let feed_pulls = must(IntCounterVec::new(
            Opts::new(
                "feed_pulls_total",
                "Pulls of a reporting channel's upstream feed, by channel id and result (ok, failed)",
            ),
            &["channel", "result"],
        ));
        let feed_items = must(IntCounterVec::new(
            Opts::new(
                "feed_items_imported_total",
                "Feed items imported as new submissions, by channel id",
            ),
            &["channel"],
        ));
        let feed_last_success = must(IntGaugeVec::new(
            Opts::new(
                "feed_last_success_timestamp_seconds",
                "Unix time of a channel's last successful feed pull (alert when it grows old)",
            ),
            &["channel"],
        ));
        let job_runs = must(IntCounterVec::new(
            Opts::new(
                "job_runs_total",
                "Runs of a background job on this node, by job and result (ok, failed)",
            ),
            &["job", "result"],
        ));
        let job_last_run = must(IntGaugeVec::new(
            Opts::new(
                "job_last_run_timestamp_seconds",
                "Unix time a background job last finished on this node",
            ),
            &["job"],
        ));
        let job_duration = must(HistogramVec::new(
            prometheus::HistogramOpts::new(
                "job_duration_seconds",
                "How long a background job's runs on this node took",
            )
            .buckets(vec![0.01, 0.05, 0.25, 1.0, 5.0, 30.0, 120.0]),
            &["job"],
        ));
        let case_gauge =
            |name: &str, help: &str| must(IntGaugeVec::new(Opts::new(name, help), &["tenant"]));
        let cases_open = case_gauge(
            "cases_open",
            "Interaction cases waiting for an answer, by owning tenant",
        );
        let cases_due_soon = case_gauge(
            "cases_due_soon",
            "Open cases due today or on the next working day, by owning tenant",
        );
        let cases_overdue = case_gauge(
            "cases_overdue",
            "Open cases past their due date in working days, by owning tenant (alert above 0)",
        );
        let inspection_vetoes = case_gauge(
            "inspection_vetoes",
            "Veto items of the national inspection a site fails now, by tenant (alert above 0)",
        );
        let inspection_points = case_gauge(
            "inspection_points",
            "The inspection's points a site would get now (100 less deductions), by tenant",
        );
        let inspection_warnings = case_gauge(
            "inspection_warnings",
            "Inspection indicators warning now (past their threshold within 3 days), by tenant",
        );
        let inspection_broken_links = case_gauge(
            "inspection_broken_links",
            "Broken links in a site's published articles at the link checker's last run, by tenant",
        );
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(inspection_broken_links.clone()),
            Box::new(inspection_vetoes.clone()),
            Box::new(inspection_points.clone()),
            Box::new(inspection_warnings.clone()),
            Box::new(cases_open.clone()),
            Box::new(cases_due_soon.clone()),
            Box::new(cases_overdue.clone()),
            Box::new(latency.clone()),
            Box::new(bytes.clone()),
            Box::new(cache.clone()),
            Box::new(render.clone()),
            Box::new(in_flight.clone()),
            Box::new(db_errors.clone()),
            Box::new(redis_errors.clone()),
            Box::new(l2_rejected.clone()),
            Box::new(tls_expiry.clone()),
            Box::new(integrity_findings.clone()),
            Box::new(upload_scans.clone()),
            Box::new(integrity_unverified.clone()),
            Box::new(cache_bytes.clone()),
            Box::new(cache_entries.clone()),
            Box::new(feed_pulls.clone()),
            Box::new(feed_items.clone()),
            Box::new(feed_last_success.clone()),
            Box::new(job_runs.clone()),
            Box::new(rate_limited.clone()),
            Box::new(job_last_run.clone()),
            Box::new(job_duration.clone()),
        ] {
            must(registry.register(c));
        }
        #[cfg(target_os = "linux")]
        must(registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        )));
        Metrics {
            registry,
            requests,
            latency,
            bytes,
            cache,
            render,
            in_flight,
            db_errors,
            redis_errors,
            l2_rejected,
            tls_expiry,
            integrity_findings,
            upload_scans,
            integrity_unverified,
            cache_bytes,
            cache_entries,
            feed_pulls,
            feed_items,
            feed_last_success,
            job_runs,
            rate_limited,
            job_last_run,
            job_duration,
            cases_open,
            cases_due_soon,
            cases_overdue,
            inspection_vetoes,
            inspection_points,
            inspection_warnings,
            inspection_broken_links,
            cases_read: Mutex::new(None),
            handles: Mutex::new(HashMap::new()),
        }
    }

    /// The handles of one tenant (by code), created on first use and reused afterwards.
    /// Counts a request a limit answered 429 (`limits::LIMITS`).
    /// Requests answered 429 on this node since it started, by limit.
    pub fn rate_limited_counts(&self) -> Vec<(String, u64)> {
        crate::limits::LIMITS
            .iter()
            .map(|l| {
                (
                    crate::limits::limit_label(l).to_owned(),
                    self.rate_limited.with_label_values(&[l]).get(),
                )
            })
            .collect()
    }

    pub fn rate_limited(&self, limit: &str) {
        self.rate_limited.with_label_values(&[limit]).inc();
    }

    pub fn tenant(&self, code: &str) -> Arc<TenantMetrics> {
        let mut handles = match self.handles.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        if let Some(h) = handles.get(code) {
            return h.clone();
        }
        let cache = |layer, result| self.cache.with_label_values(&[code, layer, result]);
        let h = Arc::new(TenantMetrics {
            requests: CLASSES.map(|c| self.requests.with_label_values(&[code, c])),
            latency: self.latency.with_label_values(&[code]),
            bytes: self.bytes.with_label_values(&[code]),
            l1_hit: cache("l1", "hit"),
            l1_miss: cache("l1", "miss"),
            l2_hit: cache("l2", "hit"),
            l2_miss: cache("l2", "miss"),
            stale: cache("stale", "hit"),
            bypass: cache("none", "bypass"),
            render: self.render.with_label_values(&[code]),
        });
        handles.insert(code.to_owned(), h.clone());
        h
    }

    /// Whether the case gauges are older than [`CASE_GAUGES_MAX_AGE`]; if so, marks them
    /// read now (the caller reads them).
    pub fn case_gauges_stale(&self) -> bool {
        let mut read = match self.cases_read.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let stale = read.is_none_or(|t| t.elapsed() >= CASE_GAUGES_MAX_AGE);
        if stale {
            *read = Some(std::time::Instant::now());
        }
        stale
    }

    /// Sets the case gauges of tenant `code`.
    pub fn set_cases(&self, code: &str, open: u32, due_soon: u32, overdue: u32) {
        self.cases_open
            .with_label_values(&[code])
            .set(i64::from(open));
        self.cases_due_soon
            .with_label_values(&[code])
            .set(i64::from(due_soon));
        self.cases_overdue
            .with_label_values(&[code])
            .set(i64::from(overdue));
    }

    /// Sets the inspection gauges of tenant `code`.
    pub fn set_inspection(
        &self,
        code: &str,
        vetoes: usize,
        points: i64,
        warnings: usize,
        broken_links: i64,
    ) {
        self.inspection_broken_links
            .with_label_values(&[code])
            .set(broken_links);
        let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
        self.inspection_vetoes
            .with_label_values(&[code])
            .set(n(vetoes));
        self.inspection_points
            .with_label_values(&[code])
            .set(points);
        self.inspection_warnings
            .with_label_values(&[code])
            .set(n(warnings));
    }

    /// Every metric family, after bringing the sampled values up to date (the operator's page).
    pub fn gather(&self, cache: &zq_cache::PageCache) -> Vec<prometheus::proto::MetricFamily> {
        self.sample(cache);
        self.registry.gather()
    }

    /// Sets the expiry gauge of each certificate served, dropping those no longer served.
    pub fn set_certificates(&self, entries: &[crate::tls::Entry]) {
        self.tls_expiry.reset();
        for e in entries {
            self.tls_expiry
                .with_label_values(&[e.cert.name.as_str()])
                .set(e.cert.not_after.timestamp());
        }
    }

    fn sample(&self, cache: &zq_cache::PageCache) {
        let (bytes, entries) = cache.l1_usage();
        self.cache_bytes
            .set(i64::try_from(bytes).unwrap_or(i64::MAX));
        self.cache_entries
            .set(i64::try_from(entries).unwrap_or(i64::MAX));
        let seen = self.redis_errors.get();
        self.redis_errors
            .inc_by(cache.redis_errors().saturating_sub(seen));
        let seen = self.l2_rejected.get();
        self.l2_rejected
            .inc_by(cache.l2_rejected().saturating_sub(seen));
    }

    /// The Prometheus text exposition, after bringing the sampled values up to date.
    pub fn render(&self, cache: &zq_cache::PageCache) -> String {
        self.sample(cache);
        let mut out = Vec::new();
        if TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .is_err()
        {
            return String::new();
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// The services report feed pulls and job runs here.
impl zq_services::Telemetry for Metrics {
    fn feed_pull(&self, channel: i64, imported: Option<u64>) {
        let channel = channel.to_string();
        match imported {
            Some(n) => {
                self.feed_pulls.with_label_values(&[&channel, "ok"]).inc();
                self.feed_items.with_label_values(&[&channel]).inc_by(n);
                self.feed_last_success
                    .with_label_values(&[&channel])
                    .set(chrono::Utc::now().timestamp());
            }
            None => self
                .feed_pulls
                .with_label_values(&[&channel, "failed"])
                .inc(),
        }
    }

    fn integrity_finding(&self, kind: &str) {
        self.integrity_findings.with_label_values(&[kind]).inc();
    }

    fn upload_scan(&self, result: &str) {
        self.upload_scans.with_label_values(&[result]).inc();
    }

    fn integrity_scanned(&self, _articles: u64, unrecorded: u64, _files: u64) {
        self.integrity_unverified
            .set(i64::try_from(unrecorded).unwrap_or(i64::MAX));
    }

    fn job_run(&self, job: &str, ok: bool, duration: std::time::Duration) {
        let result = if ok { "ok" } else { "failed" };
        self.job_runs.with_label_values(&[job, result]).inc();
        self.job_last_run
            .with_label_values(&[job])
            .set(chrono::Utc::now().timestamp());
        self.job_duration
            .with_label_values(&[job])
            .observe(duration.as_secs_f64());
    }
}

/// Counts a console request in the request metrics under the label `_console`.
pub(crate) async fn count_console(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    counted(&state, "_console", req, next).await
}

/// Counts an API request in the request metrics under the label `_api`.
pub(crate) async fn count_api(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    counted(&state, "_api", req, next).await
}

/// Console and API requests are no tenant's page: they are counted under their own label
/// (status class, latency, declared body size), so a console error shows on the dashboard.
async fn counted(
    state: &crate::AppState,
    label: &str,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    let bytes = res
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    state.metrics().tenant(label).observe(
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
        bytes,
    );
    res
}
