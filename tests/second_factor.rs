//! The second sign-in factor (issue 15, deliver 2): an account whose role requires one enrols
//! from a QR code before it can use the console, signs in with password then code, a code is
//! accepted once, a recovery code once, wrong codes slow down, a pending sign-in expires, the
//! office resets a lost phone, and API tokens are not affected; every step audited.

use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{Backend, PASSWORD, Resp, Setup, TestApp, cookie_of, hidden, hidden_csrf};

async fn app(backend: Backend) -> TestApp {
    TestApp::setup(Setup {
        backend: Some(backend),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 9,
        }),
        clock: Some(chrono::Utc::now()),
        env: vec![(
            "ZQ_SECURITY__SECOND_FACTOR_ROLES".into(),
            "cluster_admin, site_admin".into(),
        )],
        ..Default::default()
    })
    .await
}

/// The secret shown on the enrolment page (`<code class="secret">ABCD EFGH …</code>`).
fn secret_of(page: &str) -> String {
    let start = page
        .find("<code class=\"secret\">")
        .expect("the secret is shown")
        + "<code class=\"secret\">".len();
    let end = start + page[start..].find("</code>").unwrap();
    page[start..end].replace(' ', "")
}

fn code_at(secret: &str, app: &TestApp, offset: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .unwrap();
    let t =
        totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes, None, "x".into()).unwrap();
    t.generate((app.store.clock().now().timestamp() + offset) as u64)
}

async fn advance(app: &TestApp, seconds: i64) {
    let clock = app.store.clock();
    clock.set(clock.now() + chrono::Duration::seconds(seconds));
}

/// Password step: the redirect to the code step and its cookie.
async fn password_step(app: &TestApp, login: &str) -> String {
    let (r, session) = app.sign_in(login, PASSWORD).await;
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/console/login/code")),
        "{login}"
    );
    assert!(session.is_none(), "no session before the second factor");
    let (full, pending) = cookie_of(&r, "zq_second").expect("pending cookie");
    assert!(
        full.contains("HttpOnly") && full.contains("Max-Age=300"),
        "{full}"
    );
    pending
}

/// Code step: the answer and the session cookie, if any.
async fn code_step(app: &TestApp, pending: &str, code: &str) -> (Resp, Option<String>) {
    let page = app
        .get_with("127.0.0.1", "/console/login/code", &[("cookie", pending)])
        .await;
    assert_eq!(page.status, 200);
    let (_, csrf_cookie) = cookie_of(&page, "zq_csrf").expect("csrf cookie");
    let cookies = format!("{pending}; {csrf_cookie}");
    let r = app
        .post_form(
            "127.0.0.1",
            "/console/login/code",
            &[("code", code), ("csrf", &hidden_csrf(&page.body))],
            &[("cookie", &cookies)],
        )
        .await;
    let session = cookie_of(&r, "zq_session").map(|(_, pair)| pair);
    (r, session)
}

