//! The office's TLS certificates and each site's HTTPS-only switch in the database. The
//! service checks a certificate before it gets here (`zq_services::tls`); this module stores
//! it under a name (replacing the one of that name, the renewal), removes it, and turns
//! HTTPS-only on or off, each write audited with the event that makes every node re-read its
//! certificates and sites (`CertificateChanged`) in the same transaction.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use zq_domain::TenantId;
use zq_domain::event::EventKind;

use crate::audit::audit_in;
use crate::entity::{tenant, tls_certificate};
use crate::events::record_in;
use crate::{ChangeEvent, Store, StoreError, Tenant, Who};

/// A certificate as the service checked it.
#[derive(Debug, Clone)]
pub struct NewCertificate {
    /// The office's name for it (`portal`, `wildcard-2027`).
    pub name: String,
    /// The DNS names it covers (subjectAltName).
    pub names: Vec<String>,
    pub chain_pem: String,
    pub key_pem: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// SHA-256 of the end-entity certificate, hex.
    pub fingerprint: String,
}

/// A stored certificate.
#[derive(Debug, Clone)]
pub struct StoredCertificate {
    pub id: i64,
    pub cert: NewCertificate,
    pub created_at: DateTime<Utc>,
}

fn to_stored(r: tls_certificate::Model) -> Result<StoredCertificate, StoreError> {
    let names: Vec<String> = serde_json::from_str(&r.names)
        .map_err(|e| StoreError::Corrupt(format!("certificate {} names: {e}", r.name)))?;
    Ok(StoredCertificate {
        id: r.id,
        cert: NewCertificate {
            name: r.name,
            names,
            chain_pem: r.chain_pem,
            key_pem: r.key_pem,
            not_before: r.not_before,
            not_after: r.not_after,
            fingerprint: r.fingerprint,
        },
        created_at: r.created_at,
    })
}

/// Every node re-reads its certificates and sites; no page changes.
fn change() -> ChangeEvent {
    ChangeEvent {
        generations: Vec::new(),
        sites_changed: true,
    }
}

impl Store {
    /// Every stored certificate, by name.
    pub async fn certificates(&self) -> Result<Vec<StoredCertificate>, StoreError> {
        tls_certificate::Entity::find()
            .order_by_asc(tls_certificate::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_stored)
            .collect()
    }

    /// Stores `cert` under its name, replacing the certificate of that name (a renewal),
    /// audited as `tls.certificate.put` with the fingerprints before and after.
    pub async fn put_certificate(
        &self,
        cert: NewCertificate,
        who: &Who,
    ) -> Result<StoredCertificate, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let existing = tls_certificate::Entity::find()
            .filter(tls_certificate::Column::Name.eq(cert.name.as_str()))
            .one(&txn)
            .await?;
        let before = existing.as_ref().map(|r| r.fingerprint.clone());
        let mut row = tls_certificate::ActiveModel {
            name: Set(cert.name.clone()),
            names: Set(serde_json::to_string(&cert.names).unwrap_or_else(|_| "[]".into())),
            chain_pem: Set(cert.chain_pem.clone()),
            key_pem: Set(cert.key_pem.clone()),
            not_before: Set(cert.not_before),
            not_after: Set(cert.not_after),
            fingerprint: Set(cert.fingerprint.clone()),
            created_at: Set(now),
            ..Default::default()
        };
        let saved = match existing {
            Some(r) => {
                row.id = Set(r.id);
                row.update(&txn).await?
            }
            None => row.insert(&txn).await?,
        };
        let mut entry = who.entry(
            None,
            format!("certificate:{}", cert.name),
            "tls.certificate.put",
        );
        entry.before_hash = before;
        entry.after_hash = Some(cert.fingerprint.clone());
        self.finish_tls(txn, entry, None, now).await?;
        to_stored(saved)
    }

    /// Removes the certificate `name`, audited as `tls.certificate.remove`.
    pub async fn remove_certificate(&self, name: &str, who: &Who) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = tls_certificate::Entity::find()
            .filter(tls_certificate::Column::Name.eq(name))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("证书 {name}")))?;
        let fingerprint = row.fingerprint.clone();
        tls_certificate::Entity::delete_by_id(row.id)
            .exec(&txn)
            .await?;
        let mut entry = who.entry(
            None,
            format!("certificate:{name}"),
            "tls.certificate.remove",
        );
        entry.before_hash = Some(fingerprint);
        self.finish_tls(txn, entry, None, now).await
    }

    /// Turns the site's HTTPS-only switch on or off, audited as `tenant.https_on` /
    /// `tenant.https_off`; a no-op when it already is so.
    pub async fn set_https_only(
        &self,
        id: TenantId,
        on: bool,
        who: &Who,
    ) -> Result<Tenant, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let row = tenant::Entity::find_by_id(id.0)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("tenant {id}")))?;
        if row.https_only != on {
            let now = self.now();
            let object = format!("tenant:{}", row.code);
            let mut active: tenant::ActiveModel = row.into();
            active.https_only = Set(on);
            active.updated_at = Set(now);
            active.update(&txn).await?;
            let action = if on {
                "tenant.https_on"
            } else {
                "tenant.https_off"
            };
            self.finish_tls(txn, who.entry(Some(id), object, action), Some(id), now)
                .await?;
        }
        self.tenant_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("tenant {id}")))
    }

    /// The end of every write here: its audit row and the event that makes every node
    /// re-read its certificates and sites, committed together.
    async fn finish_tls(
        &self,
        txn: sea_orm::DatabaseTransaction,
        entry: crate::AuditEntry,
        tenant: Option<TenantId>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let object = entry.object.clone();
        audit_in(&txn, entry, now).await?;
        let kind = EventKind::CertificateChanged;
        let event = record_in(&txn, now, kind, tenant, object, change()).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(())
    }
}
