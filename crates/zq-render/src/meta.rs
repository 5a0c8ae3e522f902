//! The page metadata of the national page design rules (政府网站网页设计规范): the `<meta>`
//! names SiteName, SiteDomain, SiteIDCode, ColumnName, ColumnDescription, ColumnKeywords,
//! ColumnType, ArticleTitle, PubDate, ContentSource, Keywords, Author, Description, Image and
//! Url, filled from the page's content. Every page carries the site's fields, its column's
//! (the page's own section where it has no column: 首页, 网站地图, 互动交流 …), a description,
//! keywords and its canonical URL; article pages add the article's. A field with nothing to
//! say is left out rather than filled with filler.

use crate::view::MetaTag;

/// The site a page belongs to.
#[derive(Debug, Clone, Copy)]
pub struct SiteFacts<'a> {
    pub name: &'a str,
    /// The site's canonical host name.
    pub domain: &'a str,
    /// 网站标识码.
    pub site_id: Option<&'a str>,
}

/// The column (or the section of the site) a page is in.
#[derive(Debug, Clone, Copy)]
pub struct ColumnFacts<'a> {
    pub name: &'a str,
    /// The column's top-level ancestor (the page's category), e.g. 政务公开.
    pub category: &'a str,
    /// Who keeps the column (its responsible unit), for the description.
    pub keeper: Option<&'a str>,
}

/// An article page's own facts.
#[derive(Debug, Clone, Copy)]
pub struct ArticleFacts<'a> {
    pub title: &'a str,
    /// `YYYY-MM-DD HH:MM`, Beijing time.
    pub published: &'a str,
    pub source: Option<&'a str>,
    pub author: Option<&'a str>,
    pub summary: Option<&'a str>,
    /// The sanitized body HTML (for the description and the first picture).
    pub body: &'a str,
}

/// Characters of body text a description takes when the article has no summary.
const DESCRIPTION_CHARS: usize = 120;

/// The page's meta tags, in the order of the design rules.
pub fn tags(
    site: SiteFacts<'_>,
    column: ColumnFacts<'_>,
    article: Option<ArticleFacts<'_>>,
    url: &str,
    origin: &str,
) -> Vec<MetaTag> {
    let mut out = Vec::with_capacity(15);
    let mut put = |name: &'static str, content: Option<String>| {
        if let Some(content) = content
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
        {
            out.push(MetaTag { name, content });
        }
    };
    put("SiteName", Some(site.name.to_owned()));
    put("SiteDomain", Some(site.domain.to_owned()));
    put("SiteIDCode", site.site_id.map(str::to_owned));
    put("ColumnName", Some(column.name.to_owned()));
    put(
        "ColumnDescription",
        Some(match column.keeper {
            Some(k) => format!("{}{}栏目，由{}负责维护", site.name, column.name, k),
            None => format!("{}{}栏目", site.name, column.name),
        }),
    );
    put(
        "ColumnKeywords",
        Some(keywords(&[column.name, column.category, site.name])),
    );
    put("ColumnType", Some(column.category.to_owned()));
    let description = match article {
        Some(a) => {
            put("ArticleTitle", Some(a.title.to_owned()));
            put("PubDate", Some(a.published.to_owned()));
            put("ContentSource", a.source.map(str::to_owned));
            put(
                "Keywords",
                Some(keywords(&[a.title, column.name, site.name])),
            );
            put("Author", a.author.map(str::to_owned));
            a.summary
                .map(str::to_owned)
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| excerpt(a.body))
        }
        None => {
            put("Keywords", Some(keywords(&[column.name, site.name])));
            if column.name == column.category && column.name == "首页" {
                format!("{}官方网站", site.name)
            } else {
                format!("{} - {}", column.name, site.name)
            }
        }
    };
    put("Description", Some(description));
    put(
        "Image",
        article
            .and_then(|a| first_image(a.body))
            .map(|src| absolute(&src, origin)),
    );
    put("Url", Some(url.to_owned()));
    out
}

/// Distinct non-empty words joined by commas.
fn keywords(words: &[&str]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for w in words.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
        if !seen.contains(&w) {
            seen.push(w);
        }
    }
    seen.join(",")
}

/// The body's text without tags, whitespace collapsed, cut to [`DESCRIPTION_CHARS`].
fn excerpt(html: &str) -> String {
    let mut text = String::with_capacity(html.len().min(1024));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"");
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.chars().count() > DESCRIPTION_CHARS {
        let cut: String = joined.chars().take(DESCRIPTION_CHARS).collect();
        format!("{cut}…")
    } else {
        joined
    }
}

