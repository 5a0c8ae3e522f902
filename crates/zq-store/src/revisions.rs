//! Corrections of published articles (修订, issue 16): the open correction of an article is
//! one row beside it, written and reviewed while the published text stays online. Approving
//! (or applying it directly) writes it over the article as a new version in one transaction
//! with the audit row that carries the article's new fingerprint (so anti-tampering keeps
//! verifying), the version row marked as a correction, the generation bump and the event that
//! purge the caches. The rules are `zq_domain::revision`'s.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, ModelTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use zq_domain::article::{ArticleText, check_fields};
use zq_domain::event::EventKind;
use zq_domain::revision::{RevisionEvent, RevisionOutcome, RevisionState, revise};
use zq_domain::{ArticleId, ColumnId, TenantId, UserId};

use crate::articles::bump_if_public;
use crate::audit::audit_in;
use crate::editorial::{
    EditorialArticle, EditorialError, article_written, audit_article, clean_text, is_news_column,
    load_for_update, set_text, to_editorial, version_of,
};
use crate::entity::{article, article_revision};
use crate::error::parse_stored;
use crate::{Store, StoreError, Who};

/// The open correction of a published article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleRevision {
    pub article_id: ArticleId,
    pub tenant_id: TenantId,
    /// The article's version the correction started from.
    pub base_version: i32,
    /// Counts the correction's saves: a stale form is refused.
    pub revision: i32,
    pub text: ArticleText,
    pub state: RevisionState,
    pub minor: bool,
    pub review_comment: Option<String>,
    pub created_by: Option<UserId>,
    pub updated_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a step did to the correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevisionDone {
    Open(ArticleRevision),
    /// The article with the correction written over it.
    Applied(EditorialArticle),
    Discarded,
}

