//! A survey (one response per browser, results once the clock closes it, CSV) and a
//! solicitation (comments shown once approved, outcome after it ends, audited).

use serde_json::json;
use zq_domain::access::TenantRole;
use zq_tests::{TestApp, cookie_of, hidden, host};

use super::beijing_morning;
use super::{create, page, post, step};

const QUESTIONS: &str = "[单选] 您对社区食堂的总体评价？\n满意\n一般\n不满意\n\n[多选] 您希望增加哪些服务？\n早餐\n送餐上门\n老年助餐\n\n[填空] 其他建议";

pub(super) async fn survey_flow(app: &TestApp) {
    let admin = app
        .token("cs.admin", None, Some(("jb", TenantRole::SiteAdmin)))
        .await;
    let id = create(
        app,
        &admin,
        json!({"kind": "survey", "title": "社区食堂满意度调查", "body": "<p>请花一分钟填写。</p>",
               "questions": QUESTIONS, "opens_at": "2026-11-02T08:00", "closes_at": "2026-11-06T17:00"}),
    )
    .await;
    // A draft is nowhere public.
    assert_eq!(page(app, "diaocha", id).await.status, 404);
    let draft_form = app
        .get(&host("jb"), &format!("/forms/survey?item={id}"))
        .await;
    assert_eq!(draft_form.status, 404);
    assert_eq!(step(app, &admin, id, "publish", None).await.0, 200);
    let shown = page(app, "diaocha", id).await;
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains("社区食堂满意度调查") && shown.body.contains("参与调查"));
    assert!(
        !shown.body.contains("调查结果</h2>"),
        "no results while open"
    );

    // The form gives the browser its voter cookie; one response per cookie.
    let form = app
        .get(&host("jb"), &format!("/forms/survey?item={id}"))
        .await;
    let (header, voter) = cookie_of(&form, "zq_voter").expect("voter cookie");
    assert!(
        header.contains("HttpOnly") && header.contains("Max-Age="),
        "{header}"
    );
    assert!(
        form.body.contains("您对社区食堂的总体评价？") && form.body.contains("type=\"checkbox\"")
    );
    let incomplete = post(app, "survey", id, &[("q1", "0")], Some(&voter)).await;
    assert_eq!(incomplete.status, 422, "{}", incomplete.body);
    assert!(incomplete.body.contains("请回答第 1 题"));
    assert!(
        incomplete.body.contains("value=\"0\" checked"),
        "typed answers kept"
    );
    let first = post(
        app,
        "survey",
        id,
        &[
            ("q0", "1"),
            ("q1", "0"),
            ("q1", "2"),
            ("q2", "希望周末也营业"),
        ],
        Some(&voter),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body.contains("问卷已提交"));
    let again = app
        .get_with(
            &host("jb"),
            &format!("/forms/survey?item={id}"),
            &[("cookie", &voter)],
        )
        .await;
    assert!(again.body.contains("您已参与过本次调查") && !again.body.contains("name=\"q0\""));
    // A fresh form (another tab) posted with the same cookie.
    let tab = app
        .get(&host("jb"), &format!("/forms/survey?item={id}"))
        .await;
    let token = hidden(&tab.body, "token");
    let twice = app
        .post_form(
            &host("jb"),
            "/forms/survey",
            &[
                ("token", &token),
                ("item", &id.to_string()),
                ("q0", "0"),
                ("q1", "1"),
            ],
            &[("cookie", &voter)],
        )
        .await;
    assert_eq!(twice.status, 409, "{}", twice.body);
    let no_cookie = post(app, "survey", id, &[("q0", "0"), ("q1", "1")], None).await;
    assert_eq!(no_cookie.status, 400, "{}", no_cookie.body);
    assert!(no_cookie.body.contains("Cookie"));
    let forged = post(
        app,
        "survey",
        id,
        &[("q0", "7"), ("q1", "1")],
        Some("zq_voter=short"),
    )
    .await;
    assert_eq!(forged.status, 400, "a malformed cookie is no cookie");
    let other = app
        .get(&host("jb"), &format!("/forms/survey?item={id}"))
        .await;
    let (_, voter2) = cookie_of(&other, "zq_voter").unwrap();
    let second = post(
        app,
        "survey",
        id,
        &[("q0", "0"), ("q1", "2")],
        Some(&voter2),
    )
    .await;
    assert_eq!(second.status, 200, "{}", second.body);

    // Friday 17:00 passes: the clock job notes the close and drops the cached page.
    app.store.clock().set(beijing_morning("2026-11-07"));
    assert!(app.store.refresh_consult_phases().await.unwrap() >= 1);
    let closed = page(app, "diaocha", id).await;
    assert!(
        closed.body.contains("调查结果</h2>") && closed.body.contains("共收到答卷 2 份"),
        "{}",
        closed.body
    );
    // Question 2: 早餐 by one of two, 老年助餐 by both.
    assert!(closed.body.contains("50.0%") && closed.body.contains("100.0%"));
    assert!(
        !closed.body.contains("希望周末也营业"),
        "free text is not published"
    );
    assert!(!closed.body.contains("参与调查</a>"));
    let late = app
        .get_with(
            &host("jb"),
            &format!("/forms/survey?item={id}"),
            &[("cookie", &voter2)],
        )
        .await;
    assert!(late.body.contains("已经结束"));

    let (s, detail) = app
        .api(
            &admin,
            "GET",
            &format!("/api/v1/sites/jb/consultations/{id}"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(detail["responses"], 2, "{detail}");
    assert_eq!(detail["consultation"]["phase"], "closed");
    let csv = app
        .call(
            "GET",
            "127.0.0.1",
            &format!("/api/v1/sites/jb/consultations/{id}/export.csv"),
            &[("authorization", &format!("Bearer {admin}"))],
            String::new(),
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 3, "{}", csv.body);
    assert!(lines[0].contains("1. 您对社区食堂的总体评价？"));
    assert!(csv.body.contains("早餐；老年助餐") && csv.body.contains("希望周末也营业"));
    assert_eq!(
        step(
            app,
            &admin,
            id,
            "outcome",
            Some("多数居民表示满意，将增加老年助餐。")
        )
        .await
        .0,
        200
    );
    assert!(
        page(app, "diaocha", id)
            .await
            .body
            .contains("将增加老年助餐")
    );
}

pub(super) async fn solicitation_flow(app: &TestApp) {
    let editor = app
        .token("cs.editor", None, Some(("jb", TenantRole::Editor)))
        .await;
    let reviewer = app
        .token("cs.reviewer", None, Some(("jb", TenantRole::Reviewer)))
        .await;
    let bad = app
        .api(
            &editor,
            "POST",
            "/api/v1/sites/jb/consultations",
            Some(json!({"kind": "solicitation", "title": "", "opens_at": "2026-11-02", "closes_at": "yesterday"})),
        )
        .await;
    assert_eq!(bad.0, 422, "{}", bad.1);
    assert!(
        bad.1.to_string().contains("结束时间格式不正确"),
        "{}",
        bad.1
    );
    let id = create(
        app,
        &editor,
        json!({"kind": "solicitation", "title": "江北区养犬管理规定（征求意见稿）", "body": "<p>草案全文</p><script>x</script>",
               "opens_at": "2026-11-02T08:00", "closes_at": "2026-11-30T17:00"}),
    )
    .await;
    assert_eq!(
        step(app, &editor, id, "publish", None).await.0,
        403,
        "editors do not publish"
    );
    assert_eq!(step(app, &reviewer, id, "publish", None).await.0, 200);
    let shown = page(app, "zhengji", id).await;
    assert!(!shown.body.contains("<script>x"), "the body is sanitized");
    let list = app.get(&host("jb"), "/hudong/zhengji/").await;
    assert!(
        list.body.contains("江北区养犬管理规定") && list.body.contains("征集中"),
        "{}",
        list.body
    );

    let empty = post(
        app,
        "comment",
        id,
        &[("nickname", "网友甲"), ("content", " ")],
        None,
    )
    .await;
    assert_eq!(empty.status, 422);
    let h = host("jb");
    let form = app.get(&h, &format!("/forms/comment?item={id}")).await;
    let token = hidden(&form.body, "token");
    let fields = [
        ("token", token.as_str()),
        ("item", &id.to_string()),
        ("nickname", "遛狗的人"),
        ("content", "建议在公园设置宠物活动区。"),
    ];
    let taken = app.post_form(&h, "/forms/comment", &fields, &[]).await;
    assert_eq!(taken.status, 200, "{}", taken.body);
    assert!(taken.body.contains("经审核后公开显示"));
    // The same post again (a double click) is still one comment.
    assert_eq!(
        app.post_form(&h, "/forms/comment", &fields, &[])
            .await
            .status,
        200
    );
    let (_, detail) = app
        .api(
            &reviewer,
            "GET",
            &format!("/api/v1/sites/jb/consultations/{id}"),
            None,
        )
        .await;
    let entries = detail["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{detail}");
    assert_eq!(entries[0]["state"], "pending");
    assert!(
        !page(app, "zhengji", id).await.body.contains("宠物活动区"),
        "pending comments are hidden"
    );
    let entry = entries[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/sites/jb/consultations/{id}/entries/{entry}");
    assert_eq!(
        app.api(
            &editor,
            "POST",
            &path,
            Some(json!({"decision": "approved"}))
        )
        .await
        .0,
        403
    );
    let (s, e) = app
        .api(
            &reviewer,
            "POST",
            &path,
            Some(json!({"decision": "approved"})),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    let shown = page(app, "zhengji", id).await;
    assert!(shown.body.contains("宠物活动区") && shown.body.contains("遛狗的人"));

    // Once the public took part it cannot go back to a draft.
    let (s, refused) = step(app, &reviewer, id, "unpublish", None).await;
    assert_eq!(s, 422, "{refused}");
    assert!(refused.to_string().contains("已有公众参与"), "{refused}");
    // The outcome only after it ends; no comment after.
    let (s, refused) = step(app, &reviewer, id, "outcome", Some("采纳情况")).await;
    assert_eq!(s, 422, "no outcome while open: {refused}");
    assert!(
        refused.to_string().contains("结束后才能发布结果"),
        "{refused}"
    );
    assert_eq!(step(app, &reviewer, id, "end", None).await.0, 200);
    let late = app.get(&h, &format!("/forms/comment?item={id}")).await;
    assert!(late.body.contains("已经结束") && !late.body.contains("name=\"content\""));
    let reposted = app.post_form(&h, "/forms/comment", &fields, &[]).await;
    assert_eq!(reposted.status, 409, "{}", reposted.body);
    let (s, _) = step(
        app,
        &reviewer,
        id,
        "outcome",
        Some("共收到意见 1 条，关于宠物活动区的建议已采纳。"),
    )
    .await;
    assert_eq!(s, 200);
    let shown = page(app, "zhengji", id).await;
    assert!(shown.body.contains("采纳情况") && shown.body.contains("建议已采纳"));
    let auditor = app
        .token("cs.siteadmin", None, Some(("jb", TenantRole::SiteAdmin)))
        .await;
    let (_, audit) = app
        .api(&auditor, "GET", "/api/v1/sites/jb/audit", None)
        .await;
    let audit = audit.to_string();
    for action in [
        "consultation.create",
        "consultation.publish",
        "consult_entry.approved",
        "consultation.outcome",
    ] {
        assert!(audit.contains(action), "{action} in {audit}");
    }
}
