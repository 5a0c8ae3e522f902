//! Cross-tenant reporting (信息报送): channels, submissions and their decisions, and the
//! statistics per unit. Every step writes its audit row in the same transaction; an adoption
//! creates the receiver's article, marks the submission adopted and bumps the receiver's
//! generation in one transaction, and a decision only applies to a submission still pending
//! (a conditional update), so two boards adopting at once make exactly one article.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use zq_domain::article::{FieldError, check_fields};
use zq_domain::reporting::{
    Senders, SubmissionError, SubmissionEvent, SubmissionState, Unit, may_send, transition,
};
use zq_domain::workflow::WorkflowState;
use zq_domain::{ArticleId, ColumnId, TenantId, TenantKind};

use crate::articles::bump_if_public;
use crate::audit::audit_in;
use crate::editorial::{EditorialError, clean_text, insert_article};
use crate::entity::{article, channel, channel_column, site_column, submission, tenant};
use crate::error::parse_stored;
use crate::events::record_in;
use crate::{ChangeEvent, Event, Who};
use crate::{Store, StoreError, sanitize_html};
use zq_domain::article::ArticleText;
use zq_domain::event::EventKind;

/// A reporting channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub id: i64,
    pub name: String,
    pub receiver: TenantId,
    /// Tenants of this kind may send…
    pub sender_kind: TenantKind,
    /// …if they are children of this tenant (when set).
    pub sender_parent: Option<TenantId>,
    /// Items are adopted (and published) as soon as they arrive.
    pub auto_adopt: bool,
    /// The receiver's columns that take its items, the first being the default.
    pub columns: Vec<ColumnId>,
    /// An external feed (Atom or JSON Feed) pulled into this channel, if any.
    pub feed_url: Option<String>,
    /// The tenant the feed's items are attributed to (set with `feed_url`).
    pub feed_sender: Option<TenantId>,
    /// Open: takes submissions and its feed is pulled. A closed channel keeps its history.
    pub active: bool,
}

impl Channel {
    pub fn senders(&self) -> Senders {
        match self.sender_parent {
            Some(p) => Senders::ChildrenOf(p, self.sender_kind),
            None => Senders::Kind(self.sender_kind),
        }
    }
}

/// What a new channel needs.
#[derive(Debug, Clone)]
pub struct NewChannel {
    pub name: String,
    pub receiver: TenantId,
    pub sender_kind: TenantKind,
    pub sender_parent: Option<TenantId>,
    pub auto_adopt: bool,
    pub columns: Vec<ColumnId>,
}

/// The feed a channel pulls, and the tenant its items are attributed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelFeed {
    /// `http://…` or `https://…` (the puller decides which it can fetch).
    pub url: String,
    /// An existing tenant other than the receiver, e.g. one representing the neighbour or the
    /// provincial source.
    pub sender: TenantId,
}

/// Longest feed URL, in bytes.
pub const MAX_FEED_URL_BYTES: usize = 2000;

/// A submission as both sides see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub id: i64,
    pub channel_id: i64,
    pub sender: TenantId,
    pub receiver: TenantId,
    pub title: String,
    pub source: Option<String>,
    pub body: String,
    pub original_article: Option<ArticleId>,
    pub suggested_column: Option<ColumnId>,
    pub note: Option<String>,
    pub state: SubmissionState,
    pub decision_comment: Option<String>,
    pub adopted_article: Option<ArticleId>,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The feed item's id, for submissions imported from a channel's feed.
    pub external_id: Option<String>,
    /// When the feed item's source published it (as the feed says), for imported items.
    pub external_published_at: Option<DateTime<Utc>>,
}

/// What a sender enters: a new text, or one of its own published articles.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub channel_id: i64,
    /// Chosen by the client once per item; sending again with the same key changes nothing.
    pub client_key: String,
    pub title: String,
    pub body: String,
    pub source: Option<String>,
    pub original_article: Option<ArticleId>,
    pub suggested_column: Option<ColumnId>,
    pub note: Option<String>,
}

