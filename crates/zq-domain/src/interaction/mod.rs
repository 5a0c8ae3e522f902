//! Interaction cases (互动交流): letters to a mailbox, site-error reports (我为政府网站找错),
//! disclosure requests (依申请公开) and questions left over from an online interview, all on one
//! case engine: a state machine with the steps a government office takes, and a clock in
//! working days (`clock`). The rules come from the national and provincial rules summarised in
//! `shared/design/domain.md`; the services apply them, the store records them.
//!
//! ```text
//! Submitted ──accept──▶ Accepted ──draft reply──▶ ReplyDrafted ──approve──▶ Replied ──close──▶ Closed
//!    │ refuse(reason)      │ ▲                        │ return(comment)        │ reopen(complaint)
//!    ▼                     │ └──── InProgress ◀───────┘                        ▼
//! NotAccepted              │          ▲  ▲                                  InProgress
//!                          │          │  └── corrected ◀── AwaitingWriter (补正: clock paused)
//!                          │          └──── answered ◀──── AwaitingThirdParty (disclosure: paused)
//! transfer(to) from Submitted, Accepted or InProgress: Submitted again, at the other tenant.
//! extend(days, reason): once per case, while it is open; the state stays.
//! ```
//!
//! Dates are passed in by the caller (no clock here).

pub mod clock;
pub mod files;
pub mod personal;
pub mod stats;
#[cfg(test)]
mod tests;

use crate::access::Action;
use crate::named_enum;
use crate::reporting::Unit;

pub use clock::{CaseClock, ClockError, ClockRule, ClockRules, ClockStatus};

named_enum!(
    /// What kind of case: each has its own form, clock and answer.
    CaseKind, "事项类型" {
        /// A letter to a mailbox (领导信箱, 部门信箱).
        Letter = "letter",
        /// A report of an error on a page (我为政府网站找错).
        SiteError = "site_error",
        /// A request for government information (依申请公开).
        Disclosure = "disclosure",
        /// A question an online interview left unanswered (在线访谈).
        InterviewQuestion = "interview_question",
    }
);

impl CaseKind {
    pub fn label(self) -> &'static str {
        match self {
            CaseKind::Letter => "来信",
            CaseKind::SiteError => "网站找错",
            CaseKind::Disclosure => "依申请公开",
            CaseKind::InterviewQuestion => "访谈遗留问题",
        }
    }
}

named_enum!(
    /// Where a case stands.
    CaseState, "事项状态" {
        /// Arrived (or transferred here); nobody has taken it yet.
        Submitted = "submitted",
        /// Taken by the owning unit; the clock runs.
        Accepted = "accepted",
        /// Refused with a reason (outside the unit's remit, abusive, a duplicate…).
        NotAccepted = "not_accepted",
        /// Waiting for the writer to complete the request (补正); the clock is paused.
        AwaitingWriter = "awaiting_writer",
        /// Waiting for a third party's opinion (disclosure only); the clock is paused.
        AwaitingThirdParty = "awaiting_third_party",
        /// Being handled (after a correction, a returned reply or a complaint).
        InProgress = "in_progress",
        /// A reply is written and waits for the reviewer.
        ReplyDrafted = "reply_drafted",
        /// The reply is approved and sent; the clock stopped.
        Replied = "replied",
        /// Finished: rated by the writer, or closed after the rating period.
        Closed = "closed",
    }
);

impl CaseState {
    pub fn label(self) -> &'static str {
        match self {
            CaseState::Submitted => "待受理",
            CaseState::Accepted => "已受理",
            CaseState::NotAccepted => "不予受理",
            CaseState::AwaitingWriter => "待补正",
            CaseState::AwaitingThirdParty => "征求第三方意见",
            CaseState::InProgress => "办理中",
            CaseState::ReplyDrafted => "答复待审核",
            CaseState::Replied => "已答复",
            CaseState::Closed => "已办结",
        }
    }

    /// Still waiting for an answer: counted in the inbox and against the clock.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            CaseState::NotAccepted | CaseState::Replied | CaseState::Closed
        )
    }

    /// The clock does not run in this state.
    pub fn is_paused(self) -> bool {
        matches!(
            self,
            CaseState::AwaitingWriter | CaseState::AwaitingThirdParty
        )
    }

    /// The writer has an answer: a reply, or the reason it was not accepted.
    pub fn is_answered(self) -> bool {
        matches!(
            self,
            CaseState::NotAccepted | CaseState::Replied | CaseState::Closed
        )
    }
}

