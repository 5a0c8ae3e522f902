//! Visit statistics over HTTP on SQLite and PostgreSQL, on a generated load: 500 visitors (each
//! its own user agent) view jb's home page, its news column and an article four times each,
//! some arriving from a search engine; robots, HEAD requests, feeds, files and missing pages
//! are not counted. Once the node flushes, the site's figures have every view exactly (per
//! day, per hour, per page and column) and the unique visitors within the sketch's error; the
//! referring host is listed; the cluster's figures rank the site for the office and are
//! refused to a site's account; a bad period is a Chinese 422. Every response is counted as
//! served too, with its server errors, for the availability indicator's served 5xx rate.

use serde_json::Value;
use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{Backend, DemoOptions, Setup, TestApp, host};

const VISITORS: usize = 500;

async fn generated_load_is_counted_exactly_and_visitors_estimated(backend: Backend) {
    let app = TestApp::setup(Setup {
        backend: Some(backend),
        demo: Some(DemoOptions {
            news_articles: 4,
            seed: 3,
        }),
        env: vec![("ZQ_VISITS__FLUSH_SECS".into(), "1".into())],
        ..Default::default()
    })
    .await;
    let office = app
        .token("vs.office", Some(ClusterRole::ClusterAdmin), None)
        .await;
    let editor = app
        .token("vs.editor", None, Some(("jb", TenantRole::Editor)))
        .await;
    let (_, cols) = app
        .api(&editor, "GET", "/api/v1/sites/jb/columns", None)
        .await;
    let news = cols
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["is_news"] == true)
        .unwrap()
        .clone();
    let (_, arts) = app
        .api(
            &editor,
            "GET",
            "/api/v1/sites/jb/articles?state=published&limit=1",
            None,
        )
        .await;
    let article = arts["items"][0]["id"].as_i64().unwrap();
    let pages = [
        "/".to_owned(),
        format!("/col/{}/", news["slug"].as_str().unwrap()),
        format!("/art/{article}.html"),
    ];
    let jb = host("jb");
    let mut views = 0;
    for v in 0..VISITORS {
        let ua = format!("Mozilla/5.0 (Linux; Android 14; 访客 {v}) Mobile Safari/537.36");
        for (n, page) in pages.iter().chain(std::iter::once(&pages[0])).enumerate() {
            let mut headers = vec![("user-agent", ua.as_str())];
            if v % 5 == 0 && n == 0 {
                headers.push(("referer", "https://www.baidu.com/s?wd=江北区"));
            }
            let r = app.get_with(&jb, page, &headers).await;
            assert_eq!(r.status, 200, "{page}");
            views += 1;
        }
    }
    // Not page views: a robot, a HEAD, a feed, a missing page, a browser without a user agent.
    let robot = [("user-agent", "Mozilla/5.0 (compatible; Baiduspider/2.0)")];
    assert_eq!(app.get_with(&jb, "/", &robot).await.status, 200);
    let human = [(
        "user-agent",
        "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
    )];
    assert_eq!(app.call("HEAD", &jb, "/", &human, "").await.status, 200);
    let feed = format!("/col/{}/atom.xml", news["slug"].as_str().unwrap());
    assert_eq!(app.get_with(&jb, &feed, &human).await.status, 200);
    assert_eq!(
        app.get_with(&jb, "/art/99999999.html", &human).await.status,
        404
    );
    assert_eq!(app.get_with(&jb, "/", &[]).await.status, 200);

    // The node flushes every second: wait for every view to be written.
    let mut figures = Value::Null;
    for _ in 0..50 {
        let (s, f) = app
            .api(&editor, "GET", "/api/v1/sites/jb/visits?days=7", None)
            .await;
        assert_eq!(s, 200, "{f}");
        figures = f;
        if figures["total_views"] == views {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(figures["total_views"], views, "{figures}");
    let days = figures["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    let today = days.last().unwrap();
    assert_eq!(today["views"], views);
    let visitors = today["visitors"].as_u64().unwrap() as f64;
    assert!(
        (visitors - VISITORS as f64).abs() / VISITORS as f64 <= 0.05,
        "{visitors} visitors estimated for {VISITORS}"
    );
    let hours: i64 = figures["hours_today"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_i64().unwrap())
        .sum();
    assert_eq!(hours, views as i64);
    let top = &figures["pages"][0];
    assert_eq!(
        (top["path"].as_str(), top["views"].as_i64()),
        (Some("/"), Some(2 * VISITORS as i64)),
        "{figures}"
    );
    assert_eq!(top["title"], "首页");
    let art = figures["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == pages[2])
        .unwrap();
    assert_eq!(art["views"], VISITORS as i64);
    assert_ne!(
        art["title"],
        pages[2].as_str(),
        "an article's page shows its title"
    );
    // Each column counts its own pages and its articles'.
    let article_column = cols
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == arts["items"][0]["column_id"])
        .unwrap()["name"]
        .clone();
    let column_views = |name: &Value| {
        figures["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c[0] == *name)
            .map_or(0, |c| c[1].as_i64().unwrap())
    };
    if article_column == news["name"] {
        assert_eq!(
            column_views(&news["name"]),
            2 * VISITORS as i64,
            "{figures}"
        );
    } else {
        assert_eq!(column_views(&news["name"]), VISITORS as i64, "{figures}");
        assert_eq!(column_views(&article_column), VISITORS as i64, "{figures}");
    }
    assert_eq!(figures["referrers"][0][0], "www.baidu.com");
    assert_eq!(figures["referrers"][0][1], (VISITORS / 5) as i64);

    // The office's view of the cluster; a site's account may not see it.
    let (s, cluster) = app.api(&office, "GET", "/api/v1/visits?days=7", None).await;
    assert_eq!(s, 200, "{cluster}");
    assert_eq!(cluster["sites"][0]["code"], "jb", "{cluster}");
    assert_eq!(cluster["total_views"], views);
    assert_eq!(app.api(&editor, "GET", "/api/v1/visits", None).await.0, 403);
    let (s, e) = app
        .api(&editor, "GET", "/api/v1/sites/jb/visits?days=0", None)
        .await;
    assert_eq!(s, 422, "{e}");
    assert!(e.to_string().contains("统计天数"), "{e}");

    // The console's pages: the site's figures for its staff, the cluster's for the office.
    app.account("vs.admin", None, &[("jb", TenantRole::SiteAdmin)])
        .await;
    let (_, session) = app.sign_in("vs.admin", zq_tests::PASSWORD).await;
    let cookie = session.unwrap();
    let page = app
        .get_with(
            "127.0.0.1",
            "/console/sites/jb/visits?days=7",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    for want in [
        "江北区人民政府访问统计",
        &format!("浏览量 <strong>{views}</strong> 次"),
        "www.baidu.com",
        "首页",
        &format!("href=\"/sites/jb{}\"", pages[2]),
    ] {
        assert!(page.body.contains(want), "{want} not on the page");
    }
    let bad = app
        .get_with(
            "127.0.0.1",
            "/console/sites/jb/visits?days=999",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("统计天数应在 1 到 366 之间"),
        "{}",
        bad.body
    );
    let refused = app
        .get_with("127.0.0.1", "/console/admin/visits", &[("cookie", &cookie)])
        .await;
    assert_eq!(refused.status, 403);
    app.account("vs.officer", Some(ClusterRole::ClusterAdmin), &[])
        .await;
    let (_, office_session) = app.sign_in("vs.officer", zq_tests::PASSWORD).await;
    let office_page = app
        .get_with(
            "127.0.0.1",
            "/console/admin/visits",
            &[("cookie", &office_session.unwrap())],
        )
        .await;
    assert_eq!(office_page.status, 200);
    assert!(
        office_page.body.contains("全部网站访问统计")
            && office_page.body.contains("/console/sites/jb/visits"),
        "{}",
        office_page.body
    );

    // Every response a site serves is counted beside its views, with the server errors among
    // them: while jb is suspended its pages answer 503, and the availability indicator reports
    // the week's served 5xx rate as evidence (1 % or more warns).
    let jb_id = app
        .store
        .tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let served = || async {
        let since = chrono::Utc::now() - chrono::Duration::days(1);
        let all = app.store.served_since(Some(jb_id), since).await.unwrap();
        all.get(&jb_id).copied().unwrap_or_default()
    };
    let mut responses = views as i64 + 5;
    let mut got = served().await;
    for _ in 0..50 {
        if got.responses == responses {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        got = served().await;
    }
    assert_eq!((got.responses, got.server_errors), (responses, 0));
    let status = |s: &'static str| serde_json::json!({ "status": s });
    let (s, e) = app
        .api(
            &office,
            "POST",
            "/api/v1/sites/jb/status",
            Some(status("suspended")),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    let mut errors = 0;
    for _ in 0..200 {
        let r = app.get_with(&jb, "/", &human).await;
        responses += 1;
        errors += i64::from(r.status == 503);
        if errors == 30 {
            break;
        }
    }
    assert_eq!(errors, 30, "a suspended site answers 503");
    let (s, e) = app
        .api(
            &office,
            "POST",
            "/api/v1/sites/jb/status",
            Some(status("active")),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    for _ in 0..50 {
        got = served().await;
        if got.responses == responses {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!((got.responses, got.server_errors), (responses, errors));
    let (_, report) = app
        .api(&editor, "GET", "/api/v1/sites/jb/inspection", None)
        .await;
    let availability = zq_tests::indicator(&report, "availability");
    let per_mille = errors * 1000 / responses;
    let line = availability["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["object"] == "served")
        .unwrap_or_else(|| panic!("no served evidence: {availability}"));
    assert_eq!(
        line["detail"],
        format!(
            "近 7 天 {responses} 次访问中 {errors} 次返回服务器错误（5xx，{}.{}%）",
            per_mille / 10,
            per_mille % 10
        )
    );
    assert!(
        matches!(availability["status"].as_str(), Some("warn" | "fail")),
        "{availability}"
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_generated_load_is_counted_exactly_and_visitors_estimated() {
    generated_load_is_counted_exactly_and_visitors_estimated(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_generated_load_is_counted_exactly_and_visitors_estimated() {
    generated_load_is_counted_exactly_and_visitors_estimated(Backend::Postgres).await;
}
