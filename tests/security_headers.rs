//! The security headers on every kind of answer (issue 15, deliver 4): public pages (rendered
//! and from the cache), error pages, console pages, the API and attachments all carry
//! `nosniff`, a referrer policy, frame protection and a Content-Security-Policy whose scripts
//! and styles come from the platform's own origin only (no `unsafe-inline`, no `unsafe-eval`).

use zq_domain::access::TenantRole;
use zq_tests::{Backend, PASSWORD, Resp, TestApp, host};

fn check(what: &str, r: &Resp) {
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert!(r.header("referrer-policy").is_some(), "{what}");
    assert_eq!(r.header("x-frame-options"), Some("SAMEORIGIN"), "{what}");
    let csp = r
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"));
    for directive in [
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'self'",
        "base-uri 'self'",
        "form-action 'self'",
    ] {
        assert!(
            csp.contains(directive),
            "{what}: {directive} missing from {csp}"
        );
    }
    for never in ["unsafe-inline", "unsafe-eval", "*;"] {
        assert!(!csp.contains(never), "{what}: {never} in {csp}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_answer_carries_the_security_headers_and_a_strict_csp() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let jb = host("jb");
    let first = app.get(&jb, "/").await;
    assert_eq!(first.status, 200);
    check("a rendered public page", &first);
    let again = app.get(&jb, "/").await;
    assert_eq!(again.header("x-cache"), Some("l1_hit"));
    check("a cached public page", &again);
    check("a public error page", &app.get(&jb, "/no/such/page").await);
    check(
        "the sign-in page",
        &app.get("127.0.0.1", "/console/login").await,
    );
    app.account("hdr.editor", None, &[("jb", TenantRole::Editor)])
        .await;
    let (_, session) = app.sign_in("hdr.editor", PASSWORD).await;
    let console = app
        .get_with(
            "127.0.0.1",
            "/console/sites/jb/",
            &[("cookie", &session.unwrap())],
        )
        .await;
    assert_eq!(console.status, 200);
    check("a console page", &console);
    let token = app
        .token("hdr.robot", None, Some(("jb", TenantRole::Editor)))
        .await;
    let api = app
        .get_with(
            "127.0.0.1",
            "/api/v1/me",
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await;
    assert_eq!(api.status, 200);
    check("an API answer", &api);
    check("a public form", &app.get(&jb, "/forms/letter").await);
    check("the health check", &app.get(&jb, "/healthz").await);
    app.finish().await;
}
