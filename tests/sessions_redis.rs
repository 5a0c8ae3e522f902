//! Console sessions with Redis configured: they live in Redis (not in the database), end on
//! sign-out here or everywhere, expire when idle, follow the account's state in the database,
//! and a Redis outage is a 503 with `Retry-After`, never a 500 or a wrong sign-in.

use std::time::{Duration, Instant};

use redis::AsyncCommands;
use sea_orm::{ConnectionTrait, Database, Statement};
use zq_domain::access::TenantRole;
use zq_domain::security::{SESSION_ABSOLUTE, SESSION_IDLE};
use zq_tests::{PASSWORD, Resp, Setup, TestApp, cookie_of, hidden_csrf, redis_url};

const LOCAL: &str = "127.0.0.1";

async fn redis_app(via_proxy: bool) -> TestApp {
    TestApp::setup(Setup {
        redis: true,
        redis_via_proxy: via_proxy,
        demo: Some(Default::default()),
        ..Setup::default()
    })
    .await
}

/// A connection to the test Redis that bypasses any proxy.
async fn redis_conn() -> redis::aio::MultiplexedConnection {
    redis::Client::open(redis_url())
        .expect("redis url")
        .get_multiplexed_async_connection()
        .await
        .expect("Redis at 127.0.0.1:6379 is needed for this test (set ZHANQUN_TEST_REDIS)")
}

fn prefix(app: &TestApp) -> &str {
    &app.redis.as_ref().expect("redis configured").1
}

/// The token of a `zq_session=...` cookie pair.
fn token(pair: &str) -> &str {
    pair.strip_prefix("zq_session=")
        .expect("session cookie pair")
}

fn hash(pair: &str) -> String {
    zq_store::content_hash(token(pair).as_bytes())
}

/// The Redis key of the session behind a cookie pair.
fn session_key(app: &TestApp, pair: &str) -> String {
    format!("{}:session:{}", prefix(app), hash(pair))
}

fn user_key(app: &TestApp, user: zq_domain::UserId) -> String {
    format!("{}:user-sessions:{}", prefix(app), user.0)
}

async fn stored(app: &TestApp, pair: &str) -> Option<serde_json::Value> {
    let raw: Option<String> = redis_conn()
        .await
        .get(session_key(app, pair))
        .await
        .expect("redis get");
    raw.map(|r| serde_json::from_str(&r).expect("session JSON"))
}

/// Rewrites fields of a stored session, keeping its TTL.
async fn rewrite(app: &TestApp, pair: &str, change: impl FnOnce(&mut serde_json::Value)) {
    let mut record = stored(app, pair).await.expect("session in Redis");
    change(&mut record);
    let _: () = redis::cmd("SET")
        .arg(session_key(app, pair))
        .arg(record.to_string())
        .arg("KEEPTTL")
        .query_async(&mut redis_conn().await)
        .await
        .expect("redis set");
}

/// Rows in the database's `sessions` table.
async fn db_sessions(app: &TestApp) -> i64 {
    let db = Database::connect(app.direct_database_url.as_str())
        .await
        .expect("database");
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM sessions",
        ))
        .await
        .expect("count sessions")
        .expect("a row");
    let n = row.try_get::<i64>("", "n").expect("count");
    db.close().await.ok();
    n
}

