//! The clock job (`case_clocks`, through the leased runner: once per tick across the
//! cluster): every open case whose answer is due on the next working day gets a "due
//! tomorrow" reminder, every case past its due date an "overdue" one, each once per due date
//! (the store notes the date it reminded of, conditionally, so a second node or a second run
//! adds nothing). A reminder is a step in the case's history and a row in the audit log by
//! the system; the handlers see it in their inbox and, where mail is configured, get it by
//! email (`Notifier`). The same run turns the unanswered questions of interviews that ended
//! without a clerk closing them into cases (`consult::sweep_interviews`), and drops the cached
//! pages of consultations that opened or closed by the clock (`refresh_consult_phases`), and
//! erases writers' personal details at the end of their retention period (`erase_expired`).

use std::time::Duration;

use zq_domain::interaction::ClockStatus;
use zq_store::{Case, Reminder, Who};

use super::today;
use crate::fetch::BoxFuture;
use crate::jobs::Job;
use crate::{Result, Services};

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reminded {
    pub due_soon: u32,
    pub overdue: u32,
}

/// Sends the reminders due today (see the module's text).
pub async fn remind(svc: &Services) -> Result<Reminded> {
    let cal = svc.store().working_calendar().await?;
    let day = today(svc);
    let horizon = cal.next_working_day(day.succ_opt().unwrap_or(day));
    let mut done = Reminded::default();
    for c in svc.store().cases_to_remind(horizon).await? {
        let Some(due) = c.due_on else { continue };
        let (reminder, note) = match c.clock.status(&cal, day) {
            ClockStatus::Overdue { late, .. } if c.overdue_noticed_for != Some(due) => (
                Reminder::Overdue,
                format!("已超过答复期限（{due}）{late} 个工作日"),
            ),
            ClockStatus::Running { left, .. }
                if left <= 1 && c.due_soon_noticed_for != Some(due) =>
            {
                (Reminder::DueSoon, due_soon_note(&c, left))
            }
            _ => continue,
        };
        if svc
            .store()
            .note_reminder(c.id, reminder, due, note, &Who::system())
            .await?
        {
            match reminder {
                Reminder::DueSoon => done.due_soon += 1,
                Reminder::Overdue => done.overdue += 1,
            }
        }
    }
    Ok(done)
}

fn due_soon_note(c: &Case, left: i64) -> String {
    let due = c.due_on.map(|d| d.to_string()).unwrap_or_default();
    if left <= 0 {
        format!("今天（{due}）到期，请尽快答复")
    } else {
        format!("下一个工作日（{due}）到期，请尽快答复")
    }
}

/// Most cases whose details one run erases (the rest wait for the next run).
const ERASE_BATCH: u64 = 500;

/// Erases the personal details of answered cases untouched for longer than the retention
/// period (`InteractionSettings::retention_days`; 0 keeps them). Returns how many.
pub async fn erase_expired(svc: &Services) -> Result<usize> {
    let days = svc.interaction().retention_days;
    if days == 0 {
        return Ok(0);
    }
    let cutoff = svc.now() - chrono::Duration::days(i64::from(days));
    Ok(svc
        .store()
        .erase_personal_before(cutoff, ERASE_BATCH)
        .await?
        .len())
}

/// The leased job running [`remind`].
pub struct CaseClocks {
    pub every: Duration,
}

impl Job for CaseClocks {
    fn name(&self) -> &str {
        "case_clocks"
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn run<'a>(&'a self, svc: &'a Services) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let done = remind(svc).await?;
            if done != Reminded::default() {
                tracing::info!(
                    due_soon = done.due_soon,
                    overdue = done.overdue,
                    "case reminders noted"
                );
            }
            let erased = erase_expired(svc).await?;
            if erased > 0 {
                tracing::info!(
                    erased,
                    "personal details erased at the end of their retention"
                );
            }
            let moved = svc.store().refresh_consult_phases().await?;
            if moved > 0 {
                tracing::info!(moved, "consultations opened or closed by the clock");
            }
            let opened = crate::consult::sweep_interviews(svc).await?;
            if opened > 0 {
                tracing::info!(opened, "interview questions turned into cases");
            }
            Ok(())
        })
    }
}
