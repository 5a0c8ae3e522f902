//! The whole cluster's figures for the operator's page (运维监控), read from a Prometheus server
//! when one is configured (`metrics.prometheus_url`): every node's series together, over the
//! last hour, where a node's own registry only knows itself since it started. The queries are
//! the dashboard's (`ops/grafana/zhanqun.json`) summed over the nodes; the scrape must keep the
//! series' own `job` label (`honor_labels: true`, as `ops/prometheus/prometheus.yml` does).
//! A server that cannot be read is an [`ServiceError::Unavailable`]: the page then shows the
//! node's own figures and says why.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::{Caller, Result, ServiceError, Services};
use zq_domain::access::Action;

/// The window of the rates and counts.
pub const WINDOW: &str = "1h";
/// The window of the job runs (most jobs run a few times a day).
pub const JOB_WINDOW: &str = "24h";

/// One node as Prometheus scrapes it.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeFigures {
    /// The target's `instance` label.
    pub instance: String,
    /// The last scrape worked.
    pub up: bool,
    pub resident_bytes: Option<f64>,
}

/// One request label (a site's code, `_console`, `_api`) over the window, all nodes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SiteFigures {
    pub tenant: String,
    pub requests: f64,
    pub errors: f64,
    /// Seconds.
    pub p95: Option<f64>,
}

/// One background job over [`JOB_WINDOW`], all nodes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobFigures {
    pub job: String,
    pub runs: f64,
    pub failed: f64,
    /// Its last end on any node.
    pub last_run: Option<DateTime<Utc>>,
}

/// The cluster over the last [`WINDOW`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClusterFigures {
    pub nodes: Vec<NodeFigures>,
    /// Busiest first.
    pub sites: Vec<SiteFigures>,
    /// 0..=1.
    pub cache_hit_ratio: Option<f64>,
    /// Seconds.
    pub render_p95: Option<f64>,
    pub db_errors: f64,
    pub redis_errors: f64,
    pub jobs: Vec<JobFigures>,
}

#[derive(Deserialize)]
struct Answer {
    status: String,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    data: Option<Data>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: Vec<Sample>,
}

#[derive(Deserialize)]
struct Sample {
    metric: BTreeMap<String, String>,
    value: (f64, String),
}

impl Sample {
    fn label(&self, name: &str) -> String {
        self.metric.get(name).cloned().unwrap_or_default()
    }

    /// The value, `None` for NaN (a ratio or quantile over no data) and infinities.
    fn number(&self) -> Option<f64> {
        self.value.1.parse::<f64>().ok().filter(|v| v.is_finite())
    }
}

/// Asks `base` (`http://prometheus:9090`) the instant query `query`.
async fn query(svc: &Services, base: &str, query: &str) -> Result<Vec<Sample>> {
    let mut url = url::Url::parse(base.trim_end_matches('/'))
        .map_err(|e| ServiceError::Unavailable(format!("Prometheus 地址无效：{e}")))?;
    url.path_segments_mut()
        .map_err(|()| ServiceError::Unavailable("Prometheus 地址无效".into()))?
        .extend(["api", "v1", "query"]);
    url.query_pairs_mut().append_pair("query", query);
    let body = svc
        .fetcher()
        .get(url.as_str(), "application/json", 4 << 20)
        .await
        .map_err(|e| ServiceError::Unavailable(format!("无法读取 Prometheus：{e}")))?;
    let answer: Answer = serde_json::from_slice(&body)
        .map_err(|e| ServiceError::Unavailable(format!("Prometheus 的回答无法解析：{e}")))?;
    match answer.data {
        Some(d) if answer.status == "success" && d.result_type == "vector" => Ok(d.result),
        _ => Err(ServiceError::Unavailable(format!(
            "Prometheus 查询失败：{}",
            answer.error.unwrap_or(answer.status)
        ))),
    }
}

/// The one value of a query summed to a single series (`None` when there is none).
async fn scalar(svc: &Services, base: &str, q: &str) -> Result<Option<f64>> {
    Ok(query(svc, base, q).await?.first().and_then(Sample::number))
}

