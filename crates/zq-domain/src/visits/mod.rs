//! Visit statistics (统计分析): what counts as a page view, who is a robot, and which visitor a
//! request is, estimated without cookies and without keeping any address: each request's
//! address and user agent are hashed with the day's salt (a secret of the cluster mixed with the
//! date, so the same visitor cannot be followed from one day to the next) into a HyperLogLog
//! [`Sketch`] per site and day. Also where a request came from (the referring host only) and
//! which column or article a page path belongs to, for the popular-pages table.

pub mod hll;

use std::hash::{BuildHasher, Hasher};

pub use hll::Sketch;

use crate::route::SiteRoute;

/// A path of a site's HTML pages (home, columns, articles, the interaction pages, the HTML
/// sitemap), not its feeds, files or machine-readable maps.
pub fn is_page(path: &str) -> bool {
    path.ends_with('/') || path.ends_with(".html")
}

/// A user agent that announces a robot (search engines, monitors, this platform's own probes
/// and link checker), or none at all.
pub fn is_robot(user_agent: &str) -> bool {
    static MARKS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(ROBOT_MARKS)
                .ok()
        });
    user_agent.trim().is_empty()
        || match &*MARKS {
            Some(ac) => ac.is_match(user_agent),
            None => {
                let ua = user_agent.to_ascii_lowercase();
                ROBOT_MARKS.iter().any(|m| ua.contains(m))
            }
        }
}

/// What a robot's user agent says of itself (lower case; matched ignoring ASCII case).
const ROBOT_MARKS: [&str; 9] = [
    "bot", "spider", "crawl", "slurp", "zhanqun-", "curl/", "wget/", "python-", "monitor",
];

/// The salt of a day: the cluster's secret and the date, mixed.
pub fn day_salt(secret: &str, day: chrono::NaiveDate) -> u64 {
    mix(&[secret.as_bytes(), day.to_string().as_bytes()])
}

/// Which visitor a request is, on the day of `salt`: its address (the IP's octets) and user
/// agent.
pub fn visitor(salt: u64, address: &[u8], user_agent: &str) -> u64 {
    mix(&[&salt.to_le_bytes(), address, user_agent.as_bytes()])
}

/// A 64-bit hash of the parts (SipHash-1-3 with fixed keys: the same on every node of one
/// build; the salt is what keeps it secret).
fn mix(parts: &[&[u8]]) -> u64 {
    let mut h =
        std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
            .build_hasher();
    for p in parts {
        h.write(p);
        h.write_u8(0xff);
    }
    // SipHash's output is well mixed, but a final avalanche makes the top bits (the sketch's
    // register index) independent of short inputs' structure for certain.
    let mut x = h.finish();
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}

/// The host a visitor came from, when it is another site than `own_host` (`None`: typed in,
/// a bookmark, or a page of the same site).
pub fn referrer_host(referer: Option<&str>, own_host: &str) -> Option<String> {
    let r = referer?.trim();
    let rest = r
        .strip_prefix("https://")
        .or_else(|| r.strip_prefix("http://"))?;
    let host = rest
        .split(['/', '?', '#'])
        .next()?
        .rsplit('@')
        .next()?
        .split(':')
        .next()?
        .to_ascii_lowercase();
    let own = own_host
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    (!host.is_empty() && host != own && host.len() <= 200).then_some(host)
}

/// What a page path of a site is, for grouping: an article, a column's pages, or another page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageOf {
    Home,
    Column(String),
    Article(i64),
    Other,
}

/// The column or article a site's page path belongs to.
pub fn page_of(path: &str) -> PageOf {
    match SiteRoute::parse(path) {
        Ok(SiteRoute::Home) => PageOf::Home,
        Ok(SiteRoute::Column { slug, .. }) => PageOf::Column(slug.as_str().to_owned()),
        Ok(SiteRoute::Article { id }) => PageOf::Article(id.0),
        _ => PageOf::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sketch_estimates_distinct_visitors_within_its_error_and_merges() {
        let salt = day_salt(
            "secret",
            chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
        );
        for n in [0u64, 1, 10, 100, 1_000, 10_000, 100_000] {
            let mut s = Sketch::default();
            for i in 0..n {
                // Each visitor seen three times counts once.
                for _ in 0..3 {
                    s.insert(visitor(
                        salt,
                        format!("10.0.{}.{}", i / 250, i % 250).as_bytes(),
                        &format!("UA {i}"),
                    ));
                }
            }
            let e = s.estimate() as f64;
            let err = if n == 0 {
                e
            } else {
                (e - n as f64).abs() / n as f64
            };
            // Three standard errors (1.6 % each) at most; exact while tiny.
            assert!(err <= 0.05, "{n} visitors estimated as {e}");
        }
        let (mut a, mut b) = (Sketch::default(), Sketch::default());
        for i in 0..5_000u64 {
            a.insert(visitor(salt, &i.to_le_bytes(), "x"));
            b.insert(visitor(salt, &(i + 2_500).to_le_bytes(), "x"));
        }
        a.merge(&b);
        let e = a.estimate() as f64;
        assert!((e - 7_500.0).abs() / 7_500.0 <= 0.05, "{e}");
        assert_eq!(Sketch::from_bytes(&a.to_bytes()), Some(a));
        assert_eq!(Sketch::from_bytes(&[1, 2, 3]), None);
    }

    #[test]
    fn another_day_makes_another_visitor() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let today = visitor(day_salt("s", d), &[1, 2, 3, 4], "UA");
        let tomorrow = visitor(day_salt("s", d.succ_opt().unwrap()), &[1, 2, 3, 4], "UA");
        assert_ne!(today, tomorrow);
        assert_eq!(today, visitor(day_salt("s", d), &[1, 2, 3, 4], "UA"));
    }

    #[test]
    fn pages_robots_referrers_and_what_a_path_is() {
        for (p, page) in [
            ("/", true),
            ("/col/tzgg/", true),
            ("/art/12.html", true),
            ("/col/tzgg/atom.xml", false),
            ("/files/ab/x.pdf", false),
            ("/sitemap.xml", false),
        ] {
            assert_eq!(is_page(p), page, "{p}");
        }
        for (ua, robot) in [
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile/15E148",
                false,
            ),
            ("Mozilla/5.0 (compatible; Baiduspider/2.0)", true),
            ("Mozilla/5.0 (compatible; Googlebot/2.1)", true),
            ("Zhanqun-link-checker/1", true),
            ("", true),
        ] {
            assert_eq!(is_robot(ua), robot, "{ua}");
        }
        assert_eq!(
            referrer_host(Some("https://www.baidu.com/s?wd=x"), "jb.gov.cn"),
            Some("www.baidu.com".into())
        );
        assert_eq!(
            referrer_host(Some("http://jb.gov.cn:8080/col/x/"), "jb.gov.cn:8080"),
            None
        );
        assert_eq!(referrer_host(Some("android-app://x"), "jb.gov.cn"), None);
        assert_eq!(referrer_host(None, "jb.gov.cn"), None);
        assert_eq!(page_of("/"), PageOf::Home);
        assert_eq!(page_of("/col/tzgg/page/2/"), PageOf::Column("tzgg".into()));
        assert_eq!(page_of("/art/7.html"), PageOf::Article(7));
        assert_eq!(page_of("/hudong/"), PageOf::Other);
    }
}
