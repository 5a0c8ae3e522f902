//! The public site over HTTP: tenants by Host header and alias, statuses, pages, feeds.

use zq_domain::{ArticleStatus, TenantCode, TenantStatus};
use zq_tests::{TestApp, host, on_both_backends};

fn demo_codes() -> Vec<(String, String)> {
    let def = zhanqun::demo::definition().expect("demo definition");
    def.tenants.into_iter().map(|t| (t.code, t.name)).collect()
}

/// Pulls the first `href` after `marker` out of a page.
fn href_after(body: &str, marker: &str) -> String {
    let from = body
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} not in page"));
    let rest = &body[from..];
    let start = rest.find("href=\"").expect("href") + 6;
    let end = rest[start..].find('"').expect("closing quote");
    rest[start..start + end].to_owned()
}

async fn column_id(
    app: &TestApp,
    code: &str,
    slug: &str,
) -> (zq_domain::TenantId, zq_domain::ColumnId) {
    app.column(code, slug).await
}

fn article(
    column: zq_domain::ColumnId,
    title: &str,
    status: ArticleStatus,
) -> zq_tests::NewArticle {
    zq_tests::NewArticle {
        column_id: column,
        ..zq_tests::article(title, status)
    }
}

on_both_backends! {
    async fn every_demo_tenant_home_names_its_unit_and_links_to_the_portal(app: demo) {
        let codes = demo_codes();
        assert!(codes.len() >= 35, "demo has {} tenants", codes.len());
        let port = app.addr.port();
        for (code, name) in codes {
            let r = app.get(&format!("{}:{port}", host(&code)), "/").await;
            assert_eq!(r.status, 200, "{code}");
            assert!(r.body.contains(&name), "{code} home names {name}");
            assert!(r.body.contains("lang=\"zh-CN\""), "{code}");
            let portal = href_after(&r.body, "class=\"portal\"");
            assert_eq!(portal, format!("//www.haichuan.localhost:{port}/"), "{code} links to the portal");
            assert!(r.body.contains("更新日期"), "{code} shows its last-updated date");
            assert!(r.body.contains("网站标识码"), "{code} shows its site identification code");
            assert!(r.body.contains("主办单位"), "{code} shows its sponsor");
        }
    }

    async fn the_alias_path_reaches_any_tenant_from_any_host(app: demo) {
        for h in ["www.haichuan.localhost", "fgw.haichuan.localhost", "127.0.0.1"] {
            let r = app.get(h, "/sites/jb-hbjd/").await;
            assert_eq!(r.status, 200, "via {h}");
            assert!(r.body.contains("江北区和平街道办事处"));
            assert!(r.body.contains("href=\"/sites/jb-hbjd/col/gzdt/\""), "links stay under the alias");
            assert_eq!(href_after(&r.body, "class=\"portal\""), "/sites/www/");
        }
        let r = app.get("127.0.0.1", "/sites/fgw").await;
        assert_eq!(r.status, 301);
        assert_eq!(r.header("location"), Some("/sites/fgw/"));
        let r = app.get("127.0.0.1", "/sites/fgw/col/gzdt/").await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("工作动态"));
        let r = app.get("127.0.0.1", "/sites/nosuch/").await;
        assert_eq!(r.status, 404);
    }

    async fn host_matching_ignores_case_port_and_trailing_dot(app: demo) {
        for h in ["FGW.HaiChuan.LocalHost", "fgw.haichuan.localhost.", "fgw.haichuan.localhost:8080", "fgw.haichuan.localhost.:80"] {
            let r = app.get(h, "/").await;
            assert_eq!(r.status, 200, "{h}");
            assert!(r.body.contains("海川市发展和改革委员会"), "{h}");
        }
    }

    async fn an_unknown_host_answers_404_with_a_link_to_the_portal(app: demo) {
        let r = app.get("nosuch.example.org", "/").await;
        assert_eq!(r.status, 404);
        assert!(r.body.contains("页面不存在"));
        assert!(r.body.contains("href=\"//www.haichuan.localhost/\""), "{}", r.body);
        assert!(r.body.contains("中国海川"));
    }

    async fn a_suspended_tenant_answers_503_with_retry_after(app: demo) {
        app.store.set_tenant_status(&TenantCode::parse("jn").unwrap(), TenantStatus::Suspended, &zq_store::Who::system()).await.unwrap();
        app.reload().await;
        for path in ["/", "/col/qxyw/", "/sitemap.xml"] {
            let r = app.get(&host("jn"), path).await;
            assert_eq!(r.status, 503, "{path}");
            assert_eq!(r.header("retry-after"), Some("3600"));
            assert!(r.body.contains("维护"), "maintenance page");
        }
        let r = app.get("127.0.0.1", "/sites/jn/").await;
        assert_eq!(r.status, 503, "the alias is suspended too");
        app.store.set_tenant_status(&TenantCode::parse("jn").unwrap(), TenantStatus::Active, &zq_store::Who::system()).await.unwrap();
        app.reload().await;
        assert_eq!(app.get(&host("jn"), "/").await.status, 200, "resumed");
    }

    async fn an_archived_tenant_answers_410(app: demo) {
        app.store.set_tenant_status(&TenantCode::parse("lhsrj").unwrap(), TenantStatus::Archived, &zq_store::Who::system()).await.unwrap();
        app.reload().await;
        let r = app.get(&host("lhsrj"), "/").await;
        assert_eq!(r.status, 410);
        assert!(r.body.contains("已关闭"));
        assert_eq!(app.get(&host("lhsrj"), "/col/gzdt/").await.status, 410);
        let again = app.store.set_tenant_status(&TenantCode::parse("lhsrj").unwrap(), TenantStatus::Active, &zq_store::Who::system()).await;
        assert!(again.is_err(), "archived is final");
    }

    async fn a_draft_article_is_404_until_published(app: demo) {
        let (tenant, col) = column_id(app, "mzj", "gzdt").await;
        let id = app.create_article(tenant, article(col, "民政局草稿测试文章", ArticleStatus::Draft)).await.unwrap();
        let path = format!("/art/{id}.html");
        assert_eq!(app.get(&host("mzj"), &path).await.status, 404);
        let list = app.get(&host("mzj"), "/col/gzdt/").await;
        assert!(!list.body.contains("民政局草稿测试文章"), "drafts are not listed");
        app.publish_article(tenant, id).await.unwrap();
        let r = app.get(&host("mzj"), &path).await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("民政局草稿测试文章"));
        let list = app.get(&host("mzj"), "/col/gzdt/").await;
        assert!(list.body.contains("民政局草稿测试文章"), "published articles are listed first");
        app.withdraw_article(tenant, id).await.unwrap();
        assert_eq!(app.get(&host("mzj"), &path).await.status, 404, "withdrawn is gone again");
    }

    async fn an_article_of_another_tenant_is_404_on_this_host(app: demo) {
        let (tenant, col) = column_id(app, "mzj", "gzdt").await;
        let id = app.create_article(tenant, article(col, "只属于民政局", ArticleStatus::Published)).await.unwrap();
        assert_eq!(app.get(&host("mzj"), &format!("/art/{id}.html")).await.status, 200);
        assert_eq!(app.get(&host("sfj"), &format!("/art/{id}.html")).await.status, 404);
        assert_eq!(app.get("127.0.0.1", &format!("/sites/sfj/art/{id}.html")).await.status, 404);
    }

    async fn column_lists_paginate_with_stable_urls(app: demo) {
        // Page size is 5 in tests; the news column has 8 seeded articles plus ours.
        let (tenant, col) = column_id(app, "jw", "gzdt").await;
        for i in 0..4 {
            app.create_article(tenant, article(col, &format!("分页测试{i}"), ArticleStatus::Published)).await.unwrap();
        }
        let p1 = app.get(&host("jw"), "/col/gzdt/").await;
        assert_eq!(p1.status, 200);
        assert!(p1.body.contains("共 12 条，3 页"), "{}", p1.body);
        assert!(p1.body.contains("href=\"/col/gzdt/page/2/\""));
        let p2 = app.get(&host("jw"), "/col/gzdt/page/2/").await;
        assert_eq!(p2.status, 200);
        assert!(p2.body.contains("rel=\"prev\" href=\"/col/gzdt/\""));
        let p3 = app.get(&host("jw"), "/col/gzdt/page/3/").await;
        assert_eq!(p3.status, 200);
        assert_eq!(p3.body.matches("<li><a href=\"/art/").count(), 2, "last page holds the rest");
        assert_eq!(app.get(&host("jw"), "/col/gzdt/page/4/").await.status, 404);
        assert_eq!(app.get(&host("jw"), "/col/gzdt/page/0/").await.status, 404);
        assert_eq!(app.get(&host("jw"), "/col/gzdt/page/99999999999/").await.status, 404);
        let r = app.get(&host("jw"), "/col/gzdt/page/1/").await;
        assert_eq!((r.status, r.header("location")), (301, Some("/col/gzdt/")));
        // Titles on page 1 are the newest.
        assert!(p1.body.contains("分页测试3"));
    }

    async fn sitemap_and_atom_are_xml_listing_only_published_items(app: demo) {
        let (tenant, col) = column_id(app, "czj", "gzdt").await;
        let draft = app.create_article(tenant, article(col, "财政草稿不公开", ArticleStatus::Draft)).await.unwrap();
        let published = app.create_article(tenant, article(col, "财政公开 & <发布>", ArticleStatus::Published)).await.unwrap();

        let r = app.get(&host("czj"), "/sitemap.xml").await;
        assert_eq!(r.status, 200);
        assert!(r.header("content-type").unwrap().contains("xml"));
        let doc = roxmltree::Document::parse(&r.body).expect("sitemap.xml parses");
        let locs: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("loc")).filter_map(|n| n.text()).collect();
        assert!(locs.iter().any(|l| l.ends_with(&format!("/art/{published}.html"))));
        assert!(!locs.iter().any(|l| l.ends_with(&format!("/art/{draft}.html"))));
        assert!(locs.iter().all(|l| l.starts_with("http://czj.haichuan.localhost/")), "absolute URLs on the tenant's host");

        let r = app.get(&host("czj"), "/col/gzdt/atom.xml").await;
        assert_eq!(r.status, 200);
        assert!(r.header("content-type").unwrap().starts_with("application/atom+xml"));
        let doc = roxmltree::Document::parse(&r.body).expect("atom parses");
        let titles: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("entry"))
            .flat_map(|e| e.children().filter(|c| c.has_tag_name("title")).filter_map(|c| c.text()))
            .collect();
        assert!(titles.contains(&"财政公开 & <发布>"), "{titles:?}");
        assert!(!titles.contains(&"财政草稿不公开"));
        assert_eq!(app.get(&host("czj"), "/col/nosuch/atom.xml").await.status, 404);
    }

    async fn a_script_in_a_title_is_escaped_and_scripts_in_bodies_are_removed(app: demo) {
        let (tenant, col) = column_id(app, "gaj", "gzdt").await;
        let mut a = article(col, "<script>alert('x')</script>公告", ArticleStatus::Published);
        a.body = "<p onclick=\"steal()\">正文</p><script>alert(1)</script><a href=\"javascript:alert(2)\">链接</a>".into();
        let id = app.create_article(tenant, a).await.unwrap();
        for path in [format!("/art/{id}.html"), "/col/gzdt/".to_owned(), "/".to_owned()] {
            let r = app.get(&host("gaj"), &path).await;
            assert_eq!(r.status, 200);
            assert!(!r.body.contains("<script>"), "{path}");
            assert!(r.body.contains("&lt;script&gt;"), "{path} shows the title escaped");
        }
        let r = app.get(&host("gaj"), &format!("/art/{id}.html")).await;
        assert!(!r.body.contains("onclick") && !r.body.contains("javascript:"), "body sanitized");
        assert!(r.header("content-security-policy").is_some());
    }

    async fn the_portal_home_aggregates_department_and_district_news(app: demo) {
        let (tenant, col) = column_id(app, "tjj", "gzdt").await;
        app.create_article(tenant, article(col, "统计局最新动态聚合测试", ArticleStatus::Published)).await.unwrap();
        let (tenant, col) = column_id(app, "qs", "qxyw").await;
        app.create_article(tenant, article(col, "青山区最新要闻聚合测试", ArticleStatus::Published)).await.unwrap();
        let r = app.get(&host("www"), "/").await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("部门动态") && r.body.contains("区县动态"));
        assert!(r.body.contains("统计局最新动态聚合测试"));
        assert!(r.body.contains("青山区最新要闻聚合测试"));
        assert!(r.body.contains("//qs.haichuan.localhost/art/"), "links go to the district's own site");
    }

    async fn single_pages_and_the_html_site_map_render(app: demo) {
        let r = app.get(&host("fgw"), "/col/jgzn/").await;
        assert_eq!(r.status, 200, "a single-page column shows its page");
        assert!(r.body.contains("机构职能"));
        let r = app.get(&host("fgw"), "/sitemap.html").await;
        assert_eq!(r.status, 200);
        for name in ["工作动态", "政策法规", "政策文件", "机构职能"] {
            assert!(r.body.contains(name), "site map lists {name}");
        }
        assert_eq!(app.get(&host("fgw"), "/col/jgzn/page/2/").await.status, 404);
    }

    async fn static_assets_are_fingerprinted_and_cached_for_a_year(app: demo) {
        let home = app.get(&host("www"), "/").await;
        let css = href_after(&home.body, "rel=\"stylesheet\"");
        assert!(css.starts_with("/static/style.") && css.ends_with(".css"), "{css}");
        let r = app.get(&host("www"), &css).await;
        assert_eq!(r.status, 200);
        assert!(r.header("cache-control").unwrap().contains("max-age=31536000"));
        assert!(r.header("content-type").unwrap().starts_with("text/css"));
        assert_eq!(app.get(&host("www"), "/static/style.css").await.status, 404);
    }

    async fn health_and_readiness_answer(app: empty) {
        let r = app.get("anything.example", "/healthz").await;
        assert_eq!(r.status, 200);
        let r = app.get("127.0.0.1", "/readyz").await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains(match app.backend { zq_tests::Backend::Sqlite => "sqlite", zq_tests::Backend::Postgres => "postgres" }));
    }
}