/// The `src` of the body's first `<img>`.
fn first_image(html: &str) -> Option<String> {
    let at = html.find("<img")?;
    let tag = &html[at..at + html[at..].find('>')?];
    let src = tag.split_once("src=\"")?.1;
    Some(src[..src.find('"')?].to_owned()).filter(|s| !s.is_empty())
}

fn absolute(src: &str, origin: &str) -> String {
    if src.starts_with("http://") || src.starts_with("https://") {
        src.to_owned()
    } else if let Some(rest) = src.strip_prefix("//") {
        format!("{}//{rest}", origin.split("//").next().unwrap_or("https:"))
    } else {
        format!("{origin}{src}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: SiteFacts<'static> = SiteFacts {
        name: "海川市民政局",
        domain: "mzj.haichuan.gov.cn",
        site_id: Some("3301000012"),
    };

    fn names(tags: &[MetaTag]) -> Vec<&'static str> {
        tags.iter().map(|t| t.name).collect()
    }

    fn get<'a>(tags: &'a [MetaTag], name: &str) -> Option<&'a str> {
        tags.iter()
            .find(|t| t.name == name)
            .map(|t| t.content.as_str())
    }

    #[test]
    fn an_article_page_carries_every_field_of_the_rules() {
        let col = ColumnFacts {
            name: "通知公告",
            category: "政务公开",
            keeper: Some("办公室"),
        };
        let a = ArticleFacts {
            title: "关于开展养老服务检查的通知",
            published: "2026-11-02 09:30",
            source: Some("海川市民政局"),
            author: Some("办公室"),
            summary: None,
            body: "<p>各区民政局：</p><p><img src=\"/files/ab/pic.png\" alt=\"现场\">为做好&amp;检查</p>",
        };
        let t = tags(
            SITE,
            col,
            Some(a),
            "https://mzj.haichuan.gov.cn/art/7.html",
            "https://mzj.haichuan.gov.cn",
        );
        assert_eq!(
            names(&t),
            [
                "SiteName",
                "SiteDomain",
                "SiteIDCode",
                "ColumnName",
                "ColumnDescription",
                "ColumnKeywords",
                "ColumnType",
                "ArticleTitle",
                "PubDate",
                "ContentSource",
                "Keywords",
                "Author",
                "Description",
                "Image",
                "Url"
            ]
        );
        assert_eq!(get(&t, "ColumnType"), Some("政务公开"));
        assert_eq!(get(&t, "Description"), Some("各区民政局： 为做好&检查"));
        assert_eq!(
            get(&t, "Image"),
            Some("https://mzj.haichuan.gov.cn/files/ab/pic.png")
        );
        assert_eq!(
            get(&t, "ColumnDescription"),
            Some("海川市民政局通知公告栏目，由办公室负责维护")
        );
    }

    #[test]
    fn other_pages_carry_the_site_and_section_fields_without_article_ones() {
        let home = ColumnFacts {
            name: "首页",
            category: "首页",
            keeper: None,
        };
        let t = tags(SITE, home, None, "https://x/", "https://x");
        assert_eq!(get(&t, "Description"), Some("海川市民政局官方网站"));
        assert_eq!(get(&t, "ColumnKeywords"), Some("首页,海川市民政局"));
        for absent in ["ArticleTitle", "PubDate", "Image", "Author"] {
            assert_eq!(get(&t, absent), None, "{absent}");
        }
        let no_id = SiteFacts {
            site_id: None,
            ..SITE
        };
        assert_eq!(get(&tags(no_id, home, None, "u", "o"), "SiteIDCode"), None);
    }

    #[test]
    fn a_summary_is_the_description_and_long_bodies_are_cut() {
        let col = ColumnFacts {
            name: "工作动态",
            category: "工作动态",
            keeper: None,
        };
        let long = "字".repeat(300);
        let a = |summary| ArticleFacts {
            title: "t",
            published: "2026-01-01 00:00",
            source: None,
            author: None,
            summary,
            body: &long,
        };
        let t = tags(SITE, col, Some(a(Some("摘要"))), "u", "o");
        assert_eq!(get(&t, "Description"), Some("摘要"));
        let t = tags(SITE, col, Some(a(None)), "u", "o");
        assert_eq!(
            get(&t, "Description").map(|d| d.chars().count()),
            Some(DESCRIPTION_CHARS + 1)
        );
        assert_eq!(get(&t, "ContentSource"), None);
    }
}
