//! Pages in the shared cache (Redis, L2) are authenticated (issue 15, deliver 3): a page changed
//! in Redis behind the platform's back, or planted there by anyone who can write to Redis, is
//! never served by another node: it is rendered anew from the database, logged and counted
//! (`zhanqun_cache_l2_rejected_total`, alert `ZhanqunPageTamperedInRedis`).

use std::time::Duration;

use zq_tests::{Backend, DemoOptions, Setup, TestApp, host, redis_url};

use crate::cache::Node;

async fn redis() -> redis::aio::MultiplexedConnection {
    redis::Client::open(redis_url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

/// The Redis key of the page at `path` (`{prefix}:page:{tenant}:{generation}:{variant}:{path}`).
async fn page_key(
    conn: &mut redis::aio::MultiplexedConnection,
    prefix: &str,
    path: &str,
) -> String {
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:page:*"))
        .query_async(conn)
        .await
        .unwrap();
    keys.into_iter()
        .find(|k| k.ends_with(&format!(":{path}")))
        .unwrap_or_else(|| panic!("no page {path} in Redis"))
}

fn rejected(metrics: &str) -> u64 {
    metrics
        .lines()
        .find_map(|l| {
            l.strip_prefix("zhanqun_cache_l2_rejected_total ")?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_changed_or_planted_in_redis_is_never_served_by_another_node() {
    let app = TestApp::setup(Setup {
        backend: Some(Backend::Postgres),
        demo: Some(DemoOptions {
            news_articles: 4,
            seed: 7,
        }),
        redis: true,
        ..Setup::default()
    })
    .await;
    let (_, prefix) = app.redis.clone().unwrap();
    let node = Node::start(&app.direct_database_url, app.redis.as_ref().unwrap()).await;
    let mut conn = redis().await;
    let site = host("sthjj");

    // Node B renders two pages and shares them through Redis.
    for path in ["/col/gzdt/", "/"] {
        let (status, xcache, _) = node.get(&site, path).await;
        assert_eq!((status, xcache.as_str()), (200, "miss"), "{path}");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Someone with access to Redis changes one byte of the first…
    let key = page_key(&mut conn, &prefix, "/col/gzdt/").await;
    let mut value: Vec<u8> = redis::cmd("GET")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    let at = value
        .windows(7)
        .position(|w| w == b"<title>")
        .expect("the page's title");
    value[at + 1] = b'T';
    let _: () = redis::cmd("SET")
        .arg(&key)
        .arg(value)
        .query_async(&mut conn)
        .await
        .unwrap();
    // …and plants a page of their own in place of the second, in the platform's own format but
    // without the tag only the cluster can make.
    let key = page_key(&mut conn, &prefix, "/").await;
    let value: Vec<u8> = redis::cmd("GET")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(&value[..4], b"ZQA1", "pages in Redis are sealed");
    let planted = String::from_utf8_lossy(&value[36..]).replace("<title>", "<title>植入的赌博广告");
    let _: () = redis::cmd("SET")
        .arg(&key)
        .arg(planted.as_bytes())
        .query_async(&mut conn)
        .await
        .unwrap();

    // Node A (this process) has neither page in memory: it reads Redis, refuses both, renders.
    let changed = app.get(&site, "/col/gzdt/").await;
    assert_eq!(
        (changed.status, changed.header("x-cache")),
        (200, Some("miss")),
        "rendered anew, not an L2 hit"
    );
    assert!(changed.body.contains("<title>") && !changed.body.contains("<Title>"));
    let home = app.get(&site, "/").await;
    assert_eq!((home.status, home.header("x-cache")), (200, Some("miss")));
    assert!(
        !home.body.contains("植入的赌博广告"),
        "the planted page is never served"
    );
    assert_eq!(rejected(&app.metrics().await), 2, "both refusals counted");

    // Node A's fresh copy replaces the bad one in Redis: node B's next reader is served it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let value: Vec<u8> = redis::cmd("GET")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(
        value.starts_with(b"ZQA1") && !String::from_utf8_lossy(&value).contains("植入的赌博广告")
    );
    drop(node);
    app.finish().await;
}
