//! Sign-in rules: the password policy, the delays after repeated failures, session lifetimes.
//! Times are Unix seconds passed in by the caller.

/// A sign-in name: 3-64 characters `a-z`, `0-9`, `.`, `_`, `-`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct LoginName(String);

impl LoginName {
    /// Parses a login case-insensitively (stored lower-case).
    pub fn parse(s: &str) -> Result<LoginName, crate::ParseError> {
        let lower = s.trim().to_ascii_lowercase();
        let ok = (3..=64).contains(&lower.len())
            && lower.starts_with(|c: char| c.is_ascii_lowercase())
            && lower
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if ok {
            Ok(LoginName(lower))
        } else {
            Err(crate::ParseError::new(
                "登录名",
                "请用 3–64 个小写字母、数字或 . _ -，以字母开头",
                s,
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LoginName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Longest display name of an account, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 64;

/// An account's display name, trimmed: 1 to [`MAX_DISPLAY_NAME_CHARS`] characters, none of
/// them a control character (it is shown in pages, audit rows and mails).
pub fn display_name(s: &str) -> Result<String, &'static str> {
    let name = s.trim();
    if name.is_empty() {
        Err("请填写姓名")
    } else if name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        Err("姓名不能超过 64 个字")
    } else if name.chars().any(char::is_control) {
        Err("姓名不能包含控制字符")
    } else {
        Ok(name.to_owned())
    }
}

/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest accepted password, in bytes (argon2 takes any length; this bounds the work).
pub const MAX_PASSWORD_BYTES: usize = 256;

/// Why a password is refused, in words a clerk understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("密码至少需要 {MIN_PASSWORD_CHARS} 个字符")]
    TooShort,
    #[error("密码过长")]
    TooLong,
    #[error("密码需要同时包含字母、数字和其他字符中的至少三类（大写字母、小写字母、数字、符号）")]
    TooSimple,
    #[error("密码不能包含登录名")]
    ContainsLogin,
}

/// Checks a new password against the policy (classified protection level 3 asks for length
/// and complexity): at least 12 characters, three of four character classes, not the login.
pub fn check_password(login: &str, password: &str) -> Result<(), PasswordProblem> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordProblem::TooLong);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|&&b| b).count() < 3 {
        return Err(PasswordProblem::TooSimple);
    }
    if !login.is_empty() && password.to_lowercase().contains(&login.to_lowercase()) {
        return Err(PasswordProblem::ContainsLogin);
    }
    Ok(())
}

/// How repeated sign-in failures slow down one key (an account, a recognised browser or a
/// client address): a few attempts are free, then each further attempt must wait a delay that
/// doubles up to a cap. There is no hard lock: whoever keeps guessing only ever earns the next
/// delay, and a quiet spell forgets the series. An account's owner is not locked out by a
/// stranger's guesses (their recognised browser has its own key, `DEVICE`), and one client
/// behind a proxy slows only itself (`CLIENT`, keyed by the real client address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Failures in a series before any delay.
    pub free: u32,
    /// The first delay, in seconds; doubled for each further failure.
    pub base: i64,
    /// The longest delay.
    pub cap: i64,
    /// A series is forgotten when no attempt was refused or failed for this long after the
    /// last delay ended.
    pub quiet: i64,
}

/// An account signed in to from a browser it does not recognise (the strangers' key).
pub const ACCOUNT: Throttle = Throttle {
    free: 5,
    base: 30,
    cap: 15 * 60,
    quiet: 15 * 60,
};
/// An account signed in to from a browser that signed in to it before (a device cookie).
pub const DEVICE: Throttle = Throttle {
    free: 10,
    base: 30,
    cap: 15 * 60,
    quiet: 15 * 60,
};
/// One real client address, whatever the accounts it tries.
pub const CLIENT: Throttle = Throttle {
    free: 20,
    base: 60,
    cap: 15 * 60,
    quiet: 15 * 60,
};

impl Throttle {
    /// The delay after the `count`-th failure of a series.
    pub fn delay(&self, count: u32) -> i64 {
        if count < self.free {
            return 0;
        }
        let doublings = (count - self.free).min(30);
        self.base.saturating_mul(1_i64 << doublings).min(self.cap)
    }
}

