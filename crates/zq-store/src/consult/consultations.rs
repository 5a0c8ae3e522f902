//! Consultations: created and edited as drafts, published, ended early, answered with their
//! outcome (采纳情况, results note, interview summary) and linked to an interview's transcript
//! article. One helper applies every change after the first: it loads the row of the tenant,
//! checks the version the change was decided on, writes the change, its audit row, the cache
//! bump (when the public sees it) and the event, in one transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use zq_domain::TenantId;
use zq_domain::consult::{ConsultKind, Question};

use super::{ConsultText, Consultation};
use crate::audit::audit_in;
use crate::entity::{consult_entry, consult_response, consultation};
use crate::error::parse_stored;
use crate::{Store, StoreError, Who, sanitize_html};

/// A step on a consultation after its creation.
#[derive(Debug, Clone)]
pub enum ConsultChange {
    /// New text (the kind stays; a survey's questions stay once it has responses).
    Edit(ConsultText),
    /// Public from now on.
    Publish,
    /// Back to a draft (only before anyone took part).
    Unpublish,
    /// Closed before its end.
    End,
    /// Its outcome published (or replaced).
    Outcome(String),
    /// An interview's transcript article.
    Article(i64),
}

impl ConsultChange {
    fn action(&self) -> &'static str {
        match self {
            ConsultChange::Edit(_) => "consultation.update",
            ConsultChange::Publish => "consultation.publish",
            ConsultChange::Unpublish => "consultation.unpublish",
            ConsultChange::End => "consultation.end",
            ConsultChange::Outcome(_) => "consultation.outcome",
            ConsultChange::Article(_) => "consultation.article",
        }
    }
}

pub(super) fn to_consultation(r: consultation::Model) -> Result<Consultation, StoreError> {
    let questions: Vec<Question> = match r.questions.as_deref() {
        Some(q) if !q.is_empty() => {
            serde_json::from_str(q).map_err(|e| StoreError::Corrupt(e.to_string()))?
        }
        _ => Vec::new(),
    };
    Ok(Consultation {
        id: r.id,
        tenant_id: TenantId(r.tenant_id),
        kind: parse_stored(&r.kind)?,
        title: r.title,
        summary: r.summary,
        body: r.body,
        guests: r.guests,
        questions,
        opens_at: r.opens_at,
        closes_at: r.closes_at,
        published_at: r.published_at,
        ended_at: r.ended_at,
        outcome: r.outcome,
        outcome_at: r.outcome_at,
        article_id: r.article_id,
        attachments: match r.attachment_ids.as_deref() {
            Some(a) if !a.is_empty() => {
                serde_json::from_str(a).map_err(|e| StoreError::Corrupt(e.to_string()))?
            }
            _ => Vec::new(),
        },
        created_at: r.created_at,
        updated_at: r.updated_at,
        version: r.version,
    })
}

