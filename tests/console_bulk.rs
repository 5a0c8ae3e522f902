//! Bulk actions of the article lists (issue 16), on both databases: ticked articles are
//! submitted, approved, withdrawn and moved each through its own audited write; what the
//! rules refuse is listed with the reason while the rest is done; a writer cannot approve or
//! move what is online; nothing ticked or no column chosen is a clear 422; the list comes back
//! with its filters, the state links keep the search words, and the column pickers are trees.
//! The API does the same (bulk, delete, recycle bin, restore) and counts 发稿统计.

use serde_json::json;
use zq_domain::access::TenantRole;
use zq_domain::workflow::WorkflowState;
use zq_tests::{PASSWORD, Resp, TestApp, hidden_csrf, on_both_backends};

async fn signed_in(app: &TestApp, login: &str, role: TenantRole) -> String {
    app.account(login, None, &[("jb", role)]).await;
    app.sign_in(login, PASSWORD).await.1.expect("signed in")
}

/// Sends the bulk form of 信息管理 as `cookie`.
async fn bulk(app: &TestApp, cookie: &str, form: &[(&str, &str)]) -> Resp {
    let page = app
        .get_with("127.0.0.1", "/console/sites/jb/", &[("cookie", cookie)])
        .await;
    let csrf = hidden_csrf(&page.body);
    let mut all = vec![("csrf", csrf.as_str()), ("view", "list")];
    all.extend_from_slice(form);
    app.post_form(
        "127.0.0.1",
        "/console/sites/jb/articles/bulk",
        &all,
        &[("cookie", cookie)],
    )
    .await
}

fn who(app_user: &zq_store::User) -> zq_store::Who {
    zq_store::Who::user(app_user.id, app_user.login.to_string(), None)
}

async fn user(app: &TestApp, login: &str) -> zq_store::User {
    app.store
        .user_by_login(&zq_domain::security::LoginName::parse(login).unwrap())
        .await
        .unwrap()
        .unwrap()
}

async fn draft(app: &TestApp, title: &str, col: zq_domain::ColumnId, who: &zq_store::Who) -> i64 {
    let t = app.tenant_id("jb").await;
    let text = zq_store::ArticleText {
        column_id: col,
        title: title.into(),
        subtitle: None,
        source: None,
        author: None,
        summary: None,
        body: "<p>批量处理的测试正文。</p>".into(),
        doc_number: None,
        index_number: None,
    };
    app.store
        .create_draft(t, text, None, who)
        .await
        .unwrap()
        .id
        .0
}

async fn state_of(app: &TestApp, id: i64) -> (WorkflowState, zq_domain::ColumnId, i32) {
    let t = app.tenant_id("jb").await;
    let a = app
        .store
        .editorial_article(t, zq_domain::ArticleId(id))
        .await
        .unwrap();
    (a.state, a.text.column_id, a.version)
}

