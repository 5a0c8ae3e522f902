//! 发稿统计 (issue 16): how many articles a site put out in a period, per column, per writer
//! and per month, and for the office the same per site across the cluster. Counts only, so
//! whoever may see a site's figures (operators included) may see them; names come from the
//! site's own columns and accounts, never another tenant's.

use chrono::{DateTime, Utc};
use zq_domain::access::Action;
use zq_domain::statistics::{Month, count_by, months_between, per_month};
use zq_domain::{TenantId, TenantStatus};
use zq_store::Tenant;

use crate::{Caller, Result, ServiceError, Services, site};

/// What was counted for one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub total: u64,
    /// Every month of the period, zeros kept.
    pub by_month: Vec<(Month, u64)>,
    /// Named groups (columns, writers, sites), most first.
    pub groups: Vec<(String, u64)>,
}

/// A site's output: per column and per writer.
#[derive(Debug, Clone)]
pub struct SiteOutput {
    pub tenant: Tenant,
    pub by_column: Output,
    /// The writers' groups (`by_month` and `total` as in `by_column`).
    pub by_author: Vec<(String, u64)>,
}

/// The label of articles no account wrote (imported, or adopted by the system).
pub const NO_AUTHOR: &str = "（导入或系统）";

fn months(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Month>> {
    months_between(from, to)
        .ok_or_else(|| ServiceError::Invalid("统计期间须晚于开始日期，且不超过十年".into()))
}

/// The articles site `code` published in `[from, to)`, counted.
pub async fn site_output(
    svc: &Services,
    caller: &Caller,
    code: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<SiteOutput> {
    let t = site(svc, caller, code, Action::ReadFigures).await?;
    let months = months(from, to)?;
    let rows = svc.store().published_rows(Some(t.id), from, to).await?;
    let columns = svc.store().columns(t.id).await?;
    let users = svc.store().tenant_users(t.id).await?;
    let all_users = if rows.iter().any(|r| {
        r.author
            .is_some_and(|a| !users.iter().any(|(u, _)| u.id == a))
    }) {
        svc.store().list_users().await?
    } else {
        Vec::new()
    };
    let column_name = |id| {
        columns
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| "（已删除的栏目）".into())
    };
    let author_name = |id: Option<zq_domain::UserId>| match id {
        None => NO_AUTHOR.to_owned(),
        Some(id) => users
            .iter()
            .map(|(u, _)| u)
            .chain(all_users.iter())
            .find(|u| u.id == id)
            .map(|u| u.display_name.clone())
            .unwrap_or_else(|| "（已删除的账号）".into()),
    };
    Ok(SiteOutput {
        by_column: Output {
            total: rows.len() as u64,
            by_month: per_month(rows.iter().map(|r| r.published_at), &months),
            groups: count_by(rows.iter().map(|r| column_name(r.column))),
        },
        by_author: count_by(rows.iter().map(|r| author_name(r.author))),
        tenant: t,
    })
}

/// Articles published in `[from, to)` per site of the cluster (every site that is not
/// archived, those with none included, the portal first among equals), for whoever sees
/// every site (the office, operators).
pub async fn cluster_output(
    svc: &Services,
    caller: &Caller,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(Output, Vec<(Tenant, u64)>)> {
    if !caller.sees_everything() {
        return Err(ServiceError::forbidden(Action::ReadFigures));
    }
    let months = months(from, to)?;
    let rows = svc.store().published_rows(None, from, to).await?;
    let tenants: Vec<Tenant> = svc
        .store()
        .list_tenants()
        .await?
        .into_iter()
        .filter(|t| t.status != TenantStatus::Archived)
        .collect();
    let counts = count_by(rows.iter().map(|r| r.tenant));
    let count_of = |id: TenantId| counts.iter().find(|(t, _)| *t == id).map_or(0, |c| c.1);
    let mut sites: Vec<(Tenant, u64)> = tenants
        .into_iter()
        .map(|t| {
            let n = count_of(t.id);
            (t, n)
        })
        .collect();
    sites.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| {
                (b.0.kind == zq_domain::TenantKind::Portal)
                    .cmp(&(a.0.kind == zq_domain::TenantKind::Portal))
            })
            .then_with(|| a.0.id.cmp(&b.0.id))
    });
    let output = Output {
        total: rows.len() as u64,
        by_month: per_month(rows.iter().map(|r| r.published_at), &months),
        groups: sites.iter().map(|(t, n)| (t.name.clone(), *n)).collect(),
    };
    Ok((output, sites))
}
