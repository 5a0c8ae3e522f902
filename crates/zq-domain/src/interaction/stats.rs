//! Monthly statistics of a unit's cases (the figures the provincial rules ask every site to
//! publish next to its letters: received, replied, replied on time, average working days to
//! reply, satisfaction), and the counts the operators' dashboards and the overdue job need.
//! Pure: the cases and the calendar come in, the rows go out.

use chrono::{Datelike, NaiveDate};

use super::{CaseClock, CaseState, ClockStatus};
use crate::calendar::WorkingCalendar;

/// What the statistics need of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatCase {
    /// The day it arrived (Beijing time).
    pub submitted: NaiveDate,
    pub state: CaseState,
    pub clock: CaseClock,
    /// 1–5 once rated.
    pub rating: Option<i16>,
}

/// One month of a unit's cases.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthRow {
    pub year: i32,
    pub month: u32,
    /// Cases that arrived in the month.
    pub received: u32,
    /// Of those, answered (replied, or refused with a reason).
    pub replied: u32,
    /// Of the answered, answered by their due date.
    pub on_time: u32,
    /// Of the unanswered, past their due date today.
    pub overdue: u32,
    /// Average working days to the answer, over the answered.
    pub avg_days: Option<f64>,
    /// Rated 4 or 5, over the rated, in per cent.
    pub satisfaction: Option<f64>,
    pub rated: u32,
}

impl MonthRow {
    /// Answered on time, over the answered, in per cent.
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.replied > 0).then(|| f64::from(self.on_time) * 100.0 / f64::from(self.replied))
    }
}

/// The twelve months of `year` up to `today`'s month (all twelve for a past year), with the
/// year's total as the last row (`month` 0).
pub fn monthly(
    cases: &[StatCase],
    cal: &WorkingCalendar,
    year: i32,
    today: NaiveDate,
) -> Vec<MonthRow> {
    let last = if today.year() == year {
        today.month()
    } else if today.year() < year {
        0
    } else {
        12
    };
    let mut rows: Vec<MonthRow> = (1..=last)
        .map(|m| {
            tally(
                cases.iter().filter(|c| in_month(c, year, m)),
                cal,
                today,
                year,
                m,
            )
        })
        .collect();
    rows.push(tally(
        cases.iter().filter(|c| c.submitted.year() == year),
        cal,
        today,
        year,
        0,
    ));
    rows
}

fn in_month(c: &StatCase, year: i32, month: u32) -> bool {
    c.submitted.year() == year && c.submitted.month() == month
}

fn tally<'a>(
    cases: impl Iterator<Item = &'a StatCase>,
    cal: &WorkingCalendar,
    today: NaiveDate,
    year: i32,
    month: u32,
) -> MonthRow {
    let mut row = MonthRow {
        year,
        month,
        received: 0,
        replied: 0,
        on_time: 0,
        overdue: 0,
        avg_days: None,
        satisfaction: None,
        rated: 0,
    };
    let (mut days, mut satisfied) = (0i64, 0u32);
    for c in cases {
        row.received += 1;
        match c.clock.status(cal, today) {
            ClockStatus::Stopped { used, on_time, .. } if c.state.is_answered() => {
                row.replied += 1;
                row.on_time += u32::from(on_time);
                days += used;
            }
            ClockStatus::Overdue { .. } if c.state.is_open() => row.overdue += 1,
            _ => {}
        }
        if let Some(r) = c.rating {
            row.rated += 1;
            satisfied += u32::from(r >= 4);
        }
    }
    if row.replied > 0 {
        row.avg_days = Some(days as f64 / f64::from(row.replied));
    }
    if row.rated > 0 {
        row.satisfaction = Some(f64::from(satisfied) * 100.0 / f64::from(row.rated));
    }
    row
}

/// How a unit's open cases stand today: overdue, and due within a working day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenCounts {
    pub open: u32,
    pub due_soon: u32,
    pub overdue: u32,
}

