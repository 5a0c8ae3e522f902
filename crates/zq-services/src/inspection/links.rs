//! The link checker (链接可用性), a leased job: reads every link and picture of every published
//! article of the active sites and finds the broken ones. A link into the cluster (a relative
//! address, a site's own host, or the `/sites/{code}/` alias) is resolved against the
//! platform's routes and content, with no HTTP; an external one is asked with `HEAD` (then
//! `GET` when the server will not answer a `HEAD`), redirects followed up to
//! [`MAX_REDIRECTS`] with loops caught, within a time limit. External answers are kept per
//! address and asked again only when due ([`recheck_after`]): a working link weekly, a broken
//! one twice a day. Hosts are asked a few at a time and each host one request at a time with a
//! pause, so no server sees the cluster as a crawler storm. Each run replaces every checked
//! site's findings.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures_util::StreamExt as _;
use url::Url;
use zq_domain::inspection::links::{
    BrokenLink, MAX_REDIRECTS, Verdict, is_checkable, judge, links_of_html, recheck_after,
};
use zq_domain::route::{SiteRoute, split_alias};
use zq_domain::{TenantId, TenantStatus};
use zq_store::{LinkResult, MAX_URL_LEN, SiteLinks, Tenant};

use crate::fetch::BoxFuture;
use crate::jobs::Job;
use crate::{FeedError, Result, Services};

/// Hosts asked at the same time.
const HOSTS_AT_ONCE: usize = 4;
/// Pause between two requests to the same host.
const HOST_PAUSE: Duration = Duration::from_millis(300);
/// Articles read per page.
const PAGE: u64 = 500;
/// The host relative links are resolved against (never asked).
const SELF_HOST: &str = "self.zhanqun.invalid";

/// The link-check job.
pub struct LinkCheck {
    pub every: Duration,
    /// How long one request may take.
    pub timeout: Duration,
}

impl Job for LinkCheck {
    fn name(&self) -> &str {
        "link_check"
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn run<'a>(&'a self, svc: &'a Services) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let s = check_all(svc, self.timeout).await?;
            tracing::info!(
                sites = s.sites,
                links = s.links,
                asked = s.asked,
                broken = s.broken,
                "links checked"
            );
            Ok(())
        })
    }
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub sites: usize,
    pub links: usize,
    /// External addresses asked this run (the others were still fresh).
    pub asked: usize,
    pub broken: usize,
}

/// Where a link points.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A page of a site of the cluster: (site code, path).
    Internal(String, String),
    External(String),
}

