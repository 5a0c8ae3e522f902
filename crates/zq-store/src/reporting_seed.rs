//! Bulk import of reporting history (信息报送): submissions that were sent and decided in the
//! past, with their own timestamps, for the demo cluster. `Store::submit` and `Store::decide`
//! stamp `Utc::now()` and write one audit row per step, which is both wrong for history and
//! too slow for a year of it; this import writes everything with batched inserts in one
//! transaction instead.
//!
//! The import is one audited operation: one audit row (`reporting.import`, attributed to the
//! importing actor, with a fingerprint of every imported key) and one event carrying the
//! receivers' raised generations, in the same transaction as the rows. The individual steps
//! never happened on this platform, so they get no rows of their own; only each adopted
//! article gets its `article.adopt` row with its content fingerprint, which the integrity scan
//! (`integrity`) verifies published articles against.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QuerySelect, Statement,
};
use zq_domain::article::check_fields;
use zq_domain::reporting::{SubmissionState, Unit, may_send};
use zq_domain::tenant::feeds_portal;
use zq_domain::workflow::WorkflowState;
use zq_domain::{ColumnId, TenantId, TenantKind};

use crate::audit::{audit_in, content_hash};
use crate::changes::bump;
use crate::entity::{article, article_version, site_column, submission, tenant};
use crate::error::{conflict_as, parse_stored};
use crate::events::record_in;
use crate::{ChangeEvent, Who};
use crate::{Store, StoreError, sanitize_html};
use zq_domain::article::ArticleText;
use zq_domain::event::EventKind;

/// Rows per INSERT statement: far below SQLite's and PostgreSQL's bound-parameter limits.
pub(crate) const BATCH: usize = 300;

/// One submission of the past, as it stands now.
#[derive(Debug, Clone)]
pub struct HistoricItem {
    pub channel_id: i64,
    pub sender: TenantId,
    /// Unique per sender, 1-64 characters (as for `Store::submit`).
    pub client_key: String,
    pub title: String,
    /// HTML; sanitized on import.
    pub body: String,
    /// Default: the sending unit's name.
    pub source: Option<String>,
    pub note: Option<String>,
    /// Where it stands: submitted (pending) and withdrawn items have no decision; returned,
    /// rejected and adopted ones have `decided_at`, and returned and rejected ones a comment.
    pub state: SubmissionState,
    /// When it was (last) sent: for an item returned and sent again, the second time.
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
    /// When it last changed (a withdrawal, say); default: the decision, else the submission.
    pub updated_at: Option<DateTime<Utc>>,
    /// The receiver's column an adopted item was published in (default: the channel's first).
    pub column: Option<ColumnId>,
}

/// What an import stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HistoryImport {
    pub submissions: usize,
    /// Adopted items, each now a published article of its receiver.
    pub adopted: usize,
}

