//! Sign-in rules: the password policy, lockout after repeated failures, session lifetimes.
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
                "login",
                "use 3-64 characters a-z, 0-9, '.', '_', '-', starting with a letter",
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

/// Failed sign-ins allowed within `FAILURE_WINDOW` before the account (or client) is locked.
pub const MAX_FAILURES: u32 = 5;
/// The window in which failures count.
pub const FAILURE_WINDOW: i64 = 15 * 60;
/// How long a lock lasts.
pub const LOCK_SECONDS: i64 = 15 * 60;

/// The sign-in failure record of an account or a client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    pub count: u32,
    /// When the first failure of the current window happened.
    pub window_start: i64,
    /// Locked until this time, if locked.
    pub locked_until: Option<i64>,
}

impl Failures {
    /// Whether sign-in is refused at `now`.
    pub fn is_locked(&self, now: i64) -> bool {
        self.locked_until.is_some_and(|t| now < t)
    }

    /// The record after one more failure at `now`.
    pub fn fail(self, now: i64) -> Failures {
        let fresh = now - self.window_start >= FAILURE_WINDOW || self.count == 0;
        let (count, window_start) = if fresh {
            (1, now)
        } else {
            (self.count + 1, self.window_start)
        };
        let locked_until = if count >= MAX_FAILURES {
            Some(now + LOCK_SECONDS)
        } else {
            self.locked_until.filter(|t| *t > now)
        };
        Failures {
            count,
            window_start,
            locked_until,
        }
    }
}

/// A session ends after this much inactivity (ASVS: 30 minutes idle).
pub const SESSION_IDLE: i64 = 30 * 60;
/// …and after this long in any case (ASVS: 12 hours absolute).
pub const SESSION_ABSOLUTE: i64 = 12 * 60 * 60;

/// Whether a session created at `created` and last used at `last_seen` is still valid at `now`.
pub fn session_valid(created: i64, last_seen: i64, now: i64) -> bool {
    now >= created && now - last_seen < SESSION_IDLE && now - created < SESSION_ABSOLUTE
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
    fn five_failures_in_fifteen_minutes_lock_for_fifteen_minutes() {
        let mut f = Failures::default();
        for i in 0..4 {
            f = f.fail(1000 + i * 60);
            assert!(!f.is_locked(1000 + i * 60), "after {} failures", i + 1);
        }
        f = f.fail(1300);
        assert!(f.is_locked(1300));
        assert!(f.is_locked(1300 + LOCK_SECONDS - 1));
        assert!(!f.is_locked(1300 + LOCK_SECONDS));
    }

    #[test]
    fn failures_outside_the_window_start_a_new_count() {
        let mut f = Failures::default();
        for i in 0..4 {
            f = f.fail(i * 60);
        }
        f = f.fail(FAILURE_WINDOW + 1);
        assert_eq!(f.count, 1);
        assert!(!f.is_locked(FAILURE_WINDOW + 1));
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
}
