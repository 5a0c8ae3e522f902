//! A case's clock in working days: when the answer is due, how much of the time is used, and
//! whether it was on time. Days are counted as the rules count them: from the day after the
//! case arrived (a letter received on an ordinary Friday with three working days is due on
//! Wednesday), skipping weekends and holidays and counting the 调休 weekends that are working
//! days (`calendar::WorkingCalendar`). Pauses (补正, a third party's opinion) do not count; an
//! extension (延期) adds the kind's extra days once; a complaint about the reply restarts it.

use chrono::NaiveDate;

use super::CaseKind;
use crate::calendar::WorkingCalendar;

/// How long a kind of case may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClockRule {
    /// Working days to answer.
    pub days: u32,
    /// Working days an approved extension adds (0: no extension possible).
    pub extension: u32,
}

/// The clocks of every kind: the cluster's, which a tenant may shorten (never lengthen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClockRules {
    pub letter: ClockRule,
    pub site_error: ClockRule,
    pub disclosure: ClockRule,
    pub interview_question: ClockRule,
}

impl Default for ClockRules {
    /// The rules' figures: letters 3 working days, 15 for complex ones with a leader's approval
    /// (an extension of 12); site-error reports 3; a disclosure request 20, extendable once by
    /// 20 (国务院令第711号, art. 33); a question left from an interview 5.
    fn default() -> Self {
        ClockRules {
            letter: ClockRule {
                days: 3,
                extension: 12,
            },
            site_error: ClockRule {
                days: 3,
                extension: 2,
            },
            disclosure: ClockRule {
                days: 20,
                extension: 20,
            },
            interview_question: ClockRule {
                days: 5,
                extension: 10,
            },
        }
    }
}

/// Why a set of clock rules is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("{kind}的答复时限须为 1 到 {max} 个工作日")]
    OutOfRange { kind: &'static str, max: u32 },
    #[error("{kind}的时限不能长于全站群的规定（{cluster} 个工作日）")]
    LongerThanCluster { kind: &'static str, cluster: u32 },
}

impl ClockRules {
    pub fn rule(&self, kind: CaseKind) -> ClockRule {
        match kind {
            CaseKind::Letter => self.letter,
            CaseKind::SiteError => self.site_error,
            CaseKind::Disclosure => self.disclosure,
            CaseKind::InterviewQuestion => self.interview_question,
        }
    }

    fn rules(&self) -> [(CaseKind, ClockRule); 4] {
        [
            (CaseKind::Letter, self.letter),
            (CaseKind::SiteError, self.site_error),
            (CaseKind::Disclosure, self.disclosure),
            (CaseKind::InterviewQuestion, self.interview_question),
        ]
    }

    /// Checks the cluster's rules: every time limit 1–60 working days, extensions 0–60.
    pub fn check(&self) -> Result<(), ClockError> {
        for (kind, r) in self.rules() {
            if !(1..=60).contains(&r.days) || r.extension > 60 {
                return Err(ClockError::OutOfRange {
                    kind: kind.label(),
                    max: 60,
                });
            }
        }
        Ok(())
    }

    /// These rules held to the cluster's: every time limit and extension at most the
    /// cluster's (a tenant's rules set before the cluster tightened its own).
    pub fn within(&self, cluster: &ClockRules) -> ClockRules {
        let cap = |own: ClockRule, c: ClockRule| ClockRule {
            days: own.days.clamp(1, c.days.max(1)),
            extension: own.extension.min(c.extension),
        };
        ClockRules {
            letter: cap(self.letter, cluster.letter),
            site_error: cap(self.site_error, cluster.site_error),
            disclosure: cap(self.disclosure, cluster.disclosure),
            interview_question: cap(self.interview_question, cluster.interview_question),
        }
    }

    /// Sets the rule of `kind`.
    pub fn set(&mut self, kind: CaseKind, rule: ClockRule) {
        match kind {
            CaseKind::Letter => self.letter = rule,
            CaseKind::SiteError => self.site_error = rule,
            CaseKind::Disclosure => self.disclosure = rule,
            CaseKind::InterviewQuestion => self.interview_question = rule,
        }
    }

    /// Checks a tenant's rules against the cluster's: a unit may promise faster answers, never
    /// slower ones.
    pub fn check_within(&self, cluster: &ClockRules) -> Result<(), ClockError> {
        self.check()?;
        for ((kind, own), (_, c)) in self.rules().into_iter().zip(cluster.rules()) {
            if own.days > c.days || own.extension > c.extension {
                return Err(ClockError::LongerThanCluster {
                    kind: kind.label(),
                    cluster: c.days,
                });
            }
        }
        Ok(())
    }
}

/// The clock of one case, as stored with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseClock {
    /// The day it started: the day the case arrived (or was reopened).
    pub started: NaiveDate,
    /// Working days allowed, extension included.
    pub days: u32,
    /// Working days of completed pauses, which do not count.
    pub paused_days: u32,
    /// Set while paused: the day the pause began.
    pub paused_since: Option<NaiveDate>,
    /// Set once answered: the day the answer went out.
    pub stopped: Option<NaiveDate>,
}

