//! What the receiving board sees beside the ranking (报送统计): the month-by-month count of
//! items submitted and adopted over a period, and the units that could send through one of
//! its open channels but sent nothing in it (未报送单位), so the office can chase them.

use chrono::{DateTime, Utc};
use zq_domain::TenantStatus;
use zq_domain::access::Action;
use zq_domain::reporting::{Unit, may_send};
use zq_domain::statistics::{Month, months_between, per_month};
use zq_store::Tenant;

use crate::{Caller, Result, ServiceError, Services, site};

/// The trend and the silent units of one receiver over a period.
#[derive(Debug, Clone)]
pub struct Trend {
    /// Every month of the period: (month, submitted, adopted).
    pub months: Vec<(Month, u64, u64)>,
    /// Units that may send here and sent nothing, in the cluster's order.
    pub silent: Vec<Tenant>,
}

/// The trend of items sent to site `code` in `[from, to)`.
pub async fn trend(
    svc: &Services,
    caller: &Caller,
    code: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Trend> {
    let t = site(svc, caller, code, Action::ReadFigures).await?;
    let months = months_between(from, to)
        .ok_or_else(|| ServiceError::Invalid("统计期间须晚于开始日期，且不超过十年".into()))?;
    let rows = svc.store().reporting_rows(t.id, from, to).await?;
    let submitted = per_month(rows.iter().map(|r| r.submitted_at), &months);
    let adopted = per_month(
        rows.iter().filter(|r| r.adopted).map(|r| r.submitted_at),
        &months,
    );
    let channels: Vec<_> = svc
        .store()
        .channels()
        .await?
        .into_iter()
        .filter(|c| c.receiver == t.id && c.active)
        .collect();
    let silent = svc
        .store()
        .list_tenants()
        .await?
        .into_iter()
        .filter(|u| u.status != TenantStatus::Archived)
        .filter(|u| {
            let unit = Unit {
                id: u.id,
                kind: u.kind,
                parent: u.parent_id,
            };
            channels.iter().any(|c| may_send(c.senders(), t.id, unit))
        })
        .filter(|u| !rows.iter().any(|r| r.sender == u.id))
        .collect();
    Ok(Trend {
        months: submitted
            .into_iter()
            .zip(adopted)
            .map(|((m, s), (_, a))| (m, s, a))
            .collect(),
        silent,
    })
}
