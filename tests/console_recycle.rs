//! Delete and the 回收站 (issue 16) in the console, on both databases: a draft goes into the
//! bin with its typed reason (audited) and comes back whole — same id, state and versions; an
//! article that is online must be withdrawn first and comes back withdrawn; a column goes
//! only when it has no sub-columns and its articles are moved, leaves the public site at once,
//! and comes back; what has been kept `jobs.recycle_keep_days` is purged by the leased job.

use zq_domain::access::TenantRole;
use zq_domain::workflow::WorkflowState;
use zq_domain::{ArticleId, ArticleStatus, ColumnId};
use zq_services::jobs::Job;
use zq_tests::{PASSWORD, Resp, TestApp, hidden_csrf, host, on_both_backends};

async fn signed_in(app: &TestApp, login: &str, role: TenantRole) -> String {
    app.account(login, None, &[("jb", role)]).await;
    app.sign_in(login, PASSWORD).await.1.expect("signed in")
}

async fn article_in(
    app: &TestApp,
    column: ColumnId,
    title: &str,
    status: ArticleStatus,
) -> ArticleId {
    let a = zq_tests::NewArticle {
        column_id: column,
        ..zq_tests::article(title, status)
    };
    app.create_article(app.tenant_id("jb").await, a)
        .await
        .unwrap()
}

async fn post(
    app: &TestApp,
    cookie: &str,
    csrf_from: &str,
    path: &str,
    form: &[(&str, &str)],
) -> Resp {
    let csrf = hidden_csrf(
        &app.get_with("127.0.0.1", csrf_from, &[("cookie", cookie)])
            .await
            .body,
    );
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(form);
    app.post_form("127.0.0.1", path, &all, &[("cookie", cookie)])
        .await
}

async fn bin_item(app: &TestApp, title: &str) -> i64 {
    let items = app
        .store
        .recycle_bin(app.tenant_id("jb").await)
        .await
        .unwrap();
    items
        .iter()
        .find(|i| i.title == title)
        .unwrap_or_else(|| panic!("{title} in {items:?}"))
        .id
}

