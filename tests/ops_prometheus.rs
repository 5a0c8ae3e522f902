//! The operator's page with a Prometheus server configured (`metrics.prometheus_url`): the
//! whole cluster's figures over the last hour come from a real Prometheus scraping the node
//! with the shipped configuration (`ops/prometheus/prometheus.yml`); while the server does not
//! answer, the page says so and still shows the node's own figures.

use std::time::{Duration, Instant};

use zq_tests::prometheus::{PrometheusServer, free_port};
use zq_tests::{DemoOptions, Setup, TestApp, host};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_page_reads_the_whole_cluster_from_the_configured_prometheus_server() {
    let port = free_port();
    let app = TestApp::setup(Setup {
        demo: Some(DemoOptions {
            news_articles: 2,
            seed: 11,
        }),
        env: vec![
            ("ZQ_JOBS__SCHEDULER_TICK_SECS".into(), "1".into()),
            (
                "ZQ_METRICS__PROMETHEUS_URL".into(),
                format!("http://127.0.0.1:{port}"),
            ),
        ],
        ..Setup::default()
    })
    .await;
    let cookie = app.operator_cookie("ops.viewer").await;
    let operations = || async {
        let page = app
            .get_with(
                "127.0.0.1",
                "/console/admin/operations",
                &[("cookie", &cookie)],
            )
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        page.body
    };

    // Nothing listens there yet: the page says so and shows the node.
    let alone = operations().await;
    assert!(alone.contains("无法读取 Prometheus"), "{alone}");
    assert!(alone.contains("本节点运行情况"), "{alone}");
    assert!(!alone.contains("全集群运行情况"), "{alone}");

    let target = app.metrics_addr.expect("metrics listener");
    let _prometheus = PrometheusServer::start(port, target);
    // Rates need two scrapes holding the series (one a second), and an increase between them:
    // the site is asked on every round.
    let requests = |cluster: &str| {
        cluster
            .split("<tr><td>fgw</td><td>")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .and_then(|n| n.parse::<u64>().ok())
    };
    let started = Instant::now();
    let page = loop {
        assert_eq!(app.get(&host("fgw"), "/").await.status, 200);
        let page = operations().await;
        let cluster = page
            .split("本节点运行情况")
            .next()
            .unwrap_or_default()
            .to_owned();
        if requests(&cluster).is_some_and(|n| n > 0)
            && cluster.contains("<td>scheduled_publishing</td>")
        {
            break cluster;
        }
        assert!(
            started.elapsed() < Duration::from_secs(45),
            "the cluster's figures never showed: {page}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(page.contains("全集群运行情况"), "{page}");
    assert!(
        page.contains(&format!("来自 Prometheus（http://127.0.0.1:{port}）")),
        "{page}"
    );
    assert!(!page.contains("无法读取 Prometheus"), "{page}");
    // The node, up; the site's requests were counted (above).
    assert!(
        page.contains(&format!("<td>{target}</td><td>正常</td>")),
        "{page}"
    );
    assert!(page.contains("页面缓存命中率"), "{page}");
    app.finish().await;
}
