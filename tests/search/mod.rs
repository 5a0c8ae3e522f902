//! Cluster-wide search (issue 17) over HTTP: what is indexed and when (publish, withdraw,
//! unpublished states, suspended sites, two nodes, catch-up, rebuilds), the public page
//! (scope, facets, order, paging, escaping, help) and the JSON API.

mod attachments;
mod indexing;
mod nodes;
mod office;
mod page;
mod relevance;

use std::time::{Duration, Instant};

use serde_json::Value;
use zq_tests::{TestApp, host};

/// `GET /api/v1/search?{query}` on the portal's host, as JSON.
pub(crate) async fn api(app: &TestApp, query: &str) -> Value {
    let r = app
        .get(&host("www"), &format!("/api/v1/search?{query}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.body))
}

/// The titles (tags dropped) of the hits of an API answer, in order.
pub(crate) fn hit_titles(found: &Value) -> Vec<String> {
    found["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .map(|h| strip_tags(h["title_html"].as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default()
}

/// Text without its tags, with the index's escapes undone.
pub(crate) fn strip_tags(html: &str) -> String {
    zq_domain::html::text_of_html(html)
}

/// A question's query string.
pub(crate) fn q(text: &str) -> String {
    format!("q={}", percent(text))
}

pub(crate) fn percent(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Asks until `found` holds (every 50 ms, at most `within`); how long it took, or `None`.
pub(crate) async fn within<F, Fut>(within: Duration, mut found: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    loop {
        if found().await {
            return Some(started.elapsed());
        }
        if started.elapsed() > within {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the node's first build of the index is done (the demo's articles are found).
pub(crate) async fn indexed(app: &TestApp) {
    let ready = within(Duration::from_secs(60), || async {
        api(app, &q("海川")).await["total"].as_u64().unwrap_or(0) > 0
    })
    .await;
    assert!(ready.is_some(), "the index was built from the database");
}

/// A GET over its own connection (for tasks that cannot borrow the app): (status, body).
pub(crate) async fn raw_get(addr: std::net::SocketAddr, host: &str, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    // HTTP/1.0: the answer is not chunked and ends with the connection.
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())
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
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}
