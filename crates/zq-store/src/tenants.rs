//! Tenants and their host names.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use zq_domain::{Host, TenantCode, TenantId, TenantStatus, tenant::check_parent};

use crate::changes::{bump, bump_all};
use crate::entity::{tenant, tenant_host};
use crate::error::parse_stored;
use crate::{ChangeEvent, NewTenant, Store, StoreError, Tenant};
use zq_domain::TenantKind;

impl Store {
    /// Every tenant with its hosts, portal first, then by id.
    pub async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        let rows = tenant::Entity::find()
            .order_by_asc(tenant::Column::Id)
            .all(&self.db)
            .await?;
        let hosts = tenant_host::Entity::find()
            .order_by_asc(tenant_host::Column::Position)
            .all(&self.db)
            .await?;
        let mut out = rows
            .into_iter()
            .map(|row| {
                let mine: Vec<&str> = hosts
                    .iter()
                    .filter(|h| h.tenant_id == row.id)
                    .map(|h| h.host.as_str())
                    .collect();
                to_tenant(row, &mine)
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.sort_by_key(|t| (t.kind != zq_domain::TenantKind::Portal, t.id));
        Ok(out)
    }

    /// One tenant by its code.
    pub async fn tenant_by_code(&self, code: &TenantCode) -> Result<Option<Tenant>, StoreError> {
        let Some(row) = tenant::Entity::find()
            .filter(tenant::Column::Code.eq(code.as_str()))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let hosts = self.hosts_of(TenantId(row.id)).await?;
        let refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
        to_tenant(row, &refs).map(Some)
    }

    async fn hosts_of(&self, id: TenantId) -> Result<Vec<String>, StoreError> {
        Ok(tenant_host::Entity::find()
            .filter(tenant_host::Column::TenantId.eq(id.0))
            .order_by_asc(tenant_host::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|h| h.host)
            .collect())
    }

    /// Creates a tenant and its hosts in one transaction, checking the hierarchy (one portal;
    /// departments and districts under it; towns under a district) and that code and hosts are free.
    pub async fn create_tenant(&self, new: NewTenant) -> Result<Tenant, StoreError> {
        if new.name.trim().is_empty() || new.sponsor.trim().is_empty() {
            return Err(StoreError::NotAllowed(
                "a tenant needs a name and a sponsor (主办单位)".into(),
            ));
        }
        if new.hosts.is_empty() {
            return Err(StoreError::NotAllowed(
                "a tenant needs at least one host name".into(),
            ));
        }
        let txn = self.db.begin().await?;
        let parent = match &new.parent {
            None => None,
            Some(code) => Some(
                tenant::Entity::find()
                    .filter(tenant::Column::Code.eq(code.as_str()))
                    .one(&txn)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("parent tenant {code}")))?,
            ),
        };
        let parent_kind = parent
            .as_ref()
            .map(|p| parse_stored::<zq_domain::TenantKind>(&p.kind))
            .transpose()?;
        check_parent(new.kind, parent_kind)?;
        if new.kind == zq_domain::TenantKind::Portal {
            let existing = tenant::Entity::find()
                .filter(tenant::Column::Kind.eq("portal"))
                .one(&txn)
                .await?;
            if let Some(p) = existing {
                return Err(StoreError::Conflict(format!(
                    "the cluster already has a portal ({})",
                    p.code
                )));
            }
        }
        if tenant::Entity::find()
            .filter(tenant::Column::Code.eq(new.code.as_str()))
            .one(&txn)
            .await?
            .is_some()
        {
            return Err(StoreError::Conflict(format!(
                "tenant code {} is taken",
                new.code
            )));
        }
        let now = Utc::now();
        let row = tenant::ActiveModel {
            code: Set(new.code.as_str().to_owned()),
            kind: Set(new.kind.as_str().to_owned()),
            name: Set(new.name.trim().to_owned()),
            sponsor: Set(new.sponsor.trim().to_owned()),
            site_id: Set(new.site_id.clone()),
            contact: Set(new.contact.clone()),
            status: Set(TenantStatus::Active.as_str().to_owned()),
            parent_id: Set(parent.map(|p| p.id)),
            created_at: Set(now),
            updated_at: Set(now),
            generation: Set(0),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for (position, host) in (0i32..).zip(&new.hosts) {
            let taken = tenant_host::Entity::find_by_id(host.as_str().to_owned())
                .one(&txn)
                .await?;
            if taken.is_some() {
                return Err(StoreError::Conflict(format!(
                    "host {host} belongs to another tenant"
                )));
            }
            tenant_host::ActiveModel {
                host: Set(host.as_str().to_owned()),
                tenant_id: Set(row.id),
                position: Set(position),
            }
            .insert(&txn)
            .await?;
        }
        txn.commit().await?;
        self.notify(ChangeEvent {
            generations: Vec::new(),
            sites_changed: true,
        })
        .await;
        let hosts: Vec<&str> = new.hosts.iter().map(Host::as_str).collect();
        to_tenant(row, &hosts)
    }

    /// Moves a tenant to another status (suspend, resume, archive); archived is final.
    pub async fn set_tenant_status(
        &self,
        code: &TenantCode,
        status: TenantStatus,
    ) -> Result<Tenant, StoreError> {
        let txn = self.db.begin().await?;
        let row = tenant::Entity::find()
            .filter(tenant::Column::Code.eq(code.as_str()))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("tenant {code}")))?;
        let current: TenantStatus = parse_stored(&row.status)?;
        if !current.can_become(status) {
            return Err(StoreError::NotAllowed(format!(
                "tenant {code} is {current} and cannot become {status}"
            )));
        }
        let mut active: tenant::ActiveModel = row.into();
        active.status = Set(status.as_str().to_owned());
        active.updated_at = Set(Utc::now());
        let updated = active.update(&txn).await?;
        // The portal's status shows on every page's header links; others only on their own.
        let generations = if updated.kind == TenantKind::Portal.as_str() {
            bump_all(&txn).await?
        } else {
            bump(&txn, &[TenantId(updated.id)], false).await?
        };
        txn.commit().await?;
        self.notify(ChangeEvent {
            generations,
            sites_changed: true,
        })
        .await;
        self.tenant_by_code(code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("tenant {code}")))
    }
}

fn to_tenant(row: tenant::Model, hosts: &[&str]) -> Result<Tenant, StoreError> {
    Ok(Tenant {
        id: TenantId(row.id),
        code: TenantCode::parse(&row.code).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        kind: parse_stored(&row.kind)?,
        name: row.name,
        sponsor: row.sponsor,
        site_id: row.site_id,
        contact: row.contact,
        status: parse_stored(&row.status)?,
        parent_id: row.parent_id.map(TenantId),
        generation: u64::try_from(row.generation).unwrap_or(0),
        hosts: hosts
            .iter()
            .map(|h| Host::parse(h).map_err(|e| StoreError::Corrupt(e.to_string())))
            .collect::<Result<_, _>>()?,
    })
}
