//! Each site's daily standing in the inspection: written by the probe job's rounds (the day's
//! last reading replaces the earlier ones), read back for the weekly trend.

use chrono::NaiveDate;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use zq_domain::TenantId;

use crate::entity::inspection_day;
use crate::{Store, StoreError};

/// A site's standing on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayStanding {
    pub tenant_id: TenantId,
    pub day: NaiveDate,
    pub points: i32,
    pub vetoes: i32,
    pub warnings: i32,
}

impl Store {
    /// Writes the day's standing of each site (replacing the day's earlier reading).
    pub async fn record_standings(&self, rows: Vec<DayStanding>) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        // A few hundred rows a statement keeps under every database's parameter limit.
        for chunk in rows.chunks(500) {
            let models = chunk.iter().map(|r| inspection_day::ActiveModel {
                tenant_id: Set(r.tenant_id.0),
                day: Set(r.day),
                points: Set(r.points),
                vetoes: Set(r.vetoes),
                warnings: Set(r.warnings),
                ..Default::default()
            });
            inspection_day::Entity::insert_many(models)
                .on_conflict(
                    OnConflict::columns([
                        inspection_day::Column::TenantId,
                        inspection_day::Column::Day,
                    ])
                    .update_columns([
                        inspection_day::Column::Points,
                        inspection_day::Column::Vetoes,
                        inspection_day::Column::Warnings,
                    ])
                    .to_owned(),
                )
                .exec_without_returning(&self.db)
                .await?;
        }
        Ok(())
    }

    /// The standings since `since` (of `tenant` or of every tenant), oldest first.
    pub async fn standings(
        &self,
        tenant: Option<TenantId>,
        since: NaiveDate,
    ) -> Result<Vec<DayStanding>, StoreError> {
        let mut q = inspection_day::Entity::find()
            .filter(inspection_day::Column::Day.gte(since))
            .order_by_asc(inspection_day::Column::Day);
        if let Some(t) = tenant {
            q = q.filter(inspection_day::Column::TenantId.eq(t.0));
        }
        Ok(q.all(&self.db)
            .await?
            .into_iter()
            .map(|r| DayStanding {
                tenant_id: TenantId(r.tenant_id),
                day: r.day,
                points: r.points,
                vetoes: r.vetoes,
                warnings: r.warnings,
            })
            .collect())
    }
}
