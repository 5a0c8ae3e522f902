//! Test harness: starts the real Zhanqun server on an ephemeral port over a fresh database
//! (a temporary SQLite file, or a new PostgreSQL database) and talks HTTP to it.
//!
//! PostgreSQL is reached at `ZHANQUN_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); every test gets its own database, dropped
//! when the test finishes.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sea_orm::{ConnectionTrait, Database};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use zhanqun::{Config, Running};
use zq_services::Services;
use zq_store::Store;

pub use zhanqun::demo::DemoOptions;

pub mod prometheus;
mod proxy;
pub mod smtp;
mod template;
pub use proxy::FaultProxy;

/// Redis for tests, at `ZHANQUN_TEST_REDIS` (default `redis://127.0.0.1:6379`).
pub fn redis_url() -> String {
    std::env::var("ZHANQUN_TEST_REDIS").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// How a test server is set up.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    pub backend: Option<Backend>,
    pub demo: Option<DemoOptions>,
    /// Use Redis (L2 cache and bus).
    pub redis: bool,
    /// Reach Redis through a `FaultProxy` the test can cut.
    pub redis_via_proxy: bool,
    /// Reach the database through a `FaultProxy` (PostgreSQL only).
    pub db_via_proxy: bool,
    /// Extra `ZQ_*` settings.
    pub env: Vec<(String, String)>,
    /// Serve this database (created with `TestDatabase::create`, perhaps filled by a restore)
    /// instead of a new one.
    pub database: Option<TestDatabase>,
    /// Start on a manual clock at this time (move it with `app.store.clock().set(…)`).
    pub clock: Option<chrono::DateTime<chrono::Utc>>,
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The demo's host suffix, as tests address tenants.
pub const SUFFIX: &str = "haichuan.localhost";

/// The host of a demo tenant.
pub fn host(code: &str) -> String {
    format!("{code}.{SUFFIX}")
}

/// A response as a test sees it.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HashMap<String, String>,
    /// Every `Set-Cookie` value (the header map keeps only one).
    pub set_cookies: Vec<String>,
    /// The body as text (invalid UTF-8 replaced).
    pub body: String,
    /// The body as sent.
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

#[derive(Debug, Clone)]
enum DbGuard {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

/// A database of a test server's own (SQLite in a temporary directory, or a PostgreSQL
/// database), dropped when the server finishes.
#[derive(Debug, Clone)]
pub struct TestDatabase {
    pub url: String,
    guard: DbGuard,
    dir: PathBuf,
}

impl TestDatabase {
    /// A new, empty database.
    pub async fn create(backend: Backend) -> TestDatabase {
        Self::create_from(backend, None).await
    }

    /// A new database holding the demo as `opts` seeds it: a copy of a template seeded once
    /// per test process (see `template`), which saves each test the seconds of seeding.
    pub async fn demo_copy(backend: Backend, opts: DemoOptions) -> TestDatabase {
        let template = template::demo(backend, opts).await;
        Self::create_from(backend, Some(&template)).await
    }

    /// A new database, empty or a copy of `template` (a SQLite file, a PostgreSQL database).
    async fn create_from(backend: Backend, template: Option<&str>) -> TestDatabase {
        let name = unique_name();
        let (url, guard, dir) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir).expect("temp dir");
                let file = dir.join("zhanqun.sqlite");
                if let Some(t) = template {
                    std::fs::copy(t, &file).expect("copy the demo template");
                }
                (
                    format!("sqlite://{}?mode=rwc", file.display()),
                    DbGuard::Sqlite(dir.clone()),
                    dir,
                )
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let admin = Database::connect(admin_url.as_str())
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is needed for this test (set ZHANQUN_TEST_POSTGRES): {e}"));
                let create = match template {
                    Some(t) => format!("CREATE DATABASE {name} TEMPLATE {t}"),
                    None => format!("CREATE DATABASE {name}"),
                };
                admin
                    .execute_unprepared(&create)
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .unwrap_or(&admin_url);
                let url = format!("{base}/{name}");
                let dir = std::env::temp_dir().join(&name);
                (
                    url,
                    DbGuard::Postgres {
                        admin_url: admin_url.clone(),
                        name: name.clone(),
                    },
                    dir,
                )
            }
        };
        TestDatabase { url, guard, dir }
    }
}

