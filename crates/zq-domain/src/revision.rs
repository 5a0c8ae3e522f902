//! Correcting a published article (修订): the correction is written and reviewed beside the
//! article while the published text stays online, then replaces it. An article has at most
//! one open correction.
//!
//! ```text
//! (none) ──save──▶ Draft ──submit──▶ PendingReview ──approve──▶ applied (the article's new version)
//!                    ▲  ◀──recall───       │
//!                    │               return(comment)
//!                    └──── save ──── Returned ──submit──▶ …
//! Draft | Returned ──apply directly──▶ applied   (where the tenant lets editors publish directly)
//! any open state ──discard──▶ (none)
//! ```
//!
//! Only a published article takes a correction; a scheduled or withdrawn one is edited in
//! place through the ordinary workflow (`crate::workflow`).

use crate::access::Action;
use crate::named_enum;
use crate::workflow::WorkflowState;

named_enum!(
    /// Where an open correction stands.
    RevisionState, "修订状态" {
        Draft = "draft",
        PendingReview = "pending_review",
        Returned = "returned",
    }
);

impl RevisionState {
    /// Chinese label for the console.
    pub fn label(self) -> &'static str {
        match self {
            RevisionState::Draft => "修订稿",
            RevisionState::PendingReview => "修订待审核",
            RevisionState::Returned => "修订已退回",
        }
    }

    /// Whether the writer may change the correction's text in this state.
    pub fn is_editable(self) -> bool {
        matches!(self, RevisionState::Draft | RevisionState::Returned)
    }
}

/// Something that happens to a correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevisionEvent {
    /// The writer saves the correction's text (opening it when there is none).
    Save,
    Submit,
    /// The writer takes a pending correction back.
    Recall,
    /// A reviewer approves: the correction replaces the published text.
    Approve,
    /// A reviewer sends it back with a comment.
    Return {
        comment: String,
    },
    /// An editor who may publish without review applies it at once.
    ApplyDirectly,
    /// The writer (or a reviewer) drops the correction; the published text is untouched.
    Discard,
}

impl RevisionEvent {
    /// The permission the event needs (see `access::allowed`).
    pub fn required_action(&self) -> Action {
        match self {
            RevisionEvent::Save
            | RevisionEvent::Submit
            | RevisionEvent::Recall
            | RevisionEvent::Discard => Action::WriteArticles,
            RevisionEvent::Approve | RevisionEvent::Return { .. } => Action::Review,
            RevisionEvent::ApplyDirectly => Action::PublishDirectly,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            RevisionEvent::Save => "save",
            RevisionEvent::Submit => "submit",
            RevisionEvent::Recall => "recall",
            RevisionEvent::Approve => "approve",
            RevisionEvent::Return { .. } => "return",
            RevisionEvent::ApplyDirectly => "apply",
            RevisionEvent::Discard => "discard",
        }
    }
}

/// What becomes of the correction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevisionOutcome {
    /// It stays open, in this state.
    Open(RevisionState),
    /// Its text becomes the article's (a new published version).
    Applied,
    /// It is gone; the article is as it was.
    Discarded,
}

/// A step the correction rules do not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevisionError {
    /// Only a published article is corrected this way.
    #[error("only a published article takes a correction (this one is {0})")]
    NotPublished(WorkflowState),
    #[error("cannot {event} a correction that is {}", state.map_or("absent", |s| s.as_str()))]
    NotAllowed {
        event: &'static str,
        state: Option<RevisionState>,
    },
    #[error("returning a correction needs a comment for the writer")]
    CommentRequired,
}

