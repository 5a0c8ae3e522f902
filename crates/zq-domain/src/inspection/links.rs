//! Links (链接可用性): the rules of the link checker that need no network. Which links an
//! article's stored (sanitized) HTML carries and where ([`links_of_html`]), what an answer to a
//! request for one means ([`judge`]), how long a result stays good before it is checked again
//! ([`recheck_after`]), and the scored indicator over the broken links found ([`indicator`]).
//! The checker itself (fetching, following redirects, resolving internal links against the
//! platform's content) lives in the services.

use chrono::{DateTime, Duration, Utc};

use super::{Evidence, Indicator, Status, Weight};
use crate::html::text_of_html;

/// Redirects followed before a link counts as broken (a loop, or a chain too long to trust).
pub const MAX_REDIRECTS: usize = 5;
/// A working external link is checked again after this many days.
pub const RECHECK_OK_DAYS: i64 = 7;
/// A broken external link is checked again after this many hours (it may have been a blip).
pub const RECHECK_BROKEN_HOURS: i64 = 12;
/// Links read from one article at most.
pub const MAX_LINKS_PER_ARTICLE: usize = 200;

/// One link of an article: where it points and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundLink {
    /// The address as written (entities decoded).
    pub href: String,
    /// The link's text (`alt` of a picture), trimmed and shortened.
    pub text: String,
    /// Its place among the article's links, from 1.
    pub nth: usize,
    /// A picture (`<img src>`) rather than a link.
    pub image: bool,
}

/// The value of attribute `name` in the attributes text of one tag (`href="…"`), decoded.
/// Names are matched in any case.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    loop {
        let at = lower[from..].find(name)? + from;
        let before = tag[..at].chars().next_back();
        let after = tag[at + name.len()..].trim_start();
        from = at + name.len();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let (quote, body) = match value.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), &value[1..]),
            _ => (None, value),
        };
        let end = match quote {
            Some(q) => body.find(q).unwrap_or(body.len()),
            None => body
                .find(|c: char| c.is_whitespace() || c == '>')
                .unwrap_or(body.len()),
        };
        return Some(text_of_html(&body[..end]).trim().to_owned());
    }
}

fn short(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 40 {
        let mut t: String = s.chars().take(40).collect();
        t.push('…');
        t
    } else {
        s
    }
}

/// The links (`<a href>`) and pictures (`<img src>`) of sanitized HTML, in document order.
pub fn links_of_html(html: &str) -> Vec<FoundLink> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut at = 0;
    while let Some(start) = lower[at..].find('<').map(|i| i + at) {
        let end = lower[start..].find('>').map_or(lower.len(), |i| i + start);
        let tag = &html[start + 1..end];
        let tag_lower = &lower[start + 1..end];
        at = end.min(lower.len());
        let (image, attr) = if tag_lower.starts_with("a ") || tag_lower.starts_with("a\n") {
            (false, "href")
        } else if tag_lower.starts_with("img ") || tag_lower.starts_with("img\n") {
            (true, "src")
        } else {
            continue;
        };
        let Some(href) = attribute(tag, attr).filter(|h| !h.is_empty()) else {
            continue;
        };
        let text = if image {
            attribute(tag, "alt").unwrap_or_default()
        } else {
            let close = lower[at..].find("</a").map_or(lower.len(), |i| i + at);
            let inner = html.get(at + 1..close).unwrap_or("");
            text_of_html(inner)
        };
        out.push(FoundLink {
            href,
            text: short(&text),
            nth: out.len() + 1,
            image,
        });
        if out.len() >= MAX_LINKS_PER_ARTICLE {
            break;
        }
    }
    out
}

/// Addresses that are not web pages to check: mail, phone, scripts, in-page anchors, data.
pub fn is_checkable(href: &str) -> bool {
    let h = href.trim().to_ascii_lowercase();
    !(h.is_empty()
        || h.starts_with('#')
        || h.starts_with("mailto:")
        || h.starts_with("tel:")
        || h.starts_with("javascript:")
        || h.starts_with("data:")
        || h.starts_with("sms:"))
}

/// What one answer to a request means for the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Works,
    /// Follow `Location`.
    Redirect,
    /// The server may not take `HEAD`: ask again with `GET`.
    RetryWithGet,
    Broken(String),
}

/// The meaning of HTTP status `status` answered to a `HEAD` (`head`) or a `GET`.
pub fn judge(status: u16, head: bool) -> Verdict {
    match status {
        200..=299 => Verdict::Works,
        301 | 302 | 303 | 307 | 308 => Verdict::Redirect,
        // Many servers refuse or mishandle HEAD; only a GET's answer is trusted for these.
        400 | 403 | 404 | 405 | 406 | 429 | 500 | 501 | 503 if head => Verdict::RetryWithGet,
        404 | 410 => Verdict::Broken(format!("页面不存在（HTTP {status}）")),
        s => Verdict::Broken(format!("服务器返回 HTTP {s}")),
    }
}

/// When a result checked at `checked_at` is to be checked again.
pub fn recheck_after(ok: bool, checked_at: DateTime<Utc>) -> DateTime<Utc> {
    if ok {
        checked_at + Duration::days(RECHECK_OK_DAYS)
    } else {
        checked_at + Duration::hours(RECHECK_BROKEN_HOURS)
    }
}

/// A broken link found in a published article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub article_id: i64,
    pub title: String,
    pub url: String,
    pub text: String,
    pub nth: i32,
    pub problem: String,
    /// A link into the cluster (resolved against its content), not a fetched one.
    pub internal: bool,
}

impl BrokenLink {
    /// `《标题》第 3 个链接“通知全文”：页面不存在（HTTP 404）`.
    pub fn place(&self) -> String {
        let text = if self.text.is_empty() {
            String::new()
        } else {
            format!("“{}”", self.text)
        };
        format!(
            "《{}》第 {} 个链接{text}：{}",
            self.title, self.nth, self.problem
        )
    }
}

const LINKS_RULE: &str = "首页及其他页面不能存在错链、断链";

/// 链接可用性: every broken link of the site's published pages (`None`: not checked yet).
pub fn indicator(found: Option<&[BrokenLink]>) -> Indicator {
    let Some(found) = found else {
        return super::not_available("links", "链接可用性", Weight::Scored, LINKS_RULE);
    };
    Indicator {
        code: "links",
        name: "链接可用性",
        weight: Weight::Scored,
        rule: LINKS_RULE,
        status: if found.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        value: format!("{} 个错链断链", found.len()),
        count: found.len() as i64,
        threshold: "0 个".into(),
        evidence: found
            .iter()
            .map(|b| Evidence {
                what: b.url.clone(),
                detail: b.place(),
                object: format!("article:{}", b.article_id),
            })
            .collect(),
    }
}
