//! The public URL space of one tenant's site, parsed from a raw request path.
//!
//! Every site has the same shape: `/` (home), `/col/{slug}/` and `/col/{slug}/page/{n}/` (a
//! column and its later pages), `/col/{slug}/atom.xml` (the column's feed), `/art/{id}.html`
//! (an article), `/sitemap.html` and `/sitemap.xml`, and the report feed of the site's
//! published items for a superior portal to pull, `/report/feed.xml` (Atom) and
//! `/report/feed.json` (JSON Feed 1.1). The same paths are reachable under
//! `/sites/{code}` on any cluster host. Parsing is pure so that it can be fuzzed and unit-tested.

use percent_encoding::percent_decode_str;

use crate::consult::ConsultKind;
use crate::{ArticleId, ColumnSlug};

/// Longest request path accepted, in bytes, before decoding.
pub const MAX_PATH_LEN: usize = 2048;

/// A page of a tenant's site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteRoute {
    Home,
    Column {
        slug: ColumnSlug,
        page: u32,
    },
    ColumnFeed {
        slug: ColumnSlug,
    },
    Article {
        id: ArticleId,
    },
    /// `/art/{id}.qr.svg`: the QR code of an article's address, a picture of its own so the
    /// article's page carries a 128-pixel `<img>` and not 4 KB of path data.
    ArticleQr {
        id: ArticleId,
    },
    SiteMapHtml,
    SiteMapXml,
    /// `/robots.txt`: what crawlers may index, and where the sitemap is.
    Robots,
    /// `/favicon.ico`: the site's icon (its logo, else the cluster's).
    Favicon,
    /// `/zhanqun/`: the cluster directory (站群导航): every department, district and town site.
    Directory,
    /// The site's report feed as Atom: `/report/feed.xml`.
    ReportFeedAtom,
    /// The site's report feed as JSON Feed 1.1: `/report/feed.json`.
    ReportFeedJson,
    /// The site's interaction page (互动交流): its mailboxes, forms and figures, `/hudong/`.
    Interaction,
    /// The public registry of replied letters (信件选登), `/hudong/xinjian/` and its later
    /// pages `/hudong/xinjian/page/{n}/`.
    Registry {
        page: u32,
    },
    /// One letter of the registry with its reply, `/hudong/xinjian/{id}.html`.
    RegistryLetter {
        id: i64,
    },
    /// The monthly statistics of the site's letters, `/hudong/tongji/` (this year) and
    /// `/hudong/tongji/{year}/`.
    Statistics {
        year: Option<i32>,
    },
    /// A site's consultations of one kind (意见征集 `/hudong/zhengji/`, 网上调查
    /// `/hudong/diaocha/`, 在线访谈 `/hudong/fangtan/`).
    Consultations {
        kind: ConsultKind,
    },
    /// One consultation, `/hudong/{segment}/{id}.html`.
    Consultation {
        kind: ConsultKind,
        id: i64,
    },
    /// The path has a canonical form elsewhere (relative to the site's base).
    Redirect(String),
    /// Well-formed, but no such page.
    NotFound,
}

/// Why a path could not be routed at all: the client's fault, answered with a 4xx.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("the request path is longer than {MAX_PATH_LEN} bytes")]
    TooLong,
    #[error("the request path is not valid UTF-8 once percent-decoded")]
    InvalidUtf8,
    #[error("the request path contains a '..' segment, a backslash or a control character")]
    Traversal,
    #[error("the request path must start with '/'")]
    NotAbsolute,
}

/// Splits the `/sites/{code}/rest` alias into the code and the rest of the path (starting
/// with `/`). A bare `/sites/{code}` yields an empty rest, which callers redirect to the slash
/// form. Returns `None` for paths outside the alias.
pub fn split_alias(path: &str) -> Option<(&str, &str)> {
    let after = path.strip_prefix("/sites/")?;
    match after.find('/') {
        Some(i) => Some((&after[..i], &after[i..])),
        None => Some((after, "")),
    }
}

