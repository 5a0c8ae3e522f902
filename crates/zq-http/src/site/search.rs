//! The public search page, `/search` on every site (and `/sites/{code}/search`): the unified
//! header's box leads here. A subsite searches itself first (本站) and offers 全部站群; the
//! portal searches the whole cluster. Facets narrow by site, column, kind and year; results
//! sort by relevance or date and are paged. Questions are rate-limited per client
//! (`search.per_minute`); the page may be kept by browsers and proxies for a short time only
//! (`max-age=30`) and is never put in the page cache. Everything shown is escaped; the index's
//! highlighted titles and snippets are escaped by the index, with only `<b>` added.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use zq_render::search_view::{Choice, FacetGroup, FacetItem, Help, HitView, SearchView};
use zq_services::search::{self, Ask, Found};
use zq_store::BestBet;

use super::extract::SiteCtx;
use super::forms::html;
use super::pages::{day, pagination};
use crate::error::ServiceErrorHttp;
use crate::{AppState, SiteError};

/// Results per page.
const PER_PAGE: usize = 10;
/// Pages a reader may go to (the index ranks; nobody reads past this).
const MAX_PAGE: u32 = 50;

/// What the query string asks.
#[derive(Debug, Clone, Default)]
struct Params {
    q: String,
    /// `Some(true)`: this site only; `Some(false)`: the whole cluster; `None`: the site's
    /// default.
    here: Option<bool>,
    site: Option<String>,
    column: Option<String>,
    kind: Option<String>,
    year: Option<i32>,
    by_date: bool,
    page: u32,
}

impl Params {
    /// Reads the query string leniently: an unknown or malformed parameter is ignored.
    fn parse(raw: Option<&str>) -> Params {
        let mut p = Params {
            page: 1,
            ..Params::default()
        };
        for (k, v) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let v = v.trim().to_owned();
            match k.as_ref() {
                "q" => p.q = v,
                "scope" => {
                    p.here = match v.as_str() {
                        "site" => Some(true),
                        "all" => Some(false),
                        _ => None,
                    }
                }
                "site" if !v.is_empty() => p.site = Some(v),
                "column" if !v.is_empty() => p.column = Some(v),
                "kind" if !v.is_empty() => p.kind = Some(v),
                "year" => p.year = v.parse().ok(),
                "sort" => p.by_date = v == "date",
                "page" => p.page = v.parse().unwrap_or(1).clamp(1, MAX_PAGE),
                _ => {}
            }
        }
        p
    }

    /// The query string of these parameters.
    fn query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("q", &self.q);
        if let Some(here) = self.here {
            s.append_pair("scope", if here { "site" } else { "all" });
        }
        for (k, v) in [
            ("site", self.site.as_deref()),
            ("column", self.column.as_deref()),
            ("kind", self.kind.as_deref()),
        ] {
            if let Some(v) = v {
                s.append_pair(k, v);
            }
        }
        if let Some(y) = self.year {
            s.append_pair("year", &y.to_string());
        }
        if self.by_date {
            s.append_pair("sort", "date");
        }
        if self.page > 1 {
            s.append_pair("page", &self.page.to_string());
        }
        s.finish()
    }

    /// The same question on page 1 after `change`.
    fn with(&self, change: impl FnOnce(&mut Params)) -> Params {
        let mut p = self.clone();
        p.page = 1;
        change(&mut p);
        p
    }
}

/// A kind of document as a reader names it.
pub(crate) fn kind_label(kind: &str) -> &'static str {
    match kind {
        search::KIND_ARTICLE => "信息",
        "attachment" => "附件",
        "letter" => "信件",
        "disclosure" => "政府信息公开",
        "guide" => "办事指南",
        _ => "其他",
    }
}

/// `GET /search`.
pub(crate) async fn page(
    State(state): State<AppState>,
    ctx: SiteCtx,
    RawQuery(raw): RawQuery,
) -> Response {
    let p = Params::parse(raw.as_deref());
    let res = answer(&state, &ctx, p).await;
    let mut res = res.unwrap_or_else(|e| ctx.error(&state, &e));
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=30"),
    );
    res
}

