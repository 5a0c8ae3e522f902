//! The durable event outbox. A write records what it changed (`Event`: kind, tenant, object,
//! and the generations it raised) in the same transaction as the change, so a rolled-back
//! write leaves no event and a committed one always has its event. After the commit the
//! store hands the new events to the registered hook (the services' dispatcher), which feeds
//! the in-process subscribers at once; durable subscribers read the table from their stored
//! position (`events_after`, `save_position`) and so catch up after downtime.
//!
//! Invariant: events are appended under the audit chain's lock (in-process mutex plus, on
//! PostgreSQL, the transaction-scoped advisory lock), so ids become visible in increasing
//! order and a subscriber reading `id > position` never skips a later-committing event.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, sea_query::OnConflict,
};
use zq_domain::TenantId;
use zq_domain::event::EventKind;

use crate::entity::{event, event_position};
use crate::error::parse_stored;
use crate::{ChangeEvent, Store, StoreError};

/// A recorded change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Increases with every event, in commit order.
    pub id: i64,
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    pub tenant: Option<TenantId>,
    /// The object changed, e.g. `article:12`, `tenant:jb`.
    pub object: String,
    /// Generations raised and whether the site registry must be re-read.
    pub change: ChangeEvent,
}

/// Called (and awaited) after each commit that recorded events, before the write returns.
pub type EventHook = Arc<dyn Fn(Vec<Event>) -> BoxFuture + Send + Sync>;

/// The future an event hook returns.
pub type BoxFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// The hook slot, shared by every clone of a `Store`.
#[derive(Clone, Default)]
pub(crate) struct HookSlot(Arc<RwLock<Option<EventHook>>>);

impl std::fmt::Debug for HookSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HookSlot")
    }
}

/// Takes the chain lock of the transaction (PostgreSQL; SQLite serialises writers anyway).
pub(crate) async fn lock_chain(txn: &DatabaseTransaction) -> Result<(), StoreError> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7270001)")
            .await?;
    }
    Ok(())
}

/// Records an event inside the write's transaction.
pub(crate) async fn record_in(
    txn: &DatabaseTransaction,
    now: DateTime<Utc>,
    kind: EventKind,
    tenant: Option<TenantId>,
    object: impl Into<String>,
    change: ChangeEvent,
) -> Result<Event, StoreError> {
    lock_chain(txn).await?;
    let object = object.into();
    let row = event_row(now, kind, tenant, object.clone(), &change)
        .insert(txn)
        .await?;
    Ok(Event {
        id: row.id,
        at: row.at,
        kind,
        tenant,
        object,
        change,
    })
}

/// The row of an event (its time stored with millisecond precision, like the audit log's).
fn event_row(
    now: DateTime<Utc>,
    kind: EventKind,
    tenant: Option<TenantId>,
    object: String,
    change: &ChangeEvent,
) -> event::ActiveModel {
    let at = DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
    let gens: Vec<(i64, u64)> = change.generations.iter().map(|(t, g)| (t.0, *g)).collect();
    event::ActiveModel {
        at: Set(at),
        kind: Set(kind.as_str().to_owned()),
        tenant_id: Set(tenant.map(|t| t.0)),
        object: Set(object),
        generations: Set(serde_json::to_string(&gens).unwrap_or_else(|_| "[]".into())),
        sites_changed: Set(change.sites_changed),
        ..Default::default()
    }
}

/// Records several events inside the write's transaction with batched inserts, returning
/// them with their ids (in order).
pub(crate) async fn record_many_in(
    txn: &DatabaseTransaction,
    now: DateTime<Utc>,
    items: Vec<(EventKind, Option<TenantId>, String, ChangeEvent)>,
) -> Result<Vec<Event>, StoreError> {
    lock_chain(txn).await?;
    let before: i64 = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .order_by_desc(event::Column::Id)
        .into_tuple::<i64>()
        .one(txn)
        .await?
        .unwrap_or(0);
    let at = DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
    let rows: Vec<event::ActiveModel> = items
        .into_iter()
        .map(|(kind, tenant, object, change)| {
            let gens: Vec<(i64, u64)> = change.generations.iter().map(|(t, g)| (t.0, *g)).collect();
            event::ActiveModel {
                at: Set(at),
                kind: Set(kind.as_str().to_owned()),
                tenant_id: Set(tenant.map(|t| t.0)),
                object: Set(object),
                generations: Set(serde_json::to_string(&gens).unwrap_or_else(|_| "[]".into())),
                sites_changed: Set(change.sites_changed),
                ..Default::default()
            }
        })
        .collect();
    for chunk in crate::reporting_seed::chunks(rows) {
        event::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    event::Entity::find()
        .filter(event::Column::Id.gt(before))
        .order_by_asc(event::Column::Id)
        .all(txn)
        .await?
        .into_iter()
        .map(to_event)
        .collect()
}

fn to_event(r: event::Model) -> Result<Event, StoreError> {
    let gens: Vec<(i64, u64)> = serde_json::from_str(&r.generations)
        .map_err(|e| StoreError::Corrupt(format!("event {}: generations: {e}", r.id)))?;
    Ok(Event {
        id: r.id,
        at: r.at,
        kind: parse_stored(&r.kind)?,
        tenant: r.tenant_id.map(TenantId),
        object: r.object,
        change: ChangeEvent {
            generations: gens.into_iter().map(|(t, g)| (TenantId(t), g)).collect(),
            sites_changed: r.sites_changed,
        },
    })
}

impl Store {
    /// Registers the function told about every committed batch of events (replacing any
    /// earlier one).
    pub fn set_event_hook(&self, hook: EventHook) {
        match self.hook.0.write() {
            Ok(mut g) => *g = Some(hook),
            Err(p) => *p.into_inner() = Some(hook),
        }
    }

    /// Hands committed events to the hook.
    pub(crate) async fn committed(&self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let hook = match self.hook.0.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        };
        if let Some(h) = hook {
            h(events).await;
        }
    }

    /// Events after `position`, oldest first, at most `limit`.
    pub async fn events_after(&self, position: i64, limit: u64) -> Result<Vec<Event>, StoreError> {
        event::Entity::find()
            .filter(event::Column::Id.gt(position))
            .order_by_asc(event::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_event)
            .collect()
    }

    /// The newest event's id (0 when there is none).
    pub async fn last_event_id(&self) -> Result<i64, StoreError> {
        Ok(event::Entity::find()
            .select_only()
            .column(event::Column::Id)
            .order_by_desc(event::Column::Id)
            .into_tuple::<i64>()
            .one(&self.db)
            .await?
            .unwrap_or(0))
    }

    /// Where a durable subscriber stopped (`None`: it never ran).
    pub async fn subscriber_position(&self, subscriber: &str) -> Result<Option<i64>, StoreError> {
        Ok(event_position::Entity::find_by_id(subscriber.to_owned())
            .one(&self.db)
            .await?
            .map(|r| r.position))
    }

    /// Stores a durable subscriber's position (it has handled every event up to `position`).
    pub async fn save_subscriber_position(
        &self,
        subscriber: &str,
        position: i64,
    ) -> Result<(), StoreError> {
        event_position::Entity::insert(event_position::ActiveModel {
            subscriber: Set(subscriber.to_owned()),
            position: Set(position),
            updated_at: Set(self.now()),
        })
        .on_conflict(
            OnConflict::column(event_position::Column::Subscriber)
                .update_columns([
                    event_position::Column::Position,
                    event_position::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(&self.db)
        .await?;
        Ok(())
    }
}