/// A running server with its own database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub metrics_addr: Option<SocketAddr>,
    /// The HTTPS listener's address, when `ZQ_TLS__LISTEN` was set.
    pub tls_addr: Option<SocketAddr>,
    pub store: Store,
    /// The running server's services (the same store, clock and event dispatcher).
    pub services: Services,
    pub backend: Backend,
    /// The database URL as the server was given it (through the proxy if any).
    pub database_url: String,
    /// The database URL without the proxy, for other nodes and direct checks.
    pub direct_database_url: String,
    /// The Redis URL and key prefix the server uses, if any.
    pub redis: Option<(String, String)>,
    pub db_proxy: Option<FaultProxy>,
    pub redis_proxy: Option<FaultProxy>,
    running: Option<Running>,
    guard: DbGuard,
    client: Client<HttpConnector, Empty<Bytes>>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    format!(
        "zqt_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        fastrand::u32(..)
    )
}

fn postgres_admin_url() -> String {
    std::env::var("ZHANQUN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

impl TestApp {
    /// A server over an empty database (schema applied, no tenants).
    pub async fn empty(backend: Backend) -> TestApp {
        Self::spawn(backend, None).await
    }

    /// A server over the demo cluster, with fewer articles than `serve --demo` to keep tests quick.
    pub async fn demo(backend: Backend) -> TestApp {
        Self::spawn(
            backend,
            Some(DemoOptions {
                news_articles: 8,
                seed: 7,
            }),
        )
        .await
    }

    pub async fn spawn(backend: Backend, demo_opts: Option<DemoOptions>) -> TestApp {
        Self::setup(Setup {
            backend: Some(backend),
            demo: demo_opts,
            ..Setup::default()
        })
        .await
    }

    /// A server as `setup` says.
    pub async fn setup(setup: Setup) -> TestApp {
        let backend = setup.backend.unwrap_or(Backend::Sqlite);
        let demo_opts = setup.demo;
        // Server logs go to the test's captured output (shown when it fails).
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_env("ZHANQUN_TEST_LOG")
                    .unwrap_or_else(|_| "warn".into()),
            )
            .with_test_writer()
            .try_init();
        let TestDatabase {
            url,
            guard,
            dir: data_dir,
        } = match (setup.database.clone(), demo_opts, setup.clock) {
            (Some(db), _, _) => db,
            // The demo on the real clock: a copy of the process's template, seeded already.
            (None, Some(opts), None) => TestDatabase::demo_copy(backend, opts).await,
            (None, _, _) => TestDatabase::create(backend).await,
        };
        let seeded = setup.database.is_none() && demo_opts.is_some() && setup.clock.is_none();
        let name = unique_name();
        let direct_database_url = url.clone();
        let mut db_proxy = None;
        let url = if setup.db_via_proxy {
            assert_eq!(
                backend,
                Backend::Postgres,
                "only PostgreSQL is reached over TCP"
            );
            let proxy = FaultProxy::start(pg_socket_addr(&url)).await;
            let proxied = url.replacen(&pg_authority(&url), &proxy.addr.to_string(), 1);
            db_proxy = Some(proxy);
            proxied
        } else {
            url
        };
        let mut redis = None;
        let mut redis_proxy = None;
        if setup.redis {
            let direct = redis_url();
            let url = if setup.redis_via_proxy {
                let authority = direct
                    .trim_start_matches("redis://")
                    .trim_end_matches('/')
                    .to_owned();
                let upstream = tokio::net::lookup_host(&authority)
                    .await
                    .expect("redis address")
                    .next()
                    .expect("redis address");
                let proxy = FaultProxy::start(upstream).await;
                let u = format!("redis://{}", proxy.addr);
                redis_proxy = Some(proxy);
                u
            } else {
                direct
            };
            redis = Some((url, name.clone()));
        }
        let mut env = vec![
            ("ZQ_DB__URL".to_owned(), url.clone()),
            ("ZQ_DATA_DIR".to_owned(), data_dir.display().to_string()),
            ("ZQ_HTTP__LISTEN".to_owned(), "127.0.0.1:0".to_owned()),
            ("ZQ_HTTP__PAGE_SIZE".to_owned(), "5".to_owned()),
            ("ZQ_DB__MAX_CONNECTIONS".to_owned(), "8".to_owned()),
            ("ZQ_METRICS__LISTEN".to_owned(), "127.0.0.1:0".to_owned()),
            // Tests post forms as soon as they are served (one test sets a minimum).
            ("ZQ_HTTP__FORM_MIN_FILL_SECS".to_owned(), "0".to_owned()),
            ("ZQ_HTTP__FORM_CAPTCHA_AFTER".to_owned(), "0".to_owned()),
            // The upstreams tests pull and check run on 127.0.0.1 (one test turns the guard on).
            ("ZQ_FEEDS__ALLOW_PRIVATE".to_owned(), "true".to_owned()),
            // Every test client is 127.0.0.1: the rate limits are out of reach but where a
            // test sets its own (tests/rate_limits.rs).
            ("ZQ_HTTP__SIGNIN_PER_MINUTE".to_owned(), "10000".to_owned()),
            ("ZQ_HTTP__API_PER_MINUTE".to_owned(), "1000000".to_owned()),
            ("ZQ_SEARCH__PER_MINUTE".to_owned(), "1000000".to_owned()),
            // Each server its own search index (several may share a data directory).
            (
                "ZQ_SEARCH__DIR".to_owned(),
                data_dir
                    .join(format!("search-{name}"))
                    .display()
                    .to_string(),
            ),
            // Tests sign in with passwords only, but where one sets the roles that need a
            // second factor (tests/second_factor.rs).
            ("ZQ_SECURITY__SECOND_FACTOR_ROLES".to_owned(), String::new()),
        ];
        env.retain(|(k, _)| !setup.env.iter().any(|(set, _)| set == k));
        if let Some((u, prefix)) = &redis {
            env.push(("ZQ_REDIS__URL".to_owned(), u.clone()));
            env.push(("ZQ_REDIS__PREFIX".to_owned(), prefix.clone()));
        }
        env.extend(setup.env);
        let cfg = Config::load(None, env).expect("test configuration");
        let mut store = zhanqun::open_store(&cfg).await.expect("open test database");
        if let Some(at) = setup.clock {
            store = store.with_clock(zq_store::Clock::manual(at));
        }
        if let Some(opts) = demo_opts.filter(|_| !seeded) {
            template::seed(&store, opts).await;
        }
        let listener = tokio::net::TcpListener::bind(cfg.listen)
            .await
            .expect("bind");
        let running = zhanqun::start(&cfg, store.clone(), listener)
            .await
            .expect("start");
        let client = Client::builder(TokioExecutor::new()).build_http();
        let services = running.state.services().clone();
        TestApp {
            addr: running.addr,
            metrics_addr: running.metrics_addr,
            tls_addr: running.tls_addr,
            store,
            services,
            backend,
            database_url: url,
            direct_database_url,
            redis,
            db_proxy,
            redis_proxy,
            running: Some(running),
            guard,
            client,
        }
    }

    /// Changes the database behind the platform's back (an attacker's or a careless
    /// administrator's SQL), on a connection of its own.
    pub async fn tamper(&self, sql: &str) {
        let db = Database::connect(self.direct_database_url.as_str())
            .await
            .expect("connect to the test database");
        db.execute_unprepared(sql).await.expect("the tampering SQL");
        db.close().await.ok();
    }

    /// The running server's state (for rendering pages without HTTP, as `zhanqun export` does).
    pub fn state(&self) -> &zq_http::AppState {
        &self.running.as_ref().expect("the server runs").state
    }

    /// Re-reads tenants after a change made through the store (what the refresher does periodically).
    pub async fn reload(&self) {
        if let Some(r) = &self.running {
            r.state.reload_sites().await.expect("reload sites");
        }
    }

    /// GET `path` with the given Host header.
    pub async fn get(&self, host: &str, path: &str) -> Resp {
        self.request("GET", Some(host), path).await
    }

    /// A request with any method, and an optional Host header.
    pub async fn request(&self, method: &str, host: Option<&str>, path: &str) -> Resp {
        let mut b = hyper::Request::builder()
            .method(method)
            .uri(format!("http://{}{}", self.addr, path));
        if let Some(h) = host {
            b = b.header(hyper::header::HOST, h);
        }
        self.send(b).await
    }

    /// Sends a request built by the caller and collects the response.
    async fn send(&self, b: hyper::http::request::Builder) -> Resp {
        let req = b.body(Empty::<Bytes>::new()).expect("request");
        let res = tokio::time::timeout(Duration::from_secs(30), self.client.request(req))
            .await
            .expect("response within 30 s")
            .expect("response");
        to_resp(res).await
    }

    /// POSTs a form (`application/x-www-form-urlencoded`) with extra headers (e.g. `cookie`).
    pub async fn post_form(
        &self,
        host: &str,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Resp {
        let body: String = form
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut all = vec![("content-type", "application/x-www-form-urlencoded")];
        all.extend_from_slice(headers);
        self.call("POST", host, path, &all, body).await
    }

    /// POSTs a `multipart/form-data` form: text fields and files (field name, file name,
    /// bytes), as a browser sends a form with file inputs.
    pub async fn post_multipart(
        &self,
        host: &str,
        path: &str,
        form: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Resp {
        self.post_multipart_with(host, path, form, files, &[]).await
    }

    /// [`Self::post_multipart`] with extra headers (e.g. `cookie`).
    pub async fn post_multipart_with(
        &self,
        host: &str,
        path: &str,
        form: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
        headers: &[(&str, &str)],
    ) -> Resp {
        let boundary = format!("zqtest{}", fastrand::u64(..));
        let mut body = Vec::new();
        for (k, v) in form {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\ncontent-disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        for (field, name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\ncontent-disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\ncontent-type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let ct = format!("multipart/form-data; boundary={boundary}");
        let mut all = vec![("content-type", ct.as_str())];
        all.extend_from_slice(headers);
        self.call("POST", host, path, &all, body).await
    }

    /// Any request with a body and extra headers (e.g. `authorization`, `content-type`).
    pub async fn call(
        &self,
        method: &str,
        host: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Resp {
        let mut b = hyper::Request::builder()
            .method(method)
            .uri(format!("http://{}{}", self.addr, path))
            .header(hyper::header::HOST, host);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = b
            .body(http_body_util::Full::new(body.into()))
            .expect("request");
        let client =
            Client::builder(TokioExecutor::new()).build_http::<http_body_util::Full<Bytes>>();
        let res = tokio::time::timeout(Duration::from_secs(30), client.request(req))
            .await
            .expect("response within 30 s")
            .expect("response");
        to_resp(res).await
    }

    /// Sends raw bytes on a new connection and returns what the server answers until it closes
    /// (or 10 s pass): for requests a well-behaved client library refuses to send.
    pub async fn raw(&self, request: &[u8]) -> String {
        let mut s = tokio::net::TcpStream::connect(self.addr)
            .await
            .expect("connect");
        s.write_all(request).await.expect("write");
        let mut out = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The status code of a raw response.
    pub async fn raw_status(&self, request: &[u8]) -> u16 {
        let answer = self.raw(request).await;
        answer
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no HTTP status in {answer:?}"))
    }

    /// A new account of the cluster's `operator` role named `login`, signed in: its session
    /// cookie.
    pub async fn operator_cookie(&self, login: &str) -> String {
        self.account(login, Some(zq_domain::access::ClusterRole::Operator), &[])
            .await;
        let (_, session) = self.sign_in(login, PASSWORD).await;
        session.expect("the operator signed in")
    }

    /// The `/metrics` text of the operations listener.
    pub async fn metrics(&self) -> String {
        let addr = self.metrics_addr.expect("metrics listener");
        self.send(hyper::Request::builder().uri(format!("http://{addr}/metrics")))
            .await
            .body
    }

    /// The site's main news column as the API lists it (`id`, `slug`, `name`…), read with
    /// `secret`.
    pub async fn news_column(&self, secret: &str, code: &str) -> serde_json::Value {
        let (_, cols) = self
            .api(
                secret,
                "GET",
                &format!("/api/v1/sites/{code}/columns"),
                None,
            )
            .await;
        cols.as_array()
            .and_then(|all| all.iter().find(|c| c["is_news"] == true))
            .cloned()
            .unwrap_or_else(|| panic!("a news column of {code} in {cols}"))
    }

    /// The id of the tenant with `code`.
    pub async fn tenant_id(&self, code: &str) -> zq_domain::TenantId {
        self.store
            .tenant_by_code(&zq_domain::TenantCode::parse(code).expect("code"))
            .await
            .expect("tenant query")
            .expect("tenant")
            .id
    }

    /// A new, empty article-list column of tenant `code` (under `parent`), made by the system.
    pub async fn new_list_column(
        &self,
        code: &str,
        slug: &str,
        name: &str,
        parent: Option<zq_domain::ColumnId>,
    ) -> zq_domain::ColumnId {
        let new = zq_store::NewColumn {
            parent_id: parent,
            slug: zq_domain::ColumnSlug::parse(slug).expect("slug"),
            name: name.into(),
            kind: zq_domain::ColumnKind::ArticleList,
            external_url: None,
            update_requirement: zq_domain::UpdateRequirement::AsNeeded,
            responsible_unit: None,
            sort_order: 50,
            is_news: false,
            aggregates: None,
        };
        self.store
            .create_column(self.tenant_id(code).await, new, &zq_store::Who::system())
            .await
            .expect("create column")
            .id
    }

    /// A tenant's id and the id of its column with `slug`.
    pub async fn column(
        &self,
        code: &str,
        slug: &str,
    ) -> (zq_domain::TenantId, zq_domain::ColumnId) {
        let code = zq_domain::TenantCode::parse(code).expect("code");
        let t = self
            .store
            .tenant_by_code(&code)
            .await
            .expect("tenant query")
            .expect("tenant");
        let col = self
            .store
            .columns(t.id)
            .await
            .expect("columns")
            .into_iter()
            .find(|c| c.slug.as_str() == slug);
        (t.id, col.expect("column").id)
    }

    /// Stores `article` in a column of a tenant and returns its id.
    pub async fn add(
        &self,
        code: &str,
        slug: &str,
        mut article: NewArticle,
    ) -> zq_domain::ArticleId {
        let (tenant, column) = self.column(code, slug).await;
        article.column_id = column;
        self.create_article(tenant, article)
            .await
            .expect("create article")
    }

    /// Stores one article of a tenant through the audited import (as the system): published
    /// at its time, or a draft.
    pub async fn create_article(
        &self,
        tenant: zq_domain::TenantId,
        a: NewArticle,
    ) -> Result<zq_domain::ArticleId, zq_store::EditorialError> {
        let published = a.status == zq_domain::ArticleStatus::Published;
        let item = zq_store::ImportedArticle {
            published_at: if published {
                a.published_at.or(Some(chrono::Utc::now()))
            } else {
                None
            },
            text: zq_store::ArticleText {
                column_id: a.column_id,
                title: a.title,
                subtitle: a.subtitle,
                source: a.source,
                author: a.author,
                summary: a.summary,
                body: a.body,
                doc_number: a.doc_number,
                index_number: a.index_number,
            },
        };
        let ids = self
            .store
            .import_articles(tenant, vec![item], &zq_store::Who::system())
            .await?;
        Ok(ids[0])
    }

    /// Publishes a draft or withdrawn article now, as the system.
    pub async fn publish_article(
        &self,
        tenant: zq_domain::TenantId,
        id: zq_domain::ArticleId,
    ) -> Result<(), zq_store::EditorialError> {
        let now = chrono::Utc::now().timestamp();
        let event = zq_domain::workflow::Event::PublishDirectly {
            now,
            publish_at: None,
        };
        self.store
            .article_event(tenant, id, &event, &zq_store::Who::system())
            .await
            .map(|_| ())
    }

    /// Withdraws a published article, as the system.
    pub async fn withdraw_article(
        &self,
        tenant: zq_domain::TenantId,
        id: zq_domain::ArticleId,
    ) -> Result<(), zq_store::EditorialError> {
        let event = zq_domain::workflow::Event::Withdraw;
        self.store
            .article_event(tenant, id, &event, &zq_store::Who::system())
            .await
            .map(|_| ())
    }

    /// A GET with extra headers.
    pub async fn get_with(&self, host: &str, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut b = hyper::Request::builder()
            .uri(format!("http://{}{}", self.addr, path))
            .header(hyper::header::HOST, host);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b).await
    }

    /// Stops the server and drops the test database.
    pub async fn finish(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await.ok();
        }
        match &self.guard {
            DbGuard::Sqlite(dir) => {
                std::fs::remove_dir_all(dir).ok();
            }
            DbGuard::Postgres { admin_url, name } => {
                self.store.clone().close().await.ok();
                if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                    admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await
                        .ok();
                    admin.close().await.ok();
                }
            }
        }
    }
}

/// The password of accounts tests create.
pub const PASSWORD: &str = "Haichuan-Portal-2026";

/// The `name=value` of a Set-Cookie, and the whole header for attribute checks.
pub fn cookie_of<'a>(r: &'a Resp, name: &str) -> Option<(&'a str, String)> {
    r.set_cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| {
            let pair = c.split(';').next().unwrap_or("");
            (c.as_str(), pair.to_owned())
        })
}

/// The value of the first hidden field `name` of a page (a form's token, a survey's item…).
pub fn hidden(body: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let at = body
        .find(&needle)
        .unwrap_or_else(|| panic!("{name} in {body}"))
        + needle.len();
    body[at..].split('"').next().unwrap_or_default().to_owned()
}

/// The first hidden `csrf` field of a console page.
pub fn hidden_csrf(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").expect("csrf field") + 19;
    body[at..at + 64].to_owned()
}

impl TestApp {
    /// Creates an account with password [`PASSWORD`], a cluster role and tenant bindings
    /// (by tenant code).
    pub async fn account(
        &self,
        login: &str,
        cluster: Option<zq_domain::access::ClusterRole>,
        bindings: &[(&str, zq_domain::access::TenantRole)],
    ) -> zq_store::User {
        let system = zq_store::Who::system();
        let u = self
            .store
            .create_user(
                zq_store::NewUser {
                    login: zq_domain::security::LoginName::parse(login).expect("login"),
                    display_name: format!("{login}姓名"),
                    password: PASSWORD.into(),
                    cluster_role: cluster,
                    must_change_password: false,
                },
                &system,
            )
            .await
            .expect("create user");
        for (code, role) in bindings {
            let t = self
                .store
                .tenant_by_code(&zq_domain::TenantCode::parse(code).expect("code"))
                .await
                .expect("tenant query")
                .expect("tenant");
            self.store
                .set_binding(u.id, t.id, *role, true, &system)
                .await
                .expect("bind");
        }
        u
    }

    /// Creates an account with one role (on a site, or cluster-wide) and returns an API token
    /// for that role.
    pub async fn token(
        &self,
        login: &str,
        cluster: Option<zq_domain::access::ClusterRole>,
        site: Option<(&str, zq_domain::access::TenantRole)>,
    ) -> String {
        use zq_domain::access::TokenScope;
        let bindings: Vec<(&str, zq_domain::access::TenantRole)> = site.into_iter().collect();
        let u = self.account(login, cluster, &bindings).await;
        let scope = match (cluster, site) {
            (Some(c), _) => TokenScope::Cluster(c),
            (None, Some((code, r))) => {
                let t = self
                    .store
                    .tenant_by_code(&zq_domain::TenantCode::parse(code).expect("code"))
                    .await
                    .expect("tenant query")
                    .expect("tenant");
                TokenScope::Tenant(t.id, r)
            }
            (None, None) => panic!("a role is needed"),
        };
        self.store
            .create_api_token(u.id, scope, "test", None, &zq_store::Who::default())
            .await
            .expect("token")
            .1
    }

    /// A JSON API call with a bearer token; the answer's status and JSON body (`Null` when
    /// empty, a string when not JSON).
    pub async fn api(
        &self,
        secret: &str,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let auth = format!("Bearer {secret}");
        let mut h = vec![("authorization", auth.as_str())];
        if body.is_some() {
            h.push(("content-type", "application/json"));
        }
        let payload = body.map(|b| b.to_string()).unwrap_or_default();
        let r = self.call(method, "127.0.0.1", path, &h, payload).await;
        let v = if r.body.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&r.body).unwrap_or(serde_json::Value::String(r.body.clone()))
        };
        (r.status, v)
    }

    /// Opens the sign-in page and signs in; returns the answer and the session cookie pair.
    pub async fn sign_in(&self, login: &str, password: &str) -> (Resp, Option<String>) {
        self.sign_in_with(login, password, &[]).await
    }

    /// `sign_in` with more headers on the post (a forwarded address, a device cookie: the
    /// `cookie` given is sent beside the CSRF cookie).
    pub async fn sign_in_with(
        &self,
        login: &str,
        password: &str,
        headers: &[(&str, &str)],
    ) -> (Resp, Option<String>) {
        let page = self.get("127.0.0.1", "/console/login").await;
        assert_eq!(page.status, 200);
        let (_, csrf_cookie) = cookie_of(&page, "zq_csrf").expect("csrf cookie");
        let csrf = hidden_csrf(&page.body);
        let mut cookies = csrf_cookie;
        let mut sent: Vec<(&str, &str)> = Vec::new();
        for (name, value) in headers {
            if name.eq_ignore_ascii_case("cookie") {
                cookies = format!("{cookies}; {value}");
            } else {
                sent.push((name, value));
            }
        }
        sent.push(("cookie", &cookies));
        let r = self
            .post_form(
                "127.0.0.1",
                "/console/login",
                &[("login", login), ("password", password), ("csrf", &csrf)],
                &sent,
            )
            .await;
        let session = cookie_of(&r, "zq_session").map(|(_, pair)| pair);
        (r, session)
    }
}

