//! The recycle bin (回收站, issue 16): deleting a tenant's article (with its versions) or
//! column moves its rows, whole, into `recycle_bin` in one transaction with the audit row (the
//! typed reason as its note) and the event; restoring puts them back under the same ids, as
//! they were (a withdrawn article stays withdrawn); the purge job drops what has been kept
//! long enough. The rules (what may go, what a column needs first) are
//! `zq_domain::recycle`'s.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, ModelTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use zq_domain::event::EventKind;
use zq_domain::recycle::{ColumnLoad, Refusal, article_deletable, column_deletable, reason};
use zq_domain::{ArticleId, ColumnId, ColumnKind, TenantId, UserId};

use crate::audit::audit_in;
use crate::editorial::{fingerprint, load_for_update, to_editorial};
use crate::entity::{
    article, article_revision, article_version, channel_column, recycle_item, site_column,
};
use crate::error::parse_stored;
use crate::events::record_in;
use crate::{ChangeEvent, Store, StoreError, Who};

/// What the bin holds: the rows as they were.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Payload {
    Article {
        article: article::Model,
        versions: Vec<article_version::Model>,
    },
    Column {
        column: site_column::Model,
    },
}

/// A deleted article or column as the 回收站 lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecycledItem {
    pub id: i64,
    pub tenant_id: TenantId,
    /// `article` or `column`.
    pub kind: &'static str,
    pub object_id: i64,
    pub title: String,
    pub reason: String,
    pub deleted_by: Option<UserId>,
    pub deleted_at: DateTime<Utc>,
}

/// Why a delete or restore did not happen.
#[derive(Debug, thiserror::Error)]
pub enum RecycleError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for RecycleError {
    fn from(e: sea_orm::DbErr) -> Self {
        RecycleError::Store(e.into())
    }
}

fn to_item(r: recycle_item::Model) -> RecycledItem {
    RecycledItem {
        id: r.id,
        tenant_id: TenantId(r.tenant_id),
        kind: if r.kind == "column" {
            "column"
        } else {
            "article"
        },
        object_id: r.object_id,
        title: r.title,
        reason: r.reason,
        deleted_by: r.deleted_by.map(UserId),
        deleted_at: r.deleted_at,
    }
}

/// The bin's row for `payload`, deleted now by `who` for `why`.
fn binned(
    tenant: TenantId,
    object_id: i64,
    title: &str,
    payload: &Payload,
    why: &str,
    who: &Who,
    now: DateTime<Utc>,
) -> Result<recycle_item::ActiveModel, StoreError> {
    let kind = match payload {
        Payload::Article { .. } => "article",
        Payload::Column { .. } => "column",
    };
    Ok(recycle_item::ActiveModel {
        tenant_id: sea_orm::Set(tenant.0),
        kind: sea_orm::Set(kind.into()),
        object_id: sea_orm::Set(object_id),
        title: sea_orm::Set(title.to_owned()),
        payload: sea_orm::Set(
            serde_json::to_string(payload).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        ),
        reason: sea_orm::Set(why.to_owned()),
        deleted_by: sea_orm::Set(who.user_row_id()),
        deleted_at: sea_orm::Set(now),
        ..Default::default()
    })
}

impl Store {
    /// Moves an article of the tenant that is not online (with its versions) into the bin.
    pub async fn delete_article(
        &self,
        tenant: TenantId,
        id: ArticleId,
        why: &str,
        who: &Who,
    ) -> Result<RecycledItem, RecycleError> {
        let why = reason(why)?;
        let (_guard, txn) = self.begin_audited().await?;
        let row = load_for_update(&txn, tenant, id).await?;
        let before = to_editorial(row.clone())?;
        article_deletable(before.state)?;
        let versions = article_version::Entity::find()
            .filter(article_version::Column::TenantId.eq(tenant.0))
            .filter(article_version::Column::ArticleId.eq(id.0))
            .order_by_asc(article_version::Column::Version)
            .all(&txn)
            .await?;
        let now = self.now();
        let payload = Payload::Article {
            article: row.clone(),
            versions,
        };
        let item = binned(tenant, id.0, &row.title, &payload, &why, who, now)?
            .insert(&txn)
            .await?;
        article_version::Entity::delete_many()
            .filter(article_version::Column::ArticleId.eq(id.0))
            .exec(&txn)
            .await?;
        article_revision::Entity::delete_many()
            .filter(article_revision::Column::ArticleId.eq(id.0))
            .exec(&txn)
            .await?;
        row.delete(&txn).await?;
        let object = format!("article:{id}");
        let mut entry = who
            .entry(Some(tenant), object.clone(), "article.delete")
            .with_note(Some(why));
        entry.before_hash = Some(fingerprint(&before));
        audit_in(&txn, entry, now).await?;
        let event = record_in(
            &txn,
            now,
            EventKind::ArticleUpdated,
            Some(tenant),
            object,
            ChangeEvent::default(),
        )
        .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(to_item(item))
    }

