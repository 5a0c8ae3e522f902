//! The HTTP host: one hyper server for the portal and every subsite.
//!
//! A request goes: accept loop (`server`) → axum router (`router`) → for public pages,
//! `site::handle`: Host header or `/sites/{code}/` alias → tenant (`registry`) → tenant status
//! → route (`zq_domain::route`) → page builder (`site::pages`) → `zq_render`. Handlers stay
//! thin: rules live in `zq-domain`, data in `zq-store`, markup in `zq-render`.

// The OpenAPI document is one large `serde_json::json!` literal.
#![recursion_limit = "512"]

mod api;
mod auth;
pub mod client;
mod console;
mod deadline;
mod error;
pub mod fetch;
mod input;
pub mod limits;
mod line_endings;
pub mod metrics;
pub mod registry;
mod routes;
pub mod server;
mod service;
mod sessions;
mod site;
pub mod tls;
mod visits;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use zq_cache::{Bus, BusMessage, PageCache};
use zq_render::Renderer;
use zq_services::Services;
use zq_store::{ChangeEvent, Store};

pub use metrics::Metrics;

pub use error::SiteError;
pub use registry::Registry;
pub use routes::{ops_router, router};
pub use server::{ConnLimits, serve, serve_public, serve_tls};
pub use sessions::{SessionError, Sessions};

/// The client's address (the real client behind trusted proxies: `client`), attached to
/// every request by the accept loop.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub std::net::SocketAddr);

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Items per page of a column list.
    pub page_size: u32,
    /// A request that takes longer is answered 408.
    pub request_timeout: Duration,
    /// How often the site registry is rebuilt from the database.
    pub tenant_refresh: Duration,
    /// Scheme used in absolute URLs (sitemaps, feeds): "http" or "https".
    pub public_scheme: String,
    /// The console's own host: every path there leads to the console.
    pub console_host: Option<zq_domain::Host>,
    /// The cluster's domain (`haichuan.gov.cn`): a new site without a host name gets
    /// `{code}.{host_suffix}`, as on the command line.
    pub host_suffix: Option<zq_domain::Host>,
    /// Public forms a client address may post per minute, per node.
    pub form_submits_per_minute: u32,
    /// Sign-in posts a client may make per minute, per node (`http.signin_per_minute`).
    pub signin_per_minute: u32,
    /// API requests a client, and a token, may make per minute, per node
    /// (`http.api_per_minute`).
    pub api_per_minute: u32,
    /// Search questions per client a minute (`search.per_minute`).
    pub search_per_minute: u32,
    /// Seconds a form that opens a case (letter, site-error report, disclosure request) must
    /// have been open before it is posted; a quicker post is a robot's (0: no minimum).
    pub form_min_fill_secs: u32,
    /// Case-opening posts one address may make an hour (per node) before the forms ask it a
    /// verification question (`http.form_captcha_after`; 0: never).
    pub form_captcha_after: u32,
    /// Serve the public form path's test form (`/forms/test`).
    pub test_form: bool,
    /// Count public page views for the visit statistics (`visits.enabled`).
    pub count_visits: bool,
    /// Names the traditional pages keep as written (`http.hant_keep`).
    pub hant_keep: Vec<String>,
    /// A Prometheus server scraping every node, and the nodes' scrape job
    /// (`metrics.prometheus_url`, `metrics.prometheus_job`): the operator's page reads the
    /// whole cluster from it.
    pub prometheus: Option<(String, String)>,
    pub limits: ConnLimits,
    /// The TLS listener's settings, when one runs (`tls.listen`).
    pub tls: Option<tls::TlsSettings>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            page_size: 20,
            request_timeout: Duration::from_secs(30),
            tenant_refresh: Duration::from_secs(5),
            public_scheme: "http".into(),
            console_host: None,
            host_suffix: None,
            form_submits_per_minute: 10,
            signin_per_minute: 30,
            api_per_minute: 600,
            search_per_minute: 60,
            form_min_fill_secs: 3,
            form_captcha_after: 5,
            test_form: false,
            count_visits: true,
            hant_keep: Vec::new(),
            prometheus: None,
            limits: ConnLimits::default(),
            tls: None,
        }
    }
}

