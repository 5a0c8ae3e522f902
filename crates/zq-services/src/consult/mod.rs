//! Public participation (征集调查, 在线访谈), the staff's side: a site's editors draft
//! solicitations, surveys and interviews; its reviewers publish them (nothing goes public
//! without review), moderate the public's comments and questions, end them and publish the
//! outcome (采纳情况, survey results note); its case handlers type the guests' answers during
//! an interview; closing an interview keeps its transcript as an article (submitted for
//! review) and turns unanswered questions into cases (`interview`). Exports are CSV.
//!
//! The public's side (reading, commenting, responding, asking) is in `public`.

pub mod interview;
pub mod public;

use chrono::{DateTime, Utc};
use zq_domain::access::Action;
use zq_domain::article::FieldError;
use zq_domain::consult::{
    Answer, ConsultKind, EntryState, QuestionTally, check_period, parse_questions, tally,
};
use zq_domain::csv;
use zq_domain::time::{format_local, parse_local};
use zq_store::{
    Attachment, ConsultChange, ConsultCounts, ConsultText, Consultation, Entry, EntryDecision,
    Tenant,
};

pub use interview::{close_interview, sweep_interviews};
pub use public::*;

use crate::{Caller, Result, ServiceError, Services, site};

/// Longest entry (comment, question, answer), in characters.
pub const MAX_ENTRY_CHARS: usize = 2000;
/// Longest outcome text, in characters.
pub const MAX_OUTCOME_CHARS: usize = 20_000;

/// A consultation as a clerk types it in the console or sends it to the API.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ConsultForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub guests: String,
    /// A survey's questions in the typed format (`zq_domain::consult::survey`).
    #[serde(default)]
    pub questions: String,
    /// `YYYY-MM-DDTHH:MM` (Beijing time) or RFC 3339.
    #[serde(default)]
    pub opens_at: String,
    #[serde(default)]
    pub closes_at: String,
    /// Ids of the site's attachments shown with it, in order (the draft document, its
    /// explanation).
    #[serde(default)]
    pub attachments: Vec<i64>,
}

/// Most attachments shown with one consultation.
pub const MAX_ATTACHMENTS: usize = 10;

impl ConsultForm {
    /// The form of a stored consultation (for editing).
    pub fn of(c: &Consultation) -> ConsultForm {
        ConsultForm {
            kind: c.kind.as_str().to_owned(),
            title: c.title.clone(),
            summary: c.summary.clone().unwrap_or_default(),
            body: c.body.clone(),
            guests: c.guests.clone().unwrap_or_default(),
            questions: zq_domain::consult::questions_text(&c.questions),
            opens_at: format_local(c.opens_at, true),
            closes_at: format_local(c.closes_at, true),
            attachments: c.attachments.clone(),
        }
    }

