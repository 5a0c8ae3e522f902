//! No lost work when the session ends with a form open, on both databases: the keep-alive
//! answers 204 while signed in and 401 after; an article form sent after the session ended
//! creates nothing, is kept, the sign-in page says so, and signing in again leads back to the
//! form's page where its fields (not the old CSRF token) are given back — to that account
//! only; a form with passwords (a site's users) is never kept.

use serde_json::Value;
use zq_domain::access::TenantRole;
use zq_tests::{PASSWORD, Resp, TestApp, cookie_of, hidden_csrf, on_both_backends};

async fn post_article(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> Resp {
    let boundary = "zqresume7MA4YWxkTrZu0gW";
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--{boundary}--\r\n"
    ));
    let ct = format!("multipart/form-data; boundary={boundary}");
    let referer = format!(
        "http://127.0.0.1/console/sites/jb/articles/new?column={}",
        fields[1].1
    );
    app.call(
        "POST",
        "127.0.0.1",
        "/console/sites/jb/articles/new",
        &[
            ("content-type", &ct),
            ("cookie", cookie),
            ("referer", &referer),
        ],
        body,
    )
    .await
}

on_both_backends! {
    async fn an_article_sent_after_the_session_ended_is_given_back_after_signing_in(app: demo) {
        app.account("jb.resumer", None, &[("jb", TenantRole::Editor)]).await;
        app.account("jb.other", None, &[("jb", TenantRole::Editor)]).await;
        let session = app.sign_in("jb.resumer", PASSWORD).await.1.unwrap();
        let alive = app.get_with("127.0.0.1", "/console/keepalive", &[("cookie", &session)]).await;
        assert_eq!(alive.status, 204, "the keep-alive while signed in");
        let page = app.get_with("127.0.0.1", "/console/sites/jb/articles/new", &[("cookie", &session)]).await;
        let csrf = hidden_csrf(&page.body);
        let t = app.store.tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap()).await.unwrap().unwrap();
        let column = app.store.columns(t.id).await.unwrap().into_iter()
            .find(|c| c.kind == zq_domain::ColumnKind::ArticleList && c.aggregates.is_none()).unwrap().id.0.to_string();
        // The session ends (here: signed out in another tab) while the form is open.
        let out = app.post_form("127.0.0.1", "/console/logout", &[("csrf", &csrf)], &[("cookie", &session)]).await;
        assert_eq!(out.status, 303);
        assert_eq!(app.get_with("127.0.0.1", "/console/keepalive", &[("cookie", &session)]).await.status, 401);

        let fields = [("csrf", csrf.as_str()), ("column_id", column.as_str()), ("title", "会话过期时写的信息"),
                      ("body", "<p>花了半小时写的正文。</p>"), ("version", "")];
        let sent = post_article(app, &session, &fields).await;
        assert_eq!((sent.status, sent.header("location")), (303, Some("/console/login")), "{}", sent.body);
        let (_, kept) = cookie_of(&sent, "zq_resume").expect("the kept form's cookie");
        let (editorial, _) = app.store.editorial_list(t.id, None, 500, 0).await.unwrap();
        assert!(!editorial.iter().any(|a| a.title == "会话过期时写的信息"), "nothing created while signed out");

        let login = app.get_with("127.0.0.1", "/console/login", &[("cookie", &kept)]).await;
        assert!(login.body.contains("您刚才提交的内容已经保存"), "{}", login.body);
        let (r, again) = app.sign_in_with("jb.resumer", PASSWORD, &[("cookie", &kept)]).await;
        let to = r.header("location").expect("a redirect").to_owned();
        assert!(to.starts_with(&format!("/console/sites/jb/articles/new?column={column}&resume=")), "{to}");
        let token = to.rsplit("resume=").next().unwrap().to_owned();
        assert!(cookie_of(&r, "zq_resume").is_some_and(|(full, _)| full.contains("Max-Age=0")), "the cookie is cleared");
        let again = again.unwrap();
        let back = app.get_with("127.0.0.1", &to, &[("cookie", &again)]).await;
        assert_eq!(back.status, 200);
        let json = app.get_with("127.0.0.1", &format!("/console/resume/{token}"), &[("cookie", &again)]).await;
        assert_eq!(json.status, 200, "{}", json.body);
        let v: Value = serde_json::from_str(&json.body).unwrap();
        assert_eq!(v["action"], "/console/sites/jb/articles/new");
        let f: Vec<(String, String)> = serde_json::from_value(v["fields"].clone()).unwrap();
        assert!(f.contains(&("title".into(), "会话过期时写的信息".into())), "{f:?}");
        assert!(f.contains(&("body".into(), "<p>花了半小时写的正文。</p>".into())), "{f:?}");
        assert!(!f.iter().any(|(k, _)| k == "csrf" || k == "files"), "no token, no file: {f:?}");

        // Another account never reads it.
        let other = app.sign_in("jb.other", PASSWORD).await.1.unwrap();
        let stolen = app.get_with("127.0.0.1", &format!("/console/resume/{token}"), &[("cookie", &other)]).await;
        assert_eq!(stolen.status, 404);
    }

    async fn a_form_with_passwords_is_never_kept(app: demo) {
        let r = app.post_form("127.0.0.1", "/console/sites/jb/users",
            &[("csrf", "x"), ("login", "someone"), ("password", "Secret-Password-2026")],
            &[("cookie", &format!("zq_session={}", "a".repeat(64)))]).await;
        assert_eq!((r.status, r.header("location")), (303, Some("/console/login")));
        assert!(cookie_of(&r, "zq_resume").is_none(), "not kept");
    }
}