struct Inner {
    services: Services,
    renderer: Renderer,
    registry: Registry,
    config: HttpConfig,
    cache: PageCache,
    metrics: Arc<Metrics>,
    bus: Bus,
    sessions: Sessions,
    /// Rate limits and token key of the public form path.
    forms: site::forms::FormGuard,
    /// Rate limits of sign-in and the API (`limits`).
    limits: limits::RateLimits,
    /// The TLS listener's certificates (`tls`).
    certificates: Arc<tls::Certificates>,
}

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    /// Builds the state, with console sessions in the database, and loads the site registry
    /// once.
    pub async fn new(
        services: Services,
        config: HttpConfig,
        cache: PageCache,
        bus: Bus,
        metrics: Arc<Metrics>,
    ) -> Result<AppState, zq_store::StoreError> {
        let sessions = Sessions::database(services.store().clone());
        Self::with_sessions(services, config, cache, bus, metrics, sessions).await
    }

    /// Builds the state with the given session store and loads the site registry once.
    pub async fn with_sessions(
        services: Services,
        config: HttpConfig,
        cache: PageCache,
        bus: Bus,
        metrics: Arc<Metrics>,
        sessions: Sessions,
    ) -> Result<AppState, zq_store::StoreError> {
        let renderer = Renderer::new()
            .map_err(|e| zq_store::StoreError::Corrupt(e.to_string()))?
            .keeping_in_hant(&config.hant_keep);
        if !renderer.hant().loaded() {
            tracing::error!("the OpenCC dictionaries did not load: 繁體 pages stay simplified");
        }
        let registry = Registry::default();
        registry.reload(services.store(), &metrics).await?;
        let certificates = Arc::new(tls::Certificates::default());
        let forms =
            site::forms::FormGuard::new(config.form_submits_per_minute, config.form_captcha_after);
        let limits = limits::RateLimits::new(
            config.signin_per_minute,
            config.api_per_minute,
            config.search_per_minute,
        );
        let state = AppState(Arc::new(Inner {
            services,
            renderer,
            registry,
            forms,
            limits,
            config,
            cache,
            metrics,
            bus,
            sessions,
            certificates,
        }));
        state.reload_certificates().await?;
        Ok(state)
    }

    /// The TLS listener's certificates.
    pub fn certificates(&self) -> &Arc<tls::Certificates> {
        &self.0.certificates
    }

    /// Re-reads the certificates (stored and files) and their expiry gauges; only where a
    /// TLS listener runs.
    pub async fn reload_certificates(&self) -> Result<(), zq_store::StoreError> {
        let Some(settings) = &self.0.config.tls else {
            return Ok(());
        };
        self.0
            .certificates
            .reload(self.store(), settings.dir.as_deref())
            .await?;
        self.0
            .metrics
            .set_certificates(&self.0.certificates.entries());
        Ok(())
    }

    /// The public form path's guards.
    pub(crate) fn forms(&self) -> &site::forms::FormGuard {
        &self.0.forms
    }

    /// The rate limits of sign-in and the API.
    pub(crate) fn limits(&self) -> &limits::RateLimits {
        &self.0.limits
    }

    /// Where console sessions live.
    pub fn sessions(&self) -> &Sessions {
        &self.0.sessions
    }

    pub fn cache(&self) -> &PageCache {
        &self.0.cache
    }

    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// Applies a change committed by this process: raise generations at once (so the next
    /// request here renders anew), re-read the registry if sites changed, then tell the other
    /// nodes. Runs before the write returns to its caller.
    pub async fn apply_change(&self, event: ChangeEvent) {
        let gens: Vec<(i64, u64)> = event.generations.iter().map(|(t, g)| (t.0, *g)).collect();
        for &(t, g) in &gens {
            self.registry().generations().raise(t, g);
        }
        if event.sites_changed
            && let Err(e) = self.reload_sites().await
        {
            tracing::warn!(error = %e, "reloading sites after a change failed; the periodic refresh will retry");
        }
        if !gens.is_empty() {
            self.0.bus.publish(&BusMessage::Generations(gens)).await;
        }
        if event.sites_changed {
            self.0.bus.publish(&BusMessage::Sites).await;
        }
    }

    /// Applies a message from another node.
    pub async fn apply_bus(&self, msg: BusMessage) {
        match msg {
            BusMessage::Generations(gens) => {
                for (t, g) in gens {
                    self.registry().generations().raise(t, g);
                }
            }
            BusMessage::Sites => {
                if let Err(e) = self.reload_sites().await {
                    tracing::warn!(error = %e, "reloading sites on a bus message failed; the periodic refresh will retry");
                }
            }
        }
    }

    /// Subscribes `apply_change` to every committed event of this process (inline, before
    /// the write returns) and subscribes to the bus; the returned task (if Redis is
    /// configured) runs until aborted.
    pub fn wire_changes(&self) -> Option<tokio::task::JoinHandle<()>> {
        self.services()
            .events()
            .subscribe_inline(Arc::new(PagesSubscriber(self.clone())));
        let on_msg = self.clone();
        let on_connect = self.clone();
        self.0.bus.subscribe(
            move |msg| {
                let s = on_msg.clone();
                tokio::spawn(async move { s.apply_bus(msg).await });
            },
            // Messages sent while we were not subscribed are lost: re-read everything.
            move || {
                let s = on_connect.clone();
                tokio::spawn(async move {
                    if let Err(e) = s.reload_sites().await {
                        tracing::warn!(error = %e, "resynchronising after subscribing failed");
                    }
                });
            },
        )
    }

    pub fn store(&self) -> &Store {
        self.0.services.store()
    }

    /// The operations, shared with the CLI and the jobs.
    pub fn services(&self) -> &Services {
        &self.0.services
    }

    pub fn registry(&self) -> &Registry {
        &self.0.registry
    }

    pub fn config(&self) -> &HttpConfig {
        &self.0.config
    }

    pub fn renderer(&self) -> &Renderer {
        &self.0.renderer
    }

    /// Re-reads tenants, columns and generations now.
    pub async fn reload_sites(&self) -> Result<usize, zq_store::StoreError> {
        let n = self
            .0
            .registry
            .reload(self.store(), &self.0.metrics)
            .await?;
        self.reload_certificates().await?;
        Ok(n)
    }

    /// Keeps the registry fresh by reloading it every `tenant_refresh`; runs until dropped.
    pub fn spawn_refresher(&self) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(state.config().tenant_refresh);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            loop {
                tick.tick().await;
                if let Err(e) = state.reload_sites().await {
                    tracing::warn!(error = %e, "reloading the site registry failed; keeping the last one");
                }
            }
        })
    }
}

