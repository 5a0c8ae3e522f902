//! The public site: resolves the tenant of a request, checks its status, routes the path and
//! answers with a rendered page or an error page.

mod captcha;
mod consult;
mod extract;
pub(crate) mod forms;
mod interaction;
pub(crate) use interaction::paragraphs as interaction_paragraphs;
mod links;
mod modes;
mod pages;
pub(crate) mod preview;
pub(crate) mod search;

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use zq_cache::{CachedPage, Encoding, Outcome, PageKey, PageKeyRef};
use zq_domain::route::{SiteRoute, split_alias};
use zq_domain::{Host, PageMode, TenantId, TenantStatus};
use zq_render::view::ErrorView;

use crate::metrics::{TenantMetrics, UNKNOWN_TENANT};

use crate::registry::{Site, Snapshot};
use crate::{AppState, SiteError};
pub(crate) use links::{Links, Origin};

/// A rendered page: body and content type.
pub(crate) struct PageOut {
    pub body: String,
    pub content_type: &'static str,
}

/// Decrements the in-flight gauge however the request ends.
struct InFlight<'a>(&'a prometheus::IntGauge);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Entry point for every path that is not a health check or a static asset.
pub(crate) async fn handle(State(state): State<AppState>, req: Request) -> Response {
    let started = Instant::now();
    state.metrics().in_flight.inc();
    let _in_flight = InFlight(&state.metrics().in_flight);
    let snap = state.registry().snapshot();
    // What counting a page view needs, kept before the request is consumed (cheap clones).
    let method = req.method().clone();
    let headers = state.config().count_visits.then(|| req.headers().clone());
    let peer = req
        .extensions()
        .get::<crate::ClientAddr>()
        .map(|crate::ClientAddr(a)| *a);
    let (site_of, res) = answer(&state, &snap, req).await;
    let tenant_metrics = site_of
        .as_ref()
        .map(|(_, m)| Arc::clone(m))
        .unwrap_or_else(|| state.metrics().tenant(UNKNOWN_TENANT));
    observe(&tenant_metrics, &res, started);
    if let (Some((tenant, _)), Some(headers)) = (site_of, headers.as_ref()) {
        let page = res
            .extensions()
            .get::<crate::visits::PageView>()
            .map(|v| &*v.0);
        crate::visits::count(&state, tenant, page, &method, res.status(), headers, peer);
    }
    res
}

fn observe(tenant: &TenantMetrics, res: &Response, started: Instant) {
    let bytes = res.body().size_hint().exact().unwrap_or(0);
    tenant.observe(
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
        usize::try_from(bytes).unwrap_or(0),
    );
}

