//! Beijing time, the only time zone a Chinese government site works in. Instants are stored
//! in UTC; every date a person sees or types (a publication day, a statutory deadline, a
//! reporting period, a `datetime-local` field) is a Beijing (UTC+8) date or time. This module
//! is the one place that converts between the two, so no layer rolls its own offset. Nothing
//! here reads a clock: the current time is always passed in by the caller.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};

/// China Standard Time, UTC+8 (no daylight saving time since 1991).
pub fn beijing() -> FixedOffset {
    // `east_opt` only refuses offsets of a day or more; the fallback is never taken.
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// The Beijing calendar date of an instant: `2025-12-31T16:00:00Z` is 1 January 2026.
pub fn beijing_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&beijing()).date_naive()
}

/// The instant a Beijing day starts (00:00 UTC+8, i.e. 16:00 UTC the day before).
///
/// Saturates at [`DateTime::<Utc>::MIN_UTC`] for the first representable date, whose Beijing
/// midnight lies before the earliest representable instant.
pub fn beijing_midnight(d: NaiveDate) -> DateTime<Utc> {
    beijing()
        .from_local_datetime(&d.and_time(NaiveTime::MIN))
        .single()
        .map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
}

/// Parses `2026-12-01T09:30`, `2026-12-01 09:30[:00]` (Beijing time) or an RFC 3339 time.
/// An empty field is `Ok(None)`. The error is a Chinese sentence for the form.
pub fn parse_local(s: &str) -> Result<Option<DateTime<Utc>>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return beijing()
                .from_local_datetime(&n)
                .single()
                .map(|t| Some(t.with_timezone(&Utc)))
                .ok_or_else(|| format!("时间 {s:?} 无效"));
        }
    }
    Err(format!(
        "时间 {:?} 无法识别，请用 2026-12-01T09:30 的形式",
        s.chars().take(40).collect::<String>()
    ))
}

