//! Reading the steps of every case in the order they were taken, for the mail job
//! (`zq_services::interaction::notify`), which follows them from its stored position like a
//! durable subscriber follows events.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use zq_domain::TenantId;

use crate::entity::case_step;
use crate::{Store, StoreError};

/// A step as the mail job sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    pub id: i64,
    pub case_id: i64,
    /// The case's owner when the step was taken.
    pub tenant_id: TenantId,
    pub step: String,
    pub to_tenant: Option<TenantId>,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Up to `limit` steps of every case after step `after`, oldest first.
    pub async fn case_steps_after(
        &self,
        after: i64,
        limit: u64,
    ) -> Result<Vec<StepRow>, StoreError> {
        Ok(case_step::Entity::find()
            .filter(case_step::Column::Id.gt(after))
            .order_by_asc(case_step::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| StepRow {
                id: s.id,
                case_id: s.case_id,
                tenant_id: TenantId(s.tenant_id),
                step: s.step,
                to_tenant: s.to_tenant.map(TenantId),
                at: s.at,
            })
            .collect())
    }

    /// The newest step's id (0 with none).
    pub async fn last_case_step_id(&self) -> Result<i64, StoreError> {
        Ok(case_step::Entity::find()
            .order_by_desc(case_step::Column::Id)
            .one(&self.db)
            .await?
            .map_or(0, |s| s.id))
    }

    /// A case by id whoever owns it (for the mail job acting as the system).
    pub async fn case_any(&self, id: i64) -> Result<super::Case, StoreError> {
        let row = crate::entity::case::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("case {id}")))?;
        super::cases::to_case(row)
    }
}