/// The page cache's subscriber: every committed event raises the generations it carries
/// (so the next request here renders anew), re-reads the registry when sites changed, and
/// tells the other nodes over the bus.
struct PagesSubscriber(AppState);

impl zq_services::Subscriber for PagesSubscriber {
    fn name(&self) -> &str {
        "pages"
    }

    fn handle<'a>(
        &'a self,
        events: &'a [zq_store::Event],
    ) -> zq_services::fetch::BoxFuture<'a, zq_services::Result<()>> {
        Box::pin(async move {
            let mut change = ChangeEvent::default();
            for e in events {
                change
                    .generations
                    .extend(e.change.generations.iter().copied());
                change.sites_changed |= e.change.sites_changed;
            }
            if change != ChangeEvent::default() {
                self.0.apply_change(change).await;
            }
            Ok(())
        })
    }
}

pub(crate) async fn metrics_text(State(state): State<AppState>) -> Response {
    state.cache().sync().await;
    if state.metrics().case_gauges_stale() {
        // Read from the database on this node, at most every 30 s: every node reports the
        // same cluster-wide figures, whichever node runs the clock job.
        match service::interaction::open_counts_by_tenant(state.services()).await {
            Ok(counts) => {
                for (t, n) in counts {
                    state
                        .metrics()
                        .set_cases(t.code.as_str(), n.open, n.due_soon, n.overdue);
                }
            }
            Err(e) => tracing::warn!(error = %e, "reading the case counts for the metrics failed"),
        }
        inspection_gauges(&state).await;
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics().render(state.cache()),
    )
        .into_response()
}

/// The inspection's figures of every site as gauges (read with the case gauges).
async fn inspection_gauges(state: &AppState) {
    let reports = match state.store().list_tenants().await {
        Ok(tenants) => service::inspection::reports_of(state.services(), tenants).await,
        Err(e) => Err(e.into()),
    };
    match reports {
        Ok(reports) => {
            for r in reports {
                state.metrics().set_inspection(
                    r.tenant.code.as_str(),
                    r.score.vetoes.len(),
                    r.score.points,
                    r.score.warnings,
                    r.indicators
                        .iter()
                        .find(|i| i.code == "links")
                        .map_or(0, |i| i.count),
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "reading the inspection for the metrics failed"),
    }
}

/// Headers every response carries.
pub(crate) async fn security_headers(mut res: Response) -> Response {
    set_security_headers(res.headers_mut());
    res
}

/// Sets the security headers on a response.
pub(crate) fn set_security_headers(h: &mut axum::http::HeaderMap) {
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: https: http:; style-src 'self'; script-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'",
        ),
    );
}

