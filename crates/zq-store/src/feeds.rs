//! Upstream feeds: what a tenant's report feed lists (its published articles, with the sending
//! unit of those it adopted from submissions), and importing the items of an external feed as
//! submissions on a channel.
//!
//! An import inserts each item in its own transaction with its audit row (actor "system") and,
//! on an auto-adopting channel, the adoption. The item's id is stored as the submission's
//! `external_id`, unique per channel: an item already imported — by an earlier pull, or by
//! another node pulling at the same moment — is skipped, never imported twice.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use sha2::{Digest, Sha256};
use zq_domain::article::{
    ArticleFields, MAX_BODY_BYTES, MAX_SHORT_FIELD_CHARS, MAX_TITLE_CHARS, check_fields,
};
use zq_domain::reporting::SubmissionState;
use zq_domain::workflow::WorkflowState;
use zq_domain::{ArticleId, ColumnId, TenantCode, TenantId};

use crate::Who;
use crate::entity::{article, submission, tenant};
use crate::error::parse_stored;
use crate::reporting::{ReportingError, adopt_in, audit_submission, load_channel};
use crate::{Article, Store, StoreError, sanitize_html};

/// Longest item id kept from a feed, in bytes (longer ones are refused as invalid).
pub const MAX_EXTERNAL_ID_BYTES: usize = 512;
/// At most this many invalid items are described in an import report.
const MAX_PROBLEMS: usize = 20;

/// A published article as a tenant's report feed lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFeedItem {
    pub article: Article,
    /// The sending unit, when the article was adopted from a submission.
    pub adopted_from: Option<FeedUnit>,
}

/// A tenant named in a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedUnit {
    pub id: TenantId,
    pub code: TenantCode,
    pub name: String,
}

/// One item of an external feed, as the parser found it (nothing checked yet).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedItem {
    /// The item's id in its feed (Atom `id`, JSON Feed `id`): the deduplication key.
    pub id: String,
    pub title: String,
    /// The item's own page, if given.
    pub url: Option<String>,
    /// HTML; sanitized when stored.
    pub body: String,
    /// 来源, if the feed says.
    pub source: Option<String>,
    /// The item's author (used as the source when no source is given).
    pub author: Option<String>,
    /// When its source published it (Atom `published`, else `updated`; JSON Feed
    /// `date_published`, else `date_modified`).
    pub published: Option<chrono::DateTime<Utc>>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Items offered.
    pub items: usize,
    /// Submissions created.
    pub new: usize,
    /// Items imported before (by an earlier pull or by another node), skipped.
    pub duplicates: usize,
    /// Items refused (no id, no title, too large…), skipped.
    pub invalid: usize,
    /// Of the new ones, adopted at once (auto-adopting channel).
    pub adopted: usize,
    /// Ids of the new submissions.
    pub submissions: Vec<i64>,
    /// Why items were refused (the first few).
    pub problems: Vec<String>,
}

impl ImportReport {
    fn refuse(&mut self, id: &str, why: impl std::fmt::Display) {
        self.invalid += 1;
        if self.problems.len() < MAX_PROBLEMS {
            let id: String = id.chars().take(80).collect();
            self.problems.push(format!("{id:?}: {why}"));
        }
    }
}

