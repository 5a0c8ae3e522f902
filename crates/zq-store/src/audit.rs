//! The audit log: append-only rows chained by SHA-256, so that changing or deleting a row
//! breaks the chain where it happened. Rows younger than 180 days cannot be purged (network
//! logs are kept at least six months, Cybersecurity Law art. 21).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use sha2::{Digest, Sha256};
use zq_domain::{TenantId, UserId};

use crate::entity::audit;
use crate::{Store, StoreError};

/// Shortest time an audit row is kept.
pub const AUDIT_RETENTION_DAYS: i64 = 180;
/// The `prev_hash` of the very first row.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// SHA-256 of some content, in hex: the before/after fingerprints of an audited object.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What happened, as the caller describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The account that acted, with its login; `None` for the system (scheduler, importer).
    pub actor: Option<(UserId, String)>,
    pub tenant: Option<TenantId>,
    /// The object acted on, e.g. `article:12`, `tenant:jb`.
    pub object: String,
    /// The action, e.g. `approve`, `tenant.suspend`.
    pub action: String,
    /// The client's address.
    pub client: Option<String>,
    pub before_hash: Option<String>,
    pub after_hash: Option<String>,
    /// The reason typed to confirm a grave change (archiving a site, disabling an account).
    pub note: Option<String>,
}

impl AuditEntry {
    /// The entry with the reason typed to confirm it.
    pub fn with_note(mut self, note: Option<String>) -> AuditEntry {
        self.note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        self
    }
}

/// Which audit rows a search shows: an actor's login (part of it), a kind of action
/// (`article`: every `article.…`), an object (`article:12`, or just its id `12`), and a
/// period `[from, to)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub kind: Option<String>,
    pub object: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// A stored audit row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub entry: AuditEntry,
    pub hash: String,
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    pub rows: u64,
    /// The first row whose contents or link do not match, if any.
    pub broken_at: Option<i64>,
}

fn row_hash(prev: &str, at: DateTime<Utc>, e: &AuditEntry) -> String {
    let actor = e
        .actor
        .as_ref()
        .map(|(id, login)| format!("{id}:{login}"))
        .unwrap_or_else(|| "system".into());
    let canonical = [
        prev.to_owned(),
        at.timestamp_millis().to_string(),
        actor,
        e.tenant.map(|t| t.to_string()).unwrap_or_default(),
        e.object.clone(),
        e.action.clone(),
        e.client.clone().unwrap_or_default(),
        e.before_hash.clone().unwrap_or_default(),
        e.after_hash.clone().unwrap_or_default(),
    ]
    .join("\u{1f}");
    // A note joins the chain only where there is one: older rows hash as they always did.
    let canonical = match &e.note {
        Some(n) => format!("{canonical}\u{1f}{n}"),
        None => canonical,
    };
    content_hash(canonical.as_bytes())
}

fn to_record(r: &audit::Model) -> AuditRecord {
    AuditRecord {
        id: r.id,
        at: r.at,
        entry: to_entry(r),
        hash: r.hash.clone(),
    }
}

fn to_entry(r: &audit::Model) -> AuditEntry {
    AuditEntry {
        actor: r.actor_id.map(|id| (UserId(id), r.actor_login.clone())),
        tenant: r.tenant_id.map(TenantId),
        object: r.object.clone(),
        action: r.action.clone(),
        client: r.client.clone(),
        before_hash: r.before_hash.clone(),
        after_hash: r.after_hash.clone(),
        note: r.note.clone(),
    }
}

/// The hash of the chain's last row (the genesis value when the log is empty), read inside
/// `txn` after taking the chain lock.
async fn chain_head(txn: &DatabaseTransaction) -> Result<String, StoreError> {
    crate::events::lock_chain(txn).await?;
    Ok(audit::Entity::find()
        .order_by_desc(audit::Column::Id)
        .one(txn)
        .await?
        .map_or_else(|| GENESIS.to_owned(), |r| r.hash))
}