/// Checks a raw path and returns it percent-decoded.
pub fn decode_path(raw: &str) -> Result<String, PathError> {
    if raw.len() > MAX_PATH_LEN {
        return Err(PathError::TooLong);
    }
    if !raw.starts_with('/') {
        return Err(PathError::NotAbsolute);
    }
    let decoded = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| PathError::InvalidUtf8)?;
    let bad_char = decoded.chars().any(|c| c == '\\' || c.is_control());
    let dot_segment = decoded.split('/').any(|seg| seg == ".." || seg == ".");
    if bad_char || dot_segment {
        return Err(PathError::Traversal);
    }
    Ok(decoded.into_owned())
}

impl SiteRoute {
    /// Routes a raw (still percent-encoded) path relative to a site's base.
    pub fn parse(raw: &str) -> Result<SiteRoute, PathError> {
        let path = decode_path(raw)?;
        let segs: Vec<&str> = path[1..].split('/').collect();
        Ok(match segs.as_slice() {
            [""] | ["index.html"] => SiteRoute::Home,
            ["sitemap.html"] => SiteRoute::SiteMapHtml,
            ["sitemap.xml"] => SiteRoute::SiteMapXml,
            ["robots.txt"] => SiteRoute::Robots,
            ["favicon.ico"] => SiteRoute::Favicon,
            ["zhanqun"] => SiteRoute::Redirect("/zhanqun/".into()),
            ["zhanqun", ""] | ["zhanqun", "index.html"] => SiteRoute::Directory,
            ["report", "feed.xml"] => SiteRoute::ReportFeedAtom,
            ["report", "feed.json"] => SiteRoute::ReportFeedJson,
            ["hudong", rest @ ..] => interaction_route(rest),
            ["art", file] => {
                let number = |suffix| file.strip_suffix(suffix).and_then(parse_number::<i64>);
                match (number(".html"), number(".qr.svg")) {
                    (Some(id), _) => SiteRoute::Article { id: ArticleId(id) },
                    (_, Some(id)) => SiteRoute::ArticleQr { id: ArticleId(id) },
                    _ => SiteRoute::NotFound,
                }
            }
            ["col", slug, rest @ ..] => match ColumnSlug::parse(slug) {
                Err(_) => SiteRoute::NotFound,
                Ok(slug) => match rest {
                    [] => SiteRoute::Redirect(format!("/col/{slug}/")),
                    [""] | ["index.html"] => SiteRoute::Column { slug, page: 1 },
                    ["atom.xml"] => SiteRoute::ColumnFeed { slug },
                    ["page", n] | ["page", n, ""] => match parse_number::<u32>(n) {
                        Some(1) => SiteRoute::Redirect(format!("/col/{slug}/")),
                        Some(page) if rest.len() == 3 => SiteRoute::Column { slug, page },
                        Some(page) => SiteRoute::Redirect(format!("/col/{slug}/page/{page}/")),
                        None => SiteRoute::NotFound,
                    },
                    _ => SiteRoute::NotFound,
                },
            },
            _ => SiteRoute::NotFound,
        })
    }
}

/// A positive decimal number without sign or leading zeros; anything else is `None`.
fn parse_number<T: std::str::FromStr + Default + PartialEq>(s: &str) -> Option<T> {
    let plain = !s.is_empty()
        && s.len() <= 18
        && s.bytes().all(|b| b.is_ascii_digit())
        && !s.starts_with('0');
    if !plain {
        return None;
    }
    s.parse::<T>().ok().filter(|n| *n != T::default())
}