/// Why a history import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("history item {index} ({key}): {reason}")]
    Item {
        index: usize,
        key: String,
        reason: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for HistoryError {
    fn from(e: sea_orm::DbErr) -> Self {
        HistoryError::Store(e.into())
    }
}

/// An item checked against its channel, ready to insert.
struct Checked {
    item: HistoricItem,
    receiver: TenantId,
    source: String,
    body: String,
    column: ColumnId,
}

impl Store {
    /// Imports submissions of the past with their own times, states and decisions, all or
    /// nothing, in one transaction with batched inserts. Each adopted item becomes the
    /// receiver's published article (source: the sending unit, published when it was decided,
    /// in the item's column, version 1 recorded) linked from the submission, as an adoption
    /// through `decide` would leave it. Receivers' generations are bumped so cached pages show
    /// the new articles. One audit row and one event for the whole import (see the module
    /// documentation).
    pub async fn import_reporting_history(
        &self,
        items: Vec<HistoricItem>,
        who: &Who,
    ) -> Result<HistoryImport, HistoryError> {
        if items.is_empty() {
            return Ok(HistoryImport::default());
        }
        let checked = self.check_history(items).await?;
        let now = self.now();
        // On SQLite this takes the write lock at once, so the ids reserved below stay free.
        let (_guard, txn) = self.begin_audited().await?;
        let adopted: Vec<usize> = (0..checked.len())
            .filter(|&i| checked[i].item.state == SubmissionState::Adopted)
            .collect();
        let ids = reserve_ids(&txn, "articles", adopted.len()).await?;
        let article_of: HashMap<usize, i64> = adopted.iter().copied().zip(ids).collect();

        let mut articles = Vec::with_capacity(adopted.len());
        let mut versions = Vec::with_capacity(adopted.len());
        for &i in &adopted {
            let c = &checked[i];
            let id = article_of[&i];
            let at = c.item.decided_at.unwrap_or(c.item.submitted_at);
            let published = WorkflowState::Published.as_str().to_owned();
            articles.push(article::ActiveModel {
                id: Set(id),
                tenant_id: Set(c.receiver.0),
                column_id: Set(c.column.0),
                title: Set(c.item.title.trim().to_owned()),
                source: Set(Some(c.source.clone())),
                body: Set(c.body.clone()),
                status: Set(published.clone()),
                published_at: Set(Some(at)),
                created_at: Set(at),
                updated_at: Set(at),
                version: Set(1),
                // Subtitle, author, summary, numbers, schedule, reviewers: none, as in `decide`.
                ..Default::default()
            });
            versions.push(article_version::ActiveModel {
                article_id: Set(id),
                tenant_id: Set(c.receiver.0),
                version: Set(1),
                column_id: Set(c.column.0),
                title: Set(c.item.title.trim().to_owned()),
                source: Set(Some(c.source.clone())),
                body: Set(c.body.clone()),
                state: Set(published),
                saved_at: Set(at),
                ..Default::default()
            });
        }
        for chunk in chunks(articles) {
            article::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        for chunk in chunks(versions) {
            article_version::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }

        let mut rows = Vec::with_capacity(checked.len());
        for (i, c) in checked.iter().enumerate() {
            let it = &c.item;
            let updated = it
                .updated_at
                .or(it.decided_at)
                .unwrap_or(it.submitted_at)
                .min(now);
            rows.push(submission::ActiveModel {
                channel_id: Set(it.channel_id),
                sender_id: Set(it.sender.0),
                receiver_id: Set(c.receiver.0),
                client_key: Set(it.client_key.trim().to_owned()),
                title: Set(it.title.trim().to_owned()),
                source: Set(Some(c.source.clone())),
                body: Set(c.body.clone()),
                note: Set(it
                    .note
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)),
                state: Set(it.state.as_str().to_owned()),
                decision_comment: Set(it
                    .decision_comment
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)),
                adopted_article_id: Set(article_of.get(&i).copied()),
                submitted_at: Set(it.submitted_at),
                decided_at: Set(it.decided_at),
                updated_at: Set(updated),
                // No original article, suggested column or acting accounts.
                ..Default::default()
            });
        }
        for chunk in chunks(rows) {
            submission::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await
                .map_err(|e| conflict_as(e, || "a client key of the history was used".into()))?;
        }

        // Receivers with new public articles, and whether the portal shows any of them.
        let mut receivers: Vec<TenantId> = Vec::new();
        let mut with_portal = false;
        let news_columns = news_columns(&txn, &checked, &adopted).await?;
        let kinds = tenant_kinds(&txn).await?;
        for &i in &adopted {
            let c = &checked[i];
            if !receivers.contains(&c.receiver) {
                receivers.push(c.receiver);
            }
            let kind = kinds
                .get(&c.receiver.0)
                .copied()
                .unwrap_or(TenantKind::Portal);
            with_portal |= feeds_portal(kind, news_columns.contains(&c.column.0));
        }
        let generations = if receivers.is_empty() {
            Vec::new()
        } else {
            bump(&txn, &receivers, with_portal).await?
        };
        // Each adopted article's fingerprint, as an adoption through `decide` records it, so
        // the integrity scan can verify the history's articles too.
        let adopted_ids: Vec<i64> = article_of.values().copied().collect();
        let mut entries = Vec::with_capacity(adopted_ids.len());
        for chunk in adopted_ids.chunks(500) {
            for row in article::Entity::find()
                .filter(article::Column::Id.is_in(chunk.iter().copied()))
                .all(&txn)
                .await?
            {
                let after = crate::editorial::to_editorial(row)?;
                let mut entry = who.entry(
                    Some(after.tenant_id),
                    format!("article:{}", after.id),
                    "article.adopt",
                );
                entry.after_hash = Some(crate::editorial::fingerprint(&after));
                entries.push(entry);
            }
        }
        crate::audit::audit_many_in(&txn, entries, now).await?;
        let keys: Vec<&str> = checked.iter().map(|c| c.item.client_key.trim()).collect();
        let object = format!("submissions:{}", checked.len());
        let mut entry = who.entry(None, object.clone(), "reporting.import");
        entry.after_hash = Some(content_hash(keys.join("\n").as_bytes()));
        audit_in(&txn, entry, now).await?;
        let change = ChangeEvent {
            generations,
            sites_changed: false,
        };
        let kind = EventKind::SubmissionDecided;
        let event = record_in(&txn, now, kind, None, object, change).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(HistoryImport {
            submissions: checked.len(),
            adopted: adopted.len(),
        })
    }

    /// Checks every item against its channel and the domain's rules, before anything is written.
    async fn check_history(&self, items: Vec<HistoricItem>) -> Result<Vec<Checked>, HistoryError> {
        let channels = self.channels().await?;
        let tenants: HashMap<i64, (Unit, String)> = tenant::Entity::find()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| {
                let unit = Unit {
                    id: TenantId(t.id),
                    kind: parse_stored(&t.kind)?,
                    parent: t.parent_id.map(TenantId),
                };
                Ok((t.id, (unit, t.name)))
            })
            .collect::<Result<_, StoreError>>()?;
        let now = self.now();
        let mut keys = HashSet::new();
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            let fail = |reason: &str| HistoryError::Item {
                index,
                key: item.client_key.clone(),
                reason: reason.to_owned(),
            };
            let key = item.client_key.trim();
            if key.is_empty() || key.len() > 64 {
                return Err(fail("a client key needs 1-64 characters"));
            }
            if !keys.insert((item.sender, key.to_owned())) {
                return Err(fail("the client key repeats within the sender's history"));
            }
            let Some((unit, sender_name)) = tenants.get(&item.sender.0) else {
                return Err(fail("no such sender"));
            };
            let Some(channel) = channels
                .iter()
                .find(|c| c.id == item.channel_id)
                .filter(|c| may_send(c.senders(), c.receiver, *unit))
            else {
                return Err(fail("no such channel for this sender"));
            };
            let column = match item.column {
                Some(c) if channel.columns.contains(&c) => c,
                Some(_) => return Err(fail("the channel does not take this column")),
                None => match channel.columns.first() {
                    Some(c) => *c,
                    None => return Err(fail("the channel has no column")),
                },
            };
            let decided = matches!(
                item.state,
                SubmissionState::Returned | SubmissionState::Rejected | SubmissionState::Adopted
            );
            let needs_comment = matches!(
                item.state,
                SubmissionState::Returned | SubmissionState::Rejected
            );
            let has_comment = item
                .decision_comment
                .as_deref()
                .is_some_and(|c| !c.trim().is_empty());
            if decided != item.decided_at.is_some() {
                return Err(fail(
                    "a decision time is needed exactly for returned, rejected and adopted items",
                ));
            }
            if needs_comment != has_comment {
                return Err(fail(
                    "returned and rejected items need a comment, others none",
                ));
            }
            if item.submitted_at > now || item.decided_at.is_some_and(|d| d > now) {
                return Err(fail("history cannot lie in the future"));
            }
            if item.decided_at.is_some_and(|d| d < item.submitted_at) {
                return Err(fail("decided before it was submitted"));
            }
            let source = item
                .source
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .unwrap_or(sender_name)
                .to_owned();
            let text = ArticleText {
                column_id: column,
                title: item.title.clone(),
                subtitle: None,
                source: Some(source.clone()),
                author: None,
                summary: None,
                body: item.body.clone(),
                doc_number: None,
                index_number: None,
            };
            if let Some(e) = check_fields(&text.fields()).first() {
                return Err(fail(&format!("{}: {}", e.field, e.message)));
            }
            if item
                .note
                .as_deref()
                .is_some_and(|n| n.chars().count() > 500)
            {
                return Err(fail("a note has at most 500 characters"));
            }
            out.push(Checked {
                body: sanitize_html(&item.body),
                receiver: channel.receiver,
                source,
                column,
                item,
            });
        }
        Ok(out)
    }
}

