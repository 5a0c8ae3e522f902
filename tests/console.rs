//! Sign-on and the console start page over HTTP: CSRF, cookies, failures and their delays,
//! sessions, sign-out, and each person seeing only the sites they may act on.

use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{PASSWORD, Resp, TestApp, cookie_of, hidden_csrf, host, on_both_backends};

async fn account(
    app: &TestApp,
    login: &str,
    cluster: Option<ClusterRole>,
    bindings: &[(&str, TenantRole)],
) {
    app.account(login, cluster, bindings).await;
}

async fn sign_in(app: &TestApp, login: &str, password: &str) -> (Resp, Option<String>) {
    app.sign_in(login, password).await
}

on_both_backends! {
    async fn signing_in_sets_a_fresh_http_only_session_cookie_and_opens_the_console(app: demo) {
        account(app, "jb.editor", None, &[("jb", TenantRole::Editor)]).await;
        let (r, session) = sign_in(app, "JB.Editor", PASSWORD).await;
        assert_eq!((r.status, r.header("location")), (303, Some("/console/")));
        let (full, pair) = cookie_of(&r, "zq_session").expect("session cookie");
        assert!(full.contains("HttpOnly") && full.contains("SameSite=Lax") && full.contains("Path=/"), "{full}");
        assert!(!full.contains("Secure"), "plain HTTP in tests");
        assert_eq!(pair.len(), "zq_session=".len() + 64, "256-bit token");
        let home = app.get_with("127.0.0.1", "/console/", &[("cookie", &session.unwrap())]).await;
        assert_eq!(home.status, 200);
        assert!(home.body.contains("jb.editor姓名"));
        assert!(home.body.contains("海川市江北区人民政府") && home.body.contains("编辑"));
        assert!(!home.body.contains("海川市江南区人民政府"), "only the sites bound to the account");
        assert_eq!(home.header("cache-control"), Some("no-store"));
        // Without a session the console sends you to sign in.
        let anon = app.get("127.0.0.1", "/console/").await;
        assert_eq!((anon.status, anon.header("location")), (303, Some("/console/login")));
    }

    async fn cluster_admins_and_operators_see_every_site(app: demo) {
        account(app, "office", Some(ClusterRole::ClusterAdmin), &[]).await;
        account(app, "ops", Some(ClusterRole::Operator), &[]).await;
        for (login, label) in [("office", "集群管理员"), ("ops", "运维监控")] {
            let (_, session) = sign_in(app, login, PASSWORD).await;
            let home = app.get_with("127.0.0.1", "/console/", &[("cookie", &session.unwrap())]).await;
            assert!(home.body.contains(label));
            assert_eq!(home.body.matches("<tr><td>").count(), 35, "{login} sees all 35 sites");
        }
    }

    async fn a_wrong_password_is_refused_and_five_failures_make_strangers_wait(app: demo) {
        account(app, "jn.admin", None, &[("jn", TenantRole::SiteAdmin)]).await;
        for i in 0..5 {
            let (r, session) = sign_in(app, "jn.admin", "Wrong-Password-2026").await;
            assert_eq!(r.status, 401, "attempt {i}");
            assert!(r.body.contains("登录名或密码错误"));
            assert!(session.is_none());
        }
        let (r, session) = sign_in(app, "jn.admin", PASSWORD).await;
        assert_eq!(r.status, 429, "a browser the account never used waits, even with the right password");
        assert!(r.header("retry-after").is_some());
        assert!(r.body.contains("后再试") && r.body.contains("集群管理员解除"), "{}", r.body);
        assert!(session.is_none());
        // Other accounts from the same address are not held up by one account's failures
        // (tests/signin_limits.rs covers the per-client limit and the owner's own browser).
        account(app, "jn.editor", None, &[("jn", TenantRole::Editor)]).await;
        let (r, _) = sign_in(app, "jn.editor", PASSWORD).await;
        assert_eq!(r.status, 303);
        let failed = app.store.audit_log(None, 100).await.unwrap();
        assert!(failed.iter().filter(|r| r.entry.action == "login.failed").count() >= 5, "failures are audited");
    }

    async fn a_missing_or_stale_csrf_token_is_refused(app: demo) {
        account(app, "qs.admin", None, &[("qs", TenantRole::SiteAdmin)]).await;
        let r = app.post_form("127.0.0.1", "/console/login", &[("login", "qs.admin"), ("password", PASSWORD), ("csrf", "")], &[]).await;
        assert_eq!(r.status, 403);
        assert!(r.body.contains("表单已过期"));
        let stale = "a".repeat(64);
        let r = app
            .post_form("127.0.0.1", "/console/login", &[("login", "qs.admin"), ("password", PASSWORD), ("csrf", &stale)], &[("cookie", &format!("zq_csrf={}", "b".repeat(64)))])
            .await;
        assert_eq!(r.status, 403);
        assert!(cookie_of(&r, "zq_session").is_none());
        // Sign-out needs the session's own token.
        let (_, session) = sign_in(app, "qs.admin", PASSWORD).await;
        let session = session.unwrap();
        let r = app.post_form("127.0.0.1", "/console/logout", &[("csrf", &stale)], &[("cookie", &session)]).await;
        assert_eq!(r.status, 403);
        assert_eq!(app.get_with("127.0.0.1", "/console/", &[("cookie", &session)]).await.status, 200, "still signed in");
    }

    async fn signing_out_ends_the_session_and_everywhere_ends_them_all(app: demo) {
        account(app, "hd.reviewer", None, &[("hd", TenantRole::Reviewer)]).await;
        let (_, first) = sign_in(app, "hd.reviewer", PASSWORD).await;
        let (_, second) = sign_in(app, "hd.reviewer", PASSWORD).await;
        let (first, second) = (first.unwrap(), second.unwrap());
        assert_ne!(first, second, "a new token at every sign-in");
        let home = app.get_with("127.0.0.1", "/console/", &[("cookie", &first)]).await;
        let csrf = hidden_csrf(&home.body);
        let r = app.post_form("127.0.0.1", "/console/logout", &[("csrf", &csrf)], &[("cookie", &first)]).await;
        assert_eq!(r.status, 303);
        assert!(cookie_of(&r, "zq_session").is_some_and(|(c, _)| c.contains("Max-Age=0")));
        assert_eq!(app.get_with("127.0.0.1", "/console/", &[("cookie", &first)]).await.status, 303, "first session ended");
        assert_eq!(app.get_with("127.0.0.1", "/console/", &[("cookie", &second)]).await.status, 200, "second still open");
        let home = app.get_with("127.0.0.1", "/console/", &[("cookie", &second)]).await;
        let csrf = hidden_csrf(&home.body);
        let (_, third) = sign_in(app, "hd.reviewer", PASSWORD).await;
        let r = app.post_form("127.0.0.1", "/console/logout-all", &[("csrf", &csrf)], &[("cookie", &second)]).await;
        assert_eq!(r.status, 303);
        assert_eq!(app.get_with("127.0.0.1", "/console/", &[("cookie", &third.unwrap())]).await.status, 303, "every session ended");
    }

    async fn the_console_host_leads_to_the_console_and_public_sites_are_unaffected(app: demo) {
        let r = app.get("console.haichuan.localhost", "/").await;
        assert_eq!((r.status, r.header("location")), (301, Some("/console/")));
        let r = app.get(&host("jb"), "/console/login").await;
        assert_eq!(r.status, 200, "the console is reachable from any cluster host");
        assert_eq!(app.get(&host("jb"), "/").await.status, 200);
        let garbage = app.get_with("127.0.0.1", "/console/", &[("cookie", "zq_session=../../etc; other=1")]).await;
        assert_eq!(garbage.status, 303, "a malformed token is no session");
    }

    async fn a_person_creates_uses_and_revokes_their_own_api_token_in_the_console(app: demo) {
        account(app, "jb.editor", None, &[("jb", TenantRole::Editor)]).await;
        let (_, session) = sign_in(app, "jb.editor", PASSWORD).await;
        let cookie = session.unwrap();
        let page = app
            .get_with("127.0.0.1", "/console/tokens", &[("cookie", &cookie)])
            .await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("value=\"jb:editor\""),
            "the role held is offered"
        );
        assert!(!page.body.contains("jb:reviewer") && !page.body.contains("*:cluster_admin"));
        let csrf = hidden_csrf(&page.body);
        let r = app
            .post_form(
                "127.0.0.1",
                "/console/tokens",
                &[
                    ("csrf", &csrf),
                    ("label", "同步脚本"),
                    ("scope", "jn:editor"),
                    ("expires_at", ""),
                ],
                &[("cookie", &cookie)],
            )
            .await;
        assert!(
            matches!(r.status, 403 | 404),
            "a role not held: {}",
            r.status
        );
        let r = app
            .post_form(
                "127.0.0.1",
                "/console/tokens",
                &[
                    ("csrf", &csrf),
                    ("label", "同步脚本"),
                    ("scope", "jb:editor"),
                    ("expires_at", ""),
                ],
                &[("cookie", &cookie)],
            )
            .await;
        assert_eq!(r.status, 201);
        let at = r.body.find("zqt_").expect("the secret is shown once");
        let secret: String = r.body[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let (s, me) = app.api(&secret, "GET", "/api/v1/me", None).await;
        assert_eq!((s, me["login"].as_str()), (200, Some("jb.editor")));
        let page = app
            .get_with("127.0.0.1", "/console/tokens", &[("cookie", &cookie)])
            .await;
        assert!(!page.body.contains(&secret), "never shown again");
        let at = page.body.find("/console/tokens/").unwrap() + 16;
        let id: String = page.body[at..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let r = app
            .post_form(
                "127.0.0.1",
                &format!("/console/tokens/{id}/revoke"),
                &[("csrf", &csrf)],
                &[("cookie", &cookie)],
            )
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(app.api(&secret, "GET", "/api/v1/me", None).await.0, 401);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_creates_one_signable_account_per_role_with_a_one_time_password() {
    let app = TestApp::demo(zq_tests::Backend::Sqlite).await;
    let accounts = zhanqun::demo::seed_accounts(&app.services).await.unwrap();
    assert_eq!(accounts.len(), 5);
    let mut passwords: Vec<&str> = accounts.iter().map(|a| a.password.as_str()).collect();
    passwords.dedup();
    assert_eq!(passwords.len(), 5, "every account has its own password");
    for a in &accounts {
        let (r, session) = sign_in(&app, &a.login, &a.password).await;
        assert_eq!(r.status, 303, "{} signs in", a.login);
        let home = app
            .get_with("127.0.0.1", "/console/", &[("cookie", &session.unwrap())])
            .await;
        assert!(
            home.body.contains("海川市江北区人民政府"),
            "{} sees the district",
            a.login
        );
    }
    app.finish().await;
}