on_both_backends! {
    async fn ticked_articles_are_each_submitted_approved_moved_and_withdrawn_with_refusals_listed(app: demo) {
        let editor = signed_in(app, "jb.bulkeditor", TenantRole::Editor).await;
        let reviewer = signed_in(app, "jb.bulkreviewer", TenantRole::Reviewer).await;
        let who = who(&user(app, "jb.bulkeditor").await);
        let news = app.new_list_column("jb", "bulkfrom", "批量原栏目", None).await;
        let other = app.new_list_column("jb", "bulkto", "批量新栏目", None).await;
        let a = draft(app, "批量甲：防汛通知", news, &who).await;
        let b = draft(app, "批量乙：招聘公告", news, &who).await;
        let c = draft(app, "批量丙：会议纪要", news, &who).await;
        let (sa, sb, sc) = (a.to_string(), b.to_string(), c.to_string());

        // The editor's bar offers 送审 and 移动, not 审核通过 or 撤回.
        let page = app.get_with("127.0.0.1", "/console/sites/jb/", &[("cookie", &editor)]).await;
        assert!(page.body.contains("value=\"submit\"") && page.body.contains("value=\"move\""), "{}", page.body);
        assert!(!page.body.contains("value=\"approve\"") && !page.body.contains("value=\"withdraw\""));
        assert!(page.body.contains(&format!("name=\"ids\" value=\"{a}\"")) && page.body.contains("全选本页"));

        // Nothing ticked, no action, no column: 422 with the reason, nothing done.
        let r = bulk(app, &editor, &[("action", "submit")]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("请先勾选要处理的信息"), "{}", r.body);
        let r = bulk(app, &editor, &[("ids", &sa)]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("请选择要做的操作"));
        let r = bulk(app, &editor, &[("action", "move"), ("ids", &sa)]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("请选择要移到的栏目"));
        assert_eq!(state_of(app, a).await.0, WorkflowState::Draft);

        // 送审 three, and an id from nowhere: three done, the stranger listed.
        let r = bulk(app, &editor, &[("action", "submit"), ("ids", &sa), ("ids", &sb), ("ids", &sc), ("ids", "99999999")]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("已送审 3 条信息。以下 1 条未处理："), "{}", r.body);
        assert!(r.body.contains("编号 99999999"));
        for id in [a, b, c] {
            assert_eq!(state_of(app, id).await.0, WorkflowState::PendingReview);
        }
        // Again: each is refused by the workflow, in Chinese, with its title.
        let r = bulk(app, &editor, &[("action", "submit"), ("ids", &sa)]).await;
        assert!(r.body.contains("已送审 0 条信息。以下 1 条未处理：") && r.body.contains("批量甲：防汛通知"), "{}", r.body);

        // The editor may not approve, even by sending the form by hand.
        let r = bulk(app, &editor, &[("action", "approve"), ("ids", &sa)]).await;
        assert!(r.body.contains("已审核通过 0 条信息") && r.body.contains("没有权限"), "{}", r.body);

        // The reviewer approves two: both online, each with its own audit row.
        let r = bulk(app, &reviewer, &[("action", "approve"), ("ids", &sa), ("ids", &sb)]).await;
        assert!(r.body.contains("已审核通过 2 条信息。"), "{}", r.body);
        assert_eq!(state_of(app, a).await.0, WorkflowState::Published);
        assert_eq!(state_of(app, b).await.0, WorkflowState::Published);
        let t = app.tenant_id("jb").await;
        let audit = app.store.audit_log(Some(t), 200).await.unwrap();
        for id in [a, b] {
            assert!(audit.iter().any(|e| e.entry.action == "article.approve" && e.entry.object == format!("article:{id}")), "approve of {id}");
        }

        // The editor may move a draft-like article, not a published one.
        let r = bulk(app, &editor, &[("action", "move"), ("column", &other.to_string()), ("ids", &sa)]).await;
        assert!(r.body.contains("已移动 0 条信息") && r.body.contains("没有权限"), "{}", r.body);
        assert_eq!(state_of(app, a).await.1, news);

        // The reviewer moves a published one: still online, under the new column, a new
        // version, the move audited with both column names.
        let before = state_of(app, a).await;
        let r = bulk(app, &reviewer, &[("action", "move"), ("column", &other.to_string()), ("ids", &sa)]).await;
        assert!(r.body.contains("已移动 1 条信息。"), "{}", r.body);
        let after = state_of(app, a).await;
        assert_eq!((after.0, after.1, after.2), (WorkflowState::Published, other, before.2 + 1));
        let audit = app.store.audit_log(Some(t), 200).await.unwrap();
        let moved = audit.iter().find(|e| e.entry.action == "article.move" && e.entry.object == format!("article:{a}")).expect("move audited");
        assert!(moved.entry.note.as_deref().is_some_and(|n| n.contains("移到")), "{moved:?}");
        // The history shows the move by the columns' names.
        let history = app.get_with("127.0.0.1", &format!("/console/sites/jb/articles/{a}/versions"), &[("cookie", &reviewer)]).await;
        assert!(history.body.contains("栏目：批量原栏目") && history.body.contains("栏目：批量新栏目"), "{}", history.body);
        let public = app.get(&zq_tests::host("jb"), "/col/bulkto/").await;
        assert!(public.body.contains("批量甲：防汛通知"), "the new column lists it at once");
        let old = app.get(&zq_tests::host("jb"), "/col/bulkfrom/").await;
        assert!(!old.body.contains("批量甲：防汛通知"), "the old column no longer does");

        // 撤回 takes both published ones off the site; the pending one is refused.
        let r = bulk(app, &reviewer, &[("action", "withdraw"), ("ids", &sa), ("ids", &sb), ("ids", &sc)]).await;
        assert!(r.body.contains("已撤回 2 条信息。以下 1 条未处理：") && r.body.contains("批量丙：会议纪要"), "{}", r.body);
        assert_eq!(state_of(app, a).await.0, WorkflowState::Withdrawn);
        assert_eq!(state_of(app, c).await.0, WorkflowState::PendingReview);

        // The list comes back with the filters it was sent from.
        let page = app.get_with("127.0.0.1", "/console/sites/jb/", &[("cookie", &reviewer)]).await;
        let csrf = hidden_csrf(&page.body);
        let r = app.post_form("127.0.0.1", "/console/sites/jb/articles/bulk",
            &[("csrf", &csrf), ("view", "list"), ("query", "page=0&state=withdrawn&q=%E6%89%B9%E9%87%8F"), ("action", "submit"), ("ids", &sb)],
            &[("cookie", &reviewer)]).await;
        assert!(r.body.contains("value=\"批量\"") && r.body.contains("state=withdrawn&amp;q=%E6%89%B9%E9%87%8F\" aria-current=\"true\""), "{}", r.body);
    }

    async fn state_links_keep_the_search_and_column_pickers_are_trees(app: demo) {
        let admin = signed_in(app, "jb.bulkadmin", TenantRole::SiteAdmin).await;
        let t = app.tenant_id("jb").await;
        let who = who(&user(app, "jb.bulkadmin").await);
        let parent = app.new_list_column("jb", "bulkparent", "批量父栏目", None).await;
        let child = app.new_list_column("jb", "bulkchild", "批量子栏目", Some(parent)).await;
        draft(app, "树形栏目里的稿件", child, &who).await;

        let r = app.get_with("127.0.0.1", "/console/sites/jb/?q=%E6%A0%91%E5%BD%A2", &[("cookie", &admin)]).await;
        assert!(r.body.contains("?state=draft&amp;q=%E6%A0%91%E5%BD%A2\""), "state links keep the words: {}", r.body);
        // The child sits right under its parent, marked as such, in the search and move pickers.
        assert!(app.store.columns(t).await.unwrap().iter().any(|c| c.id == child));
        let under = format!("批量父栏目</option><option value=\"{child}\">└ 批量子栏目</option>");
        assert_eq!(r.body.matches(&under).count(), 2, "{}", r.body);
        // And in the editor.
        let r = app.get_with("127.0.0.1", "/console/sites/jb/articles/new", &[("cookie", &admin)]).await;
        assert!(r.body.contains(">└ 批量子栏目</option>"), "{}", r.body);
    }

    async fn the_api_takes_bulk_actions_deletes_restores_and_counts_like_the_console(app: demo) {
        let editor = app.token("jb.apibulkeditor", None, Some(("jb", TenantRole::Editor))).await;
        let reviewer = app.token("jb.apibulkreviewer", None, Some(("jb", TenantRole::Reviewer))).await;
        let col = app.new_list_column("jb", "apibulk", "接口批量栏目", None).await;
        let mut ids = Vec::new();
        for title in ["接口批量甲", "接口批量乙"] {
            let (s, a) = app.api(&editor, "POST", "/api/v1/sites/jb/articles", Some(json!({"column_id": col.0, "title": title, "body": "<p>正文</p>"}))).await;
            assert_eq!(s, 201, "{a}");
            ids.push(a["id"].as_i64().unwrap());
        }
        let (s, r) = app.api(&editor, "POST", "/api/v1/sites/jb/articles/bulk", Some(json!({"action": "submit", "ids": [ids[0], ids[1], 99999999]}))).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["done"], json!([ids[0], ids[1]]));
        assert_eq!(r["refused"][0]["id"], 99999999);
        let (s, r) = app.api(&editor, "POST", "/api/v1/sites/jb/articles/bulk", Some(json!({"action": "approve", "ids": [ids[0]]}))).await;
        assert_eq!((s, &r["done"]), (200, &json!([])), "an editor may not approve: {r}");
        assert!(r["refused"][0]["reason"].as_str().unwrap().contains("没有权限"));
        let (s, r) = app.api(&reviewer, "POST", "/api/v1/sites/jb/articles/bulk", Some(json!({"action": "approve", "ids": [ids[0]]}))).await;
        assert_eq!((s, &r["done"]), (200, &json!([ids[0]])), "{r}");
        let (s, r) = app.api(&editor, "POST", "/api/v1/sites/jb/articles/bulk", Some(json!({"action": "dance", "ids": [ids[0]]}))).await;
        assert_eq!(s, 422, "{r}");
        assert!(r["message"].as_str().unwrap().contains("dance"));

        // Delete the other (recalled first), see it in the bin, restore it.
        let (s, _) = app.api(&editor, "POST", &format!("/api/v1/sites/jb/articles/{}/recall", ids[1]), None).await;
        assert_eq!(s, 200);
        let (s, r) = app.api(&editor, "POST", &format!("/api/v1/sites/jb/articles/{}/delete", ids[1]), Some(json!({"reason": "重复稿件"}))).await;
        assert_eq!(s, 200, "{r}");
        let item = r["id"].as_i64().unwrap();
        let (s, bin) = app.api(&editor, "GET", "/api/v1/sites/jb/recycle", None).await;
        assert_eq!(s, 200);
        assert!(bin.as_array().unwrap().iter().any(|i| i["id"] == item && i["title"] == "接口批量乙" && i["reason"] == "重复稿件"), "{bin}");
        let (s, r) = app.api(&editor, "POST", &format!("/api/v1/sites/jb/recycle/{item}/restore"), None).await;
        assert_eq!(s, 200, "{r}");
        let (s, _) = app.api(&editor, "GET", &format!("/api/v1/sites/jb/articles/{}", ids[1]), None).await;
        assert_eq!(s, 200, "back under its id");

        // 发稿统计: the approved one counts in its column today.
        let today = chrono::Utc::now().with_timezone(&zq_domain::time::beijing()).date_naive();
        let (s, st) = app.api(&editor, "GET", &format!("/api/v1/sites/jb/statistics?from={today}&to={today}"), None).await;
        assert_eq!(s, 200, "{st}");
        assert!(st["columns"].as_array().unwrap().iter().any(|c| c["name"] == "接口批量栏目" && c["count"] == 1), "{st}");
        assert_eq!(app.api(&editor, "GET", "/api/v1/sites/jb/statistics?period=2026-13", None).await.0, 422);
        assert_eq!(app.api(&editor, "GET", "/api/v1/statistics", None).await.0, 403, "the cluster's figures are the office's");
        let office = app.token("apibulk.office", Some(zq_domain::access::ClusterRole::ClusterAdmin), None).await;
        let (s, all) = app.api(&office, "GET", &format!("/api/v1/statistics?from={today}&to={today}"), None).await;
        assert_eq!(s, 200);
        assert!(all["sites"].as_array().unwrap().iter().any(|x| x["code"] == "jb" && x["count"].as_u64().unwrap() >= 1), "{all}");
    }
}
