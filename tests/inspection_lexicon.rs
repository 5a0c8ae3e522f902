//! The lexicon of serious errors over HTTP on SQLite and PostgreSQL: the office keeps the terms
//! (a site's account may not; a bad term is refused in Chinese); an article with a wrong
//! phrase written in traditional characters cannot be approved until the reviewer gives a
//! reason, which is recorded in the audit log; the editor sees the hit in the console; a scan
//! of published content finds it and the site fails the serious-errors veto, which clears once
//! the term is gone.

use serde_json::{Value, json};
use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{PASSWORD, TestApp, indicator, on_both_backends};

async fn add(app: &TestApp, secret: &str, term: Value) -> (u16, Value) {
    app.api(secret, "POST", "/api/v1/lexicon", Some(term)).await
}

on_both_backends! {
    async fn a_wrong_phrase_blocks_approval_until_a_reviewer_gives_a_reason_and_fails_the_veto_once_published(app: demo) {
        let office = app.token("lx.office", Some(ClusterRole::ClusterAdmin), None).await;
        let editor = app.token("lx.editor", None, Some(("jb", TenantRole::Editor))).await;
        let reviewer = app.token("lx.reviewer", None, Some(("jb", TenantRole::Reviewer))).await;
        let admin = app.token("lx.admin", None, Some(("jb", TenantRole::SiteAdmin))).await;

        // Before any term the veto is not measured.
        let (_, r) = app.api(&editor, "GET", "/api/v1/sites/jb/inspection", None).await;
        assert_eq!(indicator(&r, "serious_errors")["status"], "not_available");

        // The office keeps the terms; a site's account may not; bad terms are refused.
        let (s, e) = add(app, &admin, json!({"kind": "forbidden", "text": "某禁用词"})).await;
        assert_eq!(s, 403, "{e}");
        let (s, e) = add(app, &office, json!({"kind": "wrong", "text": "中华人民共合国"})).await;
        assert_eq!(s, 422, "{e}");
        assert!(e.to_string().contains("须填写正确表述"), "{e}");
        let (s, wrong) = add(app, &office, json!({"kind": "wrong", "text": "中华人民共合国", "right": "中华人民共和国"})).await;
        assert_eq!(s, 201, "{wrong}");
        let (s, e) = add(app, &office, json!({"kind": "wrong", "text": "中华人民共合国", "right": "中华人民共和国"})).await;
        assert_eq!(s, 409, "a term once: {e}");
        let (s, _) = add(app, &office, json!({"kind": "leader", "text": "王海川", "right": "市长"})).await;
        assert_eq!(s, 201);
        let (_, terms) = app.api(&office, "GET", "/api/v1/lexicon", None).await;
        assert_eq!(terms.as_array().unwrap().len(), 2, "{terms}");

        // An article with the phrase in traditional characters and a leader with a wrong title.
        let column = app.news_column(&editor, "jb").await["id"].clone();
        let body = "<p>慶祝中華人民共合國成立七十七周年。副市长王海川出席。</p>";
        let (s, a) = app
            .api(&editor, "POST", "/api/v1/sites/jb/articles", Some(json!({"column_id": column, "title": "江北区举行国庆升旗仪式", "body": body})))
            .await;
        assert_eq!(s, 201, "{a}");
        let id = a["id"].as_i64().unwrap();
        let path = |step: &str| format!("/api/v1/sites/jb/articles/{id}/{step}");
        assert_eq!(app.api(&editor, "POST", &path("submit"), None).await.0, 200);
        let (s, e) = app.api(&reviewer, "POST", &path("approve"), None).await;
        assert_eq!(s, 409, "{e}");
        let text = e.to_string();
        assert!(text.contains("“中華人民共合國”应为“中华人民共和国”"), "{e}");
        assert!(text.contains("王海川的现任职务是“市长”"), "{e}");

        // The editor sees the hits on the article's console page.
        app.account("lx.console", None, &[("jb", TenantRole::Reviewer)]).await;
        let (_, session) = app.sign_in("lx.console", PASSWORD).await;
        let cookie = session.unwrap();
        let page = app
            .get_with("127.0.0.1", &format!("/console/sites/jb/articles/{id}"), &[("cookie", &cookie)])
            .await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("发现可能的严重表述错误") && page.body.contains("确认并审核通过"), "{}", page.body);

        // With a reason it goes through; the override is in the audit log.
        let (s, a) = app
            .api(&reviewer, "POST", &path("approve"), Some(json!({"comment": "引用历史文件原文，已核实"})))
            .await;
        assert_eq!(s, 200, "{a}");
        let (_, audit) = app.api(&admin, "GET", "/api/v1/sites/jb/audit", None).await;
        assert!(audit.to_string().contains("article.lexicon_override"), "{audit}");

        // The scan finds it in published content: jb fails the veto, with the article as evidence.
        let (s, scanned) = app.api(&office, "POST", "/api/v1/lexicon/scan", None).await;
        assert_eq!(s, 200, "{scanned}");
        assert!(scanned["findings"].as_i64().unwrap() >= 2, "{scanned}");
        let (_, r) = app.api(&editor, "GET", "/api/v1/sites/jb/inspection", None).await;
        let serious = indicator(&r, "serious_errors");
        assert_eq!(serious["status"], "fail", "{serious}");
        assert_eq!(serious["evidence"][0]["object"], format!("article:{id}"));
        assert!(r["vetoes"].to_string().contains("严重表述错误"), "{r}");
        let office_page = {
            app.account("lx.officer", Some(ClusterRole::ClusterAdmin), &[]).await;
            let (_, s) = app.sign_in("lx.officer", PASSWORD).await;
            app.get_with("127.0.0.1", "/console/admin/lexicon", &[("cookie", &s.unwrap())]).await
        };
        assert_eq!(office_page.status, 200);
        assert!(office_page.body.contains("江北区") && office_page.body.contains("应为“中华人民共和国”"), "{}", office_page.body);

        // Once the terms are gone and published content scanned again, the veto clears.
        for t in terms.as_array().unwrap() {
            let (s, _) = app.api(&office, "DELETE", &format!("/api/v1/lexicon/{}", t["id"]), None).await;
            assert_eq!(s, 204);
        }
        let (s, _) = add(app, &office, json!({"kind": "forbidden", "text": "从未出现的词"})).await;
        assert_eq!(s, 201);
        let (_, scanned) = app.api(&office, "POST", "/api/v1/lexicon/scan", None).await;
        assert_eq!(scanned["findings"], 0, "{scanned}");
        let (_, r) = app.api(&editor, "GET", "/api/v1/sites/jb/inspection", None).await;
        assert_eq!(indicator(&r, "serious_errors")["status"], "pass");
    }
}
