//! Request-rate limits per real client and per API token (issue 15, deliver 4): sign-in posts
//! and the API answer 429 with `Retry-After` and a Chinese message past their quota, only for
//! the client (or token) that used it up, and every such answer is counted for the operators.

use zq_domain::access::ClusterRole;
use zq_tests::{Backend, Setup, TestApp};

async fn app(env: &[(&str, &str)]) -> TestApp {
    let mut all = vec![(
        "ZQ_HTTP__TRUSTED_PROXIES".to_owned(),
        "127.0.0.1".to_owned(),
    )];
    all.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    TestApp::setup(Setup {
        backend: Some(Backend::Sqlite),
        env: all,
        ..Default::default()
    })
    .await
}

fn limited(metrics: &str, limit: &str) -> u64 {
    let prefix = format!("zhanqun_rate_limited_total{{limit=\"{limit}\"}} ");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(&prefix)?.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_posts_past_a_clients_quota_are_answered_429_in_chinese_for_that_client_only() {
    let app = app(&[("ZQ_HTTP__SIGNIN_PER_MINUTE", "3")]).await;
    let me = [("x-forwarded-for", "198.51.100.20")];
    for i in 0..3 {
        assert_eq!(
            app.sign_in_with("nobody", "Wrong-Password-2026", &me)
                .await
                .0
                .status,
            401,
            "{i}"
        );
    }
    let (r, _) = app.sign_in_with("nobody", "Wrong-Password-2026", &me).await;
    assert_eq!(r.status, 429);
    assert!(
        r.header("retry-after")
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|s| (1..=60).contains(&s))
    );
    assert!(
        r.body.contains("登录请求过于频繁") && r.body.contains("秒后再试"),
        "{}",
        r.body
    );
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    // The sign-in page itself and other clients are not held up.
    assert_eq!(app.get("127.0.0.1", "/console/login").await.status, 200);
    let other = [("x-forwarded-for", "198.51.100.21")];
    assert_eq!(
        app.sign_in_with("nobody", "Wrong-Password-2026", &other)
            .await
            .0
            .status,
        401
    );
    assert_eq!(limited(&app.metrics().await, "signin"), 1);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_requests_past_a_tokens_or_a_clients_quota_are_answered_429_with_a_json_error() {
    let app = app(&[("ZQ_HTTP__API_PER_MINUTE", "5")]).await;
    let busy = app
        .token("busy.robot", Some(ClusterRole::Operator), None)
        .await;
    let calm = app
        .token("calm.robot", Some(ClusterRole::Operator), None)
        .await;
    let call = |token: &str, client: &str| {
        let auth = format!("Bearer {token}");
        let client = client.to_owned();
        let app = &app;
        async move {
            app.get_with(
                "127.0.0.1",
                "/api/v1/me",
                &[("authorization", &auth), ("x-forwarded-for", &client)],
            )
            .await
        }
    };
    for i in 0..5 {
        // Five clients, one token: the token's quota.
        assert_eq!(
            call(&busy, &format!("198.51.100.{i}")).await.status,
            200,
            "{i}"
        );
    }
    let r = call(&busy, "198.51.100.9").await;
    assert_eq!(r.status, 429, "the token is out of quota from any client");
    assert!(r.header("retry-after").is_some());
    let e: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(e["error"], "too_many_requests");
    assert!(
        e["message"].as_str().unwrap().contains("请求过于频繁"),
        "{e}"
    );
    // Another token from a fresh client is served…
    assert_eq!(call(&calm, "203.0.113.1").await.status, 200);
    // …and a client out of quota is refused whatever token it holds: five tokens used once
    // each from one client, then a sixth, unused token.
    let mut tokens = Vec::new();
    for i in 0..6 {
        tokens.push(
            app.token(&format!("robot{i}"), Some(ClusterRole::Operator), None)
                .await,
        );
    }
    for t in &tokens[..5] {
        assert_eq!(call(t, "203.0.113.3").await.status, 200);
    }
    assert_eq!(
        call(&tokens[5], "203.0.113.3").await.status,
        429,
        "the client is out of quota"
    );
    assert_eq!(
        call(&tokens[5], "203.0.113.4").await.status,
        200,
        "the token is not"
    );
    assert_eq!(limited(&app.metrics().await, "api"), 2);
    app.finish().await;
}
