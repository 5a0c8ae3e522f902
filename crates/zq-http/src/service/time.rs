//! Times as people type them: the console's `datetime-local` fields and the API's RFC 3339.
//! A time without an offset is Beijing time (UTC+8), the only zone a Chinese government site
//! works in.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

/// Parses `2026-12-01T09:30`, `2026-12-01 09:30[:00]` (Beijing time) or an RFC 3339 time.
/// An empty field is `Ok(None)`.
pub(crate) fn parse_local(s: &str) -> Result<Option<DateTime<Utc>>, String> {
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

/// Beijing time for forms (`datetime-local` value) and lists.
pub(crate) fn format_local(t: DateTime<Utc>, for_input: bool) -> String {
    let local = t.with_timezone(&beijing());
    if for_input {
        local.format("%Y-%m-%dT%H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// A reporting period in Beijing time: `2026` (a year), `2026-Q3` (a quarter), `2026-11` (a
/// month); returns `[start, end)`.
pub(crate) fn parse_period(p: &str) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
    let p = p.trim();
    let bad = || format!("统计周期 {p:?} 无法识别，请用 2026、2026-Q3 或 2026-11");
    let month_start = |y: i32, m: u32| -> Result<DateTime<Utc>, String> {
        let (y, m) = if m > 12 { (y + 1, m - 12) } else { (y, m) };
        let n = chrono::NaiveDate::from_ymd_opt(y, m, 1)
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
            let n: u32 = q[1..].parse().map_err(|_| bad())?;
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
            "1999",
            "next year",
        ] {
            assert!(parse_period(bad).is_err(), "{bad}");
        }
    }
}