named_enum!(
    /// What a letter is about (信件类型).
    LetterKind, "来信类别" {
        Consultation = "consultation",
        Complaint = "complaint",
        Suggestion = "suggestion",
        Help = "help",
        Other = "other",
    }
);

impl LetterKind {
    pub fn label(self) -> &'static str {
        match self {
            LetterKind::Consultation => "咨询",
            LetterKind::Complaint => "投诉",
            LetterKind::Suggestion => "建议",
            LetterKind::Help => "求助",
            LetterKind::Other => "其他",
        }
    }
}

named_enum!(
    /// What is wrong on the page (找错的错误类型).
    SiteErrorKind, "错误类型" {
        /// 错别字: typos, wrong characters.
        Typo = "typo",
        /// 链接无法打开 / 附件无法下载.
        BrokenLink = "broken_link",
        /// 内容不准确, 表述错误.
        WrongContent = "wrong_content",
        /// 信息未及时更新.
        Outdated = "outdated",
        /// 页面无法访问, 服务不可用.
        Unavailable = "unavailable",
        Other = "other",
    }
);

impl SiteErrorKind {
    pub fn label(self) -> &'static str {
        match self {
            SiteErrorKind::Typo => "错别字",
            SiteErrorKind::BrokenLink => "链接或附件无法打开",
            SiteErrorKind::WrongContent => "内容不准确",
            SiteErrorKind::Outdated => "信息未及时更新",
            SiteErrorKind::Unavailable => "页面或服务无法访问",
            SiteErrorKind::Other => "其他",
        }
    }
}

named_enum!(
    /// How a disclosure request was answered, in the categories of the annual report
    /// (政府信息公开工作年度报告, 国办公开办函〔2021〕30号, table 三).
    DisclosureAnswer, "disclosure answer" {
        /// 予以公开.
        Granted = "granted",
        /// 部分公开（区分处理的）.
        PartlyGranted = "partly_granted",
        /// 不予公开 (state secret, other laws, third-party rights, internal affairs…).
        Refused = "refused",
        /// 无法提供: 本机关不掌握相关政府信息.
        NotHeld = "not_held",
        /// 无法提供: 没有现成信息需要另行制作.
        WouldNeedCreating = "would_need_creating",
        /// 无法提供: 补正后申请内容仍不明确.
        StillUnclear = "still_unclear",
        /// 不予处理: 信访举报投诉类申请, 重复申请, 要求提供公开出版物, 无正当理由大量反复申请…
        NotProcessed = "not_processed",
        /// 其他处理: 申请人无正当理由逾期不补正, 行政机关不再处理…
        Other = "other",
    }
);

impl DisclosureAnswer {
    pub fn label(self) -> &'static str {
        match self {
            DisclosureAnswer::Granted => "予以公开",
            DisclosureAnswer::PartlyGranted => "部分公开",
            DisclosureAnswer::Refused => "不予公开",
            DisclosureAnswer::NotHeld => "无法提供（本机关不掌握相关政府信息）",
            DisclosureAnswer::WouldNeedCreating => "无法提供（没有现成信息需要另行制作）",
            DisclosureAnswer::StillUnclear => "无法提供（补正后申请内容仍不明确）",
            DisclosureAnswer::NotProcessed => "不予处理",
            DisclosureAnswer::Other => "其他处理",
        }
    }

    /// The answer must say why (the legal ground, or where the information may be had).
    pub fn needs_reason(self) -> bool {
        self != DisclosureAnswer::Granted
    }
}

