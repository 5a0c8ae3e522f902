//! Tenants and their host names.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use zq_domain::{Host, TenantCode, TenantId, TenantStatus, tenant::check_parent};

use crate::audit::{audit_in, content_hash};
use crate::changes::{bump, bump_all};
use crate::entity::{tenant, tenant_host};
use crate::error::parse_stored;
use crate::events::record_in;
use crate::{ChangeEvent, NewTenant, Store, StoreError, Tenant, Who};
use zq_domain::TenantKind;
use zq_domain::event::EventKind;
use zq_domain::records::SiteRecords;

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

    /// Creates a tenant and its hosts in one transaction with `who`'s audit row and its event,
    /// checking the hierarchy (one portal; departments and districts under it; towns under a
    /// district) and that code and hosts are free.
    pub async fn create_tenant(&self, new: NewTenant, who: &Who) -> Result<Tenant, StoreError> {
        if new.name.trim().is_empty() || new.sponsor.trim().is_empty() {
            return Err(StoreError::NotAllowed("请填写网站名称和主办单位".into()));
        }
        if new.hosts.is_empty() {
            return Err(StoreError::NotAllowed("请至少填写一个域名".into()));
        }
        let (_guard, txn) = self.begin_audited().await?;
        let parent = match &new.parent {
            None => None,
            Some(code) => Some(
                tenant::Entity::find()
                    .filter(tenant::Column::Code.eq(code.as_str()))
                    .one(&txn)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("上级站点 {code}")))?,
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
                    "集群已有门户网站（{}），不能再建一个",
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
                "站点代码 {} 已被使用",
                new.code
            )));
        }
        let now = self.now();
        let row = tenant::ActiveModel {
            code: Set(new.code.as_str().to_owned()),
            kind: Set(new.kind.as_str().to_owned()),
            name: Set(new.name.trim().to_owned()),
            sponsor: Set(new.sponsor.trim().to_owned()),
            site_id: Set(new.site_id.clone()),
            contact: Set(new.contact.clone()),
            status: Set(if new.preparing {
                TenantStatus::Preparing
            } else {
                TenantStatus::Active
            }
            .as_str()
            .to_owned()),
            parent_id: Set(parent.map(|p| p.id)),
            created_at: Set(now),
            updated_at: Set(now),
            generation: Set(0),
            short_name: Set(new
                .short_name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(|n| n.chars().take(40).collect())),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        // Recorded before the hosts, so a refused host rolls the event back with the tenant.
        let event = record_in(
            &txn,
            now,
            EventKind::TenantChanged,
            Some(TenantId(row.id)),
            format!("tenant:{}", new.code),
            ChangeEvent {
                generations: Vec::new(),
                sites_changed: true,
            },
        )
        .await?;
        for (position, host) in (0i32..).zip(&new.hosts) {
            let taken = tenant_host::Entity::find_by_id(host.as_str().to_owned())
                .one(&txn)
                .await?;
            if taken.is_some() {
                return Err(StoreError::Conflict(format!("域名 {host} 已属于其他站点")));
            }
            tenant_host::ActiveModel {
                host: Set(host.as_str().to_owned()),
                tenant_id: Set(row.id),
                position: Set(position),
            }
            .insert(&txn)
            .await?;
        }
        let entry = who.entry(
            Some(TenantId(row.id)),
            format!("tenant:{}", new.code),
            "tenant.create",
        );
        audit_in(&txn, entry, now).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        let hosts: Vec<&str> = new.hosts.iter().map(Host::as_str).collect();
        to_tenant(row, &hosts)
    }

    /// One tenant by id.
    pub async fn tenant_by_id(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        let Some(row) = tenant::Entity::find_by_id(id.0).one(&self.db).await? else {
            return Ok(None);
        };
        let hosts = self.hosts_of(id).await?;
        let refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
        to_tenant(row, &refs).map(Some)
    }

    /// Changes what a site admin may change of their site; the site's pages show it at once.
    pub async fn update_site_settings(
        &self,
        id: TenantId,
        settings: SiteSettings,
        who: &crate::Who,
    ) -> Result<Tenant, StoreError> {
        let settings = settings.checked()?;
        let (_guard, txn) = self.begin_audited().await?;
        let row = tenant::Entity::find_by_id(id.0)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("tenant {id}")))?;
        let before = SiteSettings::of_row(&row);
        let mut active: tenant::ActiveModel = row.into();
        active.name = Set(settings.name.clone());
        active.sponsor = Set(settings.sponsor.clone());
        active.site_id = Set(settings.site_id.clone());
        active.contact = Set(settings.contact.clone());
        active.logo = Set(settings.logo.clone());
        active.theme_color = Set(settings.theme_color.clone());
        active.editors_publish_directly = Set(settings.editors_publish_directly);
        let r = &settings.records;
        active.icp_record = Set(r.icp.clone());
        active.police_record = Set(r.police.clone());
        active.conac_id = Set(r.conac_id.clone());
        active.superior_name = Set(r.superior_name.clone());
        active.superior_url = Set(r.superior_url.clone());
        let now = self.now();
        active.updated_at = Set(now);
        let updated = active.update(&txn).await?;
        // The portal's name and records show in every site's header and footer; a site's name
        // in its towns' footers (the cluster directory is keyed by the registry's tag).
        let generations =
            if updated.kind == TenantKind::Portal.as_str() || before.name != settings.name {
                bump_all(&txn).await?
            } else {
                bump(&txn, &[id], false).await?
            };
        let object = format!("tenant:{}", updated.code);
        let mut entry = who.entry(Some(id), object.clone(), "site.settings");
        entry.before_hash = Some(before.fingerprint());
        entry.after_hash = Some(settings.fingerprint());
        audit_in(&txn, entry, now).await?;
        let change = ChangeEvent {
            generations,
            sites_changed: true,
        };
        let event = record_in(
            &txn,
            now,
            EventKind::TenantChanged,
            Some(id),
            object,
            change,
        )
        .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        self.tenant_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("tenant {id}")))
    }

    /// Moves a tenant to another status (suspend, resume, archive; archived is final), with
    /// `who`'s audit row (hashes of the status before and after) and the event, in one
    /// transaction.
    pub async fn set_tenant_status(
        &self,
        code: &TenantCode,
        status: TenantStatus,
        who: &Who,
    ) -> Result<Tenant, StoreError> {
        self.set_tenant_status_noted(code, status, who, None).await
    }

    /// [`Store::set_tenant_status`] with the reason typed to confirm it, kept in the audit row.
    pub async fn set_tenant_status_noted(
        &self,
        code: &TenantCode,
        status: TenantStatus,
        who: &Who,
        note: Option<String>,
    ) -> Result<Tenant, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let row = tenant::Entity::find()
            .filter(tenant::Column::Code.eq(code.as_str()))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("tenant {code}")))?;
        let current: TenantStatus = parse_stored(&row.status)?;
        if !current.can_become(status) {
            return Err(StoreError::NotAllowed(format!(
                "站点 {code} 目前{}，不能改为{}",
                current.label(),
                status.label()
            )));
        }
        let mut active: tenant::ActiveModel = row.into();
        active.status = Set(status.as_str().to_owned());
        let now = self.now();
        active.updated_at = Set(now);
        let updated = active.update(&txn).await?;
        // The portal's status shows on every page's header links; others only on their own (the
        // cluster directory is keyed by the registry's directory tag instead).
        let generations = if updated.kind == TenantKind::Portal.as_str() {
            bump_all(&txn).await?
        } else {
            bump(&txn, &[TenantId(updated.id)], false).await?
        };
        let action = format!("tenant.{}", status_verb(current, status));
        let mut entry = who
            .entry(
                Some(TenantId(updated.id)),
                format!("tenant:{code}"),
                &action,
            )
            .with_note(note);
        entry.before_hash = Some(content_hash(current.as_str().as_bytes()));
        entry.after_hash = Some(content_hash(status.as_str().as_bytes()));
        audit_in(&txn, entry, now).await?;
        let change = ChangeEvent {
            generations,
            sites_changed: true,
        };
        let object = format!("tenant:{code}");
        let tenant = Some(TenantId(updated.id));
        let event = record_in(&txn, now, EventKind::TenantChanged, tenant, object, change).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
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
        theme_color: row.theme_color,
        logo: row.logo,
        editors_publish_directly: row.editors_publish_directly,
        https_only: row.https_only,
        short_name: row.short_name,
        records: zq_domain::records::SiteRecords {
            icp: row.icp_record,
            police: row.police_record,
            conac_id: row.conac_id,
            superior_name: row.superior_name,
            superior_url: row.superior_url,
        },
        generation: u64::try_from(row.generation).unwrap_or(0),
        hosts: hosts
            .iter()
            .map(|h| Host::parse(h).map_err(|e| StoreError::Corrupt(e.to_string())))
            .collect::<Result<_, _>>()?,
    })
}

