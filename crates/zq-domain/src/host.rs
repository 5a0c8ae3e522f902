//! Host names as the cluster matches them: lower-cased, without port and trailing dot.

use crate::ParseError;

/// A normalised host name: lower-case ASCII, no port, no trailing dot, valid DNS labels
/// (or an IPv4 address, or a bracketed IPv6 literal). Only `Host::parse` builds one, so a
/// `Host` in hand is always safe to compare and to use as a map key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Host(String);

impl Host {
    /// Longest accepted host name (RFC 1035).
    pub const MAX_LEN: usize = 253;

    /// Parses a `Host` header value or a configured host name: case-insensitive, a `:port`
    /// suffix and a trailing dot are dropped.
    pub fn parse(raw: &str) -> Result<Host, ParseError> {
        let err = |reason| ParseError::new("域名", reason, raw);
        let raw_trim = raw.trim();
        if raw_trim.is_empty() {
            return Err(err("域名不能为空"));
        }
        if let Some(rest) = raw_trim.strip_prefix('[') {
            let (addr, after) = rest
                .split_once(']')
                .ok_or_else(|| err("IPv6 地址缺少右方括号"))?;
            if addr.is_empty()
                || !addr
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
            {
                return Err(err("IPv6 地址不正确"));
            }
            check_port(after).map_err(|_| err("端口不正确"))?;
            return Ok(Host(format!("[{}]", addr.to_ascii_lowercase())));
        }
        let (name, port) = match raw_trim.rsplit_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (raw_trim, None),
        };
        if let Some(p) = port {
            check_port(&format!(":{p}")).map_err(|_| err("端口不正确"))?;
        }
        let name = name.strip_suffix('.').unwrap_or(name);
        if name.is_empty() || name.len() > Self::MAX_LEN {
            return Err(err("域名须为 1–253 个字符"));
        }
        if !valid_labels(name) {
            return Err(err("域名的每一段须为 1–63 个字母、数字，可在中间用连字符"));
        }
        Ok(Host(name.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The common case without allocating: when `raw` is a host name `parse` accepts and
    /// leaves as it is (lower case, no trailing dot or spaces) with at most a valid `:port`,
    /// returns the name and the port part (`""` or `":8080"`). `None` means "ask `parse`"
    /// (which may still accept it, normalised), not "invalid".
    pub fn normal_parts(raw: &str) -> Option<(&str, &str)> {
        let (name, port) = match raw.find(':') {
            Some(i) => raw.split_at(i),
            None => (raw, ""),
        };
        let normal_name = name.len() <= Self::MAX_LEN
            && !name.bytes().any(|b| b.is_ascii_uppercase())
            && valid_labels(name);
        let plain_port = port.len() < 2 || port[1..].bytes().all(|b| b.is_ascii_digit());
        (normal_name && plain_port && port != ":" && check_port(port).is_ok())
            .then_some((name, port))
    }

    /// Whether this host is `suffix` itself or a name under it (`www.x.localhost` under `x.localhost`).
    pub fn is_under(&self, suffix: &Host) -> bool {
        self.0 == suffix.0
            || (self.0.len() > suffix.0.len()
                && self.0.ends_with(&suffix.0)
                && self.0.as_bytes()[self.0.len() - suffix.0.len() - 1] == b'.')
    }
}

/// Accepts "" or ":N" with N a port number 1-65535.
fn check_port(after: &str) -> Result<(), ()> {
    match after {
        "" => Ok(()),
        p => match p.strip_prefix(':').map(str::parse::<u16>) {
            Some(Ok(n)) if n > 0 => Ok(()),
            _ => Err(()),
        },
    }
}

/// Dot-separated DNS labels of 1-63 characters a-z (either case), 0-9, `_` and inner
/// hyphens; so no empty name, no empty label and no trailing dot.
fn valid_labels(name: &str) -> bool {
    name.split('.').all(|label| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !label.starts_with('-')
            && !label.ends_with('-')
    })
}

/// Lets maps keyed by `Host` be searched with a `&str` (see `Host::normal_parts`).
impl std::borrow::Borrow<str> for Host {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_parts_agree_with_parse_or_defer_to_it() {
        for raw in [
            "www.haichuan.localhost",
            "www.haichuan.localhost:18082",
            "127.0.0.1:3000",
            "a_b.localhost:1",
        ] {
            let (name, port) = Host::normal_parts(raw).expect(raw);
            assert_eq!(name, Host::parse(raw).unwrap().as_str(), "{raw}");
            assert_eq!(format!("{name}{port}"), raw);
        }
        // Anything parse would change or refuse is left to parse.
        for raw in [
            "WWW.haichuan.localhost",
            "www.haichuan.localhost.",
            " www.haichuan.localhost",
            "www.haichuan.localhost:",
            "www.haichuan.localhost:0",
            "www.haichuan.localhost:65536",
            "www.haichuan.localhost:+80",
            "www.haichuan.localhost:80:80",
            "[::1]:80",
            "",
            "a..b.localhost",
            "-a.localhost:80",
        ] {
            assert_eq!(Host::normal_parts(raw), None, "{raw}");
        }
    }

    #[test]
    fn hosts_normalise_case_port_and_trailing_dot() {
        let cases = [
            ("www.haichuan.localhost", "www.haichuan.localhost"),
            ("WWW.HaiChuan.LocalHost", "www.haichuan.localhost"),
            ("www.haichuan.localhost:8080", "www.haichuan.localhost"),
            ("www.haichuan.localhost.", "www.haichuan.localhost"),
            ("www.haichuan.localhost.:443", "www.haichuan.localhost"),
            ("  fgw.haichuan.localhost ", "fgw.haichuan.localhost"),
            ("127.0.0.1:3000", "127.0.0.1"),
            ("[::1]:3000", "[::1]"),
            ("[FE80::1]", "[fe80::1]"),
            ("localhost", "localhost"),
        ];
        for (raw, want) in cases {
            assert_eq!(Host::parse(raw).map(|h| h.0), Ok(want.to_owned()), "{raw}");
        }
    }

    #[test]
    fn malformed_hosts_are_refused() {
        let long = format!("{}.com", "a".repeat(260));
        let long_label = format!("{}.com", "a".repeat(64));
        for bad in [
            "",
            " ",
            "a b",
            "a..b",
            ".a",
            "a:",
            "a:0",
            "a:99999",
            "a:8o",
            "exa mple.com",
            "-a.com",
            "a-.com",
            "a/b",
            "a\\b",
            "a@b",
            "[::1",
            "[zz]",
            "[]",
            "中文.com",
            &long,
            &long_label,
            "a:1:2",
        ] {
            assert!(Host::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn is_under_matches_whole_labels_only() {
        let suffix = Host::parse("haichuan.localhost").unwrap();
        assert!(
            Host::parse("www.haichuan.localhost")
                .unwrap()
                .is_under(&suffix)
        );
        assert!(Host::parse("haichuan.localhost").unwrap().is_under(&suffix));
        assert!(
            !Host::parse("evilhaichuan.localhost")
                .unwrap()
                .is_under(&suffix)
        );
        assert!(!Host::parse("localhost").unwrap().is_under(&suffix));
    }
}