/// The outcome of `event` on the correction (`None`: there is none) of an article in
/// `article` state, or why it cannot happen.
pub fn revise(
    article: WorkflowState,
    open: Option<RevisionState>,
    event: &RevisionEvent,
) -> Result<RevisionOutcome, RevisionError> {
    use RevisionOutcome::*;
    use RevisionState::*;
    if article != WorkflowState::Published && !matches!(event, RevisionEvent::Discard) {
        return Err(RevisionError::NotPublished(article));
    }
    let refused = || RevisionError::NotAllowed {
        event: event.name(),
        state: open,
    };
    match (open, event) {
        (None, RevisionEvent::Save) => Ok(Open(Draft)),
        (Some(s), RevisionEvent::Save) if s.is_editable() => Ok(Open(s)),
        (Some(s), RevisionEvent::Submit) if s.is_editable() => Ok(Open(PendingReview)),
        (Some(PendingReview), RevisionEvent::Recall) => Ok(Open(Draft)),
        (Some(PendingReview), RevisionEvent::Approve) => Ok(Applied),
        (Some(PendingReview), RevisionEvent::Return { comment }) if comment.trim().is_empty() => {
            Err(RevisionError::CommentRequired)
        }
        (Some(PendingReview), RevisionEvent::Return { .. }) => Ok(Open(Returned)),
        (Some(s), RevisionEvent::ApplyDirectly) if s.is_editable() => Ok(Applied),
        (Some(_), RevisionEvent::Discard) => Ok(Discarded),
        _ => Err(refused()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RevisionOutcome::*;
    use RevisionState::*;

    #[test]
    fn every_correction_state_and_event_pair_has_the_expected_outcome() {
        let ret = RevisionEvent::Return {
            comment: "请核对数字".into(),
        };
        let events = [
            RevisionEvent::Save,
            RevisionEvent::Submit,
            RevisionEvent::Recall,
            RevisionEvent::Approve,
            ret,
            RevisionEvent::ApplyDirectly,
            RevisionEvent::Discard,
        ];
        // One row per correction state, outcomes in the order of `events` (None = refused).
        let table: [(Option<RevisionState>, [Option<RevisionOutcome>; 7]); 4] = [
            (
                None,
                [Some(Open(Draft)), None, None, None, None, None, None],
            ),
            (
                Some(Draft),
                [
                    Some(Open(Draft)),
                    Some(Open(PendingReview)),
                    None,
                    None,
                    None,
                    Some(Applied),
                    Some(Discarded),
                ],
            ),
            (
                Some(PendingReview),
                [
                    None,
                    None,
                    Some(Open(Draft)),
                    Some(Applied),
                    Some(Open(Returned)),
                    None,
                    Some(Discarded),
                ],
            ),
            (
                Some(Returned),
                [
                    Some(Open(Returned)),
                    Some(Open(PendingReview)),
                    None,
                    None,
                    None,
                    Some(Applied),
                    Some(Discarded),
                ],
            ),
        ];
        for (open, outcomes) in table {
            for (event, want) in events.iter().zip(outcomes) {
                let got = revise(WorkflowState::Published, open, event).ok();
                assert_eq!(got, want, "{open:?} + {event:?}");
            }
        }
    }

    #[test]
    fn only_a_published_article_takes_a_correction_but_any_can_drop_one() {
        for state in WorkflowState::ALL {
            let save = revise(*state, None, &RevisionEvent::Save);
            let want = if *state == WorkflowState::Published {
                Ok(Open(Draft))
            } else {
                Err(RevisionError::NotPublished(*state))
            };
            assert_eq!(save, want, "{state:?}");
            assert_eq!(
                revise(*state, Some(PendingReview), &RevisionEvent::Discard),
                Ok(Discarded)
            );
        }
    }

    #[test]
    fn a_return_without_a_comment_is_refused() {
        let ret = RevisionEvent::Return {
            comment: "  ".into(),
        };
        assert_eq!(
            revise(WorkflowState::Published, Some(PendingReview), &ret),
            Err(RevisionError::CommentRequired)
        );
    }

    #[test]
    fn reviewers_approve_and_return_writers_save_and_submit() {
        assert_eq!(RevisionEvent::Approve.required_action(), Action::Review);
        assert_eq!(
            RevisionEvent::Submit.required_action(),
            Action::WriteArticles
        );
        assert_eq!(
            RevisionEvent::ApplyDirectly.required_action(),
            Action::PublishDirectly
        );
    }
}
