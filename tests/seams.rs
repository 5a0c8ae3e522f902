//! The seams under every capability: events recorded in the same transaction as their change
//! and followed by subscribers from a stored position, and leased background jobs that run
//! once per tick across nodes and stop gracefully.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use zq_domain::event::EventKind;
use zq_services::admin::TenantInput;
use zq_services::events::{Subscriber, catch_up, follow};
use zq_services::fetch::BoxFuture;
use zq_services::jobs::{Job, JobRunner};
use zq_services::{Caller, Services};
use zq_store::Event;
use zq_tests::{Backend, TestApp, on_both_backends};

fn tenant_input(code: &str, kind: &str, host: &str) -> TenantInput {
    TenantInput {
        code: code.into(),
        kind: kind.into(),
        name: format!("{code}单位"),
        sponsor: format!("{code}主办"),
        parent: (kind != "portal").then(|| "www".to_owned()),
        hosts: vec![host.into()],
        site_id: None,
        contact: None,
        short_name: None,
        preparing: false,
        template: None,
    }
}

/// Remembers the ids of the events it was handed.
struct Recorder {
    name: String,
    seen: Mutex<Vec<i64>>,
}

impl Recorder {
    fn new(name: &str) -> Arc<Recorder> {
        Arc::new(Recorder {
            name: name.into(),
            seen: Mutex::new(Vec::new()),
        })
    }

    fn seen(&self) -> Vec<i64> {
        self.seen.lock().unwrap().clone()
    }
}

impl Subscriber for Recorder {
    fn name(&self) -> &str {
        &self.name
    }

    fn handle<'a>(&'a self, events: &'a [Event]) -> BoxFuture<'a, zq_services::Result<()>> {
        Box::pin(async move {
            self.seen
                .lock()
                .unwrap()
                .extend(events.iter().map(|e| e.id));
            Ok(())
        })
    }
}

async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..100 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within 5 s");
}

