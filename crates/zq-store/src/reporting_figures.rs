//! The figures of 信息报送 for a receiver and period: per sending unit, how many items were
//! submitted and adopted, the adoption rate, the median time to a decision, and where the
//! adopted ones ended up (要闻, another column, kept off the site) with the score that earns
//! (`zq_domain::reporting::AdoptionPlace`); and the rows the monthly trend is counted from.
//! Read-only, scoped by receiver when one is given.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use zq_domain::TenantId;
use zq_domain::reporting::{AdoptionPlace, SubmissionState};
use zq_domain::workflow::WorkflowState;

use crate::entity::{article, site_column, submission};
use crate::{Store, StoreError};

/// Figures of one sending unit over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitFigures {
    pub unit: TenantId,
    pub submitted: u64,
    pub adopted: u64,
    /// Percent, one decimal.
    pub rate: f64,
    /// Median seconds from submission to decision, of the decided ones.
    pub median_decision_secs: Option<i64>,
    /// Adopted items per place, in the order of `AdoptionPlace::ALL`.
    pub places: [u64; 3],
    /// The points of its adoptions (`AdoptionPlace::points`).
    pub score: u64,
}

/// One submission counted in a trend: who sent it, whether it was adopted, when it came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubmissionRow {
    pub sender: TenantId,
    pub adopted: bool,
    pub submitted_at: DateTime<Utc>,
}

/// Sender, state, submitted, decided, adopted article.
type Row = (
    i64,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<i64>,
);

impl Store {
    /// Submitted and adopted counts, adoption rate, median time to decision, adoption places
    /// and score per sending unit, for items submitted in `[from, to)` to `receiver` (or to
    /// anyone), most adopted first. Withdrawn items are not counted.
    pub async fn reporting_figures(
        &self,
        receiver: Option<TenantId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<UnitFigures>, StoreError> {
        use submission::Column as S;
        let mut q = submission::Entity::find()
            .select_only()
            .columns([
                S::SenderId,
                S::State,
                S::SubmittedAt,
                S::DecidedAt,
                S::AdoptedArticleId,
            ])
            .filter(S::SubmittedAt.gte(from))
            .filter(S::SubmittedAt.lt(to))
            .filter(S::State.ne(SubmissionState::Withdrawn.as_str()));
        if let Some(r) = receiver {
            q = q.filter(S::ReceiverId.eq(r.0));
        }
        let rows: Vec<Row> = q.into_tuple().all(&self.db).await?;
        let adopted = SubmissionState::Adopted.as_str();
        let articles: Vec<i64> = rows
            .iter()
            .filter(|r| r.1 == adopted)
            .filter_map(|r| r.4)
            .collect();
        let places = self.adoption_places(&articles).await?;
        #[derive(Default)]
        struct Acc {
            submitted: u64,
            adopted: u64,
            waits: Vec<i64>,
            places: Vec<AdoptionPlace>,
        }
        let mut per: BTreeMap<i64, Acc> = BTreeMap::new();
        for (unit, state, at, decided, article) in rows {
            let e = per.entry(unit).or_default();
            e.submitted += 1;
            if state == adopted {
                e.adopted += 1;
                e.places.push(
                    article
                        .and_then(|a| places.get(&a).copied())
                        .unwrap_or(AdoptionPlace::Kept),
                );
            }
            if let Some(d) = decided {
                e.waits.push((d - at).num_seconds());
            }
        }
        let mut out: Vec<UnitFigures> = per
            .into_iter()
            .map(|(unit, a)| UnitFigures {
                unit: TenantId(unit),
                submitted: a.submitted,
                adopted: a.adopted,
                rate: zq_domain::reporting::rate(a.adopted, a.submitted),
                median_decision_secs: zq_domain::reporting::median(a.waits),
                places: AdoptionPlace::ALL
                    .map(|p| a.places.iter().filter(|x| **x == p).count() as u64),
                score: zq_domain::reporting::score(a.places),
            })
            .collect();
        out.sort_by(|a, b| {
            b.adopted
                .cmp(&a.adopted)
                .then(b.submitted.cmp(&a.submitted))
                .then(a.unit.cmp(&b.unit))
        });
        Ok(out)
    }

    /// Where each of these adopted articles is now (missing ones are left out: kept).
    async fn adoption_places(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, AdoptionPlace>, StoreError> {
        let mut found: Vec<(i64, i64, String)> = Vec::new();
        for chunk in ids.chunks(500) {
            let part: Vec<(i64, i64, String)> = article::Entity::find()
                .select_only()
                .columns([
                    article::Column::Id,
                    article::Column::ColumnId,
                    article::Column::Status,
                ])
                .filter(article::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(&self.db)
                .await?;
            found.extend(part);
        }
        let columns: HashSet<i64> = found.iter().map(|r| r.1).collect();
        let mut news: HashSet<i64> = HashSet::new();
        let columns: Vec<i64> = columns.into_iter().collect();
        for chunk in columns.chunks(500) {
            let part: Vec<i64> = site_column::Entity::find()
                .select_only()
                .column(site_column::Column::Id)
                .filter(site_column::Column::Id.is_in(chunk.iter().copied()))
                .filter(site_column::Column::IsNews.eq(true))
                .into_tuple()
                .all(&self.db)
                .await?;
            news.extend(part);
        }
        let published = WorkflowState::Published.as_str();
        Ok(found
            .into_iter()
            .map(|(id, col, status)| {
                (
                    id,
                    AdoptionPlace::of(status == published, news.contains(&col)),
                )
            })
            .collect())
    }

    /// Every submission to `receiver` in `[from, to)` but the withdrawn, for the trend.
    pub async fn reporting_rows(
        &self,
        receiver: TenantId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SubmissionRow>, StoreError> {
        use submission::Column as S;
        let rows: Vec<(i64, String, DateTime<Utc>)> = submission::Entity::find()
            .select_only()
            .columns([S::SenderId, S::State, S::SubmittedAt])
            .filter(S::ReceiverId.eq(receiver.0))
            .filter(S::SubmittedAt.gte(from))
            .filter(S::SubmittedAt.lt(to))
            .filter(S::State.ne(SubmissionState::Withdrawn.as_str()))
            .into_tuple()
            .all(&self.db)
            .await?;
        let adopted = SubmissionState::Adopted.as_str();
        Ok(rows
            .into_iter()
            .map(|(sender, state, at)| SubmissionRow {
                sender: TenantId(sender),
                adopted: state == adopted,
                submitted_at: at,
            })
            .collect())
    }
}
