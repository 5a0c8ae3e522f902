//! Two nodes on PostgreSQL and Redis, each with its own index directory: a publish through one
//! is found through both within two seconds, and a withdrawal is gone from both as fast.

use std::time::Duration;

use zq_domain::ArticleStatus;
use zq_tests::{Backend, DemoOptions, Setup, TestApp, article, host};

use super::{api, indexed, q, within};
use crate::cache::Node;

/// How many documents node `node` finds for `text` (through its own search API).
async fn total_on(node: &Node, text: &str) -> Option<u64> {
    let (status, _, text) = node
        .get(&host("www"), &format!("/api/v1/search?{}", q(text)))
        .await;
    if status != 200 {
        return None;
    }
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    // The other node answers HTTP/1.1: the body may come in chunks; the total is at its start.
    body.split("\"total\":")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_two_nodes_a_publish_is_found_and_a_withdrawal_gone_on_both_within_two_seconds() {
    let app = TestApp::setup(Setup {
        backend: Some(Backend::Postgres),
        demo: Some(DemoOptions {
            news_articles: 8,
            seed: 7,
        }),
        redis: true,
        ..Setup::default()
    })
    .await;
    let node = Node::start_with(
        &app.direct_database_url,
        app.redis.as_ref().unwrap(),
        &[
            ("ZQ_SEARCH__PER_MINUTE", "100000"),
            ("ZQ_HTTP__API_PER_MINUTE", "100000"),
        ],
    )
    .await;
    indexed(&app).await;
    assert!(
        within(Duration::from_secs(60), || async {
            total_on(&node, "海川").await > Some(0)
        })
        .await
        .is_some(),
        "the second node built its own index"
    );
    let col = app
        .new_list_column("jb", "search-n", "双节点测试", None)
        .await;
    let tenant = app.tenant_id("jb").await;
    let mut a = article("灯塔修缮工程竣工验收公告", ArticleStatus::Published);
    a.column_id = col;
    let id = app.create_article(tenant, a).await.unwrap();
    let here = within(Duration::from_secs(2), || async {
        api(&app, &q("灯塔修缮工程")).await["total"] == 1
    });
    let there = within(Duration::from_secs(2), || async {
        total_on(&node, "灯塔修缮工程").await == Some(1)
    });
    let (here, there) = tokio::join!(here, there);
    assert!(here.is_some(), "found on the node that wrote it within 2 s");
    assert!(there.is_some(), "found on the other node within 2 s");

    app.withdraw_article(tenant, id).await.unwrap();
    let here = within(Duration::from_secs(2), || async {
        api(&app, &q("灯塔修缮工程")).await["total"] == 0
    });
    let there = within(Duration::from_secs(2), || async {
        total_on(&node, "灯塔修缮工程").await == Some(0)
    });
    let (here, there) = tokio::join!(here, there);
    assert!(
        here.is_some() && there.is_some(),
        "gone from both within 2 s"
    );
    drop(node);
    app.finish().await;
}
