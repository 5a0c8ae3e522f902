//! The working-day calendar (工作日历). Statutory deadlines of a government site, such as the
//! reply to a request for government information or to a letter from the public, are counted
//! in working days, and in China a working day is not simply Monday to Friday: every
//! November the General Office of the State Council publishes next year's public holidays
//! together with the weekend days that become working days in exchange (调休). This module
//! holds those published schedules (embedded from `data/holidays-cn.toml`), the rules that
//! count working days over them, and the checks applied when the office enters next year's
//! schedule itself. It is pure: dates come in, dates go out, no clock is read.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound::{Excluded, Included, Unbounded};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::{ParseError, named_enum};

/// The published schedules for 2025 and 2026, a verbatim copy of `shared/data/holidays-cn.toml`.
const PUBLISHED: &str = include_str!("../../data/holidays-cn.toml");

/// The longest note a calendar day may carry, in characters.
pub const NOTE_MAX_CHARS: usize = 40;
/// The first year a calendar day may fall in.
pub const FIRST_YEAR: i32 = 2000;
/// The last year a calendar day may fall in.
pub const LAST_YEAR: i32 = 2100;
/// The longest range of days off a schedule file may list in one entry; a longer one is
/// taken for a typing error (the longest real holiday is nine days).
const MAX_RANGE_DAYS: i64 = 31;

named_enum!(
    /// How a listed day departs from the ordinary Monday-to-Friday week.
    DayKind, "日历日类型" {
        /// A day off: a public holiday, or a weekday given off to join one.
        Off = "off",
        /// A Saturday or Sunday that is a working day in exchange for a holiday (调休上班).
        Work = "work",
    }
);

/// One listed day of the calendar, as published or as entered by the office.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CalendarDay {
    /// The Beijing calendar date.
    pub date: NaiveDate,
    /// Off or work.
    pub kind: DayKind,
    /// Free text for people, e.g. the holiday's name (元旦, 春节 …); may be empty.
    pub note: String,
}

impl CalendarDay {
    /// A listed day.
    pub fn new(date: NaiveDate, kind: DayKind, note: impl Into<String>) -> Self {
        Self {
            date,
            kind,
            note: note.into(),
        }
    }
}

/// Why the office cannot save a calendar day. The messages are for the clerk who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A `work` day that is not a Saturday or Sunday (a weekday is a working day already).
    #[error("调休上班日须为周六或周日（{date} 是{}）", weekday_zh(*.weekday))]
    WorkDayNotWeekend {
        /// The refused date.
        date: NaiveDate,
        /// Its day of the week.
        weekday: Weekday,
    },
    /// The note is longer than [`NOTE_MAX_CHARS`].
    #[error("备注最多 {max} 个字，现有 {chars} 个字", max = NOTE_MAX_CHARS)]
    NoteTooLong {
        /// The note's length in characters.
        chars: usize,
    },
    /// The date lies outside [`FIRST_YEAR`]–[`LAST_YEAR`].
    #[error("日期须在 {first} 年至 {last} 年之间（{date} 不在此范围）", first = FIRST_YEAR, last = LAST_YEAR)]
    YearOutOfRange {
        /// The refused date.
        date: NaiveDate,
    },
}

/// Checks a day the office wants to add to or change in the calendar: a `work` day falls on a
/// Saturday or Sunday, the note has at most [`NOTE_MAX_CHARS`] characters and the year lies
/// within [`FIRST_YEAR`]–[`LAST_YEAR`].
pub fn check_day(day: &CalendarDay) -> Result<(), CalendarError> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&day.date.year()) {
        return Err(CalendarError::YearOutOfRange { date: day.date });
    }
    if day.kind == DayKind::Work && !is_weekend(day.date) {
        return Err(CalendarError::WorkDayNotWeekend {
            date: day.date,
            weekday: day.date.weekday(),
        });
    }
    let chars = day.note.chars().count();
    if chars > NOTE_MAX_CHARS {
        return Err(CalendarError::NoteTooLong { chars });
    }
    Ok(())
}

/// The schedules published by the State Council that ship with the platform (2025 and 2026),
/// in date order. Off days carry the holiday's name from the file's comments as their note.
pub fn published_schedules() -> Result<Vec<CalendarDay>, ParseError> {
    parse_schedule(PUBLISHED)
}

/// One year's table of a schedule file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearTable {
    #[serde(default)]
    off: Vec<toml::Spanned<Vec<String>>>,
    #[serde(default)]
    work: Vec<toml::Spanned<String>>,
}