/// What a site admin edits about their site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteSettings {
    pub name: String,
    /// 主办单位.
    pub sponsor: String,
    /// 网站标识码.
    pub site_id: Option<String>,
    pub contact: Option<String>,
    /// Path or URL of the logo picture (usually an uploaded attachment).
    pub logo: Option<String>,
    /// `#rrggbb`.
    pub theme_color: Option<String>,
    /// Editors may publish without review.
    pub editors_publish_directly: bool,
    /// The footer's registration records.
    pub records: SiteRecords,
}

impl SiteSettings {
    /// The settings of a stored tenant.
    pub fn of(t: &Tenant) -> SiteSettings {
        SiteSettings {
            name: t.name.clone(),
            sponsor: t.sponsor.clone(),
            site_id: t.site_id.clone(),
            contact: t.contact.clone(),
            logo: t.logo.clone(),
            theme_color: t.theme_color.clone(),
            editors_publish_directly: t.editors_publish_directly,
            records: t.records.clone(),
        }
    }

    fn of_row(r: &tenant::Model) -> SiteSettings {
        SiteSettings {
            name: r.name.clone(),
            sponsor: r.sponsor.clone(),
            site_id: r.site_id.clone(),
            contact: r.contact.clone(),
            logo: r.logo.clone(),
            theme_color: r.theme_color.clone(),
            editors_publish_directly: r.editors_publish_directly,
            records: SiteRecords {
                icp: r.icp_record.clone(),
                police: r.police_record.clone(),
                conac_id: r.conac_id.clone(),
                superior_name: r.superior_name.clone(),
                superior_url: r.superior_url.clone(),
            },
        }
    }

