//! The page cache over HTTP: hits, single flight, invalidation on publish (also across nodes
//! sharing PostgreSQL and Redis), compression and ETags, Redis and database faults, metrics.

use std::time::{Duration, Instant};

use zq_domain::{ArticleStatus, TenantCode};
use zq_tests::{Backend, DemoOptions, Setup, TestApp, article, host, on_both_backends};

/// The value of one series in Prometheus text, matched by name and (some of) its labels.
fn metric(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (n, rest) = match series.split_once('{') {
                Some((n, r)) => (n, r.trim_end_matches('}')),
                None => (series, ""),
            };
            if n != name {
                return None;
            }
            let all = labels
                .iter()
                .all(|(k, v)| rest.split(',').any(|kv| kv == format!("{k}=\"{v}\"")));
            if all { value.parse().ok() } else { None }
        })
}

async fn add_article(app: &TestApp, code: &str, slug: &str, title: &str) -> zq_domain::ArticleId {
    app.add(code, slug, article(title, ArticleStatus::Published))
        .await
}

on_both_backends! {
    async fn a_second_request_is_a_cache_hit_visible_in_metrics(app: demo) {
        let first = app.get(&host("fgw"), "/col/gzdt/").await;
        assert_eq!((first.status, first.header("x-cache")), (200, Some("miss")));
        let second = app.get(&host("fgw"), "/col/gzdt/").await;
        assert_eq!((second.status, second.header("x-cache")), (200, Some("l1_hit")));
        assert_eq!(first.body, second.body);
        let m = app.metrics().await;
        assert_eq!(metric(&m, "zhanqun_cache_lookups_total", &[("tenant", "fgw"), ("layer", "l1"), ("result", "hit")]), Some(1.0));
        assert_eq!(metric(&m, "zhanqun_cache_lookups_total", &[("tenant", "fgw"), ("layer", "l1"), ("result", "miss")]), Some(1.0));
        assert_eq!(metric(&m, "zhanqun_render_duration_seconds_count", &[("tenant", "fgw")]), Some(1.0));
    }

    async fn a_hit_answers_exactly_like_the_render_whichever_way_it_is_served(app: demo) {
        // A hit with the Host header in normal form is answered before the router
        // (site::cached); with an upper-case Host or a trailing dot it goes through the router
        // (site::handle). Both must give the rendered page's status, headers and bytes.
        let same = |a: &zq_tests::Resp, b: &zq_tests::Resp, what: &str| {
            assert_eq!(a.status, b.status, "{what}");
            assert_eq!(a.body, b.body, "{what}");
            let strip = |r: &zq_tests::Resp| {
                let mut h = r.headers.clone();
                h.remove("date");
                h.remove("x-cache");
                h
            };
            assert_eq!(strip(a), strip(b), "{what}");
        };
        let fast = host("fgw");
        for (h, path) in [(fast.clone(), "/col/gzdt/"), (host("www"), "/sites/fgw/col/tzgg/")] {
            let slow = [h.to_uppercase(), format!("{h}.")];
            let rendered = app.get(&h, path).await;
            assert_eq!(rendered.header("x-cache"), Some("miss"), "{h}{path}");
            let hit = app.get(&h, path).await;
            assert_eq!(hit.header("x-cache"), Some("l1_hit"), "{h}{path}");
            same(&rendered, &hit, &format!("{h}{path}: render and hit"));
            let etag = hit.header("etag").expect("etag").to_owned();
            for extra in [
                vec![("accept-encoding", "gzip")],
                vec![("accept-encoding", "br, gzip")],
                vec![("if-none-match", etag.as_str())],
            ] {
                let a = app.get_with(&h, path, &extra).await;
                for other in &slow {
                    let b = app.get_with(other, path, &extra).await;
                    assert_eq!(b.header("x-cache"), a.header("x-cache"), "{other}{path} {extra:?}");
                    same(&a, &b, &format!("{h} and {other}{path} with {extra:?}"));
                }
            }
            let head = app.request("HEAD", Some(&h), path).await;
            assert_eq!(head.status, 200);
            assert!(head.body.is_empty(), "HEAD has no body");
            assert_eq!(head.header("content-length"), hit.header("content-length"));
        }
        // A cached page does not make a malformed Host acceptable.
        assert_eq!(app.get("a..b.localhost", "/sites/fgw/col/tzgg/").await.status, 400);
        let m = app.metrics().await;
        assert!(metric(&m, "zhanqun_cache_lookups_total", &[("tenant", "fgw"), ("layer", "l1"), ("result", "hit")]).unwrap_or(0.0) >= 10.0);
        assert_eq!(metric(&m, "zhanqun_http_requests_total", &[("tenant", "fgw"), ("class", "3xx")]), Some(6.0), "the six 304s");
        // A page that changed is never answered from the old generation.
        add_article(app, "fgw", "gzdt", "发改委快速路径失效测试").await;
        let fresh = app.get(&fast, "/col/gzdt/").await;
        assert_eq!(fresh.header("x-cache"), Some("miss"));
        assert!(fresh.body.contains("发改委快速路径失效测试"));
    }

    async fn a_hundred_concurrent_requests_for_a_cold_page_render_it_once(app: demo) {
        let h = host("jw");
        let requests = (0..100).map(|_| app.get(&h, "/col/tzgg/"));
        for r in futures_util::future::join_all(requests).await {
            assert_eq!(r.status, 200);
        }
        let m = app.metrics().await;
        assert_eq!(metric(&m, "zhanqun_render_duration_seconds_count", &[("tenant", "jw")]), Some(1.0), "exactly one render");
        assert_eq!(metric(&m, "zhanqun_http_requests_total", &[("tenant", "jw"), ("class", "2xx")]), Some(100.0));
    }

    async fn a_publish_shows_on_the_next_request_including_the_portal_aggregation(app: demo) {
        for (h, p) in [(host("mzj"), "/"), (host("mzj"), "/col/gzdt/"), (host("www"), "/")] {
            app.get(&h, p).await;
            assert_eq!(app.get(&h, p).await.header("x-cache"), Some("l1_hit"), "{h}{p} warm");
        }
        add_article(app, "mzj", "gzdt", "民政局缓存失效测试新闻").await;
        for (h, p) in [(host("mzj"), "/"), (host("mzj"), "/col/gzdt/"), (host("www"), "/")] {
            let r = app.get(&h, p).await;
            assert!(r.body.contains("民政局缓存失效测试新闻"), "{h}{p} shows the new article");
        }
        // A non-news column of a department does not touch the portal.
        app.get(&host("www"), "/").await;
        add_article(app, "mzj", "tzgg", "民政局通知不影响门户").await;
        assert_eq!(app.get(&host("www"), "/").await.header("x-cache"), Some("l1_hit"));
        assert!(app.get(&host("mzj"), "/col/tzgg/").await.body.contains("民政局通知不影响门户"));
    }

    async fn pages_are_served_compressed_with_strong_etags(app: demo) {
        let plain = app.get(&host("www"), "/").await;
        let etag = plain.header("etag").expect("etag").to_owned();
        assert!(etag.starts_with('"') && etag.ends_with('"'), "strong etag {etag}");
        assert_eq!(plain.header("vary"), Some("Accept-Encoding"));
        assert_eq!(plain.header("cache-control"), Some("public, no-cache"));
        let br = app.get_with(&host("www"), "/", &[("accept-encoding", "gzip, deflate, br")]).await;
        assert_eq!(br.header("content-encoding"), Some("br"));
        let gz = app.get_with(&host("www"), "/", &[("accept-encoding", "gzip")]).await;
        assert_eq!(gz.header("content-encoding"), Some("gzip"));
        assert_eq!(gz.header("etag"), Some(etag.as_str()));
        let nm = app.get_with(&host("www"), "/", &[("if-none-match", &etag)]).await;
        assert_eq!(nm.status, 304);
        assert!(nm.body.is_empty());
        let other = app.get_with(&host("www"), "/", &[("if-none-match", "\"nope\"")]).await;
        assert_eq!(other.status, 200);
        let feed = app.get(&host("www"), "/col/hcyw/atom.xml").await;
        assert_eq!(feed.header("cache-control"), Some("public, max-age=300"));
    }

    async fn metrics_parse_as_prometheus_text_with_per_tenant_series(app: demo) {
        app.get(&host("fgw"), "/").await;
        app.get(&host("jb"), "/col/nosuch/").await;
        app.get("nosuch.example.org", "/").await;
        let m = app.metrics().await;
        for line in m.lines().filter(|l| !l.is_empty()) {
            if let Some(c) = line.strip_prefix('#') {
                assert!(c.starts_with(" HELP ") || c.starts_with(" TYPE "), "{line}");
                continue;
            }
            let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value: {line}"));
            assert!(value.parse::<f64>().is_ok() || ["+Inf", "-Inf", "NaN"].contains(&value), "{line}");
            let name = series.split('{').next().unwrap();
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'), "{line}");
            assert_eq!(series.matches('{').count(), series.matches('}').count(), "{line}");
        }
        assert_eq!(metric(&m, "zhanqun_http_requests_total", &[("tenant", "fgw"), ("class", "2xx")]), Some(1.0));
        assert_eq!(metric(&m, "zhanqun_http_requests_total", &[("tenant", "jb"), ("class", "4xx")]), Some(1.0));
        assert_eq!(metric(&m, "zhanqun_http_requests_total", &[("tenant", "_unknown"), ("class", "4xx")]), Some(1.0));
        assert!(metric(&m, "zhanqun_http_response_bytes_total", &[("tenant", "fgw")]).unwrap() > 1000.0);
        assert!(metric(&m, "zhanqun_http_request_duration_seconds_count", &[("tenant", "fgw")]).is_some());
        assert!(metric(&m, "zhanqun_cache_l1_bytes", &[]).unwrap() > 0.0);
        assert!(metric(&m, "zhanqun_http_requests_in_flight", &[]).is_some());
        assert!(m.contains("process_resident_memory_bytes"), "process metrics");
        assert_eq!(metric(&m, "zhanqun_http_requests_total", &[("tenant", "sq"), ("class", "2xx")]), Some(0.0), "tenants not hit stay at zero");
    }
}

