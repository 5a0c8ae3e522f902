//! Counting public page views on the request path (`visits.enabled`), for the visit statistics
//! (`zq_services::visits`): a GET of a site's HTML page answered 200 or 304, not from a robot,
//! counted with the client's address and user agent (hashed with the day's salt, never kept)
//! and the referring host. Both the L1 fast path (`site::cached`) and the router's site handler
//! call [`count`]; it costs a lock and a few hash-map updates. Every other response of a site
//! (files, feeds, error pages, robots) is counted as served, with whether it was a server
//! error, for the served 5xx rate of the availability indicator.

use std::net::{IpAddr, SocketAddr};

use axum::http::{HeaderMap, Method, StatusCode, header};
use zq_domain::TenantId;
use zq_domain::visits::{is_page, is_robot, referrer_host};

use crate::AppState;

/// A page of a site was answered (set on the response by the site handler, read by `handle`).
#[derive(Debug, Clone)]
pub(crate) struct PageView(pub std::sync::Arc<str>);

/// Counts a response of `tenant`: a page view of `page` (the site's path of a page
/// answered), if it is one, else only a response served (for the served 5xx rate).
pub(crate) fn count(
    state: &AppState,
    tenant: TenantId,
    page: Option<&str>,
    method: &Method,
    status: StatusCode,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
) {
    if !state.config().count_visits {
        return;
    }
    let svc = state.services();
    let path = match page {
        Some(path)
            if method == Method::GET
                && (status == StatusCode::OK || status == StatusCode::NOT_MODIFIED)
                && is_page(path) =>
        {
            path
        }
        _ => {
            svc.visits()
                .served(tenant, status.is_server_error(), svc.now());
            return;
        }
    };
    // UTF-8, not only visible ASCII: some agents name themselves in other scripts.
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
    };
    let ua = text(header::USER_AGENT).unwrap_or("");
    if is_robot(ua) {
        svc.visits().served(tenant, false, svc.now());
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
    svc.visits()
        .count(tenant, path, address, ua, referrer, svc.now());
}
