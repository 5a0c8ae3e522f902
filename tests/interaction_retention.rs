//! The retention of writers' personal details, on SQLite and PostgreSQL with a manual clock:
//! an answered letter keeps its writer's details for `interaction.personal_data_retention_days`
//! after its last change, then the clock job erases them — the case, its reply and its public
//! query page stay, the console and API show the erasure, the reveal is refused, the history
//! and the audit log record it once; a case still being handled keeps them.

use serde_json::{Value, json};
use zq_domain::access::TenantRole;
use zq_services::interaction::reminders::erase_expired;
use zq_tests::{Backend, Setup, TestApp, hidden, host};

fn beijing_morning(day: &str) -> chrono::DateTime<chrono::Utc> {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    zq_domain::time::beijing_midnight(d) + chrono::Duration::hours(9)
}

/// Writes a letter to jb's mailbox; returns the answer page.
async fn letter(app: &TestApp, subject: &str) -> String {
    let h = host("jb");
    let page = app.get(&h, "/forms/letter").await;
    let token = hidden(&page.body, "token");
    let r = app
        .post_form(
            &h,
            "/forms/letter",
            &[
                ("token", &token),
                ("mailbox", "qzxx"),
                ("category", "help"),
                ("subject", subject),
                ("content", "小区路灯坏了一个月。"),
                ("name", "赵保存"),
                ("phone", "13700002222"),
                ("email", "zbc@example.cn"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

async fn step(app: &TestApp, secret: &str, id: i64, step: &str, body: Value) -> Value {
    let (s, c) = app
        .api(
            secret,
            "POST",
            &format!("/api/v1/sites/jb/cases/{id}/{step}"),
            Some(body),
        )
        .await;
    assert_eq!(s, 200, "{step}: {c}");
    c
}

async fn flow(backend: Backend) {
    let app = TestApp::setup(Setup {
        backend: Some(backend),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 7,
        }),
        clock: Some(beijing_morning("2026-11-02")),
        env: vec![
            (
                "ZQ_INTERACTION__PERSONAL_DATA_RETENTION_DAYS".into(),
                "30".into(),
            ),
            ("ZQ_HTTP__FORM_MIN_FILL_SECS".into(), "0".into()),
        ],
        ..Default::default()
    })
    .await;
    let editor = app
        .token("rt.editor", None, Some(("jb", TenantRole::Editor)))
        .await;
    let reviewer = app
        .token("rt.reviewer", None, Some(("jb", TenantRole::Reviewer)))
        .await;
    let answered_page = letter(&app, "路灯不亮").await;
    letter(&app, "井盖松动").await;
    let (_, list) = app
        .api(
            &editor,
            "GET",
            "/api/v1/sites/jb/cases?state=submitted",
            None,
        )
        .await;
    let id_of = |subject: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["subject"] == subject)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (answered, open) = (id_of("路灯不亮"), id_of("井盖松动"));
    step(&app, &editor, answered, "accept", json!({})).await;
    step(
        &app,
        &editor,
        answered,
        "draft_reply",
        json!({"text": "已修复。"}),
    )
    .await;
    step(&app, &reviewer, answered, "approve_reply", json!({})).await;

    // Within the period nothing is erased.
    app.store.clock().set(beijing_morning("2026-11-20"));
    assert_eq!(erase_expired(&app.services).await.unwrap(), 0);
    // 31 days after the reply: the answered case's details go, the open case's stay.
    app.store.clock().set(beijing_morning("2026-12-04"));
    assert_eq!(erase_expired(&app.services).await.unwrap(), 1);
    assert_eq!(erase_expired(&app.services).await.unwrap(), 0, "once");
    let (s, c) = app
        .api(
            &editor,
            "GET",
            &format!("/api/v1/sites/jb/cases/{answered}"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(c["writer"]["name"], "（已按保存期限删除）", "{c}");
    assert!(c.to_string().contains("已修复"), "the reply stays: {c}");
    assert!(
        c.to_string().contains("personal_erased"),
        "in the history: {c}"
    );
    let (s, e) = app
        .api(
            &editor,
            "POST",
            &format!("/api/v1/sites/jb/cases/{answered}/reveal"),
            None,
        )
        .await;
    assert_eq!(s, 409, "{e}");
    assert!(e.to_string().contains("已按保存期限删除"), "{e}");
    let (s, full) = app
        .api(
            &editor,
            "POST",
            &format!("/api/v1/sites/jb/cases/{open}/reveal"),
            None,
        )
        .await;
    assert_eq!(s, 200, "{full}");
    assert_eq!(full["phone"], "13700002222");
    // The console's case page shows the erasure too, and the writer still follows the reply.
    let at = answered_page.find("class=\"query-code\"><strong>").unwrap() + 27;
    let code = answered_page[at..].split('<').next().unwrap().to_owned();
    let h = host("jb");
    let q = app.get(&h, "/forms/query").await;
    let token = hidden(&q.body, "token");
    let shown = app
        .post_form(
            &h,
            "/forms/query",
            &[("token", &token), ("code", &code)],
            &[],
        )
        .await;
    assert!(shown.body.contains("已修复"), "{}", shown.body);
    let admin = app
        .token("rt.admin", None, Some(("jb", TenantRole::SiteAdmin)))
        .await;
    let (_, audit) = app.api(&admin, "GET", "/api/v1/sites/jb/audit", None).await;
    assert_eq!(
        audit.to_string().matches("case.personal_erased").count(),
        1,
        "{audit}"
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answered_cases_lose_their_writers_details_after_the_retention_period_on_sqlite() {
    flow(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answered_cases_lose_their_writers_details_after_the_retention_period_on_postgres() {
    flow(Backend::Postgres).await;
}
