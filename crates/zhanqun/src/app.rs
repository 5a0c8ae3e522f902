//! Starting and stopping the platform: store, site registry, HTTP server.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use zq_cache::{Bus, PageCache, RedisLink};
use zq_http::{AppState, ConnLimits, HttpConfig, Metrics, Sessions};
use zq_services::Services;
use zq_services::inspection::digest::DailyDigest;
use zq_services::inspection::links::LinkCheck;
use zq_services::inspection::probes::Probes;
use zq_services::interaction::notify::CaseMail;
use zq_services::interaction::reminders::CaseClocks;
use zq_services::jobs::{FeedPulls, Job, JobRunner, ScheduledPublishing};
use zq_store::{Store, StoreError, StoreOptions};

use crate::Config;

/// Opens the database named by the configuration (creating the data directory for SQLite)
/// and applies pending migrations.
pub async fn open_store(cfg: &Config) -> Result<Store, StoreError> {
    if cfg.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&cfg.data_dir).map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot create data directory {}: {e}",
                cfg.data_dir.display()
            ))
        })?;
    }
    let mut opts = StoreOptions::new(cfg.database_url.clone());
    opts.max_connections = cfg.db_max_connections;
    opts.acquire_timeout = cfg.db_acquire_timeout;
    Store::open(&opts).await
}

/// The HTTP layer's settings from the configuration.
pub fn http_config(cfg: &Config) -> HttpConfig {
    HttpConfig {
        page_size: cfg.page_size,
        request_timeout: cfg.request_timeout,
        tenant_refresh: cfg.tenant_refresh,
        public_scheme: cfg.public_scheme.clone(),
        console_host: Some(cfg.console_host.clone()),
        host_suffix: Some(cfg.host_suffix.clone()),
        form_submits_per_minute: cfg.form_submits_per_minute,
        signin_per_minute: cfg.signin_per_minute,
        api_per_minute: cfg.api_per_minute,
        search_per_minute: cfg.search.as_ref().map_or(60, |s| s.per_minute),
        form_min_fill_secs: cfg.form_min_fill_secs,
        form_captcha_after: cfg.form_captcha_after,
        test_form: cfg.public_test_form,
        count_visits: cfg.visits_enabled,
        hant_keep: cfg.hant_keep.clone(),
        prometheus: cfg
            .prometheus_url
            .clone()
            .map(|u| (u, cfg.prometheus_job.clone())),
        // Set by `start` once the HTTPS listener is bound.
        tls: None,
        limits: ConnLimits {
            header_read_timeout: cfg.header_read_timeout,
            body_read_timeout: cfg.body_read_timeout,
            trusted_proxies: cfg.trusted_proxies.clone(),
            ..ConnLimits::default()
        },
    }
}

