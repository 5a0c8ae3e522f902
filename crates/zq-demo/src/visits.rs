//! The demo's visit history: thirty days of page views for every site, so the console's 访问统计
//! pages have something to show from the first start. Each site's traffic follows its kind (the
//! portal most, towns least), the working week and the working day's hours; views spread over
//! the home page, the news column and recent articles; some arrive from search engines and the
//! portal; each day's visitors (about a third of its views) go into the day's sketch as the
//! live counter would. Today's hours stop at the current one. Written as the node `demo`.

use chrono::{Datelike, Duration, Weekday};
use zq_domain::TenantKind;
use zq_domain::time::{beijing_date, beijing_midnight};
use zq_domain::visits::Sketch;
use zq_services::{ServiceError, Services};
use zq_store::VisitBatch;

use crate::DemoError;

/// Days of history, today included.
const DAYS: i64 = 30;

pub(crate) async fn seed_visits(svc: &Services, seed: u64) -> Result<(), DemoError> {
    let store = svc.store();
    let now = svc.now();
    let today = beijing_date(now);
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x7157);
    let tenants = store.list_tenants().await.map_err(ServiceError::from)?;
    let published = store.published_ids().await.map_err(ServiceError::from)?;
    let portal_host = tenants
        .iter()
        .find(|t| t.kind == TenantKind::Portal)
        .and_then(|t| t.hosts.first())
        .map(|h| h.as_str().to_owned());
    for t in &tenants {
        let base = match t.kind {
            TenantKind::Portal => 2400,
            TenantKind::District => 700,
            TenantKind::Department => 360,
            TenantKind::Town => 120,
        };
        let news = store
            .columns(t.id)
            .await
            .map_err(ServiceError::from)?
            .into_iter()
            .find(|c| c.is_news)
            .map(|c| format!("/col/{}/", c.slug));
        let mut articles: Vec<i64> = published
            .iter()
            .filter(|(x, _)| *x == t.id)
            .map(|(_, id)| *id)
            .collect();
        articles.sort_unstable();
        let recent: Vec<String> = articles
            .iter()
            .rev()
            .take(8)
            .map(|id| format!("/art/{id}.html"))
            .collect();
        let mut batch = VisitBatch::default();
        for back in (0..DAYS).rev() {
            let day = today - Duration::days(back);
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            let mut views = base * rng.i64(80..=120) / 100;
            if weekend {
                views /= 2;
            }
            let midnight = beijing_midnight(day);
            // Office hours carry most of the traffic.
            let weights: [i64; 24] = [
                1, 1, 1, 1, 1, 2, 3, 5, 9, 12, 12, 10, 6, 7, 11, 12, 11, 9, 6, 5, 5, 4, 3, 2,
            ];
            let total_weight: i64 = weights.iter().sum();
            let mut day_views = 0;
            for (h, w) in weights.iter().enumerate() {
                let hour = midnight + Duration::hours(h as i64);
                if hour > now {
                    break;
                }
                let n = views * w / total_weight;
                if n > 0 {
                    batch.hours.push((t.id, hour, n));
                    day_views += n;
                }
            }
            if day_views == 0 {
                continue;
            }
            let mut rest = day_views;
            let mut page = |path: String, n: i64| {
                let n = n.min(rest);
                if n > 0 {
                    rest -= n;
                    batch.pages.push((t.id, day, path, n));
                }
            };
            page("/".into(), day_views * 35 / 100);
            if let Some(news) = &news {
                page(news.clone(), day_views * 15 / 100);
            }
            for (i, a) in recent.iter().enumerate() {
                page(a.clone(), day_views * (8 - i as i64) / 60);
            }
            page("/hudong/".into(), day_views);
            let mut referrer = |host: &str, pct: i64| {
                let n = day_views * pct / 100;
                if n > 0 {
                    batch.referrers.push((t.id, day, host.to_owned(), n));
                }
            };
            referrer("www.baidu.com", 12);
            referrer("www.so.com", 3);
            referrer("cn.bing.com", 2);
            referrer("www.gov.cn", 1);
            if t.kind != TenantKind::Portal
                && let Some(p) = &portal_host
            {
                referrer(p, 8);
            }
            let mut sketch = Sketch::default();
            for _ in 0..(day_views / 3).max(1) {
                sketch.insert(rng.u64(..));
            }
            batch.sketches.push((t.id, day, sketch.to_bytes()));
        }
        store
            .record_visits("demo", batch)
            .await
            .map_err(ServiceError::from)?;
    }
    Ok(())
}
