//! The article editor's server side (issue 16), on both databases: a picture uploaded from
//! the editor is answered as JSON with its address under the site's alias, and stored in the
//! body site-relative, so the site's own host and the alias each serve it; the autosave keeps
//! a form per account and page and offers it back until the form is saved for real; 预览
//! renders the unsaved form in the site's chrome, marked and not indexed, saving nothing; an
//! article published without a 索引号 gets the site's next one; the sanitizer keeps the
//! editor's alignment and indent classes and nothing else.

use serde_json::Value;
use zq_domain::access::TenantRole;
use zq_tests::{PASSWORD, Resp, TestApp, hidden_csrf, host, on_both_backends};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";

async fn signed_in(app: &TestApp, login: &str) -> (String, String) {
    app.account(
        login,
        None,
        &[("jb", TenantRole::Editor), ("jb", TenantRole::Reviewer)],
    )
    .await;
    let cookie = app.sign_in(login, PASSWORD).await.1.expect("signed in");
    let page = app
        .get_with(
            "127.0.0.1",
            "/console/sites/jb/articles/new",
            &[("cookie", &cookie)],
        )
        .await;
    (cookie.clone(), hidden_csrf(&page.body))
}

fn json(r: &Resp) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.body))
}

async fn column(app: &TestApp) -> String {
    let t = app
        .store
        .tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap())
        .await
        .unwrap()
        .unwrap();
    app.store
        .columns(t.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.kind == zq_domain::ColumnKind::ArticleList && c.aggregates.is_none())
        .unwrap()
        .id
        .0
        .to_string()
}

