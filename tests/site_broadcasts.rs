//! The office's cluster-wide broadcasts over HTTP (issue 14): an emergency notice (应急公告)
//! on every site or on chosen ones and the greyscale mourning mode (全站变灰), each one audited
//! API call, shown on a second node within a second of the call (PostgreSQL and Redis),
//! cached like every other page variant, and gone by itself at its end time (set clock, on
//! SQLite and PostgreSQL); a bad request is a Chinese 422, a site's editor is refused.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::json;
use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{Backend, Setup, TestApp, host};

use super::cache::Node;

fn small() -> Option<zq_tests::DemoOptions> {
    Some(zq_tests::DemoOptions {
        news_articles: 4,
        seed: 7,
    })
}

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-08-01T08:00:00+08:00")
        .unwrap()
        .with_timezone(&Utc)
}

fn hours(h: i64) -> chrono::Duration {
    chrono::Duration::hours(h)
}

/// Whether a page shows the notice `title`, and whether it is grey.
fn shows(body: &str, title: &str) -> (bool, bool) {
    let grey = body
        .split_once("<html ")
        .and_then(|(_, rest)| rest.split_once('>'))
        .is_some_and(|(tag, _)| tag.contains("mourning"));
    (body.contains(&format!(">{title}</h2>")), grey)
}

