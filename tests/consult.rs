//! Public participation over HTTP (征集调查访谈), on SQLite and PostgreSQL with a manual clock:
//! a survey takes one response per browser (its voter cookie) and shows its results only once
//! it has closed by the clock (the job drops the cached page), with the export as CSV; a
//! solicitation's comments appear once approved, and its outcome after it ends; an interview
//! takes questions before it starts, shows the guests' answers at once, and closing it keeps
//! the transcript as an article submitted for review and turns the unanswered questions into
//! cases with a 5-working-day clock their askers follow with the query code shown when they
//! asked; drafts are not public and the console drives the same steps.

use serde_json::{Value, json};
use zq_domain::access::TenantRole;
use zq_tests::{Backend, PASSWORD, Resp, Setup, TestApp, cookie_of, hidden, hidden_csrf, host};

/// 09:00 Beijing time on `day`.
fn beijing_morning(day: &str) -> chrono::DateTime<chrono::Utc> {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    zq_domain::time::beijing_midnight(d) + chrono::Duration::hours(9)
}

/// A small demo cluster on a manual clock at Monday 2026-11-02, 09:00 Beijing time.
async fn app(backend: Backend) -> TestApp {
    TestApp::setup(Setup {
        backend: Some(backend),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 7,
        }),
        clock: Some(beijing_morning("2026-11-02")),
        ..Default::default()
    })
    .await
}

/// Opens participation form `form` for consultation `item` of jb (with `cookie`, if any) and
/// posts `fields` with its token.
async fn post(
    app: &TestApp,
    form: &str,
    item: i64,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
) -> Resp {
    let h = host("jb");
    let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
    let page = app
        .get_with(&h, &format!("/forms/{form}?item={item}"), &headers)
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let token = hidden(&page.body, "token");
    let item = item.to_string();
    let mut all = vec![("token", token.as_str()), ("item", item.as_str())];
    all.extend_from_slice(fields);
    app.post_form(&h, &format!("/forms/{form}"), &all, &headers)
        .await
}

async fn create(app: &TestApp, secret: &str, body: Value) -> i64 {
    let (s, c) = app
        .api(secret, "POST", "/api/v1/sites/jb/consultations", Some(body))
        .await;
    assert_eq!(s, 201, "{c}");
    c["id"].as_i64().unwrap()
}

async fn step(
    app: &TestApp,
    secret: &str,
    id: i64,
    step: &str,
    text: Option<&str>,
) -> (u16, Value) {
    app.api(
        secret,
        "POST",
        &format!("/api/v1/sites/jb/consultations/{id}/{step}"),
        text.map(|t| json!({ "text": t })),
    )
    .await
}

async fn page(app: &TestApp, segment: &str, id: i64) -> Resp {
    app.get(&host("jb"), &format!("/hudong/{segment}/{id}.html"))
        .await
}

const QUESTIONS: &str = "[单选] 您对社区食堂的总体评价？\n满意\n一般\n不满意\n\n[多选] 您希望增加哪些服务？\n早餐\n送餐上门\n老年助餐\n\n[填空] 其他建议";

async fn survey_flow(app: &TestApp) {
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

async fn solicitation_flow(app: &TestApp) {
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

async fn interview_flow(app: &TestApp) {
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

/// The console drives the same steps: a draft made from the form, published, listed.
async fn console_flow(app: &TestApp) {
    app.account("cs.console", None, &[("jb", TenantRole::SiteAdmin)])
        .await;
    let (_, session) = app.sign_in("cs.console", PASSWORD).await;
    let cookie = session.expect("session");
    let list = app
        .get_with(
            "127.0.0.1",
            "/console/sites/jb/consult",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    let csrf = hidden_csrf(&list.body);
    let refused = app
        .post_form(
            "127.0.0.1",
            "/console/sites/jb/consult",
            &[
                ("csrf", &csrf),
                ("kind", "interview"),
                ("title", "无嘉宾的访谈"),
                ("body", "x"),
                ("opens_at", "2026-11-10T09:00"),
                ("closes_at", "2026-11-10T10:00"),
            ],
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("请填写访谈嘉宾") && refused.body.contains("无嘉宾的访谈"),
        "typed text kept"
    );
    let made = app
        .post_form(
            "127.0.0.1",
            "/console/sites/jb/consult",
            &[
                ("csrf", &csrf),
                ("kind", "solicitation"),
                ("title", "控制台征集"),
                ("body", "<p>正文</p>"),
                ("opens_at", "2026-11-02T08:00"),
                ("closes_at", "2026-11-20T17:00"),
            ],
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let at = made.header("location").unwrap().to_owned();
    let detail = app.get_with("127.0.0.1", &at, &[("cookie", &cookie)]).await;
    assert!(detail.body.contains("控制台征集") && detail.body.contains("审核通过并发布"));
    let path = at.split('?').next().unwrap();
    let version = hidden(&detail.body, "version");
    let published = app
        .post_form(
            "127.0.0.1",
            &format!("{path}/step"),
            &[("csrf", &csrf), ("version", &version), ("step", "publish")],
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(published.status, 303);
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(page(app, "zhengji", id).await.status, 200);
    let stale = app
        .post_form(
            "127.0.0.1",
            &format!("{path}/step"),
            &[("csrf", &csrf), ("version", &version), ("step", "end")],
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(
        stale.status, 409,
        "a step decided on an old version is refused"
    );
}

macro_rules! both {
    ($($name:ident => $flow:ident;)+) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = super::app(zq_tests::Backend::Sqlite).await;
                    super::$flow(&app).await;
                    app.finish().await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = super::app(zq_tests::Backend::Postgres).await;
                    super::$flow(&app).await;
                    app.finish().await;
                }
            )+
        }
    };
}

both! {
    a_survey_takes_one_response_per_browser_and_shows_results_once_closed => survey_flow;
    solicitation_comments_show_once_approved_and_the_outcome_after_it_ends => solicitation_flow;
    an_interview_answers_live_and_its_unanswered_questions_become_cases => interview_flow;
    the_console_drafts_publishes_and_refuses_stale_steps_of_consultations => console_flow;
}