/// Answers a request from L1 before it reaches the router, when L1 holds its page: a GET or
/// HEAD of an open site, with a Host header already in normal form (or through the
/// `/sites/{code}/` alias). The page, its headers and its metrics are what `handle` gives for
/// a hit (but for the in-flight gauge: a hit never waits); this only skips what a hit does not
/// need (the router, building links, an owned cache key). Anything else, a miss included,
/// returns `None` and goes through `handle`.
pub(crate) async fn cached(
    state: &AppState,
    parts: &Parts,
    peer: std::net::SocketAddr,
) -> Option<Response> {
    let cache = state.cache();
    if !cache.enabled() || !(parts.method == Method::GET || parts.method == Method::HEAD) {
        return None;
    }
    let started = Instant::now();
    let raw_host = match parts.headers.get(header::HOST) {
        Some(v) => v.to_str().ok()?,
        None => parts.uri.authority()?.as_str(),
    };
    let (name, port_suffix) = Host::normal_parts(raw_host)?;
    let path = parts.uri.path();
    let console = state.config().console_host.as_ref();
    let now = state.services().now();
    let (site, alias, rest, shown, known) = {
        let snap = state.registry().peek();
        let (site, alias, rest) = match split_alias(path) {
            Some((code, rest)) if !rest.is_empty() => (snap.by_code(code)?, true, rest),
            Some(_) => return None,
            None if console.is_some_and(|c| c.as_str() == name) => return None,
            None => (snap.by_host_name(name)?, false, path),
        };
        let shown = snap.broadcasts_for(site.tenant.id, now).tag();
        let known = !alias
            || snap.by_host_name(name).is_some()
            || console.is_some_and(|c| c.as_str() == name);
        (Arc::clone(site), alias, rest, shown, known)
    };
    if site.tenant.status != TenantStatus::Active {
        return None;
    }
    let (mode, rest) = PageMode::split(rest);
    if rest.is_empty() {
        return None;
    }
    let variant = links::variant(
        links::alias_authority(known, &site, name),
        alias,
        port_suffix,
        &state.config().public_scheme,
        mode,
        &shown,
    );
    let key = PageKeyRef {
        tenant: site.tenant.id.0,
        generation: site.generation(),
        path: rest,
        variant: &variant,
    };
    let page = cache.get_l1(&key).await?;
    site.metrics.cache(Outcome::L1Hit, cache.has_l2());
    let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let res = page_response(
        &page,
        Outcome::L1Hit,
        header(header::IF_NONE_MATCH),
        header(header::ACCEPT_ENCODING),
    );
    observe(&site.metrics, &res, started);
    crate::visits::count(
        state,
        site.tenant.id,
        Some(rest),
        &parts.method,
        res.status(),
        &parts.headers,
        Some(peer),
    );
    Some(res)
}