on_both_backends! {
    async fn a_deleted_draft_goes_to_the_recycle_bin_and_comes_back_as_it_was(app: demo) {
        let editor = signed_in(app, "jb.bineditor", TenantRole::Editor).await;
        let tenant = app.tenant_id("jb").await;
        let column = app.new_list_column("jb", "hsz-a", "回收站测试栏目", None).await;
        let id = article_in(app, column, "要删除的草稿", ArticleStatus::Draft).await;
        let mut text = app.store.editorial_article(tenant, id).await.unwrap().text;
        text.body = "<p>第二版正文。</p>".into();
        app.store.update_draft(tenant, id, text, None, None, &zq_store::Who::system()).await.unwrap();
        let page = format!("/console/sites/jb/articles/{id}");
        let shown = app.get_with("127.0.0.1", &page, &[("cookie", &editor)]).await;
        assert!(shown.body.contains("删除（移入回收站）"), "{}", shown.body);

        // Without a reason: refused, nothing deleted.
        let r = post(app, &editor, &page, &format!("{page}/delete"), &[("reason", " ")]).await;
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(r.body.contains("请填写删除理由"), "{}", r.body);
        assert!(app.store.editorial_article(tenant, id).await.is_ok());

        let r = post(app, &editor, &page, &format!("{page}/delete"), &[("reason", "重复录入")]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(r.header("location").unwrap().ends_with("/console/sites/jb/?notice=article_deleted"));
        assert!(app.store.editorial_article(tenant, id).await.is_err());
        assert_eq!(app.get_with("127.0.0.1", &page, &[("cookie", &editor)]).await.status, 404);
        let bin = app.get_with("127.0.0.1", "/console/sites/jb/recycle", &[("cookie", &editor)]).await;
        assert!(bin.body.contains("要删除的草稿") && bin.body.contains("重复录入") && bin.body.contains("保留 30 天"), "{}", bin.body);
        let log = app.store.audit_log(Some(tenant), 50).await.unwrap();
        let row = log.iter().find(|e| e.entry.action == "article.delete").expect("audited");
        assert_eq!((row.entry.object.as_str(), row.entry.note.as_deref()), (format!("article:{id}").as_str(), Some("重复录入")));

        // Restored: the same id, state and both versions.
        let item = bin_item(app, "要删除的草稿").await;
        let r = post(app, &editor, "/console/sites/jb/recycle", &format!("/console/sites/jb/recycle/{item}/restore"), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(r.header("location").unwrap().ends_with(&format!("/articles/{id}?notice=article_recovered")));
        let a = app.store.editorial_article(tenant, id).await.unwrap();
        assert_eq!((a.state, a.version, a.text.body.as_str()), (WorkflowState::Draft, 2, "<p>第二版正文。</p>"));
        assert_eq!(app.store.article_versions(tenant, id).await.unwrap().len(), 2);
        assert!(app.store.recycle_bin(tenant).await.unwrap().is_empty());
        assert!(app.store.audit_log(Some(tenant), 10).await.unwrap().iter().any(|e| e.entry.action == "article.recover"));
    }

    async fn an_online_article_is_withdrawn_before_deletion_and_stays_withdrawn_when_restored(app: demo) {
        let reviewer = signed_in(app, "jb.binreviewer", TenantRole::Reviewer).await;
        let tenant = app.tenant_id("jb").await;
        let column = app.new_list_column("jb", "hsz-b", "回收站发布栏目", None).await;
        let id = article_in(app, column, "已发布要删除的信息", ArticleStatus::Published).await;
        let page = format!("/console/sites/jb/articles/{id}");
        let shown = app.get_with("127.0.0.1", &page, &[("cookie", &reviewer)]).await;
        assert!(!shown.body.contains("删除（移入回收站）"), "no delete button while online");
        let r = post(app, &reviewer, &page, &format!("{page}/delete"), &[("reason", "过时")]).await;
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(r.body.contains("请先撤下"), "{}", r.body);
        assert_eq!(app.get(&host("jb"), &format!("/art/{id}.html")).await.status, 200);

        app.withdraw_article(tenant, id).await.unwrap();
        let r = post(app, &reviewer, &page, &format!("{page}/delete"), &[("reason", "过时")]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let item = bin_item(app, "已发布要删除的信息").await;
        let r = post(app, &reviewer, "/console/sites/jb/recycle", &format!("/console/sites/jb/recycle/{item}/restore"), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(app.store.editorial_article(tenant, id).await.unwrap().state, WorkflowState::Withdrawn);
        assert_eq!(app.get(&host("jb"), &format!("/art/{id}.html")).await.status, 404, "withdrawn stays withdrawn");
        // Anti-tampering has nothing to complain about.
        assert!(app.store.article_fingerprints(tenant).await.unwrap().iter().all(|c| c.intact()));
    }

    async fn a_column_goes_only_when_empty_or_with_its_articles_moved_and_can_come_back(app: demo) {
        let admin = signed_in(app, "jb.binadmin", TenantRole::SiteAdmin).await;
        let tenant = app.tenant_id("jb").await;
        let doomed = app.new_list_column("jb", "hsz-c", "将删除的栏目", None).await;
        let target = app.new_list_column("jb", "hsz-d", "接收信息的栏目", None).await;
        let parent = app.new_list_column("jb", "hsz-e", "有子栏目的栏目", None).await;
        app.new_list_column("jb", "hsz-f", "子栏目", Some(parent)).await;
        let moved = article_in(app, doomed, "将被移走的信息", ArticleStatus::Published).await;
        assert_eq!(app.get(&host("jb"), "/col/hsz-c/").await.status, 200);
        let cols = "/console/sites/jb/columns";
        let delete = "/console/sites/jb/columns/delete";
        let (d, t, p) = (doomed.0.to_string(), target.0.to_string(), parent.0.to_string());

        let r = post(app, &admin, cols, delete, &[("column_id", &d), ("move_to", ""), ("reason", "合并栏目")]).await;
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(r.body.contains("还有 1 篇信息"), "{}", r.body);
        let r = post(app, &admin, cols, delete, &[("column_id", &p), ("move_to", ""), ("reason", "合并栏目")]).await;
        assert_eq!(r.status, 409);
        assert!(r.body.contains("子栏目"), "{}", r.body);
        let r = post(app, &admin, cols, delete, &[("column_id", &d), ("move_to", &d), ("reason", "合并栏目")]).await;
        assert_eq!(r.status, 409, "moving into itself");

        let r = post(app, &admin, cols, delete, &[("column_id", &d), ("move_to", &t), ("reason", "合并栏目")]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(app.store.editorial_article(tenant, moved).await.unwrap().text.column_id, target);
        assert_eq!(app.get(&host("jb"), "/col/hsz-c/").await.status, 404, "gone from the site at once");
        assert!(app.get(&host("jb"), "/col/hsz-d/").await.body.contains("将被移走的信息"));

        let item = bin_item(app, "将删除的栏目").await;
        let r = post(app, &admin, "/console/sites/jb/recycle", &format!("/console/sites/jb/recycle/{item}/restore"), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(app.get(&host("jb"), "/col/hsz-c/").await.status, 200, "back on the site");
        let actions: Vec<String> = app.store.audit_log(Some(tenant), 20).await.unwrap().into_iter().map(|e| e.entry.action).collect();
        assert!(actions.contains(&"column.delete".to_owned()) && actions.contains(&"column.recover".to_owned()), "{actions:?}");
    }

    async fn what_has_been_kept_long_enough_is_purged_by_the_job(app: demo) {
        let tenant = app.tenant_id("jb").await;
        let column = app.new_list_column("jb", "hsz-g", "到期栏目", None).await;
        let old = article_in(app, column, "很久以前删除的", ArticleStatus::Draft).await;
        let recent = article_in(app, column, "刚刚删除的", ArticleStatus::Draft).await;
        for id in [old, recent] {
            app.store.delete_article(tenant, id, "测试", &zq_store::Who::system()).await.unwrap();
        }
        let item = bin_item(app, "很久以前删除的").await;
        let past = (chrono::Utc::now() - chrono::Duration::days(31)).format("%Y-%m-%d %H:%M:%S");
        app.tamper(&format!("UPDATE recycle_bin SET deleted_at = '{past}+00:00' WHERE id = {item}")).await;
        let job = zq_services::recycle::RecyclePurge { every: std::time::Duration::from_secs(3600) };
        job.run(&app.services).await.unwrap();
        let left: Vec<String> = app.store.recycle_bin(tenant).await.unwrap().into_iter().map(|i| i.title).collect();
        assert_eq!(left, vec!["刚刚删除的".to_owned()]);
        assert!(app.store.audit_log(Some(tenant), 10).await.unwrap().iter().any(|e| e.entry.action == "article.purge"));
    }
}
