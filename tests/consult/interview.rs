//! An interview: questions before it starts, answers shown at once, closing it keeps the
//! transcript and turns the unanswered questions into cases; the clock job sweeps one nobody
//! closed.

use serde_json::json;
use zq_domain::access::TenantRole;
use zq_tests::{TestApp, hidden, host};

use super::beijing_morning;
use super::{create, page, post, step};

pub(super) async fn interview_flow(app: &TestApp) {
    let admin = app
        .token("iv.admin", None, Some(("jb", TenantRole::SiteAdmin)))
        .await;
    let handler = app
        .token("iv.editor", None, Some(("jb", TenantRole::Editor)))
        .await;
    let id = create(
        app,
        &admin,
        json!({"kind": "interview", "title": "区长谈老旧小区改造", "body": "<p>访谈主题</p>",
               "guests": "张伟　江北区区长", "opens_at": "2026-11-03T09:30", "closes_at": "2026-11-03T11:30"}),
    )
    .await;
    assert_eq!(step(app, &admin, id, "publish", None).await.0, 200);
    // Questions are taken before it starts; each asker gets a query code.
    let first = post(
        app,
        "ask",
        id,
        &[
            ("nickname", "老住户"),
            ("content", "加装电梯的费用怎么分摊？"),
        ],
        None,
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let second = post(
        app,
        "ask",
        id,
        &[("content", "改造期间停车怎么安排？")],
        None,
    )
    .await;
    let code = {
        let at = second
            .body
            .find("class=\"query-code\">查询码：<strong>")
            .expect("code")
            + "class=\"query-code\">查询码：<strong>".len();
        second.body[at..].split('<').next().unwrap().to_owned()
    };
    assert!(code.len() >= 8, "{code}");

    // During the interview: the first question is answered and shows at once.
    app.store
        .clock()
        .set(beijing_morning("2026-11-03") + chrono::Duration::hours(1));
    let (_, detail) = app
        .api(
            &admin,
            "GET",
            &format!("/api/v1/sites/jb/consultations/{id}"),
            None,
        )
        .await;
    let q1 = detail["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["content"].as_str().unwrap().contains("电梯"))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/sites/jb/consultations/{id}/entries/{q1}");
    let (s, e) = app
        .api(&handler, "POST", &path, Some(json!({"decision": "answered", "answer": "按楼层系数分摊，政府补贴 40%。", "guest": "张伟"})))
        .await;
    assert_eq!(s, 200, "{e}");
    let live = page(app, "fangtan", id).await;
    assert!(
        live.body.contains("政府补贴 40%") && live.body.contains("张伟答复"),
        "{}",
        live.body
    );
    assert!(
        !live.body.contains("停车怎么安排"),
        "unmoderated questions are hidden"
    );

    // Closing keeps the transcript (submitted for review) and turns the leftover into a case.
    let (_, cols) = app
        .api(&admin, "GET", "/api/v1/sites/jb/columns", None)
        .await;
    let column = cols
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "article_list")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let close = format!("/api/v1/sites/jb/consultations/{id}/close");
    let (s, closed) = app
        .api(&admin, "POST", &close, Some(json!({"column_id": column})))
        .await;
    assert_eq!(s, 200, "{closed}");
    let article = closed["article_id"].as_i64().unwrap();
    assert_eq!(closed["cases"].as_array().unwrap().len(), 1, "{closed}");
    let (_, a) = app
        .api(
            &admin,
            "GET",
            &format!("/api/v1/sites/jb/articles/{article}"),
            None,
        )
        .await;
    assert_eq!(a["state"], "pending_review", "{a}");
    assert!(a["body"].as_str().unwrap().contains("政府补贴 40%"));
    let (s, again) = app
        .api(&admin, "POST", &close, Some(json!({"column_id": column})))
        .await;
    assert_eq!(s, 200);
    assert_eq!(again["article_id"], article);
    assert_eq!(again["cases"].as_array().unwrap().len(), 0, "no case twice");
    let case = closed["cases"][0]["case"].as_i64().unwrap();
    let (_, c) = app
        .api(
            &admin,
            "GET",
            &format!("/api/v1/sites/jb/cases/{case}"),
            None,
        )
        .await;
    assert_eq!(c["kind"], "interview_question", "{c}");
    // Tuesday 11-03 + 5 working days = Tuesday 11-10.
    assert_eq!(c["due_on"], "2026-11-10", "{c}");
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
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains("停车怎么安排"));

    // An interview nobody closes: the clock job turns its questions into cases.
    let other = create(
        app,
        &admin,
        json!({"kind": "interview", "title": "局长谈学位供给", "body": "<p>主题</p>", "guests": "李娜　教育局局长",
               "opens_at": "2026-11-04T09:30", "closes_at": "2026-11-04T11:30"}),
    )
    .await;
    assert_eq!(step(app, &admin, other, "publish", None).await.0, 200);
    assert_eq!(
        post(
            app,
            "ask",
            other,
            &[("content", "新学校什么时候招生？")],
            None
        )
        .await
        .status,
        200
    );
    assert_eq!(
        zq_services::consult::sweep_interviews(&app.services)
            .await
            .unwrap(),
        0,
        "not yet ended"
    );
    app.store.clock().set(beijing_morning("2026-11-05"));
    assert_eq!(
        zq_services::consult::sweep_interviews(&app.services)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        zq_services::consult::sweep_interviews(&app.services)
            .await
            .unwrap(),
        0
    );
}
