//! Bad input gets a clear 4xx answer, never a 500 and never a panic; text that looks like a
//! spreadsheet formula stays text in every CSV export.

use zq_domain::access::ClusterRole;
use zq_tests::{PASSWORD, host, on_both_backends};

fn req(path: &str, host: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").into_bytes()
}

on_both_backends! {
    async fn a_missing_or_malformed_host_is_400(app: demo) {
        assert_eq!(app.raw_status(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").await, 400, "no Host");
        for bad in ["exa mple.com", "a..b", "-bad-.com", "x:notaport", "[::1", "a/b", "%41.com"] {
            let status = app.raw_status(&req("/", bad)).await;
            assert_eq!(status, 400, "Host: {bad}");
        }
        let twice = format!("GET / HTTP/1.1\r\nHost: {}\r\nHost: evil.example\r\nConnection: close\r\n\r\n", host("www"));
        assert_eq!(app.raw_status(twice.as_bytes()).await, 400, "two Host headers");
        // A line of a request head ended by a bare LF (a proxy may read it differently): 400,
        // in a head or in a chunked body's size line, however the bytes arrive.
        let www = host("www");
        for bare in [
            format!("GET / HTTP/1.1\nHost: {www}\r\nConnection: close\r\n\r\n"),
            format!("GET / HTTP/1.1\r\nHost: {www}\nConnection: close\r\n\r\n"),
            format!("POST / HTTP/1.1\r\nHost: {www}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\nabc\r\n0\r\n\r\n"),
        ] {
            let answer = app.raw(bare.as_bytes()).await;
            assert!(answer.starts_with("HTTP/1.1 400") && answer.contains("CRLF"), "{bare:?}: {answer}");
        }
        // Line feeds inside bodies are content: a keep-alive pipeline with them is answered
        // in full.
        let pipeline = format!(
            "POST / HTTP/1.1\r\nHost: {www}\r\nContent-Length: 4\r\n\r\na\nb\nGET / HTTP/1.1\r\nHost: {www}\r\n\r\nGET /robots.txt HTTP/1.1\r\nHost: {www}\r\nConnection: close\r\n\r\n"
        );
        let answer = app.raw(pipeline.as_bytes()).await;
        assert!(!answer.contains("CRLF"), "{answer}");
        assert!(answer.matches("HTTP/1.1 200").count() >= 1 && answer.contains("User-agent"), "{answer}");
        let r = app.get("bad..host", "/").await;
        assert_eq!(r.status, 400);
        assert!(r.body.contains("请求无效"));
    }

    async fn absurdly_long_paths_and_headers_are_refused(app: demo) {
        let long_path = format!("/col/{}/", "a".repeat(5000));
        let r = app.get(&host("www"), &long_path).await;
        assert_eq!(r.status, 414, "long path");
        let huge = format!("GET / HTTP/1.1\r\nHost: {}\r\nX-Big: {}\r\nConnection: close\r\n\r\n", host("www"), "b".repeat(100 * 1024));
        let status = app.raw_status(huge.as_bytes()).await;
        assert_eq!(status, 431, "huge header");
    }

    async fn traversal_attempts_are_400(app: demo) {
        for path in ["/../etc/passwd", "/col/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fetc%2fpasswd", "/art/%2E%2E%5Cwin.ini", "/sites/www/../../etc/passwd", "/a/./b"] {
            let status = app.raw_status(&req(path, &host("www"))).await;
            assert!(status == 400 || status == 404, "{path}: {status}");
            assert_ne!(status, 500);
        }
        assert_eq!(app.get(&host("www"), "/col/%2e%2e/x").await.status, 400);
    }

    async fn invalid_utf8_in_the_path_is_400(app: demo) {
        for path in ["/%FF%FE/", "/col/%C0%AF/", "/sites/www/%ED%A0%80"] {
            let r = app.get(&host("www"), path).await;
            assert_eq!(r.status, 400, "{path}");
        }
    }

    async fn unknown_columns_articles_and_pages_are_404(app: demo) {
        for path in [
            "/col/nosuch/", "/col/nosuch/page/2/", "/art/999999999.html", "/art/abc.html", "/art/-1.html",
            "/art/99999999999999999999999.html", "/col/gzdt/page/100000/", "/col/gzdt/page/abc/", "/nothing", "/col/GZDT/",
        ] {
            let r = app.get(&host("fgw"), path).await;
            assert_eq!(r.status, 404, "{path}");
            assert!(r.body.contains("页面不存在"), "{path} shows the site's 404 page");
            assert!(r.body.contains("海川市发展和改革委员会"), "{path} 404 is the tenant's own");
        }
    }

    async fn other_methods_are_405_and_head_works(app: demo) {
        let r = app.request("POST", Some(&host("www")), "/").await;
        assert_eq!(r.status, 405);
        assert_eq!(r.header("allow"), Some("GET, HEAD"));
        let r = app.request("HEAD", Some(&host("www")), "/").await;
        assert_eq!(r.status, 200);
        assert!(r.body.is_empty());
    }

    async fn garbage_requests_do_not_take_the_server_down(app: demo) {
        for junk in [&b"\x00\x01\x02\r\n\r\n"[..], b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET /\xff\xfe HTTP/1.1\r\nHost: a\r\n\r\n"] {
            let answer = app.raw(junk).await;
            assert!(!answer.contains(" 500 "), "{answer}");
        }
        assert_eq!(app.get(&host("www"), "/").await.status, 200, "still serving");
    }

    async fn a_site_name_that_looks_like_a_formula_stays_text_in_every_csv_export(app: demo) {
        let office = app.token("csv.office", Some(ClusterRole::ClusterAdmin), None).await;
        let formula = "=HYPERLINK(\"http://evil.example/\",\"点我\")";
        // A unit the cases figures list (one with a letter), renamed.
        let (_, csv) = app.api(&office, "GET", "/api/v1/cases/figures?format=csv", None).await;
        let code = csv.as_str().unwrap_or_default().lines().nth(1).and_then(|l| l.split(',').next())
            .unwrap_or_else(|| panic!("a unit in {csv}")).to_owned();
        let (_, site) = app.api(&office, "GET", &format!("/api/v1/sites/{code}"), None).await;
        let settings = serde_json::json!({"name": formula, "sponsor": site["sponsor"]});
        let (s, t) = app.api(&office, "PUT", &format!("/api/v1/sites/{code}/settings"), Some(settings)).await;
        assert_eq!(s, 200, "{t}");
        let defused = |what: &str, csv: &str| {
            assert!(csv.contains("'=HYPERLINK"), "{what}: the name is not there, defused: {csv}");
            for line in csv.lines() {
                for cell_start in [",=", ",\"=", "\u{feff}=", "\u{feff}\"="] {
                    assert!(!line.contains(cell_start), "{what}: a cell starts a formula: {line}");
                }
                assert!(!line.starts_with('=') && !line.starts_with("\"="), "{what}: {line}");
            }
        };
        for path in ["/api/v1/cases/figures?format=csv", "/api/v1/inspection/scorecard?format=csv"] {
            let (s, csv) = app.api(&office, "GET", path, None).await;
            assert_eq!(s, 200, "{path}");
            defused(path, csv.as_str().unwrap_or_default());
        }
        app.account("csv.clerk", Some(ClusterRole::ClusterAdmin), &[]).await;
        let (_, cookie) = app.sign_in("csv.clerk", PASSWORD).await;
        for path in ["/console/admin/cases.csv", "/console/admin/inspection.csv"] {
            let r = app.get_with("127.0.0.1", path, &[("cookie", &cookie.clone().unwrap())]).await;
            assert_eq!(r.status, 200, "{path}");
            defused(path, &r.body);
        }
    }

    async fn a_made_up_host_on_the_alias_path_cannot_poison_the_cached_feeds_and_sitemap(app: demo) {
        let port = app.addr.port();
        let office = app.token("alias.office", Some(ClusterRole::ClusterAdmin), None).await;
        let news = app.news_column(&office, "jn").await["slug"].as_str().unwrap().to_owned();
        for path in [
            "/sites/jn/sitemap.xml".to_owned(),
            "/sites/jn/report/feed.xml".to_owned(),
            "/sites/jn/report/feed.json".to_owned(),
            format!("/sites/jn/col/{news}/atom.xml"),
        ] {
            let evil = app.get(&format!("evil.example:{port}"), &path).await;
            assert_eq!(evil.status, 200, "{path}");
            assert!(!evil.body.contains("evil.example"), "{path} names the made-up host: {}", evil.body);
            // A later visitor on the cluster's own host gets that host's links.
            let later = app.get(&format!("{}:{port}", host("www")), &path).await;
            assert_eq!(later.status, 200, "{path}");
            assert!(!later.body.contains("evil.example"), "{path}: {}", later.body);
            assert!(later.body.contains(&host("www")) || later.body.contains(&host("jn")), "{path}: {}", later.body);
        }
    }
}

/// A client that declares a body and then trickles it (slow POST) is cut off with 408 on
/// every route that reads a body: the console, the API and the public forms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_trickled_slower_than_the_read_deadline_is_answered_408_everywhere() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = zq_tests::TestApp::setup(zq_tests::Setup {
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 3,
        }),
        env: vec![("ZQ_HTTP__BODY_READ_TIMEOUT_SECS".into(), "2".into())],
        ..Default::default()
    })
    .await;
    let jb = host("jb");
    for (path, host, kind) in [
        (
            "/console/login",
            "127.0.0.1",
            "application/x-www-form-urlencoded",
        ),
        ("/api/v1/sites/jb/articles", "127.0.0.1", "application/json"),
        (
            "/forms/letter",
            jb.as_str(),
            "application/x-www-form-urlencoded",
        ),
    ] {
        let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {kind}\r\nContent-Length: 100000\r\n\r\n"
        );
        s.write_all(head.as_bytes()).await.unwrap();
        let (mut rd, mut wr) = s.into_split();
        // Two bytes a second, for longer than the deadline.
        let drip = tokio::spawn(async move {
            for _ in 0..20 {
                if wr.write_all(b"a=").await.is_err() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
        });
        let mut out = Vec::new();
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(8), rd.read_to_end(&mut out)).await;
        drip.abort();
        assert!(
            read.is_ok(),
            "{path}: the connection is closed, not held open"
        );
        let answer = String::from_utf8_lossy(&out);
        assert!(answer.starts_with("HTTP/1.1 408"), "{path}: {answer}");
        assert!(answer.contains("请求超时"), "{path}: {answer}");
    }
    app.finish().await;
}
