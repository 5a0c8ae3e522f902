//! Counting public page views on the request path (`visits.enabled`), for the visit statistics
//! (`zq_services::visits`): a GET of a site's HTML page answered 200 or 304, not from a robot,
//! counted with the client's address and user agent (hashed with the day's salt, never kept)
//! and the referring host. Both the L1 fast path (`site::cached`) and the router's site handler
//! call [`count`]; it costs a lock and a few hash-map updates.

use std::net::{IpAddr, SocketAddr};

use axum::http::{HeaderMap, Method, StatusCode, header};
use zq_domain::TenantId;
use zq_domain::visits::{is_page, is_robot, referrer_host};

use crate::AppState;

/// A page of a site was answered (set on the response by the site handler, read by `handle`).
#[derive(Debug, Clone)]
pub(crate) struct PageView(pub TenantId, pub std::sync::Arc<str>);

/// Counts a page view of `tenant`'s `path`, if it is one.
pub(crate) fn count(
    state: &AppState,
    tenant: TenantId,
    path: &str,
    method: &Method,
    status: StatusCode,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
) {
    if !state.config().count_visits
        || method != Method::GET
        || !(status == StatusCode::OK || status == StatusCode::NOT_MODIFIED)
        || !is_page(path)
    {
        return;
    }
    // UTF-8, not only visible ASCII: some agents name themselves in other scripts.
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
    };
    let ua = text(header::USER_AGENT).unwrap_or("");
    if is_robot(ua) {
        return;
    }
    let referrer = referrer_host(text(header::REFERER), text(header::HOST).unwrap_or(""));
    let (v4, v6);
    let address: &[u8] = match peer.map(|p| p.ip()) {
        Some(IpAddr::V4(ip)) => {
            v4 = ip.octets();
            &v4
        }
        Some(IpAddr::V6(ip)) => {
            v6 = ip.octets();
            &v6
        }
        None => &[],
    };
    let svc = state.services();
    svc.visits()
        .count(tenant, path, address, ua, referrer, svc.now());
}
