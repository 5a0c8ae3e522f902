//! The lexicon of serious errors in the database: the office's terms (each change audited)
//! and the findings of the last scan of published content, replaced whole by each scan in one
//! transaction (so the serious-errors indicator never reads half a scan).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use zq_domain::inspection::lexicon::Term;
use zq_domain::{ArticleStatus, TenantId};

use crate::audit::audit_in;
use crate::entity::{article, lexicon_finding, lexicon_override, lexicon_term};
use crate::error::{conflict_as, parse_stored};
use crate::{Store, StoreError, Who};

/// What a scan found in one published article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub tenant_id: TenantId,
    pub article_id: i64,
    pub term_id: i64,
    pub found: String,
    /// `“中华人民共合国”应为“中华人民共和国”`.
    pub message: String,
    pub context: String,
    pub found_at: DateTime<Utc>,
}

/// A published article's text, for a scan.
#[derive(Debug, Clone)]
pub struct PublishedText {
    pub tenant_id: TenantId,
    pub id: i64,
    pub title: String,
    pub body: String,
}

fn to_term(r: lexicon_term::Model) -> Result<Term, StoreError> {
    Ok(Term {
        id: r.id,
        kind: parse_stored(&r.kind)?,
        text: r.text,
        right: r.right_text,
    })
}

fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

impl Store {
    /// Every term, oldest first.
    pub async fn lexicon_terms(&self) -> Result<Vec<Term>, StoreError> {
        lexicon_term::Entity::find()
            .order_by_asc(lexicon_term::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_term)
            .collect()
    }

    /// Changes whenever a term is added or removed: the number of terms and the newest id and
    /// change (the services rebuild their automaton when it moves).
    pub async fn lexicon_version(&self) -> Result<(u64, i64, Option<DateTime<Utc>>), StoreError> {
        let n = lexicon_term::Entity::find().count(&self.db).await?;
        let (id, at) = lexicon_term::Entity::find()
            .select_only()
            .column_as(
                Expr::from(Func::max(Expr::col(lexicon_term::Column::Id))),
                "id",
            )
            .column_as(
                Expr::from(Func::max(Expr::col(lexicon_term::Column::UpdatedAt))),
                "at",
            )
            .into_tuple::<(Option<i64>, Option<DateTime<Utc>>)>()
            .one(&self.db)
            .await?
            .unwrap_or_default();
        Ok((n, id.unwrap_or(0), at))
    }

    /// Adds a checked term; a term of the same kind and text is a conflict.
    pub async fn add_lexicon_term(&self, t: Term, who: &Who) -> Result<Term, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = lexicon_term::ActiveModel {
            kind: Set(t.kind.as_str().to_owned()),
            text: Set(t.text.clone()),
            right_text: Set(t.right.clone()),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| conflict_as(e, || format!("词条“{}”已在词库中", t.text)))?;
        let object = format!("lexicon_term:{}", row.id);
        audit_in(&txn, who.entry(None, object, "lexicon.add"), now).await?;
        txn.commit().await?;
        to_term(row)
    }

    /// Removes term `id`.
    pub async fn delete_lexicon_term(&self, id: i64, who: &Who) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let gone = lexicon_term::Entity::delete_by_id(id).exec(&txn).await?;
        if gone.rows_affected == 0 {
            return Err(StoreError::NotFound(format!("lexicon term {id}")));
        }
        let object = format!("lexicon_term:{id}");
        audit_in(&txn, who.entry(None, object, "lexicon.delete"), self.now()).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Published articles with ids above `after`, at most `limit`, by id (a scan's pages).
    pub async fn published_texts(
        &self,
        after: i64,
        limit: u64,
    ) -> Result<Vec<PublishedText>, StoreError> {
        Ok(article::Entity::find()
            .select_only()
            .columns([
                article::Column::TenantId,
                article::Column::Id,
                article::Column::Title,
                article::Column::Body,
            ])
            .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
            .filter(article::Column::Id.gt(after))
            .order_by_asc(article::Column::Id)
            .limit(limit)
            .into_tuple::<(i64, i64, String, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(t, id, title, body)| PublishedText {
                tenant_id: TenantId(t),
                id,
                title,
                body,
            })
            .collect())
    }

    /// Replaces the findings with those of a finished scan, as the system.
    pub async fn replace_lexicon_findings(&self, findings: Vec<Finding>) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        lexicon_finding::Entity::delete_many().exec(&txn).await?;
        let n = findings.len();
        for f in findings {
            lexicon_finding::ActiveModel {
                tenant_id: Set(f.tenant_id.0),
                article_id: Set(f.article_id),
                term_id: Set(f.term_id),
                found: Set(clip(&f.found, 64)),
                message: Set(clip(&f.message, 200)),
                context: Set(clip(&f.context, 200)),
                found_at: Set(f.found_at),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        let mut entry = Who::system().entry(None, "lexicon", "lexicon.scan");
        entry.after_hash = Some(format!("findings:{n}"));
        audit_in(&txn, entry, self.now()).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records that `who` lets version `version` of article `article` through despite the
    /// lexicon's `hits` (a summary), for `reason`; audited in the same transaction.
    pub async fn record_lexicon_override(
        &self,
        tenant: TenantId,
        article: i64,
        version: i32,
        reason: &str,
        hits: &str,
        who: &Who,
    ) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        lexicon_override::ActiveModel {
            tenant_id: Set(tenant.0),
            article_id: Set(article),
            version: Set(version),
            reason: Set(reason.to_owned()),
            hits: Set(hits.to_owned()),
            actor: Set(crate::interaction::actor_label(who)),
            at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut entry = who.entry(
            Some(tenant),
            format!("article:{article}"),
            "article.lexicon_override",
        );
        entry.after_hash = Some(crate::audit::content_hash(reason.as_bytes()));
        audit_in(&txn, entry, now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The findings of the last scan, of `tenant` or of every tenant.
    pub async fn lexicon_findings(
        &self,
        tenant: Option<TenantId>,
    ) -> Result<Vec<Finding>, StoreError> {
        let mut q = lexicon_finding::Entity::find().order_by_asc(lexicon_finding::Column::Id);
        if let Some(t) = tenant {
            q = q.filter(lexicon_finding::Column::TenantId.eq(t.0));
        }
        Ok(q.all(&self.db)
            .await?
            .into_iter()
            .map(|r| Finding {
                tenant_id: TenantId(r.tenant_id),
                article_id: r.article_id,
                term_id: r.term_id,
                found: r.found,
                message: r.message,
                context: r.context,
                found_at: r.found_at,
            })
            .collect())
    }
}
