//! Builds the view model of each public page from the registry and the store, then renders it.

use chrono::{DateTime, FixedOffset, Utc};
use zq_domain::{ColumnKind, Page, SiteRoute, TenantKind};
use zq_render::view::*;
use zq_store::{ArticleSummary, Column};

use super::{Links, PageOut, consult, interaction};
use crate::registry::{Site, Snapshot};
use crate::{AppState, SiteError};
use zq_render::InteractionPage;

const HTML: &str = "text/html; charset=utf-8";
/// Items per home-page block.
const HOME_ITEMS: u32 = 8;
/// Entries in a column's Atom feed.
const FEED_ITEMS: u32 = 20;
/// Most URLs in one sitemap.xml (the protocol's limit).
const SITEMAP_MAX: u64 = 50_000;
/// Items in a site's report feed (`/report/feed.xml`, `/report/feed.json`).
pub(crate) const REPORT_FEED_ITEMS: u64 = 50;
/// The content type of JSON Feed documents.
const JSON_FEED: &str = "application/feed+json; charset=utf-8";

/// Every date on the public pages is shown in Beijing time (`zq_domain::time::beijing`).
fn cst() -> FixedOffset {
    zq_domain::time::beijing()
}

pub(crate) fn day(t: DateTime<Utc>) -> String {
    t.with_timezone(&cst()).format("%Y-%m-%d").to_string()
}

pub(crate) fn minute(t: DateTime<Utc>) -> String {
    t.with_timezone(&cst()).format("%Y-%m-%d %H:%M").to_string()
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.with_timezone(&cst()).to_rfc3339()
}

pub(crate) async fn render(
    state: &AppState,
    snap: &Snapshot,
    site: &Site,
    links: &Links,
    route: SiteRoute,
) -> Result<PageOut, SiteError> {
    let r = state.renderer();
    let html = |body: String| PageOut {
        body,
        content_type: HTML,
    };
    Ok(match route {
        SiteRoute::Home => html(r.home(&home(state, snap, site, links).await?)?),
        SiteRoute::Column { slug, page } => {
            let col = site
                .column_by_slug(slug.as_str())
                .ok_or(SiteError::NotFound)?;
            match col.kind {
                ColumnKind::ArticleList => {
                    html(r.column(&column(state, snap, site, links, col, page).await?)?)
                }
                ColumnKind::SinglePage if page == 1 => {
                    html(r.article(&single_page(state, snap, site, links, col).await?)?)
                }
                ColumnKind::SinglePage | ColumnKind::ExternalLink => {
                    return Err(SiteError::NotFound);
                }
            }
        }
        SiteRoute::Article { id } => {
            // A row changed behind the platform's back is repaired before it is rendered
            // (restored, or withdrawn and so not found below): never served. The row is read
            // once for both the check and the page.
            let (a, check) = state
                .store()
                .published_article_checked(site.tenant.id, id)
                .await?
                .ok_or(SiteError::NotFound)?;
            let intact = crate::service::integrity::verify_checked(state.services(), &check)
                .await
                .map_err(|e| match e {
                    crate::service::ServiceError::Unavailable(m) => SiteError::Unavailable(m),
                    other => SiteError::Internal(other.to_string()),
                })?;
            let a = if intact {
                a
            } else {
                state
                    .store()
                    .published_article(site.tenant.id, id)
                    .await?
                    .ok_or(SiteError::NotFound)?
            };
            let col = site.column(a.column_id).ok_or(SiteError::NotFound)?;
            let neighbours = state.store().neighbours(&a).await?;
            html(r.article(&article_view(snap, site, links, col, a, neighbours))?)
        }
        SiteRoute::ArticleQr { id } => {
            state
                .store()
                .published_article(site.tenant.id, id)
                .await?
                .ok_or(SiteError::NotFound)?;
            let page = links.canonical_of(site, &format!("/art/{id}.html"));
            PageOut {
                body: zq_render::qr::svg(&page, 128, "本页地址的二维码")
                    .ok_or(SiteError::NotFound)?,
                content_type: "image/svg+xml",
            }
        }
        SiteRoute::ColumnFeed { slug } => {
            let col = site
                .column_by_slug(slug.as_str())
                .filter(|c| c.kind == ColumnKind::ArticleList)
                .ok_or(SiteError::NotFound)?;
            PageOut {
                body: r.atom(&feed(state, site, links, col).await?)?,
                content_type: "application/atom+xml; charset=utf-8",
            }
        }
        SiteRoute::SiteMapHtml => html(r.site_map(&SiteMapView {
            chrome: chrome(
                snap,
                site,
                links,
                "网站地图".into(),
                vec![crumb("网站地图", None)],
                state.store().last_updated(site.tenant.id).await?,
            ),
            tree: tree(site, links, None),
        })?),
        SiteRoute::Directory => html(r.directory(&directory(state, snap, site, links).await?)?),
        SiteRoute::SiteMapXml => PageOut {
            body: r.sitemap_xml(&sitemap_xml(state, site, links).await?)?,
            content_type: "application/xml; charset=utf-8",
        },
        SiteRoute::Robots => PageOut {
            body: robots(links),
            content_type: "text/plain; charset=utf-8",
        },
        SiteRoute::ReportFeedAtom => PageOut {
            body: r.report_atom(&report_feed(state, site, links).await?)?,
            content_type: "application/atom+xml; charset=utf-8",
        },
        SiteRoute::ReportFeedJson => PageOut {
            body: report_json(&report_feed(state, site, links).await?)?,
            content_type: JSON_FEED,
        },
        SiteRoute::Interaction => html(r.interaction_page(
            InteractionPage::Hub,
            &interaction::pages::hub(state, snap, site, links).await?,
        )?),
        SiteRoute::Registry { page } => html(r.interaction_page(
            InteractionPage::Registry,
            &interaction::pages::registry(state, snap, site, links, page).await?,
        )?),
        SiteRoute::RegistryLetter { id } => html(r.interaction_page(
            InteractionPage::Letter,
            &interaction::pages::letter(state, snap, site, links, id).await?,
        )?),
        SiteRoute::Statistics { year } => html(r.interaction_page(
            InteractionPage::Statistics,
            &interaction::pages::statistics(state, snap, site, links, year).await?,
        )?),
        SiteRoute::Consultations { kind } => html(r.interaction_page(
            InteractionPage::ConsultList,
            &consult::pages::list(state, snap, site, links, kind).await?,
        )?),
        SiteRoute::Consultation { kind, id } => html(r.interaction_page(
            InteractionPage::Consultation,
            &consult::pages::page(state, snap, site, links, kind, id).await?,
        )?),
        SiteRoute::Redirect(_) | SiteRoute::Favicon | SiteRoute::NotFound => {
            return Err(SiteError::NotFound);
        }
    })
}