    /// Moves a column of the tenant into the bin: only one without sub-columns or reporting
    /// channels into it, and with its articles moved to `move_to` first (or none).
    pub async fn delete_column(
        &self,
        tenant: TenantId,
        id: ColumnId,
        move_to: Option<ColumnId>,
        why: &str,
        who: &Who,
    ) -> Result<RecycledItem, RecycleError> {
        let why = reason(why)?;
        let (_guard, txn) = self.begin_audited().await?;
        let all = site_column::Entity::find()
            .filter(site_column::Column::TenantId.eq(tenant.0))
            .all(&txn)
            .await?;
        let col = all
            .iter()
            .find(|c| c.id == id.0)
            .cloned()
            .ok_or_else(|| StoreError::NotFound(format!("column {id}")))?;
        let load = ColumnLoad {
            children: all.iter().filter(|c| c.parent_id == Some(id.0)).count() as u64,
            articles: article::Entity::find()
                .filter(article::Column::TenantId.eq(tenant.0))
                .filter(article::Column::ColumnId.eq(id.0))
                .count(&txn)
                .await?,
            channels: channel_column::Entity::find()
                .filter(channel_column::Column::ColumnId.eq(id.0))
                .count(&txn)
                .await?,
        };
        let target = move_to.map(|t| {
            t != id
                && all.iter().any(|c| {
                    c.id == t.0
                        && parse_stored::<ColumnKind>(&c.kind)
                            .is_ok_and(zq_domain::article::column_takes_articles)
                })
        });
        column_deletable(load, target)?;
        let target_news = move_to.is_some_and(|t| all.iter().any(|c| c.id == t.0 && c.is_news));
        if let (Some(t), true) = (move_to, load.articles > 0) {
            article::Entity::update_many()
                .col_expr(
                    article::Column::ColumnId,
                    sea_orm::sea_query::Expr::value(t.0),
                )
                .filter(article::Column::TenantId.eq(tenant.0))
                .filter(article::Column::ColumnId.eq(id.0))
                .exec(&txn)
                .await?;
            article_revision::Entity::update_many()
                .col_expr(
                    article_revision::Column::ColumnId,
                    sea_orm::sea_query::Expr::value(t.0),
                )
                .filter(article_revision::Column::TenantId.eq(tenant.0))
                .filter(article_revision::Column::ColumnId.eq(id.0))
                .exec(&txn)
                .await?;
        }
        let now = self.now();
        let payload = Payload::Column {
            column: col.clone(),
        };
        let item = binned(tenant, id.0, &col.name, &payload, &why, who, now)?
            .insert(&txn)
            .await?;
        let news = col.is_news || (target_news && load.articles > 0);
        col.delete(&txn).await?;
        let generations = crate::changes::bump(&txn, &[tenant], news).await?;
        let object = format!("column:{id}");
        let entry = who
            .entry(Some(tenant), object.clone(), "column.delete")
            .with_note(Some(why));
        audit_in(&txn, entry, now).await?;
        let change = ChangeEvent {
            generations,
            sites_changed: true,
        };
        let event = record_in(
            &txn,
            now,
            EventKind::ColumnChanged,
            Some(tenant),
            object,
            change,
        )
        .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(to_item(item))
    }

