//! The article editor's autosaves: one row per account and form page, overwritten every few
//! seconds while someone types, read back when they open the page again, dropped when the form
//! is really saved or after a month. Like a session, a private scratch copy is bookkeeping, not
//! content: no audit row (the real save is audited).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use zq_domain::{TenantId, UserId};

use crate::entity::autosave;
use crate::{Store, StoreError};

impl Store {
    /// Keeps the fields (a JSON object) of `user`'s form at `page` of the tenant.
    pub async fn put_autosave(
        &self,
        user: UserId,
        tenant: TenantId,
        page: &str,
        fields: &str,
    ) -> Result<DateTime<Utc>, StoreError> {
        let now = self.now();
        let row = autosave::ActiveModel {
            user_id: Set(user.0),
            page: Set(page.to_owned()),
            tenant_id: Set(tenant.0),
            fields: Set(fields.to_owned()),
            saved_at: Set(now),
        };
        autosave::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([autosave::Column::UserId, autosave::Column::Page])
                    .update_columns([
                        autosave::Column::TenantId,
                        autosave::Column::Fields,
                        autosave::Column::SavedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await?;
        Ok(now)
    }

    /// `user`'s autosave of `page` of the tenant: the fields (JSON) and when.
    pub async fn autosave(
        &self,
        user: UserId,
        tenant: TenantId,
        page: &str,
    ) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
        Ok(autosave::Entity::find_by_id((user.0, page.to_owned()))
            .filter(autosave::Column::TenantId.eq(tenant.0))
            .one(&self.db)
            .await?
            .map(|r| (r.fields, r.saved_at)))
    }

    /// Drops `user`'s autosave of `page` (the form was saved for real).
    pub async fn drop_autosave(&self, user: UserId, page: &str) -> Result<(), StoreError> {
        autosave::Entity::delete_by_id((user.0, page.to_owned()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Drops every autosave older than `before`; returns how many.
    pub async fn purge_autosaves(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(autosave::Entity::delete_many()
            .filter(autosave::Column::SavedAt.lt(before))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}
