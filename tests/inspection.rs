//! The inspection indicators over HTTP on SQLite and PostgreSQL with a set clock: the demo
//! cluster's scorecard and its CSV for the office (refused to a site's account); a site that
//! publishes and is then left alone for three weeks fails the home-page veto with its stale columns as evidence, shown to
//! its admin on the console's start page; one article published through review clears the
//! veto, and the scorecard follows.

use serde_json::{Value, json};
use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{Backend, PASSWORD, Setup, TestApp, indicator};

fn beijing_morning(day: &str) -> chrono::DateTime<chrono::Utc> {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    zq_domain::time::beijing_midnight(d) + chrono::Duration::hours(9)
}

async fn report(app: &TestApp, secret: &str, code: &str) -> Value {
    let (s, r) = app
        .api(
            secret,
            "GET",
            &format!("/api/v1/sites/{code}/inspection"),
            None,
        )
        .await;
    assert_eq!(s, 200, "{r}");
    r
}

/// Publishes an article in jb's news column through review, over the API.
async fn publish(app: &TestApp, editor: &str, reviewer: &str, title: &str) {
    let news = app.news_column(editor, "jb").await["id"].clone();
    let (s, a) = app
        .api(
            editor,
            "POST",
            "/api/v1/sites/jb/articles",
            Some(json!({"column_id": news, "title": title, "body": "<p>会议部署冬季工作。</p>"})),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    let id = a["id"].as_i64().unwrap();
    let (s, _) = app
        .api(
            editor,
            "POST",
            &format!("/api/v1/sites/jb/articles/{id}/submit"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = app
        .api(
            reviewer,
            "POST",
            &format!("/api/v1/sites/jb/articles/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(s, 200);
}

async fn flow(backend: Backend) {
    let app = TestApp::setup(Setup {
        backend: Some(backend),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 3,
            seed: 7,
        }),
        clock: Some(beijing_morning("2026-11-02")),
        ..Default::default()
    })
    .await;
    let office = app
        .token("in.office", Some(ClusterRole::ClusterAdmin), None)
        .await;
    let editor = app
        .token("in.editor", None, Some(("jb", TenantRole::Editor)))
        .await;
    let reviewer = app
        .token("in.reviewer", None, Some(("jb", TenantRole::Reviewer)))
        .await;

    // The scorecard: every site, worst first, for the office only; the CSV for a spreadsheet.
    let (s, card) = app
        .api(&office, "GET", "/api/v1/inspection/scorecard", None)
        .await;
    assert_eq!(s, 200, "{card}");
    let items = card["items"].as_array().unwrap();
    assert!(items.len() >= 10, "{card}");
    let rank = |v: &Value| {
        (
            v["vetoes"].as_array().unwrap().len(),
            v["total"].as_i64().unwrap(),
        )
    };
    for pair in items.windows(2) {
        let (a, b) = (rank(&pair[0]), rank(&pair[1]));
        assert!(
            a.0 > b.0 || (a.0 == b.0 && a.1 <= b.1),
            "worst first: {pair:?}"
        );
    }
    // The portal's bonus (加分指标): its three measurable items with their evidence, added
    // only without a veto and from 80 points; the other sites have none.
    let www = report(&app, &office, "www").await;
    let bonus = &www["bonus"];
    let parts = bonus["items"].as_array().expect("the portal's bonus items");
    let codes: Vec<&str> = parts.iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["intensive", "coordination", "overall"], "{bonus}");
    // The demo hosts departments, districts and towns on the platform.
    assert_eq!(parts[0]["points"], 10, "{bonus}");
    let others: Vec<&Value> = items.iter().filter(|i| i["code"] != "www").collect();
    let passing = others.iter().filter(|i| i["passed"] == true).count();
    assert_eq!(
        parts[2]["value"],
        format!("{} 个网站中 {passing} 个合格", others.len()),
        "{bonus}"
    );
    let want_overall = if passing == others.len() {
        10
    } else if passing * 100 >= others.len() * 90 {
        5
    } else {
        0
    };
    assert_eq!(parts[2]["points"], want_overall, "{bonus}");
    let points = www["points"].as_i64().unwrap();
    let eligible = www["vetoes"].as_array().unwrap().is_empty() && points >= 80;
    assert_eq!(bonus["eligible"], eligible, "{www}");
    let added: i64 = parts.iter().map(|i| i["points"].as_i64().unwrap()).sum();
    assert_eq!(
        www["total"].as_i64().unwrap(),
        points + if eligible { added.min(30) } else { 0 },
        "{www}"
    );
    assert!(report(&app, &office, "jb").await["bonus"].is_null());
    // The demo's spread: two sites lose a point each for a dead link, found by the demo's
    // first link check with the article and the place.
    let linked: Vec<&str> = items
        .iter()
        .filter(|i| i["deductions"].to_string().contains("\"links\""))
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(linked.len(), 2, "{card}");
    assert!(
        linked.contains(&"mzj") && linked.contains(&"qs"),
        "{linked:?}"
    );
    let (_, qs) = app
        .api(&office, "GET", "/api/v1/sites/qs/inspection", None)
        .await;
    let links = zq_tests::indicator(&qs, "links");
    assert_eq!(links["evidence"][0]["what"], "/art/1.html", "{links}");
    assert!(
        links["evidence"][0]["detail"]
            .as_str()
            .unwrap()
            .ends_with("个链接“市政府常务会议通报”：文章不存在或已撤稿"),
        "{links}"
    );
    let (s, _) = app
        .api(&editor, "GET", "/api/v1/inspection/scorecard", None)
        .await;
    assert_eq!(s, 403);
    let csv = app
        .call(
            "GET",
            "127.0.0.1",
            "/api/v1/inspection/scorecard?format=csv",
            &[("authorization", &format!("Bearer {office}"))],
            "",
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.body.starts_with("\u{feff}站点代码,网站名称,结论,得分"),
        "{}",
        csv.body
    );
    assert_eq!(csv.body.lines().count(), items.len() + 1);
    // The same as an Excel workbook: read back with Python's zipfile, one row per site.
    let xlsx = app
        .call(
            "GET",
            "127.0.0.1",
            "/api/v1/inspection/scorecard?format=xlsx",
            &[("authorization", &format!("Bearer {office}"))],
            "",
        )
        .await;
    assert_eq!(xlsx.status, 200);
    assert_eq!(
        xlsx.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let file = std::env::temp_dir().join(format!("zq-scorecard-{}.xlsx", std::process::id()));
    std::fs::write(&file, &xlsx.bytes).unwrap();
    let read = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); s = z.read('xl/worksheets/sheet1.xml').decode(); t = z.read('xl/sharedStrings.xml').decode(); print(s.count('<row '), '站点代码' in t, '江北区' in t)",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    assert_eq!(
        String::from_utf8_lossy(&read.stdout).trim(),
        format!("{} True True", items.len() + 1),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );

    // Just after a publication jb's home page is current; every indicator names its rule.
    publish(&app, &editor, &reviewer, "江北区部署冬季森林防火工作").await;
    let fresh = report(&app, &editor, "jb").await;
    assert_eq!(indicator(&fresh, "home_stale")["status"], "pass", "{fresh}");
    assert_eq!(indicator(&fresh, "availability")["status"], "not_available");
    assert!(
        fresh["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| !i["rule"].as_str().unwrap().is_empty())
    );

    // Three weeks with nothing published: the home-page veto fails, news columns are evidence.
    app.store.clock().set(beijing_morning("2026-11-23"));
    let stale = report(&app, &editor, "jb").await;
    assert_eq!(stale["verdict"], "单项否决", "{stale}");
    assert_eq!(indicator(&stale, "home_stale")["status"], "fail");
    assert!(stale["vetoes"].to_string().contains("首页更新"), "{stale}");
    let columns = indicator(&stale, "columns_duty");
    assert_eq!(columns["status"], "fail", "{columns}");
    assert!(
        columns["evidence"][0]["object"]
            .as_str()
            .unwrap()
            .starts_with("column:"),
        "{columns}"
    );
    // The site's admin sees it first on the console's start page, with the evidence.
    app.account("in.admin", None, &[("jb", TenantRole::SiteAdmin)])
        .await;
    let (_, session) = app.sign_in("in.admin", PASSWORD).await;
    let cookie = session.unwrap();
    let home = app
        .get_with("127.0.0.1", "/console/", &[("cookie", &cookie)])
        .await;
    assert!(home.body.contains("网站检查预警"), "{}", home.body);
    assert!(
        home.body.contains("首页更新：21 天未更新（不达标）"),
        "{}",
        home.body
    );
    let page = app
        .get_with(
            "127.0.0.1",
            "/console/sites/jb/inspection",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("单项否决") && page.body.contains("/console/sites/jb/columns#column-")
    );

    // One article through review clears the veto.
    publish(&app, &editor, &reviewer, "江北区召开安全生产工作会议").await;
    let after = report(&app, &editor, "jb").await;
    assert_eq!(indicator(&after, "home_stale")["status"], "pass", "{after}");
    assert!(!after["vetoes"].to_string().contains("首页更新"), "{after}");
    let (_, card) = app
        .api(&office, "GET", "/api/v1/inspection/scorecard", None)
        .await;
    let jb = card["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "jb")
        .unwrap()
        .clone();
    assert!(!jb["vetoes"].to_string().contains("首页更新"), "{jb}");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_site_fails_the_home_page_veto_until_it_publishes_on_sqlite() {
    flow(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_site_fails_the_home_page_veto_until_it_publishes_on_postgres() {
    flow(Backend::Postgres).await;
}
