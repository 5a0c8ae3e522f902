//! Articles, attachments, site settings, columns and the audit log of one site: the
//! editorial operations the console and the API share.

use chrono::{DateTime, Utc};
use zq_domain::ArticleId;
use zq_domain::access::Action;
use zq_domain::workflow::{Event, WorkflowState};
use zq_store::{
    ArticleListItem, ArticleText, ArticleVersion, Attachment, AuditRecord, Column,
    EditorialArticle, ImportedArticle, SiteSettings, Tenant,
};

use crate::diff::{DiffLine, diff_versions};
use crate::{Caller, Result, ServiceError, Services, site};

/// A workflow step asked for by a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Submit,
    Recall,
    /// Publish now, or at the time given (or the time the editor asked for). `reason` lets
    /// the article through despite the lexicon's hits (recorded and audited).
    Approve {
        publish_at: Option<DateTime<Utc>>,
        reason: Option<String>,
    },
    Return {
        comment: String,
    },
    PublishDirectly {
        publish_at: Option<DateTime<Utc>>,
        reason: Option<String>,
    },
    Withdraw,
}

impl Step {
    /// Parses the step's name as it appears in URLs (`/articles/{id}/{step}`); the comment
    /// is a return's reason, or an approval's reason to publish despite the lexicon.
    pub fn parse(
        name: &str,
        comment: Option<String>,
        publish_at: Option<DateTime<Utc>>,
    ) -> Option<Step> {
        Some(match name {
            "submit" => Step::Submit,
            "recall" => Step::Recall,
            "approve" => Step::Approve {
                publish_at,
                reason: comment,
            },
            "return" => Step::Return {
                comment: comment.unwrap_or_default(),
            },
            "publish" => Step::PublishDirectly {
                publish_at,
                reason: comment,
            },
            "withdraw" => Step::Withdraw,
            _ => return None,
        })
    }
}

// ---- articles ----

/// The text as stored: links to the site's own files made site-relative (the console's
/// editor shows and uploads them under the alias `/sites/{code}/files/…`).
pub(crate) fn files_stored(mut text: ArticleText, code: &str) -> ArticleText {
    text.body = zq_domain::html::files_stored(&text.body, code);
    text
}

pub async fn articles(
    svc: &Services,
    caller: &Caller,
    code: &str,
    filter: Option<WorkflowState>,
    limit: u64,
    offset: u64,
) -> Result<(Tenant, Vec<ArticleListItem>, u64)> {
    let q = zq_store::ArticleQuery {
        state: filter,
        ..Default::default()
    };
    search_articles(svc, caller, code, &q, limit, offset).await
}

/// The articles of site `code` matching `q` (title or text, column, author, state, period).
pub async fn search_articles(
    svc: &Services,
    caller: &Caller,
    code: &str,
    q: &zq_store::ArticleQuery,
    limit: u64,
    offset: u64,
) -> Result<(Tenant, Vec<ArticleListItem>, u64)> {
    let t = site(svc, caller, code, Action::Read).await?;
    let (items, total) = svc
        .store()
        .editorial_search(t.id, q, limit.min(200), offset)
        .await?;
    Ok((t, items, total))
}

pub async fn article(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
) -> Result<(Tenant, EditorialArticle)> {
    let t = site(svc, caller, code, Action::Read).await?;
    let a = svc.store().editorial_article(t.id, ArticleId(id)).await?;
    Ok((t, a))
}

/// The site whose article `caller` wants to preview (its writers and reviewers).
pub async fn preview_site(svc: &Services, caller: &Caller, code: &str) -> Result<Tenant> {
    let t = site(svc, caller, code, Action::Read).await?;
    if caller.can(Action::WriteArticles, &t) || caller.can(Action::Review, &t) {
        Ok(t)
    } else {
        Err(ServiceError::forbidden(Action::WriteArticles))
    }
}

pub async fn create_article(
    svc: &Services,
    caller: &Caller,
    code: &str,
    text: ArticleText,
    publish_at: Option<DateTime<Utc>>,
) -> Result<EditorialArticle> {
    let t = site(svc, caller, code, Action::WriteArticles).await?;
    let text = files_stored(text, code);
    Ok(svc
        .store()
        .create_draft(t.id, text, publish_at, &caller.who())
        .await?)
}

pub async fn update_article(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    text: ArticleText,
    publish_at: Option<DateTime<Utc>>,
    expected_version: Option<i32>,
) -> Result<EditorialArticle> {
    let t = site(svc, caller, code, Action::WriteArticles).await?;
    let text = files_stored(text, code);
    Ok(svc
        .store()
        .update_draft(
            t.id,
            ArticleId(id),
            text,
            publish_at,
            expected_version,
            &caller.who(),
        )
        .await?)
}

