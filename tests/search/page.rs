//! The public search page and the API's answers: facet counts equal the counts of what the
//! test published; traditional characters find simplified text; the header's box on every
//! site; scope (本站 / 全部站群), order and paging; escaping; help when nothing is found;
//! refusals in Chinese.

use std::collections::BTreeMap;

use chrono::TimeZone;
use zq_domain::ArticleStatus;
use zq_tests::{Backend, TestApp, article, host, on_both_backends};

use super::{api, hit_titles, indexed, percent, q, strip_tags, within};

/// The titles a search page lists, in order.
fn page_titles(html: &str) -> Vec<String> {
    html.split("<h2><a href=\"")
        .skip(1)
        .filter_map(|s| {
            s.split_once("\">")
                .and_then(|(_, rest)| rest.split_once("</a></h2>"))
        })
        .map(|(title, _)| strip_tags(title))
        .collect()
}

on_both_backends! {
    async fn facet_counts_equal_the_counts_of_what_was_published(app: demo) {
        indexed(app).await;
        // (site, column, year): articles mentioning 翡翠岛.
        let plan = [
            ("jb", "翡翠甲栏", 2026), ("jb", "翡翠甲栏", 2026), ("jb", "翡翠乙栏", 2025),
            ("fgw", "翡翠丙栏", 2026), ("fgw", "翡翠丙栏", 2024), ("fgw", "翡翠丙栏", 2024),
            ("yx", "翡翠丁栏", 2025),
        ];
        let mut columns = BTreeMap::new();
        for (i, (site, name, year)) in plan.iter().enumerate() {
            let key = (site.to_string(), name.to_string());
            if !columns.contains_key(&key) {
                let slug = format!("fc{}", columns.len());
                columns.insert(key.clone(), app.new_list_column(site, &slug, name, None).await);
            }
            let mut a = article(&format!("翡翠岛生态报告第{}期", i + 1), ArticleStatus::Published);
            a.column_id = columns[&key];
            a.published_at = Some(chrono::Utc.with_ymd_and_hms(*year, 6, 1, 2, 0, 0).unwrap());
            app.create_article(app.tenant_id(site).await, a).await.unwrap();
        }
        assert!(within(std::time::Duration::from_secs(2), || async { api(app, &q("翡翠岛")).await["total"] == plan.len() }).await.is_some());

        let found = api(app, &q("翡翠岛")).await;
        let count = |f: &dyn Fn(&(&str, &str, i32)) -> bool| plan.iter().filter(|p| f(p)).count() as u64;
        for s in found["facets"]["sites"].as_array().unwrap() {
            let code = s["code"].as_str().unwrap();
            assert_eq!(s["count"].as_u64().unwrap(), count(&|p| p.0 == code), "site {code}");
        }
        assert_eq!(found["facets"]["sites"].as_array().unwrap().len(), 3);
        assert!(found["facets"]["columns"].as_array().unwrap().is_empty(), "columns are counted for one site");
        for site in ["jb", "fgw", "yx"] {
            let one = api(app, &format!("{}&site={site}", q("翡翠岛"))).await;
            let columns = one["facets"]["columns"].as_array().unwrap();
            assert!(!columns.is_empty(), "{one}");
            for c in columns {
                let name = c["name"].as_str().unwrap();
                assert_eq!(c["site"], site);
                assert_eq!(c["count"].as_u64().unwrap(), count(&|p| p.0 == site && p.1 == name), "column {site}/{name}");
            }
        }
        for y in found["facets"]["years"].as_array().unwrap() {
            let year = y["year"].as_i64().unwrap() as i32;
            assert_eq!(y["count"].as_u64().unwrap(), count(&|p| p.2 == year), "year {year}");
        }
        assert_eq!(found["facets"]["kinds"][0]["count"], plan.len());
        // Narrowed: by site, then by one of its columns; by year.
        let jb = api(app, &format!("{}&site=jb", q("翡翠岛"))).await;
        assert_eq!(jb["total"], 3);
        let col = api(app, &format!("{}&site=jb&column={}", q("翡翠岛"), percent("翡翠甲栏"))).await;
        assert_eq!(col["total"], 2);
        let y2024 = api(app, &format!("{}&year=2024", q("翡翠岛"))).await;
        assert_eq!(y2024["total"], 2);
        // Newest first when asked by date.
        let by_date = api(app, &format!("{}&sort=date&per_page=50", q("翡翠岛"))).await;
        let dates: Vec<&str> = by_date["hits"].as_array().unwrap().iter().map(|h| h["date"].as_str().unwrap()).collect();
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted);

        // The page shows the same counts.
        let page = app.get(&host("www"), &format!("/search?{}", q("翡翠岛"))).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("找到 <strong>7</strong> 条结果"), "{}", page.body);
        assert!(page.body.contains("2024年</a> <span class=\"count\">(2)</span>"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traditional_characters_find_simplified_text() {
    let app = TestApp::demo(Backend::Sqlite).await;
    indexed(&app).await;
    let simplified = api(&app, &q("养老服务")).await;
    let traditional = api(&app, &q("養老服務")).await;
    assert!(simplified["total"].as_u64().unwrap() > 0);
    assert_eq!(traditional["total"], simplified["total"]);
    assert_eq!(hit_titles(&traditional), hit_titles(&simplified));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_page_keeps_its_scope_escapes_what_it_shows_and_helps_when_nothing_is_found() {
    let app = TestApp::demo(Backend::Sqlite).await;
    indexed(&app).await;
    // Every site's header carries the box, leading to its own search page.
    let home = app.get(&host("jb"), "/").await;
    assert!(
        home.body
            .contains("<form class=\"site-search\" role=\"search\" action=\"/search\""),
        "{}",
        home.body
    );
    assert!(home.body.contains("placeholder=\"搜索本站\""));
    let portal = app.get(&host("www"), "/").await;
    assert!(portal.body.contains("placeholder=\"搜索全部站群\""));

    // A subsite searches itself by default; 全部站群 widens it.
    let here = app
        .get(&host("jb"), &format!("/search?{}", q("养老")))
        .await;
    assert_eq!(
        (here.status, here.header("cache-control")),
        (200, Some("public, max-age=30"))
    );
    let here_total = api(&app, &format!("{}&site=jb", q("养老"))).await["total"]
        .as_u64()
        .unwrap();
    assert!(
        here.body
            .contains(&format!("找到 <strong>{here_total}</strong> 条结果"))
    );
    assert!(
        here.body
            .contains("<span aria-current=\"true\">本站</span>")
    );
    let all = app
        .get(&host("jb"), &format!("/search?{}&scope=all", q("养老")))
        .await;
    let all_total = api(&app, &q("养老")).await["total"].as_u64().unwrap();
    assert!(all_total > here_total);
    assert!(
        all.body
            .contains(&format!("找到 <strong>{all_total}</strong> 条结果"))
    );
    assert!(
        all.body.contains("<h2>站点</h2>"),
        "the whole cluster offers the site facet"
    );
    // Paging: ten a page, the second page continues the first.
    let first = page_titles(&all.body);
    assert_eq!(first.len(), 10);
    let second = app
        .get(
            &host("jb"),
            &format!("/search?{}&scope=all&page=2", q("养老")),
        )
        .await;
    let second = page_titles(&second.body);
    assert!(!second.is_empty() && second.iter().all(|t| !first.contains(t)));
    // The alias answers too.
    let alias = app
        .get(&host("www"), &format!("/sites/jb/search?{}", q("养老")))
        .await;
    assert!(
        alias
            .body
            .contains(&format!("找到 <strong>{here_total}</strong> 条结果"))
    );

    // What the reader typed is shown escaped; the question is not read as syntax.
    let nasty = "<script>alert(1)</script>\"养老";
    let r = app
        .get(&host("www"), &format!("/search?{}", q(nasty)))
        .await;
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("<script>alert"), "escaped");
    assert!(r.body.contains("&lt;script&gt;"));

    // Nothing found: help, and the whole cluster offered from a subsite.
    let none = app
        .get(&host("jb"), &format!("/search?{}", q("量子纠缠望远镜")))
        .await;
    assert_eq!(none.status, 200);
    assert!(none.body.contains("没有找到与“量子纠缠望远镜”相关的内容"));
    assert!(none.body.contains("在全部站群中搜索"));
    let unit = app
        .get(
            &host("www"),
            &format!("/search?{}", q("民政补贴申领流程咨询")),
        )
        .await;
    if unit.body.contains("没有找到") {
        assert!(unit.body.contains("可能相关的单位"), "a unit is suggested");
    }

    // A mistyped word (营消环境 for 营商环境): the index's own words suggest the question that finds
    // something, on the page and in the API; a question with nothing near gets no suggestion.
    let typo = app
        .get(&host("www"), &format!("/search?{}", q("营消环境")))
        .await;
    assert_eq!(typo.status, 200);
    assert!(
        typo.body.contains("您是不是要找：<a href=\"") && typo.body.contains(">营商环境</a>"),
        "{}",
        typo.body
    );
    let api_typo = super::api(&app, &q("营消环境")).await;
    assert_eq!(api_typo["total"], 0);
    assert_eq!(api_typo["suggestion"], "营商环境");
    assert!(
        super::api(&app, &q("营商环境")).await["total"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(super::api(&app, &q("量子纠缠望远镜")).await["suggestion"].is_null());
    assert!(!none.body.contains("您是不是要找"));

    // Too long a question: a Chinese refusal, not a 500.
    let long = "养".repeat(101);
    let r = app
        .get(&host("www"), &format!("/search?{}", q(&long)))
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("搜索词过长"));
    let r = app
        .get(&host("www"), &format!("/api/v1/search?{}", q(&long)))
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("搜索词过长"));
    // Bad API parameters: 400 in Chinese; an unknown site: 404.
    let r = app.get(&host("www"), "/api/v1/search?q=a&page=0").await;
    assert_eq!(r.status, 422);
    let r = app.get(&host("www"), "/api/v1/search?q=a&page=x").await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = app
        .get(&host("www"), "/api/v1/search?q=a&site=nosuch")
        .await;
    assert_eq!(r.status, 404);
    // Nonsense parameters on the page are ignored, not refused.
    let r = app
        .get(
            &host("www"),
            &format!("/search?{}&page=abc&year=x&scope=zz", q("养老")),
        )
        .await;
    assert_eq!(r.status, 200);
    // An empty question shows only the form.
    let r = app.get(&host("www"), "/search").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("id=\"q-page\"") && !r.body.contains("条结果"));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_questions_from_one_client_are_refused_with_retry_after() {
    let app = TestApp::setup(zq_tests::Setup {
        demo: Some(zq_tests::DemoOptions {
            news_articles: 8,
            seed: 7,
        }),
        env: vec![("ZQ_SEARCH__PER_MINUTE".into(), "3".into())],
        ..zq_tests::Setup::default()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(
            app.get(&host("www"), &format!("/search?{}", q("养老")))
                .await
                .status,
            200
        );
    }
    let r = app
        .get(&host("www"), &format!("/search?{}", q("养老")))
        .await;
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").is_some());
    assert!(r.body.contains("搜索过于频繁"));
    let r = app
        .get(&host("www"), &format!("/api/v1/search?{}", q("养老")))
        .await;
    assert_eq!(r.status, 429);
    assert!(r.body.contains("搜索过于频繁"));
    // The page without a question is not counted.
    assert_eq!(app.get(&host("www"), "/search").await.status, 200);
    app.finish().await;
}
