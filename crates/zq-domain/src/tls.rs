//! TLS certificates as the platform reasons about them, without any cryptography: which
//! server names a certificate covers (exact names and one-label wildcards, RFC 6125 §6.4.3),
//! which of several certificates answers a name (an exact name before a wildcard, then the
//! one that lasts longest), and how near its expiry is (the warnings 30 and 7 days ahead).

use chrono::{DateTime, Duration, Utc};

use crate::named_enum;

/// Whether the certificate name `pattern` (`www.example.gov.cn` or `*.example.gov.cn`)
/// covers the server name `name`. A wildcard stands for exactly one whole label and never
/// for the bare parent domain; comparison ignores ASCII case and a trailing dot.
pub fn name_matches(pattern: &str, name: &str) -> bool {
    let pattern = pattern.trim_end_matches('.');
    let name = name.trim_end_matches('.');
    if let Some(parent) = pattern.strip_prefix("*.") {
        match name.split_once('.') {
            Some((label, rest)) => !label.is_empty() && rest.eq_ignore_ascii_case(parent),
            None => false,
        }
    } else {
        pattern.eq_ignore_ascii_case(name)
    }
}

/// How well a certificate's names cover `name`: `Some(2)` by an exact name, `Some(1)` by a
/// wildcard, `None` not at all.
pub fn coverage(names: &[String], name: &str) -> Option<u8> {
    let mut best = None;
    for n in names {
        if name_matches(n, name) {
            let rank = if n.starts_with("*.") { 1 } else { 2 };
            best = best.max(Some(rank));
        }
    }
    best
}

/// What the chooser needs of a certificate.
pub trait Candidate {
    fn names(&self) -> &[String];
    fn not_after(&self) -> DateTime<Utc>;
}

/// The certificate that answers `name` at `now`: among those that cover it and have not
/// expired, an exact name before a wildcard, then the one that expires last. An expired
/// certificate is chosen only when nothing else covers the name (a browser warning is
/// better than no answer, and the console says it has expired).
pub fn choose<'a, C: Candidate>(certs: &'a [C], name: &str, now: DateTime<Utc>) -> Option<&'a C> {
    certs
        .iter()
        .filter_map(|c| coverage(c.names(), name).map(|rank| (rank, c)))
        .max_by_key(|(rank, c)| (c.not_after() > now, *rank, c.not_after()))
        .map(|(_, c)| c)
}

named_enum!(
    /// How near a certificate's end is.
    Expiry, "证书有效期" {
        /// More than 30 days left.
        Valid = "valid",
        /// 30 days or fewer left: renew it.
        Soon = "soon",
        /// 7 days or fewer left: renew it now.
        Urgent = "urgent",
        /// It has ended; browsers refuse it.
        Expired = "expired",
    }
);

impl Expiry {
    /// Where a certificate ending at `not_after` stands at `now`.
    pub fn at(not_after: DateTime<Utc>, now: DateTime<Utc>) -> Expiry {
        let left = not_after - now;
        if left <= Duration::zero() {
            Expiry::Expired
        } else if left <= Duration::days(7) {
            Expiry::Urgent
        } else if left <= Duration::days(30) {
            Expiry::Soon
        } else {
            Expiry::Valid
        }
    }

    /// Chinese label for the console.
    pub fn label(self) -> &'static str {
        match self {
            Expiry::Valid => "有效",
            Expiry::Soon => "30 天内到期",
            Expiry::Urgent => "7 天内到期",
            Expiry::Expired => "已过期",
        }
    }
}

/// Whole days left until `not_after` (negative once it has passed).
pub fn days_left(not_after: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (not_after - now).num_days()
}

/// Whether `name` may stand in a certificate the platform serves: a DNS name of at least two
/// labels, optionally with one leading wildcard label.
pub fn is_server_name(name: &str) -> bool {
    let bare = name.strip_prefix("*.").unwrap_or(name);
    let labels: Vec<&str> = bare.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_wildcard_covers_one_label_and_never_the_parent() {
        let cases = [
            ("www.hc.gov.cn", "www.hc.gov.cn", true),
            ("WWW.hc.gov.cn", "www.HC.gov.cn.", true),
            ("www.hc.gov.cn", "hc.gov.cn", false),
            ("*.hc.gov.cn", "mz.hc.gov.cn", true),
            ("*.hc.gov.cn", "MZ.HC.gov.cn", true),
            ("*.hc.gov.cn", "hc.gov.cn", false),
            ("*.hc.gov.cn", "a.mz.hc.gov.cn", false),
            ("*.hc.gov.cn", ".hc.gov.cn", false),
            ("*.hc.gov.cn", "mz.hc.gov.cn.evil.example", false),
        ];
        for (pattern, name, want) in cases {
            assert_eq!(name_matches(pattern, name), want, "{pattern} ~ {name}");
        }
    }

    struct C(Vec<String>, DateTime<Utc>, &'static str);
    impl Candidate for C {
        fn names(&self) -> &[String] {
            &self.0
        }
        fn not_after(&self) -> DateTime<Utc> {
            self.1
        }
    }

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, 0, 0, 0).unwrap()
    }

    #[test]
    fn exact_names_win_over_wildcards_and_live_certificates_over_dead_ones() {
        let certs = [
            C(vec!["*.hc.gov.cn".into()], day(30), "wild"),
            C(vec!["mz.hc.gov.cn".into()], day(20), "exact"),
            C(vec!["mz.hc.gov.cn".into()], day(2), "exact-expired"),
            C(vec!["old.example.cn".into()], day(2), "only-expired"),
            C(vec!["*.hc.gov.cn".into()], day(31), "wild-longer"),
        ];
        let now = day(6);
        let pick = |name: &str| choose(&certs, name, now).map(|c| c.2);
        assert_eq!(pick("mz.hc.gov.cn"), Some("exact"));
        assert_eq!(pick("jb.hc.gov.cn"), Some("wild-longer"));
        assert_eq!(pick("old.example.cn"), Some("only-expired"));
        assert_eq!(
            pick("old.hc.gov.cn"),
            Some("wild-longer"),
            "a live wildcard first"
        );
        assert_eq!(pick("hc.gov.cn"), None);
        assert_eq!(pick("other.example"), None);
    }

    #[test]
    fn warnings_come_30_and_7_days_ahead() {
        let now = day(1);
        let cases = [
            (now + Duration::days(31), Expiry::Valid),
            (now + Duration::days(30), Expiry::Soon),
            (now + Duration::days(8), Expiry::Soon),
            (now + Duration::days(7), Expiry::Urgent),
            (now + Duration::seconds(1), Expiry::Urgent),
            (now, Expiry::Expired),
            (now - Duration::days(3), Expiry::Expired),
        ];
        for (not_after, want) in cases {
            assert_eq!(Expiry::at(not_after, now), want, "{not_after}");
        }
        assert_eq!(days_left(now + Duration::days(12), now), 12);
    }

    #[test]
    fn server_names_are_dns_names_with_at_most_a_leading_wildcard() {
        for ok in ["hc.gov.cn", "*.hc.gov.cn", "mz-1.hc.gov.cn", "a.test"] {
            assert!(is_server_name(ok), "{ok}");
        }
        for bad in [
            "localhost",
            "*.cn.*",
            "a.*.cn",
            "-a.cn",
            "a..cn",
            "*",
            "a b.cn",
            "",
        ] {
            assert!(!is_server_name(bad), "{bad}");
        }
    }
}
