//! Cross-tenant information reporting (信息报送): units send items up a channel to the portal
//! or their parent; the receiving board adopts (采用), returns or rejects them.
//!
//! ```text
//! Submitted ──adopt──▶ Adopted          (final: the receiver now has an article)
//!     │ ──reject(reason)──▶ Rejected     (final)
//!     │ ──return(comment)──▶ Returned ──resubmit──▶ Submitted
//!     └ ──withdraw──▶ Withdrawn ──resubmit──▶ Submitted
//! ```
//!
//! Who may send on a channel is decided by `may_send`; statistics helpers (`median`, `rate`)
//! are here so the figures are the same in the console, the API and the CSV.

use crate::{TenantId, TenantKind, named_enum};

named_enum!(
    /// Where a submission stands.
    SubmissionState, "报送状态" {
        Submitted = "submitted",
        Withdrawn = "withdrawn",
        Returned = "returned",
        Adopted = "adopted",
        Rejected = "rejected",
    }
);

impl SubmissionState {
    /// Chinese label for the console.
    pub fn label(self) -> &'static str {
        match self {
            SubmissionState::Submitted => "待处理",
            SubmissionState::Withdrawn => "已撤回",
            SubmissionState::Returned => "已退回",
            SubmissionState::Adopted => "已采用",
            SubmissionState::Rejected => "未采用",
        }
    }

    /// A decision has been made and nothing more can happen.
    pub fn is_final(self) -> bool {
        matches!(self, SubmissionState::Adopted | SubmissionState::Rejected)
    }
}

/// Something that happens to a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmissionEvent {
    /// The sender takes it back before a decision.
    Withdraw,
    /// The sender sends a returned or withdrawn item again.
    Resubmit,
    /// The receiver adopts it.
    Adopt,
    /// The receiver sends it back with a comment.
    Return { comment: String },
    /// The receiver declines it with a reason.
    Reject { reason: String },
}

impl SubmissionEvent {
    pub fn name(&self) -> &'static str {
        match self {
            SubmissionEvent::Withdraw => "withdraw",
            SubmissionEvent::Resubmit => "resubmit",
            SubmissionEvent::Adopt => "adopt",
            SubmissionEvent::Return { .. } => "return",
            SubmissionEvent::Reject { .. } => "reject",
        }
    }

    /// Whether the sending side (rather than the receiving board) does this.
    pub fn by_sender(&self) -> bool {
        matches!(self, SubmissionEvent::Withdraw | SubmissionEvent::Resubmit)
    }
}

/// A step the flow does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionError {
    #[error("cannot {event} a submission that is {state}")]
    NotAllowed {
        event: &'static str,
        state: SubmissionState,
    },
    #[error("returning or rejecting needs a comment for the sender")]
    CommentRequired,
}

/// The state after `event`, or why it cannot happen.
pub fn transition(
    state: SubmissionState,
    event: &SubmissionEvent,
) -> Result<SubmissionState, SubmissionError> {
    use SubmissionState::*;
    match (state, event) {
        (Submitted, SubmissionEvent::Withdraw) => Ok(Withdrawn),
        (Returned | Withdrawn, SubmissionEvent::Resubmit) => Ok(Submitted),
        (Submitted, SubmissionEvent::Adopt) => Ok(Adopted),
        (
            Submitted,
            SubmissionEvent::Return { comment } | SubmissionEvent::Reject { reason: comment },
        ) if comment.trim().is_empty() => Err(SubmissionError::CommentRequired),
        (Submitted, SubmissionEvent::Return { .. }) => Ok(Returned),
        (Submitted, SubmissionEvent::Reject { .. }) => Ok(Rejected),
        _ => Err(SubmissionError::NotAllowed {
            event: event.name(),
            state,
        }),
    }
}

/// Which tenants may send on a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Senders {
    /// Every tenant of a kind, e.g. all departments.
    Kind(TenantKind),
    /// The children of one tenant of a kind, e.g. the towns of one district.
    ChildrenOf(TenantId, TenantKind),
}

/// What `may_send` needs to know of a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    pub id: TenantId,
    pub kind: TenantKind,
    pub parent: Option<TenantId>,
}

/// Whether `unit` may send on a channel with `senders` to `receiver` (never to itself).
pub fn may_send(senders: Senders, receiver: TenantId, unit: Unit) -> bool {
    if unit.id == receiver {
        return false;
    }
    match senders {
        Senders::Kind(kind) => unit.kind == kind,
        Senders::ChildrenOf(parent, kind) => unit.kind == kind && unit.parent == Some(parent),
    }
}

/// The median of some durations in seconds (the mean of the middle two for an even count).
pub fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2
    })
}

/// Adopted as a share of decided-or-pending submissions, in percent with one decimal.
pub fn rate(adopted: u64, submitted: u64) -> f64 {
    if submitted == 0 {
        0.0
    } else {
        (adopted as f64 * 1000.0 / submitted as f64).round() / 10.0
    }
}

