//! One-time keys on the console's creating forms, on both databases: the 写信息 form sent
//! twice at once with the same key (a double click) makes one article and both answers lead
//! to it; a refused submit releases its key, so the corrected form goes through; a new column
//! sent twice is created once; a form without a key (an old page, a script) still works.

use zq_domain::access::TenantRole;
use zq_tests::{PASSWORD, Resp, TestApp, hidden, hidden_csrf, on_both_backends};

/// A signed-in editor and site admin of jb: the session cookie.
async fn signed_in(app: &TestApp, login: &str, role: TenantRole) -> String {
    app.account(login, None, &[("jb", role)]).await;
    app.sign_in(login, PASSWORD).await.1.expect("signed in")
}

/// The 写信息 form sent as a browser sends it (multipart).
async fn post_article(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> Resp {
    let boundary = "zqonce7MA4YWxkTrZu0gW";
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let ct = format!("multipart/form-data; boundary={boundary}");
    app.call(
        "POST",
        "127.0.0.1",
        "/console/sites/jb/articles/new",
        &[("content-type", &ct), ("cookie", cookie)],
        body,
    )
    .await
}

async fn articles_titled(app: &TestApp, title: &str) -> usize {
    let t = app
        .store
        .tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap())
        .await
        .unwrap()
        .unwrap();
    let (items, _) = app.store.editorial_list(t.id, None, 500, 0).await.unwrap();
    items.iter().filter(|a| a.title == title).count()
}

/// The `name`/`value` pairs of the text inputs of the form posting to `action`.
fn inputs(body: &str, action: &str) -> Vec<(String, String)> {
    let form = &body[body
        .find(&format!("<form method=\"post\" action=\"{action}\""))
        .expect("the form")..];
    let form = &form[..form.find("</form>").unwrap()];
    form.split("<input ")
        .skip(1)
        .filter(|i| !i.contains("type=\"checkbox\""))
        .filter_map(|i| {
            let attr = |a: &str| {
                let at = i.find(&format!("{a}=\""))? + a.len() + 2;
                Some(i[at..].split('"').next().unwrap_or_default().to_owned())
            };
            Some((attr("name")?, attr("value").unwrap_or_default()))
        })
        .collect()
}

on_both_backends! {
    async fn a_double_submitted_article_form_creates_one_article(app: demo) {
        let cookie = signed_in(app, "jb.onceeditor", TenantRole::Editor).await;
        let page = app.get_with("127.0.0.1", "/console/sites/jb/articles/new", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, 200);
        let (csrf, key) = (hidden_csrf(&page.body), hidden(&page.body, "once"));
        assert_eq!(key.len(), 64, "the form carries a fresh key");
        let t = app.store.tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap()).await.unwrap().unwrap();
        let column = app.store.columns(t.id).await.unwrap().into_iter()
            .find(|c| c.kind == zq_domain::ColumnKind::ArticleList && c.aggregates.is_none())
            .expect("a list column").id.0.to_string();
        let fields = |title: &'static str, key: &str| -> Vec<(&'static str, String)> {
            vec![("csrf", csrf.clone()), ("once", key.to_owned()), ("column_id", column.clone()),
                 ("title", title.to_owned()), ("body", "<p>正文。</p>".to_owned()), ("version", String::new())]
        };
        let sent = fields("一次性提交的信息", &key);
        let sent: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (a, b) = tokio::join!(post_article(app, &cookie, &sent), post_article(app, &cookie, &sent));
        assert_eq!((a.status, b.status), (303, 303), "{} {}", a.body, b.body);
        assert_eq!(a.header("location"), b.header("location"), "both lead to the one article");
        assert!(a.header("location").unwrap().contains("/console/sites/jb/articles/"));
        assert_eq!(articles_titled(app, "一次性提交的信息").await, 1);
        // Sent again later (the back button): still the same article.
        let again = post_article(app, &cookie, &sent).await;
        assert_eq!((again.status, again.header("location")), (303, a.header("location")));
        assert_eq!(articles_titled(app, "一次性提交的信息").await, 1);

        // A refused submit (no title) releases its key: the corrected form goes through.
        let page = app.get_with("127.0.0.1", "/console/sites/jb/articles/new", &[("cookie", &cookie)]).await;
        let key = hidden(&page.body, "once");
        let refused = fields("", &key);
        let refused: Vec<(&str, &str)> = refused.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = post_article(app, &cookie, &refused).await;
        assert_eq!(r.status, 422, "{}", r.body);
        let fixed = fields("改正后提交的信息", &key);
        let fixed: Vec<(&str, &str)> = fixed.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(post_article(app, &cookie, &fixed).await.status, 303);
        assert_eq!(articles_titled(app, "改正后提交的信息").await, 1);

        // A form without a key still works (each submit creates).
        let plain = fields("没有一次性密钥的信息", "");
        let plain: Vec<(&str, &str)> = plain.iter().filter(|(k, _)| *k != "once").map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(post_article(app, &cookie, &plain).await.status, 303);
        assert_eq!(articles_titled(app, "没有一次性密钥的信息").await, 1);
    }

    async fn a_double_submitted_column_form_creates_one_column(app: demo) {
        let cookie = signed_in(app, "jb.onceadmin", TenantRole::SiteAdmin).await;
        let page = app.get_with("127.0.0.1", "/console/sites/jb/columns", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, 200);
        let key = hidden(&page.body, "once");
        assert_eq!(key.len(), 64);
        let csrf = hidden_csrf(&page.body);
        let form = [("csrf", csrf.as_str()), ("once", key.as_str()), ("slug", "ycxlm"), ("name", "一次性栏目"),
                    ("kind", "article_list"), ("update_requirement", "weekly"), ("responsible_unit", "区政府办"), ("sort_order", "90")];
        let h = [("cookie", cookie.as_str())];
        let (a, b) = tokio::join!(
            app.post_form("127.0.0.1", "/console/sites/jb/columns", &form, &h),
            app.post_form("127.0.0.1", "/console/sites/jb/columns", &form, &h),
        );
        assert_eq!((a.status, b.status), (303, 303), "{} {}", a.body, b.body);
        let t = app.store.tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap()).await.unwrap().unwrap();
        let n = app.store.columns(t.id).await.unwrap().iter().filter(|c| c.name == "一次性栏目").count();
        assert_eq!(n, 1, "one column, not an error for the second click");
    }

    async fn site_settings_save_unchanged(app: demo) {
        let cookie = signed_in(app, "jb.settingsadmin", TenantRole::SiteAdmin).await;
        let page = app.get_with("127.0.0.1", "/console/sites/jb/settings", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, 200);
        let fields = inputs(&page.body, "/console/sites/jb/settings");
        assert!(!fields.iter().any(|(_, v)| v == "None" || v == "none"), "no empty field shows None: {fields:?}");
        let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = app.post_form("127.0.0.1", "/console/sites/jb/settings", &form, &[("cookie", &cookie)]).await;
        assert_eq!(r.status, 303, "the unchanged settings save: {}", r.body);
    }
}
