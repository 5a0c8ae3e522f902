//! The editorial workflow over the JSON API: drafts, review, publishing (now and scheduled),
//! withdrawal, versions with diff and restore, attachments, site settings, API tokens, the
//! audit log, sanitization, and clear 4xx answers to bad input. On SQLite and PostgreSQL.

use serde_json::{Value, json};
use zq_domain::access::{ClusterRole, TenantRole, TokenScope};
use zq_store::Who;
use zq_tests::{Backend, Resp, Setup, TestApp, host, on_both_backends};

const SITE: &str = "jb";

/// Creates an account with one role (on the test site, or cluster-wide) and returns an API
/// token for that role.
async fn token(
    app: &TestApp,
    login: &str,
    cluster: Option<ClusterRole>,
    role: Option<TenantRole>,
) -> String {
    let bindings: Vec<(&str, TenantRole)> = role.into_iter().map(|r| (SITE, r)).collect();
    let u = app.account(login, cluster, &bindings).await;
    let t = app
        .store
        .tenant_by_code(&zq_domain::TenantCode::parse(SITE).unwrap())
        .await
        .unwrap()
        .unwrap();
    let scope = match (cluster, role) {
        (Some(c), _) => TokenScope::Cluster(c),
        (None, Some(r)) => TokenScope::Tenant(t.id, r),
        (None, None) => panic!("a role is needed"),
    };
    let (_, secret) = app
        .store
        .create_api_token(u.id, scope, "test", None, &Who::default())
        .await
        .unwrap();
    secret
}

async fn api(
    app: &TestApp,
    method: &str,
    path: &str,
    secret: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let auth = format!("Bearer {secret}");
    let mut headers = vec![("authorization", auth.as_str())];
    if body.is_some() {
        headers.push(("content-type", "application/json"));
    }
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let r = app.call(method, &host(SITE), path, &headers, payload).await;
    (r.status, json_of(&r))
}

fn json_of(r: &Resp) -> Value {
    if r.body.is_empty() {
        return Value::Null;
    }
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.body))
}

/// A column of the test site that takes articles.
async fn column(app: &TestApp) -> i64 {
    let t = app
        .store
        .tenant_by_code(&zq_domain::TenantCode::parse(SITE).unwrap())
        .await
        .unwrap()
        .unwrap();
    app.store
        .columns(t.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.kind == zq_domain::ColumnKind::ArticleList)
        .expect("a list column")
        .id
        .0
}

const ARTICLES: &str = "/api/v1/sites/jb/articles";

async fn draft(app: &TestApp, editor: &str, title: &str) -> i64 {
    let col = column(app).await;
    let (s, a) = api(app, "POST", ARTICLES, editor, Some(json!({
        "column_id": col, "title": title, "source": "江北区政府办", "body": "<p>第一段。</p><p>第二段。</p>"
    }))).await;
    assert_eq!(s, 201, "{a}");
    assert_eq!(a["state"], "draft");
    assert_eq!(a["version"], 1);
    a["id"].as_i64().unwrap()
}

async fn public(app: &TestApp, id: i64) -> Resp {
    app.get(&host(SITE), &format!("/art/{id}.html")).await
}

async fn audit_actions(app: &TestApp, admin: &str) -> Vec<(String, String, bool, bool)> {
    let (s, rows) = api(app, "GET", "/api/v1/sites/jb/audit?limit=100", admin, None).await;
    assert_eq!(s, 200, "{rows}");
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap().to_owned(),
                r["object"].as_str().unwrap().to_owned(),
                r["before_hash"].is_string(),
                r["after_hash"].is_string(),
            )
        })
        .collect()
}

