//! What the inspection indicators are computed from, read in a few grouped queries for one
//! tenant or the whole cluster at once (a 1,000-site scorecard is three queries, not three
//! thousand): each column's published articles and newest publication, the letters not
//! answered yet, and the mailboxes taking letters; and the lexicon of serious errors
//! (`lexicon.rs`), the availability probes (`probes.rs`), the link checker's answers and
//! findings (`links.rs`) and the daily standings (`days.rs`).

mod days;
mod lexicon;
mod links;
mod probes;

pub use days::DayStanding;
pub use lexicon::{Finding, PublishedText};
pub use links::{LinkResult, MAX_URL_LEN, SiteLinks};
pub use probes::ProbeResult;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use zq_domain::interaction::{CaseKind, CaseState};
use zq_domain::{ArticleStatus, TenantId};

use crate::entity::{article, case, mailbox};
use crate::{Store, StoreError};

/// A column's published content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnActivity {
    pub tenant_id: TenantId,
    pub column_id: i64,
    pub published: u64,
    /// Its newest publication.
    pub last_published: Option<DateTime<Utc>>,
}

/// A letter not answered yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnansweredLetter {
    pub tenant_id: TenantId,
    pub id: i64,
    pub subject: String,
    pub submitted_at: DateTime<Utc>,
}

impl Store {
    /// Published articles and the newest publication of every column that has any, of
    /// `tenant` or of every tenant.
    pub async fn column_activity(
        &self,
        tenant: Option<TenantId>,
    ) -> Result<Vec<ColumnActivity>, StoreError> {
        let mut q = article::Entity::find()
            .select_only()
            .column(article::Column::TenantId)
            .column(article::Column::ColumnId)
            .column_as(
                Expr::from(Func::count(Expr::col(article::Column::Id))),
                "published",
            )
            .column_as(
                Expr::from(Func::max(Expr::col(article::Column::PublishedAt))),
                "last",
            )
            .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
            .group_by(article::Column::TenantId)
            .group_by(article::Column::ColumnId);
        if let Some(t) = tenant {
            q = q.filter(article::Column::TenantId.eq(t.0));
        }
        Ok(q.into_tuple::<(i64, i64, i64, Option<DateTime<Utc>>)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(t, c, n, last)| ColumnActivity {
                tenant_id: TenantId(t),
                column_id: c,
                published: u64::try_from(n).unwrap_or(0),
                last_published: last,
            })
            .collect())
    }

    /// Letters submitted since `since` and not answered yet, of `tenant` (the owner now) or
    /// of every tenant.
    pub async fn unanswered_letters(
        &self,
        tenant: Option<TenantId>,
        since: DateTime<Utc>,
    ) -> Result<Vec<UnansweredLetter>, StoreError> {
        let open: Vec<&str> = CaseState::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| s.as_str())
            .collect();
        let mut q = case::Entity::find()
            .select_only()
            .columns([
                case::Column::TenantId,
                case::Column::Id,
                case::Column::Subject,
                case::Column::SubmittedAt,
            ])
            .filter(case::Column::Kind.eq(CaseKind::Letter.as_str()))
            .filter(case::Column::State.is_in(open))
            .filter(case::Column::SubmittedAt.gte(since));
        if let Some(t) = tenant {
            q = q.filter(case::Column::TenantId.eq(t.0));
        }
        Ok(q.into_tuple::<(i64, i64, String, DateTime<Utc>)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(t, id, subject, submitted_at)| UnansweredLetter {
                tenant_id: TenantId(t),
                id,
                subject,
                submitted_at,
            })
            .collect())
    }

    /// How many mailboxes take letters, by tenant (tenants without one are absent).
    pub async fn active_mailbox_counts(&self) -> Result<HashMap<TenantId, usize>, StoreError> {
        let rows = mailbox::Entity::find()
            .select_only()
            .column(mailbox::Column::TenantId)
            .column_as(Expr::from(Func::count(Expr::col(mailbox::Column::Id))), "n")
            .filter(mailbox::Column::Active.eq(true))
            .group_by(mailbox::Column::TenantId)
            .into_tuple::<(i64, i64)>()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(t, n)| (TenantId(t), usize::try_from(n).unwrap_or(0)))
            .collect())
    }
}
