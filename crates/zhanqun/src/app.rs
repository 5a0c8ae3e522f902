//! Starting and stopping the platform: store, site registry, HTTP server.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use zq_http::{AppState, ConnLimits, HttpConfig};
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
        limits: ConnLimits {
            header_read_timeout: cfg.header_read_timeout,
            ..ConnLimits::default()
        },
    }
}

/// A running server.
pub struct Running {
    /// The address it listens on (useful with port 0).
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    server: JoinHandle<std::io::Result<()>>,
    refresher: JoinHandle<()>,
}

/// Starts serving on `listener` with an already opened store.
pub async fn start(
    cfg: &Config,
    store: Store,
    listener: TcpListener,
) -> Result<Running, StoreError> {
    let addr = listener
        .local_addr()
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    let http = http_config(cfg);
    let limits = http.limits.clone();
    let state = AppState::new(store, http).await?;
    let refresher = state.spawn_refresher();
    let router = zq_http::router(state.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(zq_http::serve(listener, router, limits, async {
        let _ = rx.await;
    }));
    Ok(Running {
        addr,
        state,
        shutdown: Some(tx),
        server,
        refresher,
    })
}

impl Running {
    /// Stops accepting, lets open requests finish, and waits for the server to end.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.refresher.abort();
        match (&mut self.server).await {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        }
    }

    /// Waits until the server ends by itself (it does not, short of an error).
    pub async fn wait(&mut self) -> std::io::Result<()> {
        match (&mut self.server).await {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        }
    }

    /// Asks the server to stop without waiting.
    pub fn request_stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.refresher.abort();
    }
}
