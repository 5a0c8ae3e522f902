//! The column tree of each tenant.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use zq_domain::{ColumnId, ColumnKind, ColumnSlug, TenantId};

use crate::entity::site_column;
use crate::error::parse_stored;
use crate::{Column, NewColumn, Store, StoreError};

impl Store {
    /// Every column of a tenant, in display order (parents before their children is not
    /// guaranteed; build the tree from `parent_id`).
    pub async fn columns(&self, tenant: TenantId) -> Result<Vec<Column>, StoreError> {
        site_column::Entity::find()
            .filter(site_column::Column::TenantId.eq(tenant.0))
            .order_by_asc(site_column::Column::SortOrder)
            .order_by_asc(site_column::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_column)
            .collect()
    }

    /// Adds a column to a tenant; the parent must be a column of the same tenant.
    pub async fn create_column(
        &self,
        tenant: TenantId,
        new: NewColumn,
    ) -> Result<Column, StoreError> {
        if new.name.trim().is_empty() {
            return Err(StoreError::NotAllowed("a column needs a name".into()));
        }
        if new.kind == ColumnKind::ExternalLink && new.external_url.is_none() {
            return Err(StoreError::NotAllowed(
                "an external-link column needs its address".into(),
            ));
        }
        if let Some(parent) = new.parent_id {
            let found = site_column::Entity::find_by_id(parent.0)
                .filter(site_column::Column::TenantId.eq(tenant.0))
                .one(&self.db)
                .await?;
            if found.is_none() {
                return Err(StoreError::NotFound(format!("parent column {parent}")));
            }
        }
        let row = site_column::ActiveModel {
            tenant_id: Set(tenant.0),
            parent_id: Set(new.parent_id.map(|p| p.0)),
            slug: Set(new.slug.as_str().to_owned()),
            name: Set(new.name.trim().to_owned()),
            kind: Set(new.kind.as_str().to_owned()),
            external_url: Set(new.external_url),
            update_requirement: Set(new.update_requirement.as_str().to_owned()),
            responsible_unit: Set(new.responsible_unit),
            sort_order: Set(new.sort_order),
            is_news: Set(new.is_news),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .map_err(|e| {
            crate::error::conflict_as(e, || {
                format!("column slug {} is taken in this site", new.slug)
            })
        })?;
        let generations = crate::changes::bump(&self.db, &[tenant], false).await?;
        self.notify(crate::ChangeEvent {
            generations,
            sites_changed: true,
        })
        .await;
        to_column(row)
    }

    /// One column of a tenant by id.
    pub async fn column(
        &self,
        tenant: TenantId,
        id: ColumnId,
    ) -> Result<Option<Column>, StoreError> {
        site_column::Entity::find_by_id(id.0)
            .filter(site_column::Column::TenantId.eq(tenant.0))
            .one(&self.db)
            .await?
            .map(to_column)
            .transpose()
    }
}

pub(crate) fn to_column(row: site_column::Model) -> Result<Column, StoreError> {
    Ok(Column {
        id: ColumnId(row.id),
        tenant_id: TenantId(row.tenant_id),
        parent_id: row.parent_id.map(ColumnId),
        slug: ColumnSlug::parse(&row.slug).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        name: row.name,
        kind: parse_stored(&row.kind)?,
        external_url: row.external_url,
        update_requirement: parse_stored(&row.update_requirement)?,
        responsible_unit: row.responsible_unit,
        sort_order: row.sort_order,
        is_news: row.is_news,
    })
}

impl Store {
    /// Every column of every tenant, for the in-memory site registry.
    pub async fn all_columns(&self) -> Result<Vec<Column>, StoreError> {
        site_column::Entity::find()
            .order_by_asc(site_column::Column::TenantId)
            .order_by_asc(site_column::Column::SortOrder)
            .order_by_asc(site_column::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_column)
            .collect()
    }
}