/// Where a clock stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockStatus {
    /// Running; `left` working days until `due` (0: due today).
    Running { due: NaiveDate, left: i64 },
    /// Past `due` by `late` working days and not answered.
    Overdue { due: NaiveDate, late: i64 },
    /// Paused since that day (the due date moves on when it runs again).
    Paused { since: NaiveDate },
    /// Answered on `on`, having used `used` working days; `on_time` when not after `due`.
    Stopped {
        on: NaiveDate,
        due: NaiveDate,
        used: i64,
        on_time: bool,
    },
}

impl ClockStatus {
    /// Running with at most one working day left (the inbox shows it first).
    pub fn is_due_soon(&self) -> bool {
        matches!(self, ClockStatus::Running { left, .. } if *left <= 1)
    }

    pub fn is_overdue(&self) -> bool {
        matches!(self, ClockStatus::Overdue { .. })
    }
}

impl CaseClock {
    /// A clock for a case of `rule` that arrived on `on`.
    pub fn start(on: NaiveDate, rule: ClockRule) -> Self {
        CaseClock {
            started: on,
            days: rule.days,
            paused_days: 0,
            paused_since: None,
            stopped: None,
        }
    }

    /// The due date, were the clock to run from now on (while paused: as if the pause ended
    /// on `today`).
    pub fn due(&self, cal: &WorkingCalendar, today: NaiveDate) -> NaiveDate {
        let pausing = match self.paused_since {
            Some(since) => pause_days(cal, since, today),
            None => 0,
        };
        cal.add_working_days(
            self.started,
            self.days
                .saturating_add(self.paused_days)
                .saturating_add(pausing),
        )
    }

    /// Working days used by `on` (pauses excluded).
    pub fn used(&self, cal: &WorkingCalendar, on: NaiveDate) -> i64 {
        let end = self.stopped.map_or(on, |s| s.min(on));
        let pausing = match self.paused_since {
            Some(since) if self.stopped.is_none() => pause_days(cal, since, end),
            _ => 0,
        };
        (cal.working_days_between(self.started, end)
            - i64::from(self.paused_days)
            - i64::from(pausing))
        .max(0)
    }

    /// Where the clock stands on `today`.
    pub fn status(&self, cal: &WorkingCalendar, today: NaiveDate) -> ClockStatus {
        if let Some(on) = self.stopped {
            let due = self.due(cal, on);
            return ClockStatus::Stopped {
                on,
                due,
                used: self.used(cal, on),
                on_time: on <= due,
            };
        }
        if let Some(since) = self.paused_since {
            return ClockStatus::Paused { since };
        }
        let due = self.due(cal, today);
        if today > due {
            ClockStatus::Overdue {
                due,
                late: cal.working_days_between(due, today),
            }
        } else {
            ClockStatus::Running {
                due,
                left: cal.working_days_between(today, due),
            }
        }
    }

    /// Starts a pause on `on` (no effect when paused or stopped).
    pub fn pause(&mut self, on: NaiveDate) {
        if self.paused_since.is_none() && self.stopped.is_none() {
            self.paused_since = Some(on);
        }
    }

    /// Ends the pause on `on`: the working days after the day it began, up to and including
    /// `on`, do not count.
    pub fn resume(&mut self, cal: &WorkingCalendar, on: NaiveDate) {
        if let Some(since) = self.paused_since.take() {
            self.paused_days = self.paused_days.saturating_add(pause_days(cal, since, on));
        }
    }

    /// Adds the rule's extension.
    pub fn extend(&mut self, rule: ClockRule) {
        self.days = self.days.saturating_add(rule.extension);
    }

    /// The answer went out on `on`.
    pub fn stop(&mut self, cal: &WorkingCalendar, on: NaiveDate) {
        self.resume(cal, on);
        if self.stopped.is_none() {
            self.stopped = Some(on);
        }
    }

    /// A complaint reopened the case on `on`: a fresh clock of the rule's days.
    pub fn restart(on: NaiveDate, rule: ClockRule) -> Self {
        CaseClock::start(on, rule)
    }

    /// Applies a transition's effect on `on`.
    pub fn apply(
        &mut self,
        effect: super::ClockEffect,
        cal: &WorkingCalendar,
        rule: ClockRule,
        on: NaiveDate,
    ) {
        use super::ClockEffect::*;
        match effect {
            Keep => {}
            Pause => self.pause(on),
            Resume => self.resume(cal, on),
            Extend => self.extend(rule),
            Stop => self.stop(cal, on),
            Restart => *self = CaseClock::restart(on, rule),
        }
    }
}

fn pause_days(cal: &WorkingCalendar, since: NaiveDate, until: NaiveDate) -> u32 {
    u32::try_from(cal.working_days_between(since, until).max(0)).unwrap_or(u32::MAX)
}
