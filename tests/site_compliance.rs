//! The compliance kit of the public pages over HTTP on SQLite and PostgreSQL (issue 14's first
//! part): every footer carries the record numbers with their verification links (a subsite
//! shows the portal's), the 党政机关网站标识 where set, the 找错 entry and the links to 中国政府网,
//! the provincial portal, the city portal and the site above; every page kind carries the page
//! metadata of the national design rules; robots.txt, the favicon, compressed static files,
//! 更新日期 on the site map and error pages. A site admin's change of the records shows on the
//! next request, a malformed record number is a Chinese 422, and the inspection's
//! footer-elements indicator follows the records.

use serde_json::{Value, json};
use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{TestApp, host, on_both_backends};

/// The `content` of `<meta name="{name}">` in a page.
fn meta<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!("<meta name=\"{name}\" content=\"");
    let at = body.find(&marker)? + marker.len();
    Some(&body[at..at + body[at..].find('"')?])
}

/// The footer of a page.
fn footer(body: &str) -> &str {
    let at = body.find("<footer class=\"site\">").expect("a footer");
    &body[at..]
}

async fn first_published(app: &TestApp, secret: &str, code: &str) -> i64 {
    let (s, arts) = app
        .api(
            secret,
            "GET",
            &format!("/api/v1/sites/{code}/articles?state=published&limit=1"),
            None,
        )
        .await;
    assert_eq!(s, 200, "{arts}");
    arts["items"][0]["id"]
        .as_i64()
        .expect("a published article")
}

const SITE_FIELDS: [&str; 7] = [
    "SiteName",
    "SiteDomain",
    "SiteIDCode",
    "ColumnName",
    "ColumnDescription",
    "ColumnKeywords",
    "ColumnType",
];

