//! Cross-tenant reporting (信息报送) over the API: department → portal, district → portal and
//! town → district flows, idempotent submits, return and resubmit, withdraw, reject,
//! auto-adoption, isolation between units, concurrent adoption making exactly one article,
//! exact statistics and the CSV export. On SQLite and PostgreSQL.

use serde_json::{Value, json};
use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{PASSWORD, TestApp, hidden_csrf, host, on_both_backends};

/// The channel whose name contains `part` and which `secret` may see.
async fn channel(app: &TestApp, secret: &str, part: &str) -> Value {
    let (s, list) = app.api(secret, "GET", "/api/v1/channels", None).await;
    assert_eq!(s, 200, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str().unwrap().contains(part))
        .unwrap_or_else(|| panic!("a channel named like {part}: {list}"))
        .clone()
}

async fn submit(
    app: &TestApp,
    secret: &str,
    site: &str,
    channel: i64,
    key: &str,
    title: &str,
) -> (u16, Value) {
    app.api(
        secret,
        "POST",
        &format!("/api/v1/sites/{site}/submissions"),
        Some(json!({
            "channel_id": channel, "client_key": key, "title": title,
            "body": format!("<p>{title}的正文。</p><script>alert(1)</script>"), "note": "请审阅"
        })),
    )
    .await
}

async fn decide(
    app: &TestApp,
    secret: &str,
    site: &str,
    id: i64,
    step: &str,
    body: Option<Value>,
) -> (u16, Value) {
    app.api(
        secret,
        "POST",
        &format!("/api/v1/sites/{site}/submissions/{id}/{step}"),
        body,
    )
    .await
}