/// 站群导航: every open site of the cluster, departments, districts (with their towns) and the
/// towns grouped by district, linked on their own hosts (or through the alias when the request
/// came through it).
async fn directory(
    state: &AppState,
    snap: &Snapshot,
    site: &Site,
    links: &Links,
) -> Result<DirectoryView, SiteError> {
    let open: Vec<&std::sync::Arc<Site>> = snap
        .sites()
        .into_iter()
        .filter(|s| s.tenant.status == zq_domain::TenantStatus::Active)
        .collect();
    let entry = |s: &Site| DirectorySite {
        name: s.tenant.name.clone(),
        url: links.site_url(s, "/"),
        children: open
            .iter()
            .filter(|t| {
                t.tenant.parent_id == Some(s.tenant.id) && t.tenant.kind == TenantKind::Town
            })
            .map(|t| DirectorySite {
                name: t.tenant.name.clone(),
                url: links.site_url(t, "/"),
                children: Vec::new(),
            })
            .collect(),
    };
    let of_kind = |kind: TenantKind| -> Vec<DirectorySite> {
        open.iter()
            .filter(|s| s.tenant.kind == kind)
            .map(|s| entry(s))
            .collect()
    };
    let districts = of_kind(TenantKind::District);
    let towns: Vec<DirectorySite> = districts
        .iter()
        .filter(|d| !d.children.is_empty())
        .cloned()
        .collect();
    let groups = vec![
        DirectoryGroup {
            id: "department",
            name: "部门网站",
            sites: of_kind(TenantKind::Department),
        },
        DirectoryGroup {
            id: "district",
            name: "区县网站",
            sites: districts,
        },
        DirectoryGroup {
            id: "town",
            name: "乡镇（街道）网站",
            sites: towns,
        },
    ];
    Ok(DirectoryView {
        chrome: chrome(
            snap,
            site,
            links,
            "站群导航".into(),
            vec![crumb("站群导航", None)],
            state.store().last_updated(site.tenant.id).await?,
        ),
        groups,
    })
}

