//! Public participation (征集调查 and 在线访谈): what the office or a site puts before the
//! public for a period and answers afterwards. Three kinds share one record:
//!
//! - a **solicitation** (意见征集): a draft document the public comments on; comments are
//!   moderated; after it closes the site publishes the 采纳情况 (what was adopted and why);
//! - a **survey** (网上调查): single-choice, multiple-choice and free-text questions, one
//!   response per person; after it closes the results are published with charts;
//! - an **interview** (在线访谈): guests at an announced time; questions are collected before
//!   and during it, moderated, answered live; afterwards the transcript is kept as an article
//!   and the questions left unanswered become cases (`CaseKind::InterviewQuestion`, 5 working
//!   days).
//!
//! Here are the pure rules: kinds, phases in time, the survey's question format as a clerk
//! types it, checking a response against its questions, and tallying results. Dates come in
//! from the caller.

pub mod survey;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};

use crate::named_enum;

pub use survey::{
    Answer, OptionTally, Question, QuestionKind, QuestionTally, check_response, field_name,
    parse_questions, questions_text, tally,
};

named_enum!(
    /// What is put before the public.
    ConsultKind, "征集调查类型" {
        /// 意见征集: a draft document to comment on.
        Solicitation = "solicitation",
        /// 网上调查: a questionnaire.
        Survey = "survey",
        /// 在线访谈: guests answering the public's questions.
        Interview = "interview",
    }
);

impl ConsultKind {
    pub fn label(self) -> &'static str {
        match self {
            ConsultKind::Solicitation => "意见征集",
            ConsultKind::Survey => "网上调查",
            ConsultKind::Interview => "在线访谈",
        }
    }

    /// Its folder on a site: `/hudong/{segment}/`.
    pub fn segment(self) -> &'static str {
        match self {
            ConsultKind::Solicitation => "zhengji",
            ConsultKind::Survey => "diaocha",
            ConsultKind::Interview => "fangtan",
        }
    }

    pub fn from_segment(s: &str) -> Option<ConsultKind> {
        ConsultKind::ALL.iter().copied().find(|k| k.segment() == s)
    }

    /// What the public sends: a comment, a response or a question.
    pub fn contribution(self) -> &'static str {
        match self {
            ConsultKind::Solicitation => "意见",
            ConsultKind::Survey => "答卷",
            ConsultKind::Interview => "提问",
        }
    }

    /// What is published after it closes.
    pub fn outcome_label(self) -> &'static str {
        match self {
            ConsultKind::Solicitation => "采纳情况",
            ConsultKind::Survey => "调查结论",
            ConsultKind::Interview => "访谈实录",
        }
    }
}

named_enum!(
    /// Where a public contribution (a comment on a solicitation, a question to an interview)
    /// stands. Survey responses are not moderated: they are never shown one by one.
    EntryState, "entry state" {
        /// Waiting for a moderator; not public.
        Pending = "pending",
        /// Shown on the public page.
        Approved = "approved",
        /// Not shown (abusive, off topic, personal details…).
        Rejected = "rejected",
        /// An interview question answered by a guest (public with its answer).
        Answered = "answered",
    }
);

impl EntryState {
    pub fn label(self) -> &'static str {
        match self {
            EntryState::Pending => "待审核",
            EntryState::Approved => "已通过",
            EntryState::Rejected => "未采用",
            EntryState::Answered => "已答复",
        }
    }

    /// Shown on the public page.
    pub fn is_public(self) -> bool {
        matches!(self, EntryState::Approved | EntryState::Answered)
    }

    /// Whether a moderator may move an entry from `self` to `to`: pending ones are approved or
    /// rejected, a decision may be changed until an answer is given, answered ones stay.
    pub fn may_become(self, to: EntryState) -> bool {
        match (self, to) {
            (EntryState::Answered, _) => false,
            (_, EntryState::Pending) => false,
            (_, EntryState::Answered) => {
                self == EntryState::Approved || self == EntryState::Pending
            }
            (a, b) => a != b,
        }
    }
}

/// Where a consultation stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Being prepared; not public.
    Draft,
    /// Public, not yet open for contributions (an announced interview, a coming survey).
    Upcoming,
    /// Taking contributions.
    Open,
    /// Past its period, or ended early; contributions refused.
    Closed,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Draft => "draft",
            Phase::Upcoming => "upcoming",
            Phase::Open => "open",
            Phase::Closed => "closed",
        }
    }

    /// The phase of a consultation published (or not) with period `opens..closes`, at `now`;
    /// `ended` when it was closed by hand before its end.
    pub fn at(
        published: bool,
        ended: bool,
        opens: DateTime<Utc>,
        closes: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Phase {
        if !published {
            Phase::Draft
        } else if ended || now >= closes {
            Phase::Closed
        } else if now < opens {
            Phase::Upcoming
        } else {
            Phase::Open
        }
    }

    pub fn label(self, kind: ConsultKind) -> &'static str {
        match (self, kind) {
            (Phase::Draft, _) => "草稿",
            (Phase::Upcoming, ConsultKind::Interview) => "预告（可提前提问）",
            (Phase::Upcoming, _) => "未开始",
            (Phase::Open, ConsultKind::Interview) => "正在访谈",
            (Phase::Open, ConsultKind::Solicitation) => "征集中",
            (Phase::Open, ConsultKind::Survey) => "调查中",
            (Phase::Closed, _) => "已结束",
        }
    }

    /// Whether the public may send a contribution now. Interview questions are taken from
    /// the announcement until the end ("before and during").
    pub fn takes(self, kind: ConsultKind) -> bool {
        match self {
            Phase::Open => true,
            Phase::Upcoming => kind == ConsultKind::Interview,
            _ => false,
        }
    }
}

/// Checks a period: it ends after it starts, and lasts at most a year.
pub fn check_period(opens: DateTime<Utc>, closes: DateTime<Utc>) -> Result<(), &'static str> {
    if closes <= opens {
        return Err("结束时间须晚于开始时间");
    }
    if closes - opens > chrono::Duration::days(366) {
        return Err("期限不能超过一年");
    }
    Ok(())
}