/// 写信息 sent as the browser sends it; the new article's id.
async fn write(
    app: &TestApp,
    cookie: &str,
    csrf: &str,
    title: &str,
    body: &str,
    then: &str,
) -> i64 {
    let col = column(app).await;
    let fields = [
        ("csrf", csrf),
        ("column_id", col.as_str()),
        ("title", title),
        ("body", body),
        ("then", then),
    ];
    let r = app
        .post_multipart_with(
            "127.0.0.1",
            "/console/sites/jb/articles/new",
            &fields,
            &[],
            &[("cookie", cookie)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let loc = r.header("location").unwrap().to_owned();
    loc.rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn approve(app: &TestApp, cookie: &str, csrf: &str, id: i64) {
    let r = app
        .post_form(
            "127.0.0.1",
            &format!("/console/sites/jb/articles/{id}/approve"),
            &[("csrf", csrf)],
            &[("cookie", cookie)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

on_both_backends! {
    async fn a_picture_from_the_editor_is_stored_site_relative_and_served_on_both_addresses(app: demo) {
        let (cookie, csrf) = signed_in(app, "jb.picture").await;
        let inline = "/console/sites/jb/attachments/inline";
        let r = app.post_multipart_with("127.0.0.1", inline, &[("csrf", csrf.as_str())], &[("file", "现场.png", PNG)], &[("cookie", &cookie)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let up = json(&r);
        let url = up["url"].as_str().unwrap().to_owned();
        assert!(url.starts_with("/sites/jb/files/"), "{url}");
        assert_eq!((up["name"].as_str(), up["is_image"].as_bool()), (Some("现场.png"), Some(true)));

        // Refusals are JSON too, in Chinese.
        let r = app.post_multipart_with("127.0.0.1", inline, &[("csrf", "wrong")], &[("file", "a.png", PNG)], &[("cookie", &cookie)]).await;
        assert_eq!(r.status, 403);
        assert!(json(&r)["error"].as_str().unwrap().contains("过期"));
        let r = app.post_multipart_with("127.0.0.1", inline, &[("csrf", csrf.as_str())], &[("file", "run.exe", b"MZ\x90\0")], &[("cookie", &cookie)]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(json(&r)["error"].as_str().is_some_and(|e| !e.is_ascii()), "{}", r.body);

        let body = format!("<p class=\"indent\">正文。</p><figure><img src=\"{url}\" alt=\"现场照片\"><figcaption>检查现场</figcaption></figure>");
        let id = write(app, &cookie, &csrf, "带图片的信息", &body, "submit").await;
        let t = app.store.tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap()).await.unwrap().unwrap();
        let stored = app.store.editorial_article(t.id, zq_domain::ArticleId(id)).await.unwrap().text.body;
        assert!(stored.contains("src=\"/files/") && !stored.contains("/sites/jb/files/"), "{stored}");
        // The editor shows it through the alias again.
        let editor = app.get_with("127.0.0.1", &format!("/console/sites/jb/articles/{id}"), &[("cookie", &cookie)]).await;
        assert!(editor.body.contains(&format!("src=\"{url}\"")), "{}", editor.body);

        approve(app, &cookie, &csrf, id).await;
        let own = app.get(&host("jb"), &format!("/art/{id}.html")).await;
        let own_src = url.trim_start_matches("/sites/jb");
        assert!(own.body.contains(&format!("src=\"{own_src}\"")) && own.body.contains("<figcaption>检查现场</figcaption>"), "{}", own.body);
        assert_eq!(app.get(&host("jb"), own_src).await.status, 200, "the own host serves it");
        let alias = app.get("127.0.0.1", &format!("/sites/jb/art/{id}.html")).await;
        assert!(alias.body.contains(&format!("src=\"{url}\"")), "{}", alias.body);
        assert_eq!(app.get("127.0.0.1", &url).await.status, 200, "the alias serves it");
    }

    async fn the_autosave_is_kept_per_account_and_page_until_the_form_is_saved(app: demo) {
        let (cookie, csrf) = signed_in(app, "jb.autosaver").await;
        let (other, _) = signed_in(app, "jb.otherwriter").await;
        let url = "/console/sites/jb/autosave?page=articles/new";
        let fields = [("csrf", csrf.as_str()), ("title", "还没保存的标题"), ("body", "<p>打了一半的正文</p>"), ("then", "save")];
        let r = app.post_multipart_with("127.0.0.1", url, &fields, &[], &[("cookie", &cookie)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(json(&r)["saved_at"].is_string());
        let back = json(&app.get_with("127.0.0.1", url, &[("cookie", &cookie)]).await);
        assert_eq!(back["fields"]["title"], "还没保存的标题");
        assert!(back["fields"].get("csrf").is_none() && back["fields"].get("then").is_none(), "{back}");
        assert_eq!(json(&app.get_with("127.0.0.1", url, &[("cookie", &other)]).await), serde_json::json!({}), "another account's copy is not offered");
        let bad = app.get_with("127.0.0.1", "/console/sites/jb/autosave?page=settings", &[("cookie", &cookie)]).await;
        assert_eq!(bad.status, 404);

        // Saved for real: the copy is gone.
        let id = write(app, &cookie, &csrf, "还没保存的标题", "<p>打了一半的正文</p>", "save").await;
        assert_eq!(json(&app.get_with("127.0.0.1", url, &[("cookie", &cookie)]).await), serde_json::json!({}));

        // On an article's page: offered while newer than the article, gone after a save.
        let page = format!("/console/sites/jb/autosave?page=articles/{id}");
        let fields = [("csrf", csrf.as_str()), ("title", "改过的标题"), ("version", "1")];
        assert_eq!(app.post_multipart_with("127.0.0.1", &page, &fields, &[], &[("cookie", &cookie)]).await.status, 200);
        assert_eq!(json(&app.get_with("127.0.0.1", &page, &[("cookie", &cookie)]).await)["fields"]["title"], "改过的标题");
        let col = column(app).await;
        let form = [("csrf", csrf.as_str()), ("column_id", col.as_str()), ("title", "改过的标题"), ("body", "<p>正文</p>"), ("version", "1")];
        let r = app.post_multipart_with("127.0.0.1", &format!("/console/sites/jb/articles/{id}"), &form, &[], &[("cookie", &cookie)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(json(&app.get_with("127.0.0.1", &page, &[("cookie", &cookie)]).await), serde_json::json!({}));
    }

    async fn a_preview_shows_the_unsaved_form_in_the_site_chrome_and_saves_nothing(app: demo) {
        let (cookie, csrf) = signed_in(app, "jb.previewer").await;
        let t = app.store.tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap()).await.unwrap().unwrap();
        let before = app.store.editorial_list(t.id, None, 1, 0).await.unwrap().1;
        let col = column(app).await;
        let form = [("csrf", csrf.as_str()), ("column_id", col.as_str()), ("title", "预览中的标题"),
                    ("body", "<p class=\"align-center\">居中的正文</p><script>alert(1)</script>")];
        let r = app.post_form("127.0.0.1", "/console/sites/jb/preview", &form, &[("cookie", &cookie)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("预览中的标题") && r.body.contains("海川市江北区人民政府"), "the site's chrome");
        assert!(r.body.contains("preview-banner") && r.body.contains("noindex"));
        assert!(r.body.contains("<p class=\"align-center\">居中的正文</p>") && !r.body.contains("alert(1)"), "{}", r.body);
        assert_eq!(app.store.editorial_list(t.id, None, 1, 0).await.unwrap().1, before, "nothing saved");
        let no_column = [("csrf", csrf.as_str()), ("column_id", ""), ("title", "x"), ("body", "<p>x</p>")];
        let r = app.post_form("127.0.0.1", "/console/sites/jb/preview", &no_column, &[("cookie", &cookie)]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("请先选择栏目"));
    }

    async fn an_article_published_without_an_index_number_gets_the_sites_next_one(app: demo) {
        let (cookie, csrf) = signed_in(app, "jb.numberer").await;
        let t = app.store.tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap()).await.unwrap().unwrap();
        let year = chrono::Utc::now().with_timezone(&zq_domain::time::beijing()).format("%Y").to_string();
        let mut numbers = Vec::new();
        for title in ["第一篇自动编号", "第二篇自动编号"] {
            let id = write(app, &cookie, &csrf, title, "<p class=\"evil indent\" style=\"color:red\">正文</p>", "submit").await;
            approve(app, &cookie, &csrf, id).await;
            let a = app.store.editorial_article(t.id, zq_domain::ArticleId(id)).await.unwrap();
            assert_eq!(a.text.body, "<p class=\"indent\">正文</p>", "only the editor's classes, no style");
            numbers.push(a.text.index_number.expect("numbered"));
        }
        let first: i64 = numbers[0].rsplit('-').next().unwrap().parse().unwrap();
        assert_eq!(numbers, vec![format!("JB-{year}-{first:05}"), format!("JB-{year}-{:05}", first + 1)]);
        let page = app.get(&host("jb"), "/").await;
        assert_eq!(page.status, 200);

        // One given by hand is kept.
        let col = column(app).await;
        let fields = [("csrf", csrf.as_str()), ("column_id", col.as_str()), ("title", "手填索引号"), ("body", "<p>正文</p>"), ("index_number", "000014348/2026-00099"), ("then", "submit")];
        let r = app.post_multipart_with("127.0.0.1", "/console/sites/jb/articles/new", &fields, &[], &[("cookie", &cookie)]).await;
        let id: i64 = r.header("location").unwrap().rsplit('/').next().unwrap().split('?').next().unwrap().parse().unwrap();
        approve(app, &cookie, &csrf, id).await;
        let a = app.store.editorial_article(t.id, zq_domain::ArticleId(id)).await.unwrap();
        assert_eq!(a.text.index_number.as_deref(), Some("000014348/2026-00099"));
    }
}