on_both_backends! {
    async fn an_article_is_public_only_after_review_and_leaves_when_withdrawn(app: demo) {
        let editor = token(app, "jb.e1", None, Some(TenantRole::Editor)).await;
        let reviewer = token(app, "jb.r1", None, Some(TenantRole::Reviewer)).await;
        let admin = token(app, "jb.a1", None, Some(TenantRole::SiteAdmin)).await;
        let id = draft(app, &editor, "江北区召开冬季安全生产工作会议").await;
        assert_eq!(public(app, id).await.status, 404, "a draft is not public");

        // An editor cannot approve, nor publish directly where the site requires review.
        let path = format!("{ARTICLES}/{id}");
        assert_eq!(api(app, "POST", &format!("{path}/approve"), &editor, None).await.0, 403);
        assert_eq!(api(app, "POST", &format!("{path}/publish"), &editor, None).await.0, 403);
        // A reviewer cannot approve what was never submitted.
        let (s, e) = api(app, "POST", &format!("{path}/approve"), &reviewer, None).await;
        assert_eq!((s, e["error"].as_str()), (409, Some("conflict")), "{e}");

        let (s, a) = api(app, "POST", &format!("{path}/submit"), &editor, None).await;
        assert_eq!((s, a["state"].as_str()), (200, Some("pending_review")), "{a}");
        let (s, q) = api(app, "GET", &format!("{ARTICLES}?state=pending_review"), &reviewer, None).await;
        assert_eq!(s, 200);
        assert!(q["items"].as_array().unwrap().iter().any(|i| i["id"] == id), "in the review queue: {q}");
        // Pending text cannot be changed.
        let col = column(app).await;
        let (s, _) = api(app, "PUT", &path, &editor, Some(json!({"column_id": col, "title": "改"}))).await;
        assert_eq!(s, 409);

        let (s, a) = api(app, "POST", &format!("{path}/approve"), &reviewer, None).await;
        assert_eq!((s, a["state"].as_str()), (200, Some("published")), "{a}");
        let page = public(app, id).await;
        assert_eq!(page.status, 200, "published at once");
        assert!(page.body.contains("江北区召开冬季安全生产工作会议"));
        let home = app.get(&host(SITE), "/").await;
        assert!(home.body.contains("江北区召开冬季安全生产工作会议") || home.status == 200);

        let (s, a) = api(app, "POST", &format!("{path}/withdraw"), &reviewer, None).await;
        assert_eq!((s, a["state"].as_str()), (200, Some("withdrawn")));
        assert_eq!(public(app, id).await.status, 404, "gone from the public site");

        let object = format!("article:{id}");
        let mine: Vec<_> = audit_actions(app, &admin).await.into_iter().filter(|r| r.1 == object).collect();
        let actions: Vec<&str> = mine.iter().map(|r| r.0.as_str()).collect();
        for a in ["article.create", "article.submit", "article.approve", "article.withdraw"] {
            assert!(actions.contains(&a), "{a} audited: {actions:?}");
        }
        assert!(mine.iter().filter(|r| r.0 != "article.create").all(|r| r.2 && r.3), "hashes before and after: {mine:?}");
        assert!(!actions.contains(&"article.edit"), "the refused edit left no trace");
        assert_eq!(app.store.verify_audit_chain().await.unwrap().broken_at, None);
    }

    async fn a_returned_article_carries_the_comment_and_goes_round_again(app: demo) {
        let editor = token(app, "jb.e1", None, Some(TenantRole::Editor)).await;
        let reviewer = token(app, "jb.r1", None, Some(TenantRole::Reviewer)).await;
        let id = draft(app, &editor, "关于征集民生实事项目的公告").await;
        let path = format!("{ARTICLES}/{id}");
        api(app, "POST", &format!("{path}/submit"), &editor, None).await;
        let (s, e) = api(app, "POST", &format!("{path}/return"), &reviewer, Some(json!({"comment": "  "}))).await;
        assert_eq!(s, 409, "a return needs a comment: {e}");
        let (s, a) = api(app, "POST", &format!("{path}/return"), &reviewer, Some(json!({"comment": "请补充联系电话"}))).await;
        assert_eq!((s, a["state"].as_str()), (200, Some("returned")));
        let (_, a) = api(app, "GET", &path, &editor, None).await;
        assert_eq!(a["review_comment"], "请补充联系电话");
        let col = column(app).await;
        let (s, a) = api(app, "PUT", &path, &editor, Some(json!({
            "column_id": col, "title": "关于征集民生实事项目的公告", "body": "<p>联系电话：0532-1234567</p>", "version": 1
        }))).await;
        assert_eq!((s, a["version"].as_i64()), (200, Some(2)), "{a}");
        let (s, a) = api(app, "POST", &format!("{path}/submit"), &editor, None).await;
        assert_eq!((s, a["state"].as_str(), a["review_comment"].is_null()), (200, Some("pending_review"), true));
        // The editor can take it back before review.
        let (s, a) = api(app, "POST", &format!("{path}/recall"), &editor, None).await;
        assert_eq!((s, a["state"].as_str()), (200, Some("draft")));
    }

    async fn versions_are_kept_compared_and_restored_and_stale_edits_refused(app: demo) {
        let editor = token(app, "jb.e1", None, Some(TenantRole::Editor)).await;
        let id = draft(app, &editor, "第一版标题").await;
        let path = format!("{ARTICLES}/{id}");
        let col = column(app).await;
        for (v, title) in [(1, "第二版标题"), (2, "第三版标题")] {
            let (s, a) = api(app, "PUT", &path, &editor, Some(json!({
                "column_id": col, "title": title, "body": format!("<p>{title}的正文</p>"), "version": v
            }))).await;
            assert_eq!(s, 200, "{a}");
        }
        // Someone still holding version 1 is told, not silently overwritten.
        let (s, e) = api(app, "PUT", &path, &editor, Some(json!({"column_id": col, "title": "迟到的修改", "version": 1}))).await;
        assert_eq!((s, e["error"].as_str()), (409, Some("conflict")), "{e}");

        let (s, vs) = api(app, "GET", &format!("{path}/versions"), &editor, None).await;
        assert_eq!(s, 200);
        let numbers: Vec<i64> = vs.as_array().unwrap().iter().map(|v| v["version"].as_i64().unwrap()).collect();
        assert_eq!(numbers, [3, 2, 1]);
        let (s, d) = api(app, "GET", &format!("{path}/diff?from=1&to=3"), &editor, None).await;
        assert_eq!(s, 200);
        let lines = d["lines"].as_array().unwrap();
        assert!(lines.iter().any(|l| l["tag"] == "delete" && l["text"] == "标题：第一版标题"), "{d}");
        assert!(lines.iter().any(|l| l["tag"] == "insert" && l["text"] == "标题：第三版标题"), "{d}");

        let (s, a) = api(app, "POST", &format!("{path}/versions/1/restore"), &editor, None).await;
        assert_eq!((s, a["version"].as_i64(), a["title"].as_str()), (200, Some(4), Some("第一版标题")), "{a}");
        assert_eq!(api(app, "POST", &format!("{path}/versions/99/restore"), &editor, None).await.0, 404);
    }

    async fn article_bodies_are_sanitized_and_bad_input_gets_a_clear_4xx(app: demo) {
        let editor = token(app, "jb.e1", None, Some(TenantRole::Editor)).await;
        let col = column(app).await;
        let (s, a) = api(app, "POST", ARTICLES, &editor, Some(json!({
            "column_id": col, "title": "<b>标题</b>",
            "body": "<p onclick=\"steal()\">文字<script>alert(1)</script><a href=\"javascript:alert(2)\">链接</a><img src=x onerror=alert(3)></p>"
        }))).await;
        assert_eq!(s, 201, "{a}");
        let body = a["body"].as_str().unwrap();
        for bad in ["<script", "onclick", "onerror", "javascript:"] {
            assert!(!body.contains(bad), "{bad} removed: {body}");
        }
        assert!(body.contains("文字") && body.contains("链接"));

        let cases: Vec<(&str, &str, Option<Value>, u16, &str)> = vec![
            ("POST", ARTICLES, Some(json!({"column_id": col, "title": ""})), 422, "invalid_fields"),
            ("POST", ARTICLES, Some(json!({"column_id": col, "title": "字".repeat(201)})), 422, "invalid_fields"),
            ("POST", ARTICLES, Some(json!({"column_id": 987654, "title": "未知栏目"})), 422, "invalid_fields"),
            ("POST", ARTICLES, Some(json!({"column_id": col, "title": "日期", "publish_at": "2026-02-30T09:00"})), 422, "invalid_fields"),
            ("POST", ARTICLES, Some(json!({"title": "缺栏目"})), 422, "invalid"),
            ("POST", ARTICLES, Some(json!([1, 2])), 422, "invalid"),
            ("GET", "/api/v1/sites/jb/articles/abc", None, 404, "not_found"),
            ("GET", "/api/v1/sites/jb/articles/999999", None, 404, "not_found"),
            ("POST", "/api/v1/sites/jb/articles/1/frobnicate", None, 404, "not_found"),
            ("GET", "/api/v1/sites/jb/articles?state=lost", None, 422, "invalid"),
            ("GET", "/api/v1/sites/nosuchsite/articles", None, 404, "not_found"),
            ("GET", "/api/v1/nothing/here", None, 404, "not_found"),
        ];
        for (method, path, body, status, code) in cases {
            let (s, e) = api(app, method, path, &editor, body.clone()).await;
            assert_eq!((s, e["error"].as_str()), (status, Some(code)), "{method} {path} {body:?}: {e}");
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        // Malformed JSON and a wrong content type.
        let auth = format!("Bearer {editor}");
        let r = app.call("POST", &host(SITE), ARTICLES, &[("authorization", &auth), ("content-type", "application/json")], "{\"title\":").await;
        assert_eq!((r.status, json_of(&r)["error"].as_str()), (422, Some("invalid")), "{}", r.body);
        let r = app.call("POST", &host(SITE), ARTICLES, &[("authorization", &auth), ("content-type", "text/plain")], "x").await;
        assert_eq!(r.status, 422);
        // Oversized bodies are refused before they are read whole.
        let huge = json!({"column_id": col, "title": "大", "body": "x".repeat(2 * 1024 * 1024)}).to_string();
        let r = app.call("POST", &host(SITE), ARTICLES, &[("authorization", &auth), ("content-type", "application/json")], huge).await;
        assert_eq!(r.status, 413);
        // Nothing of the refused requests was stored.
        let (_, list) = api(app, "GET", &format!("{ARTICLES}?state=draft"), &editor, None).await;
        assert_eq!(list["total"], 1, "{list}");
        // Without credentials, or with a made-up token: 401 with a challenge.
        let r = app.call("GET", &host(SITE), ARTICLES, &[], "").await;
        assert_eq!((r.status, r.header("www-authenticate").is_some()), (401, true));
        let r = app.call("GET", &host(SITE), ARTICLES, &[("authorization", "Bearer zqt_forged")], "").await;
        assert_eq!(r.status, 401);
    }

    async fn attachments_are_checked_stored_by_hash_and_served_only_by_their_site(app: demo) {
        let editor = token(app, "jb.e1", None, Some(TenantRole::Editor)).await;
        let auth = format!("Bearer {editor}");
        let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";
        let upload = |name: &'static str, bytes: Vec<u8>| {
            let auth = auth.clone();
            async move {
                let path = format!("/api/v1/sites/jb/attachments?name={name}");
                app.call("POST", &host(SITE), &path, &[("authorization", &auth), ("content-type", "application/octet-stream")], bytes).await
            }
        };
        let r = upload("photo.png", png.to_vec()).await;
        assert_eq!(r.status, 201, "{}", r.body);
        let url = json_of(&r)["url"].as_str().unwrap().to_owned();
        assert!(url.starts_with("/files/") && url.ends_with("/photo%2Epng") || url.ends_with("/photo.png") || url.contains("photo"), "{url}");
        let got = app.get(&host(SITE), &url).await;
        assert_eq!((got.status, got.header("content-type")), (200, Some("image/png")));
        assert!(got.header("cache-control").unwrap().contains("immutable"));
        assert_eq!(got.bytes, png);
        // The same address on another site's host finds nothing.
        assert_eq!(app.get(&host("jn"), &url).await.status, 404);
        // A conditional request is answered 304 for the site's own file only: not on another
        // site, and not for a hash no file has.
        let etag = got.header("etag").expect("an ETag").to_owned();
        assert_eq!(app.get_with(&host(SITE), &url, &[("if-none-match", &etag)]).await.status, 304);
        assert_eq!(app.get_with(&host("jn"), &url, &[("if-none-match", &etag)]).await.status, 404);
        let nothing = format!("\"{}\"", "0".repeat(64));
        let missing = format!("/files/{}/x.pdf", "0".repeat(64));
        assert_eq!(app.get_with(&host(SITE), &missing, &[("if-none-match", &nothing)]).await.status, 404);
        // The alias path works from any host (the console's previews use it).
        assert_eq!(app.get(&host("www"), &format!("/sites/jb{url}")).await.status, 200);

        for (name, bytes, why) in [
            ("page.html", b"<html></html>".to_vec(), "不支持"),
            ("fake.jpg", b"<script>alert(1)</script>".to_vec(), "不符"),
            ("empty.pdf", Vec::new(), "空"),
        ] {
            let r = upload(name, bytes).await;
            assert_eq!(r.status, 422, "{name}: {}", r.body);
            assert!(json_of(&r)["message"].as_str().unwrap().contains(why), "{name}: {}", r.body);
        }
        let mut big = png.to_vec();
        big.resize(6 * 1024 * 1024, 0);
        let r = upload("big.png", big).await;
        assert_eq!(r.status, 422, "{}", r.body);
        let (_, files) = api(app, "GET", "/api/v1/sites/jb/attachments", &editor, None).await;
        assert_eq!(files.as_array().unwrap().len(), 1, "only the good file was kept");
    }

    async fn characters_xml_forbids_are_dropped_from_what_is_typed_so_feeds_stay_well_formed(app: demo) {
        let editor = token(app, "jb.e1", None, Some(TenantRole::Editor)).await;
        let admin = token(app, "jb.a1", None, Some(TenantRole::SiteAdmin)).await;
        let col = column(app).await;
        // NUL is what PostgreSQL refused with a 500; U+FFFE/U+FFFF and the other controls made
        // the feeds invalid XML. Tabs and line breaks stay.
        let (s, a) = api(app, "POST", ARTICLES, &editor, Some(json!({
            "column_id": col, "title": "控制\u{1}字符", "subtitle": "a\u{0}b", "summary": "摘\u{ffff}要\n第二行",
            "source": "江北区\u{fffe}政府办", "body": "<p>正文\u{0}。</p>"
        }))).await;
        assert_eq!(s, 201, "{a}");
        assert_eq!((a["title"].as_str(), a["subtitle"].as_str()), (Some("控制字符"), Some("ab")), "{a}");
        assert_eq!((a["summary"].as_str(), a["source"].as_str()), (Some("摘要\n第二行"), Some("江北区政府办")), "{a}");
        let (_, site) = api(app, "GET", "/api/v1/sites/jb", &admin, None).await;
        let settings = json!({"name": format!("{}\u{7}", site["name"].as_str().unwrap()), "sponsor": site["sponsor"]});
        let (s, t) = api(app, "PUT", "/api/v1/sites/jb/settings", &admin, Some(settings)).await;
        assert_eq!(s, 200, "{t}");
        assert!(!t["name"].as_str().unwrap().contains('\u{7}'), "{t}");
        // A console form (urlencoded) is cleaned the same way.
        app.account("jb.clerk", None, &[("jb", TenantRole::SiteAdmin)]).await;
        let (_, cookie) = app.sign_in("jb.clerk", zq_tests::PASSWORD).await;
        let cookie = cookie.unwrap();
        let page = app.get_with("127.0.0.1", "/console/sites/jb/settings", &[("cookie", &cookie)]).await;
        let csrf = zq_tests::hidden(&page.body, "csrf");
        let name = site["name"].as_str().unwrap();
        let r = app.post_form("127.0.0.1", "/console/sites/jb/settings",
            &[("csrf", csrf.as_str()), ("name", &format!("{name}\u{0}")), ("sponsor", site["sponsor"].as_str().unwrap())],
            &[("cookie", &cookie)]).await;
        assert!(r.status == 303 || r.status == 200, "{}: {}", r.status, r.body);
        let (_, after) = api(app, "GET", "/api/v1/sites/jb", &admin, None).await;
        assert_eq!(after["name"].as_str(), Some(name), "{after}");
        let sitemap = app.get(&host(SITE), "/sitemap.xml").await;
        assert!(roxmltree::Document::parse(&sitemap.body).is_ok(), "{}", sitemap.body);
    }

    async fn site_settings_show_at_once_and_only_site_admins_change_them(app: demo) {
        let admin = token(app, "jb.a1", None, Some(TenantRole::SiteAdmin)).await;
        let editor = token(app, "jb.e1", None, Some(TenantRole::Editor)).await;
        let path = "/api/v1/sites/jb/settings";
        let settings = json!({"name": "江北区人民政府门户网站", "sponsor": "江北区人民政府办公室", "site_id": "3702030001", "theme_color": "#1A4C8B"});
        assert_eq!(api(app, "PUT", path, &editor, Some(settings.clone())).await.0, 403);
        let before = app.get(&host(SITE), "/").await;
        assert!(!before.body.contains("江北区人民政府门户网站"));
        let (s, t) = api(app, "PUT", path, &admin, Some(settings)).await;
        assert_eq!((s, t["theme_color"].as_str()), (200, Some("#1a4c8b")), "{t}");
        let after = app.get(&host(SITE), "/").await;
        assert!(after.body.contains("江北区人民政府门户网站"), "the cached home page was invalidated");
        assert!(after.body.contains("3702030001"));
        assert!(after.body.contains("/static/theme-1a4c8b.css"), "the theme colour reaches the page");
        let css = app.get(&host(SITE), "/static/theme-1a4c8b.css").await;
        assert_eq!((css.status, css.header("content-type")), (200, Some("text/css; charset=utf-8")));
        assert!(css.body.contains("--red:#1a4c8b"));
        for bad in [json!({"name": "", "sponsor": "x"}), json!({"name": "x", "sponsor": "y", "theme_color": "red"}),
                    json!({"name": "x", "sponsor": "y", "logo": "javascript:alert(1)"})] {
            let (s, e) = api(app, "PUT", path, &admin, Some(bad.clone())).await;
            assert_eq!(s, 422, "{bad}: {e}");
        }
        assert!(audit_actions(app, &admin).await.iter().any(|r| r.0 == "site.settings" && r.2 && r.3));
    }

    async fn editors_publish_directly_only_where_the_site_allows_it(app: demo) {
        let admin = token(app, "jb.a1", None, Some(TenantRole::SiteAdmin)).await;
        let editor = token(app, "jb.e1", None, Some(TenantRole::Editor)).await;
        let id = draft(app, &editor, "直接发布测试").await;
        let path = format!("{ARTICLES}/{id}/publish");
        assert_eq!(api(app, "POST", &path, &editor, None).await.0, 403);
        let (_, site) = api(app, "GET", "/api/v1/sites/jb", &admin, None).await;
        let mut settings = json!({"name": site["name"], "sponsor": site["sponsor"], "editors_publish_directly": true});
        assert_eq!(api(app, "PUT", "/api/v1/sites/jb/settings", &admin, Some(settings.clone())).await.0, 200);
        let (s, a) = api(app, "POST", &path, &editor, None).await;
        assert_eq!((s, a["state"].as_str()), (200, Some("published")), "{a}");
        assert_eq!(public(app, id).await.status, 200);
        settings["editors_publish_directly"] = json!(false);
        assert_eq!(api(app, "PUT", "/api/v1/sites/jb/settings", &admin, Some(settings)).await.0, 200);
    }

    async fn tokens_are_scoped_shown_once_and_revocable(app: demo) {
        let editor = token(app, "jb.e1", None, Some(TenantRole::Editor)).await;
        // A token for a role the owner does not hold is refused.
        let (s, _) = api(app, "POST", "/api/v1/tokens", &editor, Some(json!({"site": "jb", "role": "reviewer", "label": "x"}))).await;
        assert_eq!(s, 403);
        let (s, _) = api(app, "POST", "/api/v1/tokens", &editor, Some(json!({"role": "cluster_admin", "label": "x"}))).await;
        assert_eq!(s, 403);
        let (s, created) = api(app, "POST", "/api/v1/tokens", &editor, Some(json!({"site": "jb", "role": "editor", "label": "发布脚本"}))).await;
        assert_eq!(s, 201, "{created}");
        let secret = created["secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("zqt_"));
        let (s, me) = api(app, "GET", "/api/v1/me", &secret, None).await;
        assert_eq!((s, me["login"].as_str()), (200, Some("jb.e1")));
        let (_, list) = api(app, "GET", "/api/v1/tokens", &secret, None).await;
        assert!(!list.to_string().contains(&secret), "the secret is never shown again");
        let id = created["token"]["id"].as_i64().unwrap();
        assert_eq!(api(app, "DELETE", &format!("/api/v1/tokens/{id}"), &editor, None).await.0, 204);
        assert_eq!(api(app, "GET", "/api/v1/me", &secret, None).await.0, 401, "revoked");
        // An operator's token reads figures, no content (least privilege), and changes nothing.
        let ops = token(app, "ops.one", Some(ClusterRole::Operator), None).await;
        assert_eq!(api(app, "GET", ARTICLES, &ops, None).await.0, 403);
        assert_eq!(api(app, "GET", "/api/v1/sites/jb/inspection", &ops, None).await.0, 200);
        let col = column(app).await;
        assert_eq!(api(app, "POST", ARTICLES, &ops, Some(json!({"column_id": col, "title": "运维不能写"}))).await.0, 403);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_article_is_published_by_the_scheduler_when_due() {
    let app = TestApp::setup(Setup {
        backend: Some(Backend::Sqlite),
        demo: Some(Default::default()),
        env: vec![("ZQ_JOBS__SCHEDULER_TICK_SECS".into(), "1".into())],
        ..Setup::default()
    })
    .await;
    let editor = token(&app, "jb.e1", None, Some(TenantRole::Editor)).await;
    let reviewer = token(&app, "jb.r1", None, Some(TenantRole::Reviewer)).await;
    let id = draft(&app, &editor, "定时发布的通知").await;
    let path = format!("{ARTICLES}/{id}");
    api(&app, "POST", &format!("{path}/submit"), &editor, None).await;
    let at = (chrono::Utc::now() + chrono::Duration::seconds(3)).to_rfc3339();
    let (s, a) = api(
        &app,
        "POST",
        &format!("{path}/approve"),
        &reviewer,
        Some(json!({"publish_at": at})),
    )
    .await;
    assert_eq!((s, a["state"].as_str()), (200, Some("scheduled")), "{a}");
    assert_eq!(public(&app, id).await.status, 404, "not before its time");
    let mut published = false;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        if public(&app, id).await.status == 200 {
            published = true;
            break;
        }
    }
    assert!(published, "published within 10 s of its time");
    let (_, a) = api(&app, "GET", &path, &editor, None).await;
    assert_eq!(a["state"], "published");
    let log = app.store.audit_log(None, 50).await.unwrap();
    assert!(
        log.iter()
            .any(|r| r.entry.action == "article.due" && r.entry.actor.is_none()),
        "the system is the actor"
    );
    app.finish().await;
}