const SCHEDULE: &str = "holiday schedule";

/// Parses a schedule in the format of `data/holidays-cn.toml`: one table per year, named by
/// the year, holding `off` (inclusive `["first", "last"]` ranges of days off) and `work`
/// (weekend days that are working days). A `# comment` ending the line of an entry (after
/// it, its comma or a closing bracket) becomes the note of each of its days, cut to
/// [`NOTE_MAX_CHARS`] characters; an entry followed by another on its line gets no note.
///
/// Refused: text that is not such a TOML file, a table name that is not a year within
/// [`FIRST_YEAR`]–[`LAST_YEAR`], a date that is not `YYYY-MM-DD`, a date outside its table's
/// year and the years either side (a holiday may begin in December of the year before), a
/// range that ends before it starts or is longer than 31 days, a day listed twice, and any day
/// [`check_day`] refuses (notably a `work` day that is not a Saturday or Sunday). The days come
/// back in date order.
pub fn parse_schedule(toml_text: &str) -> Result<Vec<CalendarDay>, ParseError> {
    let tables: BTreeMap<String, YearTable> = toml::from_str(toml_text).map_err(|e| {
        let line = e
            .span()
            .and_then(|s| toml_text.get(..s.start))
            .map_or(0, |before| before.matches('\n').count() + 1);
        let found = if line > 0 {
            format!("line {line}: {}", e.message())
        } else {
            e.message().to_string()
        };
        ParseError::new(
            SCHEDULE,
            "expected [year] tables holding `off` ranges and `work` days",
            &found,
        )
    })?;

    let mut days: BTreeMap<NaiveDate, CalendarDay> = BTreeMap::new();
    let mut add = |day: CalendarDay| -> Result<(), ParseError> {
        check_day(&day).map_err(|e| {
            let reason = match e {
                CalendarError::WorkDayNotWeekend { .. } => {
                    "a `work` day must be a Saturday or Sunday"
                }
                CalendarError::NoteTooLong { .. } => "the note is too long",
                CalendarError::YearOutOfRange { .. } => "dates must lie within 2000-2100",
            };
            ParseError::new(SCHEDULE, reason, &day.date.to_string())
        })?;
        let date = day.date;
        if days.insert(date, day).is_some() {
            return Err(ParseError::new(
                SCHEDULE,
                "a day is listed more than once",
                &date.to_string(),
            ));
        }
        Ok(())
    };

    for (name, table) in &tables {
        let year: i32 = name
            .parse()
            .ok()
            .filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y))
            .ok_or_else(|| {
                ParseError::new(
                    SCHEDULE,
                    "a table name must be a year within 2000-2100",
                    name,
                )
            })?;
        let date = |s: &str| -> Result<NaiveDate, ParseError> {
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| ParseError::new(SCHEDULE, "expected a date like 2026-10-01", s))?;
            if (d.year() - year).abs() > 1 {
                return Err(ParseError::new(
                    SCHEDULE,
                    "a date must lie in its table's year or next to it",
                    s,
                ));
            }
            Ok(d)
        };

        for range in &table.off {
            let [first, last] = range.get_ref().as_slice() else {
                return Err(ParseError::new(
                    SCHEDULE,
                    "a range of days off is written [\"first\", \"last\"]",
                    &format!("{:?}", range.get_ref()),
                ));
            };
            let (first_day, last_day) = (date(first)?, date(last)?);
            let length = (last_day - first_day).num_days() + 1;
            if length < 1 {
                return Err(ParseError::new(
                    SCHEDULE,
                    "a range of days off must not end before it starts",
                    &format!("{first} .. {last}"),
                ));
            }
            if length > MAX_RANGE_DAYS {
                return Err(ParseError::new(
                    SCHEDULE,
                    "a range of days off must not be longer than 31 days",
                    &format!("{first} .. {last}"),
                ));
            }
            let note = trailing_comment(toml_text, range.span().end);
            for d in first_day.iter_days().take_while(|d| *d <= last_day) {
                add(CalendarDay::new(d, DayKind::Off, note.clone()))?;
            }
        }
        for day in &table.work {
            let note = trailing_comment(toml_text, day.span().end);
            add(CalendarDay::new(date(day.get_ref())?, DayKind::Work, note))?;
        }
    }
    Ok(days.into_values().collect())
}

