//! The weekly trend of a site's standing: of its daily readings, the last one of each of the
//! last weeks (weeks start on Monday, Beijing time), oldest first, a week without a reading
//! left empty.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

/// A site's standing at the end of a week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Week {
    /// Its Monday.
    pub starts: NaiveDate,
    /// The points of its last reading; `None` without one.
    pub points: Option<i32>,
    /// A veto item failed at its last reading.
    pub vetoed: bool,
}

/// The Monday of `day`'s week.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The last `weeks` weeks up to `today`'s, from daily readings `(day, points, vetoes)`.
pub fn weekly(readings: &[(NaiveDate, i32, i32)], today: NaiveDate, weeks: usize) -> Vec<Week> {
    let this = monday_of(today);
    (0..weeks)
        .rev()
        .map(|back| {
            let starts = this - Duration::weeks(back as i64);
            let last = readings
                .iter()
                .filter(|(d, _, _)| *d >= starts && *d < starts + Duration::weeks(1) && *d <= today)
                .max_by_key(|(d, _, _)| *d);
            Week {
                starts,
                points: last.map(|(_, p, _)| *p),
                vetoed: last.is_some_and(|(_, _, v)| *v > 0),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn each_week_keeps_its_last_reading_and_empty_weeks_stay_empty() {
        // Friday 2026-12-04; weeks start 11-16, 11-23, 11-30.
        let readings = [
            (d("2026-11-17"), 90, 0),
            (d("2026-11-20"), 95, 0),
            (d("2026-11-30"), 100, 1),
            (d("2026-12-03"), 98, 0),
            (d("2026-12-10"), 50, 3),
        ];
        let w = weekly(&readings, d("2026-12-04"), 3);
        assert_eq!(
            w,
            vec![
                Week {
                    starts: d("2026-11-16"),
                    points: Some(95),
                    vetoed: false
                },
                Week {
                    starts: d("2026-11-23"),
                    points: None,
                    vetoed: false
                },
                Week {
                    starts: d("2026-11-30"),
                    points: Some(98),
                    vetoed: false
                },
            ]
        );
        assert_eq!(monday_of(d("2026-12-06")), d("2026-11-30"), "a Sunday");
        assert_eq!(monday_of(d("2026-11-30")), d("2026-11-30"));
    }
}
