//! Availability probes in the database: each run's results stored in one statement, the
//! week's totals per site in one grouped query, the failures of a site for evidence, and the
//! results older than five weeks purged.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use zq_domain::TenantId;

use crate::entity::probe;
use crate::{Store, StoreError};

/// One request of a probe run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeResult {
    pub tenant_id: TenantId,
    pub at: DateTime<Utc>,
    /// The page asked for (`/sites/jb/`).
    pub path: String,
    /// It opened within the time limit with a 2xx answer.
    pub ok: bool,
    /// Why not, when it did not.
    pub detail: Option<String>,
    pub millis: i32,
}

impl Store {
    /// Stores a run's results.
    pub async fn record_probes(&self, results: Vec<ProbeResult>) -> Result<(), StoreError> {
        if results.is_empty() {
            return Ok(());
        }
        let rows = results.into_iter().map(|r| probe::ActiveModel {
            tenant_id: Set(r.tenant_id.0),
            at: Set(r.at),
            path: Set(r.path.chars().take(200).collect()),
            ok: Set(r.ok),
            detail: Set(r.detail.map(|d| d.chars().take(200).collect())),
            millis: Set(r.millis),
            ..Default::default()
        });
        probe::Entity::insert_many(rows)
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    /// Probes since `since` by tenant: (tenant, total, failed).
    pub async fn probe_totals(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(TenantId, u64, u64)>, StoreError> {
        let rows = probe::Entity::find()
            .select_only()
            .column(probe::Column::TenantId)
            .column(probe::Column::Ok)
            .column_as(Expr::from(Func::count(Expr::col(probe::Column::Id))), "n")
            .filter(probe::Column::At.gte(since))
            .group_by(probe::Column::TenantId)
            .group_by(probe::Column::Ok)
            .into_tuple::<(i64, bool, i64)>()
            .all(&self.db)
            .await?;
        let mut out: Vec<(TenantId, u64, u64)> = Vec::new();
        for (t, ok, n) in rows {
            let n = u64::try_from(n).unwrap_or(0);
            let i = match out.iter().position(|(x, _, _)| x.0 == t) {
                Some(i) => i,
                None => {
                    out.push((TenantId(t), 0, 0));
                    out.len() - 1
                }
            };
            out[i].1 += n;
            if !ok {
                out[i].2 += n;
            }
        }
        Ok(out)
    }

    /// The newest failed probes of `tenant` since `since`, at most `limit`.
    pub async fn failed_probes(
        &self,
        tenant: TenantId,
        since: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<ProbeResult>, StoreError> {
        Ok(probe::Entity::find()
            .filter(probe::Column::TenantId.eq(tenant.0))
            .filter(probe::Column::At.gte(since))
            .filter(probe::Column::Ok.eq(false))
            .order_by_desc(probe::Column::At)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| ProbeResult {
                tenant_id: TenantId(r.tenant_id),
                at: r.at,
                path: r.path,
                ok: r.ok,
                detail: r.detail,
                millis: r.millis,
            })
            .collect())
    }

    /// Removes the probes older than `cutoff`; returns how many.
    pub async fn purge_probes_before(&self, cutoff: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(probe::Entity::delete_many()
            .filter(probe::Column::At.lt(cutoff))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}
