//! Upstream feeds over HTTP: every site's report feed (`/report/feed.xml` as Atom,
//! `/report/feed.json` as JSON Feed 1.1) lists its published articles and marks the ones it
//! adopted; a channel with a feed URL imports an upstream feed's items as submissions, once
//! per item id (also when two pulls race), adopting them at once on an auto-adopting channel;
//! malformed, oversized and unreachable feeds are refused with a clear error and import
//! nothing; the background puller pulls by itself and survives a failing feed. The upstream
//! feed is usually another demo site's own report feed, served by the same running app (the
//! cluster reporting to itself), or a tiny local HTTP server the test starts. On SQLite and
//! PostgreSQL.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use zq_domain::access::{ClusterRole, TenantRole};
use zq_domain::{ArticleStatus, ColumnKind, TenantCode};
use zq_tests::{Backend, DemoOptions, Setup, TestApp, article, host, on_both_backends};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const ZQ: &str = "urn:zhanqun:report";

/// The first article-list column of a demo site.
async fn list_column(app: &TestApp, code: &str) -> String {
    let t = app
        .store
        .tenant_by_code(&TenantCode::parse(code).unwrap())
        .await
        .unwrap()
        .unwrap();
    app.store
        .columns(t.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.kind == ColumnKind::ArticleList && c.parent_id.is_none())
        .map(|c| c.slug.to_string())
        .expect("an article list column")
}

/// The Atom entries of a feed: (id, title, link, content, author, adopted-from code).
type AtomEntry = (String, String, String, String, String, Option<String>);

fn atom_entries(xml: &str) -> Vec<AtomEntry> {
    let doc = roxmltree::Document::parse(xml).expect("the Atom feed is well-formed XML");
    let root = doc.root_element();
    assert_eq!(
        (root.tag_name().name(), root.tag_name().namespace()),
        ("feed", Some(ATOM))
    );
    let child = |n: roxmltree::Node, ns: &str, name: &str| {
        n.children()
            .find(|c| c.tag_name().name() == name && c.tag_name().namespace() == Some(ns))
            .map(|c| c.text().unwrap_or("").to_owned())
    };
    root.children()
        .filter(|c| c.tag_name().name() == "entry")
        .map(|e| {
            let link = e
                .children()
                .find(|c| c.tag_name().name() == "link")
                .and_then(|l| l.attribute("href"))
                .unwrap_or("")
                .to_owned();
            let author = e
                .children()
                .find(|c| c.tag_name().name() == "author")
                .and_then(|a| child(a, ATOM, "name"))
                .unwrap_or_default();
            let adopted = e
                .children()
                .find(|c| {
                    c.tag_name().name() == "adopted-from" && c.tag_name().namespace() == Some(ZQ)
                })
                .and_then(|a| a.attribute("code"))
                .map(str::to_owned);
            (
                child(e, ATOM, "id").unwrap_or_default(),
                child(e, ATOM, "title").unwrap_or_default(),
                link,
                child(e, ATOM, "content").unwrap_or_default(),
                author,
                adopted,
            )
        })
        .collect()
}

async fn json_feed(app: &TestApp, host_name: &str, path: &str) -> Value {
    let r = app.get(host_name, path).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-type"),
        Some("application/feed+json; charset=utf-8")
    );
    let doc: Value = serde_json::from_str(&r.body).expect("the JSON feed is JSON");
    assert_eq!(doc["version"], "https://jsonfeed.org/version/1.1");
    doc
}

/// Creates a channel through the API as the office; the answer's status and body.
async fn create_channel(app: &TestApp, office: &str, body: Value) -> (u16, Value) {
    app.api(office, "POST", "/api/v1/channels", Some(body))
        .await
}

/// A feed channel `to` (receiver, column slug) `from` (feed URL, sender's code); its id.
async fn feed_channel(
    app: &TestApp,
    office: &str,
    name: &str,
    (receiver, slug): (&str, &str),
    (url, sender): (&str, &str),
    auto_adopt: bool,
) -> i64 {
    let (_, column) = app.column(receiver, slug).await;
    let (s, ch) = create_channel(
        app,
        office,
        json!({"name": name, "receiver": receiver, "sender_kind": "department", "auto_adopt": auto_adopt,
               "columns": [column.0], "feed_url": url, "feed_sender": sender}),
    )
    .await;
    assert_eq!(s, 201, "{ch}");
    assert_eq!(ch["feed_url"], url);
    ch["id"].as_i64().unwrap()
}

async fn pull(app: &TestApp, office: &str, channel: i64) -> (u16, Value) {
    app.api(
        office,
        "POST",
        &format!("/api/v1/channels/{channel}/pull"),
        None,
    )
    .await
}