on_both_backends! {
    async fn a_write_records_its_event_in_the_same_transaction_and_a_refused_one_records_none(app: empty) {
        let svc = &app.services;
        let system = Caller::system();
        let before = app.store.last_event_id().await.unwrap();
        let www = zq_services::admin::create_tenant(svc, &system, tenant_input("www", "portal", "www.test.localhost")).await.unwrap();
        let events = app.store.events_after(before, 100).await.unwrap();
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!((events[0].kind, events[0].tenant, events[0].object.as_str()), (EventKind::TenantChanged, Some(www.id), "tenant:www"));
        assert!(events[0].change.sites_changed);
        let audit = app.store.audit_log(None, 10).await.unwrap();
        assert_eq!(audit[0].entry.action, "tenant.create", "the audit row came with it");

        // The second host is taken: the tenant, its audit row and its event roll back together.
        let mut clash = tenant_input("d1", "department", "d1.test.localhost");
        clash.hosts.push("www.test.localhost".into());
        let refused = zq_services::admin::create_tenant(svc, &system, clash).await;
        assert!(matches!(refused, Err(zq_services::ServiceError::Conflict(_))), "{refused:?}");
        assert_eq!(app.store.last_event_id().await.unwrap(), events[0].id, "no event of the rolled-back write");
        assert_eq!(app.store.audit_log(None, 10).await.unwrap().len(), audit.len(), "no audit row either");
        assert!(app.store.tenant_by_code(&zq_domain::TenantCode::parse("d1").unwrap()).await.unwrap().is_none());

        // Publishing records the tenant's new generation in the event.
        let d2 = zq_services::admin::create_tenant(svc, &system, tenant_input("d2", "department", "d2.test.localhost")).await.unwrap();
        let col = zq_services::admin::create_column(svc, &system, "d2", zq_services::admin::ColumnInput {
            slug: "gzdt".into(), name: "工作动态".into(), kind: "article_list".into(), parent_id: None,
            external_url: None, update_requirement: "weekly".into(), responsible_unit: None, sort_order: 0, is_news: true, aggregates: None,
        }).await.unwrap();
        let text = zq_store::ArticleText {
            column_id: col.id, title: "事件测试".into(), subtitle: None, source: None, author: None,
            summary: None, body: "<p>正文</p>".into(), doc_number: None, index_number: None,
        };
        let draft = zq_services::create_article(svc, &system, "d2", text, None).await.unwrap();
        let mark = app.store.last_event_id().await.unwrap();
        zq_services::step(svc, &system, "d2", draft.id.0, zq_services::Step::PublishDirectly { publish_at: None, reason: None }).await.unwrap();
        let published = app.store.events_after(mark, 10).await.unwrap();
        assert_eq!(published.len(), 1);
        assert_eq!(published[0].kind, EventKind::ArticlePublished);
        assert_eq!(published[0].object, format!("article:{}", draft.id));
        let now = app.store.tenant_by_id(d2.id).await.unwrap().unwrap().generation;
        assert!(published[0].change.generations.contains(&(d2.id, now)), "{:?} has d2 at {now}", published[0].change);
    }

    async fn a_durable_subscriber_catches_up_from_its_position_after_downtime(app: empty) {
        let svc = &app.services;
        let system = Caller::system();
        let (stop, stopped) = watch::channel(false);
        let first = Recorder::new("test-recorder");
        let running = follow(svc.clone(), first.clone(), Duration::from_millis(100), stopped);
        zq_services::admin::create_tenant(svc, &system, tenant_input("www", "portal", "www.test.localhost")).await.unwrap();
        let seen_live = app.store.last_event_id().await.unwrap();
        eventually("the live event is followed", || first.seen().contains(&seen_live)).await;
        stop.send(true).unwrap();
        running.await.unwrap();
        assert_eq!(app.store.subscriber_position("test-recorder").await.unwrap(), Some(seen_live));

        // Down: three changes happen meanwhile.
        for code in ["d1", "d2", "d3"] {
            zq_services::admin::create_tenant(svc, &system, tenant_input(code, "department", &format!("{code}.test.localhost"))).await.unwrap();
        }
        let missed: Vec<i64> = app.store.events_after(seen_live, 100).await.unwrap().iter().map(|e| e.id).collect();
        assert_eq!(missed.len(), 3);
        assert_eq!(first.seen().last(), Some(&seen_live));
        assert!(missed.iter().all(|m| !first.seen().contains(m)), "nothing reached a stopped subscriber");

        // Back: the same subscriber (a new instance) gets exactly what it missed, in order.
        let again = Recorder::new("test-recorder");
        assert_eq!(catch_up(svc, again.as_ref()).await.unwrap(), 3);
        assert_eq!(again.seen(), missed);
        assert_eq!(catch_up(svc, again.as_ref()).await.unwrap(), 0, "nothing twice");
    }
}

