//! Outgoing HTTP(S) for the services (`zq_services::Fetch`): hyper-util's client over
//! hyper-rustls (rustls on ring, TLS 1.2 and 1.3), trusting the system's roots plus the extra
//! roots of `feeds.ca_file`; bounded in size and time, redirects not followed. Made once per
//! process on first use (loading the system's roots takes a moment).
//!
//! Feed URLs and articles' links are written by editors, so the fetcher guards the server's own
//! network (SSRF): unless `feeds.allow_private` is set, an address that is, or resolves only to,
//! a loopback, private, link-local, shared, multicast or reserved network is refused
//! ([`is_public`]). Host names are checked in the resolver the connector dials with, so a name
//! cannot pass the check and then resolve elsewhere; IP literals, which hyper-util dials
//! without resolving, are checked before the request. The origins the configuration names (the
//! availability probes' base, this node's own listener) are trusted.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::http::{Request, Uri, header};
use hyper::body::Body as _;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
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
    client: Client<HttpsConnector<HttpConnector<Resolver>>, String>,
}

impl FeedClient {
    /// Loads the system's roots (a missing or unreadable store only leaves the extra roots).
    /// `guarded`: host names resolving only to non-public addresses are refused.
    pub fn new(extra_roots: &[Certificate], guarded: bool) -> Result<FeedClient, FeedError> {
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
        let mut http = HttpConnector::new_with_resolver(Resolver {
            inner: GaiResolver::new(),
            guarded,
        });
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

/// Whether `ip` is an address of the public Internet: not loopback, unspecified, private
/// (RFC 1918, IPv6 unique-local), link-local, shared (100.64/10), benchmarking (198.18/15),
/// documentation, multicast, broadcast or reserved; IPv4-mapped and NAT64 IPv6 addresses are
/// judged by the IPv4 address they carry.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let [a, b] = s[6].to_be_bytes();
                let [c, d] = s[7].to_be_bytes();
                return is_public(IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d)));
            }
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || s[..6] == [0, 0, 0, 0, 0, 0])
        }
    }
}

/// A name that resolved only to non-public addresses (found again in the error's chain).
#[derive(Debug)]
struct PrivateName(String);

impl std::fmt::Display for PrivateName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} resolves only to non-public addresses", self.0)
    }
}

impl std::error::Error for PrivateName {}

/// The system resolver, keeping only public addresses when `guarded`.
#[derive(Clone)]
pub struct Resolver {
    inner: GaiResolver,
    guarded: bool,
}

impl tower::Service<Name> for Resolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let guarded = self.guarded;
        let host = name.as_str().to_owned();
        let lookup = self.inner.call(name);
        Box::pin(async move {
            let all: Vec<SocketAddr> = lookup.await?.collect();
            if !guarded {
                return Ok(all.into_iter());
            }
            let public: Vec<SocketAddr> = all.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    PrivateName(host),
                ));
            }
            Ok(public.into_iter())
        })
    }
}