on_both_backends! {
    async fn every_footer_carries_the_records_the_mark_and_the_government_links(app: demo) {
        let port = app.addr.port();
        // The portal's own records, its mark, the provincial portal and 中国政府网.
        let www = app.get(&format!("{}:{port}", host("www")), "/").await;
        let f = footer(&www.body);
        assert!(f.contains(">浙ICP备20260001号-1</a>"), "{f}");
        assert!(f.contains("href=\"https://beian.miit.gov.cn/\""), "{f}");
        assert!(
            f.contains("href=\"https://beian.mps.gov.cn/#/query/webSearch?code=33010202000001\""),
            "{f}"
        );
        assert!(f.contains("alt=\"党政机关网站标识\""), "{f}");
        assert!(f.contains("https://bszs.conac.cn/sitename?method=show&amp;id=DEMO"), "{f}");
        assert!(f.contains("href=\"https://www.gov.cn/\" rel=\"noopener\">中国政府网</a>"), "{f}");
        assert!(f.contains("href=\"https://www.zj.gov.cn/\" rel=\"noopener\">浙江省人民政府</a>"), "{f}");
        assert!(f.contains(">我为政府网站找错</a>"), "{f}");
        assert!(f.contains("href=\"/forms/error\""), "{f}");
        assert!(f.contains("href=\"#contact\">联系我们</a>") && f.contains("id=\"contact\""), "{f}");
        // The contact line is not labelled twice ("联系方式：地址：…").
        assert!(f.contains("<p id=\"contact\">地址：海川市"), "{f}");
        assert!(!f.contains("联系方式：地址"), "{f}");

        // A town: the portal's record numbers, its own mark, links to the portal and its district.
        let town = app.get(&format!("{}:{port}", host("jb-xhz")), "/").await;
        let f = footer(&town.body);
        assert!(f.contains(">浙ICP备20260001号-1</a>"), "a subsite shows the portal's ICP: {f}");
        assert!(f.contains("浙公网安备 33010202000001号"), "{f}");
        assert!(f.contains("alt=\"党政机关网站标识\""), "{f}");
        assert!(f.contains(&format!("href=\"//www.haichuan.localhost:{port}/\">中国海川</a>")), "{f}");
        assert!(f.contains(&format!("href=\"//jb.haichuan.localhost:{port}/\">海川市江北区人民政府</a>")), "{f}");
        assert!(f.contains("浙江省人民政府"), "the portal's superior link is on every site: {f}");

        // qs has no mark yet: no image, and its footer-elements indicator warns with the evidence.
        let qs = app.get(&format!("{}:{port}", host("qs")), "/").await;
        assert!(!footer(&qs.body).contains("党政机关网站标识"), "{}", footer(&qs.body));
        let office = app.token("cp.office", Some(ClusterRole::ClusterAdmin), None).await;
        let (_, report) = app.api(&office, "GET", "/api/v1/sites/qs/inspection", None).await;
        let elements = zq_tests::indicator(&report, "elements");
        assert_eq!(elements["status"], "warn", "{elements}");
        assert_eq!(elements["evidence"][0]["what"], "党政机关网站标识", "{elements}");
        let (_, report) = app.api(&office, "GET", "/api/v1/sites/jb/inspection", None).await;
        assert_eq!(zq_tests::indicator(&report, "elements")["status"], "pass", "{report}");
    }

    async fn every_page_kind_carries_the_metadata_of_the_design_rules(app: demo) {
        let port = app.addr.port();
        let editor = app.token("cp.editor", None, Some(("mzj", TenantRole::Editor))).await;
        let article = first_published(app, &editor, "mzj").await;
        let news = app.news_column(&editor, "mzj").await["slug"].as_str().unwrap().to_owned();
        let mzj = format!("{}:{port}", host("mzj"));
        let art_path = format!("/art/{article}.html");
        let col_path = format!("/col/{news}/");
        for path in ["/", col_path.as_str(), art_path.as_str(), "/sitemap.html", "/hudong/", "/forms/letter"] {
            let r = app.get(&mzj, path).await;
            assert_eq!(r.status, 200, "{path}");
            for name in SITE_FIELDS.iter().chain(&["Keywords", "Description", "Url"]) {
                assert!(meta(&r.body, name).is_some_and(|c| !c.is_empty()), "{path} lacks {name}");
            }
            assert_eq!(meta(&r.body, "SiteName"), Some("海川市民政局"), "{path}");
            assert_eq!(meta(&r.body, "SiteDomain"), Some("mzj.haichuan.localhost"), "{path}");
            let url = format!("http://mzj.haichuan.localhost:{port}{path}");
            assert_eq!(meta(&r.body, "Url"), Some(url.as_str()), "{path}");
            let is_article = path == art_path;
            for name in ["ArticleTitle", "PubDate"] {
                assert_eq!(meta(&r.body, name).is_some(), is_article, "{path}: {name}");
            }
        }
        let r = app.get(&mzj, &art_path).await;
        let pub_date = meta(&r.body, "PubDate").unwrap();
        assert_eq!(pub_date.len(), "2026-11-02 09:30".len(), "{pub_date}");
        let title = meta(&r.body, "ArticleTitle").unwrap();
        assert!(r.body.contains(&format!("<h1>{title}</h1>")) || r.body.contains(title), "{title}");
        // The alias carries the same canonical URL as the site's own host.
        let alias = app.get(&format!("127.0.0.1:{port}"), &format!("/sites/mzj{art_path}")).await;
        assert_eq!(meta(&alias.body, "Url"), meta(&r.body, "Url"));
        // The column page names its column and its category.
        let c = app.get(&mzj, &col_path).await;
        assert!(meta(&c.body, "ColumnName").is_some_and(|n| c.body.contains(&format!("<h1>{n}</h1>"))), "column name");
    }

    async fn robots_favicon_compressed_assets_and_dates_on_every_page_kind(app: demo) {
        let port = app.addr.port();
        let jb = format!("{}:{port}", host("jb"));
        let robots = app.get(&jb, "/robots.txt").await;
        assert_eq!(robots.status, 200);
        assert!(robots.header("content-type").unwrap().starts_with("text/plain"));
        assert!(robots.body.contains("User-agent: *"), "{}", robots.body);
        assert!(robots.body.contains("Disallow: /forms/"), "{}", robots.body);
        assert!(
            robots.body.contains(&format!("Sitemap: http://jb.haichuan.localhost:{port}/sitemap.xml")),
            "{}",
            robots.body
        );
        let icon = app.get(&jb, "/favicon.ico").await;
        assert_eq!(icon.status, 302);
        let to = icon.header("location").unwrap().to_owned();
        assert!(to.starts_with("/static/logo.") && to.ends_with(".svg"), "{to}");
        let home = app.get(&jb, "/").await;
        assert!(home.body.contains(&format!("<link rel=\"icon\" href=\"{to}\">")), "the page names the same icon");

        // The stylesheet is sent compressed to a client that accepts it, and revalidates.
        let at = home.body.find("/static/style.").unwrap();
        let css = &home.body[at..at + home.body[at..].find('"').unwrap()];
        let plain = app.get(&jb, css).await;
        let br = app.get_with(&jb, css, &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(br.header("content-encoding"), Some("br"));
        assert!(br.bytes.len() * 3 < plain.bytes.len(), "{} vs {}", br.bytes.len(), plain.bytes.len());
        let gz = app.get_with(&jb, css, &[("accept-encoding", "gzip")]).await;
        assert_eq!(gz.header("content-encoding"), Some("gzip"));
        assert_eq!(gz.header("vary"), Some("Accept-Encoding"));
        let etag = plain.header("etag").unwrap().to_owned();
        let again = app.get_with(&jb, css, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, 304);

        // 更新日期 on the site map and on an error page too.
        for (path, status) in [("/sitemap.html", 200), ("/col/no-such-column/", 404)] {
            let r = app.get(&jb, path).await;
            assert_eq!(r.status, status, "{path}");
            assert!(r.body.contains("更新日期：<time datetime=\"20"), "{path} shows 更新日期");
        }
    }

    async fn a_site_admins_records_show_at_once_and_malformed_ones_are_refused(app: demo) {
        let port = app.addr.port();
        let admin = app.token("cp.admin", None, Some(("fgw", TenantRole::SiteAdmin))).await;
        let (s, site) = app.api(&admin, "GET", "/api/v1/sites/fgw", None).await;
        assert_eq!(s, 200, "{site}");
        let fgw = format!("{}:{port}", host("fgw"));
        // Warm the cache, then change the records.
        assert!(app.get(&fgw, "/").await.body.contains("浙ICP备20260001号-1"));
        let mut settings = json!({
            "name": site["name"], "sponsor": site["sponsor"], "site_id": site["site_id"],
            "contact": site["contact"],
            "records": {"icp": "浙ICP备20269999号", "police": "浙公网安备   33010202009999号", "conac_id": "FGW0001"},
        });
        let (s, saved) = app.api(&admin, "PUT", "/api/v1/sites/fgw/settings", Some(settings.clone())).await;
        assert_eq!(s, 200, "{saved}");
        assert_eq!(saved["records"]["police"], "浙公网安备 33010202009999号", "spaces collapsed: {saved}");
        let f = app.get(&fgw, "/").await;
        let f = footer(&f.body);
        assert!(f.contains(">浙ICP备20269999号</a>"), "its own ICP replaces the portal's: {f}");
        assert!(f.contains("code=33010202009999"), "{f}");
        assert!(f.contains("id=FGW0001"), "{f}");

        for (field, value, says) in [
            ("icp", "备案中", "ICP 备案号"),
            ("police", "浙公网安备 123号", "公安机关备案号"),
            ("conac_id", "a b", "党政机关网站标识"),
        ] {
            settings["records"][field] = Value::from(value);
            let (s, err) = app.api(&admin, "PUT", "/api/v1/sites/fgw/settings", Some(settings.clone())).await;
            assert_eq!(s, 422, "{field}: {err}");
            assert!(err["message"].as_str().unwrap().contains(says), "{field}: {err}");
            settings["records"][field] = Value::Null;
        }
        // Nothing of the refused changes was kept.
        let (_, now) = app.api(&admin, "GET", "/api/v1/sites/fgw", None).await;
        assert_eq!(now["records"]["icp"], "浙ICP备20269999号", "{now}");
    }

    async fn the_cluster_directory_lists_every_open_site_and_subsites_link_their_parent(app: demo) {
        let port = app.addr.port();
        let www = format!("{}:{port}", host("www"));
        let dir = app.get(&www, "/zhanqun/").await;
        assert_eq!(dir.status, 200);
        let body = &dir.body;
        for (anchor, heading) in [("department", "部门网站"), ("district", "区县网站"), ("town", "乡镇（街道）网站")] {
            assert!(body.contains(&format!("<h2 id=\"{anchor}\">{heading}</h2>")), "{heading}");
        }
        let dept = body.find("id=\"department\"").unwrap();
        let district = body.find("id=\"district\"").unwrap();
        let town = body.find("id=\"town\"").unwrap();
        let fgw = body.find("海川市发展和改革委员会").unwrap();
        assert!(dept < fgw && fgw < district, "a department under 部门网站");
        let jb_entry = body[district..town].find("海川市江北区人民政府").expect("jb under 区县网站");
        assert!(body[district + jb_entry..town].contains("下设"), "a district says it has towns");
        let towns = &body[town..];
        let jb_head = towns.find("<h3>海川市江北区人民政府</h3>").expect("towns grouped by district");
        assert!(towns[jb_head..].contains(&format!("href=\"//jb-xhz.haichuan.localhost:{port}/\">江北区新河镇人民政府</a>")), "{towns}");
        assert!(app.get(&www, "/").await.body.contains("href=\"/zhanqun/#town\">乡镇（街道）网站</a>"), "the portal's home links the directory");

        // A town links to its district in the header, the breadcrumb and the footer.
        let xhz = format!("{}:{port}", host("jb-xhz"));
        let site_map = app.get(&xhz, "/sitemap.html").await;
        let jb_link = format!("href=\"//jb.haichuan.localhost:{port}/\"");
        let header = &site_map.body[..site_map.body.find("</header>").unwrap()];
        assert!(header.contains(&format!("{jb_link}>返回海川市江北区人民政府</a>")), "{header}");
        let crumbs = &site_map.body[site_map.body.find("class=\"crumbs\"").unwrap()..site_map.body.find("<main").unwrap()];
        assert!(crumbs.contains(&format!("{jb_link}>海川市江北区人民政府</a>")), "{crumbs}");
        assert!(footer(&site_map.body).contains(&jb_link), "the footer links the district");

        // A new site shows in every site's directory at once; a suspended one leaves it.
        let office = app.token("cp.dir.office", Some(ClusterRole::ClusterAdmin), None).await;
        let cached = app.get(&xhz, "/zhanqun/").await;
        assert!(!cached.body.contains("海川市档案馆"));
        let (s, t) = app
            .api(&office, "POST", "/api/v1/sites", Some(json!({
                "code": "daj", "kind": "department", "name": "海川市档案馆", "sponsor": "海川市档案馆", "parent": "www",
                "hosts": ["daj.haichuan.localhost"],
            })))
            .await;
        assert_eq!(s, 201, "{t}");
        assert!(app.get(&xhz, "/zhanqun/").await.body.contains("海川市档案馆"), "the new site is listed");
        let (s, t) = app
            .api(&office, "POST", "/api/v1/sites/daj/status", Some(json!({"status": "suspended"})))
            .await;
        assert_eq!(s, 200, "{t}");
        assert!(!app.get(&xhz, "/zhanqun/").await.body.contains("海川市档案馆"), "a suspended site is not listed");
    }
}