/// The paths under `/hudong/`.
fn interaction_route(rest: &[&str]) -> SiteRoute {
    match rest {
        [] => SiteRoute::Redirect("/hudong/".into()),
        [""] | ["index.html"] => SiteRoute::Interaction,
        ["xinjian"] => SiteRoute::Redirect("/hudong/xinjian/".into()),
        ["xinjian", ""] => SiteRoute::Registry { page: 1 },
        ["xinjian", "page", n, tail @ ..] => match (parse_number::<u32>(n), tail) {
            (Some(1), _) => SiteRoute::Redirect("/hudong/xinjian/".into()),
            (Some(page), [""]) => SiteRoute::Registry { page },
            (Some(page), []) => SiteRoute::Redirect(format!("/hudong/xinjian/page/{page}/")),
            _ => SiteRoute::NotFound,
        },
        ["xinjian", file] => match file.strip_suffix(".html").and_then(parse_number::<i64>) {
            Some(id) => SiteRoute::RegistryLetter { id },
            None => SiteRoute::NotFound,
        },
        ["tongji"] => SiteRoute::Redirect("/hudong/tongji/".into()),
        ["tongji", ""] => SiteRoute::Statistics { year: None },
        ["tongji", y, tail @ ..] => match (parse_number::<i32>(y), tail) {
            (Some(year), [""]) if (2000..=2100).contains(&year) => {
                SiteRoute::Statistics { year: Some(year) }
            }
            (Some(year), []) if (2000..=2100).contains(&year) => {
                SiteRoute::Redirect(format!("/hudong/tongji/{year}/"))
            }
            _ => SiteRoute::NotFound,
        },
        [seg, tail @ ..] => match (ConsultKind::from_segment(seg), tail) {
            (Some(_), []) => SiteRoute::Redirect(format!("/hudong/{seg}/")),
            (Some(kind), [""]) => SiteRoute::Consultations { kind },
            (Some(kind), [file]) => {
                match file.strip_suffix(".html").and_then(parse_number::<i64>) {
                    Some(id) => SiteRoute::Consultation { kind, id },
                    None => SiteRoute::NotFound,
                }
            }
            _ => SiteRoute::NotFound,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(s: &str) -> ColumnSlug {
        ColumnSlug::parse(s).unwrap()
    }

    #[test]
    fn interaction_paths_route_to_the_registry_and_statistics() {
        let cases = [
            (
                "/hudong/zhengji/",
                SiteRoute::Consultations {
                    kind: ConsultKind::Solicitation,
                },
            ),
            (
                "/hudong/diaocha",
                SiteRoute::Redirect("/hudong/diaocha/".into()),
            ),
            (
                "/hudong/fangtan/12.html",
                SiteRoute::Consultation {
                    kind: ConsultKind::Interview,
                    id: 12,
                },
            ),
            ("/hudong/fangtan/012.html", SiteRoute::NotFound),
            ("/hudong/zhengji/1/", SiteRoute::NotFound),
            ("/hudong/qita/", SiteRoute::NotFound),
            ("/hudong/", SiteRoute::Interaction),
            ("/hudong", SiteRoute::Redirect("/hudong/".into())),
            ("/hudong/xinjian/", SiteRoute::Registry { page: 1 }),
            (
                "/hudong/xinjian",
                SiteRoute::Redirect("/hudong/xinjian/".into()),
            ),
            ("/hudong/xinjian/page/2/", SiteRoute::Registry { page: 2 }),
            (
                "/hudong/xinjian/page/2",
                SiteRoute::Redirect("/hudong/xinjian/page/2/".into()),
            ),
            (
                "/hudong/xinjian/page/1/",
                SiteRoute::Redirect("/hudong/xinjian/".into()),
            ),
            ("/hudong/xinjian/page/0/", SiteRoute::NotFound),
            ("/hudong/xinjian/page/x/", SiteRoute::NotFound),
            (
                "/hudong/xinjian/17.html",
                SiteRoute::RegistryLetter { id: 17 },
            ),
            ("/hudong/xinjian/017.html", SiteRoute::NotFound),
            ("/hudong/xinjian/a.html", SiteRoute::NotFound),
            ("/hudong/tongji/", SiteRoute::Statistics { year: None }),
            (
                "/hudong/tongji/2026/",
                SiteRoute::Statistics { year: Some(2026) },
            ),
            (
                "/hudong/tongji/2026",
                SiteRoute::Redirect("/hudong/tongji/2026/".into()),
            ),
            ("/hudong/tongji/1999/", SiteRoute::NotFound),
            ("/hudong/other/", SiteRoute::NotFound),
        ];
        for (path, want) in cases {
            assert_eq!(SiteRoute::parse(path).unwrap(), want, "{path}");
        }
    }

    #[test]
    fn site_paths_route_to_pages() {
        let cases = [
            ("/", SiteRoute::Home),
            ("/index.html", SiteRoute::Home),
            ("/sitemap.html", SiteRoute::SiteMapHtml),
            ("/sitemap.xml", SiteRoute::SiteMapXml),
            ("/robots.txt", SiteRoute::Robots),
            ("/favicon.ico", SiteRoute::Favicon),
            ("/zhanqun/", SiteRoute::Directory),
            ("/zhanqun", SiteRoute::Redirect("/zhanqun/".into())),
            ("/art/42.html", SiteRoute::Article { id: ArticleId(42) }),
            ("/art/042.html", SiteRoute::NotFound),
            ("/art/42.qr.svg", SiteRoute::ArticleQr { id: ArticleId(42) }),
            ("/art/042.qr.svg", SiteRoute::NotFound),
            ("/art/42.svg", SiteRoute::NotFound),
            ("/art/abc.html", SiteRoute::NotFound),
            ("/art/0.html", SiteRoute::NotFound),
            ("/art/99999999999999999999.html", SiteRoute::NotFound),
            ("/art/42", SiteRoute::NotFound),
            (
                "/col/gzdt/",
                SiteRoute::Column {
                    slug: slug("gzdt"),
                    page: 1,
                },
            ),
            ("/col/gzdt", SiteRoute::Redirect("/col/gzdt/".into())),
            (
                "/col/gzdt/page/3/",
                SiteRoute::Column {
                    slug: slug("gzdt"),
                    page: 3,
                },
            ),
            (
                "/col/gzdt/page/3",
                SiteRoute::Redirect("/col/gzdt/page/3/".into()),
            ),
            (
                "/col/gzdt/page/1/",
                SiteRoute::Redirect("/col/gzdt/".into()),
            ),
            ("/col/gzdt/page/0/", SiteRoute::NotFound),
            ("/col/gzdt/page/-1/", SiteRoute::NotFound),
            ("/col/gzdt/page/x/", SiteRoute::NotFound),
            ("/col/gzdt/page/99999999999/", SiteRoute::NotFound),
            (
                "/col/gzdt/atom.xml",
                SiteRoute::ColumnFeed { slug: slug("gzdt") },
            ),
            ("/report/feed.xml", SiteRoute::ReportFeedAtom),
            ("/report/feed.json", SiteRoute::ReportFeedJson),
            ("/report/feed%2Ejson", SiteRoute::ReportFeedJson),
            ("/report/", SiteRoute::NotFound),
            ("/report/feed", SiteRoute::NotFound),
            ("/report/feed.xml/", SiteRoute::NotFound),
            ("/report/feed.rss", SiteRoute::NotFound),
            ("/col/GZDT/", SiteRoute::NotFound),
            ("/col/%E5%B7%A5/", SiteRoute::NotFound),
            ("/nothing/here", SiteRoute::NotFound),
            ("//", SiteRoute::NotFound),
        ];
        for (path, want) in cases {
            assert_eq!(SiteRoute::parse(path), Ok(want), "{path}");
        }
    }

    #[test]
    fn hostile_paths_are_refused() {
        let long = format!("/{}", "a".repeat(MAX_PATH_LEN));
        let cases = [
            ("/../etc/passwd", PathError::Traversal),
            ("/col/%2e%2e/x", PathError::Traversal),
            ("/col/%2E%2E%2Fetc", PathError::Traversal),
            ("/a/./b", PathError::Traversal),
            ("/a%5cb", PathError::Traversal),
            ("/a%00b", PathError::Traversal),
            ("/%FF%FE", PathError::InvalidUtf8),
            ("/%C0%AF", PathError::InvalidUtf8),
            ("relative", PathError::NotAbsolute),
            (long.as_str(), PathError::TooLong),
        ];
        for (path, want) in cases {
            assert_eq!(SiteRoute::parse(path), Err(want), "{path}");
        }
    }

    #[test]
    fn alias_splits_code_and_rest() {
        assert_eq!(split_alias("/sites/fgw/"), Some(("fgw", "/")));
        assert_eq!(
            split_alias("/sites/fgw/col/gzdt/"),
            Some(("fgw", "/col/gzdt/"))
        );
        assert_eq!(split_alias("/sites/fgw"), Some(("fgw", "")));
        assert_eq!(split_alias("/sites/"), Some(("", "")));
        assert_eq!(split_alias("/col/x/"), None);
    }
}
