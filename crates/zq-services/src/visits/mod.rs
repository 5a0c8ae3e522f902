//! Visit statistics (统计分析): every node counts its public page views in memory
//! ([`Tally`], on the request path) and flushes them every `visits.flush_secs` and at shutdown
//! ([`flush`], [`spawn_flusher`]) into hourly, per-page and per-referrer rows and its own
//! HyperLogLog sketch of each site's day; the figures ([`site_visits`], [`cluster_visits`])
//! read them back: views per day and hour, unique visitors per day (the nodes' sketches
//! merged), popular pages with their titles and columns, and referring hosts. No address is
//! stored, and a visitor cannot be followed across days (`zq_domain::visits`).

mod tally;

use std::collections::HashMap;
use std::time::Duration;

use chrono::NaiveDate;
use serde::Serialize;
use zq_domain::access::Action;
use zq_domain::time::{beijing_date, beijing_midnight};
use zq_domain::visits::{PageOf, Sketch, day_salt, page_of};
use zq_domain::{TenantId, TenantStatus};

pub use tally::Tally;

use crate::{Caller, Result, ServiceError, Services, site};

/// Writes what the node counted since the last flush (and starts a new day's sketches when the
/// day changed). A database failure gives the counts back for the next flush.
pub async fn flush(svc: &Services) -> Result<()> {
    let tally = svc.visits();
    let today = beijing_date(svc.now());
    let rolling = tally.day() != Some(today);
    let batch = tally.take(today);
    let empty = batch == zq_store::VisitBatch::default();
    if !empty && let Err(e) = svc.store().record_visits(tally.node(), batch.clone()).await {
        tally.give_back(batch);
        return Err(e.into());
    }
    if rolling {
        let secret = svc.store().cluster_secret("visit_salt").await?;
        tally.start_day(today, day_salt(&secret, today));
    }
    Ok(())
}

/// Flushes every `every` until the process ends (each node its own counts).
pub fn spawn_flusher(svc: Services, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = flush(&svc).await {
                tracing::warn!(error = %e, "flushing the visit counts failed; kept for the next flush");
            }
        }
    })
}

/// One day's figures.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DayFigure {
    pub day: NaiveDate,
    pub views: i64,
    /// Distinct visitors that day (estimated, ±1.6 %).
    pub visitors: u64,
}

/// A popular page.
#[derive(Debug, Clone, Serialize)]
pub struct PageFigure {
    pub path: String,
    /// The article's title, the column's name, 首页…
    pub title: String,
    pub views: i64,
}

/// A site's visit figures over a period.
#[derive(Debug, Clone, Serialize)]
pub struct SiteVisits {
    pub code: String,
    pub name: String,
    pub days: Vec<DayFigure>,
    /// Views in each hour of today (Beijing time), 0 to 23.
    pub hours_today: Vec<i64>,
    pub pages: Vec<PageFigure>,
    /// Views per column (its pages and its articles), most first.
    pub columns: Vec<(String, i64)>,
    pub referrers: Vec<(String, i64)>,
    pub total_views: i64,
    /// The days' visitors added up (a visitor on two days counts twice).
    pub total_visitors: u64,
}

/// Days a period may span.
pub const MAX_DAYS: i64 = 366;

fn check_days(days: i64) -> Result<i64> {
    if (1..=MAX_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(ServiceError::Invalid(format!(
            "统计天数应在 1 到 {MAX_DAYS} 之间"
        )))
    }
}

/// Per day: views (from the hours) and visitors (the sketches merged), for `only` or every site.
async fn day_figures(
    svc: &Services,
    only: Option<TenantId>,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<HashMap<TenantId, Vec<DayFigure>>> {
    let hours = svc
        .store()
        .visit_hours(only, beijing_midnight(first))
        .await?;
    let sketches = svc.store().visit_sketches(only, first).await?;
    let mut views: HashMap<(TenantId, NaiveDate), i64> = HashMap::new();
    for (t, h, n) in hours {
        *views.entry((t, beijing_date(h))).or_default() += n;
    }
    let mut merged: HashMap<(TenantId, NaiveDate), Sketch> = HashMap::new();
    for (t, d, bytes) in sketches {
        if let Some(s) = Sketch::from_bytes(&bytes) {
            merged.entry((t, d)).or_default().merge(&s);
        }
    }
    let mut sites: Vec<TenantId> = views.keys().chain(merged.keys()).map(|k| k.0).collect();
    sites.sort_by_key(|t| t.0);
    sites.dedup();
    let mut out = HashMap::new();
    for t in sites {
        let days = first
            .iter_days()
            .take_while(|d| *d <= last)
            .map(|day| DayFigure {
                day,
                views: views.get(&(t, day)).copied().unwrap_or(0),
                visitors: merged.get(&(t, day)).map_or(0, Sketch::estimate),
            })
            .collect();
        out.insert(t, days);
    }
    Ok(out)
}

fn empty_days(first: NaiveDate, last: NaiveDate) -> Vec<DayFigure> {
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|day| DayFigure {
            day,
            views: 0,
            visitors: 0,
        })
        .collect()
}

