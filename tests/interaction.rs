//! Interaction cases (互动交流) over HTTP: a citizen writes to a district's mailbox through the
//! public form and gets a query code; the district transfers the letter to a town, the town
//! drafts a reply and its reviewer approves it; the citizen reads the reply with the code and
//! rates it. Around it: the clock in working days on a set clock, personal details masked and
//! revealed only by an audited step, never on a public answer, isolation between units, two
//! handlers replying at once, and a form posted twice opening one case. On SQLite and
//! PostgreSQL.

use serde_json::{Value, json};
use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{TestApp, hidden, host, on_both_backends};

/// The query code shown on the answer page.
fn query_code(body: &str) -> String {
    let at = body
        .find("class=\"query-code\"><strong>")
        .expect("query code")
        + 27;
    body[at..].split('<').next().unwrap().to_owned()
}

async fn mailbox(app: &TestApp, office: &str, site: &str, slug: &str, name: &str) {
    let (s, m) = app
        .api(
            office,
            "POST",
            &format!("/api/v1/sites/{site}/mailboxes"),
            Some(json!({"slug": slug, "name": name, "description": "欢迎来信"})),
        )
        .await;
    assert_eq!(s, 201, "{m}");
}

/// Posts a letter through `site`'s public form; the answer page.
async fn write_letter(app: &TestApp, site: &str, mailbox: &str, subject: &str) -> zq_tests::Resp {
    let h = host(site);
    let page = app.get(&h, "/forms/letter").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let token = hidden(&page.body, "token");
    app.post_form(
        &h,
        "/forms/letter",
        &[
            ("token", &token),
            ("mailbox", mailbox),
            ("category", "consultation"),
            ("subject", subject),
            ("content", "小区门口的路灯坏了两周，\n请问何时修复？"),
            ("name", "王小明"),
            ("phone", "13812345678"),
            ("email", "wxm@example.cn"),
            ("publish", "on"),
        ],
        &[],
    )
    .await
}

async fn step(
    app: &TestApp,
    secret: &str,
    site: &str,
    id: i64,
    step: &str,
    body: Value,
) -> (u16, Value) {
    app.api(
        secret,
        "POST",
        &format!("/api/v1/sites/{site}/cases/{id}/{step}"),
        Some(body),
    )
    .await
}

