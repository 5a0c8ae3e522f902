//! The accept loop: hyper-util's HTTP/1 + HTTP/2 connection builder over a tokio listener,
//! with the limits hyper and axum do not set by themselves (header read timeout against
//! slow clients, header buffer size, the body's read deadline), the real client address
//! behind trusted proxies, and graceful shutdown. The same loop serves the TLS listener
//! (`serve_tls`): the handshake runs in the connection's task under the head's timeout, and
//! sites that are HTTPS-only are redirected from plain HTTP and get HSTS over TLS (`tls`).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};

use crate::line_endings::StrictLines;
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::AppState;
use crate::deadline::Deadline;

/// Connection-level limits.
#[derive(Debug, Clone)]
pub struct ConnLimits {
    /// A client must send its whole request head within this time (slowloris defence).
    pub header_read_timeout: Duration,
    /// Largest request head, in bytes; beyond it hyper answers 431.
    pub max_header_bytes: usize,
    /// How long shutdown waits for open connections to finish.
    pub shutdown_grace: Duration,
    /// A request's whole body must arrive within this time of its head, or it is answered
    /// 408 (slow-POST defence, every route: `deadline`).
    pub body_read_timeout: Duration,
    /// The reverse proxies whose `X-Forwarded-For` names the client (`client`).
    pub trusted_proxies: crate::client::TrustedProxies,
}

impl Default for ConnLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            max_header_bytes: 64 * 1024,
            shutdown_grace: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(60),
            trusted_proxies: crate::client::TrustedProxies::default(),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets open connections finish
/// (up to the grace period).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    serve_with(listener, router, None, None, limits, shutdown).await
}

/// Serves the platform (`crate::router(state)`) like `serve`, with cached pages answered
/// before the router (`site::cached`).
pub async fn serve_public(
    listener: TcpListener,
    state: AppState,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let router = crate::router(state.clone());
    serve_with(listener, router, Some(state), None, limits, shutdown).await
}

/// Serves the platform like `serve_public` over TLS, with the certificates of
/// `state.certificates()` chosen by SNI.
pub async fn serve_tls(
    listener: TcpListener,
    state: AppState,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let router = crate::router(state.clone());
    let config =
        crate::tls::server_config(state.certificates().clone()).map_err(std::io::Error::other)?;
    let acceptor = TlsAcceptor::from(config);
    serve_with(
        listener,
        router,
        Some(state),
        Some(acceptor),
        limits,
        shutdown,
    )
    .await
}

async fn serve_with(
    listener: TcpListener,
    router: Router,
    front: Option<AppState>,
    tls: Option<TlsAcceptor>,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes.max(8192));
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(limits.max_header_bytes).unwrap_or(u32::MAX));
    let builder = Arc::new(builder);
    let shared = Arc::new(limits.clone());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Running out of file descriptors must not end the server; wait and retry.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        // The client's address rides in each request's extensions; layering the router per
        // connection would rebuild its whole route table for every connection.
        let per_conn = router.clone();
        let front = front.clone();
        let shared = shared.clone();
        let secure = tls.is_some();
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let router = per_conn.clone();
            let front = front.clone();
            let limits = shared.clone();
            async move {
                let (mut parts, body) = req.into_parts();
                // Two Host headers: a proxy in front may have read the other one; answer
                // neither (RFC 9112 §3.2: a request with more than one Host is a 400).
                if parts
                    .headers
                    .get_all(axum::http::header::HOST)
                    .iter()
                    .nth(1)
                    .is_some()
                {
                    return Ok(two_hosts());
                }
                let client = limits.trusted_proxies.client(peer, &parts.headers);
                let https_only = front
                    .as_ref()
                    .is_some_and(|state| crate::tls::https_only(state, &parts));
                if https_only
                    && !secure
                    && let Some(state) = &front
                    && let Some(res) = crate::tls::redirect(state, &parts)
                {
                    return Ok(res);
                }
                let mut res = if let Some(state) = &front
                    && let Some(res) = crate::site::cached(state, &parts, client).await
                {
                    Ok(res)
                } else {
                    parts.extensions.insert(crate::ClientAddr(client));
                    let (body, expired) = Deadline::new(body, limits.body_read_timeout);
                    let res = router.oneshot(Request::from_parts(parts, body)).await;
                    if expired.get() {
                        return Ok(crate::deadline::timed_out());
                    }
                    res
                };
                if https_only
                    && secure
                    && let Ok(r) = &mut res
                {
                    r.headers_mut().insert(
                        axum::http::header::STRICT_TRANSPORT_SECURITY,
                        axum::http::HeaderValue::from_static(crate::tls::HSTS),
                    );
                }
                res
            }
        });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let tls = tls.clone();
        let handshake_timeout = limits.header_read_timeout;
        tokio::spawn(async move {
            let served =
                match tls {
                    None => {
                        let conn = builder.serve_connection_with_upgrades(
                            TokioIo::new(StrictLines::new(stream)),
                            service,
                        );
                        watcher.watch(conn.into_owned()).await
                    }
                    Some(acceptor) => {
                        let stream =
                            match tokio::time::timeout(handshake_timeout, acceptor.accept(stream))
                                .await
                            {
                                Ok(Ok(s)) => s,
                                Ok(Err(e)) => {
                                    tracing::debug!(%peer, error = %e, "TLS handshake failed");
                                    return;
                                }
                                Err(_) => {
                                    tracing::debug!(%peer, "TLS handshake timed out");
                                    return;
                                }
                            };
                        let conn = builder.serve_connection_with_upgrades(
                            TokioIo::new(StrictLines::new(stream)),
                            service,
                        );
                        watcher.watch(conn.into_owned()).await
                    }
                };
            if let Err(e) = served {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the shutdown grace period; closing them");
    }
    Ok(())
}

/// The answer to a request with more than one Host header.
fn two_hosts() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        axum::http::StatusCode::BAD_REQUEST,
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        "请求无效：有多个 Host 请求头\n",
    )
        .into_response()
}