/// `robots.txt`: everything but the forms and the writers' own case pages may be indexed; the
/// sitemap's address for the crawlers.
fn robots(links: &Links) -> String {
    let base = links.site_base();
    format!(
        "User-agent: *\nDisallow: {base}/forms/\nAllow: {base}/\n\nSitemap: {}\n",
        links.abs("/sitemap.xml")
    )
}

pub(crate) fn crumb(name: &str, url: Option<String>) -> Crumb {
    Crumb {
        name: name.to_owned(),
        url,
    }
}

fn column_url(links: &Links, c: &Column) -> String {
    match (&c.kind, &c.external_url) {
        (ColumnKind::ExternalLink, Some(url)) => url.clone(),
        _ => links.url(&format!("/col/{}/", c.slug)),
    }
}

fn nav_item(links: &Links, c: &Column, active: bool) -> NavItem {
    NavItem {
        name: c.name.clone(),
        url: column_url(links, c),
        active,
        external: c.kind == ColumnKind::ExternalLink,
    }
}

/// The unified header, navigation, breadcrumb and footer data every page carries.
pub(crate) fn chrome(
    snap: &Snapshot,
    site: &Site,
    links: &Links,
    title: String,
    crumbs: Vec<Crumb>,
    updated: Option<DateTime<Utc>>,
) -> Chrome {
    let active_root = crumbs.first().and_then(|c| c.url.clone());
    let t = &site.tenant;
    let portal = snap.portal();
    let records = t.records.with_portal(portal.map(|p| &p.tenant.records));
    // The page's section for its metadata: its first crumb (a top column, 互动交流 …), else
    // its title (网站地图, an error), else 首页.
    let section = if title.is_empty() {
        "首页"
    } else {
        title.as_str()
    };
    let category = crumbs.first().map_or(section, |c| c.name.as_str());
    let meta = page_meta(
        site,
        links,
        zq_render::meta::ColumnFacts {
            name: section,
            category,
            keeper: None,
        },
        None,
    );
    Chrome {
        cluster: ClusterView {
            portal_name: links.portal_name(),
            portal_url: links.portal_url(),
            superior: match (&records.superior_name, &records.superior_url) {
                (Some(name), Some(url)) => Some(LinkView {
                    name: name.clone(),
                    url: url.clone(),
                }),
                _ => None,
            },
        },
        site: SiteView {
            code: t.code.to_string(),
            name: t.name.clone(),
            kind_label: t.kind.label().to_owned(),
            sponsor: t.sponsor.clone(),
            site_id: t.site_id.clone(),
            contact: t.contact.clone(),
            is_portal: t.kind == TenantKind::Portal
                || snap.portal().is_some_and(|p| p.tenant.id == t.id),
            base: links.base().to_owned(),
            forms_base: links.site_base().to_owned(),
            origin: links.origin(),
            theme_css: t
                .theme_color
                .as_deref()
                .and_then(|c| c.strip_prefix('#'))
                .map(|hex| format!("/static/theme-{}.css", hex.to_ascii_lowercase())),
            logo: t.logo.as_ref().map(|l| {
                if l.starts_with("/files/") {
                    format!("{}{l}", links.site_base())
                } else {
                    l.clone()
                }
            }),
            contact_line: t.contact.as_deref().map(contact_line),
            records: RecordsView {
                icp: records.icp.clone(),
                police: records.police.as_deref().and_then(|p| {
                    let code = zq_domain::records::police_code(p)?;
                    Some(LinkView {
                        name: p.to_owned(),
                        url: zq_domain::records::police_lookup_url(code),
                    })
                }),
                conac_url: records
                    .conac_id
                    .as_deref()
                    .map(zq_domain::records::conac_lookup_url),
            },
            parent: t.parent_id.and_then(|id| snap.by_id(id)).map(|p| LinkView {
                name: p.tenant.name.clone(),
                url: links.site_url(p, "/"),
            }),
        },
        nav: site
            .top_columns()
            .map(|c| {
                let url = column_url(links, c);
                let active = active_root.as_deref() == Some(url.as_str());
                nav_item(links, c, active)
            })
            .collect(),
        crumbs,
        title,
        updated: updated.map(day),
        meta,
        mode: super::modes::view(site, links),
        alerts: links.broadcasts().alerts.clone(),
        mourning: links.broadcasts().mourning,
    }
}