    /// The tenant's recycle bin, newest first.
    pub async fn recycle_bin(&self, tenant: TenantId) -> Result<Vec<RecycledItem>, StoreError> {
        Ok(recycle_item::Entity::find()
            .filter(recycle_item::Column::TenantId.eq(tenant.0))
            .order_by_desc(recycle_item::Column::DeletedAt)
            .order_by_desc(recycle_item::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_item)
            .collect())
    }

    /// Puts a deleted article or column of the tenant back, under its old id, as it was.
    pub async fn recover(
        &self,
        tenant: TenantId,
        item: i64,
        who: &Who,
    ) -> Result<RecycledItem, RecycleError> {
        let (_guard, txn) = self.begin_audited().await?;
        let row = recycle_item::Entity::find_by_id(item)
            .filter(recycle_item::Column::TenantId.eq(tenant.0))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("recycled item {item}")))?;
        let payload: Payload = serde_json::from_str(&row.payload)
            .map_err(|e| StoreError::Corrupt(format!("recycle bin {item}: {e}")))?;
        let now = self.now();
        let done = to_item(row.clone());
        let event = match payload {
            Payload::Article { article, versions } => {
                let column_here = site_column::Entity::find_by_id(article.column_id)
                    .filter(site_column::Column::TenantId.eq(tenant.0))
                    .one(&txn)
                    .await?
                    .is_some();
                if !column_here {
                    return Err(Refusal::ParentGone.into());
                }
                let restored = article.into_active_model().reset_all();
                let restored = article::Entity::insert(restored)
                    .exec_with_returning(&txn)
                    .await?;
                for v in versions {
                    article_version::Entity::insert(v.into_active_model().reset_all())
                        .exec_without_returning(&txn)
                        .await?;
                }
                let after = to_editorial(restored)?;
                let object = format!("article:{}", after.id);
                let mut entry = who.entry(Some(tenant), object.clone(), "article.recover");
                entry.after_hash = Some(fingerprint(&after));
                audit_in(&txn, entry, now).await?;
                record_in(
                    &txn,
                    now,
                    EventKind::ArticleUpdated,
                    Some(tenant),
                    object,
                    ChangeEvent::default(),
                )
                .await?
            }
            Payload::Column { column } => {
                let siblings = site_column::Entity::find()
                    .filter(site_column::Column::TenantId.eq(tenant.0))
                    .all(&txn)
                    .await?;
                if let Some(p) = column.parent_id
                    && !siblings.iter().any(|c| c.id == p)
                {
                    return Err(Refusal::ParentGone.into());
                }
                if siblings.iter().any(|c| c.slug == column.slug) {
                    return Err(Refusal::SlugTaken(column.slug).into());
                }
                let news = column.is_news;
                let object = format!("column:{}", column.id);
                site_column::Entity::insert(column.into_active_model().reset_all())
                    .exec_without_returning(&txn)
                    .await?;
                let generations = crate::changes::bump(&txn, &[tenant], news).await?;
                let entry = who.entry(Some(tenant), object.clone(), "column.recover");
                audit_in(&txn, entry, now).await?;
                let change = ChangeEvent {
                    generations,
                    sites_changed: true,
                };
                record_in(
                    &txn,
                    now,
                    EventKind::ColumnChanged,
                    Some(tenant),
                    object,
                    change,
                )
                .await?
            }
        };
        row.delete(&txn).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(done)
    }

    /// Drops what was deleted before `before` from every tenant's bin (the purge job); each
    /// drop is audited as the system's. Returns how many.
    pub async fn purge_recycled(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let due = recycle_item::Entity::find()
            .filter(recycle_item::Column::DeletedAt.lt(before))
            .order_by_asc(recycle_item::Column::Id)
            .all(&self.db)
            .await?;
        let mut purged = 0;
        for row in due {
            let (_guard, txn) = self.begin_audited().await?;
            let object = format!("{}:{}", row.kind, row.object_id);
            let action = format!("{}.purge", row.kind);
            let entry = Who::system().entry(Some(TenantId(row.tenant_id)), object, &action);
            audit_in(&txn, entry, self.now()).await?;
            row.delete(&txn).await?;
            txn.commit().await?;
            purged += 1;
        }
        Ok(purged)
    }
}
