//! The audit log as the console reads it: a site's log (its audit readers) or the whole
//! cluster's (the office), filtered by actor, kind of action, object and period, with the
//! titles of the articles, columns, accounts and sites its rows name — so the page and its
//! CSV export say 审核通过信息 信息《…》, not `article.approve article:2872`.

use std::collections::HashMap;

use zq_domain::access::Action;
use zq_store::{AuditFilter, AuditRecord, Tenant};

use crate::admin::cluster_only;
use crate::{Caller, Result, Services, site};

/// The most rows a page or an export shows.
pub const MAX_ROWS: u64 = 2000;

/// Rows of the log with the titles of the objects they name.
#[derive(Debug, Clone, Default)]
pub struct AuditPage {
    pub rows: Vec<AuditRecord>,
    /// Object reference (`article:12`) → its title or name.
    pub titles: HashMap<String, String>,
}

async fn page(
    svc: &Services,
    tenant: Option<&Tenant>,
    filter: &AuditFilter,
    limit: u64,
) -> Result<AuditPage> {
    let scope = tenant.map(|t| t.id);
    let rows = svc
        .store()
        .audit_search(scope, filter, limit.min(MAX_ROWS))
        .await?;
    let objects: Vec<String> = rows.iter().map(|r| r.entry.object.clone()).collect();
    let titles = svc.store().object_titles(scope, &objects).await?;
    Ok(AuditPage { rows, titles })
}

/// Site `code`'s log (who may read its audit log).
pub async fn site_log(
    svc: &Services,
    caller: &Caller,
    code: &str,
    filter: &AuditFilter,
    limit: u64,
) -> Result<(Tenant, AuditPage)> {
    let t = site(svc, caller, code, Action::ReadAudit).await?;
    let p = page(svc, Some(&t), filter, limit).await?;
    Ok((t, p))
}

/// The whole cluster's log (the office and operators).
pub async fn cluster_log(
    svc: &Services,
    caller: &Caller,
    filter: &AuditFilter,
    limit: u64,
) -> Result<AuditPage> {
    cluster_only(caller, Action::ReadAudit)?;
    page(svc, None, filter, limit).await
}
