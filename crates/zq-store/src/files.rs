//! Attachments: the bytes are stored once per SHA-256 (a `blobs` row, shared by every tenant
//! that uploads the same file), and each tenant's attachment row names it. Files live in the
//! database, so every node sees them and an upload is saved whole or not at all.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use zq_domain::TenantId;
use zq_domain::attachment::{AttachmentError, check};

use crate::Who;
use crate::audit::{audit_in, content_hash};
use crate::entity::{attachment, blob};
use crate::{Store, StoreError};

/// An attachment of a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: i64,
    pub tenant_id: TenantId,
    /// SHA-256 of the bytes, hex: also the file's address.
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub is_image: bool,
    pub created_at: DateTime<Utc>,
}

impl Attachment {
    /// The file's path on the tenant's public site.
    pub fn public_path(&self) -> String {
        use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
        format!(
            "/files/{}/{}",
            self.sha256,
            utf8_percent_encode(&self.file_name, NON_ALPHANUMERIC)
        )
    }
}

/// Why an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(transparent)]
    Refused(#[from] AttachmentError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn to_attachment(r: attachment::Model) -> Attachment {
    Attachment {
        id: r.id,
        tenant_id: TenantId(r.tenant_id),
        is_image: r.content_type.starts_with("image/"),
        sha256: r.sha256,
        file_name: r.file_name,
        content_type: r.content_type,
        size: r.size,
        created_at: r.created_at,
    }
}

impl Store {
    /// Checks and stores an uploaded file for the tenant; the same name and bytes uploaded
    /// again return the existing attachment.
    pub async fn store_attachment(
        &self,
        tenant: TenantId,
        file_name: &str,
        bytes: &[u8],
        who: &Who,
    ) -> Result<Attachment, UploadError> {
        let file_name = zq_domain::attachment::check_name(file_name)?;
        let ty = check(file_name, bytes)?;
        let sha = content_hash(bytes);
        let (_guard, txn) = self.begin_audited().await?;
        if let Some(existing) = attachment::Entity::find()
            .filter(attachment::Column::TenantId.eq(tenant.0))
            .filter(attachment::Column::Sha256.eq(sha.as_str()))
            .filter(attachment::Column::FileName.eq(file_name))
            .one(&txn)
            .await
            .map_err(StoreError::from)?
        {
            return Ok(to_attachment(existing));
        }
        let now = self.now();
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        blob::Entity::insert(blob::ActiveModel {
            sha256: Set(sha.clone()),
            size: Set(size),
            bytes: Set(bytes.to_vec()),
            created_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(blob::Column::Sha256)
                .do_nothing()
                .to_owned(),
        )
        .try_insert()
        .exec_without_returning(&txn)
        .await
        .map_err(StoreError::from)?;
        let row = attachment::ActiveModel {
            tenant_id: Set(tenant.0),
            sha256: Set(sha.clone()),
            file_name: Set(file_name.to_owned()),
            content_type: Set(ty.mime.to_owned()),
            size: Set(size),
            uploaded_by: Set(who.user_row_id()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(StoreError::from)?;
        let object = format!("attachment:{}", row.id);
        let mut entry = who.entry(Some(tenant), object.clone(), "attachment.upload");
        entry.after_hash = Some(sha);
        audit_in(&txn, entry, now).await?;
        let kind = zq_domain::event::EventKind::AttachmentStored;
        let event =
            crate::events::record_in(&txn, now, kind, Some(tenant), object, Default::default())
                .await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.committed(vec![event]).await;
        Ok(to_attachment(row))
    }

    /// The tenant's attachments, newest first.
    pub async fn attachments(&self, tenant: TenantId) -> Result<Vec<Attachment>, StoreError> {
        Ok(attachment::Entity::find()
            .filter(attachment::Column::TenantId.eq(tenant.0))
            .order_by_desc(attachment::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_attachment)
            .collect())
    }

    /// The tenant's attachments with `ids`, in that order; ids that are not the tenant's are
    /// left out.
    pub async fn attachments_by_ids(
        &self,
        tenant: TenantId,
        ids: &[i64],
    ) -> Result<Vec<Attachment>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = attachment::Entity::find()
            .filter(attachment::Column::TenantId.eq(tenant.0))
            .filter(attachment::Column::Id.is_in(ids.iter().copied()))
            .all(&self.db)
            .await?;
        Ok(ids
            .iter()
            .filter_map(|id| rows.iter().find(|r| r.id == *id).cloned())
            .map(to_attachment)
            .collect())
    }

    /// An attachment of the tenant by hash and name, without its bytes (a conditional request
    /// answered 304 still needs the file to exist on this site).
    pub async fn attachment_meta(
        &self,
        tenant: TenantId,
        sha256: &str,
        file_name: &str,
    ) -> Result<Option<Attachment>, StoreError> {
        Ok(attachment::Entity::find()
            .filter(attachment::Column::TenantId.eq(tenant.0))
            .filter(attachment::Column::Sha256.eq(sha256))
            .filter(attachment::Column::FileName.eq(file_name))
            .one(&self.db)
            .await?
            .map(to_attachment))
    }

    /// A file of the tenant by hash and name, with its bytes; `None` when the tenant has no
    /// such attachment (another tenant's file is not reachable through this tenant's site).
    pub async fn attachment_file(
        &self,
        tenant: TenantId,
        sha256: &str,
        file_name: &str,
    ) -> Result<Option<(Attachment, Vec<u8>)>, StoreError> {
        let Some(a) = self.attachment_meta(tenant, sha256, file_name).await? else {
            return Ok(None);
        };
        let bytes = blob::Entity::find_by_id(sha256.to_owned())
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("attachment {} has no bytes", a.id)))?
            .bytes;
        // Content-addressed: bytes changed behind the platform's back are never served (the
        // integrity scan audits and alerts; `integrity`).
        if !Store::blob_intact(sha256, &bytes) {
            tracing::error!(
                file = sha256,
                "a stored file no longer matches its hash; not served"
            );
            return Ok(None);
        }
        Ok(Some((a, bytes)))
    }
}
