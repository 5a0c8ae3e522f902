//! Upstream feeds of reporting channels: parse a fetched feed as Atom (roxmltree) or JSON
//! Feed (serde_json), and pull a channel's feed (fetch through the services' outgoing HTTP
//! client, parse, hand the items to `Store::import_feed_items`, which skips the ones imported
//! before). The `FeedPulls` job does this for every open channel with a feed every
//! `feeds.pull_secs`; `POST /api/v1/channels/{id}/pull` does it for one channel now.
//!
//! Limits: a feed larger than [`MAX_FEED_BYTES`] is refused whole; only the first
//! [`MAX_FEED_ITEMS`] items of a feed are looked at (feeds list the newest first). Every pull
//! is reported to the services' telemetry (counted in the metrics by the HTTP layer).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use zq_domain::html::escape_html;
use zq_store::{FeedItem, ImportReport, ReportingError};

use crate::Services;
pub use crate::fetch::FeedError;

/// Largest feed accepted, in bytes.
pub const MAX_FEED_BYTES: usize = 2 * 1024 * 1024;
/// Items of one feed looked at, from the top.
pub const MAX_FEED_ITEMS: usize = 200;

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
/// The namespace of Zhanqun's additions to Atom (`zq:source`, `zq:adopted-from`).
const ZQ_NS: &str = "urn:zhanqun:report";
/// What the puller asks for.
const ACCEPT: &str =
    "application/feed+json, application/atom+xml, application/json;q=0.9, application/xml;q=0.8";

/// Why pulling a channel did not happen.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error("channel {0} not found")]
    NoChannel(i64),
    #[error("channel {0} has no feed URL")]
    NoFeed(i64),
    #[error("channel {0} is closed")]
    Closed(i64),
    #[error(transparent)]
    Feed(#[from] FeedError),
    #[error(transparent)]
    Import(#[from] ReportingError),
}

/// What one pull did.
#[derive(Debug, Clone)]
pub struct PullReport {
    pub channel_id: i64,
    pub url: String,
    pub import: ImportReport,
}

/// Checks that `url` is something the puller can fetch: `http(s)://host[:port]/…`.
pub fn check_url(url: &str) -> Result<(), FeedError> {
    let url = url.trim();
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| {
            FeedError::BadUrl("only http:// and https:// addresses can be pulled".into())
        })?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split(']').next().unwrap_or("").trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        return Err(FeedError::BadUrl("the address has no host".into()));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(FeedError::BadUrl("the address contains spaces".into()));
    }
    Ok(())
}

/// Parses an Atom feed or a JSON Feed (1.0 or 1.1); at most [`MAX_FEED_ITEMS`] items.
pub fn parse_feed(bytes: &[u8]) -> Result<Vec<FeedItem>, FeedError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|_| FeedError::Malformed("the feed is not UTF-8".into()))?;
    match text.trim_start().as_bytes().first() {
        Some(b'{') => parse_json_feed(text),
        Some(b'<') => parse_atom(text),
        _ => Err(FeedError::Malformed(
            "neither an Atom feed nor a JSON Feed".into(),
        )),
    }
}

