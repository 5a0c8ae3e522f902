//! The publishing workflow of an article: nothing goes public without review, unless the
//! tenant lets its editors publish directly.
//!
//! ```text
//! Draft ──submit──▶ PendingReview ──approve──▶ Published (or Scheduled, if the time is ahead)
//!   ▲  ◀──recall───      │                         │
//!   │                 return(comment)           withdraw
//!   │                     ▼                         ▼
//!   └──── edit ──── Returned ──submit──▶ …      Withdrawn ──submit / publish directly──▶ …
//! Scheduled ──due──▶ Published;  Scheduled ──withdraw──▶ Withdrawn
//! ```
//!
//! Times are Unix seconds, passed in by the caller (no clock here).

use crate::access::Action;
use crate::named_enum;

named_enum!(
    /// Where an article stands in the workflow.
    WorkflowState, "信息状态" {
        Draft = "draft",
        PendingReview = "pending_review",
        Returned = "returned",
        Scheduled = "scheduled",
        Published = "published",
        Withdrawn = "withdrawn",
    }
);

impl WorkflowState {
    /// Only published articles are public.
    pub fn is_public(self) -> bool {
        self == WorkflowState::Published
    }

    /// Whether the text may be changed in this state.
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            WorkflowState::Draft | WorkflowState::Returned | WorkflowState::Withdrawn
        )
    }

    /// Chinese label for the console.
    pub fn label(self) -> &'static str {
        match self {
            WorkflowState::Draft => "草稿",
            WorkflowState::PendingReview => "待审核",
            WorkflowState::Returned => "已退回",
            WorkflowState::Scheduled => "定时发布",
            WorkflowState::Published => "已发布",
            WorkflowState::Withdrawn => "已撤回",
        }
    }
}

/// The permissions, any one of which lets a person move an article in `state` to another
/// column of its site: its writers while it is not on the public site (nor waiting to be),
/// and those who decide what is public (reviewers) in every state.
pub fn move_needs(state: WorkflowState) -> &'static [Action] {
    match state {
        WorkflowState::Published | WorkflowState::Scheduled | WorkflowState::PendingReview => {
            &[Action::Review, Action::Withdraw]
        }
        WorkflowState::Draft | WorkflowState::Returned | WorkflowState::Withdrawn => {
            &[Action::WriteArticles, Action::Review]
        }
    }
}

/// Something that happens to an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The writer changes the text (the state stays).
    Edit,
    /// The writer asks for review.
    Submit,
    /// The writer takes a pending article back to draft.
    Recall,
    /// A reviewer approves: publish now, or at `publish_at` if that is later than `now`.
    Approve { now: i64, publish_at: Option<i64> },
    /// A reviewer sends it back with a comment.
    Return { comment: String },
    /// An editor publishes without review (only where the tenant allows it).
    PublishDirectly { now: i64, publish_at: Option<i64> },
    /// A published or scheduled article leaves the public site.
    Withdraw,
    /// The scheduler finds a scheduled article due.
    Due { now: i64, publish_at: i64 },
}

impl Event {
    /// The permission an event needs (see `access::allowed`); `None` for the system's own events.
    pub fn required_action(&self) -> Option<Action> {
        Some(match self {
            Event::Edit | Event::Submit | Event::Recall => Action::WriteArticles,
            Event::Approve { .. } | Event::Return { .. } => Action::Review,
            Event::PublishDirectly { .. } => Action::PublishDirectly,
            Event::Withdraw => Action::Withdraw,
            Event::Due { .. } => return None,
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Event::Edit => "edit",
            Event::Submit => "submit",
            Event::Recall => "recall",
            Event::Approve { .. } => "approve",
            Event::Return { .. } => "return",
            Event::PublishDirectly { .. } => "publish_directly",
            Event::Withdraw => "withdraw",
            Event::Due { .. } => "due",
        }
    }
}

/// A transition the workflow does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("cannot {event} an article that is {state}")]
    NotAllowed {
        event: &'static str,
        state: WorkflowState,
    },
    #[error("returning an article needs a comment for the writer")]
    CommentRequired,
    #[error("the scheduled time has not come yet")]
    NotDue,
    /// A publish time already past (by more than [`PAST_GRACE_SECS`]): publishing "at" it
    /// would publish now without saying so, so the person is asked instead.
    #[error("the publish time {at} has passed")]
    PastTime { at: i64 },
}