/// Beijing time for forms (`for_input`: a `datetime-local` value, `2026-12-01T09:30`) and
/// lists (`2026-12-01 09:30`).
pub fn format_local(t: DateTime<Utc>, for_input: bool) -> String {
    let local = t.with_timezone(&beijing());
    if for_input {
        local.format("%Y-%m-%dT%H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// A reporting period in Beijing time: `2026` (a year), `2026-Q3` (a quarter), `2026-11` (a
/// month), years 2000–2100; returns `[start, end)`. The error is a Chinese sentence for the form.
pub fn parse_period(p: &str) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
    let p = p.trim();
    let bad = || format!("统计周期 {p:?} 无法识别，请用 2026、2026-Q3 或 2026-11");
    let month_start = |y: i32, m: u32| -> Result<DateTime<Utc>, String> {
        let (y, m) = if m > 12 { (y + 1, m - 12) } else { (y, m) };
        let n = NaiveDate::from_ymd_opt(y, m, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .ok_or_else(bad)?;
        beijing()
            .from_local_datetime(&n)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(bad)
    };
    let (year, rest) = p.split_once('-').unwrap_or((p, ""));
    let year: i32 = year.parse().map_err(|_| bad())?;
    if !(2000..=2100).contains(&year) {
        return Err(bad());
    }
    let (first, months) = match rest {
        "" => (1, 12),
        q if q.starts_with('Q') => {
            let n: u32 = q.get(1..).unwrap_or_default().parse().map_err(|_| bad())?;
            if !(1..=4).contains(&n) {
                return Err(bad());
            }
            (3 * n - 2, 3)
        }
        m => {
            let n: u32 = m.parse().map_err(|_| bad())?;
            if !(1..=12).contains(&n) {
                return Err(bad());
            }
            (n, 1)
        }
    };
    Ok((
        month_start(year, first)?,
        month_start(year, first + months)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn beijing_is_utc_plus_eight() {
        assert_eq!(beijing().local_minus_utc(), 8 * 3600);
    }

    #[test]
    fn beijing_dates_change_at_sixteen_hundred_utc() {
        for (instant, day) in [
            ("2025-12-31T15:59:59Z", "2025-12-31"),
            ("2025-12-31T16:00:00Z", "2026-01-01"),
            ("2026-01-01T00:00:00Z", "2026-01-01"),
            ("2026-01-01T15:59:59Z", "2026-01-01"),
            ("2026-01-01T16:00:00Z", "2026-01-02"),
            ("2026-02-28T23:00:00+08:00", "2026-02-28"),
        ] {
            assert_eq!(beijing_date(utc(instant)), date(day), "{instant}");
        }
    }

    #[test]
    fn beijing_midnight_is_the_start_of_the_beijing_day() {
        for (day, instant) in [
            ("2026-01-01", "2025-12-31T16:00:00Z"),
            ("2026-03-01", "2026-02-28T16:00:00Z"),
            ("2025-10-01", "2025-09-30T16:00:00Z"),
        ] {
            let t = beijing_midnight(date(day));
            assert_eq!(t, utc(instant), "{day}");
            assert_eq!(beijing_date(t), date(day), "{day}");
            assert_eq!(format_local(t, false), format!("{day} 00:00"));
            // One second earlier is still the day before.
            assert_eq!(
                beijing_date(t - chrono::TimeDelta::seconds(1)),
                date(day).pred_opt().unwrap()
            );
        }
        assert_eq!(beijing_midnight(NaiveDate::MIN), DateTime::<Utc>::MIN_UTC);
    }

    #[test]
    fn form_times_are_beijing_time() {
        let t = parse_local("2026-12-01T09:30").unwrap().unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-01T01:30:00+00:00");
        assert_eq!(format_local(t, true), "2026-12-01T09:30");
        assert_eq!(format_local(t, false), "2026-12-01 09:30");
        assert_eq!(parse_local("2026-12-01 09:30:00").unwrap(), Some(t));
        assert_eq!(parse_local("2026-12-01T09:30:00+08:00").unwrap(), Some(t));
    }

    #[test]
    fn empty_is_none_and_nonsense_is_an_error() {
        assert_eq!(parse_local("  ").unwrap(), None);
        for bad in ["tomorrow", "2026-13-01T09:30", "2026-02-30T09:30", "9:30"] {
            assert!(parse_local(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_local("tomorrow").unwrap_err(),
            "时间 \"tomorrow\" 无法识别，请用 2026-12-01T09:30 的形式"
        );
    }

    #[test]
    fn periods_are_years_quarters_and_months_in_beijing_time() {
        let (a, b) = parse_period("2026").unwrap();
        assert_eq!(a.to_rfc3339(), "2025-12-31T16:00:00+00:00");
        assert_eq!(b.to_rfc3339(), "2026-12-31T16:00:00+00:00");
        let (a, b) = parse_period("2026-Q4").unwrap();
        assert_eq!(
            (
                format_local(a, false).as_str(),
                format_local(b, false).as_str()
            ),
            ("2026-10-01 00:00", "2027-01-01 00:00")
        );
        let (a, b) = parse_period("2026-02").unwrap();
        assert_eq!(
            (
                format_local(a, false).as_str(),
                format_local(b, false).as_str()
            ),
            ("2026-02-01 00:00", "2026-03-01 00:00")
        );
        for bad in [
            "",
            "26",
            "2026-13",
            "2026-Q5",
            "2026-Qx",
            "2026-QQ3",
            "1999",
            "next year",
        ] {
            assert!(parse_period(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_period("2026-Q5").unwrap_err(),
            "统计周期 \"2026-Q5\" 无法识别，请用 2026、2026-Q3 或 2026-11"
        );
    }

    #[test]
    fn period_bounds_are_beijing_midnights() {
        let (a, b) = parse_period("2026-Q1").unwrap();
        assert_eq!(a, beijing_midnight(date("2026-01-01")));
        assert_eq!(b, beijing_midnight(date("2026-04-01")));
    }
}