fn parse_json_feed(text: &str) -> Result<Vec<FeedItem>, FeedError> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| FeedError::Malformed(format!("invalid JSON: {e}")))?;
    let version = doc.get("version").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("https://jsonfeed.org/version/1") {
        return Err(FeedError::Malformed(
            "not a JSON Feed (no \"version\": \"https://jsonfeed.org/version/1.1\")".into(),
        ));
    }
    let items = doc
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| FeedError::Malformed("a JSON Feed needs an \"items\" array".into()))?;
    let feed_author = first_author(&doc);
    Ok(items
        .iter()
        .take(MAX_FEED_ITEMS)
        .map(|item| {
            let s = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_owned);
            let url = s("url").or_else(|| s("external_url"));
            let id = match item.get("id") {
                Some(Value::String(id)) => Some(id.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            }
            .filter(|id| !id.trim().is_empty())
            .or_else(|| url.clone())
            .unwrap_or_default();
            let body = s("content_html")
                .or_else(|| s("content_text").map(|t| text_to_html(&t)))
                .or_else(|| s("summary").map(|t| text_to_html(&t)))
                .unwrap_or_default();
            FeedItem {
                id,
                title: s("title").unwrap_or_default(),
                url,
                body,
                source: item
                    .get("_zhanqun")
                    .and_then(|z| z.get("source"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                author: first_author(item).or_else(|| feed_author.clone()),
                published: s("date_published")
                    .or_else(|| s("date_modified"))
                    .and_then(|d| rfc3339(&d)),
            }
        })
        .collect())
}

/// The first author's name: `authors` (1.1) or `author` (1.0).
fn first_author(v: &Value) -> Option<String> {
    v.get("authors")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .or_else(|| v.get("author"))
        .and_then(|a| a.get("name"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn parse_atom(text: &str) -> Result<Vec<FeedItem>, FeedError> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts)
        .map_err(|e| FeedError::Malformed(format!("invalid XML: {e}")))?;
    let root = doc.root_element();
    if root.tag_name().name() == "rss" {
        return Err(FeedError::Malformed(
            "RSS is not supported; offer Atom or JSON Feed".into(),
        ));
    }
    if root.tag_name().name() != "feed" || root.tag_name().namespace() != Some(ATOM_NS) {
        return Err(FeedError::Malformed(
            "not an Atom feed (the root must be <feed xmlns=\"http://www.w3.org/2005/Atom\">)"
                .into(),
        ));
    }
    let feed_author = author_of(root);
    Ok(children(root, ATOM_NS, "entry")
        .take(MAX_FEED_ITEMS)
        .map(|e| {
            let url = children(e, ATOM_NS, "link")
                .find(|l| l.attribute("rel").is_none_or(|r| r == "alternate"))
                .and_then(|l| l.attribute("href"))
                .map(|h| h.trim().to_owned());
            let title = child(e, ATOM_NS, "title")
                .map(|t| match t.attribute("type") {
                    Some("html") | Some("xhtml") => zq_domain::html::text_of_html(&text_of(&t)),
                    _ => text_of(&t),
                })
                .unwrap_or_default();
            let body = child(e, ATOM_NS, "content")
                .or_else(|| child(e, ATOM_NS, "summary"))
                .map(|c| atom_html(&c, text))
                .unwrap_or_default();
            FeedItem {
                id: child(e, ATOM_NS, "id")
                    .map(|i| text_of(&i).trim().to_owned())
                    .unwrap_or_default(),
                title,
                url,
                body,
                source: child(e, ZQ_NS, "source").map(|s| text_of(&s)),
                author: author_of(e).or_else(|| feed_author.clone()),
                published: child(e, ATOM_NS, "published")
                    .or_else(|| child(e, ATOM_NS, "updated"))
                    .and_then(|d| rfc3339(&text_of(&d))),
            }
        })
        .collect())
}

/// An RFC 3339 date (Atom and JSON Feed both use it); `None` when it is not one.
fn rfc3339(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// The child elements of `n` named `name` in namespace `ns`.
fn children<'a, 'i>(
    n: roxmltree::Node<'a, 'i>,
    ns: &'static str,
    name: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    n.children().filter(move |c| {
        c.is_element() && c.tag_name().name() == name && c.tag_name().namespace() == Some(ns)
    })
}

/// The first child element of `n` named `name` in namespace `ns`.
fn child<'a, 'i>(
    n: roxmltree::Node<'a, 'i>,
    ns: &'static str,
    name: &'static str,
) -> Option<roxmltree::Node<'a, 'i>> {
    children(n, ns, name).next()
}

/// An entry's (or the feed's) author name.
fn author_of(n: roxmltree::Node) -> Option<String> {
    child(n, ATOM_NS, "author")
        .and_then(|a| child(a, ATOM_NS, "name"))
        .map(|a| text_of(&a).trim().to_owned())
        .filter(|a| !a.is_empty())
}

/// Every text below a node, in order.
fn text_of(n: &roxmltree::Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

/// An Atom text construct as HTML: `html` as is, `xhtml` as the markup inside its `div`, and
/// plain text escaped into paragraphs.
fn atom_html(n: &roxmltree::Node, input: &str) -> String {
    match n.attribute("type").unwrap_or("text") {
        "html" | "text/html" => text_of(n),
        "xhtml" | "application/xhtml+xml" => {
            let div = n.children().find(|c| c.is_element());
            match div.and_then(|d| Some((d.first_child()?, d.last_child()?))) {
                Some((first, last)) => input
                    .get(first.range().start..last.range().end)
                    .unwrap_or_default()
                    .to_owned(),
                None => text_to_html(&text_of(n)),
            }
        }
        _ => text_to_html(&text_of(n)),
    }
}

/// Plain text as escaped HTML paragraphs, one per non-empty line.
fn text_to_html(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("<p>{}</p>", escape_html(l)))
        .collect()
}

/// Pulls channel `id`'s feed now: fetch, parse, import (new items only).
pub async fn pull(svc: &Services, id: i64) -> Result<PullReport, PullError> {
    let channel = svc
        .store()
        .channel(id)
        .await
        .map_err(ReportingError::from)?
        .ok_or(PullError::NoChannel(id))?;
    let url = channel.feed_url.clone().ok_or(PullError::NoFeed(id))?;
    if !channel.active {
        return Err(PullError::Closed(id));
    }
    let result = async {
        let bytes = svc.fetcher().get(&url, ACCEPT, MAX_FEED_BYTES).await?;
        let items = parse_feed(&bytes)?;
        Ok::<_, PullError>(svc.store().import_feed_items(id, items).await?)
    }
    .await;
    svc.telemetry()
        .feed_pull(id, result.as_ref().map(|r| r.new as u64).ok());
    Ok(PullReport {
        channel_id: id,
        url,
        import: result?,
    })
}

/// Failures in a row per channel, so a feed that stays down is logged once, not every round.
#[derive(Debug, Default)]
pub struct PullHealth {
    failing: HashMap<i64, u64>,
    listing_failed: bool,
    /// Failed pulls since the puller started.
    pub failures: u64,
}

/// One round of the background puller: every channel with a feed, one after another. Never
/// fails: problems are logged (once per failing streak) and counted.
pub async fn pull_all(svc: &Services, health: &mut PullHealth) {
    let channels = match svc.store().channels().await {
        Ok(c) => {
            health.listing_failed = false;
            c
        }
        Err(e) => {
            health.failures += 1;
            if !std::mem::replace(&mut health.listing_failed, true) {
                tracing::warn!(error = %e, "listing channels to pull their feeds failed; retrying every round");
            }
            return;
        }
    };
    for ch in channels.iter().filter(|c| c.active && c.feed_url.is_some()) {
        match pull(svc, ch.id).await {
            Ok(r) => {
                if let Some(n) = health.failing.remove(&ch.id) {
                    tracing::info!(channel = ch.id, failed_rounds = n, "feed pull works again");
                }
                if r.import.new > 0 || r.import.invalid > 0 {
                    tracing::info!(
                        channel = ch.id,
                        new = r.import.new,
                        adopted = r.import.adopted,
                        invalid = r.import.invalid,
                        "feed pulled"
                    );
                }
            }
            Err(e) => {
                health.failures += 1;
                let streak = health.failing.entry(ch.id).or_insert(0);
                *streak += 1;
                if *streak == 1 {
                    tracing::warn!(channel = ch.id, url = ch.feed_url.as_deref().unwrap_or(""), error = %e,
                        total_failures = health.failures, "pulling a feed failed; not logged again until it works");
                } else {
                    tracing::debug!(channel = ch.id, error = %e, streak = *streak, "pulling a feed failed again");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom_entries_give_id_title_link_html_source_and_author() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:zq="urn:zhanqun:report">
<id>tag:x,2026:report</id><title>t</title><author><name>海川市发展和改革委员会</name></author>
<entry><id>tag:x,2026:article:1</id><title>重点项目 &amp; 推进会</title>
<published>2026-03-02T09:30:00+08:00</published><updated>2026-03-05T00:00:00Z</updated>
<link rel="alternate" type="text/html" href="http://x/art/1.html"/>
<zq:source>市发改委</zq:source>
<content type="html">&lt;p&gt;正文&lt;/p&gt;</content></entry>
<entry><id>tag:x,2026:article:2</id><title type="html">&lt;b&gt;二&lt;/b&gt;</title>
<author><name>别人</name></author><updated>2026-03-04T08:00:00Z</updated>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>甲</p><p>乙</p></div></content></entry>
<entry><id>tag:x,2026:article:3</id><title>三</title><summary>一行
两行 &lt;b&gt;</summary></entry>
</feed>"#;
        let items = parse_feed(atom.as_bytes()).unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].id, "tag:x,2026:article:1");
        assert_eq!(items[0].title, "重点项目 & 推进会");
        assert_eq!(items[0].url.as_deref(), Some("http://x/art/1.html"));
        assert_eq!(items[0].body, "<p>正文</p>");
        assert_eq!(items[0].source.as_deref(), Some("市发改委"));
        assert_eq!(items[0].author.as_deref(), Some("海川市发展和改革委员会"));
        assert_eq!(items[1].title, "二");
        assert_eq!(items[1].body, "<p>甲</p><p>乙</p>");
        assert_eq!(items[1].author.as_deref(), Some("别人"));
        assert_eq!(items[2].body, "<p>一行</p><p>两行 &lt;b&gt;</p>");
        let date = |s: &str| Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc));
        assert_eq!(
            items[0].published,
            date("2026-03-02T01:30:00Z"),
            "published first"
        );
        assert_eq!(
            items[1].published,
            date("2026-03-04T08:00:00Z"),
            "else updated"
        );
        assert_eq!(items[2].published, None);
    }

    #[test]
    fn json_feed_items_give_id_title_url_html_and_source() {
        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "t",
            "authors": [{"name": "海川市教育局"}],
            "items": [
              {"id": "a1", "title": "一", "url": "http://x/1", "content_html": "<p>1</p>",
               "_zhanqun": {"source": "市教育局"}, "date_published": "2026-04-01T10:00:00+08:00"},
              {"id": 2, "title": "二", "content_text": "x < y", "date_modified": "yesterday"},
              {"url": "http://x/3", "title": "三", "summary": "s"},
              {"title": "no id"}
            ]}"#;
        let items = parse_feed(json.as_bytes()).unwrap();
        assert_eq!(items.len(), 4);
        assert_eq!(
            (items[0].id.as_str(), items[0].body.as_str()),
            ("a1", "<p>1</p>")
        );
        assert_eq!(items[0].source.as_deref(), Some("市教育局"));
        assert_eq!(items[0].author.as_deref(), Some("海川市教育局"));
        assert_eq!(
            items[0].published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-04-01T02:00:00+00:00")
        );
        assert_eq!(items[1].published, None, "not a date");
        assert_eq!(
            (items[1].id.as_str(), items[1].body.as_str()),
            ("2", "<p>x &lt; y</p>")
        );
        assert_eq!(
            items[2].id, "http://x/3",
            "the url stands in for a missing id"
        );
        assert_eq!(items[3].id, "", "left for the import to refuse");
    }

    #[test]
    fn malformed_feeds_are_refused_with_a_reason() {
        let cases: [&[u8]; 8] = [
            b"",
            b"hello",
            b"{\"items\": []}",
            b"{\"version\": \"https://jsonfeed.org/version/1.1\"}",
            b"{\"version\": ",
            b"<rss version=\"2.0\"><channel/></rss>",
            b"<feed><entry/></feed>",
            b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><feed xmlns=\"http://www.w3.org/2005/Atom\"/>",
        ];
        for c in cases {
            assert!(
                matches!(parse_feed(c), Err(FeedError::Malformed(_))),
                "{:?}",
                String::from_utf8_lossy(c)
            );
        }
        assert!(matches!(
            parse_feed(b"\xff\xfe<feed/>"),
            Err(FeedError::Malformed(_))
        ));
    }

    #[test]
    fn only_the_first_items_of_a_long_feed_are_read() {
        let items: Vec<String> = (0..MAX_FEED_ITEMS + 50)
            .map(|i| format!("{{\"id\": \"{i}\", \"title\": \"t{i}\"}}"))
            .collect();
        let json = format!(
            "{{\"version\": \"https://jsonfeed.org/version/1\", \"items\": [{}]}}",
            items.join(",")
        );
        let parsed = parse_feed(json.as_bytes()).unwrap();
        assert_eq!(parsed.len(), MAX_FEED_ITEMS);
        assert_eq!(parsed[0].id, "0");
    }

    #[test]
    fn only_http_and_https_urls_with_a_host_are_pulled() {
        assert!(check_url("http://127.0.0.1:8080/sites/fgw/report/feed.json").is_ok());
        assert!(check_url("http://[::1]:8080/feed").is_ok());
        assert!(check_url("https://example.gov.cn/feed").is_ok());
        for bad in [
            "ftp://x/feed",
            "file:///etc/passwd",
            "/report/feed.json",
            "http://",
            "not a url",
        ] {
            assert!(matches!(check_url(bad), Err(FeedError::BadUrl(_))), "{bad}");
        }
    }
}