fn blank_none(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn questions_json(kind: ConsultKind, qs: &[Question]) -> Result<Option<String>, StoreError> {
    if kind != ConsultKind::Survey {
        return Ok(None);
    }
    serde_json::to_string(qs)
        .map(Some)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn set_text(m: &mut consultation::ActiveModel, t: ConsultText) -> Result<(), StoreError> {
    let title = t.title.trim().to_owned();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(StoreError::NotAllowed("标题须为 1–200 个字".into()));
    }
    m.title = Set(title);
    m.summary = Set(blank_none(t.summary));
    m.body = Set(sanitize_html(&t.body));
    m.guests = Set(blank_none(t.guests));
    m.questions = Set(questions_json(t.kind, &t.questions)?);
    m.opens_at = Set(t.opens_at);
    m.closes_at = Set(t.closes_at);
    m.attachment_ids = Set(if t.attachments.is_empty() {
        None
    } else {
        Some(
            serde_json::to_string(&t.attachments)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        )
    });
    Ok(())
}

async fn responses_of(txn: &DatabaseTransaction, id: i64) -> Result<u64, StoreError> {
    Ok(consult_response::Entity::find()
        .filter(consult_response::Column::ConsultationId.eq(id))
        .count(txn)
        .await?)
}

/// Whether anyone took part in consultation `id`: a response, a comment or a question.
async fn taken_part(txn: &DatabaseTransaction, id: i64) -> Result<bool, StoreError> {
    let entries = consult_entry::Entity::find()
        .filter(consult_entry::Column::ConsultationId.eq(id))
        .count(txn)
        .await?;
    Ok(entries > 0 || responses_of(txn, id).await? > 0)
}

impl Store {
    /// `tenant`'s consultations of `kind` (all kinds: `None`), newest period first; drafts
    /// only when `drafts`.
    pub async fn consultations(
        &self,
        tenant: TenantId,
        kind: Option<ConsultKind>,
        drafts: bool,
    ) -> Result<Vec<Consultation>, StoreError> {
        let mut q = consultation::Entity::find()
            .filter(consultation::Column::TenantId.eq(tenant.0))
            .order_by_desc(consultation::Column::OpensAt)
            .order_by_desc(consultation::Column::Id);
        if let Some(k) = kind {
            q = q.filter(consultation::Column::Kind.eq(k.as_str()));
        }
        if !drafts {
            q = q.filter(consultation::Column::PublishedAt.is_not_null());
        }
        q.all(&self.db)
            .await?
            .into_iter()
            .map(to_consultation)
            .collect()
    }

    /// One consultation of `tenant`.
    pub async fn consultation(
        &self,
        tenant: TenantId,
        id: i64,
    ) -> Result<Consultation, StoreError> {
        let row = consultation::Entity::find_by_id(id)
            .filter(consultation::Column::TenantId.eq(tenant.0))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("consultation {id}")))?;
        to_consultation(row)
    }

    /// Creates a draft consultation of `tenant`.
    pub async fn create_consultation(
        &self,
        tenant: TenantId,
        text: ConsultText,
        who: &Who,
    ) -> Result<Consultation, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let mut m = consultation::ActiveModel {
            tenant_id: Set(tenant.0),
            kind: Set(text.kind.as_str().to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        };
        set_text(&mut m, text)?;
        m.shown_phase = Set(Some(zq_domain::consult::Phase::Draft.as_str().to_owned()));
        let row = m.insert(&txn).await?;
        let object = format!("consultation:{}", row.id);
        audit_in(
            &txn,
            who.entry(Some(tenant), object.clone(), "consultation.create"),
            now,
        )
        .await?;
        let event = super::changed(&txn, now, tenant, object, false).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        to_consultation(row)
    }

    /// Applies `change` to consultation `id` of `tenant`, decided on `version` (a newer one
    /// is a conflict).
    pub async fn change_consultation(
        &self,
        tenant: TenantId,
        id: i64,
        version: Option<i32>,
        change: ConsultChange,
        who: &Who,
    ) -> Result<Consultation, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = consultation::Entity::find_by_id(id)
            .filter(consultation::Column::TenantId.eq(tenant.0))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("consultation {id}")))?;
        if version.is_some_and(|v| v != row.version) {
            return Err(StoreError::Conflict(
                "该项目已被他人修改，请刷新后重试".into(),
            ));
        }
        let was_public = row.published_at.is_some();
        let action = change.action();
        let mut m: consultation::ActiveModel = row.clone().into();
        apply(&txn, &row, &mut m, change, now).await?;
        m.version = Set(row.version + 1);
        m.updated_at = Set(now);
        let row = m.update(&txn).await?;
        let row = super::phases::mark(&txn, row, now).await?;
        let object = format!("consultation:{id}");
        audit_in(&txn, who.entry(Some(tenant), object.clone(), action), now).await?;
        let public = was_public || row.published_at.is_some();
        let event = super::changed(&txn, now, tenant, object, public).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        to_consultation(row)
    }
}

async fn apply(
    txn: &DatabaseTransaction,
    row: &consultation::Model,
    m: &mut consultation::ActiveModel,
    change: ConsultChange,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let refuse = |msg: &str| Err(StoreError::NotAllowed(msg.to_owned()));
    match change {
        ConsultChange::Edit(mut text) => {
            text.kind = parse_stored(&row.kind)?;
            let new_questions = questions_json(text.kind, &text.questions)?;
            if new_questions != row.questions && responses_of(txn, row.id).await? > 0 {
                return refuse("已有答卷，不能再修改题目");
            }
            set_text(m, text)?;
        }
        ConsultChange::Publish => {
            if row.published_at.is_some() {
                return refuse("已经发布");
            }
            m.published_at = Set(Some(now));
        }
        ConsultChange::Unpublish => {
            if row.published_at.is_none() {
                return refuse("尚未发布");
            }
            if taken_part(txn, row.id).await? || row.ended_at.is_some() {
                return refuse("已有公众参与或已结束，不能撤回为草稿");
            }
            m.published_at = Set(None);
        }
        ConsultChange::End => {
            if row.published_at.is_none() {
                return refuse("尚未发布");
            }
            if row.ended_at.is_some() || now >= row.closes_at {
                return refuse("已经结束");
            }
            m.ended_at = Set(Some(now));
        }
        ConsultChange::Outcome(text) => {
            let text = text.trim().to_owned();
            if text.is_empty() {
                return refuse("请填写内容");
            }
            let ended = row.ended_at.is_some() || now >= row.closes_at;
            if row.published_at.is_none() || !ended {
                return refuse("结束后才能发布结果");
            }
            m.outcome = Set(Some(text));
            m.outcome_at = Set(Some(now));
        }
        ConsultChange::Article(article) => {
            m.article_id = Set(Some(article));
        }
    }
    Ok(())
}