    /// The settings' hash for the audit row: their JSON with the fields in declaration order,
    /// the form every earlier row was hashed in.
    fn fingerprint(&self) -> String {
        #[derive(serde::Serialize)]
        struct Hashed<'a> {
            name: &'a str,
            sponsor: &'a str,
            site_id: &'a Option<String>,
            contact: &'a Option<String>,
            logo: &'a Option<String>,
            theme_color: &'a Option<String>,
            editors_publish_directly: bool,
            // Left out while empty, so settings without records hash as they always did.
            #[serde(skip_serializing_if = "records_empty")]
            records: &'a SiteRecords,
        }
        fn records_empty(r: &&SiteRecords) -> bool {
            **r == SiteRecords::default()
        }
        let doc = Hashed {
            name: &self.name,
            sponsor: &self.sponsor,
            site_id: &self.site_id,
            contact: &self.contact,
            logo: &self.logo,
            theme_color: &self.theme_color,
            editors_publish_directly: self.editors_publish_directly,
            records: &self.records,
        };
        crate::content_hash(serde_json::to_string(&doc).unwrap_or_default().as_bytes())
    }

    /// Trimmed and checked by the domain's rules.
    fn checked(self) -> Result<SiteSettings, StoreError> {
        fn opt(v: Option<String>) -> Option<String> {
            v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
        }
        let s = SiteSettings {
            name: self.name.trim().to_owned(),
            sponsor: self.sponsor.trim().to_owned(),
            site_id: opt(self.site_id),
            contact: opt(self.contact),
            logo: opt(self.logo),
            theme_color: opt(self.theme_color).map(|c| c.to_ascii_lowercase()),
            editors_publish_directly: self.editors_publish_directly,
            records: self.records.trimmed(),
        };
        s.records
            .check()
            .map_err(|e| StoreError::NotAllowed(e.to_string()))?;
        zq_domain::tenant::check_settings(
            &s.name,
            &s.sponsor,
            s.site_id.as_deref(),
            s.contact.as_deref(),
            s.logo.as_deref(),
            s.theme_color.as_deref(),
        )
        .map_err(|e| StoreError::NotAllowed(e.to_string()))?;
        Ok(s)
    }
}

/// The audit verb of a status change.
fn status_verb(from: TenantStatus, to: TenantStatus) -> &'static str {
    match (from, to) {
        (TenantStatus::Preparing, TenantStatus::Active) => "launch",
        (_, TenantStatus::Active) => "resume",
        (_, TenantStatus::Suspended) => "suspend",
        (_, TenantStatus::Archived) => "archive",
        (_, TenantStatus::Preparing) => "prepare",
    }
}