on_both_backends! {
    async fn a_letter_is_transferred_answered_reviewed_read_with_its_code_and_rated(app: demo) {
        let office = app.token("case.office", Some(ClusterRole::ClusterAdmin), None).await;
        let jb = app.token("case.jb", None, Some(("jb", TenantRole::SiteAdmin))).await;
        let town = app.token("case.town", None, Some(("jb-xhz", TenantRole::Editor))).await;
        let town_rev = app.token("case.townrev", None, Some(("jb-xhz", TenantRole::Reviewer))).await;
        let other = app.token("case.other", None, Some(("jw", TenantRole::SiteAdmin))).await;
        mailbox(app, &office, "jb", "qz", "区长信箱").await;

        let answer = write_letter(app, "jb", "qz", "路灯坏了").await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert!(answer.body.contains("您的来信已收到"), "{}", answer.body);
        let code = query_code(&answer.body);
        assert_eq!(code.len(), 14, "{code}");
        for secret in ["王小明", "13812345678", "wxm@example.cn"] {
            assert!(!answer.body.contains(secret), "{secret} on the public answer");
        }

        // The district sees it, masked; another unit does not.
        let (s, list) = app.api(&jb, "GET", "/api/v1/sites/jb/cases", None).await;
        assert_eq!(s, 200, "{list}");
        assert_eq!(list["total"], 1);
        let id = list["items"][0]["id"].as_i64().unwrap();
        let (s, case) = app.api(&jb, "GET", &format!("/api/v1/sites/jb/cases/{id}"), None).await;
        assert_eq!(s, 200);
        assert_eq!(case["writer"]["name"], "王**");
        assert_eq!(case["writer"]["phone"], "138****5678");
        assert!(!case.to_string().contains("13812345678"));
        assert!(case["due_on"].is_string(), "{case}");
        let (s, _) = app.api(&other, "GET", &format!("/api/v1/sites/jb/cases/{id}"), None).await;
        assert_eq!(s, 404, "another unit does not see the district's cases");
        let (s, _) = app.api(&other, "GET", &format!("/api/v1/sites/jw/cases/{id}"), None).await;
        assert_eq!(s, 404, "nor finds the id under its own site");

        // The reveal is audited.
        let (s, full) = app.api(&jb, "POST", &format!("/api/v1/sites/jb/cases/{id}/reveal"), None).await;
        assert_eq!(s, 200, "{full}");
        assert_eq!(full["phone"], "13812345678");
        let (_, audit) = app.api(&jb, "GET", "/api/v1/sites/jb/audit", None).await;
        assert!(audit.to_string().contains("case.reveal"), "{audit}");

        // Accept, then transfer to a town of the district (not to another district's unit).
        let (s, c) = step(app, &jb, "jb", id, "accept", json!({})).await;
        assert_eq!((s, c["state"].as_str()), (200, Some("accepted")), "{c}");
        let (s, e) = step(app, &jb, "jb", id, "transfer", json!({"transfer_to": "jw"})).await;
        assert_eq!(s, 403, "{e}");
        let (s, c) = step(app, &jb, "jb", id, "transfer", json!({"transfer_to": "jb-xhz"})).await;
        assert_eq!((s, c["state"].as_str()), (200, Some("submitted")), "{c}");
        let (s, _) = app.api(&jb, "GET", &format!("/api/v1/sites/jb/cases/{id}"), None).await;
        assert_eq!(s, 404, "it left the district's inbox");

        // The town: an editor drafts; a reviewer approves; an editor may not approve.
        // Another district sees neither the town's inbox nor the case under its own name.
        let jn = app.token("case.jn", None, Some(("jn", TenantRole::SiteAdmin))).await;
        let (s, _) = app.api(&jn, "GET", "/api/v1/sites/jb-xhz/cases", None).await;
        assert_eq!(s, 404, "a town of another district is invisible");
        let (s, _) = app.api(&jn, "GET", &format!("/api/v1/sites/jn/cases/{id}"), None).await;
        assert_eq!(s, 404);
        let (_, own) = app.api(&jn, "GET", "/api/v1/sites/jn/cases", None).await;
        assert_eq!(own["total"], 0, "{own}");
        let (s, c) = step(app, &town, "jb-xhz", id, "accept", json!({})).await;
        assert_eq!(s, 200, "{c}");
        let (s, e) = step(app, &town, "jb-xhz", id, "draft_reply", json!({"text": ""})).await;
        assert_eq!(s, 422, "{e}");
        let (s, c) = step(app, &town, "jb-xhz", id, "draft_reply",
            json!({"text": "已安排维修人员，三日内修复。\n感谢您的来信。"})).await;
        assert_eq!((s, c["state"].as_str()), (200, Some("reply_drafted")), "{c}");
        let (s, _) = step(app, &town, "jb-xhz", id, "approve_reply", json!({})).await;
        assert_eq!(s, 403, "an editor cannot approve a reply");
        let (s, c) = step(app, &town_rev, "jb-xhz", id, "approve_reply", json!({})).await;
        assert_eq!((s, c["state"].as_str()), (200, Some("replied")), "{c}");
        assert_eq!(c["reply_unit"], "江北区新河镇人民政府");

        // The citizen reads the reply with the code on the district's site and rates it.
        let h = host("jb");
        let q = app.get(&h, "/forms/query").await;
        let token = hidden(&q.body, "token");
        let r = app.post_form(&h, "/forms/query", &[("token", &token), ("code", &code.to_lowercase())], &[]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("已安排维修人员") && r.body.contains("江北区新河镇人民政府") && r.body.contains("已答复"), "{}", r.body);
        let rate_token = hidden(&r.body, "token");
        let rate_token = if r.body.contains("/forms/rate") { hidden(&r.body[r.body.find("/forms/rate").unwrap()..], "token") } else { rate_token };
        let rated = app.post_form(&h, "/forms/rate", &[("token", &rate_token), ("code", &code), ("rating", "5")], &[]).await;
        assert_eq!(rated.status, 200, "{}", rated.body);
        assert!(rated.body.contains("非常满意") && rated.body.contains("已办结"), "{}", rated.body);
        let again = app.post_form(&h, "/forms/rate", &[("token", &rate_token), ("code", &code), ("rating", "1")], &[]).await;
        assert_eq!(again.status, 422, "rated once");

        // A wrong code finds nothing, in Chinese.
        let r = app.post_form(&h, "/forms/query", &[("token", &token), ("code", "AAAA-BBBB-CCCC")], &[]).await;
        assert_eq!(r.status, 404);
        assert!(r.body.contains("没有找到"), "{}", r.body);

        // No public answer of either site carries the writer's details.
        for site in ["jb", "jb-xhz", "www"] {
            for path in ["/", "/sitemap.xml", "/sitemap.html", "/forms/letter", "/forms/query"] {
                let r = app.get(&host(site), path).await;
                for secret in ["王小明", "13812345678", "wxm@example.cn"] {
                    assert!(!r.body.contains(secret), "{secret} on {site}{path}");
                }
            }
        }

        // The history names every step.
        let (_, c) = app.api(&office, "GET", &format!("/api/v1/sites/jb-xhz/cases/{id}"), None).await;
        let steps: Vec<&str> = c["steps"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
        assert_eq!(steps, ["submit", "reveal", "accept", "transfer", "accept", "draft_reply", "approve_reply", "rate"], "{c}");
    }

    async fn a_form_posted_twice_opens_one_case_and_bad_fields_come_back_in_chinese(app: demo) {
        let office = app.token("twice.office", Some(ClusterRole::ClusterAdmin), None).await;
        mailbox(app, &office, "jw", "jz", "局长信箱").await;
        let h = host("jw");
        let page = app.get(&h, "/forms/letter").await;
        let token = hidden(&page.body, "token");
        let form = |subject: &'static str| {
            vec![("token", token.clone()), ("mailbox", "jz".to_owned()), ("category", "suggestion".to_owned()),
                 ("subject", subject.to_owned()), ("content", "建议延长图书馆开放时间".to_owned()),
                 ("name", "李四".to_owned()), ("phone", "057188881234".to_owned())]
        };
        let post = |f: Vec<(&'static str, String)>| {
            let h = h.clone();
            async move {
                let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post_form(&h, "/forms/letter", &pairs, &[]).await
            }
        };
        let first = post(form("图书馆")).await;
        let second = post(form("图书馆")).await;
        assert_eq!((first.status, second.status), (200, 200));
        assert_eq!(query_code(&first.body), query_code(&second.body), "the same post, the same code");
        let (_, list) = app.api(&office, "GET", "/api/v1/sites/jw/cases", None).await;
        assert_eq!(list["total"], 1, "{list}");

        // Missing fields: the form again, 422, with each problem linked to its field.
        let page = app.get(&h, "/forms/letter").await;
        let token = hidden(&page.body, "token");
        let r = app.post_form(&h, "/forms/letter", &[("token", &token), ("mailbox", "jz"), ("subject", "  "), ("content", "内容"), ("phone", "12")], &[]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        for msg in ["请选择来信类型", "请填写标题", "请填写姓名", "请填写有效的联系电话"] {
            assert!(r.body.contains(msg), "{msg} in {}", r.body);
        }
        assert!(r.body.contains("href=\"#subject\""), "{}", r.body);
        // An unknown mailbox.
        let r = app.post_form(&h, "/forms/letter", &[("token", &token), ("mailbox", "nope"), ("category", "other"), ("subject", "s"), ("content", "c"), ("name", "n"), ("phone", "13800000000")], &[]).await;
        assert_eq!(r.status, 404, "{}", r.body);
    }

    async fn two_reviewers_approving_at_once_make_one_reply_and_one_conflict(app: demo) {
        let office = app.token("race.office", Some(ClusterRole::ClusterAdmin), None).await;
        let a = app.token("race.a", None, Some(("fgw", TenantRole::SiteAdmin))).await;
        let b = app.token("race.b", None, Some(("fgw", TenantRole::Reviewer))).await;
        mailbox(app, &office, "fgw", "zr", "主任信箱").await;
        assert_eq!(write_letter(app, "fgw", "zr", "价格咨询").await.status, 200);
        let (_, list) = app.api(&a, "GET", "/api/v1/sites/fgw/cases", None).await;
        let id = list["items"][0]["id"].as_i64().unwrap();
        step(app, &a, "fgw", id, "accept", json!({})).await;
        let (_, c) = step(app, &a, "fgw", id, "draft_reply", json!({"text": "答复"})).await;
        let version = c["version"].as_i64().unwrap();
        let (ra, rb) = tokio::join!(
            step(app, &a, "fgw", id, "approve_reply", json!({"version": version})),
            step(app, &b, "fgw", id, "approve_reply", json!({"version": version})),
        );
        let mut statuses = [ra.0, rb.0];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "{ra:?} {rb:?}");
        let (_, c) = app.api(&a, "GET", &format!("/api/v1/sites/fgw/cases/{id}"), None).await;
        let approvals = c["steps"].as_array().unwrap().iter().filter(|s| s["step"] == "approve_reply").count();
        assert_eq!(approvals, 1, "{c}");
    }
}

