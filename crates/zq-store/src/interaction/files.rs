//! The files writers attach to cases: stored sealed with the case (in the transaction that
//! opens it), listed by name for the handlers and the writer, and handed out — still sealed —
//! only to a handler of the owning unit, with an audit row naming who took which file.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use zq_domain::TenantId;

use super::{CaseFile, NewCaseFile};
use crate::audit::audit_in;
use crate::entity::case_file;
use crate::{Store, StoreError, Who};

fn to_file(r: case_file::Model) -> CaseFile {
    CaseFile {
        id: r.id,
        case_id: r.case_id,
        file_name: r.file_name,
        content_type: r.content_type,
        size: r.size,
        created_at: r.created_at,
    }
}

/// Stores the files of a case being opened, in its transaction.
pub(super) async fn insert_files(
    txn: &DatabaseTransaction,
    case_id: i64,
    files: Vec<NewCaseFile>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for f in files {
        case_file::ActiveModel {
            case_id: Set(case_id),
            file_name: Set(f.file_name),
            content_type: Set(f.content_type),
            size: Set(f.size),
            sealed: Set(f.sealed),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

impl Store {
    /// The files attached to case `id` (names and sizes, no bytes), in the order given.
    pub async fn case_files(&self, id: i64) -> Result<Vec<CaseFile>, StoreError> {
        Ok(case_file::Entity::find()
            .select_only()
            .columns([
                case_file::Column::Id,
                case_file::Column::CaseId,
                case_file::Column::FileName,
                case_file::Column::ContentType,
                case_file::Column::Size,
                case_file::Column::CreatedAt,
            ])
            .filter(case_file::Column::CaseId.eq(id))
            .order_by_asc(case_file::Column::Id)
            .into_tuple::<(i64, i64, String, String, i64, DateTime<Utc>)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(
                |(id, case_id, file_name, content_type, size, created_at)| CaseFile {
                    id,
                    case_id,
                    file_name,
                    content_type,
                    size,
                    created_at,
                },
            )
            .collect())
    }

    /// File `file` of case `id` owned by `tenant`, with its sealed bytes; the taking is
    /// audited. Not found when the case is another unit's or the file another case's.
    pub async fn take_case_file(
        &self,
        tenant: TenantId,
        id: i64,
        file: i64,
        who: &Who,
    ) -> Result<(CaseFile, Vec<u8>), StoreError> {
        let case = self.case(tenant, id).await?;
        let row = case_file::Entity::find_by_id(file)
            .filter(case_file::Column::CaseId.eq(case.id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("case file {file}")))?;
        let (_guard, txn) = self.begin_audited().await?;
        let object = format!("case:{id}/file:{file}");
        audit_in(
            &txn,
            who.entry(Some(tenant), object, "case.file_download"),
            self.now(),
        )
        .await?;
        txn.commit().await?;
        let sealed = row.sealed.clone();
        Ok((to_file(row), sealed))
    }
}