fn to_revision(r: article_revision::Model) -> Result<ArticleRevision, StoreError> {
    Ok(ArticleRevision {
        article_id: ArticleId(r.article_id),
        tenant_id: TenantId(r.tenant_id),
        base_version: r.base_version,
        revision: r.revision,
        text: ArticleText {
            column_id: ColumnId(r.column_id),
            title: r.title,
            subtitle: r.subtitle,
            source: r.source,
            author: r.author,
            summary: r.summary,
            body: r.body,
            doc_number: r.doc_number,
            index_number: r.index_number,
        },
        state: parse_stored(&r.state)?,
        minor: r.minor,
        review_comment: r.review_comment,
        created_by: r.created_by.map(UserId),
        updated_by: r.updated_by.map(UserId),
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

pub(crate) async fn open_revision<C: sea_orm::ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    id: ArticleId,
) -> Result<Option<article_revision::Model>, StoreError> {
    Ok(article_revision::Entity::find_by_id(id.0)
        .filter(article_revision::Column::TenantId.eq(tenant.0))
        .one(conn)
        .await?)
}

/// Writes the correction's text over the article row (a new version, saved by the
/// correction's writer; `approved`: marked as a correction) and removes the correction, inside
/// `txn`; returns the updated row.
pub(crate) async fn fold_into(
    txn: &DatabaseTransaction,
    mut active: article::ActiveModel,
    current_version: i32,
    rev: article_revision::Model,
    approved: bool,
) -> Result<article::Model, StoreError> {
    let mut text = to_revision(rev.clone())?.text;
    // A correction that cleared the 索引号 keeps the one the article was published with.
    if text.index_number.is_none()
        && let sea_orm::ActiveValue::Unchanged(Some(n)) | sea_orm::ActiveValue::Set(Some(n)) =
            &active.index_number
    {
        text.index_number = Some(n.clone());
    }
    set_text(&mut active, text);
    active.version = Set(current_version + 1);
    let row = active.update(txn).await?;
    let mut version = version_of(&row, rev.updated_by);
    version.corrected = Set(approved);
    version.minor = Set(approved && rev.minor);
    version.insert(txn).await?;
    rev.delete(txn).await?;
    Ok(row)
}

impl Store {
    /// The open correction of an article of the tenant, if any.
    pub async fn article_revision(
        &self,
        tenant: TenantId,
        id: ArticleId,
    ) -> Result<Option<ArticleRevision>, StoreError> {
        open_revision(&self.db, tenant, id)
            .await?
            .map(to_revision)
            .transpose()
    }

    /// The tenant's corrections in `state`, oldest change first (the review queue).
    pub async fn revisions_in(
        &self,
        tenant: TenantId,
        state: RevisionState,
    ) -> Result<Vec<ArticleRevision>, StoreError> {
        article_revision::Entity::find()
            .filter(article_revision::Column::TenantId.eq(tenant.0))
            .filter(article_revision::Column::State.eq(state.as_str()))
            .order_by_asc(article_revision::Column::UpdatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_revision)
            .collect()
    }

    /// How many of the tenant's corrections are in `state` (the 待审核 tab's count).
    pub async fn count_revisions(
        &self,
        tenant: TenantId,
        state: RevisionState,
    ) -> Result<u64, StoreError> {
        Ok(article_revision::Entity::find()
            .filter(article_revision::Column::TenantId.eq(tenant.0))
            .filter(article_revision::Column::State.eq(state.as_str()))
            .count(&self.db)
            .await?)
    }

    /// Saves the correction of a published article (opening it at the first save).
    /// `expected_revision` is the correction's save count the form was opened on (`0` for a
    /// new one): a stale form is refused instead of overwriting another save.
    pub async fn save_revision(
        &self,
        tenant: TenantId,
        id: ArticleId,
        text: ArticleText,
        minor: bool,
        expected_revision: Option<i32>,
        who: &Who,
    ) -> Result<ArticleRevision, EditorialError> {
        let errors = check_fields(&text.fields());
        if !errors.is_empty() {
            return Err(EditorialError::Fields(errors));
        }
        let text = clean_text(text);
        let (_guard, txn) = self.begin_audited().await?;
        let row = load_for_update(&txn, tenant, id).await?;
        let article = to_editorial(row.clone())?;
        let open = open_revision(&txn, tenant, id).await?;
        let open_state = open
            .as_ref()
            .map(|r| parse_stored::<RevisionState>(&r.state))
            .transpose()?;
        revise(article.state, open_state, &RevisionEvent::Save)?;
        let current = open.as_ref().map_or(0, |r| r.revision);
        if let Some(v) = expected_revision
            && v != current
        {
            return Err(EditorialError::Stale { current });
        }
        crate::editorial::check_column(&txn, tenant, text.column_id).await?;
        let now = self.now();
        let mut active = match open {
            Some(r) => r.into(),
            None => article_revision::ActiveModel {
                article_id: Set(id.0),
                tenant_id: Set(tenant.0),
                base_version: Set(row.version),
                state: Set(RevisionState::Draft.as_str().to_owned()),
                review_comment: Set(None),
                created_by: Set(who.user_row_id()),
                created_at: Set(now),
                ..Default::default()
            },
        };
        active.revision = Set(current + 1);
        active.column_id = Set(text.column_id.0);
        active.title = Set(text.title);
        active.subtitle = Set(text.subtitle);
        active.source = Set(text.source);
        active.author = Set(text.author);
        active.summary = Set(text.summary);
        active.body = Set(text.body);
        active.doc_number = Set(text.doc_number);
        active.index_number = Set(text.index_number);
        active.minor = Set(minor);
        active.updated_by = Set(who.user_row_id());
        active.updated_at = Set(now);
        let saved = if current == 0 {
            active.insert(&txn).await?
        } else {
            active.update(&txn).await?
        };
        let entry = who.entry(Some(tenant), format!("article:{id}"), "article.revise");
        audit_in(&txn, entry, now).await?;
        txn.commit().await?;
        Ok(to_revision(saved)?)
    }

    /// Applies a step (submit, recall, approve, return, apply directly, discard) to the open
    /// correction of an article of the tenant. Permission is the caller's business (see
    /// `RevisionEvent::required_action`); the rules are checked here, in the transaction.
    pub async fn revision_event(
        &self,
        tenant: TenantId,
        id: ArticleId,
        event: &RevisionEvent,
        who: &Who,
    ) -> Result<RevisionDone, EditorialError> {
        let (_guard, txn) = self.begin_audited().await?;
        let row = load_for_update(&txn, tenant, id).await?;
        let before = to_editorial(row.clone())?;
        let open = open_revision(&txn, tenant, id).await?;
        let open_state = open
            .as_ref()
            .map(|r| parse_stored::<RevisionState>(&r.state))
            .transpose()?;
        let outcome = revise(before.state, open_state, event)?;
        let now = self.now();
        let action = format!("article.revision_{}", event.name());
        let Some(rev) = open else {
            // `revise` refuses every step but Save without a correction.
            return Err(StoreError::NotFound(format!("correction of article {id}")).into());
        };
        let mut events = Vec::new();
        let done = match outcome {
            RevisionOutcome::Open(next) => {
                let mut active: article_revision::ActiveModel = rev.into();
                active.state = Set(next.as_str().to_owned());
                active.review_comment = Set(match event {
                    RevisionEvent::Return { comment } => Some(comment.trim().to_owned()),
                    _ => None,
                });
                active.updated_at = Set(now);
                let saved = active.update(&txn).await?;
                let entry = who.entry(Some(tenant), format!("article:{id}"), &action);
                audit_in(&txn, entry, now).await?;
                RevisionDone::Open(to_revision(saved)?)
            }
            RevisionOutcome::Discarded => {
                rev.delete(&txn).await?;
                let entry = who.entry(Some(tenant), format!("article:{id}"), &action);
                audit_in(&txn, entry, now).await?;
                RevisionDone::Discarded
            }
            RevisionOutcome::Applied => {
                let version = row.version;
                let mut active: article::ActiveModel = row.into();
                active.updated_by = Set(who.user_row_id());
                active.updated_at = Set(now);
                let saved = fold_into(&txn, active, version, rev, true).await?;
                let news = is_news_column(&txn, saved.column_id).await?;
                let generations = bump_if_public(&txn, tenant, true, news).await?;
                let after = to_editorial(saved)?;
                audit_article(&txn, who, &action, Some(&before), &after, now).await?;
                events.push(
                    article_written(&txn, now, EventKind::ArticleUpdated, &after, generations)
                        .await?,
                );
                RevisionDone::Applied(after)
            }
        };
        txn.commit().await?;
        self.committed(events).await;
        Ok(done)
    }
}