async fn broadcasts_end_by_themselves(backend: Backend) {
    let app = TestApp::setup(Setup {
        backend: Some(backend),
        demo: small(),
        clock: Some(start()),
        ..Default::default()
    })
    .await;
    let office = app
        .token("bc.office", Some(ClusterRole::ClusterAdmin), None)
        .await;
    let editor = app
        .token("bc.editor", None, Some(("fgw", TenantRole::Editor)))
        .await;
    let t0 = start();
    let notice = json!({
        "kind": "notice", "level": "red", "title": "台风海燕红色预警",
        "text": "请市民减少外出，远离海边。", "ends_at": (t0 + hours(2)).to_rfc3339(),
    });
    // Only the office; a bad request is refused in Chinese.
    let (s, body) = app
        .api(&editor, "POST", "/api/v1/broadcasts", Some(notice.clone()))
        .await;
    assert_eq!(s, 403, "{body}");
    let mut bad = notice.clone();
    bad["ends_at"] = json!((t0 - hours(1)).to_rfc3339());
    let (s, body) = app
        .api(&office, "POST", "/api/v1/broadcasts", Some(bad))
        .await;
    assert_eq!(s, 422, "{body}");
    assert!(body.to_string().contains("结束时间必须晚于"), "{body}");
    let mut unknown = notice.clone();
    unknown["sites"] = json!(["nosuch"]);
    let (s, body) = app
        .api(&office, "POST", "/api/v1/broadcasts", Some(unknown))
        .await;
    assert_eq!(s, 422, "{body}");

    let (s, made) = app
        .api(&office, "POST", "/api/v1/broadcasts", Some(notice))
        .await;
    assert_eq!(s, 201, "{made}");
    let mourning = json!({
        "kind": "mourning", "starts_at": (t0 + hours(1)).to_rfc3339(),
        "ends_at": (t0 + hours(3)).to_rfc3339(),
    });
    let (s, grey) = app
        .api(&office, "POST", "/api/v1/broadcasts", Some(mourning))
        .await;
    assert_eq!(s, 201, "{grey}");
    assert_eq!(grey["title"], "全国哀悼日");

    let title = "台风海燕红色预警";
    // (hour, notice shown, grey)
    for (h, notice, mourning) in [
        (0, true, false),
        (1, true, true),
        (2, false, true),
        (3, false, false),
    ] {
        app.store
            .clock()
            .set(t0 + hours(h) + chrono::Duration::minutes(1));
        for (code, path) in [
            ("www", "/"),
            ("jb-xhz", "/"),
            ("fgw", "/elder/hant/"),
            ("mzj", "/col/gzdt/"),
        ] {
            let first = app.get(&host(code), path).await;
            assert_eq!(first.status, 200);
            let want_title = if path.contains("hant") {
                "颱風海燕紅色預警"
            } else {
                title
            };
            assert_eq!(
                shows(&first.body, want_title),
                (notice, mourning),
                "{code}{path} at +{h} h"
            );
            // Each state is a cached variant of its own.
            let again = app.get(&host(code), path).await;
            assert_eq!(
                again.header("x-cache"),
                Some("l1_hit"),
                "{code}{path} at +{h} h"
            );
            assert_eq!(again.body, first.body);
        }
        // The forms show the notice too.
        let form = app.get(&host("fgw"), "/forms/letter").await;
        assert_eq!(
            shows(&form.body, title).0,
            notice,
            "the letter form at +{h} h"
        );
    }
    let (s, list) = app.api(&office, "GET", "/api/v1/broadcasts", None).await;
    assert_eq!(s, 200);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2), "{list}");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_notice_and_the_mourning_mode_show_and_end_at_their_times() {
    broadcasts_end_by_themselves(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_notice_and_the_mourning_mode_show_and_end_at_their_times() {
    broadcasts_end_by_themselves(Backend::Postgres).await;
}

/// Polls node B until every page satisfies `want`, failing after a second.
async fn within_a_second(
    node: &Node,
    pages: &[(&str, &str)],
    what: &str,
    want: impl Fn(&str, &str) -> bool,
) {
    let since = Instant::now();
    loop {
        let mut all = true;
        for (code, path) in pages {
            let (status, _, body) = node.get(&host(code), path).await;
            assert_eq!(status, 200, "{code}{path}");
            all &= want(code, &body);
        }
        if all {
            return;
        }
        assert!(
            since.elapsed() < Duration::from_secs(1),
            "{what}: not on the other node within 1 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_postgres_and_redis_the_offices_broadcast_reaches_every_site_on_another_node_within_a_second()
 {
    let app = TestApp::setup(Setup {
        backend: Some(Backend::Postgres),
        demo: small(),
        redis: true,
        ..Default::default()
    })
    .await;
    let node = Node::start(&app.direct_database_url, app.redis.as_ref().unwrap()).await;
    let pages = [
        ("www", "/"),
        ("fgw", "/"),
        ("jb-xhz", "/"),
        ("mzj", "/col/gzdt/"),
    ];
    // Node B has every page cached.
    for (code, path) in pages {
        node.get(&host(code), path).await;
        let (_, xcache, _) = node.get(&host(code), path).await;
        assert_eq!(xcache, "l1_hit", "{code}{path}");
    }
    let office = app
        .token("bc.office", Some(ClusterRole::ClusterAdmin), None)
        .await;
    let ends = (Utc::now() + hours(1)).to_rfc3339();
    let title = "暴雨橙色预警";
    let (s, made) = app
        .api(
            &office,
            "POST",
            "/api/v1/broadcasts",
            Some(json!({
                "kind": "notice", "level": "orange", "title": title, "ends_at": ends,
            })),
        )
        .await;
    assert_eq!(s, 201, "{made}");
    within_a_second(&node, &pages, "the notice", |_, b| shows(b, title).0).await;

    let (s, grey) = app
        .api(
            &office,
            "POST",
            "/api/v1/broadcasts",
            Some(json!({"kind": "mourning", "ends_at": ends})),
        )
        .await;
    assert_eq!(s, 201, "{grey}");
    within_a_second(&node, &pages, "the mourning mode", |_, b| {
        shows(b, title) == (true, true)
    })
    .await;

    // A notice for chosen sites shows there only.
    let (s, chosen) = app
        .api(&office, "POST", "/api/v1/broadcasts", Some(json!({
            "kind": "notice", "level": "yellow", "title": "发改委系统维护通知", "sites": ["fgw"], "ends_at": ends,
        })))
        .await;
    assert_eq!(s, 201, "{chosen}");
    within_a_second(&node, &pages, "the chosen sites' notice", |code, b| {
        shows(b, "发改委系统维护通知").0 == (code == "fgw")
    })
    .await;

    // Ended early by the office: gone on node B within a second.
    for b in [&made, &grey] {
        let (s, body) = app
            .api(
                &office,
                "POST",
                &format!("/api/v1/broadcasts/{}/cancel", b["id"]),
                None,
            )
            .await;
        assert_eq!(
            (s, body["cancelled"].as_bool()),
            (200, Some(true)),
            "{body}"
        );
    }
    within_a_second(&node, &pages, "the end", |_, b| {
        shows(b, title) == (false, false)
    })
    .await;
    drop(node);
    app.finish().await;
}

/// The office's console page: the form (Beijing times, chosen sites by checkbox) makes the
/// notice, a bad end time is refused in Chinese with the typed values kept, and one button ends
/// it; the chosen site shows it, the others do not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_announces_and_ends_a_notice_from_the_console() {
    let app = TestApp::setup(Setup {
        backend: Some(Backend::Sqlite),
        demo: small(),
        clock: Some(start()),
        ..Default::default()
    })
    .await;
    app.account("bc.console", Some(ClusterRole::ClusterAdmin), &[])
        .await;
    let (_, session) = app.sign_in("bc.console", zq_tests::PASSWORD).await;
    let cookie = session.expect("signed in");
    let page = app
        .get_with(
            "127.0.0.1",
            "/console/admin/broadcasts",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("aria-current=\"page\">应急公告</a>"));
    let csrf = zq_tests::hidden_csrf(&page.body);
    let form = |ends: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("kind", "notice".to_owned()),
            ("level", "blue".to_owned()),
            ("title", "寒潮蓝色预警".to_owned()),
            ("text", "请注意防寒保暖。".to_owned()),
            ("starts_at", String::new()),
            ("ends_at", ends.to_owned()),
            ("sites", "fgw".to_owned()),
            ("sites", "jb".to_owned()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(
                "127.0.0.1",
                "/console/admin/broadcasts",
                &pairs,
                &[("cookie", &cookie)],
            )
            .await
        }
    };
    // 2026-08-01 07:00 Beijing lies before the clock's 08:00.
    let refused = post(form("2026-08-01T07:00")).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("结束时间必须晚于开始时间和当前时间"));
    assert!(
        refused.body.contains("value=\"寒潮蓝色预警\""),
        "the typed title is kept"
    );
    let made = post(form("2026-08-01T20:00")).await;
    assert_eq!(made.status, 303, "{}", made.body);
    for (code, shown) in [("fgw", true), ("jb", true), ("www", false), ("mzj", false)] {
        let home = app.get(&host(code), "/").await;
        assert_eq!(shows(&home.body, "寒潮蓝色预警").0, shown, "{code}");
        // The title names its level: the level is not said twice.
        assert!(!home.body.contains("【蓝色预警】"), "{code}");
    }
    // The chosen sites' clerks see in their console what their pages show, and until when.
    for (code, shown) in [("fgw", true), ("mzj", false)] {
        let console = app
            .get_with(
                "127.0.0.1",
                &format!("/console/sites/{code}/"),
                &[("cookie", &cookie)],
            )
            .await;
        assert_eq!(console.status, 200);
        let line =
            "本站前台正在显示应急公告（蓝色预警）：寒潮蓝色预警，至 2026-08-01 20:00 自动结束。";
        assert_eq!(console.body.contains(line), shown, "{code}");
    }
    let list = app
        .get_with(
            "127.0.0.1",
            "/console/admin/broadcasts",
            &[("cookie", &cookie)],
        )
        .await;
    assert!(
        list.body.contains("海川市发展和改革委员会、"),
        "the chosen sites are named"
    );
    assert!(list.body.contains("生效中"));
    let (s, items) = app
        .api(
            &app.token("bc.reader", Some(ClusterRole::ClusterAdmin), None)
                .await,
            "GET",
            "/api/v1/broadcasts",
            None,
        )
        .await;
    assert_eq!(s, 200);
    let id = items["items"][0]["id"].as_i64().expect("an id");
    let ended = app
        .post_form(
            "127.0.0.1",
            &format!("/console/admin/broadcasts/{id}/cancel"),
            &[("csrf", &csrf)],
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(ended.status, 303);
    assert!(!shows(&app.get(&host("fgw"), "/").await.body, "寒潮蓝色预警").0);
    app.finish().await;
}
