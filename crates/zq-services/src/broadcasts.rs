//! The office's cluster-wide broadcasts: an emergency notice (应急公告) on every site or on
//! chosen ones, and the mourning mode (全站变灰), each one audited action with a start and an
//! end. The store's event makes every node re-read its registry, so a broadcast shows on
//! every node within a second; it ends by itself at its end time (pages are keyed by what
//! they show at the instant of the request, `zq_domain::broadcast::shown`).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use zq_domain::TenantCode;
use zq_domain::access::Action;
use zq_domain::broadcast::{self, Broadcast, BroadcastKind, Level};

use crate::admin::cluster_only;
use crate::{Caller, Result, ServiceError, Services};

/// A broadcast as the office enters it.
#[derive(Debug, Clone, Deserialize)]
pub struct BroadcastInput {
    pub kind: BroadcastKind,
    #[serde(default = "default_level")]
    pub level: Level,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub text: String,
    /// Site codes; empty for every site.
    #[serde(default)]
    pub sites: Vec<String>,
    /// Now when absent.
    #[serde(default)]
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: DateTime<Utc>,
}

fn default_level() -> Level {
    Level::Blue
}

/// Makes a broadcast (the office).
pub async fn announce(svc: &Services, caller: &Caller, input: BroadcastInput) -> Result<Broadcast> {
    cluster_only(caller, Action::ManageTenants)?;
    let mut sites = Vec::with_capacity(input.sites.len());
    for code in input
        .sites
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        let parsed = TenantCode::parse(code)
            .map_err(|_| ServiceError::Invalid(format!("没有代码为 {code} 的站点")))?;
        let t = svc
            .store()
            .tenant_by_code(&parsed)
            .await?
            .ok_or_else(|| ServiceError::Invalid(format!("没有代码为 {code} 的站点")))?;
        sites.push(t.id);
    }
    let now = svc.now();
    let b = broadcast::check(
        Broadcast {
            id: 0,
            kind: input.kind,
            level: input.level,
            title: input.title,
            text: input.text,
            sites,
            starts_at: input.starts_at.unwrap_or(now),
            ends_at: input.ends_at,
            cancelled: false,
        },
        now,
    )
    .map_err(|e| ServiceError::Invalid(e.to_string()))?;
    Ok(svc.store().create_broadcast(b, &caller.who()).await?)
}

/// Ends a broadcast now (the office).
pub async fn cancel(svc: &Services, caller: &Caller, id: i64) -> Result<Broadcast> {
    cluster_only(caller, Action::ManageTenants)?;
    Ok(svc.store().cancel_broadcast(id, &caller.who()).await?)
}

/// The newest broadcasts (the office, and the operators who watch what is on air).
pub async fn recent(svc: &Services, caller: &Caller) -> Result<Vec<Broadcast>> {
    if !caller.sees_everything() {
        cluster_only(caller, Action::ManageTenants)?;
    }
    Ok(svc.store().recent_broadcasts(50).await?)
}
