//! The TLS listener's certificates and settings (issue 15). `Certificates` is the rustls
//! certificate resolver: on each handshake it picks by SNI the certificate covering the
//! server name (exact before wildcard, `zq_domain::tls::choose`) from a table swapped in
//! atomically; the table is rebuilt from the database and the certificate directory every
//! time the site registry is (a certificate change is a sites change, so every node re-reads
//! it within a second through the events and the bus, and at the periodic refresh anyway).
//! `server_config` fixes what the listener speaks: TLS 1.2 and 1.3 only, ALPN h2 and
//! http/1.1, session resumption by ticket and by session cache.

use std::path::PathBuf;
use std::sync::Arc;

use arc_swap::ArcSwap;
use chrono::{DateTime, Utc};
use rustls::ServerConfig;
use rustls::server::{ClientHello, ResolvesServerCert, ServerSessionMemoryCache};
use rustls::sign::CertifiedKey;
use zq_domain::tls::{Candidate, choose};
use zq_store::{NewCertificate, Store, StoreError};

/// Where the TLS listener's settings come from (`tls.*`).
#[derive(Debug, Clone, Default)]
pub struct TlsSettings {
    /// A directory of `NAME.crt` + `NAME.key` files the operators manage (`tls.dir`).
    pub dir: Option<PathBuf>,
    /// The HTTPS port visitors reach (the redirect's target): the listener's own port unless
    /// `tls.public_port` says otherwise (a load balancer in front).
    pub public_port: u16,
}

/// Where a certificate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Uploaded by the office (console or API).
    Stored,
    /// A file in the certificate directory.
    File,
}

/// One servable certificate.
#[derive(Debug, Clone)]
pub struct Entry {
    pub cert: NewCertificate,
    pub source: Source,
    key: Arc<CertifiedKey>,
}

impl Candidate for Entry {
    fn names(&self) -> &[String] {
        &self.cert.names
    }

    fn not_after(&self) -> DateTime<Utc> {
        self.cert.not_after
    }
}

/// The certificates every TLS handshake chooses from.
#[derive(Debug, Default)]
pub struct Certificates {
    table: ArcSwap<Vec<Entry>>,
    /// Why a file of the certificate directory was left out, from the last reload.
    problems: ArcSwap<Vec<String>>,
}

impl Certificates {
    /// The certificates being served now.
    pub fn entries(&self) -> Arc<Vec<Entry>> {
        self.table.load_full()
    }

    /// The files of the certificate directory that were left out, and why.
    pub fn problems(&self) -> Arc<Vec<String>> {
        self.problems.load_full()
    }

    /// The certificates read from files, for the HTTPS-only check.
    pub fn from_files(&self) -> Vec<NewCertificate> {
        self.entries()
            .iter()
            .filter(|e| e.source == Source::File)
            .map(|e| e.cert.clone())
            .collect()
    }

    /// Re-reads the stored certificates and the directory's files and swaps them in. A
    /// certificate that fails to load is left out and logged; the others are served.
    pub async fn reload(
        &self,
        store: &Store,
        dir: Option<&std::path::Path>,
    ) -> Result<usize, StoreError> {
        let now = store.clock().now();
        let mut table = Vec::new();
        let mut problems = Vec::new();
        let stored = store.certificates().await?;
        let files = match dir {
            Some(d) => {
                let d = d.to_owned();
                tokio::task::spawn_blocking(move || zq_services::tls::from_dir(&d, now))
                    .await
                    .unwrap_or_default()
            }
            None => Default::default(),
        };
        let both = stored
            .into_iter()
            .map(|s| (s.cert, Source::Stored))
            .chain(files.0.into_iter().map(|c| (c, Source::File)));
        // The registry reloads every few seconds: keep the keys already loaded.
        let previous = self.table.load_full();
        for (cert, source) in both {
            if let Some(e) = previous.iter().find(|e| {
                e.source == source
                    && e.cert.name == cert.name
                    && e.cert.fingerprint == cert.fingerprint
                    && e.cert.key_pem == cert.key_pem
            }) {
                table.push(Entry {
                    cert,
                    source,
                    key: e.key.clone(),
                });
                continue;
            }
            match zq_services::tls::certified_key(&cert) {
                Ok(key) => table.push(Entry { cert, source, key }),
                Err(e) => {
                    tracing::error!(certificate = %cert.name, error = %e, "a certificate could not be loaded; it is not served");
                    problems.push(format!("{}: {e}", cert.name));
                }
            }
        }
        for p in &files.1 {
            tracing::warn!(problem = %p, "a file of the certificate directory was left out");
        }
        problems.extend(files.1);
        let n = table.len();
        self.table.store(Arc::new(table));
        self.problems.store(Arc::new(problems));
        Ok(n)
    }

