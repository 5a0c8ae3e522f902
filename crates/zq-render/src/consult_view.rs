//! View models of public participation on a site (意见征集, 网上调查, 在线访谈): the cached
//! lists and pages (`/hudong/{zhengji|diaocha|fangtan}/…`) and the forms on the form path
//! (a comment, a survey's questionnaire, a question to an interview). The entries shown are
//! those a moderator approved (or a guest answered); no personal details reach these views,
//! only the nickname the writer chose.

use serde::Serialize;
use zq_domain::consult::{QuestionKind, QuestionTally};

use crate::interaction_view::FieldProblem;
use crate::view::Chrome;

/// A tab of the consultation lists.
#[derive(Debug, Clone, Serialize)]
pub struct KindTab {
    pub label: String,
    pub url: String,
    pub current: bool,
}

/// A consultation in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultLine {
    pub url: String,
    pub title: String,
    /// 征集中, 已结束, 即将开始, 直播中…
    pub phase_label: String,
    /// Open now (the phase is shown highlighted).
    pub open: bool,
    pub opens: String,
    pub closes: String,
    pub summary: Option<String>,
}

/// `/hudong/{segment}/`.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultListView {
    pub chrome: Chrome,
    pub heading: String,
    pub intro: String,
    pub tabs: Vec<KindTab>,
    pub items: Vec<ConsultLine>,
}

/// An approved comment, or an interview question with its answer.
#[derive(Debug, Clone, Serialize)]
pub struct EntryLine {
    pub nickname: String,
    pub at: String,
    pub content: Vec<String>,
    pub answer: Option<Vec<String>>,
    pub answered_by: Option<String>,
    pub answered_at: Option<String>,
}

/// One option's result, with its bar (0–200 px, the option chosen by everyone at 200).
#[derive(Debug, Clone, Serialize)]
pub struct ResultOption {
    pub label: String,
    pub count: u64,
    /// "37.5%".
    pub share: String,
    pub bar: u32,
}

/// One question's results.
#[derive(Debug, Clone, Serialize)]
pub struct ResultQuestion {
    pub number: usize,
    pub prompt: String,
    /// 单选, 多选, 填空.
    pub kind_label: String,
    pub answered: u64,
    pub options: Vec<ResultOption>,
}

impl ResultQuestion {
    /// Question `number`'s tally as the pages show it (no options for free text).
    pub fn of(number: usize, q: &QuestionTally) -> ResultQuestion {
        ResultQuestion {
            number,
            prompt: q.prompt.clone(),
            kind_label: q.kind.marker().to_owned(),
            answered: q.answered,
            options: if q.kind == QuestionKind::Text {
                Vec::new()
            } else {
                q.options
                    .iter()
                    .map(|o| ResultOption {
                        label: o.label.clone(),
                        count: o.count,
                        share: format!("{:.1}%", f64::from(o.per_mille) / 10.0),
                        bar: o.per_mille.min(1000) / 5,
                    })
                    .collect()
            },
        }
    }

    /// Every question's tally, numbered from 1.
    pub fn all(tallies: &[QuestionTally]) -> Vec<ResultQuestion> {
        tallies
            .iter()
            .enumerate()
            .map(|(i, q)| ResultQuestion::of(i + 1, q))
            .collect()
    }
}

/// A document to download from a public page.
#[derive(Debug, Clone, Serialize)]
pub struct FileLink {
    pub name: String,
    pub url: String,
    /// `PDF，120 KiB`.
    pub about: String,
}

/// `/hudong/{segment}/{id}.html`.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultPageView {
    pub chrome: Chrome,
    /// The documents published with it (the draft, its explanation), to download.
    pub files: Vec<FileLink>,
    /// 意见征集, 网上调查, 在线访谈.
    pub kind_label: String,
    /// The kind's segment (`zhengji`, `diaocha`, `fangtan`).
    pub kind: String,
    pub title: String,
    pub phase_label: String,
    pub open: bool,
    pub opens: String,
    pub closes: String,
    pub summary: Option<String>,
    /// Sanitized HTML.
    pub body: String,
    /// An interview's guests, one per line.
    pub guests: Vec<String>,
    /// 意见, 答卷, 提问.
    pub contribution: String,
    /// The form that takes a contribution now, if any.
    pub form_url: Option<String>,
    pub form_label: String,
    /// Approved comments, or an interview's questions (answered first).
    pub entries: Vec<EntryLine>,
    /// A survey: the responses so far (shown once it has closed) and its results.
    pub responses: u64,
    pub results: Option<Vec<ResultQuestion>>,
    /// 采纳情况, 调查结果, 访谈实录.
    pub outcome_label: String,
    /// Paragraphs of the outcome once published.
    pub outcome: Option<Vec<String>>,
    pub outcome_at: Option<String>,
    /// An interview's transcript, once published as an article.
    pub article_url: Option<String>,
}

/// An option of a survey question on the form.
#[derive(Debug, Clone, Serialize)]
pub struct FormOption {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// A survey question on the form.
#[derive(Debug, Clone, Serialize)]
pub struct FormQuestion {
    /// The field's name and the fieldset's id (`q0`, `q1`, …).
    pub name: String,
    pub number: usize,
    pub prompt: String,
    /// `single`, `multiple` or `text`.
    pub kind: String,
    pub kind_label: String,
    pub options: Vec<FormOption>,
    /// A free-text answer as typed.
    pub value: String,
    pub max_chars: usize,
}

/// A comment or question as typed, shown again after a refused post.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EntryInput {
    pub nickname: String,
    pub content: String,
}

/// What the form took.
#[derive(Debug, Clone, Serialize)]
pub struct TakenView {
    pub message: String,
    /// An interview question's query code (to follow it if the interview ends unanswered).
    pub query_code: Option<String>,
    pub query_url: String,
}

/// The participation form: a comment (`mode` = `comment`), a question (`ask`) or a survey's
/// questionnaire (`survey`).
#[derive(Debug, Clone, Serialize)]
pub struct ConsultFormView {
    pub chrome: Chrome,
    pub heading: String,
    pub mode: String,
    pub title: String,
    pub page_url: String,
    pub closes: String,
    pub action: String,
    pub token: String,
    /// The consultation's id, posted back.
    pub item: i64,
    pub contribution: String,
    pub form: EntryInput,
    pub questions: Vec<FormQuestion>,
    pub errors: Vec<FieldProblem>,
    pub error_fields: Vec<String>,
    pub max_content: usize,
    pub max_nickname: usize,
    /// After a taken post: what was taken (the form is not shown again).
    pub taken: Option<TakenView>,
    /// Why nothing can be sent now (closed, not yet open, already answered).
    pub closed: Option<String>,
}