/// The `# comment` that ends the line of a value ending at byte `end`, when only commas,
/// closing brackets and blanks stand between them; empty when there is none.
fn trailing_comment(text: &str, end: usize) -> String {
    let rest = text.get(end..).unwrap_or_default();
    let line = rest.lines().next().unwrap_or_default();
    line.trim_start_matches(|c: char| c == ',' || c == ']' || c.is_whitespace())
        .strip_prefix('#')
        .map(|c| c.trim().chars().take(NOTE_MAX_CHARS).collect())
        .unwrap_or_default()
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn weekday_zh(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

/// Working days over a set of listed days. A working day is a Monday to Friday not listed as
/// `off`, or any day listed as `work`; an unlisted day follows the ordinary week, so counts
/// reaching into a year whose schedule is not yet published (see [`covers`](Self::covers)) treat
/// its holidays as working days.
///
/// Dates are Beijing dates (see [`crate::time::beijing_date`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    days: BTreeMap<NaiveDate, CalendarDay>,
    years: BTreeSet<i32>,
}

impl WorkingCalendar {
    /// A calendar of the given days; when a date is given twice, the later entry wins.
    pub fn new(days: impl IntoIterator<Item = CalendarDay>) -> Self {
        let days: BTreeMap<NaiveDate, CalendarDay> =
            days.into_iter().map(|d| (d.date, d)).collect();
        let years = days.keys().map(|d| d.year()).collect();
        Self { days, years }
    }

    /// The calendar of the [`published_schedules`].
    pub fn published() -> Result<Self, ParseError> {
        published_schedules().map(Self::new)
    }

    /// The listed day on `d`, if any (its kind and note).
    pub fn day(&self, d: NaiveDate) -> Option<&CalendarDay> {
        self.days.get(&d)
    }

    /// Every listed day, in date order.
    pub fn days(&self) -> impl Iterator<Item = &CalendarDay> {
        self.days.values()
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.days.get(&d).map(|day| day.kind) {
            Some(DayKind::Off) => false,
            Some(DayKind::Work) => true,
            None => !is_weekend(d),
        }
    }

    /// The first working day strictly after `d`.
    pub fn next_working_day(&self, d: NaiveDate) -> NaiveDate {
        self.add_working_days(d, 1)
    }

    /// The `n`-th working day after `start`, counting from the day after: a letter received on
    /// an ordinary Friday with three working days to answer is due on Wednesday. `n = 0` gives
    /// `start` itself, working day or not. Saturates at [`NaiveDate::MAX`].
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = u64::from(n);
        while left > 0 {
            // Seven days with no listed day among them hold exactly five working days, so whole
            // weeks before the next listed day are skipped at once; at least one working day is
            // left to find one day at a time, which lands on the right weekday.
            let room = match self.days.range((Excluded(d), Unbounded)).next() {
                Some((next, _)) => {
                    u64::try_from(((*next - d).num_days() - 1) / 7).unwrap_or_default()
                }
                None => u64::MAX,
            };
            let weeks = room.min((left - 1) / 5);
            if weeks > 0 {
                match d.checked_add_days(Days::new(7 * weeks)) {
                    Some(later) => d = later,
                    None => return NaiveDate::MAX,
                }
                left -= 5 * weeks;
            }
            match d.succ_opt() {
                Some(next) => d = next,
                None => return NaiveDate::MAX,
            }
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// The number of working days in `(from, to]`: the day after `from` up to and including
    /// `to`. Negative (the count over `(to, from]`) when `to` is before `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let span = (to - from).num_days();
        let first = i64::from(from.weekday().num_days_from_monday());
        // Every seven consecutive days hold five weekdays; the rest are counted one by one.
        let rest = (1..=span % 7).filter(|k| (first + k) % 7 < 5).count();
        let mut count = 5 * (span / 7) + i64::try_from(rest).unwrap_or_default();
        for day in self
            .days
            .range((Excluded(from), Included(to)))
            .map(|(_, d)| d)
        {
            match (day.kind, is_weekend(day.date)) {
                (DayKind::Off, false) => count -= 1,
                (DayKind::Work, true) => count += 1,
                _ => {}
            }
        }
        count
    }

    /// Whether the calendar holds `year`'s schedule, i.e. lists any day of that year.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The years the calendar lists days of, in order.
    pub fn years(&self) -> Vec<i32> {
        self.years.iter().copied().collect()
    }
}

#[cfg(test)]
mod tests;