/// A file as a download: its type, its name in `Content-Disposition` (shown in the browser when
/// `inline`, saved otherwise) and the security headers; `None` when a header cannot carry the
/// stored type.
pub(crate) fn file_response(
    bytes: Vec<u8>,
    content_type: &str,
    file_name: &str,
    inline: bool,
) -> Option<Response> {
    let encoded =
        percent_encoding::utf8_percent_encode(file_name, percent_encoding::NON_ALPHANUMERIC);
    let disposition = format!(
        "{}; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" }
    );
    let mut res = Response::new(axum::body::Body::from(bytes));
    let h = res.headers_mut();
    set_security_headers(h);
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).ok()?,
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).ok()?,
    );
    Some(res)
}

/// The process is up.
pub(crate) async fn healthz() -> &'static str {
    "ok\n"
}

/// The process can serve: the database answers.
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    match state.store().ping().await {
        Ok(()) => (
            StatusCode::OK,
            format!("ready ({})\n", state.store().backend_name()),
        )
            .into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "5")],
            format!("not ready: {e}\n"),
        )
            .into_response(),
    }
}

pub(crate) async fn static_asset(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    if let Some(css) = theme_css(&file) {
        return (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            css,
        )
            .into_response();
    }
    let Some(page) = static_pages(&state).get(&file) else {
        return (StatusCode::NOT_FOUND, "no such asset\n").into_response();
    };
    let text = |h| headers.get(h).and_then(|v: &HeaderValue| v.to_str().ok());
    if text(header::IF_NONE_MATCH).is_some_and(|inm| page.matches(inm)) {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        res.headers_mut()
            .insert(header::ETAG, page.header_values.etag.clone());
        return res;
    }
    let (enc, body) = page.body(zq_cache::Encoding::negotiate(text(header::ACCEPT_ENCODING)));
    let mut res = Response::new(axum::body::Body::from(body));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        page.header_values.content_type.clone(),
    );
    h.insert(
        header::CACHE_CONTROL,
        page.header_values.cache_control.clone(),
    );
    h.insert(header::ETAG, page.header_values.etag.clone());
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Some(ce) = enc.header() {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(ce));
    }
    res
}

/// The built-in assets with their gzip and brotli forms, compressed once per process (the
/// assets are compiled in, so every renderer has the same).
fn static_pages(
    state: &AppState,
) -> &'static std::collections::HashMap<String, zq_cache::CachedPage> {
    static PAGES: std::sync::OnceLock<std::collections::HashMap<String, zq_cache::CachedPage>> =
        std::sync::OnceLock::new();
    PAGES.get_or_init(|| {
        state
            .renderer()
            .assets()
            .files()
            .map(|(name, asset)| {
                let page = zq_cache::CachedPage::new(
                    200,
                    asset.content_type,
                    "public, max-age=31536000, immutable",
                    asset.bytes.to_vec(),
                    true,
                );
                (name.to_owned(), page)
            })
            .collect()
    })
}

/// A site's theme stylesheet, `theme-rrggbb.css`: the colour and a darker shade for the
/// masthead and navigation. The name is the whole input, so the answer never changes.
fn theme_css(file: &str) -> Option<String> {
    let hex = file.strip_prefix("theme-")?.strip_suffix(".css")?;
    if hex.len() != 6
        || !hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    let (r, g, b) = (channel(0)?, channel(2)?, channel(4)?);
    let dark = |c: u8| (u16::from(c) * 3 / 4) as u8;
    Some(format!(
        ":root{{--red:#{hex};--red-dark:#{:02x}{:02x}{:02x}}}\n",
        dark(r),
        dark(g),
        dark(b)
    ))
}

#[cfg(test)]
mod theme_tests {
    use super::theme_css;

    #[test]
    fn theme_stylesheets_are_made_only_from_well_formed_colours() {
        assert_eq!(
            theme_css("theme-1a4c8b.css").unwrap(),
            ":root{--red:#1a4c8b;--red-dark:#133968}\n"
        );
        for bad in [
            "theme-1A4C8B.css",
            "theme-12345.css",
            "theme-zzzzzz.css",
            "theme-1a4c8b.js",
            "style.css",
        ] {
            assert!(theme_css(bad).is_none(), "{bad}");
        }
    }
}