/// The cluster's figures from the Prometheus server at `base`, for an operator; the nodes are
/// the targets of the scrape job `scrape_job` (`metrics.prometheus_job`).
pub async fn cluster_figures(
    svc: &Services,
    caller: &Caller,
    base: &str,
    scrape_job: &str,
) -> Result<ClusterFigures> {
    if !caller.sees_everything() {
        return Err(ServiceError::forbidden(Action::Read));
    }
    let w = WINDOW;
    let mut out = ClusterFigures::default();
    let rss: BTreeMap<String, f64> = query(
        svc,
        base,
        &format!("zhanqun_process_resident_memory_bytes{{job=\"{scrape_job}\"}}"),
    )
    .await?
    .iter()
    .filter_map(|s| Some((s.label("instance"), s.number()?)))
    .collect();
    out.nodes = query(svc, base, &format!("up{{job=\"{scrape_job}\"}}"))
        .await?
        .iter()
        .map(|s| NodeFigures {
            instance: s.label("instance"),
            up: s.number() == Some(1.0),
            resident_bytes: rss.get(&s.label("instance")).copied(),
        })
        .collect();
    out.nodes.sort_by(|a, b| a.instance.cmp(&b.instance));
    let mut sites: BTreeMap<String, SiteFigures> = BTreeMap::new();
    let per_site = [
        format!("sum by (tenant) (increase(zhanqun_http_requests_total[{w}]))"),
        format!("sum by (tenant) (increase(zhanqun_http_requests_total{{class=\"5xx\"}}[{w}]))"),
        format!(
            "histogram_quantile(0.95, sum by (tenant, le) (rate(zhanqun_http_request_duration_seconds_bucket[{w}])))"
        ),
    ];
    for (n, q) in per_site.iter().enumerate() {
        for s in query(svc, base, q).await? {
            let site = entry(&mut sites, s.label("tenant"));
            match n {
                0 => site.requests = s.number().unwrap_or(0.0),
                1 => site.errors = s.number().unwrap_or(0.0),
                _ => site.p95 = s.number(),
            }
        }
    }
    out.sites = sites.into_values().collect();
    out.sites.sort_by(|a, b| {
        b.requests
            .total_cmp(&a.requests)
            .then(a.tenant.cmp(&b.tenant))
    });
    out.cache_hit_ratio = scalar(
        svc,
        base,
        &format!(
            "sum(increase(zhanqun_cache_lookups_total{{result=\"hit\"}}[{w}])) / (sum(increase(zhanqun_cache_lookups_total{{layer=\"l1\"}}[{w}])) + (sum(increase(zhanqun_cache_lookups_total{{layer!=\"l1\",result=\"miss\"}}[{w}])) or vector(0)))"
        ),
    )
    .await?;
    out.render_p95 = scalar(
        svc,
        base,
        &format!(
            "histogram_quantile(0.95, sum by (le) (rate(zhanqun_render_duration_seconds_bucket[{w}])))"
        ),
    )
    .await?;
    out.db_errors = scalar(
        svc,
        base,
        &format!("sum(increase(zhanqun_database_errors_total[{w}]))"),
    )
    .await?
    .unwrap_or(0.0);
    out.redis_errors = scalar(
        svc,
        base,
        &format!("sum(increase(zhanqun_redis_errors_total[{w}]))"),
    )
    .await?
    .unwrap_or(0.0);
    let mut jobs: BTreeMap<String, JobFigures> = BTreeMap::new();
    for s in query(
        svc,
        base,
        &format!("sum by (job, result) (increase(zhanqun_job_runs_total[{JOB_WINDOW}]))"),
    )
    .await?
    {
        let n = s.number().unwrap_or(0.0);
        let j = job_entry(&mut jobs, s.label("job"));
        if s.label("result") == "failed" {
            j.failed += n;
        } else {
            j.runs += n;
        }
    }
    for s in query(
        svc,
        base,
        "max by (job) (zhanqun_job_last_run_timestamp_seconds)",
    )
    .await?
    {
        let at = s
            .number()
            .and_then(|t| DateTime::from_timestamp(t as i64, 0));
        job_entry(&mut jobs, s.label("job")).last_run = at;
    }
    out.jobs = jobs.into_values().collect();
    Ok(out)
}

fn entry(sites: &mut BTreeMap<String, SiteFigures>, tenant: String) -> &mut SiteFigures {
    sites.entry(tenant.clone()).or_insert_with(|| SiteFigures {
        tenant,
        ..SiteFigures::default()
    })
}

fn job_entry(jobs: &mut BTreeMap<String, JobFigures>, job: String) -> &mut JobFigures {
    jobs.entry(job.clone()).or_insert_with(|| JobFigures {
        job,
        ..JobFigures::default()
    })
}
