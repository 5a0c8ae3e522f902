//! Job leases: one row per background job, through which the nodes of a cluster agree that
//! each tick of a job runs once. A node claims tick `n` by raising `last_tick` to `n` with a
//! conditional update (`WHERE last_tick < n`); of several nodes claiming the same tick exactly
//! one update changes the row. The same row keeps the last run's holder, times, duration and
//! error, and the run and failure counts, for operators.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entity::job_lease;
use crate::{Store, StoreError};

/// What the lease row says about a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    pub name: String,
    /// The newest tick claimed.
    pub last_tick: i64,
    /// The node that claimed it.
    pub holder: String,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub duration_ms: Option<i64>,
    /// The last run's error, `None` when it succeeded.
    pub last_error: Option<String>,
    pub runs: i64,
    pub failures: i64,
}

impl Store {
    /// Claims tick `tick` of job `name` for `holder`: `true` when this caller won it (and
    /// must run the job), `false` when another node (or an earlier run) already has it.
    pub async fn claim_job_tick(
        &self,
        name: &str,
        tick: i64,
        holder: &str,
    ) -> Result<bool, StoreError> {
        job_lease::Entity::insert(job_lease::ActiveModel {
            name: Set(name.to_owned()),
            last_tick: Set(i64::MIN),
            holder: Set(String::new()),
            started_at: Set(None),
            finished_at: Set(None),
            duration_ms: Set(None),
            last_error: Set(None),
            runs: Set(0),
            failures: Set(0),
        })
        .on_conflict(
            OnConflict::column(job_lease::Column::Name)
                .do_nothing()
                .to_owned(),
        )
        .try_insert()
        .exec_without_returning(&self.db)
        .await?;
        let claimed = job_lease::Entity::update_many()
            .col_expr(job_lease::Column::LastTick, Expr::value(tick))
            .col_expr(job_lease::Column::Holder, Expr::value(holder))
            .col_expr(job_lease::Column::StartedAt, Expr::value(self.now()))
            .filter(job_lease::Column::Name.eq(name))
            .filter(job_lease::Column::LastTick.lt(tick))
            .exec(&self.db)
            .await?;
        Ok(claimed.rows_affected == 1)
    }

    /// Records the end of the run `holder` claimed: duration, error, counts.
    pub async fn finish_job_run(
        &self,
        name: &str,
        holder: &str,
        duration_ms: i64,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let failed = i64::from(error.is_some());
        job_lease::Entity::update_many()
            .col_expr(job_lease::Column::FinishedAt, Expr::value(self.now()))
            .col_expr(job_lease::Column::DurationMs, Expr::value(duration_ms))
            .col_expr(
                job_lease::Column::LastError,
                Expr::value(error.map(|e| e.chars().take(2000).collect::<String>())),
            )
            .col_expr(
                job_lease::Column::Runs,
                Expr::col(job_lease::Column::Runs).add(1),
            )
            .col_expr(
                job_lease::Column::Failures,
                Expr::col(job_lease::Column::Failures).add(failed),
            )
            .filter(job_lease::Column::Name.eq(name))
            .filter(job_lease::Column::Holder.eq(holder))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Every job's lease row, by name.
    pub async fn job_records(&self) -> Result<Vec<JobRecord>, StoreError> {
        Ok(job_lease::Entity::find()
            .order_by_asc(job_lease::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| JobRecord {
                name: r.name,
                last_tick: r.last_tick,
                holder: r.holder,
                started_at: r.started_at,
                finished_at: r.finished_at,
                duration_ms: r.duration_ms,
                last_error: r.last_error,
                runs: r.runs,
                failures: r.failures,
            })
            .collect())
    }
}