    /// The certificate answering `name` now.
    pub fn for_name(&self, name: &str) -> Option<Arc<CertifiedKey>> {
        let table = self.table.load();
        choose(table.as_slice(), name, Utc::now()).map(|e| e.key.clone())
    }
}

impl ResolvesServerCert for Certificates {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        // Without SNI (an address typed in) there is no name to choose by: no certificate,
        // so the handshake fails rather than showing one site's certificate for another.
        self.for_name(hello.server_name()?)
    }
}

/// The listener's rustls configuration over `certs`.
pub fn server_config(certs: Arc<Certificates>) -> Result<Arc<ServerConfig>, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_no_client_auth()
        .with_cert_resolver(certs);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    // Resumption: stateless tickets (TLS 1.2 and 1.3) and a session cache for clients that
    // do not take tickets. Tickets are per node; a client sent to another node does a full
    // handshake.
    match rustls::crypto::ring::Ticketer::new() {
        Ok(t) => config.ticketer = t,
        Err(e) => {
            tracing::warn!(error = %e, "no session tickets; resumption by session cache only")
        }
    }
    config.session_storage = ServerSessionMemoryCache::new(8192);
    Ok(Arc::new(config))
}

/// The `Strict-Transport-Security` value sent for HTTPS-only sites: one year, as the HSTS
/// preload list asks; subdomains are not included (a department's subdomain may not be
/// HTTPS yet).
pub const HSTS: &str = "max-age=31536000";

/// The request's host name, lowercase, without its port.
fn host_name(parts: &axum::http::request::Parts) -> Option<String> {
    let raw = match parts.headers.get(axum::http::header::HOST) {
        Some(v) => v.to_str().ok()?,
        None => parts.uri.authority()?.as_str(),
    };
    let name = match raw.rsplit_once(':') {
        Some((n, port)) if !n.contains(']') || n.ends_with(']') => {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                n
            } else {
                raw
            }
        }
        _ => raw,
    };
    Some(name.to_ascii_lowercase())
}

/// Whether the request's host is a site that is HTTPS-only, where a TLS listener runs.
pub(crate) fn https_only(state: &crate::AppState, parts: &axum::http::request::Parts) -> bool {
    if state.config().tls.is_none() {
        return false;
    }
    let Some(name) = host_name(parts) else {
        return false;
    };
    state
        .registry()
        .peek()
        .by_host_name(&name)
        .is_some_and(|s| s.tenant.https_only)
}

/// The permanent redirect of a plain-HTTP request to the same URL over HTTPS (308 keeps the
/// method and body of a form post). Health checks stay on plain HTTP for load balancers.
pub(crate) fn redirect(
    state: &crate::AppState,
    parts: &axum::http::request::Parts,
) -> Option<axum::response::Response> {
    use axum::response::IntoResponse;
    let path = parts.uri.path();
    if path == "/healthz" || path == "/readyz" {
        return None;
    }
    let settings = state.config().tls.as_ref()?;
    let name = host_name(parts)?;
    let port = match settings.public_port {
        443 => String::new(),
        p => format!(":{p}"),
    };
    let target = format!(
        "https://{name}{port}{}",
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let location = axum::http::HeaderValue::from_str(&target).ok()?;
    Some(
        (
            axum::http::StatusCode::PERMANENT_REDIRECT,
            [
                (axum::http::header::LOCATION, location),
                (
                    axum::http::header::CONTENT_TYPE,
                    axum::http::HeaderValue::from_static("text/plain; charset=utf-8"),
                ),
            ],
            "本网站仅限 HTTPS 访问，正在转到加密连接。\n",
        )
            .into_response(),
    )
}