async fn answer(state: &AppState, ctx: &SiteCtx, mut p: Params) -> Result<Response, SiteError> {
    let is_portal = ctx.site.tenant.parent_id.is_none()
        && ctx
            .snap
            .portal()
            .is_some_and(|s| s.tenant.id == ctx.site.tenant.id);
    let here = p.here.unwrap_or(!is_portal);
    if here {
        p.site = None;
    }
    let own = ctx.site.tenant.code.to_string();
    let scope_site = if here {
        Some(own.clone())
    } else {
        p.site.clone()
    };
    let asked = !p.q.is_empty();
    let mut status = StatusCode::OK;
    let mut problem = None;
    let mut wait = None;
    let mut found = Found::default();
    let mut best_bets: Vec<BestBet> = Vec::new();
    let mut suggestion = None;
    if asked {
        if let Some(ip) = ctx.client
            && let Err(w) = state.limits().check_search(ip)
        {
            status = StatusCode::TOO_MANY_REQUESTS;
            problem = Some(format!("搜索过于频繁，请 {w} 秒后再试。"));
            wait = Some(w);
        } else {
            let ask = Ask {
                text: p.q.clone(),
                sites: scope_site.clone().into_iter().collect(),
                limit: PER_PAGE,
                offset: (p.page as usize - 1) * PER_PAGE,
                by_date: p.by_date,
                column: scope_site.clone().zip(p.column.clone()),
                kind: p.kind.clone(),
                year: p.year,
                synonyms: Vec::new(),
            };
            match search::ask(state.services(), ask, Some(ctx.site.tenant.id)) {
                Ok(a) => {
                    found = a.found;
                    best_bets = a.best_bets;
                    suggestion = a.suggestion;
                }
                Err(e) => {
                    status = e.status();
                    problem = Some(match status {
                        StatusCode::SERVICE_UNAVAILABLE => {
                            "站内搜索暂时不可用，请稍后再试。".to_owned()
                        }
                        _ => e.to_string(),
                    });
                }
            }
        }
    }
    let links = &ctx.links;
    let url_of = |p: &Params| links.url(&format!("/search?{}", p.query()));
    let site_name = |code: &str| {
        ctx.snap
            .by_code(code)
            .map_or_else(|| code.to_owned(), |s| s.tenant.name.clone())
    };
    let bets = best_bets.iter().map(|b| HitView {
        title_html: zq_domain::html::escape_html(&b.title),
        snippet_html: b
            .description
            .as_deref()
            .map(zq_domain::html::escape_html)
            .unwrap_or_default(),
        url: b.url.clone(),
        site: match b.tenant_id.and_then(|t| ctx.snap.by_id(t)) {
            Some(s) => s.tenant.name.clone(),
            None => links.portal_name(),
        },
        column: String::new(),
        kind: "推荐".into(),
        date: String::new(),
        recommended: true,
    });
    let hits = bets
        .chain(found.hits.iter().map(|h| HitView {
            title_html: h.title_html.clone(),
            snippet_html: h.snippet_html.clone(),
            url: match ctx.snap.by_code(&h.tenant) {
                Some(s) if s.tenant.id != ctx.site.tenant.id => links.site_url(s, &h.url),
                _ => links.url(&h.url),
            },
            site: site_name(&h.tenant),
            column: h.column.clone(),
            kind: kind_label(&h.kind).to_owned(),
            date: day(h.date),
            recommended: false,
        }))
        .collect();
    let mut facets = Vec::new();
    if !here && found.facets.sites.len() > 1 || p.site.is_some() {
        facets.push(FacetGroup {
            name: "站点".into(),
            items: found
                .facets
                .sites
                .iter()
                .map(|(code, n)| FacetItem {
                    label: site_name(code),
                    count: *n,
                    url: url_of(&p.with(|q| {
                        q.site = Some(code.clone());
                        q.column = None;
                    })),
                    current: p.site.as_deref() == Some(code.as_str()),
                })
                .collect(),
        });
    }
    if let Some(site) = &scope_site {
        let items: Vec<FacetItem> = found
            .facets
            .columns
            .iter()
            .filter(|((s, name), _)| s == site && !name.is_empty())
            .map(|((_, name), n)| FacetItem {
                label: name.clone(),
                count: *n,
                url: url_of(&p.with(|q| q.column = Some(name.clone()))),
                current: p.column.as_deref() == Some(name.as_str()),
            })
            .collect();
        if !items.is_empty() {
            facets.push(FacetGroup {
                name: "栏目".into(),
                items,
            });
        }
    }
    for (name, items) in [
        (
            "类型",
            found
                .facets
                .kinds
                .iter()
                .map(|(k, n)| FacetItem {
                    label: kind_label(k).to_owned(),
                    count: *n,
                    url: url_of(&p.with(|q| q.kind = Some(k.clone()))),
                    current: p.kind.as_deref() == Some(k.as_str()),
                })
                .collect::<Vec<_>>(),
        ),
        (
            "年份",
            found
                .facets
                .years
                .iter()
                .map(|(y, n)| FacetItem {
                    label: format!("{y}年"),
                    count: *n,
                    url: url_of(&p.with(|q| q.year = Some(*y))),
                    current: p.year == Some(*y),
                })
                .collect(),
        ),
    ] {
        if !items.is_empty() {
            facets.push(FacetGroup {
                name: name.into(),
                items,
            });
        }
    }
    let mut picked = Vec::new();
    let mut pick = |label: String, drop: Params| {
        picked.push(Choice {
            name: String::new(),
            label,
            url: url_of(&drop),
            current: true,
        });
    };
    if let Some(s) = &p.site {
        pick(
            format!("站点：{}", site_name(s)),
            p.with(|q| {
                q.site = None;
                q.column = None;
            }),
        );
    }
    if let Some(c) = &p.column {
        pick(format!("栏目：{c}"), p.with(|q| q.column = None));
    }
    if let Some(k) = &p.kind {
        pick(
            format!("类型：{}", kind_label(k)),
            p.with(|q| q.kind = None),
        );
    }
    if let Some(y) = p.year {
        pick(format!("年份：{y}年"), p.with(|q| q.year = None));
    }
    let choice = |label: &str, p: Params, current: bool| Choice {
        name: String::new(),
        label: label.to_owned(),
        url: url_of(&p),
        current,
    };
    let scopes = if is_portal {
        Vec::new()
    } else {
        vec![
            choice(
                "本站",
                p.with(|q| {
                    q.here = Some(true);
                    q.site = None;
                }),
                here,
            ),
            choice(
                "全部站群",
                p.with(|q| {
                    q.here = Some(false);
                    q.column = None;
                }),
                !here,
            ),
        ]
    };
    let orders = vec![
        choice("按相关度", p.with(|q| q.by_date = false), !p.by_date),
        choice("按时间", p.with(|q| q.by_date = true), p.by_date),
    ];
    let mut keep = Vec::new();
    if !is_portal {
        keep.push(Choice {
            name: "scope".into(),
            label: String::new(),
            url: if here { "site" } else { "all" }.into(),
            current: true,
        });
    }
    if p.by_date {
        keep.push(Choice {
            name: "sort".into(),
            label: String::new(),
            url: "date".into(),
            current: true,
        });
    }
    let help =
        (asked && problem.is_none() && found.total == 0 && best_bets.is_empty()).then(|| Help {
            everywhere: here.then(|| {
                url_of(&p.with(|q| {
                    q.here = Some(false);
                    q.column = None;
                    q.kind = None;
                    q.year = None;
                }))
            }),
            units: likely_units(ctx, &p.q),
            suggestion: suggestion.map(|s| Choice {
                name: String::new(),
                url: url_of(&p.with(|q| {
                    q.q = s.clone();
                    q.page = 1;
                })),
                label: s,
                current: false,
            }),
        });
    let total = found.total as u64;
    let shown_pages = u32::try_from(total.div_ceil(PER_PAGE as u64))
        .unwrap_or(MAX_PAGE)
        .min(MAX_PAGE);
    let heading = if asked {
        format!("“{}”的搜索结果", p.q)
    } else {
        "站内搜索".to_owned()
    };
    let view = SearchView {
        chrome: ctx.form_chrome(&heading),
        action: links.url("/search"),
        q: p.q.clone(),
        keep,
        scopes,
        orders,
        facets,
        picked,
        total,
        hits,
        pagination: pagination(p.page, shown_pages.max(1), total, |n| {
            url_of(&Params {
                page: n,
                ..p.clone()
            })
        }),
        problem,
        help,
        asked,
    };
    let mut res = html(status, state.renderer().search(&view)?)?;
    if let Some(w) = wait {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(w));
        state.metrics().rate_limited("search");
    }
    Ok(res)
}

/// Sites whose name or short name shares a word of two characters or more with the question:
/// the units most likely to own the topic (at most three).
fn likely_units(ctx: &SiteCtx, q: &str) -> Vec<Choice> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .flat_map(|part| {
            let chars: Vec<char> = part.chars().collect();
            chars
                .windows(2)
                .map(|w| w.iter().collect::<String>())
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    ctx.snap
        .sites()
        .into_iter()
        .filter(|s| s.tenant.status == zq_domain::TenantStatus::Active)
        .filter(|s| {
            let name = s.tenant.short_name.as_deref().unwrap_or(&s.tenant.name);
            words.iter().any(|w| name.contains(w.as_str()))
        })
        .take(3)
        .map(|s| Choice {
            name: String::new(),
            label: s.tenant.name.clone(),
            url: ctx.links.site_url(s, "/"),
            current: false,
        })
        .collect()
}