/// The sign-in failure record of one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    /// Failures in the current series.
    pub count: u32,
    /// When the series began.
    pub window_start: i64,
    /// No attempt before this time (the last failure plus its delay).
    pub locked_until: Option<i64>,
}

impl Failures {
    /// Seconds to wait before the next attempt at `now`, if any.
    pub fn wait(&self, now: i64) -> Option<i64> {
        self.locked_until.map(|t| t - now).filter(|w| *w > 0)
    }

    /// The record after one more failure at `now`.
    pub fn fail(self, now: i64, policy: &Throttle) -> Failures {
        let lapsed = self
            .locked_until
            .is_none_or(|t| now.saturating_sub(t) >= policy.quiet);
        let (count, window_start) = if self.count == 0 || lapsed {
            (1, now)
        } else {
            (self.count.saturating_add(1), self.window_start)
        };
        Failures {
            count,
            window_start,
            locked_until: Some(now.saturating_add(policy.delay(count))),
        }
    }
}

/// Whether a password set at `set_at` must be changed at `now` under a maximum age of
/// `max_age_days` (0: never; current guidance advises against forced rotation, but an office
/// whose rules demand it may set one).
pub fn password_expired(set_at: i64, now: i64, max_age_days: u32) -> bool {
    max_age_days > 0 && now.saturating_sub(set_at) >= i64::from(max_age_days) * 86_400
}

/// A session ends after this much inactivity (ASVS: 30 minutes idle).
pub const SESSION_IDLE: i64 = 30 * 60;
/// …and after this long in any case (ASVS: 12 hours absolute).
pub const SESSION_ABSOLUTE: i64 = 12 * 60 * 60;

/// Whether a session created at `created` and last used at `last_seen` is still valid at `now`.
pub fn session_valid(created: i64, last_seen: i64, now: i64) -> bool {
    now >= created && now - last_seen < SESSION_IDLE && now - created < SESSION_ABSOLUTE
}