/// Site `code`'s figures over the last `days` days (anyone who may read the site).
pub async fn site_visits(
    svc: &Services,
    caller: &Caller,
    code: &str,
    days: i64,
) -> Result<SiteVisits> {
    let days = check_days(days)?;
    let t = site(svc, caller, code, Action::ReadFigures).await?;
    let now = svc.now();
    let last = beijing_date(now);
    let first = last - chrono::Duration::days(days - 1);
    let figures = day_figures(svc, Some(t.id), first, last)
        .await?
        .remove(&t.id)
        .unwrap_or_else(|| empty_days(first, last));
    let mut hours_today = vec![0; 24];
    let midnight = beijing_midnight(last);
    for (_, h, n) in svc.store().visit_hours(Some(t.id), midnight).await? {
        let i = usize::try_from((h - midnight).num_hours()).unwrap_or(0);
        if let Some(slot) = hours_today.get_mut(i) {
            *slot += n;
        }
    }
    let columns = svc.store().columns(t.id).await?;
    let column_name = |slug: &str| {
        columns
            .iter()
            .find(|c| c.slug.as_str() == slug)
            .map(|c| c.name.clone())
    };
    let mut by_column: HashMap<String, i64> = HashMap::new();
    let mut pages = Vec::new();
    for (path, views) in svc.store().top_pages(t.id, first, 200).await? {
        let (title, column) = match page_of(&path) {
            PageOf::Home => ("首页".to_owned(), None),
            PageOf::Column(slug) => {
                let name = column_name(&slug).unwrap_or_else(|| slug.clone());
                (format!("栏目：{name}"), Some(name))
            }
            PageOf::Article(id) => match svc
                .store()
                .published_article(t.id, zq_domain::ArticleId(id))
                .await?
            {
                Some(a) => {
                    let col = columns
                        .iter()
                        .find(|c| c.id == a.column_id)
                        .map(|c| c.name.clone());
                    (a.title, col)
                }
                None => (format!("文章 {id}（已撤下）"), None),
            },
            PageOf::Other => (path.clone(), None),
        };
        if let Some(c) = column {
            *by_column.entry(c).or_default() += views;
        }
        if pages.len() < 20 {
            pages.push(PageFigure { path, title, views });
        }
    }
    let mut columns: Vec<(String, i64)> = by_column.into_iter().collect();
    columns.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    columns.truncate(15);
    Ok(SiteVisits {
        code: t.code.to_string(),
        name: t.name.clone(),
        total_views: figures.iter().map(|d| d.views).sum(),
        total_visitors: figures.iter().map(|d| d.visitors).sum(),
        days: figures,
        hours_today,
        pages,
        columns,
        referrers: svc.store().top_referrers(Some(t.id), first, 10).await?,
    })
}

/// One site's line in the cluster's figures.
#[derive(Debug, Clone, Serialize)]
pub struct SiteTotal {
    pub code: String,
    pub name: String,
    pub views: i64,
    pub visitors: u64,
}

/// The whole cluster's figures over the last `days` days.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterVisits {
    pub days: Vec<DayFigure>,
    /// Every active site, most viewed first.
    pub sites: Vec<SiteTotal>,
    pub referrers: Vec<(String, i64)>,
    pub total_views: i64,
    pub total_visitors: u64,
}

/// The cluster's figures (the office and operators).
pub async fn cluster_visits(svc: &Services, caller: &Caller, days: i64) -> Result<ClusterVisits> {
    if !caller.sees_everything() {
        return Err(ServiceError::forbidden(Action::Read));
    }
    let days = check_days(days)?;
    let last = beijing_date(svc.now());
    let first = last - chrono::Duration::days(days - 1);
    let by_site = day_figures(svc, None, first, last).await?;
    let mut totals = empty_days(first, last);
    for figures in by_site.values() {
        for (total, d) in totals.iter_mut().zip(figures) {
            total.views += d.views;
            total.visitors += d.visitors;
        }
    }
    let mut sites: Vec<SiteTotal> = svc
        .store()
        .list_tenants()
        .await?
        .into_iter()
        .filter(|t| t.status == TenantStatus::Active)
        .map(|t| {
            let f = by_site.get(&t.id);
            SiteTotal {
                views: f.map_or(0, |f| f.iter().map(|d| d.views).sum()),
                visitors: f.map_or(0, |f| f.iter().map(|d| d.visitors).sum()),
                code: t.code.to_string(),
                name: t.name,
            }
        })
        .collect();
    sites.sort_by(|a, b| b.views.cmp(&a.views).then(a.code.cmp(&b.code)));
    Ok(ClusterVisits {
        total_views: totals.iter().map(|d| d.views).sum(),
        total_visitors: totals.iter().map(|d| d.visitors).sum(),
        days: totals,
        sites,
        referrers: svc.store().top_referrers(None, first, 10).await?,
    })
}
