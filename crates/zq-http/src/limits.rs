//! Request-rate limits per client (the real client behind trusted proxies) and per API token,
//! in memory on each node (governor's keyed GCRA limiters): sign-in posts, whose password
//! check is deliberately slow (argon2id), and the JSON API. Public forms have theirs in
//! `site::forms`; search questions are counted by `site::search` and `api::search`; failed sign-ins also slow down by account (`zq_services::signin`). A limited
//! request is answered 429 with `Retry-After` and a message in Chinese (a page in the
//! console, JSON in the API) and counted in `zhanqun_rate_limited_total{limit}`.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::{AppState, ClientAddr};

/// The `limit` label values of `rate_limited_total`.
pub const LIMITS: [&str; 5] = ["signin", "signin_delay", "api", "forms", "search"];

/// A limit as the console names it.
pub fn limit_label(limit: &str) -> &'static str {
    match limit {
        "signin" => "登录请求频率",
        "signin_delay" => "登录失败递增等待",
        "api" => "API 请求频率",
        "forms" => "公众表单提交频率",
        "search" => "站内搜索频率",
        _ => "其他",
    }
}

/// Keys kept before forgotten ones are swept (a sweep drops keys whose quota is full again).
const SWEEP_OVER: usize = 10_000;

/// The limiters of one node.
pub struct RateLimits {
    signin: DefaultKeyedRateLimiter<IpAddr>,
    api_client: DefaultKeyedRateLimiter<IpAddr>,
    api_token: DefaultKeyedRateLimiter<[u8; 32]>,
    search: DefaultKeyedRateLimiter<IpAddr>,
}

impl RateLimits {
    /// Sign-in posts per client a minute, and API requests per client and per token a minute
    /// (bursts of as many).
    pub fn new(signin_per_minute: u32, api_per_minute: u32, search_per_minute: u32) -> RateLimits {
        let quota =
            |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        RateLimits {
            signin: RateLimiter::keyed(quota(signin_per_minute)),
            api_client: RateLimiter::keyed(quota(api_per_minute)),
            api_token: RateLimiter::keyed(quota(api_per_minute)),
            search: RateLimiter::keyed(quota(search_per_minute)),
        }
    }

    /// Counts a search question from `ip`: `Err(seconds to wait)` past its quota.
    pub fn check_search(&self, ip: IpAddr) -> Result<(), u64> {
        check(&self.search, &ip)
    }
}

/// `Err(seconds to wait)` when `key` has used up its quota.
fn check<K: Hash + Eq + Clone>(limiter: &DefaultKeyedRateLimiter<K>, key: &K) -> Result<(), u64> {
    if limiter.len() > SWEEP_OVER {
        limiter.retain_recent();
    }
    limiter.check_key(key).map_err(|not_until| {
        let clock = governor::clock::DefaultClock::default();
        let wait = not_until.wait_time_from(governor::clock::Clock::now(&clock));
        wait.as_secs().max(1)
    })
}

fn client(req: &Request) -> Option<IpAddr> {
    req.extensions().get::<ClientAddr>().map(|c| c.0.ip())
}

fn limited(state: &AppState, limit: &str, wait: u64, mut res: Response) -> Response {
    state.metrics().rate_limited(limit);
    *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait));
    res
}

/// Sign-in posts (`POST /console/login`; the layer wraps the whole console): per client.
pub(crate) async fn signin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let signing_in =
        req.method() == axum::http::Method::POST && req.uri().path() == "/console/login";
    if signing_in
        && let Some(ip) = client(&req)
        && let Err(wait) = check(&state.limits().signin, &ip)
    {
        let body = format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>请求过于频繁</title></head><body><main><h1>请求过于频繁</h1><p>登录请求过于频繁，请 {wait} 秒后再试。</p><p><a href=\"/console/login\">返回登录页</a></p></main></body></html>"
        );
        let page = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
        return limited(&state, "signin", wait, page);
    }
    next.run(req).await
}

/// API requests: per client, and per bearer token (its SHA-256: the token itself is never
/// kept).
pub(crate) async fn api(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limits = state.limits();
    let by_client = client(&req).map_or(Ok(()), |ip| check(&limits.api_client, &ip));
    let by_token = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| {
            let digest = ring::digest::digest(&ring::digest::SHA256, v.as_bytes());
            let mut key = [0u8; 32];
            key.copy_from_slice(digest.as_ref());
            key
        })
        .map_or(Ok(()), |key| check(&limits.api_token, &key));
    if let Err(wait) = by_client.and(by_token) {
        let body = serde_json::json!({
            "error": "too_many_requests",
            "message": format!("请求过于频繁，请 {wait} 秒后再试"),
            "fields": [],
        });
        return limited(&state, "api", wait, axum::Json(body).into_response());
    }
    next.run(req).await
}