/// 09:00 Beijing time on `day`.
fn beijing_morning(day: &str) -> chrono::DateTime<chrono::Utc> {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    zq_domain::time::beijing_midnight(d) + chrono::Duration::hours(9)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_count_working_days_across_national_day_and_overdue_letters_are_listed() {
    let app = TestApp::setup(zq_tests::Setup {
        backend: Some(zq_tests::Backend::Sqlite),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 5,
        }),
        clock: Some(beijing_morning("2026-09-30")),
        ..Default::default()
    })
    .await;
    let office = app
        .token("clock.office", Some(ClusterRole::ClusterAdmin), None)
        .await;
    let jb = app
        .token("clock.jb", None, Some(("jb", TenantRole::SiteAdmin)))
        .await;
    // Written on Wednesday 09-30: three working days are 10-08, 10-09 and Saturday 10-10
    // (worked instead of a National Day holiday).
    assert_eq!(
        write_letter(&app, "jb", "qzxx", "国庆前的来信")
            .await
            .status,
        200
    );
    let (_, list) = app.api(&jb, "GET", "/api/v1/sites/jb/cases", None).await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    assert_eq!(list["items"][0]["due_on"], "2026-10-10", "{list}");
    let (s, _) = step(&app, &jb, "jb", id, "accept", json!({})).await;
    assert_eq!(s, 200);

    // Tuesday 10-13: two working days late, listed as overdue; not on Friday 10-09.
    app.store.clock().set(beijing_morning("2026-10-09"));
    let (_, due) = app
        .api(&jb, "GET", "/api/v1/sites/jb/cases?due=overdue", None)
        .await;
    assert_eq!(due["total"], 0, "{due}");
    let (_, soon) = app
        .api(&jb, "GET", "/api/v1/sites/jb/cases?due=due", None)
        .await;
    assert_eq!(soon["total"], 1, "due by the next working day: {soon}");
    app.store.clock().set(beijing_morning("2026-10-13"));
    let (_, late) = app
        .api(&jb, "GET", "/api/v1/sites/jb/cases?due=overdue", None)
        .await;
    assert_eq!(late["total"], 1, "{late}");

    // One extension, with a reason, by the site admin: 15 working days in all → 10-27.
    let (s, e) = step(&app, &jb, "jb", id, "extend", json!({"text": ""})).await;
    assert_eq!(s, 422, "{e}");
    let (s, c) = step(
        &app,
        &jb,
        "jb",
        id,
        "extend",
        json!({"text": "需要会同住建部门现场核实"}),
    )
    .await;
    assert_eq!((s, c["due_on"].as_str()), (200, Some("2026-10-27")), "{c}");
    let (s, e) = step(&app, &jb, "jb", id, "extend", json!({"text": "再延一次"})).await;
    assert_eq!(s, 409, "only once: {e}");
    assert!(
        e["message"].as_str().unwrap().contains("只能延期一次"),
        "{e}"
    );

    // Asking the writer for a correction pauses the clock: no due date while waiting.
    let (s, c) = step(
        &app,
        &jb,
        "jb",
        id,
        "request_correction",
        json!({"text": "请补充具体路段"}),
    )
    .await;
    assert_eq!(
        (s, c["state"].as_str()),
        (200, Some("awaiting_writer")),
        "{c}"
    );
    assert!(c["due_on"].is_null(), "{c}");
    let (_, late) = app
        .api(&office, "GET", "/api/v1/sites/jb/cases?due=overdue", None)
        .await;
    assert_eq!(late["total"], 0, "a paused case is not overdue: {late}");
    app.finish().await;
}
