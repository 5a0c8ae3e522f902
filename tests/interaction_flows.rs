//! The rest of interaction over HTTP: a site-error report routed to the site whose page it is,
//! a disclosure request (identity required, 补正 pausing the clock, an answer of a statutory
//! kind), the writer's complaint reopening a replied letter, the public registry and monthly
//! statistics served from the page cache with no personal details on any public page, the
//! console's inbox and case page (steps from the state machine, a stale step refused), and the
//! clock job noting each reminder once on two PostgreSQL nodes with the overdue gauge.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use zq_domain::access::{ClusterRole, TenantRole};
use zq_services::Services;
use zq_services::interaction::reminders::CaseClocks;
use zq_services::jobs::{Job, JobRunner};
use zq_tests::{PASSWORD, Resp, TestApp, hidden, hidden_csrf, host, on_both_backends};

fn query_code(body: &str) -> String {
    let at = body
        .find("class=\"query-code\"><strong>")
        .expect("query code")
        + 27;
    body[at..].split('<').next().unwrap().to_owned()
}

/// Opens public form `form` of `site` and posts `fields` with its token.
/// Whether `holds` comes true within `limit` (asked every 50 ms).
async fn letter_hits_within<F, Fut>(limit: Duration, mut holds: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = std::time::Instant::now();
    while started.elapsed() <= limit {
        if holds().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    holds().await
}

async fn post(app: &TestApp, site: &str, form: &str, fields: &[(&str, &str)]) -> Resp {
    let h = host(site);
    let page = app.get(&h, &format!("/forms/{form}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let token = hidden(&page.body, "token");
    let mut all = vec![("token", token.as_str())];
    all.extend_from_slice(fields);
    app.post_form(&h, &format!("/forms/{form}"), &all, &[])
        .await
}

/// A writer's step from the query page (the token of that form is on the page).
async fn writer(app: &TestApp, site: &str, code: &str, form: &str, text: &str) -> Resp {
    let h = host(site);
    let page = app.get(&h, "/forms/query").await;
    let token = hidden(&page.body, "token");
    let shown = app
        .post_form(
            &h,
            "/forms/query",
            &[("token", &token), ("code", code)],
            &[],
        )
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    let form_at = shown
        .body
        .find(&format!("/forms/{form}\""))
        .unwrap_or_else(|| panic!("{form} form in {}", shown.body));
    let rest = &shown.body[form_at..];
    let at = form_at + rest.find("name=\"token\" value=\"").expect("token") + 20;
    let step_token = shown.body[at..].split('"').next().unwrap().to_owned();
    app.post_form(
        &h,
        &format!("/forms/{form}"),
        &[("token", &step_token), ("code", code), ("text", text)],
        &[],
    )
    .await
}

async fn query(app: &TestApp, site: &str, code: &str) -> Resp {
    let h = host(site);
    let page = app.get(&h, "/forms/query").await;
    let token = hidden(&page.body, "token");
    app.post_form(
        &h,
        "/forms/query",
        &[("token", &token), ("code", code)],
        &[],
    )
    .await
}

async fn step(app: &TestApp, secret: &str, site: &str, id: i64, step: &str, body: Value) -> Value {
    let (s, v) = app
        .api(
            secret,
            "POST",
            &format!("/api/v1/sites/{site}/cases/{id}/{step}"),
            Some(body),
        )
        .await;
    assert_eq!(s, 200, "{step}: {v}");
    v
}

async fn only_case(app: &TestApp, secret: &str, site: &str) -> Value {
    let (s, list) = app
        .api(secret, "GET", &format!("/api/v1/sites/{site}/cases"), None)
        .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["total"], 1, "{list}");
    list["items"][0].clone()
}

const WRITER: [(&str, &str); 3] = [
    ("name", "李晓红"),
    ("phone", "13900001111"),
    ("email", "lxh@example.cn"),
];

fn without_personal(what: &str, body: &str) {
    for secret in [
        "李晓红",
        "13900001111",
        "lxh@example.cn",
        "330102199001011234",
    ] {
        assert!(!body.contains(secret), "{secret} on {what}");
    }
}

on_both_backends! {
    async fn a_site_error_report_about_a_district_page_is_routed_to_that_district(app: demo) {
        let jb = app.token("err.jb", None, Some(("jb", TenantRole::SiteAdmin))).await;
        let portal = app.token("err.www", None, Some(("www", TenantRole::SiteAdmin))).await;
        // An address outside the cluster is refused in Chinese, with what was typed kept.
        let mut fields = vec![
            ("page_url", "https://example.com/a.html"),
            ("kind", "typo"),
            ("content", "第二段“工做”应为“工作”。"),
        ];
        fields.extend_from_slice(&WRITER);
        let r = post(app, "www", "error", &fields).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("请填写本网站群内页面的网址"), "{}", r.body);
        assert!(r.body.contains("example.com/a.html"));

        // Filed on the portal about a page of 江北区: the district handles it.
        let url = format!("http://{}/col/gzdt/", host("jb"));
        fields[0] = ("page_url", &url);
        let r = post(app, "www", "error", &fields).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("您的网站找错已收到"), "{}", r.body);
        let code = query_code(&r.body);
        without_personal("the answer page", &r.body);
        let (_, none) = app.api(&portal, "GET", "/api/v1/sites/www/cases", None).await;
        assert_eq!(none["total"], 0, "not the portal's: {none}");
        let c = only_case(app, &jb, "jb").await;
        assert_eq!(c["kind"], "site_error", "{c}");
        let id = c["id"].as_i64().unwrap();
        step(app, &jb, "jb", id, "accept", json!({})).await;
        step(app, &jb, "jb", id, "draft_reply", json!({"text": "已更正错别字，感谢指正。"})).await;
        step(app, &jb, "jb", id, "approve_reply", json!({})).await;

        // The writer follows it where they filed it, with the code.
        let shown = query(app, "www", &code).await;
        assert_eq!(shown.status, 200, "{}", shown.body);
        assert!(shown.body.contains("已更正错别字"), "{}", shown.body);
        assert!(shown.body.contains(&url), "the page reported is shown");
        assert!(shown.body.contains("办理过程"));
        without_personal("the query page", &shown.body);
    }

    async fn a_disclosure_request_needs_identity_pauses_for_a_correction_and_gets_a_statutory_answer(app: demo) {
        let gaj = app.token("dis.gaj", None, Some(("gaj", TenantRole::SiteAdmin))).await;
        let base = [
            ("applicant", "citizen"),
            ("name", "李晓红"),
            ("phone", "13900001111"),
            ("subject", "2025年交通事故统计数据"),
            ("content", "申请公开2025年本市道路交通事故的月度统计数据。"),
            ("medium", "electronic"),
            ("delivery", "email"),
        ];
        // A citizen without an identity number, an email delivery without an address.
        let r = post(app, "gaj", "disclosure", &base).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("以电子邮件获取需要填写电子邮箱"), "{}", r.body);
        let mut fields = base.to_vec();
        fields.extend([("id_number", "330102199001011234"), ("email", "lxh@example.cn")]);
        let r = post(app, "gaj", "disclosure", &fields).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let code = query_code(&r.body);
        without_personal("the answer page", &r.body);

        let c = only_case(app, &gaj, "gaj").await;
        let id = c["id"].as_i64().unwrap();
        step(app, &gaj, "gaj", id, "accept", json!({})).await;
        let paused = step(app, &gaj, "gaj", id, "request_correction", json!({"text": "请说明需要哪些区县的数据"})).await;
        assert!(paused["due_on"].is_null(), "paused: {paused}");

        // The writer sees what to correct and answers; the clock runs again.
        let shown = query(app, "gaj", &code).await;
        assert!(shown.body.contains("请说明需要哪些区县的数据"), "{}", shown.body);
        let r = writer(app, "gaj", &code, "correct", "需要全市各区县的数据。").await;
        assert_eq!(r.status, 200, "{}", r.body);
        let c = only_case(app, &gaj, "gaj").await;
        assert_eq!(c["state"], "in_progress", "{c}");
        assert!(c["due_on"].is_string(), "{c}");

        // The reply says what kind of answer it is.
        let (s, e) = app
            .api(&gaj, "POST", &format!("/api/v1/sites/gaj/cases/{id}/draft_reply"), Some(json!({"text": "部分数据涉及个人信息。"})))
            .await;
        assert_eq!(s, 422, "a disclosure reply needs its kind: {e}");
        step(app, &gaj, "gaj", id, "draft_reply", json!({"text": "部分数据涉及个人信息，区分处理后公开。", "answer": "partly_granted"})).await;
        step(app, &gaj, "gaj", id, "approve_reply", json!({})).await;
        let shown = query(app, "gaj", &code).await;
        assert!(shown.body.contains("部分公开"), "{}", shown.body);
        assert!(shown.body.contains("需要全市各区县的数据"), "the correction is in the history");
        without_personal("the query page", &shown.body);
        // A complaint needs its text.
        let r = writer(app, "gaj", &code, "complain", "").await;
        assert_eq!(r.status, 422, "{}", r.body);
    }

    async fn the_registry_and_statistics_show_a_replied_letter_from_the_cache_and_a_complaint_reopens_it(app: demo) {
        let jb = app.token("reg.jb", None, Some(("jb", TenantRole::SiteAdmin))).await;
        let mut fields = vec![
            ("mailbox", "qzxx"),
            ("category", "suggestion"),
            ("subject", "建议增设公交站"),
            ("content", "建议在滨江路增设公交站。"),
            ("publish", "on"),
        ];
        fields.extend_from_slice(&WRITER);
        let r = post(app, "jb", "letter", &fields).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let code = query_code(&r.body);
        let c = only_case(app, &jb, "jb").await;
        let id = c["id"].as_i64().unwrap();
        let h = host("jb");
        let before = app.get(&h, "/hudong/xinjian/").await;
        assert_eq!(before.status, 200);
        assert!(!before.body.contains("建议增设公交站"), "not before the reply");
        step(app, &jb, "jb", id, "accept", json!({})).await;
        step(app, &jb, "jb", id, "draft_reply", json!({"text": "已列入明年线网优化计划。"})).await;
        step(app, &jb, "jb", id, "approve_reply", json!({})).await;

        // Listed at once (the answer dropped the cached page), then from the cache.
        let list = app.get(&h, "/hudong/xinjian/").await;
        assert_eq!((list.status, list.header("x-cache")), (200, Some("miss")));
        assert!(list.body.contains("建议增设公交站"), "{}", list.body);
        assert!(list.body.contains("江北区"), "the answering unit");
        let again = app.get(&h, "/hudong/xinjian/").await;
        assert_eq!(again.header("x-cache"), Some("l1_hit"));
        let letter = app.get(&h, &format!("/hudong/xinjian/{id}.html")).await;
        assert_eq!(letter.status, 200, "{}", letter.body);
        for label in ["来信日期", "受理日期", "答复日期", "答复单位", "已列入明年线网优化计划"] {
            assert!(letter.body.contains(label), "{label} in {}", letter.body);
        }
        let stats = app.get(&h, "/hudong/tongji/").await;
        assert_eq!(stats.status, 200);
        assert!(stats.body.contains("<td>1</td>"), "one letter counted: {}", stats.body);
        let hub = app.get(&h, "/hudong/").await;
        assert_eq!(hub.status, 200);
        // No public page kind, feed or map carries the writer's details.
        for path in ["/", "/hudong/", "/hudong/xinjian/", "/hudong/tongji/", "/sitemap.html", "/sitemap.xml", "/report/feed.xml", "/report/feed.json", "/col/gzdt/", "/col/gzdt/atom.xml"] {
            let r = app.get(&h, path).await;
            without_personal(path, &r.body);
        }
        without_personal("the letter page", &letter.body);
        without_personal("the public case list", &app.get(&h, "/api/v1/sites/jb/cases").await.body);
        // Searchable on every site's search within 2 s, as 信件 of jb linking its registry page;
        // the writer's details never reach the index.
        let search_path = format!("/api/v1/search?q={}&kind=letter", url::form_urlencoded::byte_serialize("建议增设公交站".as_bytes()).collect::<String>());
        let letter_hits = || async { serde_json::from_str::<Value>(&app.get(&host("www"), &search_path).await.body).unwrap() };
        let found = letter_hits_within(Duration::from_secs(2), || async { letter_hits().await["total"] == 1 }).await;
        assert!(found, "the replied letter is found: {}", letter_hits().await);
        let hit = letter_hits().await["hits"][0].clone();
        assert_eq!((hit["site"].as_str(), hit["kind_label"].as_str(), hit["column"].as_str()), (Some("jb"), Some("信件"), Some("信件选登")), "{hit}");
        assert_eq!(hit["path"], format!("/hudong/xinjian/{id}.html"));
        without_personal("the letter's search hit", &hit.to_string());

        // A complaint about the reply reopens it: out of the registry, a fresh clock.
        let r = writer(app, "jb", &code, "complain", "答复没有说明具体时间。").await;
        assert_eq!(r.status, 200, "{}", r.body);
        let c = only_case(app, &jb, "jb").await;
        assert_eq!(c["state"], "in_progress", "{c}");
        assert!(c["due_on"].is_string(), "{c}");
        assert!(!app.get(&h, "/hudong/xinjian/").await.body.contains("建议增设公交站"));
        let gone = letter_hits_within(Duration::from_secs(2), || async { letter_hits().await["total"] == 0 }).await;
        assert!(gone, "out of the registry, out of the search");
    }

    async fn the_console_inbox_offers_the_steps_the_state_allows_and_refuses_a_stale_one(app: demo) {
        app.account("cs.jbadmin", None, &[("jb", TenantRole::SiteAdmin)]).await;
        let mut fields = vec![
            ("mailbox", "qzxx"),
            ("category", "help"),
            ("subject", "独居老人求助"),
            ("content", "楼上独居老人需要帮助。"),
        ];
        fields.extend_from_slice(&WRITER);
        assert_eq!(post(app, "jb", "letter", &fields).await.status, 200);
        let (_, session) = app.sign_in("cs.jbadmin", PASSWORD).await;
        let cookie = session.unwrap();
        let get = |path: String| {
            let cookie = cookie.clone();
            async move { app.get_with("127.0.0.1", &path, &[("cookie", &cookie)]).await }
        };
        let home = get("/console/".into()).await;
        assert!(home.body.contains("/console/sites/jb/cases"), "{}", home.body);
        let inbox = get("/console/sites/jb/cases".into()).await;
        assert_eq!(inbox.status, 200, "{}", inbox.body);
        assert!(inbox.body.contains("独居老人求助"), "{}", inbox.body);
        assert!(inbox.body.contains("互动交流（1）"), "the tab counts open cases");
        let at = inbox.body.find("/console/sites/jb/cases/").unwrap() + 24;
        let id: String = inbox.body[at..].chars().take_while(char::is_ascii_digit).collect();
        let page = get(format!("/console/sites/jb/cases/{id}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("李**"), "masked");
        assert!(!page.body.contains("13900001111"), "masked phone");
        // A new letter: accept, refuse, transfer, correction — no approving yet.
        for s in ["/accept\"", "/refuse\"", "/transfer\"", "/request_correction\""] {
            assert!(page.body.contains(s), "{s} offered");
        }
        assert!(!page.body.contains("/approve_reply\""), "nothing to approve");
        let csrf = hidden_csrf(&page.body);
        let version = hidden(&page.body, "version");
        let url = format!("/console/sites/jb/cases/{id}/accept");
        let r = app.post_form("127.0.0.1", &url, &[("csrf", &csrf), ("version", &version)], &[("cookie", &cookie)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        // The same form again (an old version): a conflict in Chinese.
        let url = format!("/console/sites/jb/cases/{id}/refuse");
        let r = app.post_form("127.0.0.1", &url, &[("csrf", &csrf), ("version", &version), ("text", "重复")], &[("cookie", &cookie)]).await;
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(r.body.contains("不予受理") || r.body.contains("刚被他人处理过"), "{}", r.body);
        // The audited reveal shows the details in full.
        let url = format!("/console/sites/jb/cases/{id}/reveal");
        let r = app.post_form("127.0.0.1", &url, &[("csrf", &csrf)], &[("cookie", &cookie)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("13900001111"), "{}", r.body);
        let page = get(format!("/console/sites/jb/cases/{id}")).await;
        assert!(page.body.contains("查看个人信息"), "the reveal is in the history");
        assert!(page.body.contains("/draft_reply\""), "an accepted letter can be answered");
    }

    async fn a_site_admin_opens_renames_and_pauses_a_mailbox_in_the_console_and_the_letter_form_follows(app: demo) {
        app.account("mb.admin", None, &[("jn", TenantRole::SiteAdmin)]).await;
        app.account("mb.editor", None, &[("jn", TenantRole::Editor)]).await;
        let (_, admin) = app.sign_in("mb.admin", PASSWORD).await;
        let admin = admin.unwrap();
        let page = app.get_with("127.0.0.1", "/console/sites/jn/mailboxes", &[("cookie", &admin)]).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("区长信箱"), "the demo's mailbox: {}", page.body);
        let csrf = hidden_csrf(&page.body);
        let r = app.post_form("127.0.0.1", "/console/sites/jn/mailboxes", &[("csrf", &csrf), ("slug", "jyxx"), ("name", "教育专线"), ("description", "入学、招生咨询"), ("sort_order", "20")], &[("cookie", &admin)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let form = app.get(&host("jn"), "/forms/letter").await;
        assert!(form.body.contains("value=\"jyxx\""), "offered at once: {}", form.body);
        // Renamed and paused: no longer offered, still listed in the console.
        let page = app.get_with("127.0.0.1", "/console/sites/jn/mailboxes", &[("cookie", &admin)]).await;
        let at = page.body.find("教育专线").unwrap();
        let before = &page.body[..at];
        let id: String = before[before.rfind("/mailboxes/").unwrap() + 11..].chars().take_while(char::is_ascii_digit).collect();
        let r = app.post_form("127.0.0.1", &format!("/console/sites/jn/mailboxes/{id}"), &[("csrf", &csrf), ("name", "教育咨询信箱"), ("description", ""), ("sort_order", "5")], &[("cookie", &admin)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let form = app.get(&host("jn"), "/forms/letter").await;
        assert!(!form.body.contains("value=\"jyxx\""), "a paused mailbox is not offered");
        let page = app.get_with("127.0.0.1", "/console/sites/jn/mailboxes", &[("cookie", &admin)]).await;
        assert!(page.body.contains("教育咨询信箱") && page.body.contains("已暂停"), "{}", page.body);
        // An editor sees the mailboxes but may not change them.
        let (_, editor) = app.sign_in("mb.editor", PASSWORD).await;
        let editor = editor.unwrap();
        let page = app.get_with("127.0.0.1", "/console/sites/jn/mailboxes", &[("cookie", &editor)]).await;
        assert_eq!(page.status, 200);
        let csrf = hidden_csrf(&page.body);
        let r = app.post_form("127.0.0.1", &format!("/console/sites/jn/mailboxes/{id}"), &[("csrf", &csrf), ("name", "改名"), ("active", "on")], &[("cookie", &editor)]).await;
        assert_eq!(r.status, 403, "{}", r.body);
    }
}

/// 09:00 Beijing time on `day`.
fn beijing_morning(day: &str) -> chrono::DateTime<chrono::Utc> {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    zq_domain::time::beijing_midnight(d) + chrono::Duration::hours(9)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clock_job_notes_each_reminder_once_on_two_postgres_nodes_and_the_gauge_counts_overdue()
{
    let app = TestApp::setup(zq_tests::Setup {
        backend: Some(zq_tests::Backend::Postgres),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 7,
        }),
        clock: Some(beijing_morning("2026-09-30")),
        ..Default::default()
    })
    .await;
    let jb = app
        .token("clk.jb", None, Some(("jb", TenantRole::SiteAdmin)))
        .await;
    let office = app
        .token("clk.office", Some(ClusterRole::ClusterAdmin), None)
        .await;
    let mut fields = vec![
        ("mailbox", "qzxx"),
        ("category", "complaint"),
        ("subject", "噪声扰民"),
        ("content", "工地夜间施工噪声扰民。"),
    ];
    fields.extend_from_slice(&WRITER);
    assert_eq!(post(&app, "jb", "letter", &fields).await.status, 200);
    let c = only_case(&app, &jb, "jb").await;
    let id = c["id"].as_i64().unwrap();
    assert_eq!(c["due_on"], "2026-10-10", "{c}");
    // Tuesday 10-13: past due by two working days.
    app.store.clock().set(beijing_morning("2026-10-13"));

    let other = zq_store::Store::open(&zq_store::StoreOptions::new(
        app.direct_database_url.clone(),
    ))
    .await
    .unwrap()
    .with_clock(app.store.clock().clone());
    let nodes = [
        ("a", app.services.clone()),
        ("b", Services::new(other.clone())),
    ];
    let runners: Vec<JobRunner> = nodes
        .iter()
        .map(|(node, svc)| {
            let job = Arc::new(CaseClocks {
                every: Duration::from_millis(200),
            });
            JobRunner::start(svc, vec![job as Arc<dyn Job>], *node)
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for r in runners {
        r.stop().await;
    }
    let (s, case) = app
        .api(&jb, "GET", &format!("/api/v1/sites/jb/cases/{id}"), None)
        .await;
    assert_eq!(s, 200, "{case}");
    let steps = case["steps"].as_array().expect("steps");
    let overdue = steps.iter().filter(|s| s["step"] == "overdue").count();
    assert_eq!(overdue, 1, "one overdue reminder for the due date: {case}");
    let (_, audit) = app
        .api(&office, "GET", "/api/v1/sites/jb/audit", None)
        .await;
    assert_eq!(
        audit.to_string().matches("case.overdue").count(),
        1,
        "{audit}"
    );

    let metrics = app.metrics().await;
    assert!(
        metrics.contains("zhanqun_cases_overdue{tenant=\"jb\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("zhanqun_cases_open{tenant=\"jb\"} 1"),
        "{metrics}"
    );
    other.close().await.ok();
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_posted_faster_than_a_person_types_is_refused_and_taken_a_moment_later() {
    let start = beijing_morning("2026-11-30");
    let app = TestApp::setup(zq_tests::Setup {
        backend: Some(zq_tests::Backend::Sqlite),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 3,
        }),
        clock: Some(start),
        env: vec![("ZQ_HTTP__FORM_MIN_FILL_SECS".into(), "5".into())],
        ..Default::default()
    })
    .await;
    let h = host("jb");
    // The demo opens a case or two of its own at the start (an interview's leftover question).
    let before = cases_now(&app, start).await;
    let page = app.get(&h, "/forms/letter").await;
    let token = hidden(&page.body, "token");
    let mut fields = vec![
        ("token", token.as_str()),
        ("mailbox", "qzxx"),
        ("category", "other"),
        ("subject", "机器人来信"),
        ("content", "秒填的表单。"),
    ];
    fields.extend_from_slice(&WRITER);
    let r = app.post_form(&h, "/forms/letter", &fields, &[]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("提交过快"), "{}", r.body);
    assert_eq!(cases_now(&app, start).await, before, "nothing stored");
    // Six seconds later (a person reading the form again) the same form is taken.
    app.store.clock().set(start + chrono::Duration::seconds(6));
    let r = app.post_form(&h, "/forms/letter", &fields, &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("query-code"), "{}", r.body);
    // Following the case is not held to it.
    let code = query_code(&r.body);
    assert_eq!(query(&app, "jb", &code).await.status, 200);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_shortens_its_letter_time_limit_in_the_console_but_cannot_lengthen_it() {
    let app = TestApp::setup(zq_tests::Setup {
        backend: Some(zq_tests::Backend::Sqlite),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 4,
        }),
        // Monday 30 November 2026.
        clock: Some(beijing_morning("2026-11-30")),
        ..Default::default()
    })
    .await;
    app.account("tl.admin", None, &[("qs", TenantRole::SiteAdmin)])
        .await;
    let qs = app
        .token("tl.api", None, Some(("qs", TenantRole::SiteAdmin)))
        .await;
    let (_, session) = app.sign_in("tl.admin", PASSWORD).await;
    let cookie = session.unwrap();
    let page = app
        .get_with(
            "127.0.0.1",
            "/console/sites/qs/mailboxes",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("本站使用全站群统一的办理时限"),
        "{}",
        page.body
    );
    let csrf = hidden_csrf(&page.body);
    let mut form: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.clone()),
        ("action".into(), "save".into()),
    ];
    for (k, d, e) in [
        ("letter", "2", "10"),
        ("site_error", "3", "2"),
        ("disclosure", "15", "15"),
        ("interview_question", "5", "10"),
    ] {
        form.push((format!("{k}_days"), d.into()));
        form.push((format!("{k}_extension"), e.into()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = app
        .post_form(
            "127.0.0.1",
            "/console/sites/qs/clock-rules",
            &pairs,
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // A letter written now is due in two working days, not three.
    let mut fields = vec![
        ("mailbox", "qzxx"),
        ("category", "help"),
        ("subject", "时限测试"),
        ("content", "请尽快答复。"),
    ];
    fields.extend_from_slice(&WRITER);
    assert_eq!(post(&app, "qs", "letter", &fields).await.status, 200);
    let c = only_case(&app, &qs, "qs").await;
    assert_eq!(c["due_on"], "2026-12-02", "{c}");
    let disclosure = app.get(&host("qs"), "/forms/disclosure").await;
    assert!(
        disclosure.body.contains("15 个工作日内答复"),
        "the form says the site's limit"
    );
    // Longer than the cluster's: refused, in Chinese, nothing changed.
    let longer: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| {
            if *k == "letter_days" {
                (*k, "5")
            } else {
                (*k, *v)
            }
        })
        .collect();
    let r = app
        .post_form(
            "127.0.0.1",
            "/console/sites/qs/clock-rules",
            &longer,
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("不能长于全站群的规定"), "{}", r.body);
    // Back to the cluster's.
    let r = app
        .post_form(
            "127.0.0.1",
            "/console/sites/qs/clock-rules",
            &[("csrf", &csrf), ("action", "reset")],
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = app
        .get_with(
            "127.0.0.1",
            "/console/sites/qs/mailboxes",
            &[("cookie", &cookie)],
        )
        .await;
    assert!(
        page.body.contains("本站使用全站群统一的办理时限"),
        "{}",
        page.body
    );
    let (_, audit) = app.api(&qs, "GET", "/api/v1/sites/qs/audit", None).await;
    assert!(
        audit.to_string().contains("clock_rules.set")
            && audit.to_string().contains("clock_rules.reset"),
        "{audit}"
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_changes_a_mailbox_and_a_sites_time_limits_and_gives_the_office_every_units_figures()
 {
    let app = TestApp::demo(zq_tests::Backend::Sqlite).await;
    let office = app
        .token("api.office", Some(ClusterRole::ClusterAdmin), None)
        .await;
    let bh = app
        .token("api.bh", None, Some(("bh", TenantRole::SiteAdmin)))
        .await;
    let editor = app
        .token("api.bhed", None, Some(("bh", TenantRole::Editor)))
        .await;
    let (_, boxes) = app
        .api(&bh, "GET", "/api/v1/sites/bh/mailboxes", None)
        .await;
    let id = boxes[0]["id"].as_i64().unwrap();
    let change = json!({"name": "区长信箱", "active": true, "notify_email": "bgs@bh.example.cn"});
    let (s, e) = app
        .api(
            &editor,
            "PUT",
            &format!("/api/v1/sites/bh/mailboxes/{id}"),
            Some(change.clone()),
        )
        .await;
    assert_eq!(s, 403, "{e}");
    let (s, m) = app
        .api(
            &bh,
            "PUT",
            &format!("/api/v1/sites/bh/mailboxes/{id}"),
            Some(change),
        )
        .await;
    assert_eq!(
        (s, m["notify_email"].as_str()),
        (200, Some("bgs@bh.example.cn")),
        "{m}"
    );
    let bad = json!({"name": "区长信箱", "active": true, "notify_email": "不是邮箱"});
    let (s, e) = app
        .api(
            &bh,
            "PUT",
            &format!("/api/v1/sites/bh/mailboxes/{id}"),
            Some(bad),
        )
        .await;
    assert!((400..500).contains(&s), "{s} {e}");

    let (s, r) = app
        .api(&bh, "GET", "/api/v1/sites/bh/clock-rules", None)
        .await;
    assert_eq!((s, r["own"].as_bool()), (200, Some(false)), "{r}");
    let mut rules = r["cluster"].clone();
    rules["letter"]["days"] = json!(2);
    let (s, r) = app
        .api(
            &bh,
            "PUT",
            "/api/v1/sites/bh/clock-rules",
            Some(json!({"rules": rules})),
        )
        .await;
    assert_eq!(
        (s, r["own"].as_bool(), r["rules"]["letter"]["days"].as_u64()),
        (200, Some(true), Some(2)),
        "{r}"
    );
    rules["letter"]["days"] = json!(30);
    let (s, e) = app
        .api(
            &bh,
            "PUT",
            "/api/v1/sites/bh/clock-rules",
            Some(json!({"rules": rules})),
        )
        .await;
    assert!(
        (400..500).contains(&s),
        "longer than the cluster's: {s} {e}"
    );
    let (s, r) = app
        .api(
            &bh,
            "PUT",
            "/api/v1/sites/bh/clock-rules",
            Some(json!({"rules": null})),
        )
        .await;
    assert_eq!((s, r["own"].as_bool()), (200, Some(false)), "{r}");

    let (s, _) = app.api(&bh, "GET", "/api/v1/cases/figures", None).await;
    assert_eq!(s, 403, "a site admin does not see every unit");
    let (s, f) = app
        .api(&office, "GET", "/api/v1/cases/figures?year=2026", None)
        .await;
    assert_eq!((s, f["year"].as_i64()), (200, Some(2026)), "{f}");
    assert!(f["units"].is_array(), "{f}");
    let (s, csv) = app
        .api(&office, "GET", "/api/v1/cases/figures?format=csv", None)
        .await;
    assert_eq!(s, 200);
    assert!(
        csv.as_str()
            .unwrap_or_default()
            .contains("code,name,received"),
        "{csv}"
    );
    app.finish().await;
}

/// How many cases were submitted within a day of `at`, cluster-wide.
async fn cases_now(app: &TestApp, at: chrono::DateTime<chrono::Utc>) -> usize {
    app.store
        .case_figures(
            None,
            at - chrono::Duration::days(1),
            at + chrono::Duration::days(1),
        )
        .await
        .unwrap()
        .len()
}