/// A second, separate `zhanqun serve` process on the same database and Redis.
pub(crate) struct Node {
    child: std::process::Child,
    addr: std::net::SocketAddr,
    dir: std::path::PathBuf,
}

impl Node {
    pub(crate) async fn start(database_url: &str, redis: &(String, String)) -> Node {
        Node::start_with(database_url, redis, &[]).await
    }

    /// A node with extra `ZQ_*` settings.
    pub(crate) async fn start_with(
        database_url: &str,
        redis: &(String, String),
        extra: &[(&str, &str)],
    ) -> Node {
        let bin = std::env::var("CARGO_TARGET_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
            .join("debug/zhanqun");
        assert!(
            bin.exists(),
            "{} must be built (cargo test --workspace builds it)",
            bin.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("zq-node-{port}"));
        let child = std::process::Command::new(bin)
            .arg("serve")
            .env("ZQ_DB__URL", database_url)
            .env("ZQ_REDIS__URL", &redis.0)
            .env("ZQ_REDIS__PREFIX", &redis.1)
            .env("ZQ_HTTP__LISTEN", format!("127.0.0.1:{port}"))
            .env("ZQ_METRICS__LISTEN", "off")
            .env("ZQ_DATA_DIR", &dir)
            .env("ZQ_LOG", "warn")
            .envs(extra.iter().copied())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start the second node");
        let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(addr).await.is_err() {
            assert!(Instant::now() < deadline, "the second node did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Node { child, addr, dir }
    }

    /// GET through this node: (status, x-cache, body).
    pub(crate) async fn get(&self, host: &str, path: &str) -> (u16, String, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        s.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.unwrap();
        let text = String::from_utf8_lossy(&out).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let xcache = text
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("x-cache: ")
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        (status, xcache, text)
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn demo_small() -> Option<DemoOptions> {
    Some(DemoOptions {
        news_articles: 8,
        seed: 7,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_postgres_and_redis_a_publish_through_one_node_is_visible_through_another_within_a_second()
 {
    let app = TestApp::setup(Setup {
        backend: Some(Backend::Postgres),
        demo: demo_small(),
        redis: true,
        ..Setup::default()
    })
    .await;
    let node = Node::start(&app.direct_database_url, app.redis.as_ref().unwrap()).await;
    // Node A renders and shares the page through Redis; node B finds it there.
    assert_eq!(
        app.get(&host("sthjj"), "/col/gzdt/")
            .await
            .header("x-cache"),
        Some("miss")
    );
    // The shared copy is written in the background after the response.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, xcache, _) = node.get(&host("sthjj"), "/col/gzdt/").await;
    assert_eq!(
        (status, xcache.as_str()),
        (200, "l2_hit"),
        "shared through Redis"
    );
    let (_, xcache, _) = node.get(&host("sthjj"), "/col/gzdt/").await;
    assert_eq!(xcache, "l1_hit");

    add_article(&app, "sthjj", "gzdt", "生态环境局跨节点发布测试").await;
    let published = Instant::now();
    loop {
        let (status, _, body) = node.get(&host("sthjj"), "/col/gzdt/").await;
        assert_eq!(status, 200);
        if body.contains("生态环境局跨节点发布测试") {
            break;
        }
        assert!(
            published.elapsed() < Duration::from_secs(1),
            "not visible on the other node within 1 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Suspending through node A closes the site on node B too.
    app.store
        .set_tenant_status(
            &TenantCode::parse("sthjj").unwrap(),
            zq_domain::TenantStatus::Suspended,
            &zq_store::Who::system(),
        )
        .await
        .unwrap();
    let changed = Instant::now();
    loop {
        let (status, _, _) = node.get(&host("sthjj"), "/").await;
        if status == 503 {
            break;
        }
        assert!(
            changed.elapsed() < Duration::from_secs(1),
            "suspension not seen by the other node within 1 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(node);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_cut_off_pages_are_still_served() {
    let app = TestApp::setup(Setup {
        backend: Some(Backend::Sqlite),
        demo: demo_small(),
        redis: true,
        redis_via_proxy: true,
        ..Setup::default()
    })
    .await;
    assert_eq!(app.get(&host("kw"), "/").await.status, 200);
    assert_eq!(
        app.get(&host("kw"), "/").await.header("x-cache"),
        Some("l1_hit")
    );
    app.redis_proxy.as_ref().unwrap().cut();
    let started = Instant::now();
    for (h, p) in [
        (host("kw"), "/"),
        (host("kw"), "/col/gzdt/"),
        (host("jxw"), "/"),
        (host("jxw"), "/col/tzgg/"),
    ] {
        let r = app.get(&h, p).await;
        assert_eq!(r.status, 200, "{h}{p} with Redis down");
    }
    add_article(&app, "kw", "gzdt", "科委在缓存故障时发布").await;
    assert!(
        app.get(&host("kw"), "/col/gzdt/")
            .await
            .body
            .contains("科委在缓存故障时发布"),
        "local invalidation still works"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "Redis faults do not stall requests"
    );
    let m = app.metrics().await;
    assert!(
        metric(&m, "zhanqun_redis_errors_total", &[]).unwrap() >= 1.0,
        "faults are counted"
    );
    app.redis_proxy.as_ref().unwrap().restore();
    // It reconnects by itself: once the circuit closes, a fresh miss (a publish bumps the
    // generation) reads and writes Redis again without a new error.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut round = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(1200)).await;
        round += 1;
        add_article(&app, "kw", "gzdt", &format!("科委恢复测试{round}")).await;
        let errors_before =
            metric(&app.metrics().await, "zhanqun_redis_errors_total", &[]).unwrap();
        let r = app.get(&host("kw"), "/col/gzdt/").await;
        assert_eq!((r.status, r.header("x-cache")), (200, Some("miss")));
        tokio::time::sleep(Duration::from_millis(200)).await; // the background write to L2
        let errors_after = metric(&app.metrics().await, "zhanqun_redis_errors_total", &[]).unwrap();
        if errors_after == errors_before {
            break;
        }
        assert!(Instant::now() < deadline, "the Redis link did not recover");
    }
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_database_cut_off_cached_pages_are_served_misses_get_503_and_it_recovers() {
    let app = TestApp::setup(Setup {
        backend: Some(Backend::Postgres),
        demo: demo_small(),
        db_via_proxy: true,
        ..Setup::default()
    })
    .await;
    assert_eq!(app.get(&host("swj"), "/").await.status, 200);
    assert_eq!(app.get(&host("swj"), "/col/gzdt/").await.status, 200);
    app.db_proxy.as_ref().unwrap().cut();
    for p in ["/", "/col/gzdt/"] {
        let r = app.get(&host("swj"), p).await;
        assert_eq!(
            (r.status, r.header("x-cache")),
            (200, Some("l1_hit")),
            "cached {p}"
        );
    }
    let started = Instant::now();
    let miss = app.get(&host("swj"), "/col/tzgg/").await;
    assert_eq!(miss.status, 503, "uncached page with the database down");
    assert!(miss.header("retry-after").is_some());
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "answered within the acquire timeout, took {:?}",
        started.elapsed()
    );
    assert_eq!(app.get("127.0.0.1", "/readyz").await.status, 503);
    app.db_proxy.as_ref().unwrap().restore();
    let restored = Instant::now();
    loop {
        let r = app.get(&host("swj"), "/col/tzgg/").await;
        if r.status == 200 {
            break;
        }
        assert!(
            restored.elapsed() < Duration::from_secs(10),
            "did not recover: {}",
            r.status
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for p in ["/", "/col/gzdt/", "/sitemap.xml"] {
        assert_eq!(
            app.get(&host("swj"), p).await.status,
            200,
            "{p} after recovery"
        );
    }
    assert_eq!(app.get("127.0.0.1", "/readyz").await.status, 200);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_unreachable_at_start_up_the_platform_serves_from_l1_and_the_database() {
    // Nothing listens on port 1: Redis is down before the server starts.
    let app = TestApp::setup(Setup {
        backend: Some(Backend::Sqlite),
        demo: demo_small(),
        env: vec![("ZQ_REDIS__URL".into(), "redis://127.0.0.1:1".into())],
        ..Setup::default()
    })
    .await;
    let started = Instant::now();
    for _ in 0..2 {
        for p in ["/", "/col/gzdt/", "/sitemap.xml"] {
            assert_eq!(app.get(&host("nyncw"), p).await.status, 200, "{p}");
        }
    }
    assert_eq!(
        app.get(&host("nyncw"), "/").await.header("x-cache"),
        Some("l1_hit")
    );
    add_article(&app, "nyncw", "gzdt", "农业农村委无缓存服务器发布").await;
    assert!(
        app.get(&host("nyncw"), "/col/gzdt/")
            .await
            .body
            .contains("农业农村委无缓存服务器发布")
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no request waited long on Redis: {:?}",
        started.elapsed()
    );
    assert!(metric(&app.metrics().await, "zhanqun_redis_errors_total", &[]).unwrap() >= 1.0);
    app.finish().await;
}