/// An article as tests write it: its text, whether it is published, and when.
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub column_id: zq_domain::ColumnId,
    pub title: String,
    pub subtitle: Option<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub summary: Option<String>,
    pub body: String,
    pub doc_number: Option<String>,
    pub index_number: Option<String>,
    pub status: zq_domain::ArticleStatus,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Indicator `code` of a site's inspection report as the API gives it (`GET …/inspection`).
pub fn indicator(report: &serde_json::Value, code: &str) -> serde_json::Value {
    report["indicators"]
        .as_array()
        .and_then(|all| all.iter().find(|i| i["code"] == code))
        .unwrap_or_else(|| panic!("indicator {code} in {report}"))
        .clone()
}

/// A published article with `title`, for tests that only need some content (the column is set
/// by `TestApp::add`).
pub fn article(title: &str, status: zq_domain::ArticleStatus) -> NewArticle {
    NewArticle {
        column_id: zq_domain::ColumnId(0),
        title: title.into(),
        subtitle: None,
        source: Some("测试".into()),
        author: None,
        summary: Some("摘要".into()),
        body: "<p>正文</p>".into(),
        doc_number: None,
        index_number: None,
        status,
        published_at: (status == zq_domain::ArticleStatus::Published).then(chrono::Utc::now),
    }
}