/// The error of a failed request: [`FeedError::Private`] when the guard refused the name.
fn request_error(e: &(dyn std::error::Error + 'static)) -> FeedError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        // An `io::Error` hides the error it wraps from `source()`: look inside it.
        let inner = c
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|e| e.downcast_ref::<PrivateName>());
        if let Some(p) = inner.or_else(|| c.downcast_ref::<PrivateName>()) {
            return FeedError::Private(p.0.clone());
        }
        cause = c.source();
    }
    FeedError::Fetch(error_chain(e))
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
    fetcher: &HttpFetcher,
    url: &str,
    accept: &str,
    max: usize,
) -> Result<Vec<u8>, FeedError> {
    let uri = parse_url(url)?;
    let client = &fetcher.client_for(&uri)?.client;
    let req = Request::get(uri)
        .header(header::ACCEPT, accept)
        .header(header::USER_AGENT, "Zhanqun-feed-puller/1")
        .body(String::new())
        .map_err(|e| FeedError::BadUrl(e.to_string()))?;
    let work = async {
        let res = client.request(req).await.map_err(|e| request_error(&e))?;
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
    fetcher: &HttpFetcher,
    url: &str,
    head: bool,
    timeout: Duration,
) -> Result<zq_services::fetch::LinkAnswer, FeedError> {
    let uri = parse_url(url)?;
    let client = fetcher.client_for(&uri)?;
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
        .map_err(|e| request_error(&e))?;
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

/// The services' fetcher: [`FeedClient`]s made on first use, one guarded and one not.
pub struct HttpFetcher {
    extra_roots: Vec<Certificate>,
    /// `feeds.allow_private`: every address may be asked.
    allow_private: bool,
    /// Origins (`scheme://host:port`) asked whatever their address.
    trusted: Vec<String>,
    guarded: OnceLock<Result<FeedClient, FeedError>>,
    open: OnceLock<Result<FeedClient, FeedError>>,
}

impl HttpFetcher {
    /// A fetcher trusting the system's roots plus `extra_roots`, refusing non-public addresses.
    pub fn new(extra_roots: Vec<Certificate>) -> HttpFetcher {
        HttpFetcher {
            extra_roots,
            allow_private: false,
            trusted: Vec::new(),
            guarded: OnceLock::new(),
            open: OnceLock::new(),
        }
    }

    /// Lets every address be asked (`feeds.allow_private`: feeds on the office's own network).
    pub fn allow_private(mut self, allow: bool) -> HttpFetcher {
        self.allow_private = allow;
        self
    }

    /// Trusts the origin of `url` (the probes' base: this node's own listener).
    pub fn trust(mut self, url: &str) -> HttpFetcher {
        if let Ok(uri) = url.trim().parse::<Uri>()
            && let Some(origin) = origin(&uri)
        {
            self.trusted.push(origin);
        }
        self
    }

    /// The client for `uri`: the open one for trusted origins or with `allow_private`, else
    /// the guarded one (an IP literal is judged here: it is dialled without resolving).
    fn client_for(&self, uri: &Uri) -> Result<&FeedClient, FeedError> {
        let open = self.allow_private || origin(uri).is_some_and(|o| self.trusted.contains(&o));
        if !open {
            let host = uri.host().unwrap_or("");
            let literal = host.trim_start_matches('[').trim_end_matches(']');
            if let Ok(ip) = literal.parse::<IpAddr>()
                && !is_public(ip)
            {
                return Err(FeedError::Private(host.to_owned()));
            }
        }
        let (cell, guarded) = if open {
            (&self.open, false)
        } else {
            (&self.guarded, true)
        };
        cell.get_or_init(|| FeedClient::new(&self.extra_roots, guarded))
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// `scheme://host:port` of `uri`, the port made explicit.
fn origin(uri: &Uri) -> Option<String> {
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let port = uri
        .port_u16()
        .unwrap_or(if scheme == "https" { 443 } else { 80 });
    Some(format!(
        "{scheme}://{}:{port}",
        uri.host()?.to_ascii_lowercase()
    ))
}

impl zq_services::Fetch for HttpFetcher {
    fn check<'a>(
        &'a self,
        url: &'a str,
        head: bool,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<zq_services::fetch::LinkAnswer, FeedError>> {
        Box::pin(async move { check(self, url, head, timeout).await })
    }

    fn get<'a>(
        &'a self,
        url: &'a str,
        accept: &'static str,
        max_bytes: usize,
    ) -> BoxFuture<'a, Result<Vec<u8>, FeedError>> {
        Box::pin(async move { fetch(self, url, accept, max_bytes).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_internet_addresses_are_public() {
        let cases = [
            ("8.8.8.8", true),
            ("114.114.114.114", true),
            ("2400:3200::1", true),
            ("127.0.0.1", false),
            ("10.1.2.3", false),
            ("172.16.0.1", false),
            ("192.168.1.1", false),
            ("169.254.169.254", false),
            ("100.64.0.1", false),
            ("0.0.0.0", false),
            ("198.18.0.1", false),
            ("192.0.0.8", false),
            ("224.0.0.1", false),
            ("255.255.255.255", false),
            ("240.0.0.1", false),
            ("::1", false),
            ("::", false),
            ("fd00::1", false),
            ("fe80::1", false),
            ("ff02::1", false),
            ("2001:db8::1", false),
            ("::ffff:127.0.0.1", false),
            ("::ffff:8.8.8.8", true),
            ("64:ff9b::a00:1", false),
            ("64:ff9b::808:808", true),
        ];
        for (ip, public) in cases {
            assert_eq!(is_public(ip.parse().unwrap()), public, "{ip}");
        }
    }

    #[test]
    fn literal_private_addresses_are_refused_unless_trusted_or_allowed() {
        let uri = |u: &str| u.parse::<Uri>().unwrap();
        let f = HttpFetcher::new(Vec::new()).trust("http://127.0.0.1:8080");
        assert!(matches!(
            f.client_for(&uri("http://127.0.0.1:9464/metrics")),
            Err(FeedError::Private(_))
        ));
        assert!(matches!(
            f.client_for(&uri("http://[::1]/")),
            Err(FeedError::Private(_))
        ));
        assert!(
            f.client_for(&uri("http://127.0.0.1:8080/sites/www/"))
                .is_ok()
        );
        let open = HttpFetcher::new(Vec::new()).allow_private(true);
        assert!(open.client_for(&uri("http://10.0.0.1/feed.xml")).is_ok());
    }
}