/// Which submissions a list shows.
#[derive(Debug, Clone, Default)]
pub struct SubmissionFilter {
    pub sender: Option<TenantId>,
    pub channel: Option<i64>,
    pub state: Option<SubmissionState>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// A decision of the receiving board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Adopt into `column` (default: the suggested one, else the channel's first); `publish`
    /// when the adopter may approve, else the article waits for the receiver's review.
    Adopt {
        column: Option<ColumnId>,
        publish: bool,
    },
    Return(String),
    Reject(String),
}

/// Why a reporting step was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReportingError {
    #[error("invalid fields")]
    Fields(Vec<FieldError>),
    #[error(transparent)]
    Flow(#[from] SubmissionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for ReportingError {
    fn from(e: sea_orm::DbErr) -> Self {
        ReportingError::Store(e.into())
    }
}

impl From<EditorialError> for ReportingError {
    fn from(e: EditorialError) -> Self {
        match e {
            EditorialError::Fields(f) => ReportingError::Fields(f),
            EditorialError::Store(s) => ReportingError::Store(s),
            other => ReportingError::Store(StoreError::NotAllowed(other.to_string())),
        }
    }
}

pub(crate) fn to_submission(r: submission::Model) -> Result<Submission, StoreError> {
    Ok(Submission {
        id: r.id,
        channel_id: r.channel_id,
        sender: TenantId(r.sender_id),
        receiver: TenantId(r.receiver_id),
        title: r.title,
        source: r.source,
        body: r.body,
        original_article: r.original_article_id.map(ArticleId),
        suggested_column: r.suggested_column_id.map(ColumnId),
        note: r.note,
        state: parse_stored(&r.state)?,
        decision_comment: r.decision_comment,
        adopted_article: r.adopted_article_id.map(ArticleId),
        submitted_at: r.submitted_at,
        decided_at: r.decided_at,
        external_id: r.external_id,
        external_published_at: r.external_published_at,
    })
}

/// The audit row and the event of a step on a submission, inside its transaction.
pub(crate) async fn audit_submission(
    txn: &DatabaseTransaction,
    who: &Who,
    tenant: TenantId,
    id: i64,
    action: &str,
    now: DateTime<Utc>,
) -> Result<Event, StoreError> {
    let object = format!("submission:{id}");
    audit_in(txn, who.entry(Some(tenant), object.clone(), action), now).await?;
    let kind = if matches!(
        action,
        "submission.adopt" | "submission.return" | "submission.reject"
    ) {
        EventKind::SubmissionDecided
    } else {
        EventKind::SubmissionSent
    };
    record_in(txn, now, kind, Some(tenant), object, ChangeEvent::default()).await
}

pub(crate) async fn load_channel<C: sea_orm::ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<Channel>, StoreError> {
    let Some(row) = channel::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    let columns = channel_column::Entity::find()
        .filter(channel_column::Column::ChannelId.eq(id))
        .order_by_asc(channel_column::Column::ColumnId)
        .all(conn)
        .await?
        .into_iter()
        .map(|c| ColumnId(c.column_id))
        .collect();
    Ok(Some(Channel {
        id: row.id,
        name: row.name,
        receiver: TenantId(row.receiver_id),
        sender_kind: parse_stored(&row.sender_kind)?,
        sender_parent: row.sender_parent_id.map(TenantId),
        auto_adopt: row.auto_adopt,
        columns,
        feed_url: row.feed_url,
        feed_sender: row.feed_sender_id.map(TenantId),
        active: row.active,
    }))
}

/// A channel's name, trimmed, once it and the column list pass the rules of a channel.
fn channel_name(name: &str, columns: &[ColumnId]) -> Result<String, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(StoreError::NotAllowed(
            "a channel name needs 1-60 characters".into(),
        ));
    }
    if columns.is_empty() {
        return Err(StoreError::NotAllowed(
            "a channel needs at least one column".into(),
        ));
    }
    Ok(name.to_owned())
}