/// The row of `entry` following the row whose hash is `prev`; `prev` becomes this row's hash.
fn chained_row(entry: AuditEntry, at: DateTime<Utc>, prev: &mut String) -> audit::ActiveModel {
    let hash = row_hash(prev, at, &entry);
    audit::ActiveModel {
        at: Set(at),
        actor_id: Set(entry.actor.as_ref().map(|(id, _)| id.0)),
        actor_login: Set(entry
            .actor
            .as_ref()
            .map_or_else(|| "system".to_owned(), |(_, l)| l.clone())),
        tenant_id: Set(entry.tenant.map(|t| t.0)),
        object: Set(entry.object),
        action: Set(entry.action),
        client: Set(entry.client),
        before_hash: Set(entry.before_hash),
        after_hash: Set(entry.after_hash),
        note: Set(entry.note),
        prev_hash: Set(std::mem::replace(prev, hash.clone())),
        hash: Set(hash),
        ..Default::default()
    }
}

/// Times are stored with millisecond precision so the hash recomputes on every backend.
fn stored_time(now: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now)
}

/// Appends `entry` at the end of the chain inside `txn` (see [`Store::begin_audited`]).
pub(crate) async fn audit_in(
    txn: &DatabaseTransaction,
    entry: AuditEntry,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let mut prev = chain_head(txn).await?;
    let row = chained_row(entry, stored_time(now), &mut prev)
        .insert(txn)
        .await?;
    Ok(row.id)
}