/// The footer's contact line: `联系方式：` before it unless it opens with a label of its own
/// (`地址：…`, `电话：…`).
fn contact_line(contact: &str) -> String {
    let labelled = contact
        .char_indices()
        .take_while(|(i, _)| *i < 16)
        .any(|(_, c)| c == '：' || c == ':');
    if labelled {
        contact.to_owned()
    } else {
        format!("联系方式：{contact}")
    }
}

/// The page metadata of the national page design rules for this page (`zq_render::meta`).
pub(crate) fn page_meta(
    site: &Site,
    links: &Links,
    column: zq_render::meta::ColumnFacts<'_>,
    article: Option<zq_render::meta::ArticleFacts<'_>>,
) -> Vec<MetaTag> {
    let t = &site.tenant;
    let domain = t.hosts.first().map(|h| h.as_str()).unwrap_or_default();
    zq_render::meta::tags(
        zq_render::meta::SiteFacts {
            name: &t.name,
            domain,
            site_id: t.site_id.as_deref(),
        },
        column,
        article,
        &links.canonical(site),
        &links.origin(),
    )
}

/// The metadata facts of a column: its name, its top-level ancestor, its keeper.
fn column_facts<'a>(site: &'a Site, col: &'a Column) -> zq_render::meta::ColumnFacts<'a> {
    let chain = site.ancestry(col.id);
    zq_render::meta::ColumnFacts {
        name: &col.name,
        category: chain.first().map_or(col.name.as_str(), |c| c.name.as_str()),
        keeper: col.responsible_unit.as_deref(),
    }
}

fn column_crumbs(site: &Site, links: &Links, col: &Column, last_linked: bool) -> Vec<Crumb> {
    let chain = site.ancestry(col.id);
    let n = chain.len();
    chain
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            crumb(
                &c.name,
                (i + 1 < n || last_linked).then(|| column_url(links, c)),
            )
        })
        .collect()
}

fn item(links: &Links, a: &ArticleSummary) -> ItemView {
    ItemView {
        title: a.title.clone(),
        url: links.url(&format!("/art/{}.html", a.id)),
        date: day(a.published_at),
        summary: a.summary.clone(),
        unit: None,
    }
}

async fn home(
    state: &AppState,
    snap: &Snapshot,
    site: &Site,
    links: &Links,
) -> Result<HomeView, SiteError> {
    let store = state.store();
    let mut sections = Vec::new();
    for col in site
        .top_columns()
        .filter(|c| c.kind == ColumnKind::ArticleList)
    {
        let (items, _) = store
            .list_published(
                site.tenant.id,
                &site.subtree(col.id),
                Page::new(1, HOME_ITEMS),
            )
            .await?;
        sections.push(SectionView {
            name: col.name.clone(),
            url: column_url(links, col),
            items: items.iter().map(|a| item(links, a)).collect(),
        });
    }
    // Columns configured to gather a kind of unit's news (the portal's 部门动态, 区县动态).
    let mut aggregated = Vec::new();
    for col in site
        .columns
        .iter()
        .filter(|c| c.kind == ColumnKind::ArticleList)
    {
        let Some(kind) = col.aggregates else {
            continue;
        };
        let news = store
            .latest_news_of_kind(kind, u64::from(HOME_ITEMS))
            .await?;
        let items = news
            .iter()
            .filter_map(|a| {
                let from = snap.by_id(a.tenant_id)?;
                Some(ItemView {
                    title: a.title.clone(),
                    url: links.site_url(from, &format!("/art/{}.html", a.id)),
                    date: day(a.published_at),
                    summary: None,
                    unit: Some(
                        from.tenant
                            .short_name
                            .clone()
                            .unwrap_or_else(|| from.tenant.name.clone()),
                    ),
                })
            })
            .collect();
        aggregated.push(SectionView {
            name: col.name.clone(),
            url: column_url(links, col),
            items,
        });
    }
    let updated = store.last_updated(site.tenant.id).await?;
    Ok(HomeView {
        chrome: chrome(snap, site, links, String::new(), Vec::new(), updated),
        sections,
        aggregated,
    })
}

