//! 索引号 of the disclosure catalogue: `{机构代码}-{类别号}-{年度}-{流水号}`, e.g.
//! `11330100002508385X-01-2026-00017`. The office configures a scheme per unit (its
//! organisation code, the width of the sequence); the category code comes from the catalogue's
//! category; the sequence is per unit, category and year, assigned by the store in the
//! publishing transaction and never reused. The organisation code is usually the unit's
//! 统一社会信用代码 (GB 32100-2015: 18 characters, the last a check character), else a 9-character
//! 组织机构代码; both are checked here so a mistyped code is refused when the scheme is set.

use std::fmt;

/// A unit's numbering scheme, as the office set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    /// 统一社会信用代码 (18) or 组织机构代码 (9), upper case.
    pub org_code: String,
    /// Digits of the sequence number (3 to 8), zero-padded.
    pub width: u8,
}

/// Why a scheme or number was refused (messages for the clerk).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexNumberError {
    #[error("机构代码应为 18 位统一社会信用代码或 9 位组织机构代码，收到 {0} 位")]
    OrgCodeLength(usize),
    #[error("机构代码含有不允许的字符“{0}”（只用数字和大写字母，不用 I、O、Z、S、V）")]
    OrgCodeChar(char),
    #[error("统一社会信用代码的校验位不对：应为 {expected}，收到 {got}")]
    CreditCodeCheck { expected: char, got: char },
    #[error("类别号应为 1 到 6 位数字或字母，收到“{0}”")]
    Category(String),
    #[error("流水号位数应在 3 到 8 之间，收到 {0}")]
    Width(u8),
    #[error("年度应在 1949 到 2100 之间，收到 {0}")]
    Year(i32),
    #[error("流水号超出 {width} 位：{n}")]
    Overflow { width: u8, n: u64 },
    #[error("索引号“{0}”格式不对，应为 机构代码-类别号-年度-流水号")]
    Format(String),
}

/// The characters of a 统一社会信用代码 and their values (GB 32100-2015, table 1).
const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// The weights of its first 17 characters.
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The check character of the first 17 characters of a 统一社会信用代码.
fn credit_check(first17: &[char]) -> Result<char, IndexNumberError> {
    let mut sum = 0;
    for (c, w) in first17.iter().zip(CREDIT_WEIGHTS) {
        let v = CREDIT_CHARS
            .find(*c)
            .ok_or(IndexNumberError::OrgCodeChar(*c))?;
        sum += v as u32 * w;
    }
    let v = (31 - sum % 31) % 31;
    Ok(CREDIT_CHARS.as_bytes()[v as usize] as char)
}

/// The organisation code, trimmed and upper-cased, when it is a valid 统一社会信用代码 or has the
/// shape of a 组织机构代码.
pub fn check_org_code(code: &str) -> Result<String, IndexNumberError> {
    let code = code.trim().to_ascii_uppercase();
    let chars: Vec<char> = code.chars().collect();
    match chars.len() {
        18 => {
            if let Some(c) = chars.iter().find(|c| !CREDIT_CHARS.contains(**c)) {
                return Err(IndexNumberError::OrgCodeChar(*c));
            }
            let expected = credit_check(&chars[..17])?;
            if chars[17] != expected {
                return Err(IndexNumberError::CreditCodeCheck {
                    expected,
                    got: chars[17],
                });
            }
        }
        9 => {
            if let Some(c) = chars.iter().find(|c| !c.is_ascii_alphanumeric()) {
                return Err(IndexNumberError::OrgCodeChar(*c));
            }
        }
        n => return Err(IndexNumberError::OrgCodeLength(n)),
    }
    Ok(code)
}

/// A category code: 1 to 6 digits or capital letters.
pub fn check_category(code: &str) -> Result<&str, IndexNumberError> {
    let ok = (1..=6).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
    if ok {
        Ok(code)
    } else {
        Err(IndexNumberError::Category(code.to_owned()))
    }
}

impl Scheme {
    /// A scheme, checked.
    pub fn new(org_code: &str, width: u8) -> Result<Scheme, IndexNumberError> {
        if !(3..=8).contains(&width) {
            return Err(IndexNumberError::Width(width));
        }
        Ok(Scheme {
            org_code: check_org_code(org_code)?,
            width,
        })
    }