/// Appends `entries`, in order, at the end of the chain inside `txn` with batched inserts:
/// the chain is computed here, so a bulk import costs a few statements instead of two per row.
pub(crate) async fn audit_many_in(
    txn: &DatabaseTransaction,
    entries: Vec<AuditEntry>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut prev = chain_head(txn).await?;
    let at = stored_time(now);
    let rows: Vec<audit::ActiveModel> = entries
        .into_iter()
        .map(|entry| chained_row(entry, at, &mut prev))
        .collect();
    for chunk in crate::reporting_seed::chunks(rows) {
        audit::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Appends one row at the end of the chain. Appends are serialised (an in-process lock, and
    /// on PostgreSQL a transaction-scoped advisory lock for other nodes) so the chain never forks.
    pub async fn append_audit(&self, entry: AuditEntry) -> Result<i64, StoreError> {
        let _guard = self.audit_lock.lock().await;
        let txn = self.begin_write().await?;
        let id = audit_in(&txn, entry, self.now()).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Begins a transaction that will write. On SQLite it starts as `BEGIN IMMEDIATE`, taking
    /// the write lock at once (waiting up to the busy timeout): a deferred transaction that
    /// reads first and writes later fails with "database is locked" (SQLITE_BUSY_SNAPSHOT)
    /// when another connection wrote in between, without waiting.
    pub(crate) async fn begin_write(&self) -> Result<DatabaseTransaction, StoreError> {
        Ok(self
            .db
            .begin_with_options(sea_orm::TransactionOptions {
                sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?)
    }

    /// Begins a transaction whose audit row is written with [`audit_in`] before it commits:
    /// the change and its audit row land together or not at all. Hold the guard until commit.
    pub(crate) async fn begin_audited(
        &self,
    ) -> Result<(tokio::sync::MutexGuard<'_, ()>, DatabaseTransaction), StoreError> {
        let guard = self.audit_lock.lock().await;
        let txn = self.begin_write().await?;
        Ok((guard, txn))
    }

    /// Rows in the audit log.
    pub async fn audit_row_count(&self) -> Result<u64, StoreError> {
        use sea_orm::PaginatorTrait;
        Ok(audit::Entity::find().count(&self.db).await?)
    }

    /// The newest `limit` rows (of `tenant`, or of the whole cluster), newest first.
    pub async fn audit_log(
        &self,
        tenant: Option<TenantId>,
        limit: u64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let mut q = audit::Entity::find()
            .order_by_desc(audit::Column::Id)
            .limit(limit);
        if let Some(t) = tenant {
            q = q.filter(audit::Column::TenantId.eq(t.0));
        }
        Ok(q.all(&self.db).await?.iter().map(to_record).collect())
    }

    /// The newest `limit` rows matching `f` (of `tenant`, or of the whole cluster), newest
    /// first: the console's filtered log and its CSV export.
    pub async fn audit_search(
        &self,
        tenant: Option<TenantId>,
        f: &AuditFilter,
        limit: u64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        use audit::Column as A;
        use sea_orm::sea_query::ExprTrait;
        let mut q = audit::Entity::find().order_by_desc(A::Id).limit(limit);
        if let Some(t) = tenant {
            q = q.filter(A::TenantId.eq(t.0));
        }
        if let Some(actor) = f.actor.as_deref().filter(|a| !a.is_empty()) {
            q = q.filter(A::ActorLogin.contains(actor));
        }
        if let Some(kind) = f.kind.as_deref().filter(|k| !k.is_empty()) {
            q = q.filter(A::Action.starts_with(format!("{kind}.")));
        }
        if let Some(object) = f.object.as_deref().filter(|o| !o.is_empty()) {
            q = q.filter(
                A::Object
                    .eq(object)
                    .or(A::Object.ends_with(format!(":{object}"))),
            );
        }
        if let Some(from) = f.from {
            q = q.filter(A::At.gte(from));
        }
        if let Some(to) = f.to {
            q = q.filter(A::At.lt(to));
        }
        Ok(q.all(&self.db).await?.iter().map(to_record).collect())
    }

    /// The audit rows since `since` (of `tenant`, or of the whole cluster), newest first, at
    /// most `limit`: for the security report.
    pub async fn audit_since(
        &self,
        tenant: Option<TenantId>,
        since: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let mut q = audit::Entity::find()
            .filter(audit::Column::At.gte(since))
            .order_by_desc(audit::Column::Id)
            .limit(limit);
        if let Some(t) = tenant {
            q = q.filter(audit::Column::TenantId.eq(t.0));
        }
        Ok(q.all(&self.db).await?.iter().map(to_record).collect())
    }

    /// The id of the newest row (0 when the log is empty).
    pub async fn last_audit_id(&self) -> Result<i64, StoreError> {
        Ok(audit::Entity::find()
            .order_by_desc(audit::Column::Id)
            .one(&self.db)
            .await?
            .map_or(0, |r| r.id))
    }

    /// The rows with an id in `(after, upto]` whose action is one of `actions`, oldest first,
    /// at most `limit`: for a follower of some actions (the security mail).
    pub async fn audit_between(
        &self,
        after: i64,
        upto: i64,
        actions: &[&str],
        limit: u64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        Ok(audit::Entity::find()
            .filter(audit::Column::Id.gt(after))
            .filter(audit::Column::Id.lte(upto))
            .filter(audit::Column::Action.is_in(actions.iter().copied()))
            .order_by_asc(audit::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .iter()
            .map(to_record)
            .collect())
    }

    /// How many rows of `action` on one of `objects` were written since `since` (failed
    /// sign-ins of a site's accounts, which belong to no tenant).
    pub async fn audit_count_on(
        &self,
        action: &str,
        objects: &[String],
        since: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        use sea_orm::PaginatorTrait;
        if objects.is_empty() {
            return Ok(0);
        }
        Ok(audit::Entity::find()
            .filter(audit::Column::Action.eq(action))
            .filter(audit::Column::Object.is_in(objects.iter().cloned()))
            .filter(audit::Column::At.gte(since))
            .count(&self.db)
            .await?)
    }

    /// Recomputes the chain from the oldest kept row.
    pub async fn verify_audit_chain(&self) -> Result<ChainCheck, StoreError> {
        let rows = audit::Entity::find()
            .order_by_asc(audit::Column::Id)
            .all(&self.db)
            .await?;
        let mut prev: Option<String> = None;
        for r in &rows {
            let linked = prev.as_ref().is_none_or(|p| *p == r.prev_hash);
            if !linked || row_hash(&r.prev_hash, r.at, &to_entry(r)) != r.hash {
                return Ok(ChainCheck {
                    rows: rows.len() as u64,
                    broken_at: Some(r.id),
                });
            }
            prev = Some(r.hash.clone());
        }
        Ok(ChainCheck {
            rows: rows.len() as u64,
            broken_at: None,
        })
    }

    /// Deletes rows older than `cutoff`; refuses any cutoff that would reach rows younger than
    /// the retention period.
    pub async fn purge_audit_before(
        &self,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        if cutoff > now - Duration::days(AUDIT_RETENTION_DAYS) {
            return Err(StoreError::NotAllowed(format!(
                "audit rows are kept at least {AUDIT_RETENTION_DAYS} days"
            )));
        }
        let _guard = self.audit_lock.lock().await;
        Ok(audit::Entity::delete_many()
            .filter(audit::Column::At.lt(cutoff))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}