/// Stops the server and removes the test's keys from the shared Redis.
async fn finish(app: TestApp) {
    let pattern = format!("{}:*", prefix(&app));
    app.finish().await;
    let mut r = redis_conn().await;
    let keys: Vec<String> = r.keys(pattern).await.expect("redis keys");
    if !keys.is_empty() {
        let _: () = r.del(keys).await.expect("redis del");
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn home(app: &TestApp, pair: &str) -> Resp {
    app.get_with(LOCAL, "/console/", &[("cookie", pair)]).await
}

async fn sign_in(app: &TestApp, login: &str) -> String {
    let (r, session) = app.sign_in(login, PASSWORD).await;
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/console/")),
        "{}",
        r.body
    );
    session.expect("session cookie")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_a_sign_in_stores_the_session_in_redis_and_not_in_the_database() {
    let app = redis_app(false).await;
    let user = app
        .account("jb.editor", None, &[("jb", TenantRole::Editor)])
        .await;
    let before = now();
    let pair = sign_in(&app, "jb.editor").await;

    let record = stored(&app, &pair).await.expect("the session is in Redis");
    assert_eq!(record["user_id"], user.id.0);
    assert_eq!(record["client"], "127.0.0.1");
    assert!(record["created_at"].as_i64().unwrap() >= before);
    assert_eq!(record["created_at"], record["last_seen"]);
    assert_eq!(record["csrf"].as_str().unwrap().len(), 64);
    assert!(
        !record.to_string().contains(token(&pair)),
        "only the token's hash is kept"
    );
    let mut r = redis_conn().await;
    let ttl: i64 = r.ttl(session_key(&app, &pair)).await.unwrap();
    assert!(
        ttl > SESSION_ABSOLUTE - 60 && ttl <= SESSION_ABSOLUTE,
        "lives for the absolute limit: {ttl}"
    );
    let listed: bool = r
        .sismember(user_key(&app, user.id), hash(&pair))
        .await
        .unwrap();
    assert!(listed, "listed among the account's sessions");
    assert_eq!(db_sessions(&app).await, 0, "nothing in the sessions table");

    let page = home(&app, &pair).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("jb.editor姓名"));
    assert!(
        page.body.contains(record["csrf"].as_str().unwrap()),
        "the session's CSRF token"
    );
    let me = app
        .get_with(LOCAL, "/api/v1/me", &[("cookie", &pair)])
        .await;
    assert_eq!(me.status, 200, "the API accepts the session: {}", me.body);
    finish(app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_signing_out_deletes_the_session_and_everywhere_deletes_them_all() {
    let app = redis_app(false).await;
    let user = app
        .account("hd.reviewer", None, &[("hd", TenantRole::Reviewer)])
        .await;
    let first = sign_in(&app, "hd.reviewer").await;
    let second = sign_in(&app, "hd.reviewer").await;
    assert_ne!(first, second);

    let csrf = hidden_csrf(&home(&app, &first).await.body);
    let r = app
        .post_form(
            LOCAL,
            "/console/logout",
            &[("csrf", &csrf)],
            &[("cookie", &first)],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(cookie_of(&r, "zq_session").is_some_and(|(c, _)| c.contains("Max-Age=0")));
    assert!(stored(&app, &first).await.is_none(), "deleted from Redis");
    let members: Vec<String> = redis_conn()
        .await
        .smembers(user_key(&app, user.id))
        .await
        .unwrap();
    assert_eq!(members, vec![hash(&second)], "unlisted from the account");
    assert_eq!(home(&app, &first).await.status, 303, "first session ended");
    assert_eq!(home(&app, &second).await.status, 200, "second still open");

    let third = sign_in(&app, "hd.reviewer").await;
    let csrf = hidden_csrf(&home(&app, &second).await.body);
    let r = app
        .post_form(
            LOCAL,
            "/console/logout-all",
            &[("csrf", &csrf)],
            &[("cookie", &second)],
        )
        .await;
    assert_eq!(r.status, 303);
    for pair in [&second, &third] {
        assert!(stored(&app, pair).await.is_none(), "every session deleted");
        assert_eq!(home(&app, pair).await.status, 303, "every session ended");
    }
    let left: bool = redis_conn()
        .await
        .exists(user_key(&app, user.id))
        .await
        .unwrap();
    assert!(!left, "the account's list is gone");
    finish(app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_a_session_idle_past_the_limit_is_refused_and_use_keeps_it_alive() {
    let app = redis_app(false).await;
    app.account("jn.admin", None, &[("jn", TenantRole::SiteAdmin)])
        .await;

    // Used two minutes ago: accepted, and its last use moves to now.
    let pair = sign_in(&app, "jn.admin").await;
    rewrite(&app, &pair, |r| r["last_seen"] = (now() - 120).into()).await;
    assert_eq!(home(&app, &pair).await.status, 200);
    let seen = stored(&app, &pair).await.unwrap()["last_seen"]
        .as_i64()
        .unwrap();
    assert!(seen >= now() - 5, "last use refreshed: {seen}");

    // Unused for longer than the idle limit: refused and deleted.
    rewrite(&app, &pair, |r| {
        r["last_seen"] = (now() - SESSION_IDLE - 1).into()
    })
    .await;
    let r = home(&app, &pair).await;
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/console/login"))
    );
    assert!(
        stored(&app, &pair).await.is_none(),
        "an expired session is deleted"
    );

    // Older than the absolute limit, however recently used: refused.
    let pair = sign_in(&app, "jn.admin").await;
    rewrite(&app, &pair, |r| {
        r["created_at"] = (now() - SESSION_ABSOLUTE - 1).into()
    })
    .await;
    assert_eq!(home(&app, &pair).await.status, 303);
    finish(app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_a_disabled_account_loses_its_sessions_at_once() {
    let app = redis_app(false).await;
    let user = app
        .account("qs.editor", None, &[("qs", TenantRole::Editor)])
        .await;
    let pair = sign_in(&app, "qs.editor").await;
    assert_eq!(home(&app, &pair).await.status, 200);
    let db = Database::connect(app.direct_database_url.as_str())
        .await
        .unwrap();
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!("UPDATE users SET disabled = TRUE WHERE id = {}", user.id.0),
    ))
    .await
    .unwrap();
    db.close().await.ok();
    assert_eq!(
        home(&app, &pair).await.status,
        303,
        "refused at the next request"
    );
    finish(app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_cut_off_the_console_answers_503_with_retry_after_and_recovers() {
    let app = redis_app(true).await;
    app.account("jb.admin", None, &[("jb", TenantRole::SiteAdmin)])
        .await;
    let pair = sign_in(&app, "jb.admin").await;
    assert_eq!(home(&app, &pair).await.status, 200);

    let proxy = app.redis_proxy.as_ref().unwrap();
    proxy.cut();
    let r = home(&app, &pair).await;
    assert_eq!(r.status, 503, "start page with Redis down: {}", r.body);
    assert!(r.header("retry-after").is_some());
    let r = app
        .get_with(LOCAL, "/console/sites/jb/", &[("cookie", &pair)])
        .await;
    assert_eq!(r.status, 503, "a site's console page with Redis down");
    assert!(r.header("retry-after").is_some());
    let r = app
        .get_with(LOCAL, "/api/v1/me", &[("cookie", &pair)])
        .await;
    assert_eq!(r.status, 503, "the API with Redis down: {}", r.body);
    assert!(r.header("retry-after").is_some());
    // Signing in cannot store a session: no cookie, no success.
    let (r, session) = app.sign_in("jb.admin", PASSWORD).await;
    assert_eq!(r.status, 503, "sign-in with Redis down");
    assert!(r.header("retry-after").is_some());
    assert!(
        session.is_none(),
        "no session cookie without a stored session"
    );
    // Anonymous visitors are still sent to sign in: no Redis is needed to see no cookie.
    assert_eq!(app.get(LOCAL, "/console/").await.status, 303);

    proxy.restore();
    let restored = Instant::now();
    loop {
        let r = home(&app, &pair).await;
        if r.status == 200 {
            break;
        }
        assert_eq!(r.status, 503, "only unavailability while recovering");
        assert!(
            restored.elapsed() < Duration::from_secs(15),
            "the console did not recover"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let fresh = sign_in(&app, "jb.admin").await;
    assert_eq!(home(&app, &fresh).await.status, 200, "sign-in works again");
    assert_eq!(db_sessions(&app).await, 0);
    finish(app).await;
}
