//! The operator's page (集群管理 → 运维监控): the figures the Grafana dashboard charts. With a
//! Prometheus server configured (`metrics.prometheus_url`), first the whole cluster's over the
//! last hour from it (`zq_services::operations`; a server that does not answer is said, not
//! hidden); always this node's own, read from its metrics registry — requests
//! and server errors per site (console and API under `_console` and `_api`), latency, cache hit
//! ratio, render time, database and Redis faults, the page cache's size, each background job's
//! runs and last run, and the process's memory and CPU. Counters are totals since the node
//! started, which the page says.

use std::collections::BTreeMap;

use axum::extract::State;
use prometheus::proto::{Metric, MetricFamily};
use zq_render::ConsolePage;
use zq_render::console_view::{ClusterView, JobLine, NodeLine, OperationsView, SiteLine};
use zq_services::operations::ClusterFigures;

use super::admin::admin_frame;
use super::frame::{ConsoleCaller, PageError, PageResult, html};
use crate::AppState;
use crate::service::format_local;

fn label<'a>(m: &'a Metric, name: &str) -> &'a str {
    m.get_label()
        .iter()
        .find(|l| l.name() == name)
        .map_or("", |l| l.value())
}

fn family<'a>(all: &'a [MetricFamily], name: &str) -> &'a [Metric] {
    all.iter()
        .find(|f| f.name() == name)
        .map_or(&[], |f| f.get_metric())
}

fn counter(m: &Metric) -> f64 {
    m.get_counter().get_value()
}

fn gauge(m: &Metric) -> f64 {
    m.get_gauge().get_value()
}

/// The upper bound of the bucket holding quantile `q` of histogram metrics `ms` added up.
fn quantile(ms: &[&Metric], q: f64) -> Option<f64> {
    let mut buckets: BTreeMap<u64, (f64, u64)> = BTreeMap::new();
    let mut total = 0;
    for m in ms {
        let h = m.get_histogram();
        total += h.get_sample_count();
        for b in h.get_bucket() {
            let e = buckets
                .entry(b.upper_bound().to_bits())
                .or_insert((b.upper_bound(), 0));
            e.1 += b.cumulative_count();
        }
    }
    if total == 0 {
        return None;
    }
    let want = (total as f64 * q).ceil() as u64;
    let mut sorted: Vec<(f64, u64)> = buckets.into_values().collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    sorted
        .into_iter()
        .find(|(_, n)| *n >= want)
        .map(|(bound, _)| bound)
}

fn millis(s: Option<f64>) -> String {
    match s {
        Some(s) if s.is_finite() => format!("≤ {} ms", (s * 1000.0).round()),
        Some(_) => "> 最大分档".into(),
        None => "—".into(),
    }
}

/// A quantile Prometheus interpolated within its bucket.
fn approx_millis(s: Option<f64>) -> String {
    s.map_or("—".into(), |s| format!("约 {} ms", (s * 1000.0).round()))
}

