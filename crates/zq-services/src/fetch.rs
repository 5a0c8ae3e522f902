//! Outgoing HTTP(S) as the services see it: a trait, so this crate stays free of any HTTP
//! library (CI checks it reaches neither hyper nor axum). The HTTP layer implements it with
//! hyper-util over rustls (`zq_http::fetch::HttpFetcher`) and the binary hands it in.

use std::future::Future;
use std::pin::Pin;

/// A boxed future, for object-safe async traits.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a feed (or any fetched document) could not be fetched or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("the feed URL cannot be fetched: {0}")]
    BadUrl(String),
    #[error("fetching the feed failed: {0}")]
    Fetch(String),
    #[error("the feed's server answered HTTP {0}")]
    Status(u16),
    #[error("the feed is larger than {} MiB", crate::reporting::feed::MAX_FEED_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("fetching the feed took longer than {0} s")]
    Timeout(u64),
    #[error("the feed is malformed: {0}")]
    Malformed(String),
    #[error("TLS: {0}")]
    Tls(String),
    /// The address is, or resolves only to, a loopback, private, link-local or otherwise
    /// non-public network (`feeds.allow_private` is off): an editor's feed URL or an article's
    /// link must not make the server ask its own network.
    #[error("{0} is in a loopback, private or reserved network")]
    Private(String),
}

/// The answer to a link check: its status and, for a redirect, where it points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkAnswer {
    pub status: u16,
    pub location: Option<String>,
}

/// Fetches documents over HTTP and HTTPS.
pub trait Fetch: Send + Sync {
    /// Asks `url` with `HEAD` (`head`) or `GET`, within `timeout`, and returns the status and
    /// any `Location` without reading the body (the link checker). Redirects are not followed.
    fn check<'a>(
        &'a self,
        url: &'a str,
        head: bool,
        timeout: std::time::Duration,
    ) -> BoxFuture<'a, Result<LinkAnswer, FeedError>> {
        let _ = (url, head, timeout);
        Box::pin(async {
            Err(FeedError::Fetch(
                "outgoing HTTP is not available in this process".into(),
            ))
        })
    }

    /// GETs `url`, asking for `accept`: the body of a 2xx answer of at most `max_bytes`,
    /// within the fetcher's time limit; redirects are not followed.
    fn get<'a>(
        &'a self,
        url: &'a str,
        accept: &'static str,
        max_bytes: usize,
    ) -> BoxFuture<'a, Result<Vec<u8>, FeedError>>;
}

/// The fetcher of a process that fetches nothing (the CLI): every fetch fails, saying so.
pub struct NoFetch;

impl Fetch for NoFetch {
    fn get<'a>(
        &'a self,
        _url: &'a str,
        _accept: &'static str,
        _max_bytes: usize,
    ) -> BoxFuture<'a, Result<Vec<u8>, FeedError>> {
        Box::pin(async {
            Err(FeedError::Fetch(
                "outgoing HTTP is not available in this process".into(),
            ))
        })
    }
}