async fn column(
    state: &AppState,
    snap: &Snapshot,
    site: &Site,
    links: &Links,
    col: &Column,
    page_no: u32,
) -> Result<ColumnView, SiteError> {
    let size = state.config().page_size;
    let page = Page::new(page_no, size);
    let ids = site.subtree(col.id);
    let (items, total) = state
        .store()
        .list_published(site.tenant.id, &ids, page)
        .await?;
    if !page.exists(total) {
        return Err(SiteError::NotFound);
    }
    let updated = if page_no == 1 {
        items.first().map(|a| a.published_at)
    } else {
        state
            .store()
            .list_published(site.tenant.id, &ids, Page::new(1, 1))
            .await?
            .0
            .first()
            .map(|a| a.published_at)
    };
    let total_pages = Page::count(total, size);
    let page_url = |n: u32| match n {
        1 => links.url(&format!("/col/{}/", col.slug)),
        n => links.url(&format!("/col/{}/page/{n}/", col.slug)),
    };
    let mut crumbs = column_crumbs(site, links, col, page_no > 1);
    if page_no > 1 {
        crumbs.push(crumb(&format!("第{page_no}页"), None));
    }
    let mut chrome = chrome(snap, site, links, col.name.clone(), crumbs, updated);
    chrome.meta = page_meta(site, links, column_facts(site, col), None);
    Ok(ColumnView {
        chrome,
        name: col.name.clone(),
        requirement: col.update_requirement.label().to_owned(),
        responsible_unit: col.responsible_unit.clone(),
        children: site
            .children(col.id)
            .map(|c| nav_item(links, c, false))
            .collect(),
        items: items.iter().map(|a| item(links, a)).collect(),
        pagination: pagination(page_no, total_pages, total, page_url),
        feed_url: links.url(&format!("/col/{}/atom.xml", col.slug)),
    })
}

/// The pager of a list: a window of page links around the current one, plus the first and
/// last, with a gap ("…") where pages are skipped; narrow enough for a phone.
pub(crate) fn pagination(
    page_no: u32,
    total_pages: u32,
    total: u64,
    page_url: impl Fn(u32) -> String,
) -> Pagination {
    Pagination {
        current: page_no,
        total_pages,
        total_items: total,
        prev_url: (page_no > 1).then(|| page_url(page_no - 1)),
        next_url: (page_no < total_pages).then(|| page_url(page_no + 1)),
        pages: zq_domain::paging::pager_window(page_no, total_pages)
            .into_iter()
            .map(|(n, gap_before)| PageLink {
                number: n,
                url: page_url(n),
                current: n == page_no,
                gap_before,
            })
            .collect(),
    }
}

pub(super) fn article_view(
    snap: &Snapshot,
    site: &Site,
    links: &Links,
    col: &Column,
    a: zq_store::Article,
    (newer, older): (Option<ArticleSummary>, Option<ArticleSummary>),
) -> ArticleView {
    let mut crumbs = column_crumbs(site, links, col, true);
    crumbs.push(crumb("正文", None));
    let published = a.published_at.unwrap_or(a.updated_at);
    let mut chrome = chrome(
        snap,
        site,
        links,
        a.title.clone(),
        crumbs,
        Some(a.updated_at),
    );
    let published_minute = minute(published);
    chrome.meta = page_meta(
        site,
        links,
        column_facts(site, col),
        Some(zq_render::meta::ArticleFacts {
            title: &a.title,
            published: &published_minute,
            source: a.source.as_deref(),
            author: a.author.as_deref(),
            summary: a.summary.as_deref(),
            body: &a.body,
        }),
    );
    ArticleView {
        chrome,
        title: a.title,
        subtitle: a.subtitle,
        source: a.source,
        author: a.author,
        published: published_minute,
        summary: a.summary,
        body: wrap_tables(&zq_domain::html::files_under(&a.body, links.site_base())),
        doc_number: a.doc_number,
        index_number: a.index_number,
        column_name: col.name.clone(),
        column_url: column_url(links, col),
        newer: newer.map(|n| neighbour(links, n)),
        older: older.map(|n| neighbour(links, n)),
        qr_url: Some(links.url(&format!("/art/{}.qr.svg", a.id))),
    }
}

