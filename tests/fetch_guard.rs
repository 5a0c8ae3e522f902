//! The guard against server-side request forgery, with `feeds.allow_private` off as in
//! production: a feed URL or an article's link naming a loopback address (literally, or a
//! host name resolving only to one) is never asked. The pull is refused with a Chinese message
//! saying why, the link checker lists the links as broken for that reason, and the local
//! upstream sees no request at all; the availability probes still reach this node's own
//! listener, the origin the configuration trusts.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use zq_domain::access::TenantRole;
use zq_services::inspection::links::check_all;
use zq_services::inspection::probes::probe_all;
use zq_tests::{Backend, DemoOptions, Setup, TestApp, indicator};

/// A local server answering every request with a small valid JSON Feed; counts requests.
async fn upstream(hits: Arc<AtomicUsize>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            hits.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut chunk = [0u8; 2048];
                let _ = sock.read(&mut chunk).await;
                let body = r#"{"version":"https://jsonfeed.org/version/1.1","title":"内网","items":[{"id":"1","title":"内网消息","content_html":"<p>不应被拉取</p>"}]}"#;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/feed+json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(reply.as_bytes()).await;
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_and_links_to_loopback_addresses_are_refused_while_the_probes_reach_the_own_listener()
{
    // A free port for the listener, so the probes' base (derived from it) is known.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = TestApp::setup(Setup {
        backend: Some(Backend::Sqlite),
        demo: Some(DemoOptions {
            news_articles: 1,
            seed: 3,
        }),
        env: vec![
            ("ZQ_FEEDS__ALLOW_PRIVATE".into(), "false".into()),
            ("ZQ_HTTP__LISTEN".into(), format!("127.0.0.1:{port}")),
        ],
        ..Default::default()
    })
    .await;
    let hits = Arc::new(AtomicUsize::new(0));
    let up = upstream(hits.clone()).await;
    let office = app
        .token(
            "guard.office",
            Some(zq_domain::access::ClusterRole::ClusterAdmin),
            None,
        )
        .await;

    // Feeds: a literal loopback address and a name resolving to one are refused, in Chinese.
    let (_, column) = app.column("www", "tzgg").await;
    for (i, url) in [
        format!("http://127.0.0.1:{up}/feed.json"),
        format!("http://[::1]:{up}/feed.json"),
        format!("http://localhost:{up}/feed.json"),
    ]
    .iter()
    .enumerate()
    {
        let (s, ch) = app
            .api(
                &office,
                "POST",
                "/api/v1/channels",
                Some(json!({
                "name": format!("内网订阅源{i}"), "receiver": "www", "sender_kind": "department",
                "columns": [column.0], "feed_url": url, "feed_sender": "fgw"})),
            )
            .await;
        assert_eq!(s, 201, "{ch}");
        let (s, body) = app
            .api(
                &office,
                "POST",
                &format!("/api/v1/channels/{}/pull", ch["id"]),
                None,
            )
            .await;
        assert_eq!(s, 422, "{url}: {body}");
        let message = body["message"].as_str().unwrap_or("");
        assert!(
            message.contains("指向内网或保留地址，不予拉取"),
            "{url}: {body}"
        );
    }

    // Links: both forms are listed as broken for that reason.
    let editor = app
        .token("guard.editor", None, Some(("jb", TenantRole::Editor)))
        .await;
    let reviewer = app
        .token("guard.reviewer", None, Some(("jb", TenantRole::Reviewer)))
        .await;
    let news = app.news_column(&editor, "jb").await;
    let body = format!(
        r#"<p><a href="http://127.0.0.1:{up}/ok">内网一</a> <a href="http://localhost:{up}/ok">内网二</a></p>"#
    );
    let (s, a) = app
        .api(
            &editor,
            "POST",
            "/api/v1/sites/jb/articles",
            Some(json!({"column_id": news["id"], "title": "内网链接测试稿", "body": body})),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    let id = a["id"].as_i64().unwrap();
    for (who, step) in [(&editor, "submit"), (&reviewer, "approve")] {
        let (s, e) = app
            .api(
                who,
                "POST",
                &format!("/api/v1/sites/jb/articles/{id}/{step}"),
                None,
            )
            .await;
        assert_eq!(s, 200, "{e}");
    }
    check_all(&app.services, Duration::from_secs(2))
        .await
        .unwrap();
    let (_, r) = app
        .api(&editor, "GET", "/api/v1/sites/jb/inspection", None)
        .await;
    let links = indicator(&r, "links");
    for what in [
        format!("http://127.0.0.1:{up}/ok"),
        format!("http://localhost:{up}/ok"),
    ] {
        let e = links["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["what"] == what.as_str())
            .unwrap_or_else(|| panic!("{what} not in {links}"));
        assert!(
            e["detail"]
                .as_str()
                .unwrap()
                .ends_with("：指向内网或保留地址，公众无法访问"),
            "{e}"
        );
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the upstream was never asked"
    );

    // The probes reach this node's own listener (the trusted origin), and only it.
    let results = probe_all(&app.services, &format!("http://127.0.0.1:{port}"))
        .await
        .unwrap();
    assert!(!results.is_empty());
    assert!(
        results.iter().all(|p| p.ok),
        "{:?}",
        results.iter().find(|p| !p.ok)
    );
    let elsewhere = probe_all(&app.services, &format!("http://127.0.0.1:{up}"))
        .await
        .unwrap();
    assert!(
        elsewhere.iter().all(|p| !p.ok),
        "an untrusted local origin is refused"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    app.finish().await;
}