/// The submissions a channel delivered to `receiver`.
async fn inbox(app: &TestApp, office: &str, receiver: &str, channel: i64) -> Vec<Value> {
    let (s, list) = app
        .api(
            office,
            "GET",
            &format!("/api/v1/sites/{receiver}/submissions?channel={channel}"),
            None,
        )
        .await;
    assert_eq!(s, 200, "{list}");
    list.as_array().unwrap().clone()
}

/// A canned answer of the tiny upstream server.
#[derive(Clone)]
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    /// Send `Content-Length` (else the body ends when the connection closes).
    length: bool,
}

impl Reply {
    fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            content_type,
            body: body.into(),
            length: true,
        }
    }
}

/// Starts a tiny HTTP/1.1 server answering `routes` by path (404 otherwise); its address.
async fn upstream(routes: Vec<(&'static str, Reply)>) -> SocketAddr {
    let routes: Arc<HashMap<&'static str, Reply>> = Arc::new(routes.into_iter().collect());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            tokio::spawn(answer(sock, routes.clone()));
        }
    });
    addr
}

/// The same over TLS, with the given certificate chain and key; its address.
async fn upstream_tls(
    routes: Vec<(&'static str, Reply)>,
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
) -> SocketAddr {
    let routes: Arc<HashMap<&'static str, Reply>> = Arc::new(routes.into_iter().collect());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let (acceptor, routes) = (acceptor.clone(), routes.clone());
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: nothing to answer.
                if let Ok(tls) = acceptor.accept(sock).await {
                    answer(tls, routes).await;
                }
            });
        }
    });
    addr
}

/// Reads one request head from `sock` and writes the route's canned reply.
async fn answer<S>(mut sock: S, routes: Arc<HashMap<&'static str, Reply>>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match sock.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let reply = routes.get(path.as_str()).cloned().unwrap_or(Reply {
        status: 404,
        content_type: "text/plain",
        body: b"no such feed".to_vec(),
        length: true,
    });
    let mut out = format!(
        "HTTP/1.1 {} X\r\nContent-Type: {}\r\nConnection: close\r\n",
        reply.status, reply.content_type
    );
    if reply.length {
        out.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    out.push_str("\r\n");
    let _ = sock.write_all(out.as_bytes()).await;
    let _ = sock.write_all(&reply.body).await;
    let _ = sock.shutdown().await;
}

