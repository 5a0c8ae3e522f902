//! How links are formed for one request: inside the site (its own host, or the
//! `/sites/{code}` alias), to other sites of the cluster, and as absolute URLs for XML.

use crate::registry::{Site, Snapshot};

/// Where the request came in: scheme, the Host as sent (lower-cased), and its `:port` part.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origin {
    pub scheme: String,
    pub authority: String,
    pub port_suffix: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Links {
    origin: Origin,
    /// "" on the site's own host, "/sites/{code}" under the alias.
    base: String,
    alias: bool,
    portal_name: String,
    portal_url: String,
    /// The requested path within the site (`/art/1.html`), for the page's canonical URL.
    page_path: String,
}

impl Links {
    fn new(snap: &Snapshot, origin: Origin, base: String, alias: bool) -> Links {
        let mut links = Links {
            origin,
            base,
            alias,
            portal_name: String::new(),
            portal_url: "/".into(),
            page_path: "/".into(),
        };
        if let Some(portal) = snap.portal() {
            links.portal_name = portal.tenant.name.clone();
            links.portal_url = links.site_url(portal, "/");
        }
        links
    }

    /// Links for a request whose site is unknown (to point at the portal).
    pub fn unknown(snap: &Snapshot, origin: Origin, alias: bool) -> Links {
        Links::new(snap, origin, String::new(), alias)
    }

    /// Links for a request on the site's own host.
    pub fn host(snap: &Snapshot, origin: Origin) -> Links {
        Links::new(snap, origin, String::new(), false)
    }

    /// Links for a request through `/sites/{code}/`.
    pub fn alias(snap: &Snapshot, site: &Site, origin: Origin) -> Links {
        Links::new(snap, origin, format!("/sites/{}", site.tenant.code), true)
    }

    /// The same links for the page at `path` within the site.
    pub fn at(mut self, path: &str) -> Links {
        self.page_path = if path.is_empty() {
            "/".into()
        } else {
            path.to_owned()
        };
        self
    }

    /// The canonical absolute URL of the current page: on the site's first host, whichever
    /// host or alias the request came through (so every cached variant carries the same).
    pub fn canonical(&self, site: &Site) -> String {
        match site.tenant.hosts.first() {
            Some(host) => format!(
                "{}://{}{}{}",
                self.origin.scheme, host, self.origin.port_suffix, self.page_path
            ),
            None => self.abs(&self.page_path),
        }
    }

    /// What, beyond the path, changes a page's bytes: host or alias links, the port, the scheme.
    pub fn variant(&self) -> String {
        variant(self.alias, &self.origin.port_suffix, &self.origin.scheme)
    }

    /// The site's base prefix ("" or "/sites/{code}").
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A path inside the current site.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// An absolute URL of a path inside the current site.
    pub fn abs(&self, path: &str) -> String {
        format!(
            "{}://{}{}{}",
            self.origin.scheme, self.origin.authority, self.base, path
        )
    }

    /// The scheme and authority of the request.
    pub fn origin(&self) -> String {
        format!("{}://{}", self.origin.scheme, self.origin.authority)
    }

    /// A path inside another site of the cluster: through the alias when the request came
    /// through it, else on that site's canonical host with the request's port.
    pub fn site_url(&self, other: &Site, path: &str) -> String {
        match other.tenant.hosts.first() {
            Some(host) if !self.alias => format!("//{}{}{}", host, self.origin.port_suffix, path),
            _ => format!("/sites/{}{}", other.tenant.code, path),
        }
    }

    pub fn portal_url(&self) -> String {
        self.portal_url.clone()
    }

    pub fn portal_name(&self) -> String {
        if self.portal_name.is_empty() {
            "首页".into()
        } else {
            self.portal_name.clone()
        }
    }
}

/// The cache variant of a page requested on a site's host (`alias` false) or through
/// `/sites/{code}/`, with the request's `:port` part and the public scheme.
pub(crate) fn variant(alias: bool, port_suffix: &str, scheme: &str) -> String {
    format!("{}|{port_suffix}|{scheme}", if alias { "a" } else { "h" })
}