/// Whether an audited action is administrative (the security report lists them): sites and
/// their settings, accounts, roles, second factors, unlocks, tokens, certificates, broadcasts,
/// columns, channels, calendars, clocks, the lexicon and the integrity repairs.
pub fn is_administrative(action: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "tenant.",
        "site.",
        "role.",
        "user.",
        "mfa.",
        "login.unlock",
        "token.",
        "tls.",
        "broadcast.",
        "column.",
        "channel.",
        "calendar.",
        "clock_rules.",
        "lexicon.add",
        "lexicon.delete",
        "mailbox.",
        "integrity.",
    ];
    PREFIXES.iter().any(|p| action.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_trimmed_bounded_and_printable() {
        let long = "张".repeat(MAX_DISPLAY_NAME_CHARS);
        let cases = [
            (" 王小明 ", Ok("王小明".to_owned())),
            (long.as_str(), Ok(long.clone())),
            ("", Err("请填写姓名")),
            ("   ", Err("请填写姓名")),
            ("王\u{0}明", Err("姓名不能包含控制字符")),
            ("王\n明", Err("姓名不能包含控制字符")),
        ];
        for (input, want) in cases {
            assert_eq!(display_name(input), want, "{input:?}");
        }
        assert_eq!(
            display_name(&format!("{long}张")),
            Err("姓名不能超过 64 个字")
        );
    }

    #[test]
    fn the_password_policy_refuses_weak_passwords() {
        let cases = [
            ("zhang", "Short1!", Err(PasswordProblem::TooShort)),
            (
                "zhang",
                "alllowercaseletters",
                Err(PasswordProblem::TooSimple),
            ),
            (
                "zhang",
                "lowercase12345678",
                Err(PasswordProblem::TooSimple),
            ),
            (
                "zhang",
                "Zhang-Office-2026",
                Err(PasswordProblem::ContainsLogin),
            ),
            ("zhang", "Haichuan-Office-2026", Ok(())),
            ("zhang", "海川市人民政府办公厅Ab1", Ok(())),
            ("zhang", "abcDEF123456", Ok(())),
        ];
        for (login, pw, want) in cases {
            assert_eq!(check_password(login, pw), want, "{pw}");
        }
        assert_eq!(
            check_password("x", &"aA1!".repeat(100)),
            Err(PasswordProblem::TooLong)
        );
    }

    #[test]
    fn logins_are_lower_case_names() {
        assert_eq!(
            LoginName::parse("Zhang.Wei").map(|l| l.0),
            Ok("zhang.wei".into())
        );
        for bad in ["ab", "1abc", "zhang wei", "张伟", "a@b.c", &"a".repeat(65)] {
            assert!(LoginName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn delays_start_after_the_free_attempts_and_double_up_to_the_cap() {
        for (policy, count, delay) in [
            (ACCOUNT, 1, 0),
            (ACCOUNT, 4, 0),
            (ACCOUNT, 5, 30),
            (ACCOUNT, 6, 60),
            (ACCOUNT, 9, 480),
            (ACCOUNT, 10, 900),
            (ACCOUNT, 1_000, 900),
            (ACCOUNT, u32::MAX, 900),
            (DEVICE, 9, 0),
            (DEVICE, 10, 30),
            (CLIENT, 19, 0),
            (CLIENT, 20, 60),
            (CLIENT, 24, 900),
        ] {
            assert_eq!(policy.delay(count), delay, "{policy:?} after {count}");
        }
    }

    #[test]
    fn a_failure_series_waits_only_its_delay_and_never_locks_for_good() {
        let mut f = Failures::default();
        for i in 0..4 {
            f = f.fail(1000 + i, &ACCOUNT);
            assert_eq!(f.wait(1000 + i), None, "after {} failures", i + 1);
        }
        f = f.fail(1010, &ACCOUNT);
        assert_eq!(f.wait(1010), Some(30));
        assert_eq!(f.wait(1039), Some(1));
        assert_eq!(f.wait(1040), None, "the delay ends by itself");
        // Guessing on earns the next delay, never more than the cap.
        let mut t = 1040;
        for _ in 0..20 {
            f = f.fail(t, &ACCOUNT);
            let w = f.wait(t).unwrap();
            assert!(w <= ACCOUNT.cap);
            t += w;
        }
        assert_eq!(f.wait(t), None);
    }

    #[test]
    fn a_quiet_spell_after_the_last_delay_starts_a_new_series() {
        for (gap, count) in [(0, 6), (ACCOUNT.quiet - 1, 6), (ACCOUNT.quiet, 1)] {
            let mut f = Failures::default();
            for i in 0..5 {
                f = f.fail(i, &ACCOUNT);
            }
            let end = f.locked_until.unwrap();
            f = f.fail(end + gap, &ACCOUNT);
            assert_eq!(f.count, count, "gap {gap}");
        }
    }

    #[test]
    fn a_password_expires_only_under_a_maximum_age() {
        let day = 86_400;
        for (set_at, now, max, want) in [
            (0, 10_000 * day, 0, false),
            (0, 89 * day, 90, false),
            (0, 90 * day - 1, 90, false),
            (0, 90 * day, 90, true),
            (5 * day, 94 * day, 90, false),
        ] {
            assert_eq!(
                password_expired(set_at, now, max),
                want,
                "{set_at} {now} {max}"
            );
        }
    }

    #[test]
    fn sessions_expire_when_idle_or_old() {
        assert!(session_valid(0, 0, 60));
        assert!(!session_valid(0, 0, SESSION_IDLE), "idle");
        assert!(session_valid(
            0,
            SESSION_ABSOLUTE - 60,
            SESSION_ABSOLUTE - 1
        ));
        assert!(
            !session_valid(0, SESSION_ABSOLUTE - 60, SESSION_ABSOLUTE),
            "absolute"
        );
        assert!(!session_valid(100, 100, 50), "from the future");
    }

    #[test]
    fn administrative_actions_are_told_from_editorial_and_public_ones() {
        for a in [
            "tenant.suspend",
            "role.bind",
            "mfa.reset",
            "login.unlock",
            "tls.certificate.put",
            "tenant.https_on",
            "integrity.restore",
            "token.create",
        ] {
            assert!(is_administrative(a), "{a}");
        }
        for a in [
            "article.edit",
            "login",
            "login.failed",
            "submission.adopt",
            "case.file_download",
            "password.change",
            "lexicon.scan",
        ] {
            assert!(!is_administrative(a), "{a}");
        }
    }
}