on_both_backends! {
    async fn a_sites_report_feed_parses_as_atom_and_json_feed_and_lists_new_published_articles_but_not_drafts(app: demo) {
        let slug = list_column(app, "fgw").await;
        // Fill the page cache first: publishing must still show up at once.
        let before = app.get(&host("fgw"), "/report/feed.json").await;
        assert_eq!(before.status, 200);
        let mut published = article("发改委召开重点项目推进会（订阅测试）", ArticleStatus::Published);
        published.body = "<p>推进会正文 &amp; 要点</p><script>alert(1)</script>".into();
        published.source = Some("市发改委办公室".into());
        let id = app.add("fgw", &slug, published).await;
        app.add("fgw", &slug, article("尚未发布的草稿（订阅测试）", ArticleStatus::Draft)).await;

        let r = app.get(&host("fgw"), "/report/feed.xml").await;
        assert_eq!((r.status, r.header("content-type")), (200, Some("application/atom+xml; charset=utf-8")));
        assert_eq!(r.header("cache-control"), Some("public, max-age=300"));
        let entries = atom_entries(&r.body);
        assert!(!entries.is_empty() && entries.len() <= 50, "{} entries", entries.len());
        let (entry_id, _, link, content, author, adopted) = entries
            .iter()
            .find(|e| e.1 == "发改委召开重点项目推进会（订阅测试）")
            .expect("the new article is in the Atom feed")
            .clone();
        assert_eq!(entries[0].1, "发改委召开重点项目推进会（订阅测试）", "newest first");
        assert_eq!(entry_id, format!("tag:fgw.haichuan.localhost,2026:article:{id}"));
        assert_eq!(link, format!("http://fgw.haichuan.localhost/art/{id}.html"), "absolute URL");
        assert!(content.contains("<p>推进会正文 &amp; 要点</p>") && !content.contains("<script"), "sanitized HTML body: {content}");
        assert_eq!((author.as_str(), adopted), ("海川市发展和改革委员会", None));
        assert!(r.body.contains("<zq:source>市发改委办公室</zq:source>"), "the source (来源)");
        assert!(!r.body.contains("尚未发布的草稿"), "drafts are not reported");

        let doc = json_feed(app, &host("fgw"), "/report/feed.json").await;
        let items = doc["items"].as_array().unwrap();
        assert_eq!(items.len(), entries.len());
        let item = items.iter().find(|i| i["id"] == entry_id).expect("the same stable id in both formats");
        assert_eq!(item["title"], "发改委召开重点项目推进会（订阅测试）");
        assert_eq!(item["url"], link);
        assert_eq!(item["_zhanqun"]["source"], "市发改委办公室");
        assert!(item["content_html"].as_str().unwrap().contains("推进会正文"));
        chrono::DateTime::parse_from_rfc3339(item["date_published"].as_str().unwrap()).expect("RFC 3339 date");
        chrono::DateTime::parse_from_rfc3339(item["date_modified"].as_str().unwrap()).expect("RFC 3339 date");
        assert!(!items.iter().any(|i| i["title"] == "尚未发布的草稿（订阅测试）"));

        // Through the alias the URLs follow the alias, the ids stay the same; on a host that
        // is not the cluster's (here a bare address) they name the site's own host, never the
        // one the request made up.
        let alias = json_feed(app, "127.0.0.1", "/sites/fgw/report/feed.json").await;
        let same = alias["items"].as_array().unwrap().iter().find(|i| i["id"] == entry_id).expect("same id under the alias");
        assert_eq!(same["url"], format!("http://{}/sites/fgw/art/{id}.html", host("fgw")));
        let on_portal = json_feed(app, &host("www"), "/sites/fgw/report/feed.json").await;
        let same = on_portal["items"].as_array().unwrap().iter().find(|i| i["id"] == entry_id).expect("same id on the portal's host");
        assert_eq!(same["url"], format!("http://{}/sites/fgw/art/{id}.html", host("www")));
        assert_eq!(app.get(&host("fgw"), "/report/feed.rss").await.status, 404);
    }

    async fn a_receivers_report_feed_marks_items_adopted_from_submissions_with_the_sending_unit(app: demo) {
        let fgw = app.token("fgw.editor", None, Some(("fgw", TenantRole::Editor))).await;
        let board = app.token("www.reviewer", None, Some(("www", TenantRole::Reviewer))).await;
        let (_, channels) = app.api(&fgw, "GET", "/api/v1/channels", None).await;
        let ch = channels.as_array().unwrap().iter().find(|c| c["name"].as_str().unwrap().contains("部门报送")).unwrap().clone();
        let (s, sub) = app.api(&fgw, "POST", "/api/v1/sites/fgw/submissions", Some(json!({
            "channel_id": ch["id"], "client_key": "feed-adopt-1", "title": "发改委报送：物价监测周报",
            "body": "<p>本周物价平稳。</p>"}))).await;
        assert_eq!(s, 201, "{sub}");
        let (s, adopted) = app.api(&board, "POST", &format!("/api/v1/sites/www/submissions/{}/adopt", sub["id"]), None).await;
        assert_eq!(s, 200, "{adopted}");
        let article = adopted["adopted_article"].as_i64().unwrap();

        let r = app.get(&host("www"), "/report/feed.xml").await;
        assert_eq!(r.status, 200);
        let entries = atom_entries(&r.body);
        let e = entries.iter().find(|e| e.1 == "发改委报送：物价监测周报").expect("the adopted item is listed");
        assert_eq!(e.0, format!("tag:www.haichuan.localhost,2026:article:{article}"));
        assert_eq!((e.4.as_str(), e.5.as_deref()), ("海川市发展和改革委员会", Some("fgw")), "the sending unit is the author");
        assert!(r.body.contains("<category term=\"adopted\""));
        let www = app.store.tenant_by_code(&TenantCode::parse("www").unwrap()).await.unwrap().unwrap();
        for x in &entries {
            assert_eq!(x.5.is_some(), x.4 != www.name, "only adopted items are marked, and they carry their sender: {x:?}");
        }

        let doc = json_feed(app, &host("www"), "/report/feed.json").await;
        let item = doc["items"].as_array().unwrap().iter().find(|i| i["title"] == "发改委报送：物价监测周报").unwrap().clone();
        assert_eq!(item["_zhanqun"]["adopted_from"], json!({"code": "fgw", "name": "海川市发展和改革委员会"}));
        assert_eq!(item["tags"], json!(["adopted"]));
        assert_eq!(item["authors"][0]["name"], "海川市发展和改革委员会");
    }

    async fn pulling_another_sites_feed_creates_submissions_once_and_pulling_again_creates_nothing(app: demo) {
        let office = app.token("office", Some(ClusterRole::ClusterAdmin), None).await;
        let editor = app.token("fgw.editor", None, Some(("fgw", TenantRole::Editor))).await;
        let url = format!("http://{}/sites/fgw/report/feed.json", app.addr);
        let ch = feed_channel(app, &office, "发改委信息订阅", ("www", "tzgg"), (&url, "fgw"), false).await;
        let offered = json_feed(app, "127.0.0.1", "/sites/fgw/report/feed.json").await["items"].as_array().unwrap().len();
        assert!(offered > 0);

        assert_eq!(pull(app, &editor, ch).await.0, 403, "only the office pulls");
        let (s, first) = pull(app, &office, ch).await;
        assert_eq!(s, 200, "{first}");
        assert_eq!((first["items"].as_u64(), first["new"].as_u64(), first["duplicates"].as_u64(), first["invalid"].as_u64()),
            (Some(offered as u64), Some(offered as u64), Some(0), Some(0)), "{first}");
        let subs = inbox(app, &office, "www", ch).await;
        assert_eq!(subs.len(), offered);
        let fgw = app.store.tenant_by_code(&TenantCode::parse("fgw").unwrap()).await.unwrap().unwrap();
        for sub in &subs {
            assert_eq!(sub["state"], "submitted");
            assert_eq!(sub["sender"], fgw.id.0, "attributed to the feed's sender");
            assert!(sub["external_id"].as_str().unwrap().starts_with("tag:fgw.haichuan.localhost,2026:article:"), "{sub}");
            assert!(!sub["source"].as_str().unwrap_or("").is_empty(), "with a source");
        }

        let (s, again) = pull(app, &office, ch).await;
        assert_eq!(s, 200);
        assert_eq!((again["new"].as_u64(), again["duplicates"].as_u64()), (Some(0), Some(offered as u64)), "{again}");
        assert_eq!(inbox(app, &office, "www", ch).await.len(), offered, "nothing new");

        // A new article upstream is the only new item of the next pull, and Atom works too.
        let slug = list_column(app, "fgw").await;
        app.add("fgw", &slug, article("发改委新发布的信息（第二次拉取）", ArticleStatus::Published)).await;
        let atom = feed_channel(app, &office, "发改委信息订阅（Atom）", ("www", "tzgg"), (&format!("http://{}/sites/fgw/report/feed.xml", app.addr), "fgw"), false).await;
        let (s, r) = pull(app, &office, atom).await;
        assert_eq!((s, r["invalid"].as_u64()), (200, Some(0)), "{r}");
        assert!(r["new"].as_u64().unwrap() > 0);
        let (_, third) = pull(app, &office, ch).await;
        assert_eq!(third["new"].as_u64(), Some(1), "{third}");
        let titles: Vec<String> = inbox(app, &office, "www", ch).await.iter().map(|s| s["title"].as_str().unwrap().to_owned()).collect();
        assert!(titles.contains(&"发改委新发布的信息（第二次拉取）".to_owned()));

        let log = app.store.audit_log(None, 500).await.unwrap();
        assert!(log.iter().any(|r| r.entry.action == "submission.import" && r.entry.actor.is_none()), "audited as the system");
    }

    async fn two_pulls_at_once_import_each_item_exactly_once(app: demo) {
        let office = app.token("office", Some(ClusterRole::ClusterAdmin), None).await;
        let url = format!("http://{}/sites/jw/report/feed.json", app.addr);
        let ch = feed_channel(app, &office, "教育局信息订阅", ("www", "tzgg"), (&url, "jw"), false).await;
        let (a, b) = tokio::join!(pull(app, &office, ch), pull(app, &office, ch));
        assert_eq!((a.0, b.0), (200, 200), "{} {}", a.1, b.1);
        let items = a.1["items"].as_u64().unwrap();
        assert!(items > 0);
        assert_eq!(a.1["new"].as_u64().unwrap() + b.1["new"].as_u64().unwrap(), items, "{} {}", a.1, b.1);
        let subs = inbox(app, &office, "www", ch).await;
        assert_eq!(subs.len() as u64, items);
        let mut ids: Vec<&str> = subs.iter().map(|s| s["external_id"].as_str().unwrap()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len() as u64, items, "one submission per item id");
    }

    async fn an_auto_adopting_feed_channel_publishes_imported_items_on_the_receiving_site(app: demo) {
        let office = app.token("office", Some(ClusterRole::ClusterAdmin), None).await;
        // A neighbour district's feed, taken in by 江北区 and published at once.
        let url = format!("http://{}/sites/jn/report/feed.xml", app.addr);
        let ch = feed_channel(app, &office, "江南区信息直采", ("jb", "tzgg"), (&url, "jn"), true).await;
        let (s, r) = pull(app, &office, ch).await;
        assert_eq!(s, 200, "{r}");
        let new = r["new"].as_u64().unwrap();
        assert!(new > 0);
        assert_eq!(r["adopted"].as_u64(), Some(new), "{r}");
        let subs = inbox(app, &office, "jb", ch).await;
        assert_eq!(subs.len() as u64, new);
        let sub = &subs[0];
        assert_eq!(sub["state"], "adopted");
        let article = sub["adopted_article"].as_i64().unwrap();
        let page = app.get(&host("jb"), &format!("/art/{article}.html")).await;
        assert_eq!(page.status, 200, "published on the receiving site");
        assert!(page.body.contains(&*escape(sub["title"].as_str().unwrap())));
        // …and reported onward by the receiver, attributed to the neighbour.
        let doc = json_feed(app, &host("jb"), "/report/feed.json").await;
        let item = doc["items"].as_array().unwrap().iter()
            .find(|i| i["id"] == format!("tag:jb.haichuan.localhost,2026:article:{article}")).expect("in 江北区's own feed").clone();
        assert_eq!(item["_zhanqun"]["adopted_from"]["code"], "jn");
        assert_eq!(pull(app, &office, ch).await.1["new"].as_u64(), Some(0), "adopted once");
    }

    async fn malformed_oversized_and_unreachable_feeds_are_refused_clearly_and_import_nothing(app: demo) {
        let office = app.token("office", Some(ClusterRole::ClusterAdmin), None).await;
        let big = vec![b' '; 3 * 1024 * 1024];
        let up = upstream(vec![
            ("/html", Reply::ok("text/html", "<html><body>不是订阅源</body></html>")),
            ("/broken.json", Reply::ok("application/feed+json", "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [")),
            ("/rss", Reply::ok("application/rss+xml", "<rss version=\"2.0\"><channel><item><title>x</title></item></channel></rss>")),
            ("/big", Reply::ok("application/feed+json", big.clone())),
            ("/big-stream", Reply { length: false, ..Reply::ok("application/atom+xml", big) }),
            ("/gone", Reply { status: 410, ..Reply::ok("text/plain", "gone") }),
        ]).await;
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let cases = [
            (format!("http://{up}/html"), 422, "订阅源格式无效"),
            (format!("http://{up}/broken.json"), 422, "订阅源格式无效"),
            (format!("http://{up}/rss"), 422, "RSS"),
            (format!("http://{up}/big"), 413, "订阅源太大"),
            (format!("http://{up}/big-stream"), 413, "订阅源太大"),
            (format!("http://{up}/gone"), 422, "HTTP 410"),
            (format!("http://{closed}/feed.json"), 422, "拉取订阅源失败"),
        ];
        for (i, (url, status, words)) in cases.iter().enumerate() {
            let ch = feed_channel(app, &office, &format!("坏订阅源{i}"), ("www", "tzgg"), (url, "fgw"), true).await;
            let (s, body) = pull(app, &office, ch).await;
            assert_eq!(s, *status, "{url}: {body}");
            let message = body["message"].as_str().unwrap_or("");
            assert!(message.contains(words), "{url}: {body}");
            assert!(inbox(app, &office, "www", ch).await.is_empty(), "{url}: nothing imported");
        }

        // Channels without a feed, unknown channels, and unusable feed settings.
        let (s, body) = pull(app, &office, 1).await;
        assert_eq!(s, 422, "channel 1 has no feed: {body}");
        assert_eq!(pull(app, &office, 999_999).await.0, 404);
        let (_, column) = app.column("www", "tzgg").await;
        for (feed_url, feed_sender) in [
            (json!("file:///etc/passwd"), json!("fgw")),
            (json!("ftp://x/feed"), json!("fgw")),
            (json!(format!("http://{up}/html")), json!(null)),
            (json!(null), json!("fgw")),
            (json!(format!("http://{up}/html")), json!("nosuchsite")),
            (json!(format!("http://{up}/html")), json!("www")),
        ] {
            let (s, body) = create_channel(app, &office, json!({"name": "坏设置", "receiver": "www", "sender_kind": "department",
                "columns": [column.0], "feed_url": feed_url, "feed_sender": feed_sender})).await;
            assert!(matches!(s, 404 | 422), "{feed_url} {feed_sender}: {s} {body}");
        }
    }

    async fn feed_items_without_id_or_title_are_skipped_and_bodies_are_sanitized(app: demo) {
        let office = app.token("office", Some(ClusterRole::ClusterAdmin), None).await;
        let feed = json!({
            "version": "https://jsonfeed.org/version/1.1", "title": "省政府门户", "authors": [{"name": "某省人民政府办公厅"}],
            "items": [
                {"id": "prov-1", "title": "省政府常务会议召开", "url": "http://province.example/1.html",
                 "content_html": "<p onclick=\"x()\">会议内容</p><script>alert(1)</script><a href=\"javascript:x()\">链接</a>"},
                {"id": "prov-2", "title": "  多余   空白\n的标题  ", "content_text": "纯文本 <正文>"},
                {"id": "prov-3", "title": ""},
                {"title": "没有编号"},
                {"id": "prov-1", "title": "重复的条目"},
            ]});
        let up = upstream(vec![("/feed.json", Reply::ok("application/feed+json", feed.to_string()))]).await;
        let ch = feed_channel(app, &office, "省门户订阅", ("www", "tzgg"), (&format!("http://{up}/feed.json"), "fgw"), false).await;
        let (s, r) = pull(app, &office, ch).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!((r["items"].as_u64(), r["new"].as_u64(), r["invalid"].as_u64(), r["duplicates"].as_u64()),
            (Some(5), Some(2), Some(2), Some(1)), "{r}");
        assert_eq!(r["problems"].as_array().unwrap().len(), 2, "{r}");
        let subs = inbox(app, &office, "www", ch).await;
        let one = subs.iter().find(|s| s["external_id"] == "prov-1").unwrap();
        let body = one["body"].as_str().unwrap();
        assert!(body.contains("会议内容") && !body.contains("<script") && !body.contains("onclick") && !body.contains("javascript:"), "{body}");
        assert_eq!(one["source"], "某省人民政府办公厅", "the feed's author stands in for the source");
        let two = subs.iter().find(|s| s["external_id"] == "prov-2").unwrap();
        assert_eq!(two["title"], "多余 空白 的标题");
        assert_eq!(two["body"], "<p>纯文本 &lt;正文&gt;</p>");
    }

    async fn a_closed_channel_takes_no_submissions_is_not_pulled_keeps_its_history_and_only_unused_channels_can_be_deleted(app: demo) {
        let office = app.token("office", Some(ClusterRole::ClusterAdmin), None).await;
        let fgw = app.token("fgw-editor", None, Some(("fgw", TenantRole::Editor))).await;
        let url = format!("http://{}/sites/fgw/report/feed.json", app.addr);
        let ch = feed_channel(app, &office, "发改委订阅", ("www", "tzgg"), (&url, "fgw"), false).await;
        let (s, report) = pull(app, &office, ch).await;
        assert_eq!(s, 200, "{report}");
        let imported = report["new"].as_u64().unwrap();
        assert!(imported > 0, "{report}");
        let (_, column) = app.column("www", "tzgg").await;
        let change = |active: bool| json!({"name": "发改委订阅", "columns": [column.0], "active": active});

        // Close it: the same list shows it closed, and nothing new gets in.
        let (s, closed) = app.api(&office, "PUT", &format!("/api/v1/channels/{ch}"), Some(change(false))).await;
        assert_eq!((s, closed["active"].as_bool()), (200, Some(false)), "{closed}");
        let (s, body) = pull(app, &office, ch).await;
        assert_eq!(s, 409, "a closed channel is not pulled: {body}");
        let (s, body) = app.api(&fgw, "POST", "/api/v1/sites/fgw/submissions", Some(json!({
            "channel_id": ch, "client_key": "closed-1", "title": "关闭后的报送", "body": "<p>正文</p>"}))).await;
        assert_eq!(s, 409, "a closed channel takes no submissions: {body}");
        assert!(body["message"].as_str().unwrap_or("").contains("已关闭"), "{body}");
        assert_eq!(inbox(app, &office, "www", ch).await.len() as u64, imported, "history stays");

        // A channel with submissions cannot be deleted (history and figures stay), only closed.
        let (s, body) = app.api(&office, "DELETE", &format!("/api/v1/channels/{ch}"), None).await;
        assert_eq!(s, 409, "{body}");
        assert!(body["message"].as_str().unwrap_or("").contains("关闭"), "{body}");

        // Open again: sending works, and a change without `active` leaves it open.
        let (s, _) = app.api(&office, "PUT", &format!("/api/v1/channels/{ch}"), Some(change(true))).await;
        assert_eq!(s, 200);
        let (s, reopened) = app.api(&office, "PUT", &format!("/api/v1/channels/{ch}"),
            Some(json!({"name": "发改委订阅（改名）", "columns": [column.0]}))).await;
        assert_eq!((s, reopened["active"].as_bool()), (200, Some(true)), "{reopened}");
        let (s, body) = app.api(&fgw, "POST", "/api/v1/sites/fgw/submissions", Some(json!({
            "channel_id": ch, "client_key": "open-1", "title": "重新开放后的报送", "body": "<p>正文</p>"}))).await;
        assert_eq!(s, 201, "{body}");

        // An unused channel is deleted, with its audit row; a site's people cannot delete.
        let (s, spare) = create_channel(app, &office, json!({"name": "备用渠道", "receiver": "www",
            "sender_kind": "district", "columns": [column.0]})).await;
        assert_eq!(s, 201, "{spare}");
        let spare = spare["id"].as_i64().unwrap();
        let admin = app.token("www-admin", None, Some(("www", TenantRole::SiteAdmin))).await;
        assert_eq!(app.api(&admin, "DELETE", &format!("/api/v1/channels/{spare}"), None).await.0, 403);
        let (s, body) = app.api(&office, "DELETE", &format!("/api/v1/channels/{spare}"), None).await;
        assert_eq!(s, 204, "{body}");
        assert_eq!(app.api(&office, "DELETE", &format!("/api/v1/channels/{spare}"), None).await.0, 404);
        assert_eq!(app.api(&office, "DELETE", "/api/v1/channels/abc", None).await.0, 404);
        let (_, channels) = app.api(&office, "GET", "/api/v1/channels", None).await;
        assert!(!channels.as_array().unwrap().iter().any(|c| c["id"] == spare));
        let (_, audit) = app.api(&office, "GET", "/api/v1/audit?limit=50", None).await;
        assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "channel.delete"
            && e["object"] == format!("channel:{spare}")), "{audit}");
    }

    async fn imported_items_keep_the_date_their_source_published_them(app: demo) {
        let office = app.token("office", Some(ClusterRole::ClusterAdmin), None).await;
        let feed = json!({"version": "https://jsonfeed.org/version/1.1", "title": "邻市", "items": [
            {"id": "n-1", "title": "邻市信息一", "content_html": "<p>一</p>", "date_published": "2026-03-02T09:30:00+08:00"},
            {"id": "n-2", "title": "邻市信息二", "content_html": "<p>二</p>", "date_modified": "2026-03-04T08:00:00Z"},
            {"id": "n-3", "title": "邻市信息三", "content_html": "<p>三</p>"},
        ]});
        let up = upstream(vec![("/feed.json", Reply::ok("application/feed+json", feed.to_string()))]).await;
        let ch = feed_channel(app, &office, "邻市订阅", ("www", "tzgg"), (&format!("http://{up}/feed.json"), "fgw"), false).await;
        assert_eq!(pull(app, &office, ch).await.1["new"].as_u64(), Some(3));
        let items = inbox(app, &office, "www", ch).await;
        let date = |id: &str| items.iter().find(|i| i["external_id"] == id).unwrap()["external_published_at"].clone();
        assert_eq!(date("n-1"), json!("2026-03-02T01:30:00Z"));
        assert_eq!(date("n-2"), json!("2026-03-04T08:00:00Z"));
        assert_eq!(date("n-3"), Value::Null);
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

/// The background puller, with `feeds.pull_secs = 1`.
mod background {
    use super::*;

    async fn app(backend: Backend) -> TestApp {
        TestApp::setup(Setup {
            backend: Some(backend),
            demo: Some(DemoOptions {
                news_articles: 8,
                seed: 7,
            }),
            env: vec![("ZQ_FEEDS__PULL_SECS".into(), "1".into())],
            ..Setup::default()
        })
        .await
    }

    async fn the_background_puller_imports_feeds_by_itself_and_survives_a_failing_one(
        app: &TestApp,
    ) {
        let office = app
            .token("office", Some(ClusterRole::ClusterAdmin), None)
            .await;
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        // A failing feed first: the round goes on to the next channel.
        let failing = feed_channel(
            app,
            &office,
            "失效的订阅源",
            ("www", "tzgg"),
            (&format!("http://{closed}/feed.json"), "fgw"),
            false,
        )
        .await;
        let url = format!("http://{}/sites/fgw/report/feed.json", app.addr);
        let ch = feed_channel(
            app,
            &office,
            "发改委自动订阅",
            ("www", "tzgg"),
            (&url, "fgw"),
            false,
        )
        .await;
        let offered = json_feed(app, "127.0.0.1", "/sites/fgw/report/feed.json").await["items"]
            .as_array()
            .unwrap()
            .len();
        let mut got = 0;
        for _ in 0..100 {
            got = inbox(app, &office, "www", ch).await.len();
            if got == offered {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(got, offered, "pulled without being asked");
        // Later rounds add nothing.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        assert_eq!(inbox(app, &office, "www", ch).await.len(), offered);
        // Operators see the failing feed in the metrics, without anyone pulling by hand.
        let metrics = app.metrics().await;
        let count = |labels: String| {
            metrics
                .lines()
                .find_map(|l| l.strip_prefix(&format!("zhanqun_feed_pulls_total{{{labels}}} ")))
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        assert!(
            count(format!("channel=\"{failing}\",result=\"failed\"")) >= 2.0,
            "{metrics}"
        );
        assert_eq!(count(format!("channel=\"{failing}\",result=\"ok\"")), 0.0);
        assert!(
            count(format!("channel=\"{ch}\",result=\"ok\"")) >= 2.0,
            "{metrics}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_the_background_puller_imports_feeds_by_itself_and_survives_a_failing_one() {
        let app = app(Backend::Sqlite).await;
        the_background_puller_imports_feeds_by_itself_and_survives_a_failing_one(&app).await;
        app.finish().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_the_background_puller_imports_feeds_by_itself_and_survives_a_failing_one() {
        let app = app(Backend::Postgres).await;
        the_background_puller_imports_feeds_by_itself_and_survives_a_failing_one(&app).await;
        app.finish().await;
    }
}

/// `https://` feeds: trusted through `feeds.ca_file` (a private CA, as a provincial portal may
/// use), refused when the certificate is not trusted; every pull counted in the metrics.
mod tls {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

    /// A certificate for 127.0.0.1 and localhost: signed by `issuer`, or self-signed.
    fn server_cert(
        issuer: Option<&Issuer<'static, KeyPair>>,
    ) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        let key = KeyPair::generate().unwrap();
        let params = CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
        let cert = match issuer {
            Some(i) => params.signed_by(&key, i).unwrap(),
            None => params.self_signed(&key).unwrap(),
        };
        let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        (vec![cert.der().clone()], der)
    }

    /// A private CA: its PEM and its issuer.
    fn ca() -> (String, Issuer<'static, KeyPair>) {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "海川测试根证书");
        let cert = params.self_signed(&key).unwrap();
        (cert.pem(), Issuer::new(params, key))
    }

    /// The value of one sample of the metrics text, e.g. `feed_pulls_total{channel="3",result="ok"}`.
    fn sample(metrics: &str, name_and_labels: &str) -> Option<f64> {
        let prefix = format!("zhanqun_{name_and_labels} ");
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .and_then(|v| v.trim().parse().ok())
    }

    async fn https_feeds_are_pulled_when_trusted_refused_when_not_and_counted(backend: Backend) {
        let (ca_pem, issuer) = ca();
        let ca_file = std::env::temp_dir().join(format!(
            "zq-feed-ca-{}-{}.pem",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::write(&ca_file, ca_pem).unwrap();
        let app = TestApp::setup(Setup {
            backend: Some(backend),
            demo: Some(DemoOptions {
                news_articles: 4,
                seed: 7,
            }),
            env: vec![("ZQ_FEEDS__CA_FILE".into(), ca_file.display().to_string())],
            ..Setup::default()
        })
        .await;
        let feed = json!({"version": "https://jsonfeed.org/version/1.1", "title": "省级门户", "items": [
            {"id": "p-1", "title": "省里的通知一", "content_html": "<p>一</p>"},
            {"id": "p-2", "title": "省里的通知二", "content_html": "<p>二</p>"},
        ]});
        let routes = || {
            vec![(
                "/feed.json",
                Reply::ok("application/feed+json", feed.to_string()),
            )]
        };
        let (chain, key) = server_cert(Some(&issuer));
        let trusted = upstream_tls(routes(), chain, key).await;
        let (chain, key) = server_cert(None);
        let untrusted = upstream_tls(routes(), chain, key).await;
        let office = app
            .token("office", Some(ClusterRole::ClusterAdmin), None)
            .await;

        let good = feed_channel(
            &app,
            &office,
            "省级门户",
            ("www", "tzgg"),
            (&format!("https://{trusted}/feed.json"), "fgw"),
            false,
        )
        .await;
        let (s, report) = pull(&app, &office, good).await;
        assert_eq!((s, report["new"].as_u64()), (200, Some(2)), "{report}");
        assert_eq!(
            pull(&app, &office, good).await.1["new"].as_u64(),
            Some(0),
            "once per item"
        );

        let bad = feed_channel(
            &app,
            &office,
            "证书不受信任",
            ("www", "tzgg"),
            (&format!("https://{untrusted}/feed.json"), "fgw"),
            false,
        )
        .await;
        let (s, body) = pull(&app, &office, bad).await;
        assert_eq!(s, 422, "{body}");
        let message = body["message"].as_str().unwrap_or("");
        assert!(
            message.contains("拉取订阅源失败") && message.contains("certificate"),
            "{body}"
        );
        assert!(inbox(&app, &office, "www", bad).await.is_empty());

        let metrics = app.metrics().await;
        let m = |s: String| sample(&metrics, &s);
        assert_eq!(
            m(format!(
                "feed_pulls_total{{channel=\"{good}\",result=\"ok\"}}"
            )),
            Some(2.0),
            "{metrics}"
        );
        assert_eq!(
            m(format!("feed_items_imported_total{{channel=\"{good}\"}}")),
            Some(2.0)
        );
        assert_eq!(
            m(format!(
                "feed_pulls_total{{channel=\"{bad}\",result=\"failed\"}}"
            )),
            Some(1.0)
        );
        assert_eq!(
            m(format!(
                "feed_pulls_total{{channel=\"{bad}\",result=\"ok\"}}"
            )),
            None
        );
        let last = m(format!(
            "feed_last_success_timestamp_seconds{{channel=\"{good}\"}}"
        ))
        .unwrap();
        assert!(
            (last - chrono::Utc::now().timestamp() as f64).abs() < 120.0,
            "{last}"
        );
        app.finish().await;
        let _ = std::fs::remove_file(ca_file);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_https_feeds_are_pulled_when_trusted_refused_when_not_and_counted() {
        https_feeds_are_pulled_when_trusted_refused_when_not_and_counted(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_https_feeds_are_pulled_when_trusted_refused_when_not_and_counted() {
        https_feeds_are_pulled_when_trusted_refused_when_not_and_counted(Backend::Postgres).await;
    }
}
