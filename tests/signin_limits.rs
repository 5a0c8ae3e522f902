//! Sign-in limits that an attacker cannot turn into a weapon (issue 15, probe finding 4):
//! strangers' failures slow strangers, never the account's owner at a browser that signed in
//! before; delays grow and end by themselves (no lock anyone can renew); one client behind the
//! office's reverse proxy slows only itself, and a client that is not a trusted proxy cannot
//! choose its own address; the office lifts an account's wait, audited.

use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{Backend, PASSWORD, Resp, Setup, TestApp, cookie_of, hidden_csrf};

const WRONG: &str = "Wrong-Password-2026";

async fn app(backend: Backend, proxies: &str) -> TestApp {
    TestApp::setup(Setup {
        backend: Some(backend),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 5,
        }),
        clock: Some(chrono::Utc::now()),
        env: vec![("ZQ_HTTP__TRUSTED_PROXIES".into(), proxies.into())],
        ..Default::default()
    })
    .await
}

fn retry_after(r: &Resp) -> i64 {
    r.header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1)
}

async fn advance(app: &TestApp, seconds: i64) {
    let clock = app.store.clock();
    clock.set(clock.now() + chrono::Duration::seconds(seconds));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strangers_failures_slow_strangers_not_the_owners_browser_and_every_delay_ends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = app(backend, "").await;
        app.account("jb.admin", None, &[("jb", TenantRole::SiteAdmin)])
            .await;
        // The owner signed in here before: the browser keeps a device cookie.
        let (r, _) = app.sign_in("jb.admin", PASSWORD).await;
        let (full, device) = cookie_of(&r, "zq_device").expect("device cookie");
        assert!(
            full.contains("HttpOnly") && full.contains("Max-Age=31536000"),
            "{full}"
        );

        // A stranger guesses five times: free; the sixth attempt must wait 30 s.
        for i in 0..5 {
            assert_eq!(
                app.sign_in("jb.admin", WRONG).await.0.status,
                401,
                "attempt {i}"
            );
        }
        let (r, session) = app.sign_in("jb.admin", PASSWORD).await;
        assert_eq!(
            r.status, 429,
            "a stranger waits even with the right password"
        );
        assert_eq!(retry_after(&r), 30);
        assert!(r.body.contains("30 秒后再试"), "{}", r.body);
        assert!(session.is_none());

        // The owner's browser is not slowed by the stranger.
        let (r, session) = app
            .sign_in_with("jb.admin", PASSWORD, &[("cookie", &device)])
            .await;
        assert_eq!((r.status, session.is_some()), (303, true), "{}", r.body);
        // A device cookie of another account, or a forged one, counts for nothing.
        let forged = format!("zq_device={}.{}", "a".repeat(32), "b".repeat(64));
        assert_eq!(
            app.sign_in_with("jb.admin", PASSWORD, &[("cookie", &forged)])
                .await
                .0
                .status,
            429
        );

        // The delay ends by itself; each further failure doubles it, up to 15 minutes.
        advance(&app, 30).await;
        let (r, _) = app.sign_in("jb.admin", WRONG).await;
        assert_eq!(r.status, 401);
        assert_eq!(retry_after(&app.sign_in("jb.admin", WRONG).await.0), 60);
        for _ in 0..8 {
            let wait = retry_after(&app.sign_in("jb.admin", WRONG).await.0);
            advance(&app, wait).await;
            assert_eq!(app.sign_in("jb.admin", WRONG).await.0.status, 401);
        }
        assert_eq!(
            retry_after(&app.sign_in("jb.admin", WRONG).await.0),
            15 * 60,
            "the cap"
        );
        advance(&app, 15 * 60).await;
        let (r, session) = app.sign_in("jb.admin", PASSWORD).await;
        assert_eq!(
            (r.status, session.is_some()),
            (303, true),
            "never locked for good"
        );

        let log = app.store.audit_log(None, 500).await.unwrap();
        let failed = log
            .iter()
            .filter(|r| r.entry.action == "login.failed")
            .count();
        assert_eq!(
            failed,
            5 + 1 + 8,
            "every checked failure is audited, no waits"
        );
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_one_client_slows_only_itself() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = app(backend, "127.0.0.1, ::1").await;
        app.account("jb.editor", None, &[("jb", TenantRole::Editor)])
            .await;
        let typist = [("x-forwarded-for", "198.51.100.7")];
        // Twenty failures over many accounts from one client…
        for i in 0..20 {
            let login = format!("guess{i}");
            assert_eq!(
                app.sign_in_with(&login, WRONG, &typist).await.0.status,
                401,
                "{i}"
            );
        }
        let (r, _) = app.sign_in_with("jb.editor", PASSWORD, &typist).await;
        assert_eq!((r.status, retry_after(&r)), (429, 60), "that client waits");
        // …and the rest of the office, behind the same proxy, signs in.
        let colleague = [("x-forwarded-for", "198.51.100.8")];
        let (r, session) = app.sign_in_with("jb.editor", PASSWORD, &colleague).await;
        assert_eq!((r.status, session.is_some()), (303, true), "{}", r.body);
        // The audit log names the real client.
        let log = app.store.audit_log(None, 100).await.unwrap();
        let login = log.iter().find(|r| r.entry.action == "login").unwrap();
        assert_eq!(login.entry.client.as_deref(), Some("198.51.100.8"));
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_is_not_a_trusted_proxy_cannot_choose_its_address() {
    // Only 10.0.0.0/8 is trusted; the test client (127.0.0.1) is not.
    let app = app(Backend::Sqlite, "10.0.0.0/8").await;
    for i in 0..20 {
        let claimed = format!("198.51.100.{i}");
        let h = [("x-forwarded-for", claimed.as_str())];
        assert_eq!(
            app.sign_in_with(&format!("guess{i}"), WRONG, &h)
                .await
                .0
                .status,
            401
        );
    }
    let h = [("x-forwarded-for", "203.0.113.99")];
    assert_eq!(
        app.sign_in_with("guess99", WRONG, &h).await.0.status,
        429,
        "keyed by the peer"
    );
    let log = app.store.audit_log(None, 5).await.unwrap();
    assert_eq!(log[0].entry.client.as_deref(), Some("127.0.0.1"));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_lifts_an_accounts_wait_and_it_is_audited() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = app(backend, "").await;
        app.account("hd.reviewer", None, &[("hd", TenantRole::Reviewer)])
            .await;
        app.account("office", Some(ClusterRole::ClusterAdmin), &[])
            .await;
        let (_, office) = app.sign_in("office", PASSWORD).await;
        let office = office.unwrap();
        for _ in 0..6 {
            app.sign_in("hd.reviewer", WRONG).await;
        }
        assert_eq!(app.sign_in("hd.reviewer", PASSWORD).await.0.status, 429);

        let page = app
            .get_with("127.0.0.1", "/console/admin/users", &[("cookie", &office)])
            .await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("陌生设备须等到"),
            "the office sees the slowed account"
        );
        assert!(
            page.body
                .contains("/console/admin/users/hd.reviewer/unlock")
        );
        let csrf = hidden_csrf(&page.body);
        let r = app
            .post_form(
                "127.0.0.1",
                "/console/admin/users/hd.reviewer/unlock",
                &[("csrf", &csrf)],
                &[("cookie", &office)],
            )
            .await;
        assert_eq!(
            (r.status, r.header("location")),
            (303, Some("/console/admin/users?notice=unlocked"))
        );
        let (r, session) = app.sign_in("hd.reviewer", PASSWORD).await;
        assert_eq!((r.status, session.is_some()), (303, true), "{}", r.body);
        // Nothing left to lift: said plainly.
        let r = app
            .post_form(
                "127.0.0.1",
                "/console/admin/users/hd.reviewer/unlock",
                &[("csrf", &csrf)],
                &[("cookie", &office)],
            )
            .await;
        assert_eq!(r.status, 409);
        assert!(r.body.contains("当前没有登录限制"));
        // Only the office may lift.
        let (_, reviewer) = app.sign_in("hd.reviewer", PASSWORD).await;
        let reviewer = reviewer.unwrap();
        let home = app
            .get_with("127.0.0.1", "/console/", &[("cookie", &reviewer)])
            .await;
        let r = app
            .post_form(
                "127.0.0.1",
                "/console/admin/users/office/unlock",
                &[("csrf", &hidden_csrf(&home.body))],
                &[("cookie", &reviewer)],
            )
            .await;
        assert_eq!(r.status, 403);

        let log = app.store.audit_log(None, 100).await.unwrap();
        let unlock = log
            .iter()
            .find(|r| r.entry.action == "login.unlock")
            .expect("audited");
        assert_eq!(unlock.entry.object, "user:hd.reviewer");
        assert_eq!(
            unlock.entry.actor.as_ref().map(|a| a.1.as_str()),
            Some("office")
        );
        app.finish().await;
    }
}
