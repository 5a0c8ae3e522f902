//! 修改密码: an account changes its own password (the current one checked, the policy applied,
//! every other session ended, audited), and where the office's rules set a maximum password
//! age an older password must be changed before anything else (issue 15, deliver 2).

use zq_domain::access::TenantRole;
use zq_tests::{Backend, PASSWORD, Setup, TestApp, hidden_csrf};

const NEW: &str = "Jiangbei-Changed-2026!";

async fn post(
    app: &TestApp,
    session: &str,
    current: &str,
    new: &str,
    again: &str,
) -> zq_tests::Resp {
    let page = app
        .get_with(
            "127.0.0.1",
            "/console/account/password",
            &[("cookie", session)],
        )
        .await;
    assert_eq!(page.status, 200);
    let csrf = hidden_csrf(&page.body);
    app.post_form(
        "127.0.0.1",
        "/console/account/password",
        &[
            ("csrf", &csrf),
            ("current", current),
            ("new", new),
            ("again", again),
        ],
        &[("cookie", session)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_changes_its_password_and_its_other_sessions_end() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::demo(backend).await;
        app.account("jb.editor", None, &[("jb", TenantRole::Editor)])
            .await;
        let (_, other) = app.sign_in("jb.editor", PASSWORD).await;
        let (_, session) = app.sign_in("jb.editor", PASSWORD).await;
        let (other, session) = (other.unwrap(), session.unwrap());
        for (current, new, again, status, why) in [
            ("Wrong-Password-2026", NEW, NEW, 422, "当前密码不正确"),
            (
                PASSWORD,
                NEW,
                "Something-Else-2026",
                422,
                "两次输入的新密码不一致",
            ),
            (PASSWORD, "short", "short", 422, "至少需要"),
            (
                PASSWORD,
                "jb.editor-Long-2026",
                "jb.editor-Long-2026",
                422,
                "不能包含登录名",
            ),
            (PASSWORD, PASSWORD, PASSWORD, 422, "不能与当前密码相同"),
        ] {
            let r = post(&app, &session, current, new, again).await;
            assert_eq!(r.status, status, "{why}: {}", r.body);
            assert!(r.body.contains(why), "{why}: {}", r.body);
        }
        let r = post(&app, &session, PASSWORD, NEW, NEW).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("密码已修改"));
        let fresh = zq_tests::cookie_of(&r, "zq_session")
            .map(|(_, p)| p)
            .expect("a fresh session");
        assert_eq!(
            app.get_with("127.0.0.1", "/console/", &[("cookie", &fresh)])
                .await
                .status,
            200
        );
        for old in [&other, &session] {
            let r = app
                .get_with("127.0.0.1", "/console/", &[("cookie", old)])
                .await;
            assert_eq!(r.status, 303, "the sessions before the change end");
        }
        assert_eq!(
            app.sign_in("jb.editor", PASSWORD).await.0.status,
            401,
            "the old password is gone"
        );
        assert_eq!(app.sign_in("jb.editor", NEW).await.0.status, 303);
        let log = app.store.audit_log(None, 100).await.unwrap();
        let change = log
            .iter()
            .find(|r| r.entry.action == "password.change")
            .expect("audited");
        assert_eq!(change.entry.object, "user:jb.editor");
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_past_the_maximum_age_must_be_changed_before_anything_else() {
    let app = TestApp::setup(Setup {
        backend: Some(Backend::Postgres),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 4,
        }),
        clock: Some(chrono::Utc::now()),
        env: vec![("ZQ_SECURITY__PASSWORD_MAX_AGE_DAYS".into(), "90".into())],
        ..Default::default()
    })
    .await;
    app.account("jb.reviewer", None, &[("jb", TenantRole::Reviewer)])
        .await;
    let (_, session) = app.sign_in("jb.reviewer", PASSWORD).await;
    let session = session.unwrap();
    assert_eq!(
        app.get_with("127.0.0.1", "/console/", &[("cookie", &session)])
            .await
            .status,
        200,
        "89 days to go"
    );
    let clock = app.store.clock();
    clock.set(clock.now() + chrono::Duration::days(90));
    let (r, session) = app.sign_in("jb.reviewer", PASSWORD).await;
    assert_eq!(r.status, 303, "the old password still signs in…");
    let session = session.unwrap();
    for path in ["/console/", "/console/sites/jb/review"] {
        let r = app
            .get_with("127.0.0.1", path, &[("cookie", &session)])
            .await;
        assert_eq!(
            (r.status, r.header("location")),
            (303, Some("/console/account/password")),
            "{path}"
        );
    }
    let page = app
        .get_with(
            "127.0.0.1",
            "/console/account/password",
            &[("cookie", &session)],
        )
        .await;
    assert!(page.body.contains("已使用超过 90 天"), "{}", page.body);
    let r = post(&app, &session, PASSWORD, NEW, NEW).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let fresh = zq_tests::cookie_of(&r, "zq_session")
        .map(|(_, p)| p)
        .unwrap();
    assert_eq!(
        app.get_with(
            "127.0.0.1",
            "/console/sites/jb/review",
            &[("cookie", &fresh)]
        )
        .await
        .status,
        200,
        "changed: the console opens"
    );
    app.finish().await;
}
