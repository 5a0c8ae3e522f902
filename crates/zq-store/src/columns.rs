//! The column tree of each tenant.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use zq_domain::{ColumnId, ColumnKind, ColumnSlug, TenantId};

use crate::entity::site_column;
use crate::error::parse_stored;
use crate::{Column, NewColumn, Store, StoreError, Who};

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

    /// Adds a column to a tenant (the parent must be a column of the same tenant), with
    /// `who`'s audit row and the event, in one transaction.
    pub async fn create_column(
        &self,
        tenant: TenantId,
        new: NewColumn,
        who: &Who,
    ) -> Result<Column, StoreError> {
        if new.name.trim().is_empty() {
            return Err(StoreError::NotAllowed("a column needs a name".into()));
        }
        if new.kind == ColumnKind::ExternalLink && new.external_url.is_none() {
            return Err(StoreError::NotAllowed(
                "an external-link column needs its address".into(),
            ));
        }
        let (_guard, txn) = self.begin_audited().await?;
        if let Some(parent) = new.parent_id {
            let found = site_column::Entity::find_by_id(parent.0)
                .filter(site_column::Column::TenantId.eq(tenant.0))
                .one(&txn)
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
            aggregates: Set(new.aggregates.map(|k| k.as_str().to_owned())),
            created_at: Set(self.now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| {
            crate::error::conflict_as(e, || {
                format!("column slug {} is taken in this site", new.slug)
            })
        })?;
        let generations = crate::changes::bump(&txn, &[tenant], false).await?;
        let object = format!("column:{}", row.id);
        let event = self
            .column_written(&txn, tenant, object, "column.create", generations, who)
            .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        to_column(row)
    }

    /// Renames, moves, reorders a column or changes its update requirement, responsible unit
    /// or news flag; the site's pages show it at once.
    pub async fn update_column(
        &self,
        tenant: TenantId,
        id: ColumnId,
        change: ColumnChange,
        who: &Who,
    ) -> Result<Column, StoreError> {
        let name = change.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 40 {
            return Err(StoreError::NotAllowed(
                "a column name needs 1-40 characters".into(),
            ));
        }
        let (_guard, txn) = self.begin_audited().await?;
        let all = site_column::Entity::find()
            .filter(site_column::Column::TenantId.eq(tenant.0))
            .all(&txn)
            .await?;
        let row = all
            .iter()
            .find(|c| c.id == id.0)
            .cloned()
            .ok_or_else(|| StoreError::NotFound(format!("column {id}")))?;
        if let Some(p) = change.parent_id
            && !all.iter().any(|c| c.id == p.0)
        {
            return Err(StoreError::NotFound(format!("parent column {p}")));
        }
        let tree: Vec<(i64, Option<i64>)> = all.iter().map(|c| (c.id, c.parent_id)).collect();
        if zq_domain::column::would_cycle(&tree, id.0, change.parent_id.map(|p| p.0)) {
            return Err(StoreError::NotAllowed(
                "a column cannot move under itself or one of its sub-columns".into(),
            ));
        }
        let was_news = row.is_news;
        let mut active: site_column::ActiveModel = row.into();
        active.name = Set(name);
        active.parent_id = Set(change.parent_id.map(|p| p.0));
        active.update_requirement = Set(change.update_requirement.as_str().to_owned());
        active.responsible_unit = Set(change
            .responsible_unit
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty()));
        active.sort_order = Set(change.sort_order);
        active.is_news = Set(change.is_news);
        match change.aggregates.as_deref().map(str::trim) {
            None => {}
            Some("" | "none") => active.aggregates = Set(None),
            Some(kind) => {
                let kind: zq_domain::TenantKind = kind.parse()?;
                active.aggregates = Set(Some(kind.as_str().to_owned()));
            }
        }
        let updated = active.update(&txn).await?;
        let generations = crate::changes::bump(&txn, &[tenant], change.is_news || was_news).await?;
        let object = format!("column:{id}");
        let event = self
            .column_written(&txn, tenant, object, "column.update", generations, who)
            .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        to_column(updated)
    }

    /// The audit row and the event of a column change, inside its transaction.
    async fn column_written(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        tenant: TenantId,
        object: String,
        action: &str,
        generations: Vec<(TenantId, u64)>,
        who: &Who,
    ) -> Result<crate::Event, StoreError> {
        let now = self.now();
        crate::audit::audit_in(txn, who.entry(Some(tenant), object.clone(), action), now).await?;
        let change = crate::ChangeEvent {
            generations,
            sites_changed: true,
        };
        let kind = zq_domain::event::EventKind::ColumnChanged;
        crate::events::record_in(txn, now, kind, Some(tenant), object, change).await
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

/// What may change of a column (its slug and kind stay: they are its public address and
/// what it shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnChange {
    pub name: String,
    pub parent_id: Option<ColumnId>,
    pub update_requirement: zq_domain::UpdateRequirement,
    pub responsible_unit: Option<String>,
    pub sort_order: i32,
    pub is_news: bool,
    /// The kind of unit whose news the column gathers (`department`, `district`; `none` or
    /// empty to stop); unchanged when left out.
    pub aggregates: Option<String>,
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
        aggregates: row.aggregates.as_deref().map(parse_stored).transpose()?,
        created_at: row.created_at,
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
