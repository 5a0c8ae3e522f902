//! The public site: resolves the tenant of a request, checks its status, routes the path and
//! answers with a rendered page or an error page.

mod links;
mod pages;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use zq_domain::route::{SiteRoute, split_alias};
use zq_domain::{Host, TenantStatus};
use zq_render::view::ErrorView;

use crate::registry::{Site, Snapshot};
use crate::{AppState, SiteError};
pub(crate) use links::{Links, Origin};

/// A rendered page: body, content type and how long it may be cached.
pub(crate) struct PageOut {
    pub body: String,
    pub content_type: &'static str,
}

/// Entry point for every path that is not a health check or a static asset.
pub(crate) async fn handle(State(state): State<AppState>, req: Request) -> Response {
    let snap = state.registry().snapshot();
    let raw_host = request_host(req.headers(), req.uri());
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    drop(req);

    let resolved = resolve(
        &snap,
        &state.config().public_scheme,
        raw_host.as_deref(),
        &path,
    );
    let (site, links, rest) = match resolved {
        Ok(r) => r,
        Err(e) => {
            let (err, links) = *e;
            return error_response(&state, &snap, None, &links, err);
        }
    };
    if method != Method::GET && method != Method::HEAD {
        return error_response(
            &state,
            &snap,
            Some(&site),
            &links,
            SiteError::MethodNotAllowed,
        );
    }
    match site.tenant.status {
        TenantStatus::Active => {}
        TenantStatus::Suspended => {
            return error_response(&state, &snap, Some(&site), &links, SiteError::Suspended);
        }
        TenantStatus::Archived => {
            return error_response(&state, &snap, Some(&site), &links, SiteError::Gone);
        }
    }
    let route = match rest {
        None => Ok(SiteRoute::Redirect("/".into())),
        Some(rest) => SiteRoute::parse(&rest).map_err(SiteError::from),
    };
    let result = match route {
        Ok(SiteRoute::Redirect(to)) => return redirect(&links.url(&to)),
        Ok(route) => pages::render(&state, &snap, &site, &links, route).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(page) => page_response(page),
        Err(err) => error_response(&state, &snap, Some(&site), &links, err),
    }
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
    let authority = raw_host.trim().to_ascii_lowercase();
    let port_suffix = match authority.rsplit_once(':') {
        Some((_, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => format!(":{p}"),
        _ => String::new(),
    };
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
        let links = Links::alias(snap, &site, origin);
        let rest = (!rest.is_empty()).then(|| rest.to_owned());
        return Ok((site, links, rest));
    }
    match snap.by_host(&host) {
        Some(site) => Ok((
            site.clone(),
            Links::host(snap, origin),
            Some(path.to_owned()),
        )),
        None => Err(Box::new((
            SiteError::NotFound,
            Links::unknown(snap, origin, false),
        ))),
    }
}

fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(v) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, v)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

fn page_response(page: PageOut) -> Response {
    let mut res = Response::new(Body::from(page.body));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(page.content_type),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    res
}

/// Renders the error page for `err`, inside the site's chrome when the site is known and open.
fn error_response(
    state: &AppState,
    snap: &Snapshot,
    site: Option<&Arc<Site>>,
    links: &Links,
    err: SiteError,
) -> Response {
    let status = err.status();
    if status.is_server_error() && !matches!(err, SiteError::Suspended) {
        tracing::error!(error = %err, "request failed");
    }
    let (heading, message) = err.texts();
    let open_site = site.filter(|s| s.tenant.status == TenantStatus::Active);
    let chrome =
        open_site.map(|s| pages::chrome(snap, s, links, heading.to_owned(), Vec::new(), None));
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
    let body = state.renderer().error_page(&view).unwrap_or_else(|e| {
        tracing::error!(error = %e, "rendering the error page failed");
        format!("{} {}\n", status.as_u16(), heading)
    });
    let mut res = (status, Body::from(body)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(secs) = err.retry_after() {
        h.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    if matches!(err, SiteError::MethodNotAllowed) {
        h.insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    }
    res
}
