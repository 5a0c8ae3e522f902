//! The reads behind the console's 工作台 (my to-do list): articles in a given state across the
//! sites a person works on, counts per site and state, and reporting items waiting on either
//! side. Every query takes the list of tenants it is scoped to — the caller decides which
//! sites a person may see; nothing here reads another tenant's rows.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use zq_domain::reporting::SubmissionState;
use zq_domain::workflow::WorkflowState;
use zq_domain::{ArticleId, ColumnId, TenantId, UserId};

use crate::entity::{article, submission};
use crate::error::parse_stored;
use crate::reporting::{Submission, to_submission};
use crate::{Store, StoreError};

/// An article waiting on someone, as the 工作台 lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskArticle {
    pub tenant_id: TenantId,
    pub id: ArticleId,
    pub column_id: ColumnId,
    pub title: String,
    pub state: WorkflowState,
    /// The reviewer's comment, for a returned article.
    pub review_comment: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// Which of the 工作台's article lists to read.
#[derive(Debug, Clone, Copy)]
pub struct DeskQuery<'a> {
    pub tenants: &'a [TenantId],
    pub states: &'a [WorkflowState],
    /// Only articles this account created.
    pub author: Option<UserId>,
    pub limit: u64,
}

fn tenant_ids(tenants: &[TenantId]) -> Vec<i64> {
    tenants.iter().map(|t| t.0).collect()
}

impl Store {
    /// The articles of `q.tenants` in one of `q.states`, newest change first, with the total.
    pub async fn desk_articles(
        &self,
        q: DeskQuery<'_>,
    ) -> Result<(Vec<DeskArticle>, u64), StoreError> {
        use article::Column as A;
        if q.tenants.is_empty() || q.states.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let mut query = article::Entity::find()
            .filter(A::TenantId.is_in(tenant_ids(q.tenants)))
            .filter(A::Status.is_in(q.states.iter().map(|s| s.as_str())));
        if let Some(u) = q.author {
            query = query.filter(A::CreatedBy.eq(u.0));
        }
        let total = query.clone().count(&self.db).await?;
        type Row = (i64, i64, i64, String, String, Option<String>, DateTime<Utc>);
        let rows: Vec<Row> = query
            .select_only()
            .columns([
                A::TenantId,
                A::Id,
                A::ColumnId,
                A::Title,
                A::Status,
                A::ReviewComment,
                A::UpdatedAt,
            ])
            .order_by_desc(A::UpdatedAt)
            .order_by_desc(A::Id)
            .limit(q.limit)
            .into_tuple()
            .all(&self.db)
            .await?;
        let items = rows
            .into_iter()
            .map(|(t, id, column, title, state, comment, updated_at)| {
                Ok(DeskArticle {
                    tenant_id: TenantId(t),
                    id: ArticleId(id),
                    column_id: ColumnId(column),
                    title,
                    state: parse_stored(&state)?,
                    review_comment: comment,
                    updated_at,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((items, total))
    }

    /// How many articles each of `tenants` has in each state.
    pub async fn article_counts(
        &self,
        tenants: &[TenantId],
    ) -> Result<HashMap<(TenantId, WorkflowState), u64>, StoreError> {
        use article::Column as A;
        if tenants.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(i64, String, i64)> = article::Entity::find()
            .select_only()
            .column(A::TenantId)
            .column(A::Status)
            .column_as(Expr::from(Func::count(Expr::col(A::Id))), "n")
            .filter(A::TenantId.is_in(tenant_ids(tenants)))
            .group_by(A::TenantId)
            .group_by(A::Status)
            .into_tuple()
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|(t, state, n)| {
                Ok((
                    (TenantId(t), parse_stored(&state)?),
                    u64::try_from(n).unwrap_or(0),
                ))
            })
            .collect()
    }

    /// Reporting items in `state` that `tenants` sent (`outbox`) or received, oldest first
    /// (the longest waiting at the top), with the total.
    pub async fn desk_submissions(
        &self,
        tenants: &[TenantId],
        outbox: bool,
        state: SubmissionState,
        limit: u64,
    ) -> Result<(Vec<Submission>, u64), StoreError> {
        use submission::Column as S;
        if tenants.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let side = if outbox { S::SenderId } else { S::ReceiverId };
        let query = submission::Entity::find()
            .filter(side.is_in(tenant_ids(tenants)))
            .filter(S::State.eq(state.as_str()));
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_asc(S::SubmittedAt)
            .order_by_asc(S::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_submission)
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((items, total))
    }

    /// How many reporting items in `state` each of `tenants` received.
    pub async fn received_counts(
        &self,
        tenants: &[TenantId],
        state: SubmissionState,
    ) -> Result<HashMap<TenantId, u64>, StoreError> {
        use submission::Column as S;
        if tenants.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(i64, i64)> = submission::Entity::find()
            .select_only()
            .column(S::ReceiverId)
            .column_as(Expr::from(Func::count(Expr::col(S::Id))), "n")
            .filter(S::ReceiverId.is_in(tenant_ids(tenants)))
            .filter(S::State.eq(state.as_str()))
            .group_by(S::ReceiverId)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(t, n)| (TenantId(t), u64::try_from(n).unwrap_or(0)))
            .collect())
    }
}