    /// Checks every field; all problems at once.
    pub fn checked(&self) -> Result<ConsultText> {
        let mut errors = Vec::new();
        let kind = self.kind.parse::<ConsultKind>().ok();
        if kind.is_none() {
            errors.push(FieldError::new("kind", "请选择类型"));
        }
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            errors.push(FieldError::new("title", "标题须为 1–200 个字"));
        }
        if self.summary.chars().count() > 500 {
            errors.push(FieldError::new("summary", "摘要不能超过 500 个字"));
        }
        if self.body.trim().is_empty() && kind != Some(ConsultKind::Survey) {
            errors.push(FieldError::new("body", "请填写正文"));
        }
        let time = |errors: &mut Vec<FieldError>, name: &'static str, v: &str, label: &str| {
            match parse_local(v) {
                Ok(Some(t)) => Some(t),
                Ok(None) => {
                    errors.push(FieldError::new(name, format!("请填写{label}")));
                    None
                }
                Err(_) => {
                    errors.push(FieldError::new(name, format!("{label}格式不正确")));
                    None
                }
            }
        };
        let opens = time(&mut errors, "opens_at", &self.opens_at, "开始时间");
        let closes = time(&mut errors, "closes_at", &self.closes_at, "结束时间");
        if let (Some(o), Some(c)) = (opens, closes)
            && let Err(e) = check_period(o, c)
        {
            errors.push(FieldError::new("closes_at", e));
        }
        let questions = if kind == Some(ConsultKind::Survey) {
            match parse_questions(&self.questions) {
                Ok(q) => q,
                Err(problems) => {
                    errors.push(FieldError::new("questions", problems.join("；")));
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        if self.attachments.len() > MAX_ATTACHMENTS {
            errors.push(FieldError::new(
                "attachments",
                format!("附件最多选择 {MAX_ATTACHMENTS} 个"),
            ));
        }
        if kind == Some(ConsultKind::Interview) && self.guests.trim().is_empty() {
            errors.push(FieldError::new("guests", "请填写访谈嘉宾"));
        }
        match (kind, opens, closes) {
            (Some(kind), Some(opens_at), Some(closes_at)) if errors.is_empty() => Ok(ConsultText {
                kind,
                title: title.to_owned(),
                summary: Some(self.summary.clone()),
                body: self.body.clone(),
                guests: Some(self.guests.clone()),
                questions,
                opens_at,
                closes_at,
                attachments: self.attachments.clone(),
            }),
            _ => Err(ServiceError::Fields(errors)),
        }
    }
}

/// A consultation with its counts, for lists.
#[derive(Debug, Clone)]
pub struct Listed {
    pub consultation: Consultation,
    pub counts: ConsultCounts,
}

/// Site `code`'s consultations (drafts included) with their counts.
pub async fn list(
    svc: &Services,
    caller: &Caller,
    code: &str,
    kind: Option<ConsultKind>,
) -> Result<(Tenant, Vec<Listed>)> {
    let t = site(svc, caller, code, Action::Read).await?;
    let mut out = Vec::new();
    for c in svc.store().consultations(t.id, kind, true).await? {
        let counts = svc.store().consult_counts(t.id, c.id).await?;
        out.push(Listed {
            consultation: c,
            counts,
        });
    }
    Ok((t, out))
}

/// Everything the console shows of one consultation.
#[derive(Debug, Clone)]
pub struct Detail {
    pub tenant: Tenant,
    pub consultation: Consultation,
    pub entries: Vec<Entry>,
    pub responses: u64,
    /// A survey's results so far.
    pub results: Vec<QuestionTally>,
}

/// One consultation of site `code` with its entries and results.
pub async fn detail(svc: &Services, caller: &Caller, code: &str, id: i64) -> Result<Detail> {
    let t = site(svc, caller, code, Action::Read).await?;
    let c = svc.store().consultation(t.id, id).await?;
    let entries = svc.store().entries(t.id, id, &[]).await?;
    let responses = svc.store().responses(t.id, id).await?;
    let results = tally(&c.questions, responses.iter().map(|r| r.answers.as_slice()));
    Ok(Detail {
        tenant: t,
        consultation: c,
        entries,
        responses: responses.len() as u64,
        results,
    })
}

/// Drafts a consultation on site `code` (its editors).
pub async fn create(
    svc: &Services,
    caller: &Caller,
    code: &str,
    form: &ConsultForm,
) -> Result<Consultation> {
    let t = site(svc, caller, code, Action::WriteArticles).await?;
    let text = own_attachments(svc, &t, form.checked()?).await?;
    Ok(svc
        .store()
        .create_consultation(t.id, text, &caller.who())
        .await?)
}

/// Changes consultation `id`'s text (its editors), decided on `version`.
pub async fn update(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    version: Option<i32>,
    form: &ConsultForm,
) -> Result<Consultation> {
    let t = site(svc, caller, code, Action::WriteArticles).await?;
    let text = own_attachments(svc, &t, form.checked()?).await?;
    Ok(svc
        .store()
        .change_consultation(t.id, id, version, ConsultChange::Edit(text), &caller.who())
        .await?)
}

/// The text with its attachments checked to be the site's own (each once, in order).
async fn own_attachments(svc: &Services, t: &Tenant, mut text: ConsultText) -> Result<ConsultText> {
    let mut seen = std::collections::HashSet::new();
    text.attachments.retain(|id| seen.insert(*id));
    let found = svc
        .store()
        .attachments_by_ids(t.id, &text.attachments)
        .await?;
    if found.len() != text.attachments.len() {
        return Err(ServiceError::Fields(vec![FieldError::new(
            "attachments",
            "所选附件不存在或不属于本网站",
        )]));
    }
    Ok(text)
}

/// The site's attachments shown with consultation `c`, in order.
pub async fn attachments_of(svc: &Services, c: &Consultation) -> Result<Vec<Attachment>> {
    Ok(svc
        .store()
        .attachments_by_ids(c.tenant_id, &c.attachments)
        .await?)
}

/// A reviewer's step on a consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsultStep {
    Publish,
    Unpublish,
    End,
    Outcome(String),
}

impl ConsultStep {
    /// The step named in a URL (`/publish`, `/unpublish`, `/end`, `/outcome`).
    pub fn parse(name: &str, text: Option<String>) -> Option<ConsultStep> {
        Some(match name {
            "publish" => ConsultStep::Publish,
            "unpublish" => ConsultStep::Unpublish,
            "end" => ConsultStep::End,
            "outcome" => ConsultStep::Outcome(text.unwrap_or_default()),
            _ => return None,
        })
    }
}