/// Counts open cases by where their clocks stand on `today`.
pub fn open_counts(
    cases: impl IntoIterator<Item = (CaseState, CaseClock)>,
    cal: &WorkingCalendar,
    today: NaiveDate,
) -> OpenCounts {
    let mut n = OpenCounts::default();
    for (state, clock) in cases {
        if !state.is_open() {
            continue;
        }
        n.open += 1;
        let status = clock.status(cal, today);
        n.overdue += u32::from(status.is_overdue());
        n.due_soon += u32::from(status.is_due_soon());
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interaction::{CaseKind, ClockRules};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> WorkingCalendar {
        WorkingCalendar::published().unwrap()
    }

    /// A letter that arrived on `on` and, if `answered`, was answered that day.
    fn letter(on: &str, answered: Option<&str>, rating: Option<i16>) -> StatCase {
        let cal = cal();
        let mut clock = CaseClock::start(d(on), ClockRules::default().rule(CaseKind::Letter));
        let state = match answered {
            Some(a) => {
                clock.stop(&cal, d(a));
                if rating.is_some() {
                    CaseState::Closed
                } else {
                    CaseState::Replied
                }
            }
            None => CaseState::Accepted,
        };
        StatCase {
            submitted: d(on),
            state,
            clock,
            rating,
        }
    }

    #[test]
    fn months_count_received_replied_on_time_overdue_days_and_satisfaction() {
        let cases = [
            // Mon 2 Mar → Thu 5 Mar: 3 working days, on time (due 5 Mar).
            letter("2026-03-02", Some("2026-03-05"), Some(5)),
            // Mon 2 Mar → Mon 9 Mar: 5 working days, late.
            letter("2026-03-02", Some("2026-03-09"), Some(2)),
            // Still open from March: overdue by May.
            letter("2026-03-10", None, None),
            // April, open, not yet due on 6 April.
            letter("2026-04-03", None, None),
        ];
        let today = d("2026-04-06");
        let rows = monthly(&cases, &cal(), 2026, today);
        // January to April, then the year's total.
        assert_eq!(rows.len(), 5);
        let march = &rows[2];
        assert_eq!(
            (march.received, march.replied, march.on_time, march.overdue),
            (3, 2, 1, 1)
        );
        assert_eq!(march.avg_days, Some(4.0));
        assert_eq!(march.on_time_rate(), Some(50.0));
        assert_eq!((march.rated, march.satisfaction), (2, Some(50.0)));
        let total = rows.last().unwrap();
        assert_eq!((total.month, total.received, total.replied), (0, 4, 2));
        assert_eq!(rows[0].received, 0);
        assert_eq!(rows[0].avg_days, None);
    }

    #[test]
    fn a_past_year_has_twelve_months_and_a_future_year_only_the_total() {
        let today = d("2026-12-03");
        assert_eq!(monthly(&[], &cal(), 2025, today).len(), 13);
        assert_eq!(monthly(&[], &cal(), 2027, today).len(), 1);
    }

    #[test]
    fn open_counts_split_overdue_and_due_soon_and_skip_answered_cases() {
        let cal = cal();
        let rule = ClockRules::default().rule(CaseKind::Letter);
        let at = |s| CaseClock::start(d(s), rule);
        let today = d("2026-03-05");
        let n = open_counts(
            [
                // Due 5 Mar (today): due soon.
                (CaseState::Accepted, at("2026-03-02")),
                // Due 2 Mar: overdue.
                (CaseState::InProgress, at("2026-02-25")),
                // Due 9 Mar: running, not soon.
                (CaseState::Submitted, at("2026-03-04")),
                // Answered: not counted.
                (CaseState::Replied, at("2026-02-01")),
            ],
            &cal,
            today,
        );
        assert_eq!(
            n,
            OpenCounts {
                open: 3,
                due_soon: 1,
                overdue: 1
            }
        );
    }
}