/// Collects a response into what tests look at.
async fn to_resp(res: hyper::Response<hyper::body::Incoming>) -> Resp {
    let status = res.status().as_u16();
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let set_cookies = res
        .headers()
        .get_all(hyper::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .collect();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    Resp {
        status,
        headers,
        set_cookies,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `host:port` of a PostgreSQL URL.
fn pg_authority(url: &str) -> String {
    let after = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let after = after.rsplit_once('@').map(|(_, r)| r).unwrap_or(after);
    after.split('/').next().unwrap_or(after).to_owned()
}

fn pg_socket_addr(url: &str) -> SocketAddr {
    let a = pg_authority(url);
    let a = if a.contains(':') {
        a
    } else {
        format!("{a}:5432")
    };
    std::net::ToSocketAddrs::to_socket_addrs(&a)
        .expect("PostgreSQL address")
        .next()
        .expect("PostgreSQL address")
}

/// Declares each test twice, as `sqlite::name` and `postgres::name`, each with its own server.
#[macro_export]
macro_rules! on_both_backends {
    ($(async fn $name:ident($app:ident: $kind:ident) $body:block)+) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = $crate::TestApp::$kind($crate::Backend::Sqlite).await;
                    super::$name(&$app).await;
                    $app.finish().await;
                }
            )+
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = $crate::TestApp::$kind($crate::Backend::Postgres).await;
                    super::$name(&$app).await;
                    $app.finish().await;
                }
            )+
        }
        $(
            async fn $name($app: &$crate::TestApp) $body
        )+
    };
}
