//! Availability probes on PostgreSQL: the leased probe job on two nodes requests every active
//! site's home page and a column page over the public listener once per tick (never twice), all
//! answered; a site that does not answer is recorded as failed with the reason; and a week in
//! which one site failed more than 5 % of its probes fails that site's availability veto with
//! the failures as evidence, while a site with too few probes says the data is not enough.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sea_orm::{ConnectionTrait, Database, Statement};
use zq_domain::access::TenantRole;
use zq_services::Services;
use zq_services::inspection::probes::{Probes, probe_all};
use zq_services::jobs::{Job, JobRunner};
use zq_store::ProbeResult;
use zq_tests::{Backend, Setup, TestApp, indicator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_probe_job_runs_once_per_tick_on_two_nodes_and_a_failing_week_fails_the_veto() {
    let app = TestApp::setup(Setup {
        backend: Some(Backend::Postgres),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 7,
        }),
        ..Default::default()
    })
    .await;
    let base = format!("http://{}", app.addr);
    let other = zq_store::Store::open(&zq_store::StoreOptions::new(
        app.direct_database_url.clone(),
    ))
    .await
    .unwrap();
    let nodes = [
        ("a", app.services.clone()),
        (
            "b",
            Services::new(other.clone())
                // Guarded against private addresses like a production node; the probes' base
                // (this node's listener, on 127.0.0.1) is trusted.
                .with_fetch(Arc::new(zhanqun::HttpFetcher::new(Vec::new()).trust(&base))),
        ),
    ];
    let runners: Vec<JobRunner> = nodes
        .iter()
        .map(|(node, svc)| {
            let job = Arc::new(Probes {
                every: Duration::from_millis(1000),
                base: base.clone(),
            });
            JobRunner::start(svc, vec![job as Arc<dyn Job>], *node)
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(3500)).await;
    for r in runners {
        r.stop().await;
    }
    // Each tick probed jb's home page once: the rounds are a tick apart (two nodes running the
    // same tick would leave two rounds milliseconds apart), and every page opened.
    let db = Database::connect(&app.direct_database_url).await.unwrap();
    let jb = app
        .store
        .tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap())
        .await
        .unwrap()
        .unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT at, ok FROM probes WHERE tenant_id = {} AND path = '/sites/jb/' ORDER BY at",
                jb.id.0
            ),
        ))
        .await
        .unwrap();
    assert!(rows.len() >= 2, "{} runs", rows.len());
    let times: Vec<chrono::DateTime<Utc>> = rows
        .iter()
        .map(|r| r.try_get::<chrono::DateTime<Utc>>("", "at").unwrap())
        .collect();
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap.num_milliseconds() > 700,
            "one probe per tick: {times:?}"
        );
    }
    let details = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT path, detail FROM probes WHERE NOT ok",
        ))
        .await
        .unwrap();
    let details: Vec<(String, Option<String>)> = details
        .iter()
        .map(|r| {
            (
                r.try_get("", "path").unwrap(),
                r.try_get("", "detail").unwrap(),
            )
        })
        .collect();
    assert!(
        rows.iter().all(|r| r.try_get::<bool>("", "ok").unwrap()),
        "{details:?}"
    );

    // Each round also wrote the sites' standing for today: the trend's last week has it.
    let editor = app
        .token("pr.editor", None, Some(("jb", TenantRole::Editor)))
        .await;
    let (_, r) = app
        .api(&editor, "GET", "/api/v1/sites/jb/inspection", None)
        .await;
    let trend = r["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 8, "{r}");
    assert_eq!(trend[7]["points"], r["points"], "{r}");
    assert!(
        trend[0]["points"].is_i64(),
        "the demo's history reaches eight weeks back: {r}"
    );

    // A public address that does not answer: every probe fails, saying why.
    let dead = probe_all(&app.services, "http://127.0.0.1:9")
        .await
        .unwrap();
    assert!(!dead.is_empty());
    assert!(dead.iter().all(|p| !p.ok && p.detail.is_some()), "{dead:?}");

    // A synthetic week for jb: 150 opened, 10 did not (6.25 %).
    let now = Utc::now();
    let week: Vec<ProbeResult> = (0..160)
        .map(|i| ProbeResult {
            tenant_id: jb.id,
            at: now - chrono::Duration::minutes(60 * i),
            path: "/sites/jb/".into(),
            ok: i % 16 != 3,
            detail: (i % 16 == 3).then(|| "连接被拒绝".to_owned()),
            millis: 40,
        })
        .collect();
    app.store.record_probes(week).await.unwrap();
    let (_, r) = app
        .api(&editor, "GET", "/api/v1/sites/jb/inspection", None)
        .await;
    let a = indicator(&r, "availability");
    assert_eq!(a["status"], "fail", "{a}");
    // The week's 160 plus the job's own few rounds, 10 of them failed: over 5 %.
    assert!(
        a["value"].as_str().unwrap().contains("次中 10 次打不开（"),
        "{a}"
    );
    assert!(
        a["evidence"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("连接被拒绝"),
        "{a}"
    );
    assert!(r["vetoes"].to_string().contains("网站可用性"), "{r}");
    // Another site has only the job's few probes: not enough data yet.
    let yx = app
        .token("pr.yx", None, Some(("yx", TenantRole::Editor)))
        .await;
    let (_, r) = app
        .api(&yx, "GET", "/api/v1/sites/yx/inspection", None)
        .await;
    let a = indicator(&r, "availability");
    assert_eq!(a["status"], "not_available", "{a}");
    assert!(a["value"].as_str().unwrap().contains("数据不足"), "{a}");
    other.close().await.ok();
    app.finish().await;
}