/// 上一篇 / 下一篇.
fn neighbour(links: &Links, a: ArticleSummary) -> LinkView {
    LinkView {
        url: links.url(&format!("/art/{}.html", a.id)),
        name: a.title,
    }
}

/// Wraps each table of an article in a box that scrolls sideways, so a wide table scrolls
/// inside itself on a phone rather than widening the page; the box takes the keyboard focus so
/// it can be scrolled without a mouse.
fn wrap_tables(body: &str) -> String {
    if !body.contains("<table") {
        return body.to_owned();
    }
    body.replace(
        "<table",
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表格（可左右滚动）\"><table",
    )
    .replace("</table>", "</table></div>")
}

/// A single-page column shows its newest published article in full.
async fn single_page(
    state: &AppState,
    snap: &Snapshot,
    site: &Site,
    links: &Links,
    col: &Column,
) -> Result<ArticleView, SiteError> {
    let store = state.store();
    let (items, _) = store
        .list_published(site.tenant.id, &[col.id], Page::new(1, 1))
        .await?;
    let first = items.first().ok_or(SiteError::NotFound)?;
    let a = store
        .published_article(site.tenant.id, first.id)
        .await?
        .ok_or(SiteError::NotFound)?;
    let mut view = article_view(snap, site, links, col, a, (None, None));
    view.chrome.crumbs = column_crumbs(site, links, col, false);
    Ok(view)
}

fn tree(site: &Site, links: &Links, parent: Option<zq_domain::ColumnId>) -> Vec<TreeNode> {
    site.columns
        .iter()
        .filter(|c| c.parent_id == parent)
        .map(|c| TreeNode {
            name: c.name.clone(),
            url: column_url(links, c),
            children: tree(site, links, Some(c.id)),
        })
        .collect()
}

async fn sitemap_xml(
    state: &AppState,
    site: &Site,
    links: &Links,
) -> Result<SitemapXmlView, SiteError> {
    let articles = state
        .store()
        .all_published(site.tenant.id, SITEMAP_MAX - 1 - site.columns.len() as u64)
        .await?;
    let mut entries = vec![SitemapEntry {
        loc: links.abs("/"),
        lastmod: articles.first().map(|a| rfc3339(a.updated_at)),
    }];
    entries.extend(
        site.columns
            .iter()
            .filter(|c| c.kind != ColumnKind::ExternalLink)
            .map(|c| SitemapEntry {
                loc: links.abs(&format!("/col/{}/", c.slug)),
                lastmod: None,
            }),
    );
    entries.extend(articles.iter().map(|a| SitemapEntry {
        loc: links.abs(&format!("/art/{}.html", a.id)),
        lastmod: Some(rfc3339(a.updated_at)),
    }));
    Ok(SitemapXmlView { entries })
}

async fn feed(
    state: &AppState,
    site: &Site,
    links: &Links,
    col: &Column,
) -> Result<FeedView, SiteError> {
    let (items, _) = state
        .store()
        .list_published(
            site.tenant.id,
            &site.subtree(col.id),
            Page::new(1, FEED_ITEMS),
        )
        .await?;
    let code = &site.tenant.code;
    let updated = items
        .iter()
        .map(|a| a.updated_at)
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    Ok(FeedView {
        id: format!("urn:zhanqun:{code}:column:{}", col.slug),
        title: format!("{} - {}", col.name, site.tenant.name),
        self_url: links.abs(&format!("/col/{}/atom.xml", col.slug)),
        site_url: links.abs(&format!("/col/{}/", col.slug)),
        author: site.tenant.name.clone(),
        updated: rfc3339(updated),
        entries: items
            .iter()
            .map(|a| FeedEntry {
                id: format!("urn:zhanqun:{code}:article:{}", a.id),
                title: a.title.clone(),
                url: links.abs(&format!("/art/{}.html", a.id)),
                updated: rfc3339(a.updated_at),
                published: rfc3339(a.published_at),
                summary: a.summary.clone(),
            })
            .collect(),
    })
}

