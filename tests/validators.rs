//! The field's own validators over what the server sends: the OpenAPI document of `/api/v1/`
//! passes openapi-spec-validator (installed into `target/pytools` by `scripts/test`; the path
//! comes in `ZHANQUN_TEST_PYTOOLS`); the `/metrics` exposition of a busy demo node passes
//! `promtool check metrics` and the alert rules in `ops/prometheus/alerts.yml` pass
//! `promtool check rules` (promtool from Debian's `prometheus` package, installed by
//! `scripts/test`). A missing validator fails the test rather than skipping it.

use std::io::Write;
use std::process::{Command, Stdio};

use zq_tests::{Backend, TestApp, host};

/// Runs promtool with `args`, feeding it `input`; its exit status and output.
fn promtool(args: &[&str], input: &[u8]) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool runs (scripts/test installs Debian's prometheus package)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("feeding promtool");
    let out = child.wait_with_output().expect("promtool output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_alert_rules_pass_promtool_check_rules() {
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/../ops/prometheus/alerts.yml");
    let (ok, text) = promtool(&["check", "rules", rules], b"");
    assert!(ok, "promtool check rules: {text}");
    assert!(text.contains("SUCCESS"), "{text}");
}

#[test]
fn the_shipped_scrape_configuration_passes_promtool_check_config() {
    let config = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ops/prometheus/prometheus.yml"
    );
    let (ok, text) = promtool(&["check", "config", config], b"");
    assert!(ok, "promtool check config: {text}");
    // The alert rules it names are found and checked too.
    assert!(text.contains("rules found"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_metrics_of_a_busy_node_pass_promtool_check_metrics() {
    let app = TestApp::demo(Backend::Sqlite).await;
    for path in ["/", "/", "/col/nope/", "/forms/letter"] {
        app.get(&host("jb"), path).await;
    }
    // The console and the API are counted under their own labels.
    app.get("127.0.0.1", "/console/login").await;
    app.get("127.0.0.1", "/api/v1/openapi.json").await;
    app.get("127.0.0.1", "/api/v1/sites").await;
    let metrics = app.metrics().await;
    for series in [
        "zhanqun_http_requests_total{",
        "zhanqun_inspection_vetoes{tenant=\"jb\"}",
        "zhanqun_inspection_points{tenant=\"jb\"}",
        "zhanqun_cases_open{tenant=\"jb\"}",
        "zhanqun_http_requests_total{class=\"2xx\",tenant=\"_console\"} 1",
        "zhanqun_http_requests_total{class=\"2xx\",tenant=\"_api\"} 1",
        "zhanqun_http_requests_total{class=\"4xx\",tenant=\"_api\"} 1",
    ] {
        assert!(metrics.contains(series), "{series} in {metrics}");
    }
    let (ok, text) = promtool(&["check", "metrics"], metrics.as_bytes());
    assert!(ok, "promtool check metrics: {text}");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_passes_openapi_spec_validator() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let doc = app.get("127.0.0.1", "/api/v1/openapi.json").await;
    assert_eq!(doc.status, 200);
    let dir = std::env::temp_dir().join(format!("zq-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("openapi.json");
    std::fs::write(&file, &doc.bytes).unwrap();
    let pytools = std::env::var("ZHANQUN_TEST_PYTOOLS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target/pytools").to_owned());
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .env("PYTHONPATH", &pytools)
        .output()
        .expect("python3 runs (scripts/test installs openapi-spec-validator)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "openapi-spec-validator: {text}");
    assert!(text.contains("OK"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
    app.finish().await;
}

/// The first `href` in `body` that starts with `prefix`.
fn first_href(body: &str, prefix: &str) -> Option<String> {
    let marker = format!("href=\"{prefix}");
    let at = body.find(&marker)? + "href=\"".len();
    Some(body[at..at + body[at..].find('"')?].to_owned())
}

/// Where scripts/test keeps the npm tools (vnu-jar, axe-core).
pub(crate) fn jstools() -> std::path::PathBuf {
    std::env::var("ZHANQUN_TEST_JSTOOLS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target/jstools").to_owned())
        .into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_public_page_kind_passes_the_w3c_nu_html_checker() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let port = app.addr.port();
    let dir = std::env::temp_dir().join(format!("zq-vnu-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for code in ["www", "fgw", "jb", "jb-xhz"] {
        let site = format!("{}:{port}", host(code));
        let home = app.get(&site, "/").await;
        let mut paths = vec!["/".to_owned()];
        paths.extend(first_href(&home.body, "/col/"));
        paths.extend(first_href(&home.body, "/art/"));
        paths.extend(
            [
                "/sitemap.html",
                "/hudong/",
                "/forms/letter",
                "/forms/error",
                "/forms/query",
                "/col/no-such-column/",
                // 养老 (results, facets, pager) and 量子 (nothing found: the help).
                "/search?q=%E5%85%BB%E8%80%81&scope=all",
                "/search?q=%E9%87%8F%E5%AD%90",
            ]
            .map(str::to_owned),
        );
        assert!(
            paths.len() >= 8,
            "{code}: a column and an article linked from the home page"
        );
        for (n, path) in paths.iter().enumerate() {
            let r = app.get(&site, path).await;
            assert!(
                r.status == 200 || r.status == 404,
                "{code}{path}: {}",
                r.status
            );
            let file = dir.join(format!("{code}-{n}.html"));
            std::fs::write(&file, &r.bytes).unwrap();
            files.push((file, format!("{code}{path}")));
        }
    }
    let errors = nu_html_check(&files);
    assert!(
        errors.is_none(),
        "the Nu HTML Checker found errors:\n{}",
        errors.unwrap_or_default()
    );
    std::fs::remove_dir_all(&dir).ok();
    app.finish().await;
}

/// Runs the Nu HTML Checker over `files` (path, page name); `None` when they pass, else its
/// report with the page names in place of the paths.
fn nu_html_check(files: &[(std::path::PathBuf, String)]) -> Option<String> {
    let jar = jstools().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "text"])
        .args(files.iter().map(|(f, _)| f))
        .output()
        .expect("java runs the Nu HTML Checker (scripts/test installs a JRE and vnu-jar)");
    let mut text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for (file, page) in files {
        text = text.replace(&file.display().to_string(), page);
    }
    (!out.status.success()).then_some(text)
}

/// Every kind of console page with the account that sees it: the site admin `vnu.site`'s pages
/// of site jb (with a letter, an article and a consultation to show) and the office's
/// (`vnu.office`). Makes both accounts and the letter on `app` (a demo).
pub(crate) async fn console_page_kinds(app: &TestApp) -> [(&'static str, Vec<String>); 2] {
    use zq_domain::access::{ClusterRole, TenantRole};
    let admin = app
        .token("vnu.admin", None, Some(("jb", TenantRole::SiteAdmin)))
        .await;
    // A letter, so the case pages have one to show.
    let (s, m) = app
        .api(
            &admin,
            "POST",
            "/api/v1/sites/jb/mailboxes",
            Some(serde_json::json!({"slug": "vnu", "name": "书记信箱", "description": "欢迎来信"})),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    let form = app.get(&host("jb"), "/forms/letter").await;
    let token = zq_tests::hidden(&form.body, "token");
    let r = app
        .post_form(
            &host("jb"),
            "/forms/letter",
            &[
                ("token", &token),
                ("mailbox", "vnu"),
                ("category", "consultation"),
                ("subject", "路灯坏了"),
                ("content", "请修一下。"),
                ("name", "王小明"),
                ("phone", "13812345678"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (_, cases) = app.api(&admin, "GET", "/api/v1/sites/jb/cases", None).await;
    let case = cases["items"][0]["id"]
        .as_i64()
        .or_else(|| cases[0]["id"].as_i64())
        .expect("a case");
    let (_, list) = app
        .api(&admin, "GET", "/api/v1/sites/jb/articles", None)
        .await;
    let article = list["items"][0]["id"]
        .as_i64()
        .or_else(|| list[0]["id"].as_i64())
        .expect("an article");
    // A published article with a correction waiting for review (修订: the diff, the steps).
    let items = list["items"]
        .as_array()
        .or_else(|| list.as_array())
        .expect("articles");
    let published = items
        .iter()
        .find(|a| a["state"] == "published")
        .and_then(|a| a["id"].as_i64())
        .expect("a published article");
    let jb = app
        .store
        .tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap())
        .await
        .unwrap()
        .unwrap();
    let id = zq_domain::ArticleId(published);
    let mut text = app.store.editorial_article(jb.id, id).await.unwrap().text;
    text.body
        .push_str("<p>更正：联系电话为 0571-12345678。</p>");
    let who = zq_store::Who::system();
    app.store
        .save_revision(jb.id, id, text, true, None, &who)
        .await
        .expect("a correction");
    app.store
        .revision_event(jb.id, id, &zq_domain::revision::RevisionEvent::Submit, &who)
        .await
        .expect("submitted");
    // Something in the 回收站, so its table shows.
    let mut draft = app.store.editorial_article(jb.id, id).await.unwrap().text;
    draft.title = "删除后待恢复的草稿".into();
    let draft = app
        .store
        .create_draft(jb.id, draft, None, &who)
        .await
        .expect("a draft");
    app.store
        .delete_article(jb.id, draft.id, "重复录入", &who)
        .await
        .expect("deleted");
    let (_, consult) = app
        .api(&admin, "GET", "/api/v1/sites/jb/consultations", None)
        .await;
    let consultation = consult[0]["consultation"]["id"]
        .as_i64()
        .expect("a consultation");

    app.account("vnu.site", None, &[("jb", TenantRole::SiteAdmin)])
        .await;
    app.account("vnu.office", Some(ClusterRole::ClusterAdmin), &[])
        .await;
    let s = "/console/sites/jb";
    let site_pages = [
        "/console/".to_owned(),
        format!("{s}/"),
        format!("{s}/review"),
        format!("{s}/articles/new"),
        format!("{s}/articles/{article}"),
        format!("{s}/articles/{article}/versions"),
        format!("{s}/articles/{published}"),
        format!("{s}/articles/{published}/revision"),
        format!("{s}/recycle"),
        format!("{s}/settings"),
        format!("{s}/audit"),
        format!("{s}/attachments"),
        format!("{s}/users"),
        format!("{s}/columns"),
        format!("{s}/inspection"),
        format!("{s}/visits"),
        format!("{s}/statistics"),
        format!("{s}/security"),
        format!("{s}/cases"),
        format!("{s}/cases/{case}"),
        format!("{s}/mailboxes"),
        format!("{s}/consult"),
        format!("{s}/consult/{consultation}"),
        format!("{s}/reporting/"),
        format!("{s}/reporting/inbox"),
        format!("{s}/reporting/ranking"),
        "/console/tokens".to_owned(),
        // Enrolling a second factor: the QR code as inline SVG.
        "/console/account/second-factor".to_owned(),
        "/console/account/password".to_owned(),
    ];
    let office_pages = [
        "/console/admin/tenants",
        "/console/admin/users",
        "/console/admin/audit",
        "/console/admin/channels",
        "/console/admin/calendar",
        "/console/admin/inspection",
        // The portal's report, with its bonus.
        "/console/sites/www/inspection",
        "/console/admin/visits",
        "/console/admin/statistics",
        "/console/admin/operations",
        "/console/admin/broadcasts",
        // The certificates and every site's HTTPS switch.
        "/console/admin/certificates",
        "/console/admin/security",
        "/console/admin/lexicon",
        "/console/admin/cases",
    ]
    .map(str::to_owned);
    [
        ("vnu.site", site_pages.to_vec()),
        ("vnu.office", office_pages.to_vec()),
    ]
}

/// Every kind of console page, as a site admin and as the office see them, passes the Nu HTML
/// Checker: the clerks' pages are held to the public pages' standard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_console_page_kind_passes_the_w3c_nu_html_checker() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let kinds = console_page_kinds(&app).await;
    let dir = std::env::temp_dir().join(format!("zq-vnu-console-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    let login = app.get("127.0.0.1", "/console/login").await;
    let file = dir.join("login.html");
    std::fs::write(&file, &login.bytes).unwrap();
    files.push((file, "/console/login".to_owned()));
    for (who, pages) in &kinds {
        let (_, cookie) = app.sign_in(who, zq_tests::PASSWORD).await;
        let cookie = cookie.expect("signed in");
        for (n, path) in pages.iter().enumerate() {
            let r = app
                .get_with("127.0.0.1", path, &[("cookie", &cookie)])
                .await;
            assert_eq!(r.status, 200, "{who} {path}: {}", r.body);
            let file = dir.join(format!("{who}-{n}.html"));
            std::fs::write(&file, &r.bytes).unwrap();
            files.push((file, format!("{who} {path}")));
        }
    }
    let errors = nu_html_check(&files);
    assert!(
        errors.is_none(),
        "the Nu HTML Checker found errors in console pages:\n{}",
        errors.unwrap_or_default()
    );
    std::fs::remove_dir_all(&dir).ok();
    app.finish().await;
}
