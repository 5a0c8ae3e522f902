//! What the statistics, the dashboards and the clock job read of the cases: light rows for
//! the monthly figures of a unit (or of every unit, for the office), the open cases due by a
//! day (cluster-wide, for the clock job, which acts as the system), and the reminder a job
//! notes on a case once per due date.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use zq_domain::TenantId;
use zq_domain::interaction::{CaseClock, CaseState};

use super::Case;
use super::cases::{record_step, to_case};
use crate::entity::case;
use crate::error::parse_stored;
use crate::{Store, StoreError, Who};

/// One case as the statistics see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFigure {
    pub tenant_id: TenantId,
    pub kind: String,
    pub submitted_at: DateTime<Utc>,
    pub state: CaseState,
    pub clock: CaseClock,
    pub rating: Option<i16>,
}

/// A reminder the clock job sends once per due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// The answer is due on the next working day.
    DueSoon,
    /// The due date has passed unanswered.
    Overdue,
}

impl Reminder {
    /// The step's name in the case's history.
    pub fn step(self) -> &'static str {
        match self {
            Reminder::DueSoon => "due_soon",
            Reminder::Overdue => "overdue",
        }
    }
}

fn open_states() -> Vec<&'static str> {
    CaseState::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| s.as_str())
        .collect()
}

type FigureRow = (
    i64,
    String,
    DateTime<Utc>,
    String,
    NaiveDate,
    i32,
    i32,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<i16>,
);

impl Store {
    /// The cases submitted in `[from, to)` owned by `tenant` (every tenant's with `None`),
    /// as light rows.
    pub async fn case_figures(
        &self,
        tenant: Option<TenantId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CaseFigure>, StoreError> {
        let mut q = figure_rows()
            .filter(case::Column::SubmittedAt.gte(from))
            .filter(case::Column::SubmittedAt.lt(to));
        if let Some(t) = tenant {
            q = q.filter(case::Column::TenantId.eq(t.0));
        }
        let rows: Vec<FigureRow> = q.into_tuple().all(&self.db).await?;
        rows.into_iter().map(figure).collect()
    }

    /// Every open case of every tenant, as light rows (the dashboards' counts).
    pub async fn open_case_figures(&self) -> Result<Vec<CaseFigure>, StoreError> {
        let rows: Vec<FigureRow> = figure_rows()
            .filter(case::Column::State.is_in(open_states()))
            .into_tuple()
            .all(&self.db)
            .await?;
        rows.into_iter().map(figure).collect()
    }

    /// Open, running cases of every tenant due on or before `day` that still lack a reminder
    /// for their current due date (the clock job's work list), earliest due first.
    pub async fn cases_to_remind(&self, day: NaiveDate) -> Result<Vec<Case>, StoreError> {
        let unnoticed = |col: case::Column| {
            Condition::any()
                .add(col.is_null())
                .add(Expr::col(col).ne(Expr::col(case::Column::DueOn)))
        };
        case::Entity::find()
            .filter(case::Column::State.is_in(open_states()))
            .filter(case::Column::DueOn.lte(day))
            .filter(
                Condition::any()
                    .add(unnoticed(case::Column::DueSoonNoticedFor))
                    .add(unnoticed(case::Column::OverdueNoticedFor)),
            )
            .order_by_asc(case::Column::DueOn)
            .order_by_asc(case::Column::Id)
            .limit(10_000)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_case)
            .collect()
    }

    /// Notes `reminder` on case `id` for due date `due`, with its step, audit row and event,
    /// unless it was noted for that date already (`false`): two nodes, or two runs, remind
    /// once.
    pub async fn note_reminder(
        &self,
        id: i64,
        reminder: Reminder,
        due: NaiveDate,
        note: String,
        who: &Who,
    ) -> Result<bool, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let col = match reminder {
            Reminder::DueSoon => case::Column::DueSoonNoticedFor,
            Reminder::Overdue => case::Column::OverdueNoticedFor,
        };
        let res = case::Entity::update_many()
            .col_expr(col, Expr::value(due))
            .filter(case::Column::Id.eq(id))
            .filter(case::Column::DueOn.eq(due))
            .filter(case::Column::State.is_in(open_states()))
            .filter(Condition::any().add(col.is_null()).add(col.ne(due)))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Ok(false);
        }
        let row = case::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("case {id}")))?;
        let event = record_step(
            &txn,
            who,
            TenantId(row.tenant_id),
            id,
            reminder.step(),
            Some(note),
            None,
            false,
            now,
        )
        .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(true)
    }
}

/// The columns of a [`FigureRow`].
fn figure_rows() -> sea_orm::Select<case::Entity> {
    case::Entity::find().select_only().columns([
        case::Column::TenantId,
        case::Column::Kind,
        case::Column::SubmittedAt,
        case::Column::State,
        case::Column::ClockStarted,
        case::Column::ClockDays,
        case::Column::PausedDays,
        case::Column::PausedSince,
        case::Column::StoppedOn,
        case::Column::Rating,
    ])
}

fn figure(r: FigureRow) -> Result<CaseFigure, StoreError> {
    let int = |v: i32| u32::try_from(v).unwrap_or(0);
    Ok(CaseFigure {
        tenant_id: TenantId(r.0),
        kind: r.1,
        submitted_at: r.2,
        state: parse_stored(&r.3)?,
        clock: CaseClock {
            started: r.4,
            days: int(r.5),
            paused_days: int(r.6),
            paused_since: r.7,
            stopped: r.8,
        },
        rating: r.9,
    })
}