/// Resolves `href` written on article `id` of site `code`, with `hosts` (lower-case host →
/// site code) of the cluster. `None`: nothing to check (mail, anchors, other schemes).
fn target(href: &str, code: &str, id: i64, hosts: &HashMap<String, String>) -> Option<Target> {
    if !is_checkable(href) {
        return None;
    }
    let base = Url::parse(&format!("http://{SELF_HOST}/art/{id}.html")).ok()?;
    let mut url = base.join(href.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let site = if host == SELF_HOST {
        Some(code.to_owned())
    } else {
        hosts.get(&host).cloned()
    };
    match site {
        Some(site) => {
            let path = url.path();
            Some(match split_alias(path) {
                Some((other, rest)) => Target::Internal(
                    other.to_owned(),
                    if rest.is_empty() { "/" } else { rest }.to_owned(),
                ),
                None => Target::Internal(site, path.to_owned()),
            })
        }
        None if url.as_str().len() <= MAX_URL_LEN => Some(Target::External(url.into())),
        None => None,
    }
}

/// The cluster's content, for resolving internal links.
struct Content {
    sites: HashMap<String, Tenant>,
    columns: HashSet<(TenantId, String)>,
    published: HashSet<(TenantId, i64)>,
    /// (tenant, sha256, file name) of every attachment, loaded per site on first use.
    files: HashMap<TenantId, HashSet<(String, String)>>,
}

impl Content {
    /// Why an internal link is dead, or `None` when it leads somewhere.
    async fn problem(&mut self, svc: &Services, code: &str, path: &str) -> Result<Option<String>> {
        let Some(t) = self.sites.get(code) else {
            return Ok(Some(format!("站点“{code}”不存在")));
        };
        if t.status != TenantStatus::Active {
            return Ok(Some(format!("站点“{}”已停用", t.name)));
        }
        let t = t.id;
        for platform in ["/static/", "/forms/", "/console", "/api/"] {
            if path.starts_with(platform) {
                return Ok(None);
            }
        }
        if let Some(file) = path.strip_prefix("/files/") {
            if let std::collections::hash_map::Entry::Vacant(e) = self.files.entry(t) {
                let all = svc.store().attachments(t).await?;
                e.insert(all.into_iter().map(|a| (a.sha256, a.file_name)).collect());
            }
            let (sha, name) = file.split_once('/').unwrap_or((file, ""));
            let name = percent_encoding::percent_decode_str(name)
                .decode_utf8_lossy()
                .into_owned();
            let known = self
                .files
                .get(&t)
                .is_some_and(|f| f.contains(&(sha.to_owned(), name)));
            return Ok((!known).then(|| "附件不存在".to_owned()));
        }
        let mut route = SiteRoute::parse(path);
        if let Ok(SiteRoute::Redirect(to)) = &route {
            route = SiteRoute::parse(to);
        }
        Ok(match route {
            Err(_) => Some("地址无效".into()),
            Ok(SiteRoute::NotFound | SiteRoute::Redirect(_)) => Some("页面不存在".into()),
            Ok(SiteRoute::Column { slug, .. } | SiteRoute::ColumnFeed { slug }) => {
                (!self.columns.contains(&(t, slug.as_str().to_owned())))
                    .then(|| "栏目不存在".into())
            }
            Ok(SiteRoute::Article { id }) => {
                (!self.published.contains(&(t, id.0))).then(|| "文章不存在或已撤稿".into())
            }
            Ok(_) => None,
        })
    }
}

/// The Chinese reason of a failed request.
fn reason(e: &FeedError) -> String {
    match e {
        FeedError::Timeout(s) => format!("{s} 秒内无响应"),
        FeedError::BadUrl(_) => "地址无效".into(),
        FeedError::Tls(m) => format!("证书或加密连接错误：{m}"),
        FeedError::Status(s) => format!("服务器返回 HTTP {s}"),
        FeedError::Fetch(m) => format!("无法连接：{m}"),
        FeedError::Private(_) => "指向内网或保留地址，公众无法访问".into(),
        FeedError::TooLarge | FeedError::Malformed(_) => e.to_string(),
    }
}

/// Asks one external address, following redirects; `None` when it works.
pub async fn ask(svc: &Services, url: &str, timeout: Duration) -> Option<String> {
    let mut at = url.to_owned();
    let mut seen = vec![at.clone()];
    loop {
        let mut head = true;
        let answer = loop {
            let answer = match svc.fetcher().check(&at, head, timeout).await {
                Ok(a) => a,
                Err(e) => return Some(reason(&e)),
            };
            match judge(answer.status, head) {
                Verdict::Works => return None,
                Verdict::Broken(why) => return Some(why),
                Verdict::RetryWithGet if head => head = false,
                Verdict::RetryWithGet => {
                    return Some(format!("服务器返回 HTTP {}", answer.status));
                }
                Verdict::Redirect => break answer,
            }
        };
        let Some(next) = answer
            .location
            .as_deref()
            .and_then(|l| Url::parse(&at).ok()?.join(l).ok())
        else {
            return Some("重定向缺少目标地址".into());
        };
        let next = next.to_string();
        if seen.contains(&next) {
            return Some("重定向循环".into());
        }
        if seen.len() > MAX_REDIRECTS {
            return Some(format!("重定向超过 {MAX_REDIRECTS} 次"));
        }
        seen.push(next.clone());
        at = next;
    }
}

/// Asks the due addresses, a few hosts at a time and each host's one by one.
async fn ask_all(svc: &Services, urls: Vec<String>, timeout: Duration) -> Vec<LinkResult> {
    let mut by_host: HashMap<String, Vec<String>> = HashMap::new();
    for u in urls {
        let host = Url::parse(&u)
            .ok()
            .and_then(|p| p.host_str().map(str::to_owned))
            .unwrap_or_default();
        by_host.entry(host).or_default().push(u);
    }
    futures_util::stream::iter(by_host.into_values())
        .map(|urls| async move {
            let mut out = Vec::with_capacity(urls.len());
            for (i, url) in urls.into_iter().enumerate() {
                if i > 0 {
                    tokio::time::sleep(HOST_PAUSE).await;
                }
                let problem = ask(svc, &url, timeout).await;
                let checked_at = svc.now();
                out.push(LinkResult {
                    next_at: recheck_after(problem.is_none(), checked_at),
                    ok: problem.is_none(),
                    problem,
                    url,
                    checked_at,
                });
            }
            out
        })
        .buffer_unordered(HOSTS_AT_ONCE)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .flatten()
        .collect()
}

/// One link found in a page, before its fate is known.
struct Occurrence {
    tenant: TenantId,
    article_id: i64,
    title: String,
    text: String,
    nth: i32,
}

impl Occurrence {
    fn broken(self, url: String, problem: String, internal: bool) -> (TenantId, BrokenLink) {
        (
            self.tenant,
            BrokenLink {
                article_id: self.article_id,
                title: self.title,
                url,
                text: self.text,
                nth: self.nth,
                problem,
                internal,
            },
        )
    }
}

/// Checks every link of every published article of the active sites and replaces the
/// findings.
pub async fn check_all(svc: &Services, timeout: Duration) -> Result<RunSummary> {
    let store = svc.store();
    let tenants = store.list_tenants().await?;
    let mut hosts = HashMap::new();
    for t in &tenants {
        for h in &t.hosts {
            hosts.insert(h.as_str().to_ascii_lowercase(), t.code.as_str().to_owned());
        }
    }
    let mut content = Content {
        columns: store
            .all_columns()
            .await?
            .into_iter()
            .map(|c| (c.tenant_id, c.slug.as_str().to_owned()))
            .collect(),
        published: store.published_ids().await?.into_iter().collect(),
        sites: tenants
            .iter()
            .map(|t| (t.code.as_str().to_owned(), t.clone()))
            .collect(),
        files: HashMap::new(),
    };
    let active: HashMap<TenantId, String> = tenants
        .iter()
        .filter(|t| t.status == TenantStatus::Active)
        .map(|t| (t.id, t.code.as_str().to_owned()))
        .collect();
    let mut summary = RunSummary {
        sites: active.len(),
        ..RunSummary::default()
    };
    let mut links_of: HashMap<TenantId, usize> = HashMap::new();
    let mut broken: Vec<(TenantId, BrokenLink)> = Vec::new();
    let mut external: HashMap<String, Vec<Occurrence>> = HashMap::new();
    let mut after = 0;
    loop {
        let page = store.published_texts(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for a in page {
            let Some(code) = active.get(&a.tenant_id) else {
                continue;
            };
            for l in links_of_html(&a.body) {
                let Some(target) = target(&l.href, code, a.id, &hosts) else {
                    continue;
                };
                *links_of.entry(a.tenant_id).or_default() += 1;
                let at = Occurrence {
                    tenant: a.tenant_id,
                    article_id: a.id,
                    title: a.title.clone(),
                    text: l.text,
                    nth: i32::try_from(l.nth).unwrap_or(i32::MAX),
                };
                match target {
                    Target::Internal(site, path) => {
                        if let Some(why) = content.problem(svc, &site, &path).await? {
                            broken.push(at.broken(l.href, why, true));
                        }
                    }
                    Target::External(url) => external.entry(url).or_default().push(at),
                }
            }
        }
    }
    // External addresses: the stored answers that are still fresh, the others asked now.
    let urls: Vec<String> = external.keys().cloned().collect();
    let now = svc.now();
    let mut known: HashMap<String, LinkResult> = store
        .link_results(&urls)
        .await?
        .into_iter()
        .filter(|r| r.next_at > now)
        .map(|r| (r.url.clone(), r))
        .collect();
    let due: Vec<String> = urls
        .into_iter()
        .filter(|u| !known.contains_key(u))
        .collect();
    summary.asked = due.len();
    let fresh = ask_all(svc, due, timeout).await;
    store.record_link_results(&fresh).await?;
    known.extend(fresh.into_iter().map(|r| (r.url.clone(), r)));
    for (url, seen) in external {
        if let Some(problem) = known.get(&url).and_then(|r| r.problem.clone()) {
            broken.extend(
                seen.into_iter()
                    .map(|at| at.broken(url.clone(), problem.clone(), false)),
            );
        }
    }
    broken.sort_by_key(|(t, b)| (t.0, b.article_id, b.nth));
    summary.links = links_of.values().sum();
    summary.broken = broken.len();
    let run = active
        .keys()
        .map(|t| SiteLinks {
            tenant_id: *t,
            links: links_of.get(t).copied().unwrap_or(0),
            broken: broken
                .iter()
                .filter(|(x, _)| x == t)
                .map(|(_, b)| b.clone())
                .collect(),
        })
        .collect();
    store.replace_link_findings(run, svc.now()).await?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_to_a_site_of_the_cluster_or_to_the_web() {
        let hosts = HashMap::from([("jb.example.gov.cn".to_owned(), "jb".to_owned())]);
        let internal = |c: &str, p: &str| Some(Target::Internal(c.into(), p.into()));
        for (href, want) in [
            ("/col/tzgg/", internal("fgw", "/col/tzgg/")),
            ("../art/3.html#top", internal("fgw", "/art/3.html")),
            ("4.html", internal("fgw", "/art/4.html")),
            ("/sites/jb/art/5.html", internal("jb", "/art/5.html")),
            ("/sites/jb", internal("jb", "/")),
            (
                "http://JB.example.gov.cn/col/x/?p=1",
                internal("jb", "/col/x/"),
            ),
            (
                "https://www.gov.cn/zhengce/#a",
                Some(Target::External("https://www.gov.cn/zhengce/".into())),
            ),
            ("mailto:x@y.cn", None),
            ("ftp://files.example.cn/a", None),
            ("#top", None),
        ] {
            assert_eq!(target(href, "fgw", 9, &hosts), want, "{href}");
        }
    }
}
