//! 发稿统计 (issue 16), on both databases: a site's articles published in a period counted
//! per column, per writer and per month, on the page and in the CSV; the office's view per
//! site with links to each site's figures; operators see the counts, other sites' clerks do
//! not; a period that cannot be read is a 422 in Chinese.

use zq_domain::access::{ClusterRole, TenantRole};
use zq_domain::workflow::Event;
use zq_tests::{PASSWORD, TestApp, on_both_backends};

/// An editor's article in `col`, published now by a reviewer.
async fn published(app: &TestApp, editor: &zq_store::User, col: zq_domain::ColumnId, title: &str) {
    let t = app.tenant_id("jb").await;
    let who = zq_store::Who::user(editor.id, editor.login.to_string(), None);
    let text = zq_store::ArticleText {
        column_id: col,
        title: title.into(),
        subtitle: None,
        source: None,
        author: None,
        summary: None,
        body: "<p>发稿统计的测试正文。</p>".into(),
        doc_number: None,
        index_number: None,
    };
    let a = app.store.create_draft(t, text, None, &who).await.unwrap();
    app.store
        .article_event(t, a.id, &Event::Submit, &who)
        .await
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    let approve = Event::Approve {
        now,
        publish_at: None,
    };
    app.store
        .article_event(t, a.id, &approve, &zq_store::Who::system())
        .await
        .unwrap();
}

/// A jb editor (display name `{login}姓名`).
async fn account(app: &TestApp, login: &str) -> zq_store::User {
    app.account(login, None, &[("jb", TenantRole::Editor)])
        .await
}

on_both_backends! {
    async fn a_sites_articles_are_counted_per_column_writer_and_month_on_the_page_and_in_csv(app: demo) {
        let a = account(app, "jb.statsa").await;
        let b = account(app, "jb.statsb").await;
        let c1 = app.new_list_column("jb", "statsone", "统计栏目一", None).await;
        let c2 = app.new_list_column("jb", "statstwo", "统计栏目二", None).await;
        published(app, &a, c1, "统计一").await;
        published(app, &a, c1, "统计二").await;
        published(app, &b, c2, "统计三").await;
        let editor = app.sign_in("jb.statsa", PASSWORD).await.1.expect("signed in");

        let today = chrono::Utc::now().with_timezone(&zq_domain::time::beijing()).date_naive();
        let q = format!("from={today}&to={today}");
        let r = app.get_with("127.0.0.1", &format!("/console/sites/jb/statistics?{q}"), &[("cookie", &editor)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("各栏目发稿") && r.body.contains("各撰写人发稿") && r.body.contains("发稿统计"), "{}", r.body);
        assert!(r.body.contains("<td>统计栏目一</td><td>2</td>") && r.body.contains("<td>统计栏目二</td><td>1</td>"), "{}", r.body);
        let name_a = &a.display_name;
        assert!(r.body.contains(&format!("<td>{name_a}</td><td>2</td>")), "{}", r.body);
        assert!(r.body.contains("role=\"img\"") && r.body.contains("每月发稿数"));
        let month = today.format("%Y-%m").to_string();
        assert!(r.body.contains(&format!("<th scope=\"row\">{month}</th>")));
        // The tab is there for the site's clerks.
        assert!(r.body.contains("/console/sites/jb/statistics\""));

        let csv = app.get_with("127.0.0.1", &format!("/console/sites/jb/statistics?{q}&format=csv"), &[("cookie", &editor)]).await;
        assert_eq!(csv.status, 200);
        assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
        assert!(csv.header("content-disposition").unwrap().contains("filename*=UTF-8''"));
        assert!(csv.body.starts_with('\u{feff}') && csv.body.contains("类别,名称,发稿数\r\n"), "{}", csv.body);
        assert!(csv.body.contains("栏目,统计栏目一,2\r\n") && csv.body.contains(&format!("撰写人,{name_a},2\r\n")), "{}", csv.body);
        assert!(csv.body.contains(&format!("月份,{month},")));

        // A period that cannot be read, or too long: 422, said in Chinese.
        let r = app.get_with("127.0.0.1", "/console/sites/jb/statistics?period=2026-13", &[("cookie", &editor)]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("统计周期"), "{}", r.body);
        let r = app.get_with("127.0.0.1", "/console/sites/jb/statistics?from=2001-01-01&to=2026-01-01", &[("cookie", &editor)]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("不超过十年"), "{}", r.body);
        // The default is this year.
        let r = app.get_with("127.0.0.1", "/console/sites/jb/statistics", &[("cookie", &editor)]).await;
        assert!(r.body.contains(&format!("（{}）", today.format("%Y"))), "{}", r.body);

        // Another site's clerk may not see jb's figures.
        app.account("mzj.statseditor", None, &[("mzj", TenantRole::Editor)]).await;
        let other = app.sign_in("mzj.statseditor", PASSWORD).await.1.expect("signed in");
        let r = app.get_with("127.0.0.1", "/console/sites/jb/statistics", &[("cookie", &other)]).await;
        assert!(r.status == 403 || r.status == 404, "{}", r.status);
        let r = app.get_with("127.0.0.1", "/console/admin/statistics", &[("cookie", &other)]).await;
        assert_eq!(r.status, 403);
    }

    async fn the_office_sees_every_sites_output_and_operators_see_the_counts(app: demo) {
        let a = account(app, "jb.statsc").await;
        let col = app.new_list_column("jb", "statsthree", "统计栏目三", None).await;
        published(app, &a, col, "统计四").await;
        app.account("stats.office", Some(ClusterRole::ClusterAdmin), &[]).await;
        let office = app.sign_in("stats.office", PASSWORD).await.1.expect("signed in");
        let t = app.store.tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap()).await.unwrap().unwrap();
        let today = chrono::Utc::now().with_timezone(&zq_domain::time::beijing()).date_naive();
        let q = format!("from={today}&to={today}");

        let r = app.get_with("127.0.0.1", &format!("/console/admin/statistics?{q}"), &[("cookie", &office)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("全部网站发稿统计") && r.body.contains("各网站发稿"), "{}", r.body);
        assert!(r.body.contains(&format!("/console/sites/jb/statistics?from={today}&amp;to={today}\">{}</a>", t.name)), "{}", r.body);
        // Every site is listed, those with nothing too.
        let sites = app.store.list_tenants().await.unwrap();
        let live = sites.iter().filter(|s| s.status != zq_domain::TenantStatus::Archived).count();
        assert_eq!(r.body.matches("<td><a href=\"/console/sites/").count(), live, "{}", r.body);
        let csv = app.get_with("127.0.0.1", &format!("/console/admin/statistics?{q}&format=csv"), &[("cookie", &office)]).await;
        assert!(csv.body.contains(&format!("网站,{},", t.name)), "{}", csv.body);

        // An operator sees the counts of the cluster and of a site (figures, no content).
        let operator = app.operator_cookie("stats.operator").await;
        let r = app.get_with("127.0.0.1", &format!("/console/admin/statistics?{q}"), &[("cookie", &operator)]).await;
        assert_eq!(r.status, 200);
        let r = app.get_with("127.0.0.1", &format!("/console/sites/jb/statistics?{q}"), &[("cookie", &operator)]).await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("<td>统计栏目三</td><td>1</td>"), "{}", r.body);
        assert!(!r.body.contains("统计四"), "no titles on a figures page");
    }
}