pub async fn step(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    step: Step,
) -> Result<EditorialArticle> {
    let now = svc.now();
    let store = svc.store();
    // Approval without a time of its own keeps the time the editor asked for.
    let requested = |at: Option<DateTime<Utc>>| async move {
        match at {
            Some(at) => Ok::<_, ServiceError>(Some(at)),
            None => Ok(article(svc, caller, code, id).await?.1.publish_at),
        }
    };
    // Nothing goes public with a serious error the reviewer did not let through.
    if let Step::Approve { reason, .. } | Step::PublishDirectly { reason, .. } = &step {
        let (t, a) = article(svc, caller, code, id).await?;
        let text = (a.text.title.as_str(), a.text.body.as_str());
        crate::inspection::lexicon::gate(svc, caller, t.id, id, a.version, text, reason.as_deref())
            .await?;
    }
    let event = match step {
        Step::Submit => Event::Submit,
        Step::Recall => Event::Recall,
        Step::Return { comment } => Event::Return { comment },
        Step::Withdraw => Event::Withdraw,
        Step::Approve { publish_at, .. } => Event::Approve {
            now: now.timestamp(),
            publish_at: requested(publish_at).await?.map(|t| t.timestamp()),
        },
        Step::PublishDirectly { publish_at, .. } => Event::PublishDirectly {
            now: now.timestamp(),
            publish_at: requested(publish_at).await?.map(|t| t.timestamp()),
        },
    };
    let action = event.required_action().unwrap_or(Action::Review);
    let t = site(svc, caller, code, action).await?;
    Ok(store
        .article_event(t.id, ArticleId(id), &event, &caller.who())
        .await?)
}

/// Imports articles into site `code` in one audited transaction (a legacy site moving onto
/// the platform, the demo cluster): published ones keep their publication time. Needs the
/// right to publish there without review, since nothing here is reviewed again.
pub async fn import(
    svc: &Services,
    caller: &Caller,
    code: &str,
    items: Vec<ImportedArticle>,
) -> Result<Vec<ArticleId>> {
    let t = site(svc, caller, code, Action::WriteArticles).await?;
    if items.iter().any(|i| i.published_at.is_some())
        && !(caller.can(Action::PublishDirectly, &t) || caller.can(Action::Review, &t))
    {
        return Err(ServiceError::forbidden(Action::Review));
    }
    Ok(svc
        .store()
        .import_articles(t.id, items, &caller.who())
        .await?)
}

pub async fn versions(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
) -> Result<Vec<ArticleVersion>> {
    let t = site(svc, caller, code, Action::Read).await?;
    Ok(svc.store().article_versions(t.id, ArticleId(id)).await?)
}

pub async fn version_diff(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    from: i32,
    to: i32,
) -> Result<(ArticleVersion, ArticleVersion, Vec<DiffLine>)> {
    let t = site(svc, caller, code, Action::Read).await?;
    let a = svc
        .store()
        .article_version(t.id, ArticleId(id), from)
        .await?;
    let b = svc.store().article_version(t.id, ArticleId(id), to).await?;
    let columns = svc.store().columns(t.id).await?;
    let lines = diff_versions(&a, &b, &columns);
    Ok((a, b, lines))
}

pub async fn restore(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    version: i32,
) -> Result<EditorialArticle> {
    let t = site(svc, caller, code, Action::WriteArticles).await?;
    Ok(svc
        .store()
        .restore_version(t.id, ArticleId(id), version, &caller.who())
        .await?)
}

// ---- attachments ----

pub async fn upload(
    svc: &Services,
    caller: &Caller,
    code: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<Attachment> {
    let t = site(svc, caller, code, Action::WriteArticles).await?;
    let who = caller.who();
    // Refused names and types are refused before scanning, as the store would refuse them.
    let name = zq_domain::attachment::check_name(file_name)
        .and_then(|n| zq_domain::attachment::check(n, bytes).map(|_| n))
        .map_err(|e| ServiceError::Invalid(e.to_string()))?;
    if let Some(refused) = crate::malware::screen(svc, t.id, &who, name, bytes).await? {
        return Err(ServiceError::Invalid(refused));
    }
    Ok(svc
        .store()
        .store_attachment(t.id, file_name, bytes, &who)
        .await?)
}

pub async fn attachments(svc: &Services, caller: &Caller, code: &str) -> Result<Vec<Attachment>> {
    let t = site(svc, caller, code, Action::Read).await?;
    Ok(svc.store().attachments(t.id).await?)
}

// ---- site settings, columns, audit ----

pub async fn columns(svc: &Services, caller: &Caller, code: &str) -> Result<Vec<Column>> {
    let t = site(svc, caller, code, Action::Read).await?;
    Ok(svc.store().columns(t.id).await?)
}

pub async fn update_settings(
    svc: &Services,
    caller: &Caller,
    code: &str,
    settings: SiteSettings,
) -> Result<Tenant> {
    let t = site(svc, caller, code, Action::EditSettings).await?;
    Ok(svc
        .store()
        .update_site_settings(t.id, settings, &caller.who())
        .await?)
}

pub async fn audit_log(
    svc: &Services,
    caller: &Caller,
    code: &str,
    limit: u64,
) -> Result<Vec<AuditRecord>> {
    let t = site(svc, caller, code, Action::ReadAudit).await?;
    Ok(svc.store().audit_log(Some(t.id), limit.min(500)).await?)
}