/// Links `columns` (which must all be the receiver's) to the channel.
async fn add_channel_columns(
    txn: &DatabaseTransaction,
    channel_id: i64,
    receiver: TenantId,
    columns: &[ColumnId],
) -> Result<(), StoreError> {
    let found = site_column::Entity::find()
        .filter(site_column::Column::TenantId.eq(receiver.0))
        .filter(site_column::Column::Id.is_in(columns.iter().map(|c| c.0)))
        .count(txn)
        .await?;
    if found != columns.len() as u64 {
        return Err(StoreError::NotFound("column of the receiving site".into()));
    }
    for c in columns {
        channel_column::ActiveModel {
            channel_id: Set(channel_id),
            column_id: Set(c.0),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Records a change to a channel in the audit log and as an event.
async fn audit_channel(
    txn: &DatabaseTransaction,
    who: &Who,
    receiver: TenantId,
    channel_id: i64,
    action: &str,
    now: DateTime<Utc>,
) -> Result<Event, StoreError> {
    let object = format!("channel:{channel_id}");
    audit_in(txn, who.entry(Some(receiver), object.clone(), action), now).await?;
    let kind = EventKind::ChannelChanged;
    record_in(
        txn,
        now,
        kind,
        Some(receiver),
        object,
        ChangeEvent::default(),
    )
    .await
}

impl Store {
    /// Creates a channel (its columns must belong to the receiver) that may also pull a
    /// feed: the feed's sender must be an existing tenant other than the receiver.
    pub async fn create_channel(
        &self,
        new: NewChannel,
        feed: Option<ChannelFeed>,
        who: &Who,
    ) -> Result<Channel, StoreError> {
        let feed = match feed {
            Some(f) => Some(check_feed(&self.db, new.receiver, f).await?),
            None => None,
        };
        let name = channel_name(&new.name, &new.columns)?;
        let (_guard, txn) = self.begin_audited().await?;
        let row = channel::ActiveModel {
            name: Set(name),
            receiver_id: Set(new.receiver.0),
            sender_kind: Set(new.sender_kind.as_str().to_owned()),
            sender_parent_id: Set(new.sender_parent.map(|t| t.0)),
            auto_adopt: Set(new.auto_adopt),
            created_at: Set(self.now()),
            feed_url: Set(feed.as_ref().map(|f| f.url.clone())),
            feed_sender_id: Set(feed.as_ref().map(|f| f.sender.0)),
            active: Set(true),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        add_channel_columns(&txn, row.id, new.receiver, &new.columns).await?;
        let event = audit_channel(
            &txn,
            who,
            new.receiver,
            row.id,
            "channel.create",
            self.now(),
        )
        .await?;
        let channel = load_channel(&txn, row.id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("channel {}", row.id)))?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(channel)
    }

    /// Renames a channel, switches automatic adoption, changes the receiver's columns that
    /// take its items, or opens or closes it (`active`, unchanged when `None`). Who sends and
    /// who receives stay: they define the channel.
    pub async fn update_channel(
        &self,
        id: i64,
        name: &str,
        auto_adopt: bool,
        columns: Vec<ColumnId>,
        active: Option<bool>,
        who: &Who,
    ) -> Result<Channel, StoreError> {
        let name = channel_name(name, &columns)?;
        let (_guard, txn) = self.begin_audited().await?;
        let row = channel::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("channel {id}")))?;
        let receiver = TenantId(row.receiver_id);
        let mut change: channel::ActiveModel = row.into();
        change.name = Set(name);
        change.auto_adopt = Set(auto_adopt);
        if let Some(open) = active {
            change.active = Set(open);
        }
        change.update(&txn).await?;
        channel_column::Entity::delete_many()
            .filter(channel_column::Column::ChannelId.eq(id))
            .exec(&txn)
            .await?;
        add_channel_columns(&txn, id, receiver, &columns).await?;
        let event = audit_channel(&txn, who, receiver, id, "channel.update", self.now()).await?;
        let channel = load_channel(&txn, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("channel {id}")))?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(channel)
    }

    /// Deletes a channel that never carried a submission (one that did can only be closed,
    /// so the history and the figures stay).
    pub async fn delete_channel(&self, id: i64, who: &Who) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let row = channel::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("channel {id}")))?;
        let used = submission::Entity::find()
            .filter(submission::Column::ChannelId.eq(id))
            .count(&txn)
            .await?;
        if used > 0 {
            return Err(StoreError::Conflict(format!(
                "渠道已有 {used} 条报送记录，不能删除；可以关闭它"
            )));
        }
        channel_column::Entity::delete_many()
            .filter(channel_column::Column::ChannelId.eq(id))
            .exec(&txn)
            .await?;
        channel::Entity::delete_by_id(id).exec(&txn).await?;
        let receiver = TenantId(row.receiver_id);
        let event = audit_channel(&txn, who, receiver, id, "channel.delete", self.now()).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(())
    }

    /// Every channel.
    pub async fn channels(&self) -> Result<Vec<Channel>, StoreError> {
        let ids: Vec<i64> = channel::Entity::find()
            .select_only()
            .column(channel::Column::Id)
            .order_by_asc(channel::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(load_channel(&self.db, id).await?);
        }
        Ok(out)
    }

    /// One channel.
    pub async fn channel(&self, id: i64) -> Result<Option<Channel>, StoreError> {
        load_channel(&self.db, id).await
    }

    /// The tenant as `may_send` sees it.
    pub async fn unit(&self, id: TenantId) -> Result<Unit, StoreError> {
        let row = tenant::Entity::find_by_id(id.0)
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("tenant {id}")))?;
        Ok(Unit {
            id,
            kind: parse_stored(&row.kind)?,
            parent: row.parent_id.map(TenantId),
        })
    }

    /// Sends an item up a channel from `sender`. The same client key again returns the first
    /// submission (`false`: nothing new was created). On an auto-adopting channel the item is
    /// adopted and published in the same transaction.
    pub async fn submit(
        &self,
        sender: TenantId,
        new: NewSubmission,
        who: &Who,
    ) -> Result<(Submission, bool), ReportingError> {
        let key = new.client_key.trim();
        if key.is_empty() || key.len() > 64 {
            return Err(ReportingError::Fields(vec![FieldError::new(
                "client_key",
                "需要 1-64 个字符的提交编号",
            )]));
        }
        if let Some(existing) = submission::Entity::find()
            .filter(submission::Column::SenderId.eq(sender.0))
            .filter(submission::Column::ClientKey.eq(key))
            .one(&self.db)
            .await?
        {
            return Ok((to_submission(existing)?, false));
        }
        let unit = self.unit(sender).await?;
        let channel = load_channel(&self.db, new.channel_id)
            .await?
            .filter(|c| may_send(c.senders(), c.receiver, unit))
            .ok_or_else(|| StoreError::NotFound(format!("channel {}", new.channel_id)))?;
        if !channel.active {
            return Err(StoreError::Conflict(format!(
                "渠道“{}”已关闭，不再接收报送",
                channel.name
            ))
            .into());
        }
        if let Some(c) = new.suggested_column
            && !channel.columns.contains(&c)
        {
            return Err(ReportingError::Fields(vec![FieldError::new(
                "suggested_column",
                "该渠道不接收此栏目",
            )]));
        }
        let (mut title, mut body, mut source) = (new.title.trim().to_owned(), new.body, new.source);
        if let Some(orig) = new.original_article {
            let a = article::Entity::find_by_id(orig.0)
                .filter(article::Column::TenantId.eq(sender.0))
                .filter(article::Column::Status.eq(WorkflowState::Published.as_str()))
                .one(&self.db)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("published article {orig}")))?;
            title = a.title;
            body = a.body;
            source = source.or(a.source);
        }
        let sender_name = tenant::Entity::find_by_id(sender.0)
            .one(&self.db)
            .await?
            .map(|t| t.name)
            .unwrap_or_default();
        let source = source
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or(sender_name);
        let text = ArticleText {
            column_id: ColumnId(0),
            title: title.clone(),
            subtitle: None,
            source: Some(source.clone()),
            author: None,
            summary: None,
            body: body.clone(),
            doc_number: None,
            index_number: None,
        };
        let mut errors = check_fields(&text.fields());
        if new.note.as_deref().is_some_and(|n| n.chars().count() > 500) {
            errors.push(FieldError::new("note", "备注不能超过 500 个字"));
        }
        if !errors.is_empty() {
            return Err(ReportingError::Fields(errors));
        }
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = submission::ActiveModel {
            channel_id: Set(channel.id),
            sender_id: Set(sender.0),
            receiver_id: Set(channel.receiver.0),
            client_key: Set(key.to_owned()),
            title: Set(title),
            source: Set(Some(source)),
            body: Set(sanitize_html(&body)),
            original_article_id: Set(new.original_article.map(|a| a.0)),
            suggested_column_id: Set(new.suggested_column.map(|c| c.0)),
            note: Set(new
                .note
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())),
            state: Set(SubmissionState::Submitted.as_str().to_owned()),
            decision_comment: Set(None),
            adopted_article_id: Set(None),
            submitted_by: Set(who.user_row_id()),
            decided_by: Set(None),
            submitted_at: Set(now),
            decided_at: Set(None),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| crate::error::conflict_as(e, || format!("submission key {key} was used")))?;
        let mut events =
            vec![audit_submission(&txn, who, sender, row.id, "submission.submit", now).await?];
        if channel.auto_adopt {
            events.extend(adopt_in(&txn, &channel, row.id, None, true, &Who::system(), now).await?);
        }
        let out = submission::Entity::find_by_id(row.id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("submission {}", row.id)))?;
        txn.commit().await?;
        self.committed(events).await;
        Ok((to_submission(out)?, true))
    }

    /// The sender withdraws a pending item or sends a returned/withdrawn one again.
    pub async fn sender_step(
        &self,
        sender: TenantId,
        id: i64,
        event: SubmissionEvent,
        who: &Who,
    ) -> Result<Submission, ReportingError> {
        if !event.by_sender() {
            return Err(StoreError::NotAllowed("only the receiving board decides".into()).into());
        }
        let (_guard, txn) = self.begin_audited().await?;
        let row = submission::Entity::find_by_id(id)
            .filter(submission::Column::SenderId.eq(sender.0))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("submission {id}")))?;
        let state: SubmissionState = parse_stored(&row.state)?;
        let next = transition(state, &event)?;
        let now = self.now();
        set_state_if(&txn, id, state, next, None, None, now).await?;
        if event == SubmissionEvent::Resubmit {
            submission::Entity::update_many()
                .col_expr(submission::Column::SubmittedAt, Expr::value(now))
                .col_expr(
                    submission::Column::DecisionComment,
                    Expr::value(Option::<String>::None),
                )
                .filter(submission::Column::Id.eq(id))
                .exec(&txn)
                .await?;
        }
        let action = format!("submission.{}", event.name());
        let recorded = audit_submission(&txn, who, sender, id, &action, now).await?;
        let out = submission::Entity::find_by_id(id).one(&txn).await?;
        txn.commit().await?;
        self.committed(vec![recorded]).await;
        Ok(to_submission(out.ok_or_else(|| {
            StoreError::NotFound(format!("submission {id}"))
        })?)?)
    }

    /// The receiving board decides on a pending item. Adoption creates the article (attributed
    /// to the sending unit) in the same transaction; a decision on an item that is no longer
    /// pending — someone else decided first — is refused.
    pub async fn decide(
        &self,
        receiver: TenantId,
        id: i64,
        decision: Decision,
        who: &Who,
    ) -> Result<Submission, ReportingError> {
        let (_guard, txn) = self.begin_audited().await?;
        let row = submission::Entity::find_by_id(id)
            .filter(submission::Column::ReceiverId.eq(receiver.0))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("submission {id}")))?;
        let state: SubmissionState = parse_stored(&row.state)?;
        let now = self.now();
        let mut events = Vec::new();
        match decision {
            Decision::Adopt { column, publish } => {
                transition(state, &SubmissionEvent::Adopt)?;
                let channel = load_channel(&txn, row.channel_id)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("channel {}", row.channel_id)))?;
                events = adopt_in(&txn, &channel, id, column, publish, who, now).await?;
            }
            Decision::Return(comment) | Decision::Reject(comment) if comment.trim().is_empty() => {
                return Err(SubmissionError::CommentRequired.into());
            }
            Decision::Return(comment) => {
                let next = transition(
                    state,
                    &SubmissionEvent::Return {
                        comment: comment.clone(),
                    },
                )?;
                let by = who.user_row_id();
                set_state_if(&txn, id, state, next, Some(comment.trim()), by, now).await?;
                events.push(
                    audit_submission(&txn, who, receiver, id, "submission.return", now).await?,
                );
            }
            Decision::Reject(reason) => {
                let next = transition(
                    state,
                    &SubmissionEvent::Reject {
                        reason: reason.clone(),
                    },
                )?;
                let by = who.user_row_id();
                set_state_if(&txn, id, state, next, Some(reason.trim()), by, now).await?;
                events.push(
                    audit_submission(&txn, who, receiver, id, "submission.reject", now).await?,
                );
            }
        }
        let out = submission::Entity::find_by_id(id).one(&txn).await?;
        txn.commit().await?;
        self.committed(events).await;
        Ok(to_submission(out.ok_or_else(|| {
            StoreError::NotFound(format!("submission {id}"))
        })?)?)
    }

    /// One submission, seen from the sending or the receiving tenant.
    pub async fn submission(&self, tenant: TenantId, id: i64) -> Result<Submission, StoreError> {
        let row = submission::Entity::find_by_id(id)
            .filter(
                submission::Column::SenderId
                    .eq(tenant.0)
                    .or(submission::Column::ReceiverId.eq(tenant.0)),
            )
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("submission {id}")))?;
        to_submission(row)
    }

    /// Submissions sent by (`outbox`) or addressed to a tenant, newest first.
    pub async fn submissions(
        &self,
        tenant: TenantId,
        outbox: bool,
        filter: &SubmissionFilter,
        limit: u64,
    ) -> Result<Vec<Submission>, StoreError> {
        use submission::Column as S;
        let mut q = submission::Entity::find().filter(if outbox {
            S::SenderId.eq(tenant.0)
        } else {
            S::ReceiverId.eq(tenant.0)
        });
        if let Some(s) = filter.sender {
            q = q.filter(S::SenderId.eq(s.0));
        }
        if let Some(c) = filter.channel {
            q = q.filter(S::ChannelId.eq(c));
        }
        if let Some(st) = filter.state {
            q = q.filter(S::State.eq(st.as_str()));
        }
        if let Some(f) = filter.from {
            q = q.filter(S::SubmittedAt.gte(f));
        }
        if let Some(t) = filter.to {
            q = q.filter(S::SubmittedAt.lt(t));
        }
        q.order_by_desc(S::SubmittedAt)
            .order_by_desc(S::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_submission)
            .collect()
    }
}

