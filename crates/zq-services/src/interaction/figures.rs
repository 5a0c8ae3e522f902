//! What the public and the dashboards read of the cases as figures: the public registry of
//! replied letters (信件选登), a unit's monthly statistics (the figures every site publishes
//! next to its letters), the office's per-unit table, and the open / due-soon / overdue counts
//! of every unit (the console's start page and the Prometheus gauges). The rules are
//! `zq_domain::interaction::stats`; this module feeds them the cases and the calendar.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use zq_domain::TenantId;
use zq_domain::access::Action;
use zq_domain::interaction::CaseKind;
use zq_domain::interaction::stats::{MonthRow, OpenCounts, StatCase, monthly, open_counts};
use zq_domain::time::{beijing, beijing_date};
use zq_store::{Case, CaseFigure, Tenant};

use super::today;
use crate::{Caller, Result, ServiceError, Services};

/// Replied letters of a site that their writers allowed to publish (信件选登), newest first:
/// those written to the site and those it answered.
pub async fn registry(
    svc: &Services,
    tenant: &Tenant,
    limit: u64,
    offset: u64,
) -> Result<(Vec<Case>, u64)> {
    Ok(svc
        .store()
        .published_cases(tenant.id, CaseKind::Letter, limit.clamp(1, 100), offset)
        .await?)
}

/// One letter of the registry.
pub async fn registry_entry(svc: &Services, tenant: &Tenant, id: i64) -> Result<Case> {
    let c = svc.store().published_case(tenant.id, id).await?;
    if c.kind != CaseKind::Letter {
        return Err(ServiceError::NotFound(format!("信件 {id}")));
    }
    Ok(c)
}

/// The first instant of `year` in Beijing, and of the next year.
fn year_range(year: i32) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let at = |y: i32| {
        beijing()
            .with_ymd_and_hms(y, 1, 1, 0, 0, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| ServiceError::Invalid(format!("年份 {y} 无效")))
    };
    if !(2000..=2100).contains(&year) {
        return Err(ServiceError::Invalid(format!("年份 {year} 无效")));
    }
    Ok((at(year)?, at(year + 1)?))
}

fn stat_case(f: &CaseFigure) -> StatCase {
    StatCase {
        submitted: beijing_date(f.submitted_at),
        state: f.state,
        clock: f.clock,
        rating: f.rating,
    }
}

/// The monthly statistics of the letters `tenant` owns, for `year` up to this month, with
/// the year's total last.
pub async fn statistics(svc: &Services, tenant: &Tenant, year: i32) -> Result<Vec<MonthRow>> {
    let (from, to) = year_range(year)?;
    let cases: Vec<StatCase> = svc
        .store()
        .case_figures(Some(tenant.id), from, to)
        .await?
        .iter()
        .filter(|f| f.kind == CaseKind::Letter.as_str())
        .map(stat_case)
        .collect();
    let cal = svc.store().working_calendar().await?;
    Ok(monthly(&cases, &cal, year, today(svc)))
}

/// One unit's figures for a year, all kinds of cases together.
#[derive(Debug, Clone)]
pub struct UnitFigures {
    pub tenant: Tenant,
    /// The year's total (`month` 0).
    pub total: MonthRow,
    /// Open cases now.
    pub now: OpenCounts,
}

/// Every unit's figures for `year` (the office, and anyone who may read every site), units
/// with no cases left out, most overdue first.
pub async fn unit_figures(svc: &Services, caller: &Caller, year: i32) -> Result<Vec<UnitFigures>> {
    if !caller.sees_everything() {
        return Err(ServiceError::forbidden(Action::Read));
    }
    let (from, to) = year_range(year)?;
    let figures = svc.store().case_figures(None, from, to).await?;
    let open = svc.store().open_case_figures().await?;
    let cal = svc.store().working_calendar().await?;
    let day = today(svc);
    let mut out = Vec::new();
    for t in svc.store().list_tenants().await? {
        let mine: Vec<StatCase> = figures
            .iter()
            .filter(|f| f.tenant_id == t.id)
            .map(stat_case)
            .collect();
        let now = counts_of(&open, t.id, &cal, day);
        if mine.is_empty() && now.open == 0 {
            continue;
        }
        let total = monthly(&mine, &cal, year, day)
            .pop()
            .ok_or_else(|| ServiceError::Internal("no total row".into()))?;
        out.push(UnitFigures {
            tenant: t,
            total,
            now,
        });
    }
    out.sort_by_key(|u| std::cmp::Reverse((u.now.overdue, u.total.received)));
    Ok(out)
}

fn counts_of(
    open: &[CaseFigure],
    tenant: TenantId,
    cal: &zq_domain::calendar::WorkingCalendar,
    day: NaiveDate,
) -> OpenCounts {
    open_counts(
        open.iter()
            .filter(|f| f.tenant_id == tenant)
            .map(|f| (f.state, f.clock)),
        cal,
        day,
    )
}

/// The open, due-soon and overdue cases of every unit now (the gauges), by tenant.
pub async fn open_counts_by_tenant(svc: &Services) -> Result<Vec<(Tenant, OpenCounts)>> {
    let open = svc.store().open_case_figures().await?;
    let cal = svc.store().working_calendar().await?;
    let day = today(svc);
    Ok(svc
        .store()
        .list_tenants()
        .await?
        .into_iter()
        .map(|t| {
            let n = counts_of(&open, t.id, &cal, day);
            (t, n)
        })
        .collect())
}

/// The open cases of site `code` now, for its console.
pub async fn open_counts_of(svc: &Services, caller: &Caller, code: &str) -> Result<OpenCounts> {
    let t = crate::site(svc, caller, code, Action::ReadFigures).await?;
    let open = svc.store().open_case_figures().await?;
    let cal = svc.store().working_calendar().await?;
    Ok(counts_of(&open, t.id, &cal, today(svc)))
}