/// Something that happens to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseEvent {
    /// The owning unit takes the case.
    Accept,
    /// The owning unit refuses it, saying why (shown to the writer).
    Refuse { reason: String },
    /// Routed to another unit (转办), which receives it as new.
    Transfer,
    /// The writer is asked to complete the request (补正); the clock pauses.
    RequestCorrection { what: String },
    /// The writer's completion arrived; the clock runs again.
    Corrected,
    /// A third party is consulted (disclosure only); the clock pauses.
    ConsultThirdParty,
    /// The third party answered (or the time for it ran out); the clock runs again.
    ThirdPartyAnswered,
    /// A handler writes (or rewrites) the reply.
    DraftReply,
    /// The reviewer approves the reply: it is sent and published where allowed.
    ApproveReply,
    /// The reviewer sends the draft back with a comment.
    ReturnReply { comment: String },
    /// The deadline is extended once, with a reason (延期), by an approver.
    Extend { reason: String },
    /// The writer rated the reply, or the rating period ended.
    Close,
    /// The writer complained about the reply: handled again with a fresh clock.
    Reopen { complaint: String },
}

/// Who may cause an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseActor {
    /// A person of the owning unit holding this permission (or the office).
    Staff(Action),
    /// The writer, with the case's query code.
    Writer,
    /// The writer, or the system once the rating period is over.
    WriterOrSystem,
}

impl CaseEvent {
    pub fn name(&self) -> &'static str {
        match self {
            CaseEvent::Accept => "accept",
            CaseEvent::Refuse { .. } => "refuse",
            CaseEvent::Transfer => "transfer",
            CaseEvent::RequestCorrection { .. } => "request_correction",
            CaseEvent::Corrected => "corrected",
            CaseEvent::ConsultThirdParty => "consult_third_party",
            CaseEvent::ThirdPartyAnswered => "third_party_answered",
            CaseEvent::DraftReply => "draft_reply",
            CaseEvent::ApproveReply => "approve_reply",
            CaseEvent::ReturnReply { .. } => "return_reply",
            CaseEvent::Extend { .. } => "extend",
            CaseEvent::Close => "close",
            CaseEvent::Reopen { .. } => "reopen",
        }
    }

    /// Chinese label for the case's history.
    pub fn label(&self) -> &'static str {
        match self {
            CaseEvent::Accept => "受理",
            CaseEvent::Refuse { .. } => "不予受理",
            CaseEvent::Transfer => "转办",
            CaseEvent::RequestCorrection { .. } => "要求补正",
            CaseEvent::Corrected => "已补正",
            CaseEvent::ConsultThirdParty => "征求第三方意见",
            CaseEvent::ThirdPartyAnswered => "第三方意见已回复",
            CaseEvent::DraftReply => "拟写答复",
            CaseEvent::ApproveReply => "审核通过并答复",
            CaseEvent::ReturnReply { .. } => "退回答复",
            CaseEvent::Extend { .. } => "延期",
            CaseEvent::Close => "办结",
            CaseEvent::Reopen { .. } => "重新办理",
        }
    }

    /// Who may cause it.
    pub fn actor(&self) -> CaseActor {
        match self {
            CaseEvent::ApproveReply | CaseEvent::ReturnReply { .. } => {
                CaseActor::Staff(Action::ApproveReplies)
            }
            CaseEvent::Extend { .. } => CaseActor::Staff(Action::ApproveExtension),
            CaseEvent::Corrected | CaseEvent::Reopen { .. } => CaseActor::Writer,
            CaseEvent::Close => CaseActor::WriterOrSystem,
            _ => CaseActor::Staff(Action::HandleCases),
        }
    }

    /// Parses a step name from a URL (`accept`, `draft_reply`, …) with its text, for the
    /// steps staff take; `None` for unknown names and the writer's own steps.
    pub fn staff_step(name: &str, text: String) -> Option<CaseEvent> {
        Some(match name {
            "accept" => CaseEvent::Accept,
            "refuse" => CaseEvent::Refuse { reason: text },
            "transfer" => CaseEvent::Transfer,
            "request_correction" => CaseEvent::RequestCorrection { what: text },
            "consult_third_party" => CaseEvent::ConsultThirdParty,
            "third_party_answered" => CaseEvent::ThirdPartyAnswered,
            "draft_reply" => CaseEvent::DraftReply,
            "approve_reply" => CaseEvent::ApproveReply,
            "return_reply" => CaseEvent::ReturnReply { comment: text },
            "extend" => CaseEvent::Extend { reason: text },
            _ => return None,
        })
    }
}

