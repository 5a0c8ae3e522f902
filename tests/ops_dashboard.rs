//! The operators' Grafana dashboard (`ops/grafana/zhanqun.json`) against what a node really
//! exports. A panel over a renamed or mistyped series shows "No data" without any error, so
//! this file holds the dashboard to a live node's `/metrics`: every `zhanqun_…` series its
//! PromQL (panels, rows' nested panels, template variables) names is a metric family of the
//! exposition (a histogram's `_bucket`, `_sum` and `_count` by the family's base name); panel
//! ids are unique and every panel but a row queries the `${datasource}` variable. The
//! operator's page in the console (集群管理 → 运维监控) shows the same figures for the node.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Duration;

use serde_json::Value;
use zq_tests::{DemoOptions, Setup, TestApp, host};

/// Every panel of `panels` and of the rows among them (a collapsed row holds its panels).
fn all_panels(panels: &[Value]) -> Vec<&Value> {
    let mut out = Vec::new();
    for p in panels {
        out.push(p);
        if let Some(nested) = p["panels"].as_array() {
            out.extend(all_panels(nested));
        }
    }
    out
}

/// Every `zhanqun_…` series name in a PromQL expression.
fn series_names(expr: &str) -> Vec<String> {
    let name_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
    let mut names = Vec::new();
    let mut rest = expr;
    while let Some(at) = rest.find("zhanqun_") {
        let inside_a_word = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
        let tail = &rest[at..];
        let end = tail.find(|c: char| !name_char(c)).unwrap_or(tail.len());
        if !inside_a_word {
            names.push(tail[..end].to_owned());
        }
        rest = &tail[end..];
    }
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_grafana_dashboard_only_charts_series_the_nodes_export() {
    // Families with labels appear in the exposition only once they have a series: the demo's
    // tenants give the inspection and case gauges theirs (set on a scrape), a page render the
    // cache and render series, a 1 s scheduler tick the job series.
    let app = TestApp::setup(Setup {
        demo: Some(DemoOptions {
            news_articles: 4,
            seed: 7,
        }),
        env: vec![("ZQ_JOBS__SCHEDULER_TICK_SECS".into(), "1".into())],
        ..Setup::default()
    })
    .await;
    let page = app.get(&host("fgw"), "/col/gzdt/").await;
    assert_eq!(page.status, 200, "{}", page.body);
    // No demo channel has an upstream feed: report one pull the way the feed job does, so the
    // feed families exist.
    zq_services::Telemetry::feed_pull(app.services.telemetry(), 1, Some(0));
    let mut metrics = String::new();
    for _ in 0..50 {
        metrics = app.metrics().await;
        if metrics.contains("# TYPE zhanqun_job_runs_total ") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // `# TYPE <family> <type>`, by family.
    let families: HashMap<&str, &str> = metrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split_once(' '))
        .collect();

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../ops/grafana/zhanqun.json");
    let text = std::fs::read_to_string(path).unwrap();
    let dashboard: Value = serde_json::from_str(&text).unwrap();
    let panels = all_panels(dashboard["panels"].as_array().unwrap());
    assert!(panels.len() > 10, "{} panels", panels.len());

    let mut ids = HashSet::new();
    let mut exprs = Vec::new();
    for p in &panels {
        let title = p["title"].as_str().unwrap_or("?");
        let id = p["id"]
            .as_u64()
            .unwrap_or_else(|| panic!("panel {title} has no id"));
        assert!(ids.insert(id), "panel id {id} twice ({title})");
        if p["type"] == "row" {
            continue;
        }
        assert_eq!(
            p["datasource"]["uid"], "${datasource}",
            "panel {title} queries the dashboard's data source"
        );
        let targets = p["targets"].as_array().unwrap();
        assert!(!targets.is_empty(), "panel {title} has no query");
        for t in targets {
            let expr = t["expr"].as_str().unwrap_or("");
            assert!(!expr.is_empty(), "a query of panel {title} has no expr");
            exprs.push((title.to_owned(), expr.to_owned()));
        }
    }
    for v in dashboard["templating"]["list"].as_array().unwrap() {
        if let Some(def) = v["definition"].as_str() {
            let name = v["name"].as_str().unwrap_or("?");
            exprs.push((format!("variable {name}"), def.to_owned()));
        }
    }

    let mut charted = BTreeSet::new();
    for (title, expr) in &exprs {
        for name in series_names(expr) {
            // The process collector is registered on Linux only.
            if cfg!(not(target_os = "linux")) && name.starts_with("zhanqun_process_") {
                continue;
            }
            let exported = families.contains_key(name.as_str())
                || ["_bucket", "_sum", "_count"].iter().any(|suffix| {
                    name.strip_suffix(suffix)
                        .is_some_and(|base| families.get(base) == Some(&"histogram"))
                });
            assert!(
                exported,
                "panel {title} charts {name}, which no node exports (in {expr}); the node's families: {:?}",
                families.keys().collect::<BTreeSet<_>>()
            );
            charted.insert(name);
        }
    }
    assert!(
        charted.contains("zhanqun_http_requests_total")
            && charted.contains("zhanqun_http_request_duration_seconds_bucket")
            && charted.contains("zhanqun_inspection_vetoes"),
        "{charted:?}"
    );

    // The operator's page in the console shows the same figures for this node: the site just
    // requested, the console's own requests, the scheduler's runs; a site's account may not.
    let cookie = app.operator_cookie("ops.viewer").await;
    let ops = app
        .get_with(
            "127.0.0.1",
            "/console/admin/operations",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(ops.status, 200, "{}", ops.body);
    for want in [
        "本节点运行情况",
        "<td>fgw</td>",
        "<td>_console</td>",
        "<td>scheduled_publishing</td>",
        "页面缓存命中率",
    ] {
        assert!(
            ops.body.contains(want),
            "{want} not on the page: {}",
            ops.body
        );
    }
    app.account(
        "ops.editor",
        None,
        &[("fgw", zq_domain::access::TenantRole::Editor)],
    )
    .await;
    let (_, editor) = app.sign_in("ops.editor", zq_tests::PASSWORD).await;
    let refused = app
        .get_with(
            "127.0.0.1",
            "/console/admin/operations",
            &[("cookie", &editor.unwrap())],
        )
        .await;
    assert_eq!(refused.status, 403);
    app.finish().await;
}
