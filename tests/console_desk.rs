//! The 工作台 (我的待办), the console's landing page, over HTTP on both databases: an editor
//! finds their drafts and the article a reviewer returned with its comment; the reviewer finds
//! the article waiting for review and a town's report waiting for a decision; a column behind
//! its weekly duty shows on the site admin's 工作台 with a link to write into it and on the
//! office's, whose table lists every site with the portal first; nobody sees another site's
//! items.

use serde_json::json;
use zq_domain::ArticleStatus;
use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{PASSWORD, TestApp, article, on_both_backends};

/// The 工作台 as `login` sees it after signing in through the form.
async fn desk(app: &TestApp, login: &str) -> String {
    let (_, session) = app.sign_in(login, PASSWORD).await;
    let r = app
        .get_with(
            "127.0.0.1",
            "/console/",
            &[("cookie", &session.expect("signed in"))],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("<title>工作台"), "{}", r.body);
    r.body
}

/// The part of the page from the heading `h` to the next section.
fn section<'a>(page: &'a str, h: &str) -> &'a str {
    let at = page
        .find(&format!(">{h} <span class=\"count\">"))
        .unwrap_or_else(|| panic!("section {h} on the page"));
    let rest = &page[at..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// The count shown beside the heading `h`.
fn count(page: &str, h: &str) -> u64 {
    let s = section(page, h);
    let at = s.find("<span class=\"count\">").unwrap() + "<span class=\"count\">".len();
    s[at..].split('<').next().unwrap().parse().unwrap()
}

on_both_backends! {
    async fn the_desk_lists_my_drafts_returned_items_reviews_and_reports_and_only_mine(app: demo) {
        let editor = app.token("jb.deskeditor", None, Some(("jb", TenantRole::Editor))).await;
        let reviewer = app.token("jb.deskreviewer", None, Some(("jb", TenantRole::Reviewer))).await;
        app.account("jn.deskreviewer", None, &[("jn", TenantRole::Reviewer)]).await;
        let town = app.token("hbjd.deskeditor", None, Some(("jb-hbjd", TenantRole::Editor))).await;
        let (_, cols) = app.api(&editor, "GET", "/api/v1/sites/jb/columns", None).await;
        let col = cols.as_array().unwrap().iter()
            .find(|c| c["kind"] == "article_list").expect("a list column")["id"].as_i64().unwrap();
        let new = |title: &str| json!({"column_id": col, "title": title, "body": "<p>正文。</p>"});
        let mut ids = Vec::new();
        for title in ["工作台草稿甲", "工作台送审乙", "工作台退回丙"] {
            let (s, a) = app.api(&editor, "POST", "/api/v1/sites/jb/articles", Some(new(title))).await;
            assert_eq!(s, 201, "{a}");
            ids.push(a["id"].as_i64().unwrap());
        }
        for id in &ids[1..] {
            let (s, a) = app.api(&editor, "POST", &format!("/api/v1/sites/jb/articles/{id}/submit"), None).await;
            assert_eq!(s, 200, "{a}");
        }
        let (s, a) = app.api(&reviewer, "POST", &format!("/api/v1/sites/jb/articles/{}/return", ids[2]),
            Some(json!({"comment": "请补充发布机构"}))).await;
        assert_eq!(s, 200, "{a}");
        let (_, chans) = app.api(&town, "GET", "/api/v1/channels", None).await;
        let ch = chans.as_array().unwrap().iter()
            .find(|c| c["name"].as_str().unwrap().contains("江北区人民政府·街镇动态")).expect("the town's channel")["id"].clone();
        let (s, sub) = app.api(&town, "POST", "/api/v1/sites/jb-hbjd/submissions", Some(json!({
            "channel_id": ch, "client_key": "desk-1", "title": "工作台报送丁", "body": "<p>正文。</p>"
        }))).await;
        assert_eq!(s, 201, "{sub}");

        // The editor: the draft under 我的草稿, the returned article with the comment.
        let page = desk(app, "jb.deskeditor").await;
        let drafts = section(&page, "我的草稿");
        assert!(drafts.contains("工作台草稿甲") && drafts.contains(&format!("/console/sites/jb/articles/{}", ids[0])), "{drafts}");
        assert!(!drafts.contains("工作台送审乙"), "a submitted article is not a draft");
        let returned = section(&page, "退回给我的信息");
        assert!(returned.contains("工作台退回丙") && returned.contains("意见：请补充发布机构"), "{returned}");
        assert_eq!(count(&page, "退回给我的信息"), 1);
        assert_eq!(count(&page, "待我审核"), 0, "an editor reviews nothing");

        // The reviewer: the article waiting, the town's report waiting for the district.
        let page = desk(app, "jb.deskreviewer").await;
        let review = section(&page, "待我审核");
        assert!(review.contains("工作台送审乙") && !review.contains("工作台退回丙"), "{review}");
        let reports = section(&page, "待处理的报送信息");
        assert!(reports.contains("工作台报送丁") && reports.contains("江北区和平街道办事处"), "{reports}");
        assert!(reports.contains(&format!("/console/sites/jb/reporting/{}", sub["id"])), "{reports}");
        assert_eq!(count(&page, "我的草稿"), 0, "not the reviewer's drafts");

        // Another district's reviewer sees none of it.
        let page = desk(app, "jn.deskreviewer").await;
        for title in ["工作台草稿甲", "工作台送审乙", "工作台退回丙", "工作台报送丁"] {
            assert!(!page.contains(title), "{title} leaked to another district");
        }
        assert!(!page.contains("海川市江北区人民政府"), "only the reviewer's own site");
    }

    async fn a_column_behind_its_duty_shows_on_the_site_admins_and_the_offices_desk(app: demo) {
        let admin = app.token("jb.deskadmin", None, Some(("jb", TenantRole::SiteAdmin))).await;
        app.account("desk.office", Some(ClusterRole::ClusterAdmin), &[]).await;
        let (s, c) = app.api(&admin, "POST", "/api/v1/sites/jb/columns", Some(json!({
            "slug": "gzt-zq", "name": "工作台周更栏目", "kind": "article_list",
            "update_requirement": "weekly", "responsible_unit": "区政府办", "sort_order": 90
        }))).await;
        assert_eq!(s, 201, "{c}");
        let column = c["id"].as_i64().unwrap();
        // Its one article went out 20 days ago: 13 days behind a weekly duty.
        let (tenant, col) = app.column("jb", "gzt-zq").await;
        let mut last = article("周更栏目的最后一条", ArticleStatus::Published);
        last.column_id = col;
        last.published_at = Some(chrono::Utc::now() - chrono::Duration::days(20));
        app.create_article(tenant, last).await.expect("the column's article");

        let page = desk(app, "jb.deskadmin").await;
        let duty = &page[page.find("栏目更新提醒").expect("the duty section")..];
        let row = duty.split("<tr class=\"duty\">").find(|r| r.contains("工作台周更栏目")).expect("the column's row");
        assert!(row.contains("每周更新，已 20 天未更新"), "{row}");
        assert!(row.contains(&format!("/console/sites/jb/articles/new?column={column}")) && row.contains("写信息"), "{row}");
        assert!(page.contains("个已超期未更新"), "the totals line");

        let page = desk(app, "desk.office").await;
        let duty = &page[page.find("栏目更新提醒").expect("the office's duty section")..];
        assert!(duty.contains("<tr class=\"duty\">"), "{duty}");
        // The office's table: every site, the portal first, each with its last update.
        let table = &page[page.find("<h2 id=\"sites-h\">全部网站</h2>").expect("the cluster table")..];
        let rows: Vec<&str> = table.split("<tr><td>").skip(1).collect();
        assert_eq!(rows.len(), 35, "every site");
        assert!(rows[0].contains("/console/sites/www/"), "the portal first: {}", rows[0]);
        let jb = rows.iter().find(|r| r.contains("/console/sites/jb/\"")).expect("jb's row");
        assert!(jb.contains("天前）") || jb.contains("（今天）"), "its last update: {jb}");
        assert!(jb.contains("class=\"overdue\""), "jb has columns behind: {jb}");
    }
}
