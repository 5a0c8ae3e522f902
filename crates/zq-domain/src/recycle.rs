//! Delete and the recycle bin (回收站): what may be deleted, what a deletion needs, and how
//! long a deleted thing can be brought back.
//!
//! Articles that are online (published, or scheduled to be) are withdrawn first, so a delete
//! never takes something off the public site by surprise; a column goes only when nothing
//! hangs on it (no sub-columns, no reporting channel delivering into it) and its articles are
//! moved to another column first (or it has none). Every delete carries a typed reason. A
//! deleted article or column is kept whole for [`DEFAULT_KEEP_DAYS`] (configurable), then
//! purged; restoring brings it back as it was — a withdrawn article stays withdrawn.

use crate::workflow::WorkflowState;

/// Days a deleted article or column can be restored, unless the configuration says otherwise.
pub const DEFAULT_KEEP_DAYS: u32 = 30;

/// Longest reason for a delete, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// Why something cannot be deleted (or restored) now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the article is online ({0}): withdraw it first")]
    Online(WorkflowState),
    #[error("a reason is needed")]
    ReasonRequired,
    #[error("the reason is longer than {MAX_REASON_CHARS} characters")]
    ReasonTooLong,
    #[error("the column has {0} sub-columns")]
    HasChildren(u64),
    #[error("the column holds {0} articles and no column to move them to was chosen")]
    HasArticles(u64),
    #[error("the articles cannot move into the column being deleted or one that takes none")]
    BadTarget,
    #[error("{0} reporting channels deliver into the column")]
    UsedByChannels(u64),
    #[error("the column it was in is gone")]
    ParentGone,
    #[error("its address {0} is taken by another column now")]
    SlugTaken(String),
}

/// Whether an article in `state` may be deleted.
pub fn article_deletable(state: WorkflowState) -> Result<(), Refusal> {
    match state {
        WorkflowState::Published | WorkflowState::Scheduled => Err(Refusal::Online(state)),
        _ => Ok(()),
    }
}

/// The reason as stored, or why it is refused.
pub fn reason(text: &str) -> Result<String, Refusal> {
    let t = text.trim();
    if t.is_empty() {
        Err(Refusal::ReasonRequired)
    } else if t.chars().count() > MAX_REASON_CHARS {
        Err(Refusal::ReasonTooLong)
    } else {
        Ok(t.to_owned())
    }
}

/// What hangs on a column about to be deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ColumnLoad {
    pub children: u64,
    pub articles: u64,
    pub channels: u64,
}

/// Whether a column with `load` may be deleted, its articles going to `move_to` (`Some(ok)`:
/// a target was chosen; `ok` says it is another column that takes articles).
pub fn column_deletable(load: ColumnLoad, move_to: Option<bool>) -> Result<(), Refusal> {
    if load.children > 0 {
        return Err(Refusal::HasChildren(load.children));
    }
    if load.channels > 0 {
        return Err(Refusal::UsedByChannels(load.channels));
    }
    match move_to {
        Some(false) => Err(Refusal::BadTarget),
        None if load.articles > 0 => Err(Refusal::HasArticles(load.articles)),
        _ => Ok(()),
    }
}

/// Whether something deleted at `deleted_at` (Unix seconds) is past keeping at `now`.
pub fn purge_due(deleted_at: i64, now: i64, keep_days: u32) -> bool {
    now - deleted_at >= i64::from(keep_days) * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_articles_that_are_not_online_can_be_deleted() {
        for (state, ok) in [
            (WorkflowState::Draft, true),
            (WorkflowState::PendingReview, true),
            (WorkflowState::Returned, true),
            (WorkflowState::Withdrawn, true),
            (WorkflowState::Published, false),
            (WorkflowState::Scheduled, false),
        ] {
            assert_eq!(article_deletable(state).is_ok(), ok, "{state:?}");
        }
    }

    #[test]
    fn a_column_goes_only_when_nothing_hangs_on_it() {
        let load = |children, articles, channels| ColumnLoad {
            children,
            articles,
            channels,
        };
        let cases = [
            (load(0, 0, 0), None, Ok(())),
            (load(0, 5, 0), None, Err(Refusal::HasArticles(5))),
            (load(0, 5, 0), Some(true), Ok(())),
            (load(0, 5, 0), Some(false), Err(Refusal::BadTarget)),
            (load(2, 0, 0), None, Err(Refusal::HasChildren(2))),
            (load(0, 0, 1), Some(true), Err(Refusal::UsedByChannels(1))),
        ];
        for (l, target, want) in cases {
            assert_eq!(column_deletable(l, target), want, "{l:?} {target:?}");
        }
    }

    #[test]
    fn a_reason_is_required_and_bounded() {
        assert_eq!(reason("  "), Err(Refusal::ReasonRequired));
        assert_eq!(reason(" 重复发布 "), Ok("重复发布".into()));
        assert_eq!(
            reason(&"长".repeat(MAX_REASON_CHARS + 1)),
            Err(Refusal::ReasonTooLong)
        );
    }

    #[test]
    fn deleted_things_are_kept_for_the_configured_days() {
        let day = 86_400;
        assert!(!purge_due(0, 29 * day, DEFAULT_KEEP_DAYS));
        assert!(purge_due(0, 30 * day, DEFAULT_KEEP_DAYS));
        assert!(purge_due(0, 2 * day, 1));
    }
}