async fn answer(
    state: &AppState,
    snap: &Snapshot,
    req: Request,
) -> (Option<(TenantId, Arc<TenantMetrics>)>, Response) {
    let raw_host = request_host(req.headers(), req.uri());
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let if_none_match = header_str(req.headers(), header::IF_NONE_MATCH);
    let accept = header_str(req.headers(), header::ACCEPT_ENCODING);
    drop(req);

    // On the console's host every path leads to the console, except the `/sites/{code}/`
    // alias (the editor's previews load pictures through it).
    if let (Some(console), Some(raw)) = (&state.config().console_host, raw_host.as_deref())
        && !path.starts_with("/sites/")
        && Host::parse(raw).is_ok_and(|h| h == *console)
    {
        return (None, redirect(&format!("{}/", crate::console::BASE)));
    }
    let resolved = resolve(
        snap,
        &state.config().public_scheme,
        state.config().console_host.as_ref(),
        raw_host.as_deref(),
        &path,
    );
    let (site, links, rest) = match resolved {
        Ok(r) => r,
        Err(e) => {
            let (err, links) = *e;
            return (None, error_response(state, snap, None, &links, &err));
        }
    };
    // The broadcasts shown are decided once, for the cache key and the page alike.
    let links = links.showing(&snap.broadcasts_for(site.tenant.id, state.services().now()));
    let metrics = Some((site.tenant.id, site.metrics.clone()));
    let fail = |err: &SiteError| {
        (
            metrics.clone(),
            error_response(state, snap, Some(&site), &links, err),
        )
    };
    if method != Method::GET && method != Method::HEAD {
        return fail(&SiteError::MethodNotAllowed);
    }
    match site.tenant.status {
        TenantStatus::Active => {}
        TenantStatus::Suspended => return fail(&SiteError::Suspended),
        TenantStatus::Archived => return fail(&SiteError::Gone),
        // Not public until the office puts it online.
        TenantStatus::Preparing => return fail(&SiteError::NotFound),
    }
    let Some(rest) = rest else {
        return (metrics.clone(), redirect(&links.url("/")));
    };
    if let Some(file) = rest.strip_prefix("/files/") {
        let res = serve_file(state, &site, file, if_none_match.as_deref()).await;
        return (
            metrics.clone(),
            res.unwrap_or_else(|e| {
                if matches!(e, SiteError::Unavailable(_)) {
                    state.metrics().db_errors.inc();
                }
                error_response(state, snap, Some(&site), &links, &e)
            }),
        );
    }
    let route = match SiteRoute::parse(&rest) {
        Ok(SiteRoute::Redirect(to)) => return (metrics.clone(), redirect(&links.url(&to))),
        Ok(SiteRoute::Favicon) => return (metrics.clone(), favicon(state, &site, &links)),
        Ok(route) => route,
        Err(e) => return fail(&SiteError::from(e)),
    };
    let view_path: Arc<str> = Arc::from(rest.as_str());
    // The directory shows every site: its key carries the registry's tag of them.
    let key_path: Arc<str> = match route {
        SiteRoute::Directory => Arc::from(format!("{rest}#{:x}", snap.directory_tag()).as_str()),
        _ => Arc::clone(&view_path),
    };
    let key = PageKey {
        tenant: site.tenant.id.0,
        generation: site.generation(),
        path: key_path,
        variant: Arc::from(links.variant().as_str()),
    };
    let cache = state.cache();
    let result = cache
        .get_or_render(
            key,
            || async {
                let timer = site.metrics.render.start_timer();
                let render = pages::render(state, snap, &site, &links, route);
                let out = tokio::time::timeout(state.config().request_timeout, render)
                    .await
                    .map_err(|_| SiteError::Unavailable("rendering the page timed out".into()))??;
                let out = PageOut {
                    body: modes::finish(state, links.mode(), out.content_type, out.body),
                    content_type: out.content_type,
                };
                let page = cached_page(out, cache.enabled());
                timer.observe_duration();
                Ok(page)
            },
            |e: &SiteError| matches!(e, SiteError::Unavailable(_)),
        )
        .await;
    match result {
        Ok((page, outcome)) => {
            site.metrics.cache(outcome, cache.has_l2());
            let mut res =
                page_response(&page, outcome, if_none_match.as_deref(), accept.as_deref());
            res.extensions_mut()
                .insert(crate::visits::PageView(view_path));
            (metrics, res)
        }
        Err(err) => {
            if matches!(*err, SiteError::Unavailable(_)) {
                state.metrics().db_errors.inc();
            }
            fail(&err)
        }
    }
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// How long browsers and proxies may keep a page: HTML revalidates every time (cheap with the
/// ETag, and invalidation stays instant); feeds and site maps for five minutes.
fn cache_control(content_type: &str) -> &'static str {
    if content_type.starts_with("text/html") {
        "public, no-cache"
    } else {
        "public, max-age=300"
    }
}

fn cached_page(out: PageOut, compress: bool) -> CachedPage {
    CachedPage::new(
        200,
        out.content_type,
        cache_control(out.content_type),
        out.body.into_bytes(),
        compress,
    )
}

/// The Host header (HTTP/1) or the URI authority (HTTP/2), as sent.
fn request_host(headers: &HeaderMap, uri: &axum::http::Uri) -> Option<String> {
    match headers.get(header::HOST) {
        Some(v) => Some(
            v.to_str()
                .map(str::to_owned)
                .unwrap_or_else(|_| "\u{fffd}".into()),
        ),
        None => uri.authority().map(|a| a.as_str().to_owned()),
    }
}

type Resolved = (Arc<Site>, Links, Option<String>);