/// A site's report feed: its newest published articles for a superior portal (or a neighbour)
/// to pull, rendered as Atom (`report_atom.xml`) or JSON Feed 1.1 (`report_json`).
#[derive(Debug, Clone, serde::Serialize)]
struct ReportFeed {
    id: String,
    title: String,
    subtitle: String,
    self_url: String,
    json_url: String,
    site_url: String,
    author: String,
    /// RFC 3339.
    updated: String,
    entries: Vec<ReportEntry>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct ReportEntry {
    /// `tag:{canonical host},2026:article:{id}`: the same whichever host or alias serves it.
    id: String,
    title: String,
    url: String,
    published: String,
    updated: String,
    /// The unit: the sending unit for adopted items, else the site's.
    author: String,
    /// 来源.
    source: Option<String>,
    adopted_from: Option<ReportUnit>,
    summary: Option<String>,
    /// The sanitized HTML body, attachment links made absolute.
    content: String,
}

#[derive(Debug, Clone, serde::Serialize)]
struct ReportUnit {
    code: String,
    name: String,
}

async fn report_feed(
    state: &AppState,
    site: &Site,
    links: &Links,
) -> Result<ReportFeed, SiteError> {
    let t = &site.tenant;
    let items = state.store().report_feed(t.id, REPORT_FEED_ITEMS).await?;
    let authority = t
        .hosts
        .first()
        .map(|h| h.to_string())
        .unwrap_or_else(|| format!("{}.invalid", t.code));
    let updated = items
        .iter()
        .map(|i| i.article.updated_at)
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let files = links.abs("/files/");
    Ok(ReportFeed {
        id: format!("tag:{authority},2026:report"),
        title: format!("{} 信息报送", t.name),
        subtitle: format!("{}已发布的信息，供上级门户和兄弟单位订阅采用", t.name),
        self_url: links.abs("/report/feed.xml"),
        json_url: links.abs("/report/feed.json"),
        site_url: links.abs("/"),
        author: t.name.clone(),
        updated: rfc3339(updated),
        entries: items
            .into_iter()
            .map(|i| {
                let a = i.article;
                ReportEntry {
                    id: format!("tag:{authority},2026:article:{}", a.id),
                    url: links.abs(&format!("/art/{}.html", a.id)),
                    published: rfc3339(a.published_at.unwrap_or(a.updated_at)),
                    updated: rfc3339(a.updated_at),
                    author: i
                        .adopted_from
                        .as_ref()
                        .map_or_else(|| t.name.clone(), |u| u.name.clone()),
                    source: a.source,
                    adopted_from: i.adopted_from.map(|u| ReportUnit {
                        code: u.code.to_string(),
                        name: u.name,
                    }),
                    summary: a.summary,
                    content: a
                        .body
                        .replace("src=\"/files/", &format!("src=\"{files}"))
                        .replace("href=\"/files/", &format!("href=\"{files}")),
                    title: a.title,
                }
            })
            .collect(),
    })
}

/// The report feed as JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>), with the source and
/// the adopting information in the `_zhanqun` extension of each item.
fn report_json(feed: &ReportFeed) -> Result<String, SiteError> {
    use serde_json::json;
    let items: Vec<serde_json::Value> = feed
        .entries
        .iter()
        .map(|e| {
            let mut item = json!({
                "id": e.id,
                "url": e.url,
                "title": e.title,
                "content_html": e.content,
                "date_published": e.published,
                "date_modified": e.updated,
                "authors": [{"name": e.author}],
                "_zhanqun": {
                    "source": e.source,
                    "adopted_from": e.adopted_from.as_ref().map(|u| json!({"code": u.code, "name": u.name})),
                },
            });
            if let Some(s) = &e.summary {
                item["summary"] = json!(s);
            }
            if e.adopted_from.is_some() {
                item["tags"] = json!(["adopted"]);
            }
            item
        })
        .collect();
    let doc = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "description": feed.subtitle,
        "home_page_url": feed.site_url,
        "feed_url": feed.json_url,
        "language": "zh-CN",
        "authors": [{"name": feed.author, "url": feed.site_url}],
        "_zhanqun": {"id": feed.id, "atom": feed.self_url, "updated": feed.updated},
        "items": items,
    });
    serde_json::to_string_pretty(&doc)
        .map_err(|e| SiteError::Internal(format!("encoding the JSON feed failed: {e}")))
}
