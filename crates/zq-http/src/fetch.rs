//! Outgoing HTTP(S) for the services (`zq_services::Fetch`): hyper-util's client over
//! hyper-rustls (rustls on ring, TLS 1.2 and 1.3), trusting the system's roots plus the extra
//! roots of `feeds.ca_file`; bounded in size and time, redirects not followed. Made once per
//! process on first use (loading the system's roots takes a moment).

use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::http::{Request, Uri, header};
use hyper::body::Body as _;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls_pki_types::pem::PemObject as _;
use zq_services::FeedError;
use zq_services::fetch::BoxFuture;

/// Longest a fetch may take, from connecting to the last byte.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// A trusted root certificate (DER).
pub type Certificate = rustls_pki_types::CertificateDer<'static>;

/// Reads the certificates of a PEM file (one or more `BEGIN CERTIFICATE` blocks): the extra
/// roots trusted for `https://` feeds (`feeds.ca_file`).
pub fn load_ca_file(path: &Path) -> Result<Vec<Certificate>, FeedError> {
    let certs = Certificate::pem_file_iter(path)
        .map_err(|e| FeedError::Tls(format!("{}: {e}", path.display())))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| FeedError::Tls(format!("{}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(FeedError::Tls(format!(
            "{}: no PEM certificate (-----BEGIN CERTIFICATE-----) in the file",
            path.display()
        )));
    }
    let mut roots = rustls::RootCertStore::empty();
    let (_, unusable) = roots.add_parsable_certificates(certs.iter().cloned());
    if unusable > 0 {
        return Err(FeedError::Tls(format!(
            "{}: {unusable} certificate(s) cannot be used as a trusted root",
            path.display()
        )));
    }
    Ok(certs)
}

/// The client the puller fetches with: HTTP and HTTPS (rustls on ring, TLS 1.2 and 1.3), the
/// system's trusted roots plus the configured extra ones.
pub struct FeedClient {
    client: Client<HttpsConnector<HttpConnector>, String>,
}

impl FeedClient {
    /// Loads the system's roots (a missing or unreadable store only leaves the extra roots).
    pub fn new(extra_roots: &[Certificate]) -> Result<FeedClient, FeedError> {
        let mut roots = rustls::RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        if !native.errors.is_empty() {
            tracing::debug!(errors = ?native.errors, "some system root certificates could not be read");
        }
        roots.add_parsable_certificates(native.certs);
        roots.add_parsable_certificates(extra_roots.iter().cloned());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| FeedError::Tls(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(Duration::from_secs(10)));
        http.enforce_http(false);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(FeedClient {
            client: Client::builder(TokioExecutor::new()).build(connector),
        })
    }
}

/// Parses `url` as something the fetcher can fetch: `http(s)://host[:port]/…`.
fn parse_url(url: &str) -> Result<Uri, FeedError> {
    zq_services::reporting::feed::check_url(url)?;
    url.trim()
        .parse()
        .map_err(|e| FeedError::BadUrl(format!("{e}")))
}

/// Fetches a document's bytes: 2xx only, at most `max`, within [`FETCH_TIMEOUT`].
async fn fetch(
    client: &FeedClient,
    url: &str,
    accept: &str,
    max: usize,
) -> Result<Vec<u8>, FeedError> {
    let uri = parse_url(url)?;
    let client = &client.client;
    let req = Request::get(uri)
        .header(header::ACCEPT, accept)
        .header(header::USER_AGENT, "Zhanqun-feed-puller/1")
        .body(String::new())
        .map_err(|e| FeedError::BadUrl(e.to_string()))?;
    let work = async {
        let res = client
            .request(req)
            .await
            .map_err(|e| FeedError::Fetch(error_chain(&e)))?;
        let status = res.status();
        if !status.is_success() {
            return Err(FeedError::Status(status.as_u16()));
        }
        let declared = res
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > max as u64) {
            return Err(FeedError::TooLarge);
        }
        let mut body = res.into_body();
        let mut out = Vec::new();
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            let frame = frame.map_err(|e| FeedError::Fetch(error_chain(&e)))?;
            if let Ok(data) = frame.into_data() {
                if out.len() + data.len() > max {
                    return Err(FeedError::TooLarge);
                }
                out.extend_from_slice(&data);
            }
        }
        Ok(out)
    };
    tokio::time::timeout(FETCH_TIMEOUT, work)
        .await
        .map_err(|_| FeedError::Timeout(FETCH_TIMEOUT.as_secs()))?
}

/// Asks `url` with HEAD or GET and returns the status and `Location`, the body unread.
async fn check(
    client: &FeedClient,
    url: &str,
    head: bool,
    timeout: Duration,
) -> Result<zq_services::fetch::LinkAnswer, FeedError> {
    let uri = parse_url(url)?;
    let req = Request::builder()
        .method(if head {
            axum::http::Method::HEAD
        } else {
            axum::http::Method::GET
        })
        .uri(uri)
        .header(header::ACCEPT, "text/html,*/*;q=0.8")
        .header(header::USER_AGENT, "Zhanqun-link-checker/1")
        .body(String::new())
        .map_err(|e| FeedError::BadUrl(e.to_string()))?;
    let res = tokio::time::timeout(timeout, client.client.request(req))
        .await
        .map_err(|_| FeedError::Timeout(timeout.as_secs()))?
        .map_err(|e| FeedError::Fetch(error_chain(&e)))?;
    Ok(zq_services::fetch::LinkAnswer {
        status: res.status().as_u16(),
        location: res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    })
}

/// An error and its causes, on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cause = c.source();
    }
    s
}

/// The services' fetcher: a [`FeedClient`] made on first use.
pub struct HttpFetcher {
    extra_roots: Vec<Certificate>,
    client: OnceLock<Result<FeedClient, FeedError>>,
}

impl HttpFetcher {
    /// A fetcher trusting the system's roots plus `extra_roots`.
    pub fn new(extra_roots: Vec<Certificate>) -> HttpFetcher {
        HttpFetcher {
            extra_roots,
            client: OnceLock::new(),
        }
    }
}

impl HttpFetcher {
    fn client(&self) -> Result<&FeedClient, FeedError> {
        self.client
            .get_or_init(|| FeedClient::new(&self.extra_roots))
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl zq_services::Fetch for HttpFetcher {
    fn check<'a>(
        &'a self,
        url: &'a str,
        head: bool,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<zq_services::fetch::LinkAnswer, FeedError>> {
        Box::pin(async move { check(self.client()?, url, head, timeout).await })
    }

    fn get<'a>(
        &'a self,
        url: &'a str,
        accept: &'static str,
        max_bytes: usize,
    ) -> BoxFuture<'a, Result<Vec<u8>, FeedError>> {
        Box::pin(async move { fetch(self.client()?, url, accept, max_bytes).await })
    }
}