/// Host header and path → the tenant, how its links are formed, and the path within the site
/// (`None` for a bare `/sites/{code}`, which redirects to its slash form).
fn resolve(
    snap: &Snapshot,
    scheme: &str,
    console: Option<&Host>,
    raw_host: Option<&str>,
    path: &str,
) -> Result<Resolved, Box<(SiteError, Links)>> {
    let alias = split_alias(path);
    let bare = Origin {
        scheme: scheme.to_owned(),
        ..Origin::default()
    };
    let Some(raw_host) = raw_host else {
        let links = Links::unknown(snap, bare, alias.is_some());
        return Err(Box::new((
            SiteError::BadRequest("missing Host header".into()),
            links,
        )));
    };
    let host = match Host::parse(raw_host) {
        Ok(h) => h,
        Err(e) => {
            return Err(Box::new((
                SiteError::BadRequest(e.to_string()),
                Links::unknown(snap, bare, alias.is_some()),
            )));
        }
    };
    let raw = raw_host.trim();
    let port_suffix = match raw.rsplit_once(':') {
        Some((_, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => format!(":{p}"),
        _ => String::new(),
    };
    // The host as the cluster knows it (no trailing dot, lower case), so every spelling of a
    // host shares its cached pages and names the same host in them.
    let authority = format!("{}{port_suffix}", host.as_str());
    let origin = Origin {
        scheme: scheme.to_owned(),
        authority,
        port_suffix,
    };
    if let Some((code, rest)) = alias {
        let Some(site) = snap.by_code(code).cloned() else {
            return Err(Box::new((
                SiteError::NotFound,
                Links::unknown(snap, origin, true),
            )));
        };
        let (mode, rest) = PageMode::split(rest);
        let requested = origin
            .authority
            .strip_suffix(origin.port_suffix.as_str())
            .unwrap_or(&origin.authority);
        let known = snap.by_host_name(requested).is_some()
            || console.is_some_and(|c| c.as_str() == requested);
        let named = links::alias_authority(known, &site, requested);
        let authority = format!("{named}{}", origin.port_suffix);
        let origin = Origin {
            authority,
            ..origin
        };
        let links = Links::alias(snap, &site, origin, mode).at(rest);
        let rest = (!rest.is_empty()).then(|| rest.to_owned());
        return Ok((site, links, rest));
    }
    let (mode, rest) = PageMode::split(path);
    match snap.by_host(&host) {
        Some(site) => Ok((
            site.clone(),
            Links::host(snap, origin, mode).at(rest),
            (!rest.is_empty()).then(|| rest.to_owned()),
        )),
        None => Err(Box::new((
            SiteError::NotFound,
            Links::unknown(snap, origin, false),
        ))),
    }
}

fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(v) => {
            let mut res = (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, v)]).into_response();
            crate::set_security_headers(res.headers_mut());
            res
        }
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// `/favicon.ico`: a temporary redirect to the site's logo, else to the cluster's emblem (the
/// pages name the same icon in `<link rel="icon">`).
fn favicon(state: &AppState, site: &Site, links: &Links) -> Response {
    let to = match &site.tenant.logo {
        Some(l) if l.starts_with("/files/") => links.url(l),
        Some(l) => l.clone(),
        None => state.renderer().assets().url("logo.svg"),
    };
    match HeaderValue::from_str(&to) {
        Ok(v) => {
            let mut res = (
                StatusCode::FOUND,
                [
                    (header::LOCATION, v),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("public, max-age=3600"),
                    ),
                ],
            )
                .into_response();
            crate::set_security_headers(res.headers_mut());
            res
        }
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The header saying how the page cache answered (a constant: parsed once, not per response).
const X_CACHE: axum::http::HeaderName = axum::http::HeaderName::from_static("x-cache");

fn page_response(
    page: &CachedPage,
    outcome: Outcome,
    if_none_match: Option<&str>,
    accept: Option<&str>,
) -> Response {
    let not_modified = if_none_match.is_some_and(|inm| page.matches(inm));
    let (enc, body) = if not_modified {
        (Encoding::Identity, Bytes::new())
    } else {
        page.body(Encoding::negotiate(accept))
    };
    let status = if not_modified {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK)
    };
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.reserve(12);
    let v = &page.header_values;
    h.insert(header::CONTENT_TYPE, v.content_type.clone());
    h.insert(header::CACHE_CONTROL, v.cache_control.clone());
    h.insert(header::ETAG, v.etag.clone());
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Some(ce) = enc.header() {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(ce));
    }
    h.insert(X_CACHE, HeaderValue::from_static(outcome.as_str()));
    crate::set_security_headers(h);
    res
}