/// What the engine needs to know about a case besides its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFacts {
    pub kind: CaseKind,
    /// The deadline was extended already (延期 is allowed once).
    pub extended: bool,
}

/// What a transition does to the case's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockEffect {
    /// Nothing.
    Keep,
    /// Starts a pause (补正, third party).
    Pause,
    /// Ends the pause.
    Resume,
    /// Adds the kind's extension.
    Extend,
    /// The answer is out: the clock stops.
    Stop,
    /// A complaint reopened the case: a fresh clock from today.
    Restart,
}

/// The state after an event and what it does to the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub state: CaseState,
    pub clock: ClockEffect,
}

/// A step the engine refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("「{event}」不适用于{state}的事项")]
    NotAllowed {
        event: &'static str,
        state: &'static str,
    },
    #[error("请填写{0}")]
    TextRequired(&'static str),
    #[error("每件事项只能延期一次")]
    AlreadyExtended,
    #[error("只有依申请公开事项可以征求第三方意见")]
    OnlyForDisclosure,
}

/// The state after `event`, or why it cannot happen.
pub fn transition(
    state: CaseState,
    facts: CaseFacts,
    event: &CaseEvent,
) -> Result<Outcome, CaseError> {
    use CaseState::*;
    use ClockEffect::*;
    let go = |state, clock| Ok(Outcome { state, clock });
    let refused = || {
        Err(CaseError::NotAllowed {
            event: event.label(),
            state: state.label(),
        })
    };
    let needs = |text: &str, what| {
        if text.trim().is_empty() {
            Err(CaseError::TextRequired(what))
        } else {
            Ok(())
        }
    };
    match (state, event) {
        (Submitted, CaseEvent::Accept) => go(Accepted, Keep),
        (Submitted, CaseEvent::Refuse { reason }) => {
            needs(reason, "不予受理的理由")?;
            go(NotAccepted, Stop)
        }
        (Submitted | Accepted | InProgress, CaseEvent::Transfer) => go(Submitted, Keep),
        (Submitted | Accepted | InProgress, CaseEvent::RequestCorrection { what }) => {
            needs(what, "需要补正的内容")?;
            go(AwaitingWriter, Pause)
        }
        (AwaitingWriter, CaseEvent::Corrected) => go(InProgress, Resume),
        (Accepted | InProgress, CaseEvent::ConsultThirdParty) => {
            if facts.kind != CaseKind::Disclosure {
                return Err(CaseError::OnlyForDisclosure);
            }
            go(AwaitingThirdParty, Pause)
        }
        (AwaitingThirdParty, CaseEvent::ThirdPartyAnswered) => go(InProgress, Resume),
        (Accepted | InProgress | ReplyDrafted, CaseEvent::DraftReply) => go(ReplyDrafted, Keep),
        (ReplyDrafted, CaseEvent::ApproveReply) => go(Replied, Stop),
        (ReplyDrafted, CaseEvent::ReturnReply { comment }) => {
            needs(comment, "退回意见")?;
            go(InProgress, Keep)
        }
        (s, CaseEvent::Extend { reason }) if s.is_open() && s != Submitted => {
            if facts.extended {
                return Err(CaseError::AlreadyExtended);
            }
            needs(reason, "延期理由")?;
            go(s, Extend)
        }
        (Replied, CaseEvent::Close) => go(Closed, Keep),
        (Replied | Closed, CaseEvent::Reopen { complaint }) => {
            needs(complaint, "对答复的意见")?;
            go(InProgress, Restart)
        }
        _ => refused(),
    }
}

/// Whether the owning unit `from` may route a case to `to` (转办): down to its own children
/// (the portal to departments and districts, a district to its towns) or back up to its
/// parent (a misrouted letter). The office may route anywhere; the services decide that from
/// the caller's grants.
pub fn may_transfer(from: Unit, to: Unit) -> bool {
    from.id != to.id && (to.parent == Some(from.id) || from.parent == Some(to.id))
}
