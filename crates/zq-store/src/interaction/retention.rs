//! How long writers' personal details are kept (个人信息保护法: no longer than the purpose
//! needs): the sealed details of a case that has been answered (replied, closed or not
//! accepted) and left untouched for the configured period are replaced by a marker, and the
//! files the writer attached are deleted. The case,
//! its reply and history stay (the registry and the statistics need them); the erasure is a
//! step in the case's history and an audit row by the system, in one transaction with it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use zq_domain::TenantId;
use zq_domain::interaction::CaseState;

use super::cases::record_step;
use crate::entity::{case, case_file};
use crate::{Store, StoreError, Who};

/// What `cases.personal` holds once the details are erased.
pub const PERSONAL_ERASED: &str = "erased";

impl Store {
    /// Erases the personal details of at most `limit` answered cases last changed before
    /// `cutoff`; returns their ids.
    pub async fn erase_personal_before(
        &self,
        cutoff: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<i64>, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let rows = case::Entity::find()
            .filter(case::Column::State.is_in([
                CaseState::Replied.as_str(),
                CaseState::Closed.as_str(),
                CaseState::NotAccepted.as_str(),
            ]))
            .filter(case::Column::Personal.ne(PERSONAL_ERASED))
            .filter(case::Column::UpdatedAt.lt(cutoff))
            .order_by_asc(case::Column::Id)
            .limit(limit)
            .all(&txn)
            .await?;
        let mut erased = Vec::new();
        let mut events = Vec::new();
        for r in rows {
            // Conditional on the version read: a case a handler touches meanwhile waits.
            let done = case::Entity::update_many()
                .col_expr(case::Column::Personal, Expr::value(PERSONAL_ERASED))
                .filter(case::Column::Id.eq(r.id))
                .filter(case::Column::Version.eq(r.version))
                .exec(&txn)
                .await?;
            if done.rows_affected == 0 {
                continue;
            }
            case_file::Entity::delete_many()
                .filter(case_file::Column::CaseId.eq(r.id))
                .exec(&txn)
                .await?;
            events.push(
                record_step(
                    &txn,
                    &Who::system(),
                    TenantId(r.tenant_id),
                    r.id,
                    "personal_erased",
                    None,
                    None,
                    false,
                    now,
                )
                .await?,
            );
            erased.push(r.id);
        }
        txn.commit().await?;
        self.committed(events).await;
        Ok(erased)
    }
}