/// Renders the error page for `err`, inside the site's chrome when the site is known and open.
fn error_response(
    state: &AppState,
    snap: &Snapshot,
    site: Option<&Arc<Site>>,
    links: &Links,
    err: &SiteError,
) -> Response {
    let status = err.status();
    if status.is_server_error() && !matches!(err, SiteError::Suspended) {
        tracing::error!(error = %err, "request failed");
    }
    let (heading, message) = err.texts();
    let open_site = site.filter(|s| s.tenant.status == TenantStatus::Active);
    // An error page is made now: that is its 更新日期.
    let now = Some(state.services().now());
    let chrome =
        open_site.map(|s| pages::chrome(snap, s, links, heading.to_owned(), Vec::new(), now));
    let (home_url, home_name) = match open_site {
        Some(s) => (links.url("/"), s.tenant.name.clone()),
        None => (links.portal_url(), links.portal_name()),
    };
    let message = match site {
        Some(s) if open_site.is_none() => format!("{}：{}", s.tenant.name, message),
        _ => message.to_owned(),
    };
    let view = ErrorView {
        chrome,
        status: status.as_u16(),
        heading: heading.to_owned(),
        message,
        home_url,
        home_name,
    };
    let body = match state.renderer().error_page(&view) {
        Ok(page) => modes::finish(state, links.mode(), "text/html", page),
        Err(e) => {
            tracing::error!(error = %e, "rendering the error page failed");
            format!("{} {}\n", status.as_u16(), heading)
        }
    };
    let mut res = (status, Body::from(body)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    crate::set_security_headers(h);
    if let Some(secs) = err.retry_after() {
        h.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    if matches!(err, SiteError::MethodNotAllowed) {
        h.insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    }
    res
}

/// An attachment of the site: `/files/{sha256}/{name}`. Content-addressed, so cached for a
/// year; only the site's own attachments are reachable under its host.
async fn serve_file(
    state: &AppState,
    site: &Site,
    file: &str,
    if_none_match: Option<&str>,
) -> Result<Response, SiteError> {
    let (sha, name) = file.split_once('/').ok_or(SiteError::NotFound)?;
    let name = percent_encoding::percent_decode_str(name)
        .decode_utf8()
        .map_err(|_| SiteError::NotFound)?;
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) || name.contains('/') {
        return Err(SiteError::NotFound);
    }
    let etag = format!("\"{sha}\"");
    let unavailable = |e: zq_store::StoreError| match e {
        e if e.is_unavailable() => SiteError::Unavailable(e.to_string()),
        _ => SiteError::NotFound,
    };
    if if_none_match.is_some_and(|v| v.split(',').any(|t| t.trim() == etag)) {
        // Only for a file this site has: a 304 must not vouch for any hash asked.
        state
            .store()
            .attachment_meta(site.tenant.id, sha, &name)
            .await
            .map_err(unavailable)?
            .ok_or(SiteError::NotFound)?;
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        res.headers_mut().insert(
            header::ETAG,
            HeaderValue::from_str(&etag).map_err(|_| SiteError::NotFound)?,
        );
        return Ok(res);
    }
    let (a, bytes) = state
        .store()
        .attachment_file(site.tenant.id, sha, &name)
        .await
        .map_err(unavailable)?
        .ok_or(SiteError::NotFound)?;
    let inline = a.is_image || a.content_type == "application/pdf";
    let mut res = crate::file_response(bytes, &a.content_type, &a.file_name, inline)
        .ok_or(SiteError::NotFound)?;
    let h = res.headers_mut();
    let value = |s: &str| HeaderValue::from_str(s).map_err(|_| SiteError::NotFound);
    h.insert(header::ETAG, value(&etag)?);
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(res)
}