    /// The index number of the `n`th item (from 1) of `category` in `year`.
    pub fn format(
        &self,
        category: &str,
        year: i32,
        n: u64,
    ) -> Result<IndexNumber, IndexNumberError> {
        let category = check_category(category)?;
        if !(1949..=2100).contains(&year) {
            return Err(IndexNumberError::Year(year));
        }
        if n == 0 || n >= 10u64.pow(u32::from(self.width)) {
            return Err(IndexNumberError::Overflow {
                width: self.width,
                n,
            });
        }
        Ok(IndexNumber {
            org_code: self.org_code.clone(),
            category: category.to_owned(),
            year,
            sequence: n,
            width: self.width,
        })
    }
}

/// An index number, in parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexNumber {
    pub org_code: String,
    pub category: String,
    pub year: i32,
    pub sequence: u64,
    width: u8,
}

impl fmt::Display for IndexNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{}-{:0width$}",
            self.org_code,
            self.category,
            self.year,
            self.sequence,
            width = usize::from(self.width)
        )
    }
}

impl std::str::FromStr for IndexNumber {
    type Err = IndexNumberError;

    /// Reads an index number as printed (a typed one to look up, an imported one to keep).
    fn from_str(s: &str) -> Result<IndexNumber, IndexNumberError> {
        let bad = || IndexNumberError::Format(s.to_owned());
        let parts: Vec<&str> = s.trim().split('-').collect();
        let [org, category, year, sequence] = parts[..] else {
            return Err(bad());
        };
        let width = u8::try_from(sequence.len()).map_err(|_| bad())?;
        if !(3..=8).contains(&width) || !sequence.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let scheme = Scheme::new(org, width)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let n: u64 = sequence.parse().map_err(|_| bad())?;
        scheme.format(category, year, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_are_checked_by_their_check_character() {
        for (code, ok) in [
            // Codes whose last character is the GB 32100 check character, and broken ones.
            ("91350100M000100Y43", true),
            ("11100000000013127D", true),
            ("11100000000013127d", true),
            ("11100000000013127E", false),
            ("91350100M000100Y4", false),
            ("9135010OM000100Y43", false),
            ("MA1234567", true),
            ("MA12345-7", false),
        ] {
            assert_eq!(
                check_org_code(code).is_ok(),
                ok,
                "{code}: {:?}",
                check_org_code(code)
            );
        }
        assert_eq!(
            check_org_code("11100000000013127E"),
            Err(IndexNumberError::CreditCodeCheck {
                expected: 'D',
                got: 'E'
            })
        );
    }

    #[test]
    fn numbers_are_formatted_and_read_back() {
        let s = Scheme::new("11100000000013127d", 5).unwrap();
        let n = s.format("01", 2026, 17).unwrap();
        assert_eq!(n.to_string(), "11100000000013127D-01-2026-00017");
        assert_eq!(
            "11100000000013127D-01-2026-00017".parse::<IndexNumber>(),
            Ok(n)
        );
        for bad in [
            "11100000000013127D-01-2026",
            "11100000000013127D-01-26-00017",
            "11100000000013127D-01-2026-17",
            "11100000000013127D-x1-2026-00017",
            "11100000000013127E-01-2026-00017",
        ] {
            assert!(bad.parse::<IndexNumber>().is_err(), "{bad}");
        }
    }

    #[test]
    fn schemes_refuse_what_cannot_be_numbered() {
        let s = Scheme::new("MA1234567", 3).unwrap();
        assert_eq!(
            s.format("01", 2026, 999).unwrap().to_string(),
            "MA1234567-01-2026-999"
        );
        assert!(matches!(
            s.format("01", 2026, 1000),
            Err(IndexNumberError::Overflow { .. })
        ));
        assert!(matches!(
            s.format("01", 2026, 0),
            Err(IndexNumberError::Overflow { .. })
        ));
        assert!(matches!(
            s.format("", 2026, 1),
            Err(IndexNumberError::Category(_))
        ));
        assert!(matches!(
            s.format("ABCDEFG", 2026, 1),
            Err(IndexNumberError::Category(_))
        ));
        assert!(matches!(
            s.format("01", 1900, 1),
            Err(IndexNumberError::Year(1900))
        ));
        assert_eq!(Scheme::new("MA1234567", 2), Err(IndexNumberError::Width(2)));
        assert_eq!(
            Scheme::new("MA123", 5),
            Err(IndexNumberError::OrgCodeLength(5))
        );
    }
}