/// The submission's client key for an imported item: unique per channel and item id, within
/// the 64 characters client keys have.
fn client_key(channel: i64, external_id: &str) -> String {
    let digest = Sha256::digest(external_id.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("feed:{channel}:{hex}")
}

/// `s` trimmed, without control characters, cut to `max` characters; `None` when empty.
fn clean_line(s: &str, max: usize) -> Option<String> {
    let line: String = s
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let cut: String = line.chars().take(max).collect();
    (!cut.is_empty()).then_some(cut)
}

impl Store {
    /// The newest published articles of `tenant` (at most `limit`), with the sending unit of
    /// those adopted from submissions: the tenant's report feed.
    pub async fn report_feed(
        &self,
        tenant: TenantId,
        limit: u64,
    ) -> Result<Vec<ReportFeedItem>, StoreError> {
        let rows = article::Entity::find()
            .filter(article::Column::TenantId.eq(tenant.0))
            .filter(article::Column::Status.eq(WorkflowState::Published.as_str()))
            .order_by_desc(article::Column::PublishedAt)
            .order_by_desc(article::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let adopted: Vec<(Option<i64>, i64)> = if ids.is_empty() {
            Vec::new()
        } else {
            submission::Entity::find()
                .select_only()
                .column(submission::Column::AdoptedArticleId)
                .column(submission::Column::SenderId)
                .filter(submission::Column::ReceiverId.eq(tenant.0))
                .filter(submission::Column::AdoptedArticleId.is_in(ids))
                .into_tuple()
                .all(&self.db)
                .await?
        };
        let senders: HashSet<i64> = adopted.iter().map(|(_, s)| *s).collect();
        let mut units = HashMap::new();
        if !senders.is_empty() {
            for t in tenant::Entity::find()
                .filter(tenant::Column::Id.is_in(senders))
                .all(&self.db)
                .await?
            {
                let code = TenantCode::parse(&t.code)
                    .map_err(|e| StoreError::Corrupt(format!("tenant {}: {e}", t.id)))?;
                units.insert(
                    t.id,
                    FeedUnit {
                        id: TenantId(t.id),
                        code,
                        name: t.name,
                    },
                );
            }
        }
        let from: HashMap<i64, FeedUnit> = adopted
            .into_iter()
            .filter_map(|(a, s)| Some((a?, units.get(&s)?.clone())))
            .collect();
        rows.into_iter()
            .map(|r| {
                let adopted_from = from.get(&r.id).cloned();
                Ok(ReportFeedItem {
                    article: Article {
                        id: ArticleId(r.id),
                        tenant_id: TenantId(r.tenant_id),
                        column_id: ColumnId(r.column_id),
                        status: parse_stored(&r.status)?,
                        title: r.title,
                        subtitle: r.subtitle,
                        source: r.source,
                        author: r.author,
                        summary: r.summary,
                        body: r.body,
                        doc_number: r.doc_number,
                        index_number: r.index_number,
                        published_at: r.published_at,
                        updated_at: r.updated_at,
                    },
                    adopted_from,
                })
            })
            .collect()
    }

    /// Imports the items of channel `channel_id`'s feed as submissions from the channel's feed
    /// sender (state submitted, or adopted and published at once on an auto-adopting channel),
    /// skipping items imported before. Each item is one transaction with its audit row; a
    /// failure of the database stops the import (what was imported stays, and is skipped by
    /// the next pull).
    pub async fn import_feed_items(
        &self,
        channel_id: i64,
        items: Vec<FeedItem>,
    ) -> Result<ImportReport, ReportingError> {
        let channel = load_channel(&self.db, channel_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("channel {channel_id}")))?;
        if !channel.active {
            return Err(StoreError::Conflict(format!(
                "渠道“{}”已关闭，不再导入订阅",
                channel.name
            ))
            .into());
        }
        let sender = channel.feed_sender.ok_or_else(|| {
            StoreError::NotAllowed(format!("channel {channel_id} has no feed to import"))
        })?;
        let sender_name = tenant::Entity::find_by_id(sender.0)
            .one(&self.db)
            .await?
            .map(|t| t.name)
            .ok_or_else(|| StoreError::NotFound(format!("tenant {sender}")))?;
        let mut report = ImportReport {
            items: items.len(),
            ..ImportReport::default()
        };
        // What this channel already holds, so known items cost no failed insert.
        let offered: Vec<String> = items
            .iter()
            .map(|i| i.id.trim().to_owned())
            .filter(|id| !id.is_empty() && id.len() <= MAX_EXTERNAL_ID_BYTES)
            .collect();
        let mut seen: HashSet<String> = HashSet::new();
        for chunk in offered.chunks(200) {
            let known: Vec<Option<String>> = submission::Entity::find()
                .select_only()
                .column(submission::Column::ExternalId)
                .filter(submission::Column::ChannelId.eq(channel.id))
                .filter(submission::Column::ExternalId.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(&self.db)
                .await?;
            seen.extend(known.into_iter().flatten());
        }
        let system = Who::system();
        for item in items {
            let id = item.id.trim().to_owned();
            if id.is_empty() {
                report.refuse(&item.title, "no id");
                continue;
            }
            if id.len() > MAX_EXTERNAL_ID_BYTES {
                report.refuse(&id, format!("id longer than {MAX_EXTERNAL_ID_BYTES} bytes"));
                continue;
            }
            if !seen.insert(id.clone()) {
                report.duplicates += 1;
                continue;
            }
            let Some(title) = clean_line(&item.title, MAX_TITLE_CHARS) else {
                report.refuse(&id, "no title");
                continue;
            };
            if item.body.len() > MAX_BODY_BYTES {
                report.refuse(
                    &id,
                    format!("body larger than {} KiB", MAX_BODY_BYTES / 1024),
                );
                continue;
            }
            let body = sanitize_html(&item.body);
            let source = item
                .source
                .as_deref()
                .and_then(|s| clean_line(s, MAX_SHORT_FIELD_CHARS))
                .or_else(|| {
                    item.author
                        .as_deref()
                        .and_then(|s| clean_line(s, MAX_SHORT_FIELD_CHARS))
                })
                .unwrap_or_else(|| sender_name.clone());
            let errors = check_fields(&ArticleFields {
                title: &title,
                subtitle: None,
                source: Some(&source),
                author: None,
                summary: None,
                body: &body,
                doc_number: None,
                index_number: None,
            });
            if let Some(e) = errors.first() {
                report.refuse(&id, e);
                continue;
            }
            let note = item
                .url
                .as_deref()
                .map(|u| format!("订阅导入：{}", u.trim()))
                .filter(|n| n.chars().count() <= 500);
            let (guard, txn) = self.begin_audited().await?;
            let now = self.now();
            let inserted = submission::ActiveModel {
                channel_id: Set(channel.id),
                sender_id: Set(sender.0),
                receiver_id: Set(channel.receiver.0),
                client_key: Set(client_key(channel.id, &id)),
                title: Set(title),
                source: Set(Some(source)),
                body: Set(body),
                original_article_id: Set(None),
                suggested_column_id: Set(None),
                note: Set(note),
                state: Set(SubmissionState::Submitted.as_str().to_owned()),
                decision_comment: Set(None),
                adopted_article_id: Set(None),
                submitted_by: Set(None),
                decided_by: Set(None),
                submitted_at: Set(now),
                decided_at: Set(None),
                updated_at: Set(now),
                external_id: Set(Some(id.clone())),
                external_published_at: Set(item.published),
                ..Default::default()
            }
            .insert(&txn)
            .await;
            let row = match inserted.map_err(StoreError::from) {
                Ok(row) => row,
                // Imported meanwhile (another node, or a pull running at the same time).
                Err(StoreError::Conflict(_)) => {
                    drop(txn);
                    drop(guard);
                    report.duplicates += 1;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let mut events = vec![
                audit_submission(&txn, &system, sender, row.id, "submission.import", now).await?,
            ];
            if channel.auto_adopt {
                events.extend(adopt_in(&txn, &channel, row.id, None, true, &system, now).await?);
                report.adopted += 1;
            }
            txn.commit().await?;
            drop(guard);
            self.committed(events).await;
            report.new += 1;
            report.submissions.push(row.id);
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_keys_fit_and_differ_per_channel_and_item() {
        let a = client_key(i64::MAX, "tag:fgw.example,2026:article:1");
        assert!(a.len() <= 64, "{a}");
        assert_ne!(a, client_key(1, "tag:fgw.example,2026:article:1"));
        assert_ne!(
            client_key(1, "tag:x,2026:article:1"),
            client_key(1, "tag:x,2026:article:2")
        );
    }

    #[test]
    fn lines_are_trimmed_joined_and_cut() {
        assert_eq!(
            clean_line("  关于\n做好\t工作 ", 100).as_deref(),
            Some("关于 做好 工作")
        );
        assert_eq!(clean_line("一二三四", 2).as_deref(), Some("一二"));
        assert_eq!(clean_line(" \u{7}\n ", 10), None);
    }
}