/// How far in the past a publish time may lie and still mean "now" (a form sent a moment
/// after the minute it named).
pub const PAST_GRACE_SECS: i64 = 120;

fn publish_or_schedule(now: i64, publish_at: Option<i64>) -> Result<WorkflowState, WorkflowError> {
    match publish_at {
        Some(at) if at > now => Ok(WorkflowState::Scheduled),
        Some(at) if at < now - PAST_GRACE_SECS => Err(WorkflowError::PastTime { at }),
        _ => Ok(WorkflowState::Published),
    }
}

/// The state after `event`, or why it cannot happen.
pub fn transition(state: WorkflowState, event: &Event) -> Result<WorkflowState, WorkflowError> {
    use WorkflowState::*;
    let refused = || WorkflowError::NotAllowed {
        event: event.name(),
        state,
    };
    match (state, event) {
        (s, Event::Edit) if s.is_editable() => Ok(s),
        (Draft | Returned | Withdrawn, Event::Submit) => Ok(PendingReview),
        (PendingReview, Event::Recall) => Ok(Draft),
        (PendingReview, Event::Approve { now, publish_at }) => {
            publish_or_schedule(*now, *publish_at)
        }
        (PendingReview, Event::Return { comment }) if comment.trim().is_empty() => {
            Err(WorkflowError::CommentRequired)
        }
        (PendingReview, Event::Return { .. }) => Ok(Returned),
        (Draft | Returned | Withdrawn, Event::PublishDirectly { now, publish_at }) => {
            publish_or_schedule(*now, *publish_at)
        }
        (Published | Scheduled, Event::Withdraw) => Ok(Withdrawn),
        (Scheduled, Event::Due { now, publish_at }) if now >= publish_at => Ok(Published),
        (Scheduled, Event::Due { .. }) => Err(WorkflowError::NotDue),
        _ => Err(refused()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use WorkflowState::*;

    fn approve(at: Option<i64>) -> Event {
        Event::Approve {
            now: 1000,
            publish_at: at,
        }
    }

    #[test]
    fn writers_move_what_is_not_public_and_reviewers_move_anything() {
        // (state, a writer may, a reviewer may)
        let cases = [
            (Draft, true, true),
            (Returned, true, true),
            (Withdrawn, true, true),
            (PendingReview, false, true),
            (Scheduled, false, true),
            (Published, false, true),
        ];
        for (state, writer, reviewer) in cases {
            let needs = move_needs(state);
            assert_eq!(needs.contains(&Action::WriteArticles), writer, "{state:?}");
            assert_eq!(needs.contains(&Action::Review), reviewer, "{state:?}");
        }
    }

    #[test]
    fn a_publish_time_already_past_is_refused_not_published_silently() {
        // (publish_at relative to now, outcome)
        let cases = [
            (Some(600), Ok(Scheduled)),
            (None, Ok(Published)),
            (Some(0), Ok(Published)),
            (Some(-PAST_GRACE_SECS), Ok(Published)),
            (
                Some(-PAST_GRACE_SECS - 1),
                Err(WorkflowError::PastTime {
                    at: 1000 - PAST_GRACE_SECS - 1,
                }),
            ),
        ];
        for (offset, want) in cases {
            let at = offset.map(|o| 1000 + o);
            assert_eq!(transition(PendingReview, &approve(at)), want, "{offset:?}");
            let direct = Event::PublishDirectly {
                now: 1000,
                publish_at: at,
            };
            assert_eq!(transition(Draft, &direct), want, "{offset:?}");
        }
    }

    #[test]
    fn every_state_and_event_pair_has_the_expected_outcome() {
        let ret = Event::Return {
            comment: "请补充数据来源".into(),
        };
        let direct = Event::PublishDirectly {
            now: 1000,
            publish_at: None,
        };
        let due = Event::Due {
            now: 2000,
            publish_at: 1500,
        };
        let events = [
            Event::Edit,
            Event::Submit,
            Event::Recall,
            approve(None),
            ret.clone(),
            direct.clone(),
            Event::Withdraw,
            due.clone(),
        ];
        // One row per state: the outcome of each event in the order above (None = refused).
        let table: [(WorkflowState, [Option<WorkflowState>; 8]); 6] = [
            (
                Draft,
                [
                    Some(Draft),
                    Some(PendingReview),
                    None,
                    None,
                    None,
                    Some(Published),
                    None,
                    None,
                ],
            ),
            (
                PendingReview,
                [
                    None,
                    None,
                    Some(Draft),
                    Some(Published),
                    Some(Returned),
                    None,
                    None,
                    None,
                ],
            ),
            (
                Returned,
                [
                    Some(Returned),
                    Some(PendingReview),
                    None,
                    None,
                    None,
                    Some(Published),
                    None,
                    None,
                ],
            ),
            (
                Scheduled,
                [
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some(Withdrawn),
                    Some(Published),
                ],
            ),
            (
                Published,
                [None, None, None, None, None, None, Some(Withdrawn), None],
            ),
            (
                Withdrawn,
                [
                    Some(Withdrawn),
                    Some(PendingReview),
                    None,
                    None,
                    None,
                    Some(Published),
                    None,
                    None,
                ],
            ),
        ];
        assert_eq!(table.len(), WorkflowState::ALL.len());
        for (state, outcomes) in table {
            for (event, want) in events.iter().zip(outcomes) {
                assert_eq!(
                    transition(state, event).ok(),
                    want,
                    "{state} + {}",
                    event.name()
                );
            }
        }
    }

    #[test]
    fn approval_with_a_future_time_schedules_and_the_scheduler_publishes_when_due() {
        assert_eq!(
            transition(PendingReview, &approve(Some(5000))),
            Ok(Scheduled)
        );
        assert_eq!(
            transition(PendingReview, &approve(Some(1000))),
            Ok(Published),
            "now counts as due"
        );
        assert_eq!(
            transition(PendingReview, &approve(Some(10))),
            Err(WorkflowError::PastTime { at: 10 }),
            "a time long past is asked about, not published silently"
        );
        assert_eq!(
            transition(
                Scheduled,
                &Event::Due {
                    now: 4999,
                    publish_at: 5000
                }
            ),
            Err(WorkflowError::NotDue)
        );
        assert_eq!(
            transition(
                Scheduled,
                &Event::Due {
                    now: 5000,
                    publish_at: 5000
                }
            ),
            Ok(Published)
        );
        assert_eq!(
            transition(
                Draft,
                &Event::PublishDirectly {
                    now: 1,
                    publish_at: Some(9)
                }
            ),
            Ok(Scheduled)
        );
    }

    #[test]
    fn returning_needs_a_comment() {
        assert_eq!(
            transition(
                PendingReview,
                &Event::Return {
                    comment: "  ".into()
                }
            ),
            Err(WorkflowError::CommentRequired)
        );
    }

    #[test]
    fn only_published_is_public_and_only_unsubmitted_text_is_editable() {
        for s in WorkflowState::ALL {
            assert_eq!(s.is_public(), *s == Published);
            assert_eq!(s.is_editable(), matches!(s, Draft | Returned | Withdrawn));
            assert!(!s.label().is_empty());
        }
    }

    #[test]
    fn each_event_names_the_permission_it_needs() {
        assert_eq!(Event::Submit.required_action(), Some(Action::WriteArticles));
        assert_eq!(approve(None).required_action(), Some(Action::Review));
        assert_eq!(
            Event::Return {
                comment: "x".into()
            }
            .required_action(),
            Some(Action::Review)
        );
        assert_eq!(
            Event::PublishDirectly {
                now: 0,
                publish_at: None
            }
            .required_action(),
            Some(Action::PublishDirectly)
        );
        assert_eq!(Event::Withdraw.required_action(), Some(Action::Withdraw));
        assert_eq!(
            Event::Due {
                now: 0,
                publish_at: 0
            }
            .required_action(),
            None
        );
    }
}
