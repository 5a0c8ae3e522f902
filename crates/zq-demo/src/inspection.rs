//! The demo's inspection history: eight weeks of daily standings for every site, so the
//! scorecard's trend has something to show from the first start. Each site's history hovers a
//! few points around where it stands today; the stale site (`super::STALE_SITE`) failed the
//! home-page veto since it stopped publishing three weeks ago. Today's reading is the real one.

use chrono::Duration;
use zq_domain::time::beijing_date;
use zq_services::Services;
use zq_store::DayStanding;

use crate::DemoError;

/// Days of history.
const DAYS: i64 = 56;

pub(crate) async fn seed_standings(svc: &Services, seed: u64) -> Result<usize, DemoError> {
    let today = beijing_date(svc.now());
    let tenants = svc
        .store()
        .list_tenants()
        .await
        .map_err(zq_services::ServiceError::from)?;
    let reports = zq_services::inspection::reports_of(svc, tenants).await?;
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x1195);
    let mut rows = Vec::new();
    for r in &reports {
        let now = i32::try_from(r.score.points).unwrap_or(100);
        let stale = r.tenant.code.as_str() == super::STALE_SITE;
        for back in 1..=DAYS {
            let vetoed = stale && back <= 21;
            let drift = rng.i32(-3..=2);
            rows.push(DayStanding {
                tenant_id: r.tenant.id,
                day: today - Duration::days(back),
                points: (now + drift).clamp(60, 100),
                vetoes: i32::from(vetoed),
                warnings: i32::from(rng.u8(..10) == 0),
            });
        }
    }
    let n = rows.len();
    svc.store()
        .record_standings(rows)
        .await
        .map_err(zq_services::ServiceError::from)?;
    zq_services::inspection::record_today(svc).await?;
    Ok(n)
}