async fn enrol(app: &TestApp, session: &str) -> (String, Vec<String>) {
    let page = app
        .get_with(
            "127.0.0.1",
            "/console/account/second-factor",
            &[("cookie", session)],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<svg") && page.body.contains("启用双因素认证的二维码"),
        "a QR code"
    );
    let secret = secret_of(&page.body);
    let csrf = hidden_csrf(&page.body);
    let post = |code: String| {
        let csrf = csrf.clone();
        async move {
            app.post_form(
                "127.0.0.1",
                "/console/account/second-factor",
                &[("code", &code), ("csrf", &csrf)],
                &[("cookie", session)],
            )
            .await
        }
    };
    let wrong = post("000000".into()).await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("验证码不正确"));
    assert_eq!(
        secret_of(&wrong.body),
        secret,
        "the same secret is shown again"
    );
    let done = post(code_at(&secret, app, 0)).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("恢复码只显示这一次"));
    let codes: Vec<String> = done
        .body
        .split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find("</code>").unwrap()].to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "{}", done.body);
    (secret, codes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_enrols_then_signs_in_with_a_code_each_code_and_recovery_code_working_once()
 {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = app(backend).await;
        app.account("office", Some(ClusterRole::ClusterAdmin), &[])
            .await;
        let token = app
            .token("office.robot", Some(ClusterRole::ClusterAdmin), None)
            .await;

        // Password only, before enrolment: every console page leads to the enrolment page.
        let (_, session) = app.sign_in("office", PASSWORD).await;
        let session = session.expect("a session to enrol with");
        for path in ["/console/", "/console/admin/users", "/console/sites/jb/"] {
            let r = app
                .get_with("127.0.0.1", path, &[("cookie", &session)])
                .await;
            assert_eq!(
                (r.status, r.header("location")),
                (303, Some("/console/account/second-factor")),
                "{path}"
            );
        }
        let api = app
            .get_with("127.0.0.1", "/api/v1/users", &[("cookie", &session)])
            .await;
        assert_eq!(
            api.status, 403,
            "the API through the console session waits for enrolment too"
        );
        assert!(api.body.contains("双因素认证"));
        let by_token = app
            .get_with(
                "127.0.0.1",
                "/api/v1/users",
                &[("authorization", &format!("Bearer {token}"))],
            )
            .await;
        assert_eq!(by_token.status, 200, "API tokens are not affected");

        let (secret, recovery) = enrol(&app, &session).await;
        assert_eq!(
            app.get_with("127.0.0.1", "/console/", &[("cookie", &session)])
                .await
                .status,
            200,
            "enrolled: the console opens"
        );

        // Password, then the code.
        let pending = password_step(&app, "office").await;
        let (r, s) = code_step(&app, &pending, "123 456").await;
        assert_eq!((r.status, s.is_none()), (401, true));
        assert!(r.body.contains("验证码不正确或已使用过"));
        advance(&app, 30).await;
        let code = code_at(&secret, &app, 0);
        let (r, s) = code_step(&app, &pending, &code).await;
        assert_eq!(
            (r.status, r.header("location")),
            (303, Some("/console/")),
            "{}",
            r.body
        );
        assert!(
            cookie_of(&r, "zq_second").is_some_and(|(c, _)| c.contains("Max-Age=0")),
            "the pending cookie is cleared"
        );
        assert_eq!(
            app.get_with("127.0.0.1", "/console/", &[("cookie", &s.unwrap())])
                .await
                .status,
            200
        );
        // The same code again: refused (replay), even in a fresh sign-in.
        let again = password_step(&app, "office").await;
        assert_eq!(
            code_step(&app, &again, &code).await.0.status,
            401,
            "a code is accepted once"
        );
        // A recovery code, typed loosely, once.
        let loose = recovery[0].to_uppercase().replace('-', " ");
        let (r, s) = code_step(&app, &again, &loose).await;
        assert_eq!((r.status, s.is_some()), (303, true), "{}", r.body);
        let third = password_step(&app, "office").await;
        assert_eq!(
            code_step(&app, &third, &recovery[0]).await.0.status,
            401,
            "a recovery code is used once"
        );

        // A pending sign-in lasts five minutes.
        advance(&app, 300).await;
        let (r, _) = code_step(&app, &third, &code_at(&secret, &app, 0)).await;
        assert_eq!(r.status, 401);
        assert!(
            r.body.contains("验证超时") && r.body.contains("name=\"password\""),
            "back to the password"
        );

        let log = app.store.audit_log(None, 200).await.unwrap();
        let count = |action: &str| log.iter().filter(|r| r.entry.action == action).count();
        assert_eq!(count("mfa.enrol"), 1);
        assert!(
            log.iter()
                .any(|r| r.entry.action == "mfa.enrol" && r.entry.object == "user:office")
        );
        assert_eq!(count("login.second_factor_failed"), 3);
        assert!(
            log.iter()
                .any(|r| r.entry.action == "login" && r.entry.object == "user:office:totp")
        );
        assert!(
            log.iter()
                .any(|r| r.entry.action == "login" && r.entry.object == "user:office:recovery")
        );
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_slow_down_and_the_office_resets_a_lost_phone() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = app(backend).await;
        app.account("jb.admin", None, &[("jb", TenantRole::SiteAdmin)])
            .await;
        app.account("office", Some(ClusterRole::ClusterAdmin), &[])
            .await;
        app.account("jb.editor", None, &[("jb", TenantRole::Editor)])
            .await;
        // An editor's role needs no second factor here: the console opens at once.
        let (_, editor) = app.sign_in("jb.editor", PASSWORD).await;
        assert_eq!(
            app.get_with("127.0.0.1", "/console/", &[("cookie", &editor.unwrap())])
                .await
                .status,
            200
        );

        let (_, session) = app.sign_in("jb.admin", PASSWORD).await;
        let (secret, _) = enrol(&app, &session.unwrap()).await;
        let pending = password_step(&app, "jb.admin").await;
        for i in 0..5 {
            assert_eq!(
                code_step(&app, &pending, "000000").await.0.status,
                401,
                "{i}"
            );
        }
        let (r, _) = code_step(&app, &pending, &code_at(&secret, &app, 0)).await;
        assert_eq!(
            r.status, 429,
            "five wrong codes: wait, even with the right one"
        );
        assert_eq!(r.header("retry-after"), Some("30"));
        advance(&app, 30).await;
        let pending = password_step(&app, "jb.admin").await;
        assert_eq!(
            code_step(&app, &pending, &code_at(&secret, &app, 0))
                .await
                .0
                .status,
            303,
            "the wait ends"
        );

        // The phone is lost: the office resets; the site admin enrols again at sign-in.
        let (_, office) = app.sign_in("office", PASSWORD).await;
        let office = office.unwrap();
        let (office_secret, _) = enrol(&app, &office).await;
        let users = app
            .get_with("127.0.0.1", "/console/admin/users", &[("cookie", &office)])
            .await;
        assert!(
            users
                .body
                .contains("/console/admin/users/jb.admin/second-factor/reset"),
            "the office sees who has one"
        );
        let csrf = hidden(&users.body, "csrf");
        let r = app
            .post_form(
                "127.0.0.1",
                "/console/admin/users/jb.admin/second-factor/reset",
                &[("csrf", &csrf)],
                &[("cookie", &office)],
            )
            .await;
        assert_eq!(
            (r.status, r.header("location")),
            (303, Some("/console/admin/users?notice=second_factor_reset"))
        );
        let (r, session) = app.sign_in("jb.admin", PASSWORD).await;
        assert_eq!(r.status, 303, "password only: no factor left");
        let home = app
            .get_with("127.0.0.1", "/console/", &[("cookie", &session.unwrap())])
            .await;
        assert_eq!(
            home.header("location"),
            Some("/console/account/second-factor"),
            "enrol again"
        );
        let r = app
            .post_form(
                "127.0.0.1",
                "/console/admin/users/jb.admin/second-factor/reset",
                &[("csrf", &csrf)],
                &[("cookie", &office)],
            )
            .await;
        assert_eq!(r.status, 409, "nothing left to reset");
        let log = app.store.audit_log(None, 200).await.unwrap();
        let reset = log
            .iter()
            .find(|r| r.entry.action == "mfa.reset")
            .expect("audited");
        assert_eq!(reset.entry.object, "user:jb.admin");
        let _ = office_secret;
        app.finish().await;
    }
}
