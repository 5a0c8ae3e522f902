//! The office's broadcasts (应急公告, 全站变灰) in the database: made and ended early, each
//! write audited with the event that makes every node re-read its site registry (where the
//! broadcasts that have not ended live) in the same transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use zq_domain::TenantId;
use zq_domain::broadcast::Broadcast;
use zq_domain::event::EventKind;

use crate::audit::audit_in;
use crate::entity::broadcast;
use crate::error::parse_stored;
use crate::events::record_in;
use crate::{ChangeEvent, Store, StoreError, Who};

fn to_broadcast(r: broadcast::Model) -> Result<Broadcast, StoreError> {
    let sites: Vec<i64> = serde_json::from_str(&r.sites)
        .map_err(|e| StoreError::Corrupt(format!("broadcast {} sites: {e}", r.id)))?;
    Ok(Broadcast {
        id: r.id,
        kind: parse_stored(&r.kind)?,
        level: parse_stored(&r.level)?,
        title: r.title,
        text: r.body,
        sites: sites.into_iter().map(TenantId).collect(),
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        cancelled: r.cancelled,
    })
}

/// Every node re-reads its registry; no page generation moves (pages are keyed by what they
/// show).
fn change() -> ChangeEvent {
    ChangeEvent {
        generations: Vec::new(),
        sites_changed: true,
    }
}

impl Store {
    /// The broadcasts that have not ended by `now` and were not ended early, for the registry.
    pub async fn current_broadcasts(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<Broadcast>, StoreError> {
        broadcast::Entity::find()
            .filter(broadcast::Column::EndsAt.gt(now))
            .filter(broadcast::Column::Cancelled.eq(false))
            .order_by_asc(broadcast::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_broadcast)
            .collect()
    }

    /// The newest broadcasts, for the office's list.
    pub async fn recent_broadcasts(&self, limit: u64) -> Result<Vec<Broadcast>, StoreError> {
        broadcast::Entity::find()
            .order_by_desc(broadcast::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_broadcast)
            .collect()
    }

    /// Stores a checked broadcast (`zq_domain::broadcast::check`).
    pub async fn create_broadcast(&self, b: Broadcast, who: &Who) -> Result<Broadcast, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let sites: Vec<i64> = b.sites.iter().map(|t| t.0).collect();
        let row = broadcast::ActiveModel {
            kind: Set(b.kind.as_str().to_owned()),
            level: Set(b.level.as_str().to_owned()),
            title: Set(b.title.clone()),
            body: Set(b.text.clone()),
            sites: Set(serde_json::to_string(&sites).unwrap_or_else(|_| "[]".into())),
            starts_at: Set(b.starts_at),
            ends_at: Set(b.ends_at),
            cancelled: Set(false),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let object = format!("broadcast:{}", row.id);
        let mut entry = who.entry(None, object, "broadcast.create");
        entry.after_hash = Some(crate::content_hash(
            format!("{}|{}|{}", row.kind, row.title, row.body).as_bytes(),
        ));
        self.finish_broadcast(txn, entry, now, row).await
    }

    /// Ends broadcast `id` now; ending one that has ended is a no-op.
    pub async fn cancel_broadcast(&self, id: i64, who: &Who) -> Result<Broadcast, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let row = broadcast::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("应急公告 {id}")))?;
        if row.cancelled {
            return to_broadcast(row);
        }
        let now = self.now();
        let mut active: broadcast::ActiveModel = row.into();
        active.cancelled = Set(true);
        let row = active.update(&txn).await?;
        let entry = who.entry(None, format!("broadcast:{id}"), "broadcast.cancel");
        self.finish_broadcast(txn, entry, now, row).await
    }

    /// The end of every broadcast write: its audit row and the event that makes every node
    /// re-read its registry, committed together.
    async fn finish_broadcast(
        &self,
        txn: sea_orm::DatabaseTransaction,
        entry: crate::AuditEntry,
        now: DateTime<Utc>,
        row: broadcast::Model,
    ) -> Result<Broadcast, StoreError> {
        let object = entry.object.clone();
        audit_in(&txn, entry, now).await?;
        let event = record_in(
            &txn,
            now,
            EventKind::BroadcastChanged,
            None,
            object,
            change(),
        )
        .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        to_broadcast(row)
    }
}