/// Checks a channel's feed: a plausible URL, and a sender that exists and is not the receiver.
async fn check_feed<C: sea_orm::ConnectionTrait>(
    conn: &C,
    receiver: TenantId,
    feed: ChannelFeed,
) -> Result<ChannelFeed, StoreError> {
    let url = feed.url.trim().to_owned();
    let lower = url.to_ascii_lowercase();
    if url.len() > MAX_FEED_URL_BYTES
        || !(lower.starts_with("http://") || lower.starts_with("https://"))
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(StoreError::NotAllowed(format!(
            "a feed URL is an http:// or https:// address of at most {MAX_FEED_URL_BYTES} bytes"
        )));
    }
    if feed.sender == receiver {
        return Err(StoreError::NotAllowed(
            "a feed's items cannot be attributed to the receiving site itself".into(),
        ));
    }
    if tenant::Entity::find_by_id(feed.sender.0)
        .one(conn)
        .await?
        .is_none()
    {
        return Err(StoreError::NotFound(format!("tenant {}", feed.sender)));
    }
    Ok(ChannelFeed {
        url,
        sender: feed.sender,
    })
}

/// Sender, state, submitted and decided times of one submission, for the figures.
/// Moves a submission from `from` to `to` only if it is still in `from`: the loser of two
/// simultaneous decisions changes nothing and is told so.
async fn set_state_if(
    txn: &DatabaseTransaction,
    id: i64,
    from: SubmissionState,
    to: SubmissionState,
    comment: Option<&str>,
    decided_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), ReportingError> {
    use submission::Column as S;
    let mut q = submission::Entity::update_many()
        .col_expr(S::State, Expr::value(to.as_str()))
        .col_expr(S::UpdatedAt, Expr::value(now));
    if to.is_final() || to == SubmissionState::Returned {
        q = q
            .col_expr(S::DecidedAt, Expr::value(now))
            .col_expr(S::DecidedBy, Expr::value(decided_by))
            .col_expr(S::DecisionComment, Expr::value(comment.map(str::to_owned)));
    }
    let res = q
        .filter(S::Id.eq(id))
        .filter(S::State.eq(from.as_str()))
        .exec(txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(
            StoreError::Conflict(format!("submission {id} was decided by someone else")).into(),
        );
    }
    Ok(())
}