/// A job that notes, on each run, the tick its node won (read back from the lease row).
struct TickRecorder {
    node: &'static str,
    every: Duration,
    runs: Arc<Mutex<Vec<(&'static str, i64)>>>,
}

impl Job for TickRecorder {
    fn name(&self) -> &str {
        "tick_recorder"
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn run<'a>(&'a self, svc: &'a Services) -> BoxFuture<'a, zq_services::Result<()>> {
        Box::pin(async move {
            let records = svc.store().job_records().await?;
            let mine = records
                .iter()
                .find(|r| r.name == "tick_recorder")
                .expect("lease row");
            assert_eq!(mine.holder, self.node, "only the tick's winner runs");
            self.runs.lock().unwrap().push((self.node, mine.last_tick));
            Ok(())
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_postgres_run_each_tick_of_a_job_once() {
    let app = TestApp::empty(Backend::Postgres).await;
    // A second node: its own connection pool and services over the same database.
    let other = zq_store::Store::open(&zq_store::StoreOptions::new(
        app.direct_database_url.clone(),
    ))
    .await
    .unwrap();
    let nodes = [
        ("a", app.services.clone()),
        ("b", Services::new(other.clone())),
    ];
    let runs = Arc::new(Mutex::new(Vec::new()));
    let every = Duration::from_millis(250);
    let runners: Vec<JobRunner> = nodes
        .iter()
        .map(|(node, svc)| {
            let job = Arc::new(TickRecorder {
                node,
                every,
                runs: runs.clone(),
            });
            JobRunner::start(svc, vec![job as Arc<dyn Job>], *node)
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(2600)).await;
    for r in runners {
        r.stop().await;
    }
    let runs = runs.lock().unwrap().clone();
    let mut ticks: Vec<i64> = runs.iter().map(|(_, t)| *t).collect();
    let n = ticks.len();
    ticks.sort_unstable();
    ticks.dedup();
    assert_eq!(ticks.len(), n, "no tick ran twice: {runs:?}");
    assert!(n >= 8, "a run at (nearly) every tick of 2.6 s: {runs:?}");
    assert!(ticks.windows(2).all(|w| w[1] > w[0]));
    let records = app.store.job_records().await.unwrap();
    let record = records.iter().find(|r| r.name == "tick_recorder").unwrap();
    assert_eq!(
        record.runs,
        i64::try_from(n).unwrap(),
        "every run was recorded once"
    );
    other.close().await.ok();
    app.finish().await;
}

/// A job that takes a while, announcing when it starts and when it ends.
struct Slow {
    started: Arc<tokio::sync::Notify>,
    finished: Arc<Mutex<u32>>,
    begun: Arc<Mutex<u32>>,
}

impl Job for Slow {
    fn name(&self) -> &str {
        "slow"
    }

    fn every(&self) -> Duration {
        Duration::from_millis(100)
    }

    fn run<'a>(&'a self, _svc: &'a Services) -> BoxFuture<'a, zq_services::Result<()>> {
        Box::pin(async move {
            *self.begun.lock().unwrap() += 1;
            self.started.notify_one();
            tokio::time::sleep(Duration::from_millis(600)).await;
            *self.finished.lock().unwrap() += 1;
            Ok(())
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_the_runner_lets_a_running_job_finish_and_starts_no_new_run() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let started = Arc::new(tokio::sync::Notify::new());
    let finished = Arc::new(Mutex::new(0));
    let begun = Arc::new(Mutex::new(0));
    let job = Arc::new(Slow {
        started: started.clone(),
        finished: finished.clone(),
        begun: begun.clone(),
    });
    let runner = JobRunner::start(&app.services, vec![job as Arc<dyn Job>], "solo");
    tokio::time::timeout(Duration::from_secs(5), started.notified())
        .await
        .expect("the job starts");
    let t = std::time::Instant::now();
    tokio::time::timeout(Duration::from_secs(5), runner.stop())
        .await
        .expect("stop returns");
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "stop waited for the run in progress"
    );
    assert_eq!(
        *finished.lock().unwrap(),
        *begun.lock().unwrap(),
        "every begun run finished"
    );
    let runs_at_stop = *begun.lock().unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        *begun.lock().unwrap(),
        runs_at_stop,
        "no run after the stop"
    );
    let records = app.store.job_records().await.unwrap();
    let record = records.iter().find(|r| r.name == "slow").unwrap();
    assert_eq!((record.runs, record.failures), (i64::from(runs_at_stop), 0));
    assert!(record.duration_ms.unwrap() >= 600);
    app.finish().await;
}

mod calendar {
    use super::*;

    on_both_backends! {
        async fn the_office_keeps_the_working_day_calendar_and_deadlines_follow_it(app: demo) {
            let office = app.token("cal.office", Some(zq_domain::access::ClusterRole::ClusterAdmin), None).await;
            let admin = app.token("cal.admin", None, Some(("jb", zq_domain::access::TenantRole::SiteAdmin))).await;
            // The published 2026 schedule is there from the start.
            let (status, year) = app.api(&admin, "GET", "/api/v1/calendar/2026", None).await;
            assert_eq!(status, 200, "{year}");
            assert_eq!(year["published"], true);
            assert_eq!(year["working_days"], 248);
            assert!(year["days"].as_array().unwrap().iter().any(|d| d["date"] == "2026-10-01" && d["kind"] == "off"));
            // National Day: three working days after Wednesday 30 September end on the adjusted Saturday.
            let (status, due) = app.api(&admin, "GET", "/api/v1/calendar/working-days?from=2026-09-30&days=3", None).await;
            assert_eq!((status, due["due"].as_str()), (200, Some("2026-10-10")), "{due}");

            // Only the office edits it; a weekday cannot be an adjusted working day.
            let body = serde_json::json!({"days": [{"date": "2027-01-01", "kind": "off", "note": "元旦"}]});
            assert_eq!(app.api(&admin, "PUT", "/api/v1/calendar/2027", Some(body.clone())).await.0, 403);
            let wrong = serde_json::json!({"days": [{"date": "2027-01-06", "kind": "work"}]});
            let (status, err) = app.api(&office, "PUT", "/api/v1/calendar/2027", Some(wrong)).await;
            assert_eq!(status, 422, "{err}");
            assert!(err["message"].as_str().unwrap().contains("周六或周日"), "{err}");
            let mark = app.store.last_event_id().await.unwrap();
            let (status, saved) = app.api(&office, "PUT", "/api/v1/calendar/2027", Some(body)).await;
            assert_eq!(status, 200, "{saved}");
            assert_eq!((saved["published"].as_bool(), saved["days"].as_array().map(Vec::len)), (Some(true), Some(1)));
            let (_, due) = app.api(&admin, "GET", "/api/v1/calendar/working-days?from=2026-12-31&days=1", None).await;
            assert_eq!(due["due"], "2027-01-04", "1 January is now a day off (then the weekend)");
            let events = app.store.events_after(mark, 10).await.unwrap();
            assert_eq!(events.iter().map(|e| (e.kind, e.object.as_str())).collect::<Vec<_>>(), [(EventKind::CalendarChanged, "calendar:2027")]);
            let audit = app.store.audit_log(None, 5).await.unwrap();
            assert_eq!((audit[0].entry.action.as_str(), audit[0].entry.object.as_str()), ("calendar.set_year", "calendar:2027"));
        }

        async fn the_calendar_page_shows_the_year_to_the_office_and_saves_it(app: demo) {
            app.account("page.office", Some(zq_domain::access::ClusterRole::ClusterAdmin), &[]).await;
            app.account("page.admin", None, &[("jb", zq_domain::access::TenantRole::SiteAdmin)]).await;
            let (_, admin) = app.sign_in("page.admin", zq_tests::PASSWORD).await;
            let admin = admin.unwrap();
            let r = app.get_with("127.0.0.1", "/console/admin/calendar?year=2026", &[("cookie", &admin)]).await;
            assert_eq!(r.status, 403);
            let (_, office) = app.sign_in("page.office", zq_tests::PASSWORD).await;
            let office = office.unwrap();
            let r = app.get_with("127.0.0.1", "/console/admin/calendar?year=2026", &[("cookie", &office)]).await;
            assert_eq!(r.status, 200);
            assert!(r.body.contains("2026 年工作日历") && r.body.contains("国庆节") && r.body.contains("248"), "{}", r.body);
            let csrf = zq_tests::hidden_csrf(&r.body);
            let bad = app.post_form("127.0.0.1", "/console/admin/calendar", &[("csrf", &csrf), ("year", "2027"), ("days", "2027-01-06 上班 调休")], &[("cookie", &office)]).await;
            assert_eq!(bad.status, 422);
            assert!(bad.body.contains("周六或周日") && bad.body.contains("2027-01-06 上班 调休"), "the typed text stays: {}", bad.body);
            let ok = app.post_form("127.0.0.1", "/console/admin/calendar", &[("csrf", &csrf), ("year", "2027"), ("days", "2027-01-01 放假 元旦\n2027-02-06 上班 调休")], &[("cookie", &office)]).await;
            assert_eq!(ok.status, 303);
            let shown = app.get_with("127.0.0.1", ok.header("location").unwrap(), &[("cookie", &office)]).await;
            assert!(shown.body.contains("工作日历已保存") && shown.body.contains("2027-02-06") && shown.body.contains("周六"), "{}", shown.body);
        }
    }
}

/// The hidden `token` field of a public form page.
fn form_token(body: &str) -> String {
    let at = body.find("name=\"token\" value=\"").expect("token field") + 20;
    body[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_test_form_checks_token_size_and_rate_and_answers_in_chinese() {
    let app = TestApp::setup(zq_tests::Setup {
        backend: Some(Backend::Sqlite),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 2,
            seed: 3,
        }),
        env: vec![
            ("ZQ_HTTP__PUBLIC_TEST_FORM".into(), "true".into()),
            ("ZQ_HTTP__FORM_SUBMITS_PER_MINUTE".into(), "5".into()),
        ],
        ..Default::default()
    })
    .await;
    let fgw = zq_tests::host("fgw");
    let page = app.get(&fgw, "/forms/test").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("cache-control"),
        Some("no-store"),
        "forms are never cached"
    );
    assert!(
        page.body.contains("表单测试") && page.body.contains("发展和改革"),
        "in the site's frame"
    );
    let token = form_token(&page.body);
    let alias = app.get("127.0.0.1", "/sites/fgw/forms/test").await;
    assert_eq!(alias.status, 200, "also under the alias");
    let jb_token = form_token(&app.get(&zq_tests::host("jb"), "/forms/test").await.body);

    let post = |form: Vec<(&'static str, String)>| {
        let app = &app;
        let fgw = fgw.clone();
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(&fgw, "/forms/test", &pairs, &[]).await
        }
    };
    // 1. No token, 2. another site's token: refused as expired forms.
    let r = post(vec![("message", "你好".into())]).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("表单已过期"), "{}", r.body);
    let r = post(vec![("token", jb_token), ("message", "你好".into())]).await;
    assert_eq!(r.status, 403, "a token of another site");
    // 3. A good post: what was received, escaped, and never cached.
    let r = post(vec![
        ("token", token.clone()),
        ("message", "建议<b>增加</b>公交线路".into()),
    ])
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("已收到") && r.body.contains("建议&lt;b&gt;增加&lt;/b&gt;公交线路"),
        "{}",
        r.body
    );
    assert_eq!(r.header("cache-control"), Some("no-store"));
    // 4. An empty message: the form again with the reason.
    let r = post(vec![("token", token.clone()), ("message", "   ".into())]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请填写留言内容"), "{}", r.body);
    // 5. Too large a body.
    let r = post(vec![
        ("token", token.clone()),
        ("message", "字".repeat(8000)),
    ])
    .await;
    assert_eq!(r.status, 413);
    assert!(r.body.contains("提交的内容过多"), "{}", r.body);
    // 6. The sixth post within the minute from this address.
    let r = post(vec![("token", token), ("message", "再来一次".into())]).await;
    assert_eq!(r.status, 429);
    assert!(
        r.header("retry-after")
            .and_then(|s| s.parse::<u32>().ok())
            .is_some_and(|s| s >= 1)
    );
    assert!(r.body.contains("提交过于频繁"), "{}", r.body);
    // Reading the form is not limited.
    assert_eq!(app.get(&fgw, "/forms/test").await.status, 200);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_setting_there_is_no_test_form() {
    let app = TestApp::spawn(
        Backend::Sqlite,
        Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 3,
        }),
    )
    .await;
    let r = app.get(&zq_tests::host("fgw"), "/forms/test").await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("页面不存在"));
    let r = app
        .post_form(
            &zq_tests::host("fgw"),
            "/forms/test",
            &[("message", "x")],
            &[],
        )
        .await;
    assert_eq!(r.status, 404);
    app.finish().await;
}
