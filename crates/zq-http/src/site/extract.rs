//! The tenant of a request as an axum extractor, for every public route that is not a cached
//! page (forms today): the Host header or the `/sites/{code}/` alias → the site, how its links
//! are formed and the path within it; a site that is not open answers its 503/410 page, an
//! unknown one its 404 page, a malformed Host 400 — the same answers as the page handler.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use zq_domain::TenantStatus;

use super::{Links, error_response, request_host, resolve};
use crate::registry::{Site, Snapshot};
use crate::{AppState, SiteError};

/// An open site and where in it the request goes.
pub(crate) struct SiteCtx {
    pub snap: Arc<Snapshot>,
    pub site: Arc<Site>,
    pub links: Links,
    /// The path within the site, e.g. `/forms/test`.
    pub rest: String,
    /// The client's address, when the listener knows it.
    pub client: Option<std::net::IpAddr>,
}

impl FromRequestParts<AppState> for SiteCtx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let snap = state.registry().snapshot();
        let raw_host = request_host(&parts.headers, &parts.uri);
        let scheme = &state.config().public_scheme;
        let (site, links, rest) = match resolve(
            &snap,
            scheme,
            state.config().console_host.as_ref(),
            raw_host.as_deref(),
            parts.uri.path(),
        ) {
            Ok(r) => r,
            Err(e) => {
                let (err, links) = *e;
                return Err(error_response(state, &snap, None, &links, &err));
            }
        };
        let links = links.showing(&snap.broadcasts_for(site.tenant.id, state.services().now()));
        let closed = match site.tenant.status {
            TenantStatus::Active => None,
            TenantStatus::Suspended => Some(SiteError::Suspended),
            TenantStatus::Archived => Some(SiteError::Gone),
            TenantStatus::Preparing => Some(SiteError::NotFound),
        };
        if let Some(err) = closed {
            return Err(error_response(state, &snap, Some(&site), &links, &err));
        }
        Ok(SiteCtx {
            rest: rest.unwrap_or_else(|| "/".into()),
            client: parts
                .extensions
                .get::<crate::ClientAddr>()
                .map(|crate::ClientAddr(a)| a.ip()),
            snap,
            site,
            links,
        })
    }
}
