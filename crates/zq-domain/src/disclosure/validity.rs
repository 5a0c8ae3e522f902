//! 有效性 of a policy document: in force (有效), amended (已修订), lapsed (失效) or repealed
//! (废止). Inspectors check that a document no longer in force says so on its own page, with the
//! date and, when there is one, a link to the document that replaced it; a document whose stated
//! validity period has passed is flagged by a job until a clerk marks it lapsed. What may follow
//! what: a document in force may be amended, lapse or be repealed; an amended one may later lapse
//! or be repealed; lapsed and repealed are final (a document brought back is a new document).

use chrono::NaiveDate;

/// The state of a policy document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    InForce,
    Amended,
    Lapsed,
    Repealed,
}

impl Validity {
    pub const ALL: [Validity; 4] = [
        Validity::InForce,
        Validity::Amended,
        Validity::Lapsed,
        Validity::Repealed,
    ];

    /// As the metadata table shows it.
    pub fn label(self) -> &'static str {
        match self {
            Validity::InForce => "有效",
            Validity::Amended => "已修订",
            Validity::Lapsed => "失效",
            Validity::Repealed => "废止",
        }
    }

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Validity::InForce => "in_force",
            Validity::Amended => "amended",
            Validity::Lapsed => "lapsed",
            Validity::Repealed => "repealed",
        }
    }

    pub fn parse(s: &str) -> Option<Validity> {
        Validity::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether a document in this state may be marked `next`.
    pub fn may_become(self, next: Validity) -> bool {
        use Validity::*;
        matches!(
            (self, next),
            (InForce, Amended | Lapsed | Repealed) | (Amended, Lapsed | Repealed)
        )
    }

    /// Whether a successor document must be named (an amendment or a repeal by a new text;
    /// a lapse needs none).
    pub fn names_successor(self) -> bool {
        matches!(self, Validity::Amended)
    }
}

/// A change of state as a clerk asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub to: Validity,
    /// Since when.
    pub on: NaiveDate,
    /// The title of the document that amends or replaces it, if any.
    pub successor: Option<String>,
}

/// Why a change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidityError {
    #[error("“{from}”的文件不能改为“{to}”")]
    NotAllowed {
        from: &'static str,
        to: &'static str,
    },
    #[error("标为“已修订”须指明修订后的文件")]
    SuccessorMissing,
    #[error("生效变化日期不能早于成文日期（{0}）")]
    BeforeWritten(NaiveDate),
}

/// Checks `change` of a document now in `state`, written on `written`.
pub fn check(
    state: Validity,
    written: Option<NaiveDate>,
    change: &Change,
) -> Result<(), ValidityError> {
    if !state.may_become(change.to) {
        return Err(ValidityError::NotAllowed {
            from: state.label(),
            to: change.to.label(),
        });
    }
    if change.to.names_successor()
        && change
            .successor
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
    {
        return Err(ValidityError::SuccessorMissing);
    }
    if let Some(w) = written
        && change.on < w
    {
        return Err(ValidityError::BeforeWritten(w));
    }
    Ok(())
}

/// The notice on the page of a document no longer (fully) in force; `None` when in force.
pub fn notice(state: Validity, on: Option<NaiveDate>, successor: Option<&str>) -> Option<String> {
    let when = on
        .map(|d| d.format("%Y年%-m月%-d日").to_string())
        .unwrap_or_default();
    let then = successor
        .filter(|s| !s.trim().is_empty())
        .map(|s| format!("，请以《{}》为准", s.trim_matches(['《', '》'])))
        .unwrap_or_default();
    match state {
        Validity::InForce => None,
        Validity::Amended => Some(format!("本文件已于{when}修订{then}。")),
        Validity::Lapsed => Some(format!("本文件已于{when}失效{then}。")),
        Validity::Repealed => Some(format!("本文件已于{when}废止{then}。")),
    }
}

/// Whether a document in force whose stated validity ends on `valid_until` has lapsed by
/// `today` (the job flags it for a clerk; it never changes a document by itself).
pub fn overdue(state: Validity, valid_until: Option<NaiveDate>, today: NaiveDate) -> bool {
    state == Validity::InForce && valid_until.is_some_and(|d| d < today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Validity::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn only_the_allowed_changes_are_allowed() {
        let allowed = [
            (InForce, Amended),
            (InForce, Lapsed),
            (InForce, Repealed),
            (Amended, Lapsed),
            (Amended, Repealed),
        ];
        for from in Validity::ALL {
            for to in Validity::ALL {
                assert_eq!(
                    from.may_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} → {to:?}"
                );
            }
        }
        for v in Validity::ALL {
            assert_eq!(Validity::parse(v.as_str()), Some(v));
        }
    }

    #[test]
    fn a_change_is_checked_for_its_successor_and_date() {
        let change = |to, on, successor: Option<&str>| Change {
            to,
            on,
            successor: successor.map(str::to_owned),
        };
        let written = Some(day(2025, 3, 1));
        for (state, c, expected) in [
            (InForce, change(Repealed, day(2026, 1, 1), None), Ok(())),
            (
                InForce,
                change(Amended, day(2026, 1, 1), Some("新办法")),
                Ok(()),
            ),
            (
                InForce,
                change(Amended, day(2026, 1, 1), Some("  ")),
                Err(ValidityError::SuccessorMissing),
            ),
            (
                InForce,
                change(Lapsed, day(2024, 1, 1), None),
                Err(ValidityError::BeforeWritten(day(2025, 3, 1))),
            ),
            (
                Repealed,
                change(InForce, day(2026, 1, 1), None),
                Err(ValidityError::NotAllowed {
                    from: "废止",
                    to: "有效",
                }),
            ),
        ] {
            assert_eq!(check(state, written, &c), expected, "{state:?} {c:?}");
        }
    }

    #[test]
    fn the_page_says_when_and_what_replaced_it() {
        assert_eq!(notice(InForce, None, None), None);
        assert_eq!(
            notice(
                Repealed,
                Some(day(2026, 3, 1)),
                Some("《海川市养老服务条例》")
            )
            .as_deref(),
            Some("本文件已于2026年3月1日废止，请以《海川市养老服务条例》为准。")
        );
        assert_eq!(
            notice(Lapsed, Some(day(2026, 12, 31)), None).as_deref(),
            Some("本文件已于2026年12月31日失效。")
        );
    }

    #[test]
    fn a_passed_validity_period_is_overdue_only_while_in_force() {
        let today = day(2026, 12, 7);
        for (state, until, expected) in [
            (InForce, Some(day(2026, 12, 6)), true),
            (InForce, Some(day(2026, 12, 7)), false),
            (InForce, None, false),
            (Lapsed, Some(day(2025, 1, 1)), false),
        ] {
            assert_eq!(
                overdue(state, until, today),
                expected,
                "{state:?} {until:?}"
            );
        }
    }
}
