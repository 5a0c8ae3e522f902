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
}
