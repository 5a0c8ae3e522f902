//! Finding articles in 信息管理 (issue 16), on both databases: by words in the title or the
//! text, by column, by who wrote it, by state and by the day it last changed, each alone and
//! combined; the form keeps what was asked, and an empty result says so.

use zq_domain::access::TenantRole;
use zq_tests::{PASSWORD, TestApp, on_both_backends};

/// The titles of the test's articles that 信息管理 lists for `query`.
async fn found(app: &TestApp, cookie: &str, query: &str) -> Vec<&'static str> {
    let r = app
        .get_with(
            "127.0.0.1",
            &format!("/console/sites/jb/?{query}"),
            &[("cookie", cookie)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    ["查找甲：防汛会议", "查找乙：招聘公告", "查找丙：防汛物资"]
        .into_iter()
        .filter(|t| r.body.contains(t))
        .collect()
}

on_both_backends! {
    async fn articles_are_found_by_words_column_author_state_and_day(app: demo) {
        let a = app.account("jb.finder", None, &[("jb", TenantRole::Editor)]).await;
        let b = app.account("jb.otherfinder", None, &[("jb", TenantRole::Editor)]).await;
        let cookie = app.sign_in("jb.finder", PASSWORD).await.1.expect("signed in");
        let t = app.store.tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap()).await.unwrap().unwrap();
        let cols: Vec<_> = app.store.columns(t.id).await.unwrap().into_iter()
            .filter(|c| c.kind == zq_domain::ColumnKind::ArticleList && c.aggregates.is_none())
            .map(|c| c.id).take(2).collect();
        let who = |u: &zq_store::User| zq_store::Who::user(u.id, u.login.to_string(), None);
        let mut ids = Vec::new();
        for (title, body, col, author) in [
            ("查找甲：防汛会议", "<p>部署汛期值班。</p>", cols[0], &a),
            ("查找乙：招聘公告", "<p>报名截止三月。</p>", cols[1], &b),
            ("查找丙：防汛物资", "<p>沙袋储备充足，另有值班安排。</p>", cols[1], &a),
        ] {
            let text = zq_store::ArticleText { column_id: col, title: title.into(), subtitle: None, source: None, author: None,
                summary: None, body: body.into(), doc_number: None, index_number: None };
            ids.push(app.store.create_draft(t.id, text, None, &who(author)).await.unwrap().id);
        }
        app.store.article_event(t.id, ids[1], &zq_domain::workflow::Event::Submit, &who(&b)).await.unwrap();

        assert_eq!(found(app, &cookie, "q=%E9%98%B2%E6%B1%9B").await, vec!["查找甲：防汛会议", "查找丙：防汛物资"], "防汛 in titles");
        assert_eq!(found(app, &cookie, "q=%E5%80%BC%E7%8F%AD").await, vec!["查找甲：防汛会议", "查找丙：防汛物资"], "值班 in the text");
        assert_eq!(found(app, &cookie, &format!("column={}", cols[1])).await, vec!["查找乙：招聘公告", "查找丙：防汛物资"]);
        assert_eq!(found(app, &cookie, &format!("author={}", b.id)).await, vec!["查找乙：招聘公告"]);
        assert_eq!(found(app, &cookie, "state=pending_review").await, vec!["查找乙：招聘公告"]);
        assert_eq!(found(app, &cookie, &format!("q=%E9%98%B2%E6%B1%9B&column={}&author={}", cols[1], a.id)).await, vec!["查找丙：防汛物资"]);
        let today = chrono::Utc::now().with_timezone(&zq_domain::time::beijing()).date_naive();
        let yesterday = today.pred_opt().unwrap();
        assert_eq!(found(app, &cookie, &format!("q=%E6%9F%A5%E6%89%BE&from={today}&to={today}")).await.len(), 3);
        assert!(found(app, &cookie, &format!("q=%E6%9F%A5%E6%89%BE&to={yesterday}")).await.is_empty());

        // The form keeps the question; nothing found says so.
        let r = app.get_with("127.0.0.1", "/console/sites/jb/?q=%E6%B2%A1%E6%9C%89%E8%BF%99%E6%A0%B7%E7%9A%84", &[("cookie", &cookie)]).await;
        assert!(r.body.contains("value=\"没有这样的\"") && r.body.contains("没有符合条件的信息") && r.body.contains("清除条件"), "{}", r.body);
    }
}