on_both_backends! {
    async fn a_department_item_adopted_by_the_portal_appears_on_the_portal_with_its_source(app: demo) {
        let fgw = app.token("fgw.editor", None, Some(("fgw", TenantRole::Editor))).await;
        let jw = app.token("jw.editor", None, Some(("jw", TenantRole::Editor))).await;
        let board = app.token("www.reviewer", None, Some(("www", TenantRole::Reviewer))).await;
        let ch = channel(app, &fgw, "部门报送").await;
        let ch_id = ch["id"].as_i64().unwrap();
        let (s, sub) = submit(app, &fgw, "fgw", ch_id, "fgw-2026-001", "市发改委召开重点项目推进会").await;
        assert_eq!(s, 201, "{sub}");
        assert_eq!(sub["state"], "submitted");
        assert!(!sub["body"].as_str().unwrap().contains("<script"), "sanitized");
        let id = sub["id"].as_i64().unwrap();
        // A double click sends the same key: one submission.
        let (s, again) = submit(app, &fgw, "fgw", ch_id, "fgw-2026-001", "市发改委召开重点项目推进会").await;
        assert_eq!((s, again["id"].as_i64()), (200, Some(id)));

        // Isolation: another department sees nothing of it; the portal's board sees it.
        assert_eq!(app.api(&jw, "GET", &format!("/api/v1/sites/jw/submissions/{id}"), None).await.0, 404);
        assert_eq!(app.api(&jw, "GET", &format!("/api/v1/sites/fgw/submissions/{id}"), None).await.0, 404);
        let (_, out) = app.api(&jw, "GET", "/api/v1/sites/jw/submissions?box=out", None).await;
        assert_eq!(out, json!([]));
        let (s, inbox) = app.api(&board, "GET", "/api/v1/sites/www/submissions?state=submitted", None).await;
        assert_eq!(s, 200);
        assert!(inbox.as_array().unwrap().iter().any(|x| x["id"] == id), "{inbox}");
        // The sender cannot decide on its own item, and decisions are the receiver's.
        assert_eq!(decide(app, &fgw, "fgw", id, "adopt", None).await.0, 404, "not addressed to fgw");
        assert_eq!(decide(app, &fgw, "www", id, "adopt", None).await.0, 404, "fgw is not on the portal");

        let (s, adopted) = decide(app, &board, "www", id, "adopt", None).await;
        assert_eq!((s, adopted["state"].as_str()), (200, Some("adopted")), "{adopted}");
        let article = adopted["adopted_article"].as_i64().unwrap();
        let page = app.get(&host("www"), &format!("/art/{article}.html")).await;
        assert_eq!(page.status, 200, "a reviewer's adoption is published at once");
        assert!(page.body.contains("市发改委召开重点项目推进会") && page.body.contains("海川市发展和改革委员会"), "with its source");
        assert!(app.get(&host("www"), "/col/bmdt/").await.body.contains("市发改委召开重点项目推进会"));
        let (_, mine) = app.api(&fgw, "GET", &format!("/api/v1/sites/fgw/submissions/{id}"), None).await;
        assert_eq!(mine["state"], "adopted", "the sender sees the decision");
        // Decided once: a second adoption and a late withdrawal are refused.
        assert_eq!(decide(app, &board, "www", id, "adopt", None).await.0, 409);
        assert_eq!(decide(app, &fgw, "fgw", id, "withdraw", None).await.0, 409);
        let log: Vec<String> = app.store.audit_log(None, 50).await.unwrap().into_iter().map(|r| r.entry.action).collect();
        for a in ["submission.submit", "submission.adopt", "article.adopt"] {
            assert!(log.iter().any(|x| x == a), "{a} audited");
        }
    }

    async fn a_district_article_adopted_by_a_portal_editor_waits_for_the_portal_review(app: demo) {
        let jb = app.token("jb.editor", None, Some(("jb", TenantRole::Editor))).await;
        let portal_editor = app.token("www.editor", None, Some(("www", TenantRole::Editor))).await;
        let portal_reviewer = app.token("www.reviewer", None, Some(("www", TenantRole::Reviewer))).await;
        let ch = channel(app, &jb, "区县报送").await;
        let (_, arts) = app.api(&jb, "GET", "/api/v1/sites/jb/articles?state=published&limit=1", None).await;
        let original = arts["items"][0]["id"].as_i64().unwrap();
        let title = arts["items"][0]["title"].as_str().unwrap().to_owned();
        let (s, sub) = app.api(&jb, "POST", "/api/v1/sites/jb/submissions", Some(json!({
            "channel_id": ch["id"], "client_key": "jb-orig-1", "original_article": original}))).await;
        assert_eq!((s, sub["title"].as_str()), (201, Some(title.as_str())), "{sub}");
        // Another site's article cannot be sent.
        let (s, _) = app.api(&jb, "POST", "/api/v1/sites/jb/submissions", Some(json!({
            "channel_id": ch["id"], "client_key": "jb-orig-2", "original_article": 1}))).await;
        assert_eq!(s, 404);
        let (s, a) = decide(app, &portal_editor, "www", sub["id"].as_i64().unwrap(), "adopt", None).await;
        assert_eq!(s, 200, "{a}");
        let article = a["adopted_article"].as_i64().unwrap();
        assert_eq!(app.get(&host("www"), &format!("/art/{article}.html")).await.status, 404, "not before the portal's review");
        let (s, _) = app.api(&portal_reviewer, "POST", &format!("/api/v1/sites/www/articles/{article}/approve"), None).await;
        assert_eq!(s, 200);
        assert_eq!(app.get(&host("www"), &format!("/art/{article}.html")).await.status, 200);
    }

    async fn a_town_reports_to_its_district_with_return_resubmit_reject_and_withdraw(app: demo) {
        let town = app.token("hbjd.editor", None, Some(("jb-hbjd", TenantRole::Editor))).await;
        let other_town = app.token("yxz.editor", None, Some(("yx-yxz", TenantRole::Editor))).await;
        let jb = app.token("jb.reviewer", None, Some(("jb", TenantRole::Reviewer))).await;
        let jn = app.token("jn.reviewer", None, Some(("jn", TenantRole::Reviewer))).await;
        let ch = channel(app, &town, "江北区人民政府·街镇动态").await;
        let ch_id = ch["id"].as_i64().unwrap();
        // A town of another district may not use this channel.
        assert_eq!(submit(app, &other_town, "yx-yxz", ch_id, "k1", "越级报送").await.0, 404);
        let (_, sub) = submit(app, &town, "jb-hbjd", ch_id, "hbjd-1", "和平街道开展消防安全演练").await;
        let id = sub["id"].as_i64().unwrap();
        assert_eq!(app.api(&jn, "GET", &format!("/api/v1/sites/jn/submissions/{id}"), None).await.0, 404, "other districts see nothing");
        assert_eq!(decide(app, &jn, "jn", id, "adopt", None).await.0, 404);

        assert_eq!(decide(app, &jb, "jb", id, "return", Some(json!({"comment": ""}))).await.0, 409, "a comment is needed");
        let (s, r) = decide(app, &jb, "jb", id, "return", Some(json!({"comment": "请补充演练照片"}))).await;
        assert_eq!((s, r["state"].as_str(), r["decision_comment"].as_str()), (200, Some("returned"), Some("请补充演练照片")));
        let (s, r) = decide(app, &town, "jb-hbjd", id, "resubmit", None).await;
        assert_eq!((s, r["state"].as_str()), (200, Some("submitted")));
        let (s, r) = decide(app, &jb, "jb", id, "reject", Some(json!({"comment": "与街镇动态栏目定位不符"}))).await;
        assert_eq!((s, r["state"].as_str()), (200, Some("rejected")));
        assert_eq!(decide(app, &town, "jb-hbjd", id, "resubmit", None).await.0, 409, "a rejection is final");

        let (_, second) = submit(app, &town, "jb-hbjd", ch_id, "hbjd-2", "和平街道召开居民议事会").await;
        let second = second["id"].as_i64().unwrap();
        let (s, r) = decide(app, &town, "jb-hbjd", second, "withdraw", None).await;
        assert_eq!((s, r["state"].as_str()), (200, Some("withdrawn")));
        assert_eq!(decide(app, &jb, "jb", second, "adopt", None).await.0, 409, "withdrawn items cannot be adopted");
        let (_, inbox) = app.api(&jb, "GET", "/api/v1/sites/jb/submissions?state=withdrawn", None).await;
        assert_eq!(inbox.as_array().unwrap().len(), 1);
        assert_eq!(app.api(&jb, "GET", "/api/v1/sites/jb/submissions?box=sideways", None).await.0, 422);
    }

    async fn an_auto_adopting_channel_publishes_items_at_once_with_their_source(app: demo) {
        let office = app.token("office", Some(ClusterRole::ClusterAdmin), None).await;
        let town = app.token("xhz.editor", None, Some(("jb-xhz", TenantRole::Editor))).await;
        let jb = app.store.tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap()).await.unwrap().unwrap();
        let tzgg = app.store.columns(jb.id).await.unwrap().into_iter().find(|c| c.slug.as_str() == "tzgg").unwrap().id.0;
        let (s, ch) = app.api(&office, "POST", "/api/v1/channels", Some(json!({
            "name": "街镇通知直报", "receiver": "jb", "sender_kind": "town", "sender_parent": "jb", "auto_adopt": true, "columns": [tzgg]}))).await;
        assert_eq!(s, 201, "{ch}");
        assert_eq!(app.api(&town, "POST", "/api/v1/channels", Some(json!({
            "name": "x", "receiver": "jb", "sender_kind": "town", "columns": [tzgg]}))).await.0, 403, "only the office manages channels");
        let (s, sub) = submit(app, &town, "jb-xhz", ch["id"].as_i64().unwrap(), "xhz-auto", "新河镇停水通知").await;
        assert_eq!((s, sub["state"].as_str()), (201, Some("adopted")), "{sub}");
        let article = sub["adopted_article"].as_i64().unwrap();
        let page = app.get(&host("jb"), &format!("/art/{article}.html")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("江北区新河镇人民政府"), "attributed to the town");
    }

    async fn two_boards_adopting_at_once_make_exactly_one_article(app: demo) {
        let fgw = app.token("fgw.editor", None, Some(("fgw", TenantRole::Editor))).await;
        let ch = channel(app, &fgw, "部门报送").await;
        let (_, sub) = submit(app, &fgw, "fgw", ch["id"].as_i64().unwrap(), "race-1", "并发采用测试").await;
        let id = sub["id"].as_i64().unwrap();
        let mut boards = Vec::new();
        for i in 0..6 {
            boards.push(app.token(&format!("www.rev{i}"), None, Some(("www", TenantRole::Reviewer))).await);
        }
        let www = app.store.tenant_by_code(&zq_domain::TenantCode::parse("www").unwrap()).await.unwrap().unwrap();
        let before = app.store.editorial_list(www.id, None, 1, 0).await.unwrap().1;
        let results = futures_util::future::join_all(boards.iter().map(|b| decide(app, b, "www", id, "adopt", None))).await;
        let statuses: Vec<u16> = results.iter().map(|r| r.0).collect();
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
        assert!(statuses.iter().all(|s| matches!(s, 200 | 409)), "{statuses:?}");
        let after = app.store.editorial_list(www.id, None, 1, 0).await.unwrap().1;
        assert_eq!(after, before + 1, "exactly one article");
    }

    async fn the_figures_count_submissions_and_adoptions_per_unit_exactly(app: demo) {
        let fgw = app.token("fgw.editor", None, Some(("fgw", TenantRole::Editor))).await;
        let jw = app.token("jw.editor", None, Some(("jw", TenantRole::Editor))).await;
        let board = app.token("www.reviewer", None, Some(("www", TenantRole::Reviewer))).await;
        let ch = channel(app, &fgw, "部门报送").await["id"].as_i64().unwrap();
        let mut ids = Vec::new();
        for (secret, site, n) in [(&fgw, "fgw", 3), (&jw, "jw", 3)] {
            for i in 0..n {
                let (s, sub) = submit(app, secret, site, ch, &format!("{site}-stat-{i}"), &format!("{site}统计测试{i}")).await;
                assert_eq!(s, 201);
                ids.push((site, sub["id"].as_i64().unwrap()));
            }
        }
        // fgw: 2 adopted, 1 rejected. jw: 1 adopted, 1 pending, 1 withdrawn (not counted).
        decide(app, &board, "www", ids[0].1, "adopt", None).await;
        decide(app, &board, "www", ids[1].1, "adopt", None).await;
        decide(app, &board, "www", ids[2].1, "reject", Some(json!({"comment": "重复"}))).await;
        decide(app, &board, "www", ids[3].1, "adopt", None).await;
        decide(app, &jw, "jw", ids[5].1, "withdraw", None).await;

        let year = (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y").to_string();
        let path = format!("/api/v1/sites/www/reporting/figures?period={year}");
        let (s, f) = app.api(&board, "GET", &path, None).await;
        assert_eq!(s, 200, "{f}");
        let units = f["units"].as_array().unwrap();
        let row = |code: &str| units.iter().find(|u| u["code"] == code).unwrap().clone();
        assert_eq!((row("fgw")["submitted"].as_u64(), row("fgw")["adopted"].as_u64(), row("fgw")["rate"].as_f64()), (Some(3), Some(2), Some(66.7)));
        assert_eq!((row("jw")["submitted"].as_u64(), row("jw")["adopted"].as_u64(), row("jw")["rate"].as_f64()), (Some(2), Some(1), Some(50.0)));
        assert_eq!((row("fgw")["rank"].as_u64(), row("jw")["rank"].as_u64()), (Some(1), Some(2)));
        assert!(row("fgw")["median_decision_secs"].as_i64().is_some());
        assert!(row("jw")["median_decision_secs"].as_i64().is_some());

        let auth = format!("Bearer {board}");
        let csv = app.call("GET", "127.0.0.1", &format!("{path}&format=csv"), &[("authorization", &auth)], "").await;
        assert_eq!((csv.status, csv.header("content-type")), (200, Some("text/csv; charset=utf-8")));
        let lines: Vec<&str> = csv.body.lines().collect();
        assert!(lines[0].contains("单位") && lines[0].contains("采用率"), "{}", lines[0]);
        assert!(lines[1].starts_with("1,fgw,海川市发展和改革委员会,3,2,66.7,"), "{}", lines[1]);
        assert!(lines[2].starts_with("2,jw,"), "{}", lines[2]);

        // Nothing in another year; nonsense periods are a clear 4xx.
        let (_, empty) = app.api(&board, "GET", "/api/v1/sites/www/reporting/figures?period=2001", None).await;
        assert_eq!(empty["units"], json!([]));
        assert_eq!(app.api(&board, "GET", "/api/v1/sites/www/reporting/figures?period=2026-Q9", None).await.0, 422);
        assert_eq!(app.api(&board, "GET", "/api/v1/sites/www/reporting/figures", None).await.0, 422);
    }

    async fn a_failed_adoption_leaves_no_trace(app: demo) {
        let fgw = app.token("fgw.editor", None, Some(("fgw", TenantRole::Editor))).await;
        let board = app.token("www.reviewer", None, Some(("www", TenantRole::Reviewer))).await;
        let ch = channel(app, &fgw, "部门报送").await;
        let (_, sub) = submit(app, &fgw, "fgw", ch["id"].as_i64().unwrap(), "atomic-1", "原子性测试").await;
        let id = sub["id"].as_i64().unwrap();
        let www = app.store.tenant_by_code(&zq_domain::TenantCode::parse("www").unwrap()).await.unwrap().unwrap();
        let before = app.store.editorial_list(www.id, None, 1, 0).await.unwrap().1;
        let audit_before = app.store.audit_log(None, 1000).await.unwrap().len();
        // A column the channel does not feed: the adoption fails after claiming the item.
        let other = app.store.columns(www.id).await.unwrap().into_iter().find(|c| c.slug.as_str() == "tzgg").unwrap().id.0;
        let (s, e) = decide(app, &board, "www", id, "adopt", Some(json!({"column_id": other}))).await;
        assert_eq!(s, 422, "{e}");
        let (_, now) = app.api(&board, "GET", &format!("/api/v1/sites/www/submissions/{id}"), None).await;
        assert_eq!((now["state"].as_str(), now["adopted_article"].is_null()), (Some("submitted"), true), "still pending: {now}");
        assert_eq!(app.store.editorial_list(www.id, None, 1, 0).await.unwrap().1, before, "no article");
        assert_eq!(app.store.audit_log(None, 1000).await.unwrap().len(), audit_before, "no audit row");
        // And the item can still be adopted properly.
        assert_eq!(decide(app, &board, "www", id, "adopt", None).await.0, 200);
    }

    async fn the_office_manages_channels_in_the_console_and_the_api(app: demo) {
        app.account("office", Some(ClusterRole::ClusterAdmin), &[]).await;
        app.account("jb.admin", None, &[("jb", TenantRole::SiteAdmin)]).await;
        let (_, office) = app.sign_in("office", PASSWORD).await;
        let office = office.unwrap();
        let page = app.get_with("127.0.0.1", "/console/admin/channels", &[("cookie", &office)]).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("部门报送") && page.body.contains("全部部门"), "the demo channels are listed");
        let csrf = hidden_csrf(&page.body);
        let r = app.post_form("127.0.0.1", "/console/admin/channels", &[("csrf", &csrf), ("name", "街镇通知"), ("receiver", "jb"),
            ("columns", "tzgg"), ("sender_kind", "town"), ("sender_parent", "jb"), ("auto_adopt", "on")], &[("cookie", &office)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = app.post_form("127.0.0.1", "/console/admin/channels", &[("csrf", &csrf), ("name", "坏栏目"), ("receiver", "jb"),
            ("columns", "nosuch"), ("sender_kind", "town")], &[("cookie", &office)]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("nosuch") && r.body.contains("value=\"坏栏目\""), "said, and what was typed kept");
        let secret = app.token("office.api", Some(ClusterRole::ClusterAdmin), None).await;
        let ch = channel(app, &secret, "街镇通知").await;
        assert_eq!(ch["auto_adopt"], true);
        let id = ch["id"].as_i64().unwrap();
        let r = app.post_form("127.0.0.1", &format!("/console/admin/channels/{id}"), &[("csrf", &csrf), ("name", "街镇通知直报"), ("active", "on")], &[("cookie", &office)]).await;
        assert_eq!(r.status, 303);
        let ch = channel(app, &secret, "街镇通知直报").await;
        assert_eq!((&ch["auto_adopt"], &ch["active"]), (&json!(false), &json!(true)), "unchecked, still open");
        let r = app.post_form("127.0.0.1", &format!("/console/admin/channels/{id}"), &[("csrf", &csrf), ("name", "街镇通知直报")], &[("cookie", &office)]).await;
        assert_eq!(r.status, 303);
        assert_eq!(channel(app, &secret, "街镇通知直报").await["active"], false, "closed by unchecking 开放");
        let page = app.get_with("127.0.0.1", "/console/admin/channels", &[("cookie", &office)]).await;
        assert!(page.body.contains("class=\"muted\""), "a closed channel is shown dimmed");
        // Deleting: refused for a channel with history (the demo's department channel), done for an unused one.
        let used = channel(app, &secret, "部门报送").await["id"].as_i64().unwrap();
        let fgw = app.token("fgw.ed", None, Some(("fgw", TenantRole::Editor))).await;
        assert_eq!(submit(app, &fgw, "fgw", used, "used-1", "让渠道有历史").await.0, 201);
        let r = app.post_form("127.0.0.1", &format!("/console/admin/channels/{used}/delete"), &[("csrf", &csrf)], &[("cookie", &office)]).await;
        assert_eq!(r.status, 409);
        assert!(r.body.contains("不能删除"), "said why");
        let r = app.post_form("127.0.0.1", &format!("/console/admin/channels/{id}/delete"), &[("csrf", &csrf)], &[("cookie", &office)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let (_, all) = app.api(&secret, "GET", "/api/v1/channels", None).await;
        assert!(!all.as_array().unwrap().iter().any(|c| c["id"] == id), "deleted");
        let r = app.post_form("127.0.0.1", "/console/admin/channels", &[("csrf", &csrf), ("name", "街镇通知"), ("receiver", "jb"),
            ("columns", "tzgg"), ("sender_kind", "town"), ("sender_parent", "jb"), ("auto_adopt", "on")], &[("cookie", &office)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let id = channel(app, &secret, "街镇通知").await["id"].as_i64().unwrap();
        let (s, c) = app.api(&secret, "PUT", &format!("/api/v1/channels/{id}"), Some(json!({"name": "街镇通知（改）", "auto_adopt": true, "columns": ch["columns"]}))).await;
        assert_eq!((s, c["name"].as_str()), (200, Some("街镇通知（改）")), "{c}");
        let editor = app.token("jb.ed", None, Some(("jb", TenantRole::Editor))).await;
        assert_eq!(app.api(&editor, "PUT", &format!("/api/v1/channels/{id}"), Some(json!({"name": "x", "columns": ch["columns"]}))).await.0, 403);
        let (_, admin) = app.sign_in("jb.admin", PASSWORD).await;
        assert_eq!(app.get_with("127.0.0.1", "/console/admin/channels", &[("cookie", &admin.unwrap())]).await.status, 403);
        assert!(app.store.audit_log(None, 50).await.unwrap().iter().any(|r| r.entry.action == "channel.update"));
    }

    async fn a_town_sends_and_its_district_adopts_through_the_console(app: demo) {
        app.account("hbjd.editor", None, &[("jb-hbjd", TenantRole::Editor)]).await;
        app.account("jb.reviewer", None, &[("jb", TenantRole::Reviewer)]).await;
        app.account("jn.reviewer", None, &[("jn", TenantRole::Reviewer)]).await;
        let (_, town) = app.sign_in("hbjd.editor", PASSWORD).await;
        let town = town.unwrap();
        let page = app.get_with("127.0.0.1", "/console/sites/jb-hbjd/reporting/", &[("cookie", &town)]).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("街镇报送"), "the town's channel is offered");
        let csrf = hidden_csrf(&page.body);
        let key_at = page.body.find("name=\"client_key\" value=\"").unwrap() + 26;
        let key = page.body[key_at..key_at + 64].to_owned();
        let ch_at = page.body.find("<option value=\"").unwrap() + 15;
        let ch: String = page.body[ch_at..].chars().take_while(|c| c.is_ascii_digit()).collect();
        let jb_t = app.store.tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap()).await.unwrap().unwrap();
        let jzdt_id = app.store.columns(jb_t.id).await.unwrap().into_iter().find(|c| c.slug.as_str() == "jzdt").unwrap().id;
        let jzdt = jzdt_id.0.to_string();
        assert!(page.body.contains(&format!("<option value=\"{jzdt}\">")), "the target column is offered");
        let form = [("csrf", csrf.as_str()), ("client_key", key.as_str()), ("channel_id", ch.as_str()),
            ("title", "和平街道举办社区邻里节"), ("body", "<p>邻里节吸引居民三百余人参加。</p>"), ("original_article", ""), ("note", ""), ("suggested_column", jzdt.as_str())];
        for _ in 0..2 {
            let r = app.post_form("127.0.0.1", "/console/sites/jb-hbjd/reporting/", &form, &[("cookie", &town)]).await;
            assert_eq!(r.status, 303, "{}", r.body);
        }
        let jb_id = app.store.tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap()).await.unwrap().unwrap().id;
        let inbox = app.store.submissions(jb_id, false, &Default::default(), 10).await.unwrap();
        assert_eq!(inbox.len(), 1, "a double submit made one item");
        assert_eq!(inbox[0].suggested_column, Some(jzdt_id), "with the suggested column");
        let id = inbox[0].id;

        let (_, other) = app.sign_in("jn.reviewer", PASSWORD).await;
        let other = other.unwrap();
        assert_eq!(app.get_with("127.0.0.1", "/console/sites/jb/reporting/inbox", &[("cookie", &other)]).await.status, 404);
        assert_eq!(app.get_with("127.0.0.1", &format!("/console/sites/jn/reporting/{id}"), &[("cookie", &other)]).await.status, 404);

        let (_, board) = app.sign_in("jb.reviewer", PASSWORD).await;
        let board = board.unwrap();
        let page = app.get_with("127.0.0.1", "/console/sites/jb/reporting/inbox?state=submitted", &[("cookie", &board)]).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("和平街道举办社区邻里节"));
        let csrf = hidden_csrf(&page.body);
        let id_s = id.to_string();
        let r = app.post_form("127.0.0.1", "/console/sites/jb/reporting/batch",
            &[("csrf", csrf.as_str()), ("ids", id_s.as_str()), ("comment", ""), ("step", "adopt")], &[("cookie", &board)]).await;
        assert_eq!((r.status, r.header("location")), (303, Some("/console/sites/jb/reporting/inbox?notice=batch")), "{}", r.body);
        let item = app.get_with("127.0.0.1", &format!("/console/sites/jb/reporting/{id}"), &[("cookie", &board)]).await;
        assert!(item.body.contains("已采用"), "{}", item.body);
        let list = app.get(&host("jb"), "/col/jzdt/").await;
        assert!(list.body.contains("和平街道举办社区邻里节"), "on the district's site");
        let year = (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y").to_string();
        let ranking = app.get_with("127.0.0.1", &format!("/console/sites/jb/reporting/ranking?period={year}"), &[("cookie", &board)]).await;
        assert_eq!(ranking.status, 200);
        assert!(ranking.body.contains("江北区和平街道办事处") && ranking.body.contains("<svg class=\"bar\""), "ranked with a bar");
        let custom = app
            .get_with("127.0.0.1", "/console/sites/jb/reporting/ranking?from=2000-01-01&to=2099-12-31", &[("cookie", &board)])
            .await;
        assert!(custom.body.contains("江北区和平街道办事处") && custom.body.contains("至"), "a custom range counts it too");
                let bad = app.get_with("127.0.0.1", "/console/sites/jb/reporting/ranking?period=soon", &[("cookie", &board)]).await;
        assert_eq!(bad.status, 422);
        // The town follows the decision in its own console.
        let out = app.get_with("127.0.0.1", "/console/sites/jb-hbjd/reporting/", &[("cookie", &town)]).await;
        assert!(out.body.contains("已采用"));
    }
}