/// A running server.
pub struct Running {
    /// The address it listens on (useful with port 0).
    pub addr: SocketAddr,
    /// The operations listener's address (`/metrics`), if enabled.
    pub metrics_addr: Option<SocketAddr>,
    /// The HTTPS listener's address, if configured (`tls.listen`).
    pub tls_addr: Option<SocketAddr>,
    pub state: AppState,
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
    server: JoinHandle<std::io::Result<()>>,
    /// The leased background jobs, stopped gracefully.
    jobs: Option<JobRunner>,
    background: Vec<JoinHandle<()>>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Service(#[from] zq_services::ServiceError),
    #[error("configuration key `redis.url`: {0}")]
    Redis(#[from] zq_cache::RedisUrlError),
    #[error("cannot listen on {addr} (configuration key `tls.listen`): {source}")]
    TlsListen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot listen on {addr} (configuration key `metrics.listen`): {source}")]
    MetricsListen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The services over `store` as a server runs them: outgoing HTTP(S) with the configured extra
/// roots, metrics reported to `metrics`.
pub fn services(cfg: &Config, store: Store, metrics: Arc<Metrics>) -> Services {
    let svc = Services::new(store)
        .with_fetch(Arc::new(
            zq_http::fetch::HttpFetcher::new(cfg.feed_extra_roots.clone())
                .allow_private(cfg.feed_allow_private)
                .trust(&cfg.probe_base)
                .trust(cfg.prometheus_url.as_deref().unwrap_or("")),
        ))
        .with_telemetry(metrics)
        .with_interaction(cfg.interaction.clone())
        .with_second_factor_roles(cfg.second_factor_roles.clone())
        .with_password_max_age(cfg.password_max_age_days)
        .with_recycle_keep_days(cfg.recycle_keep_days);
    match &cfg.clamd {
        Some(clamd) => svc.with_clamd(clamd.clone()),
        None => svc,
    }
}

/// The background jobs every node runs (each tick runs on one node, by lease).
pub fn jobs(cfg: &Config) -> Vec<Arc<dyn Job>> {
    let mut jobs: Vec<Arc<dyn Job>> = vec![
        Arc::new(ScheduledPublishing {
            every: cfg.scheduler_tick,
        }),
        Arc::new(FeedPulls::new(cfg.feed_pull)),
        Arc::new(CaseClocks {
            every: cfg.case_clock,
        }),
        Arc::new(Probes {
            every: cfg.probe_every,
            base: cfg.probe_base.clone(),
        }),
        Arc::new(LinkCheck {
            every: cfg.link_every,
            timeout: cfg.link_timeout,
        }),
        Arc::new(zq_services::integrity::IntegrityScan {
            every: cfg.integrity_every,
        }),
        // Looks hourly for what has been in a 回收站 long enough.
        Arc::new(zq_services::recycle::RecyclePurge {
            every: std::time::Duration::from_secs(3600),
        }),
    ];
    if let Some(b) = &cfg.backup {
        jobs.push(Arc::new(crate::backup_job::ScheduledBackup {
            every: b.every,
            dir: b.dir.clone(),
            keep: b.keep,
            database_url: cfg.database_url.clone(),
        }));
    }
    if let Some(m) = &cfg.mail {
        jobs.push(Arc::new(CaseMail {
            every: m.every,
            mailer: m.mailer.clone(),
        }));
        // Looks whether the day's digest is due (once a day from 08:00 Beijing time).
        jobs.push(Arc::new(DailyDigest {
            every: m.digest_every,
            mailer: m.mailer.clone(),
        }));
        if !cfg.alert_email.is_empty() {
            jobs.push(Arc::new(zq_services::security_mail::SecurityMail {
                every: m.every,
                mailer: m.mailer.clone(),
                to: cfg.alert_email.clone(),
            }));
        }
    }
    jobs
}

/// Starts serving on `listener` with an already opened store: builds the cache (with Redis if
/// configured; an unreachable Redis is not an error), the console's session store (Redis if
/// configured, else the database), metrics, the services, the site registry, the invalidation
/// wiring, the leased background jobs, and the operations listener.
pub async fn start(
    cfg: &Config,
    store: Store,
    listener: TcpListener,
) -> Result<Running, StartError> {
    let addr = listener.local_addr()?;
    let mut http = http_config(cfg);
    // Bound first, so redirects can name the port it got (port 0 in tests).
    let tls_listener = match &cfg.tls {
        Some(t) => {
            let l = TcpListener::bind(t.listen)
                .await
                .map_err(|source| StartError::TlsListen {
                    addr: t.listen,
                    source,
                })?;
            let port = l.local_addr()?.port();
            http.tls = Some(zq_http::tls::TlsSettings {
                dir: t.dir.clone(),
                public_port: if t.public_port == 0 {
                    port
                } else {
                    t.public_port
                },
            });
            Some(l)
        }
        None => None,
    };
    let limits = http.limits.clone();
    let redis = cfg
        .redis_url
        .as_deref()
        .map(|u| RedisLink::new(u, &cfg.redis_prefix))
        .transpose()?
        .map(Arc::new);
    // Pages in Redis carry an HMAC tag: a writer to Redis cannot plant or change one.
    let page_key = match &cfg.redis_page_key {
        Some(k) => k.clone(),
        None => store.cluster_secret("page-cache-l2").await?,
    };
    let cache = PageCache::new(cfg.cache.clone(), redis.clone()).with_l2_key(page_key.as_bytes());
    let sessions = match &redis {
        Some(r) => Sessions::redis(store.clone(), r.clone()),
        None => Sessions::database(store.clone()),
    };
    let bus = redis.map(Bus::redis).unwrap_or_else(Bus::local);
    let metrics = Arc::new(Metrics::new());
    let mut services = services(cfg, store, metrics.clone());
    let search = match &cfg.search {
        Some(settings) => open_search(&services, settings).await,
        None => None,
    };
    if let Some(h) = &search {
        services = services.with_search(h.clone());
    }
    let state = AppState::with_sessions(services, http, cache, bus, metrics, sessions).await?;
    let mut background = vec![state.spawn_refresher()];
    background.extend(state.wire_changes());
    if cfg.visits_enabled {
        background.push(zq_services::visits::spawn_flusher(
            state.services().clone(),
            cfg.visits_flush,
        ));
    }
    let jobs = JobRunner::start(state.services(), jobs(cfg), zq_services::jobs::node_name());
    let (tx, rx) = tokio::sync::watch::channel(false);
    if let (Some(h), Some(settings)) = (search, &cfg.search) {
        background.push(zq_services::search::spawn(
            state.services().clone(),
            h,
            std::sync::Arc::new(zq_services::search::FileReader::new(settings.files)),
            settings.poll,
            rx.clone(),
        ));
    }
    let stop = move || {
        let mut rx = rx.clone();
        async move {
            let _ = rx.wait_for(|stopped| *stopped).await;
        }
    };
    let mut metrics_addr = None;
    if let Some(maddr) = cfg.metrics_listen {
        let ops = TcpListener::bind(maddr)
            .await
            .map_err(|source| StartError::MetricsListen {
                addr: maddr,
                source,
            })?;
        metrics_addr = Some(ops.local_addr()?);
        let router = zq_http::ops_router(state.clone());
        let stopped = stop();
        background.push(tokio::spawn(async move {
            if let Err(e) = zq_http::serve(ops, router, ConnLimits::default(), stopped).await {
                tracing::error!(error = %e, "the operations listener failed");
            }
        }));
    }
    let mut tls_addr = None;
    if let Some(l) = tls_listener {
        tls_addr = Some(l.local_addr()?);
        let state = state.clone();
        let limits = limits.clone();
        let stopped = stop();
        background.push(tokio::spawn(async move {
            if let Err(e) = zq_http::serve_tls(l, state, limits, stopped).await {
                tracing::error!(error = %e, "the HTTPS listener failed");
            }
        }));
    }
    let server = tokio::spawn(zq_http::serve_public(
        listener,
        state.clone(),
        limits,
        stop(),
    ));
    Ok(Running {
        addr,
        metrics_addr,
        tls_addr,
        state,
        shutdown: Some(tx),
        server,
        jobs: Some(jobs),
        background,
    })
}

/// This node's search index, opened with the cluster's words; a node whose index cannot be
/// opened serves everything else and answers questions 503 (logged).
async fn open_search(
    services: &Services,
    settings: &crate::config::SearchSettings,
) -> Option<Arc<zq_services::search::SearchHandle>> {
    let words = match zq_services::search::cluster_words(services.store()).await {
        Ok(w) => w,
        Err(e) => {
            tracing::warn!(error = %e, "reading the cluster's words failed; the tokenizer starts without them");
            Vec::new()
        }
    };
    match zq_services::search::SearchHandle::open(&settings.dir, &words) {
        Ok(h) => Some(Arc::new(h)),
        Err(e) => {
            tracing::error!(dir = %settings.dir.display(), error = %e, "the search index could not be opened; search is off on this node");
            None
        }
    }
}

impl Running {
    /// Stops accepting, lets open requests and running jobs finish, and waits for the server
    /// to end.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        if let Some(jobs) = self.jobs.take() {
            jobs.stop().await;
        }
        for t in &self.background {
            t.abort();
        }
        let served = (&mut self.server).await;
        // The views counted since the last flush are written before the process goes.
        if let Err(e) = zq_services::search::office::flush(self.state.services()).await {
            tracing::warn!(error = %e, "writing the last search question counts failed");
        }
        if let Err(e) = zq_services::visits::flush(self.state.services()).await {
            tracing::warn!(error = %e, "writing the last visit counts failed");
        }
        match served {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        }
    }

    /// Waits until the server ends (after [`Running::request_stop`]), then lets running jobs
    /// finish.
    pub async fn wait(&mut self) -> std::io::Result<()> {
        if let Some(jobs) = self.jobs.take() {
            jobs.stop().await;
        }
        match (&mut self.server).await {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        }
    }

    /// Asks the server to stop without waiting.
    pub fn request_stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        for t in &self.background {
            t.abort();
        }
    }
}
