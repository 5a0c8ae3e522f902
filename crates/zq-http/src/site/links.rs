//! How links are formed for one request: inside the site (its own host, or the
//! `/sites/{code}` alias), to other sites of the cluster, and as absolute URLs for XML.

use std::sync::Arc;

use zq_domain::PageMode;
use zq_domain::broadcast::{BroadcastKind, Shown};
use zq_render::view::AlertView;

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
    site_base: String,
    /// The page's mode (长者, 纯文本, 繁體): every link inside the cluster keeps it.
    mode: PageMode,
    /// `site_base` followed by the mode's prefix: where the site's pages are in this mode.
    base: String,
    alias: bool,
    /// The office's broadcasts the page shows (应急公告, 全站变灰), decided once per request.
    broadcasts: Arc<Broadcasts>,
    portal_name: String,
    portal_url: String,
    /// The requested path within the site (`/art/1.html`), for the page's canonical URL.
    page_path: String,
}

impl Links {
    fn new(snap: &Snapshot, origin: Origin, base: String, alias: bool, mode: PageMode) -> Links {
        let mut links = Links {
            origin,
            base: format!("{base}{}", mode.prefix()),
            site_base: base,
            mode,
            alias,
            broadcasts: Arc::default(),
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
        Links::new(snap, origin, String::new(), alias, PageMode::STANDARD)
    }

    /// Links for a request on the site's own host, for a page in `mode`.
    pub fn host(snap: &Snapshot, origin: Origin, mode: PageMode) -> Links {
        Links::new(snap, origin, String::new(), false, mode)
    }

    /// Links for a request through `/sites/{code}/`, for a page in `mode`.
    pub fn alias(snap: &Snapshot, site: &Site, origin: Origin, mode: PageMode) -> Links {
        let base = format!("/sites/{}", site.tenant.code);
        Links::new(snap, origin, base, true, mode)
    }

    /// The same links for a page showing `shown`.
    pub fn showing(mut self, shown: &Shown<'_>) -> Links {
        if shown.mourning || !shown.notices.is_empty() {
            self.broadcasts = Arc::new(Broadcasts {
                tag: shown.tag(),
                mourning: shown.mourning,
                alerts: shown
                    .notices
                    .iter()
                    .filter(|n| n.kind == BroadcastKind::Notice)
                    .map(|n| AlertView {
                        title: n.title.clone(),
                        text: n.text.clone(),
                        level: n.level.as_str(),
                        // "【蓝色预警】寒潮蓝色预警" says it twice: a title naming its level keeps it.
                        level_label: Some(n.level.label())
                            .filter(|l| !n.title.contains(l))
                            .unwrap_or_default(),
                        until: zq_domain::time::format_local(n.ends_at, false),
                    })
                    .collect(),
            });
        }
        self
    }

    /// The broadcasts the page shows.
    pub fn broadcasts(&self) -> &Broadcasts {
        &self.broadcasts
    }

    /// The page's mode.
    pub fn mode(&self) -> PageMode {
        self.mode
    }

    /// The current page in another mode (the mode switches and `hreflang` alternates).
    pub fn in_mode(&self, mode: PageMode) -> String {
        format!("{}{}{}", self.site_base, mode.prefix(), self.page_path)
    }

    /// The site's base prefix without the mode, for what has no modes (forms, attachments).
    pub fn site_base(&self) -> &str {
        &self.site_base
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
    /// host or alias the request came through (so every cached variant carries the same), in
    /// the standard layout of the page's script (a 繁體 page is its own language version).
    pub fn canonical(&self, site: &Site) -> String {
        self.canonical_in(site, PageMode::STANDARD.with_hant(self.mode.hant))
    }

    /// The canonical absolute URL of the current page in `mode`.
    pub fn canonical_in(&self, site: &Site, mode: PageMode) -> String {
        self.canonical_path(site, mode, &self.page_path)
    }

    /// The canonical absolute URL of another page of the site, `path`, in the current page's
    /// script (simplified or 繁體), as [`Links::canonical`] gives it for the current page.
    pub fn canonical_of(&self, site: &Site, path: &str) -> String {
        self.canonical_path(site, PageMode::STANDARD.with_hant(self.mode.hant), path)
    }

    fn canonical_path(&self, site: &Site, mode: PageMode, path: &str) -> String {
        let path = format!("{}{}", mode.prefix(), path);
        match site.tenant.hosts.first() {
            Some(host) => format!(
                "{}://{}{}{}",
                self.origin.scheme, host, self.origin.port_suffix, path
            ),
            None => format!(
                "{}://{}{}{}",
                self.origin.scheme, self.origin.authority, self.site_base, path
            ),
        }
    }

    /// What, beyond the path, changes a page's bytes: host or alias links, the port, the
    /// scheme, the mode.
    pub fn variant(&self) -> String {
        let authority = &self.origin.authority;
        variant(
            authority
                .strip_suffix(self.origin.port_suffix.as_str())
                .unwrap_or(authority),
            self.alias,
            &self.origin.port_suffix,
            &self.origin.scheme,
            self.mode,
            &self.broadcasts.tag,
        )
    }

    /// The prefix of the site's pages in this mode ("", "/sites/{code}", "/elder", …).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A path inside the current site, in the page's mode.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// An absolute URL of a path inside the current site, in the page's mode.
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

    /// A path inside another site of the cluster, in the page's mode: through the alias when
    /// the request came through it, else on that site's canonical host with the request's port.
    pub fn site_url(&self, other: &Site, path: &str) -> String {
        let mode = self.mode.prefix();
        match other.tenant.hosts.first() {
            Some(host) if !self.alias => {
                format!("//{}{}{mode}{}", host, self.origin.port_suffix, path)
            }
            _ => format!("/sites/{}{mode}{}", other.tenant.code, path),
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
/// `/sites/{code}/`: the host its absolute URLs name (one of the cluster's, see
/// [`alias_authority`]), the request's `:port` part, the public scheme, the page's mode and
/// the tag of the broadcasts it shows.
pub(crate) fn variant(
    host: &str,
    alias: bool,
    port_suffix: &str,
    scheme: &str,
    mode: PageMode,
    broadcasts: &str,
) -> String {
    format!(
        "{}{host}|{port_suffix}|{scheme}|{}|{broadcasts}",
        if alias { "a:" } else { "h:" },
        mode.tag()
    )
}

/// The host an alias page (`/sites/{code}/…`) names in its absolute URLs: the request's when
/// it is one of the cluster's hosts or the console's (`known`), else the site's own first host — never a host
/// the client made up, which a cached page would then show every later visitor (feeds and
/// sitemaps carry absolute URLs).
pub(crate) fn alias_authority<'a>(known: bool, site: &'a Site, requested: &'a str) -> &'a str {
    if known {
        return requested;
    }
    site.tenant.hosts.first().map_or(requested, |h| h.as_str())
}

/// The broadcasts a page shows, as the chrome renders them.
#[derive(Debug, Default)]
pub(crate) struct Broadcasts {
    /// Part of the page's cache key ("" when none shows).
    pub tag: String,
    pub mourning: bool,
    pub alerts: Vec<AlertView>,
}