/// Splits rows into INSERT-sized batches.
pub(crate) fn chunks<T>(rows: Vec<T>) -> Vec<Vec<T>> {
    let mut out = Vec::with_capacity(rows.len() / BATCH + 1);
    let mut it = rows.into_iter().peekable();
    while it.peek().is_some() {
        out.push(it.by_ref().take(BATCH).collect());
    }
    out
}

/// `n` fresh primary keys of `table`, taken inside the transaction so batched inserts can
/// carry them (and submissions can point at the articles) without a round trip per row.
/// PostgreSQL draws them from the column's sequence, so concurrent inserts never collide;
/// on SQLite the transaction holds the write lock (`begin_write`), and the ids continue after
/// both the largest id and the AUTOINCREMENT counter, so ids of deleted rows are not reused.
async fn reserve_ids(
    txn: &DatabaseTransaction,
    table: &'static str,
    n: usize,
) -> Result<Vec<i64>, StoreError> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let backend = txn.get_database_backend();
    let count = i64::try_from(n).map_err(|_| StoreError::NotAllowed("too many rows".into()))?;
    match backend {
        DbBackend::Postgres => {
            let rows = txn
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    format!(
                        "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id \
                         FROM generate_series(1, $1)"
                    ),
                    [count.into()],
                ))
                .await?;
            rows.iter()
                .map(|r| r.try_get::<i64>("", "id").map_err(StoreError::from))
                .collect()
        }
        _ => {
            let row = txn
                .query_one_raw(Statement::from_string(
                    backend,
                    format!(
                        "SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0), \
                         COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0)) AS id"
                    ),
                ))
                .await?;
            let last: i64 = match row {
                Some(r) => r.try_get("", "id")?,
                None => 0,
            };
            Ok((last + 1..=last + count).collect())
        }
    }
}

/// Which of the columns adopted items go to are news columns.
async fn news_columns(
    txn: &DatabaseTransaction,
    checked: &[Checked],
    adopted: &[usize],
) -> Result<HashSet<i64>, StoreError> {
    let ids: HashSet<i64> = adopted.iter().map(|&i| checked[i].column.0).collect();
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(site_column::Entity::find()
        .select_only()
        .column(site_column::Column::Id)
        .filter(site_column::Column::Id.is_in(ids))
        .filter(site_column::Column::IsNews.eq(true))
        .into_tuple::<i64>()
        .all(txn)
        .await?
        .into_iter()
        .collect())
}

/// Every tenant's kind.
async fn tenant_kinds(txn: &DatabaseTransaction) -> Result<HashMap<i64, TenantKind>, StoreError> {
    tenant::Entity::find()
        .select_only()
        .column(tenant::Column::Id)
        .column(tenant::Column::Kind)
        .into_tuple::<(i64, String)>()
        .all(txn)
        .await?
        .into_iter()
        .map(|(id, kind)| Ok((id, parse_stored(&kind)?)))
        .collect()
}