/// Publishes, withdraws, ends consultation `id`, or publishes its outcome (its reviewers).
pub async fn step(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    version: Option<i32>,
    step: ConsultStep,
) -> Result<Consultation> {
    let t = site(svc, caller, code, Action::Review).await?;
    let change = match step {
        ConsultStep::Publish => ConsultChange::Publish,
        ConsultStep::Unpublish => ConsultChange::Unpublish,
        ConsultStep::End => ConsultChange::End,
        ConsultStep::Outcome(text) => {
            if text.trim().is_empty() || text.chars().count() > MAX_OUTCOME_CHARS {
                return Err(ServiceError::Fields(vec![FieldError::new(
                    "outcome",
                    format!("请填写结果说明（不超过 {MAX_OUTCOME_CHARS} 个字）"),
                )]));
            }
            ConsultChange::Outcome(text)
        }
    };
    Ok(svc
        .store()
        .change_consultation(t.id, id, version, change, &caller.who())
        .await?)
}

/// Approves or rejects a public entry (its reviewers).
pub async fn moderate(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    entry: i64,
    to: EntryState,
) -> Result<Entry> {
    let t = site(svc, caller, code, Action::Review).await?;
    if !matches!(to, EntryState::Approved | EntryState::Rejected) {
        return Err(ServiceError::Invalid("只能通过或不予采用".into()));
    }
    Ok(svc
        .store()
        .decide_entry(
            t.id,
            id,
            entry,
            EntryDecision { to, answer: None },
            &caller.who(),
        )
        .await?)
}

/// A guest's answer to an interview question, typed by the site's case handlers during the
/// interview; published at once.
pub async fn answer(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    entry: i64,
    text: &str,
    guest: &str,
) -> Result<Entry> {
    let t = site(svc, caller, code, Action::HandleCases).await?;
    let c = svc.store().consultation(t.id, id).await?;
    if c.kind != ConsultKind::Interview {
        return Err(ServiceError::Invalid("只有在线访谈的提问可以答复".into()));
    }
    let mut errors = Vec::new();
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_ENTRY_CHARS {
        errors.push(FieldError::new(
            "answer",
            format!("请填写答复（不超过 {MAX_ENTRY_CHARS} 个字）"),
        ));
    }
    let guest = guest.trim();
    if guest.is_empty() || guest.chars().count() > 100 {
        errors.push(FieldError::new("guest", "请填写答复嘉宾"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    Ok(svc
        .store()
        .decide_entry(
            t.id,
            id,
            entry,
            EntryDecision {
                to: EntryState::Answered,
                answer: Some((text.to_owned(), guest.to_owned())),
            },
            &caller.who(),
        )
        .await?)
}

fn stamp(t: DateTime<Utc>) -> String {
    format_local(t, false)
}

/// Consultation `id` as CSV: a survey's responses (one row each, chosen options by name), or
/// a solicitation's comments and an interview's questions with their state and answer.
pub async fn export_csv(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
) -> Result<(Consultation, String)> {
    let t = site(svc, caller, code, Action::Read).await?;
    let c = svc.store().consultation(t.id, id).await?;
    let mut out = String::from(csv::BOM);
    if c.kind == ConsultKind::Survey {
        let mut head = vec!["编号".to_owned(), "提交时间".to_owned()];
        head.extend(
            c.questions
                .iter()
                .enumerate()
                .map(|(i, q)| format!("{}. {}", i + 1, q.prompt)),
        );
        out.push_str(&csv::row(&head));
        for r in svc.store().responses(t.id, id).await? {
            let mut cells = vec![r.id.to_string(), stamp(r.submitted_at)];
            for (q, a) in c.questions.iter().zip(&r.answers) {
                cells.push(match a {
                    Answer::Text(s) => s.clone(),
                    Answer::Choice(picked) => picked
                        .iter()
                        .filter_map(|k| q.options.get(*k).cloned())
                        .collect::<Vec<_>>()
                        .join("；"),
                });
            }
            out.push_str(&csv::row(&cells));
        }
    } else {
        out.push_str(&csv::row(&[
            "编号",
            "提交时间",
            "昵称",
            "内容",
            "状态",
            "答复",
            "答复嘉宾",
            "转为事项",
        ]));
        for e in svc.store().entries(t.id, id, &[]).await? {
            out.push_str(&csv::row(&[
                e.id.to_string(),
                stamp(e.submitted_at),
                e.nickname,
                e.content,
                e.state.label().to_owned(),
                e.answer.unwrap_or_default(),
                e.answered_by.unwrap_or_default(),
                e.case_id.map(|c| c.to_string()).unwrap_or_default(),
            ]));
        }
    }
    Ok((c, out))
}
