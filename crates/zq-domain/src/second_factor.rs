//! The second sign-in factor's rules: which roles must have one (等保 level 3 asks two factors
//! of administrators; `security.second_factor_roles`), how recovery codes look and how a typed
//! code is read, and which TOTP time steps (RFC 6238, 30 s) a code may match. The TOTP
//! computation itself is a library's (`zq_services::second_factor`).

use crate::access::{ClusterRole, Grants, TenantRole};

/// A role that may be required to use a second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Cluster(ClusterRole),
    Tenant(TenantRole),
}

/// The roles whose holders must sign in with a second factor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequiredRoles(Vec<Role>);

impl RequiredRoles {
    /// The default: the office's administrators, site admins and reviewers (whoever can
    /// publish or change who can).
    pub fn default_set() -> RequiredRoles {
        RequiredRoles(vec![
            Role::Cluster(ClusterRole::ClusterAdmin),
            Role::Tenant(TenantRole::SiteAdmin),
            Role::Tenant(TenantRole::Reviewer),
        ])
    }

    /// Parses role names separated by commas or spaces (`cluster_admin, site_admin`); empty:
    /// nobody must. The message names the first unknown role.
    pub fn parse(list: &str) -> Result<RequiredRoles, String> {
        list.split([',', ' ', '，'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<ClusterRole>()
                    .map(Role::Cluster)
                    .or_else(|_| s.parse::<TenantRole>().map(Role::Tenant))
                    .map_err(|_| {
                        format!(
                            "unknown role “{s}” (cluster_admin, operator, site_admin, editor, reviewer)"
                        )
                    })
            })
            .collect::<Result<_, _>>()
            .map(RequiredRoles)
    }

    /// Whether an account holding `grants` must use a second factor.
    pub fn required(&self, grants: &Grants) -> bool {
        self.0.iter().any(|role| match role {
            Role::Cluster(c) => grants.cluster == Some(*c),
            Role::Tenant(t) => grants.bindings.iter().any(|(_, r)| r == t),
        })
    }
}

/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code: no look-alikes (no 0/o, 1/l/i).
pub const RECOVERY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
/// Characters of a recovery code, shown as two groups of five (`abcde-fghjk`).
pub const RECOVERY_LEN: usize = 10;

/// A recovery code from random bytes (one character per byte).
pub fn recovery_code(random: &[u8; RECOVERY_LEN]) -> String {
    let chars: String = random
        .iter()
        .map(|b| RECOVERY_ALPHABET[usize::from(*b) % RECOVERY_ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// What a person typed in the code field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// Six digits of the authenticator app.
    Totp(String),
    /// A recovery code, normalised (lower case, no separators).
    Recovery(String),
    /// Neither.
    Invalid,
}

/// Reads a typed code: spaces and hyphens ignored, case ignored; full-width digits (a Chinese
/// input method) read as digits.
pub fn read_code(typed: &str) -> Typed {
    let s: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '－' | '—'))
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            c => c.to_ascii_lowercase(),
        })
        .collect();
    if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        Typed::Totp(s)
    } else if s.len() == RECOVERY_LEN && s.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
        Typed::Recovery(s)
    } else {
        Typed::Invalid
    }
}

/// The TOTP time step length, in seconds.
pub const STEP: i64 = 30;

/// The steps a code typed at `now` may match, newest first: this one and the one before
/// (a code typed just as it changed) and the next (a phone's clock a little ahead), never a
/// step at or before `last_used` (a code is accepted once).
pub fn candidate_steps(now: i64, last_used: i64) -> Vec<i64> {
    let current = now.div_euclid(STEP);
    [current + 1, current, current - 1]
        .into_iter()
        .filter(|s| *s > last_used)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TenantId;

    #[test]
    fn the_required_roles_decide_by_any_role_held() {
        let office = Grants {
            cluster: Some(ClusterRole::ClusterAdmin),
            bindings: vec![],
        };
        let ops = Grants {
            cluster: Some(ClusterRole::Operator),
            bindings: vec![],
        };
        let editor = Grants {
            cluster: None,
            bindings: vec![(TenantId(1), TenantRole::Editor)],
        };
        let editor_and_reviewer = Grants {
            cluster: None,
            bindings: vec![
                (TenantId(1), TenantRole::Editor),
                (TenantId(2), TenantRole::Reviewer),
            ],
        };
        let default = RequiredRoles::default_set();
        let none = RequiredRoles::parse("").unwrap();
        let all =
            RequiredRoles::parse("cluster_admin, operator site_admin，editor,reviewer").unwrap();
        for (roles, grants, want) in [
            (&default, &office, true),
            (&default, &ops, false),
            (&default, &editor, false),
            (&default, &editor_and_reviewer, true),
            (&none, &office, false),
            (&all, &ops, true),
            (&all, &editor, true),
        ] {
            assert_eq!(roles.required(grants), want, "{roles:?} {grants:?}");
        }
        assert!(
            RequiredRoles::parse("cluster_admin, boss")
                .unwrap_err()
                .contains("boss")
        );
    }

    #[test]
    fn typed_codes_are_read_forgivingly() {
        for (typed, want) in [
            ("123456", Typed::Totp("123456".into())),
            (" 123 456 ", Typed::Totp("123456".into())),
            ("１２３４５６", Typed::Totp("123456".into())),
            ("ABCDE-FGHJK", Typed::Recovery("abcdefghjk".into())),
            ("abcde fghjk", Typed::Recovery("abcdefghjk".into())),
            ("12345", Typed::Invalid),
            ("1234567", Typed::Invalid),
            ("abcde-fghj1", Typed::Invalid),
            ("", Typed::Invalid),
        ] {
            assert_eq!(read_code(typed), want, "{typed:?}");
        }
    }

    #[test]
    fn recovery_codes_use_the_unambiguous_alphabet_and_read_back() {
        let code = recovery_code(&[0, 1, 2, 3, 4, 30, 31, 32, 200, 255]);
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        let Typed::Recovery(read) = read_code(&code) else {
            panic!("{code} does not read back");
        };
        assert_eq!(read, code.replace('-', ""));
    }

    #[test]
    fn a_code_may_match_the_neighbouring_steps_but_never_one_already_used() {
        // now = step 100 (3000..3029 s).
        for (now, last, want) in [
            (3000, 0, vec![101, 100, 99]),
            (3029, 99, vec![101, 100]),
            (3000, 100, vec![101]),
            (3000, 101, vec![]),
        ] {
            assert_eq!(candidate_steps(now, last), want, "{now} {last}");
        }
    }
}