/// Where an adopted item ended up on the receiving site, which is what it is worth: the
/// portal's 要闻 counts for more than a list column, and an item adopted but kept off the
/// site (as material, or withdrawn since) for least.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AdoptionPlace {
    /// Published in the receiver's news column (要闻).
    Headline,
    /// Published in another of its columns.
    Column,
    /// Adopted, not on the site (a draft there, withdrawn, or deleted since).
    Kept,
}

impl AdoptionPlace {
    pub const ALL: [AdoptionPlace; 3] = [
        AdoptionPlace::Headline,
        AdoptionPlace::Column,
        AdoptionPlace::Kept,
    ];

    /// Where an adopted item is: `public` whether its article is on the site now, `news`
    /// whether it is in the receiver's news column.
    pub fn of(public: bool, news: bool) -> AdoptionPlace {
        match (public, news) {
            (true, true) => AdoptionPlace::Headline,
            (true, false) => AdoptionPlace::Column,
            (false, _) => AdoptionPlace::Kept,
        }
    }

    /// Points an adoption here scores (报送积分).
    pub fn points(self) -> u64 {
        match self {
            AdoptionPlace::Headline => 3,
            AdoptionPlace::Column => 2,
            AdoptionPlace::Kept => 1,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AdoptionPlace::Headline => "要闻采用",
            AdoptionPlace::Column => "栏目采用",
            AdoptionPlace::Kept => "采用未刊发",
        }
    }
}

/// The score of a unit's adoptions: each counted by the points of its place.
pub fn score(places: impl IntoIterator<Item = AdoptionPlace>) -> u64 {
    places.into_iter().map(AdoptionPlace::points).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adoption_scores_by_where_it_was_published() {
        // (on the site, in the news column, place, points)
        let cases = [
            (true, true, AdoptionPlace::Headline, 3),
            (true, false, AdoptionPlace::Column, 2),
            (false, true, AdoptionPlace::Kept, 1),
            (false, false, AdoptionPlace::Kept, 1),
        ];
        for (public, news, place, points) in cases {
            assert_eq!(AdoptionPlace::of(public, news), place);
            assert_eq!(place.points(), points);
        }
        use AdoptionPlace::*;
        assert_eq!(score([Headline, Column, Column, Kept]), 8);
        assert_eq!(score([]), 0);
    }

    use SubmissionState::*;

    fn ret(c: &str) -> SubmissionEvent {
        SubmissionEvent::Return { comment: c.into() }
    }

    #[test]
    fn every_state_and_event_has_a_defined_outcome() {
        let events = [
            SubmissionEvent::Withdraw,
            SubmissionEvent::Resubmit,
            SubmissionEvent::Adopt,
            ret("请补充图片"),
            SubmissionEvent::Reject {
                reason: "与主题无关".into(),
            },
        ];
        let expected = |s: SubmissionState, e: &SubmissionEvent| -> Option<SubmissionState> {
            match (s, e.name()) {
                (Submitted, "withdraw") => Some(Withdrawn),
                (Submitted, "adopt") => Some(Adopted),
                (Submitted, "return") => Some(Returned),
                (Submitted, "reject") => Some(Rejected),
                (Returned | Withdrawn, "resubmit") => Some(Submitted),
                _ => None,
            }
        };
        for s in SubmissionState::ALL {
            for e in &events {
                assert_eq!(transition(*s, e).ok(), expected(*s, e), "{s} {}", e.name());
            }
        }
    }

    #[test]
    fn decisions_are_final_and_returns_need_a_comment() {
        assert!(Adopted.is_final() && Rejected.is_final() && !Returned.is_final());
        assert_eq!(
            transition(Submitted, &ret("  ")),
            Err(SubmissionError::CommentRequired)
        );
        assert!(
            transition(Adopted, &SubmissionEvent::Adopt).is_err(),
            "adopted once only"
        );
        assert!(SubmissionEvent::Withdraw.by_sender() && !SubmissionEvent::Adopt.by_sender());
    }

    #[test]
    fn senders_are_matched_by_kind_and_parent() {
        let portal = TenantId(1);
        let district = TenantId(30);
        let dept = Unit {
            id: TenantId(2),
            kind: TenantKind::Department,
            parent: Some(portal),
        };
        let town = Unit {
            id: TenantId(40),
            kind: TenantKind::Town,
            parent: Some(district),
        };
        let other_town = Unit {
            id: TenantId(41),
            kind: TenantKind::Town,
            parent: Some(TenantId(31)),
        };
        let departments = Senders::Kind(TenantKind::Department);
        assert!(may_send(departments, portal, dept));
        assert!(!may_send(departments, portal, town));
        let towns = Senders::ChildrenOf(district, TenantKind::Town);
        assert!(may_send(towns, district, town));
        assert!(
            !may_send(towns, district, other_town),
            "another district's town"
        );
        assert!(!may_send(departments, dept.id, dept), "never to itself");
    }

    #[test]
    fn statistics_helpers_give_exact_figures() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2));
        assert_eq!(rate(1, 3), 33.3);
        assert_eq!(rate(0, 0), 0.0);
        assert_eq!(rate(2, 2), 100.0);
    }
}
