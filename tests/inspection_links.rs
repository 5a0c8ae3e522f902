//! The link checker over HTTP on SQLite and PostgreSQL, against a local upstream: an article
//! links to a working page, a page that refuses `HEAD` but answers `GET`, a redirect to a
//! working page, a 404, a page that never answers in time, a redirect loop, a working column
//! and article of the cluster and a dead one. The run finds exactly the four broken ones with
//! the place they occur, the site's link indicator fails with them as evidence (a point each),
//! the next run asks the upstream nothing (the answers are fresh), and once the editor fixes
//! the article and it is published again the next run clears the indicator.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use zq_domain::access::TenantRole;
use zq_services::inspection::links::check_all;
use zq_tests::{TestApp, indicator, on_both_backends};

/// A local server: `/ok` 200, `/nohead` 405 to HEAD and 200 to GET, `/moved` 301 to `/ok`,
/// `/gone` 404, `/slow` answers after 5 s, `/loop` redirects to itself. Counts requests.
async fn upstream(hits: Arc<AtomicUsize>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let hits = hits.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                hits.fetch_add(1, Ordering::SeqCst);
                let line = String::from_utf8_lossy(&buf)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_owned();
                let mut parts = line.split(' ');
                let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                let (status, location) = match (method, path) {
                    (_, "/ok") => ("200 OK", None),
                    ("HEAD", "/nohead") => ("405 Method Not Allowed", None),
                    (_, "/nohead") => ("200 OK", None),
                    (_, "/moved") => ("301 Moved Permanently", Some("/ok")),
                    (_, "/loop") => ("302 Found", Some("/loop")),
                    (_, "/slow") => {
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        ("200 OK", None)
                    }
                    _ => ("404 Not Found", None),
                };
                let location = location
                    .map(|l| format!("location: {l}\r\n"))
                    .unwrap_or_default();
                let reply = format!(
                    "HTTP/1.1 {status}\r\n{location}content-length: 0\r\nconnection: close\r\n\r\n"
                );
                let _ = sock.write_all(reply.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

async fn publish(app: &TestApp, editor: &str, reviewer: &str, id: i64) {
    let path = |step: &str| format!("/api/v1/sites/jb/articles/{id}/{step}");
    let (s, e) = app.api(editor, "POST", &path("submit"), None).await;
    assert_eq!(s, 200, "{e}");
    let (s, e) = app.api(reviewer, "POST", &path("approve"), None).await;
    assert_eq!(s, 200, "{e}");
}

on_both_backends! {
    async fn the_link_checker_finds_a_404_a_timeout_a_redirect_loop_and_a_dead_internal_link(app: demo) {
        let hits = Arc::new(AtomicUsize::new(0));
        let up = upstream(hits.clone()).await;
        let editor = app.token("ln.editor", None, Some(("jb", TenantRole::Editor))).await;
        let reviewer = app.token("ln.reviewer", None, Some(("jb", TenantRole::Reviewer))).await;

        // The demo's links within the cluster all lead somewhere on this site.
        let (_, r) = app.api(&editor, "GET", "/api/v1/sites/jb/inspection", None).await;
        assert_eq!(indicator(&r, "links")["status"], "pass", "{}", indicator(&r, "links"));

        let news = app.news_column(&editor, "jb").await;
        let slug = news["slug"].as_str().unwrap().to_owned();
        let body = format!(
            r##"<p><a href="{up}/ok">正常</a> <a href="{up}/nohead">不收HEAD</a> <a href="{up}/moved">已迁移</a>
<a href="{up}/gone">旧通知</a> <a href="{up}/slow">慢网站</a> <a href="{up}/loop">循环</a>
<a href="/col/{slug}/">本站栏目</a> <a href="/sites/zz-none/">不存在的站</a> <a href="/art/987654.html">已删除的文章</a>
<a href="mailto:a@b.cn">信箱</a> <a href="#top">顶部</a></p>"##
        );
        let (s, a) = app
            .api(&editor, "POST", "/api/v1/sites/jb/articles", Some(json!({"column_id": news["id"], "title": "链接检查测试稿", "body": body})))
            .await;
        assert_eq!(s, 201, "{a}");
        let id = a["id"].as_i64().unwrap();
        publish(app, &editor, &reviewer, id).await;

        let run = check_all(&app.services, Duration::from_secs(1)).await.unwrap();
        assert_eq!(run.asked, 6, "{run:?}");
        // jb's five, and the demo's own two dead links on other sites.
        assert_eq!(run.broken, 7, "{run:?}");
        let (_, r) = app.api(&editor, "GET", "/api/v1/sites/jb/inspection", None).await;
        let links = indicator(&r, "links");
        assert_eq!(links["status"], "fail", "{links}");
        assert_eq!(links["count"], 5, "{links}");
        let evidence: Vec<(String, String)> = links["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["what"].as_str().unwrap().to_owned(), e["detail"].as_str().unwrap().to_owned()))
            .collect();
        let detail_of = |what: &str| evidence.iter().find(|(w, _)| w == what).map(|(_, d)| d.clone()).unwrap_or_else(|| panic!("{what} not in {evidence:?}"));
        assert_eq!(detail_of(&format!("{up}/gone")), "《链接检查测试稿》第 4 个链接“旧通知”：页面不存在（HTTP 404）");
        assert!(detail_of(&format!("{up}/slow")).ends_with("：1 秒内无响应"));
        assert!(detail_of(&format!("{up}/loop")).ends_with("：重定向循环"));
        assert!(detail_of("/sites/zz-none/").ends_with("站点“zz-none”不存在"));
        assert!(detail_of("/art/987654.html").ends_with("：文章不存在或已撤稿"));
        assert!(links["evidence"].as_array().unwrap().iter().all(|e| e["object"] == format!("article:{id}")));
        let deduction = r["deductions"].as_array().unwrap().iter().find(|d| d["code"] == "links").cloned().unwrap_or(Value::Null);
        assert_eq!(deduction["points"], 5, "{r}");

        // The next run asks the upstream nothing: every answer is still fresh.
        let before = hits.load(Ordering::SeqCst);
        let again = check_all(&app.services, Duration::from_secs(1)).await.unwrap();
        assert_eq!((again.asked, again.broken), (0, 7), "{again:?}");
        assert_eq!(hits.load(Ordering::SeqCst), before);

        // The reviewer withdraws the article, the editor fixes it; once it is published again
        // the next run clears the indicator.
        let (s, e) = app.api(&reviewer, "POST", &format!("/api/v1/sites/jb/articles/{id}/withdraw"), Some(json!({"comment": "修改错链"}))).await;
        assert_eq!(s, 200, "{e}");
        let fixed = format!(r#"<p><a href="{up}/ok">正常</a> <a href="/col/{slug}/">本站栏目</a></p>"#);
        let (s, e) = app
            .api(&editor, "PUT", &format!("/api/v1/sites/jb/articles/{id}"), Some(json!({"column_id": news["id"], "title": "链接检查测试稿", "body": fixed})))
            .await;
        assert!(s == 200 || s == 204, "{s} {e}");
        publish(app, &editor, &reviewer, id).await;
        check_all(&app.services, Duration::from_secs(1)).await.unwrap();
        let (_, r) = app.api(&editor, "GET", "/api/v1/sites/jb/inspection", None).await;
        assert_eq!(indicator(&r, "links")["status"], "pass", "{}", indicator(&r, "links"));
    }
}