/// `GET /console/admin/operations`.
pub(crate) async fn show(State(state): State<AppState>, cc: ConsoleCaller) -> PageResult {
    if !cc.caller.sees_everything() {
        return Err(PageError::from(crate::service::ServiceError::Forbidden(
            crate::service::action_label(zq_domain::access::Action::Read).to_owned(),
        )));
    }
    let all = state.metrics().gather(state.cache());
    let mut sites: BTreeMap<String, SiteLine> = BTreeMap::new();
    for m in family(&all, "zhanqun_http_requests_total") {
        let s = sites
            .entry(label(m, "tenant").to_owned())
            .or_insert_with(|| SiteLine {
                tenant: label(m, "tenant").to_owned(),
                ..SiteLine::default()
            });
        let n = counter(m) as u64;
        s.requests += n;
        if label(m, "class") == "5xx" {
            s.errors += n;
        }
    }
    let latency: Vec<&Metric> = family(&all, "zhanqun_http_request_duration_seconds")
        .iter()
        .collect();
    for s in sites.values_mut() {
        let own: Vec<&Metric> = latency
            .iter()
            .copied()
            .filter(|m| label(m, "tenant") == s.tenant)
            .collect();
        s.p95 = millis(quantile(&own, 0.95));
    }
    let mut sites: Vec<SiteLine> = sites.into_values().collect();
    sites.sort_by_key(|s| std::cmp::Reverse(s.requests));
    let (mut hits, mut lookups) = (0.0, 0.0);
    for m in family(&all, "zhanqun_cache_lookups_total") {
        let n = counter(m);
        if label(m, "layer") == "l1" || label(m, "result") == "miss" {
            lookups += n;
        }
        if label(m, "result") == "hit" {
            hits += n;
        }
    }
    let one = |name: &str| {
        family(&all, name)
            .first()
            .map_or(0.0, |m| gauge(m).max(counter(m)))
    };
    let render: Vec<&Metric> = family(&all, "zhanqun_render_duration_seconds")
        .iter()
        .collect();
    let now = state.services().now();
    let mut jobs: BTreeMap<String, JobLine> = BTreeMap::new();
    for m in family(&all, "zhanqun_job_runs_total") {
        let j = jobs
            .entry(label(m, "job").to_owned())
            .or_insert_with(|| JobLine {
                job: label(m, "job").to_owned(),
                ..JobLine::default()
            });
        let n = counter(m) as u64;
        if label(m, "result") == "failed" {
            j.failed += n;
        } else {
            j.runs += n;
        }
    }
    for m in family(&all, "zhanqun_job_last_run_timestamp_seconds") {
        if let Some(j) = jobs.get_mut(label(m, "job")) {
            let at = chrono::DateTime::from_timestamp(gauge(m) as i64, 0).unwrap_or(now);
            j.last_run = format_local(at, false);
        }
    }
    let (cluster, cluster_error) = match &state.config().prometheus {
        None => (None, None),
        Some((url, job)) => {
            match zq_services::operations::cluster_figures(state.services(), &cc.caller, url, job)
                .await
            {
                Ok(figures) => (Some(cluster_view(url, figures)), None),
                Err(e) => {
                    tracing::warn!(error = ?e, "the Prometheus server could not be read");
                    let why = match e {
                        crate::service::ServiceError::Unavailable(why) => why,
                        other => other.to_string(),
                    };
                    (None, Some(why))
                }
            }
        }
    };
    let view = OperationsView {
        frame: admin_frame(&state, &cc, "operations", None),
        node: state.services().visits().node().to_owned(),
        at: format_local(now, false),
        sites,
        cache_hit_ratio: if lookups > 0.0 {
            format!("{:.1}%", hits * 100.0 / lookups)
        } else {
            "—".into()
        },
        render_p95: millis(quantile(&render, 0.95)),
        db_errors: one("zhanqun_database_errors_total") as u64,
        redis_errors: one("zhanqun_redis_errors_total") as u64,
        in_flight: one("zhanqun_http_requests_in_flight") as i64,
        cache_mib: format!("{:.1}", one("zhanqun_cache_l1_bytes") / 1_048_576.0),
        cache_entries: one("zhanqun_cache_l1_entries") as u64,
        rss_mib: format!(
            "{:.0}",
            one("zhanqun_process_resident_memory_bytes") / 1_048_576.0
        ),
        cpu_seconds: format!("{:.0}", one("zhanqun_process_cpu_seconds_total")),
        jobs: jobs.into_values().collect(),
        cluster,
        cluster_error,
    };
    html(&state, ConsolePage::Operations, &view)
}

/// The cluster's figures as the page shows them.
fn cluster_view(source: &str, f: ClusterFigures) -> ClusterView {
    let count = |n: f64| n.round().max(0.0) as u64;
    ClusterView {
        source: source.to_owned(),
        nodes: f
            .nodes
            .into_iter()
            .map(|n| NodeLine {
                instance: n.instance,
                up: n.up,
                rss_mib: n
                    .resident_bytes
                    .map_or("—".into(), |b| format!("{:.0}", b / 1_048_576.0)),
            })
            .collect(),
        sites: f
            .sites
            .into_iter()
            .map(|s| SiteLine {
                tenant: s.tenant,
                requests: count(s.requests),
                errors: count(s.errors),
                p95: approx_millis(s.p95),
            })
            .collect(),
        cache_hit_ratio: f
            .cache_hit_ratio
            .map_or("—".into(), |r| format!("{:.1}%", r * 100.0)),
        render_p95: approx_millis(f.render_p95),
        db_errors: count(f.db_errors),
        redis_errors: count(f.redis_errors),
        jobs: f
            .jobs
            .into_iter()
            .map(|j| JobLine {
                job: j.job,
                runs: count(j.runs),
                failed: count(j.failed),
                last_run: j.last_run.map_or("—".into(), |at| format_local(at, false)),
            })
            .collect(),
    }
}