/// Adopts submission `id` of `channel` inside `txn`: claims it (still pending), creates the
/// receiver's article attributed to the sender, links it, audits, and bumps the receiver;
/// returns the events recorded (the decision, and the article with the generations raised).
pub(crate) async fn adopt_in(
    txn: &DatabaseTransaction,
    channel: &Channel,
    id: i64,
    column: Option<ColumnId>,
    publish: bool,
    who: &Who,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, ReportingError> {
    set_state_if(
        txn,
        id,
        SubmissionState::Submitted,
        SubmissionState::Adopted,
        None,
        who.user_row_id(),
        now,
    )
    .await?;
    let row = submission::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("submission {id}")))?;
    let column = column
        .or(row.suggested_column_id.map(ColumnId))
        .or(channel.columns.first().copied())
        .ok_or_else(|| StoreError::NotFound("column".into()))?;
    if !channel.columns.contains(&column) {
        return Err(ReportingError::Fields(vec![FieldError::new(
            "column_id",
            "该渠道不接收此栏目",
        )]));
    }
    let text = ArticleText {
        column_id: column,
        title: row.title.clone(),
        subtitle: None,
        source: row.source.clone(),
        author: None,
        summary: None,
        body: row.body.clone(),
        doc_number: None,
        index_number: None,
    };
    let state = if publish {
        WorkflowState::Published
    } else {
        WorkflowState::PendingReview
    };
    let receiver = channel.receiver;
    let article = insert_article(
        txn,
        receiver,
        clean_text(text),
        state,
        None,
        who,
        "article.adopt",
        now,
    )
    .await?;
    submission::Entity::update_many()
        .col_expr(
            submission::Column::AdoptedArticleId,
            Expr::value(article.id.0),
        )
        .filter(submission::Column::Id.eq(id))
        .exec(txn)
        .await?;
    let decided = audit_submission(txn, who, receiver, id, "submission.adopt", now).await?;
    let news = site_column::Entity::find_by_id(column.0)
        .one(txn)
        .await?
        .is_some_and(|c| c.is_news);
    let generations = bump_if_public(txn, receiver, publish, news).await?;
    let kind = if publish {
        EventKind::ArticlePublished
    } else {
        EventKind::ArticleCreated
    };
    let change = ChangeEvent {
        generations,
        sites_changed: false,
    };
    let object = format!("article:{}", article.id);
    let written = record_in(txn, now, kind, Some(receiver), object, change).await?;
    Ok(vec![decided, written])
}
