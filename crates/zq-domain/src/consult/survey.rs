//! A survey's questions as a clerk types them, a response checked against them, and the
//! results tallied.
//!
//! The questions are plain text, one block per question, blocks separated by a blank line;
//! the first line names the kind in brackets and asks the question, the other lines of a
//! choice question are its options:
//!
//! ```text
//! [单选] 您对本区政务服务的总体评价是？
//! 非常满意
//! 满意
//! 不满意
//!
//! [多选] 您通常通过哪些渠道办事？
//! 政务服务大厅
//! 网上办事大厅
//!
//! [填空] 您还有什么建议？
//! ```
//!
//! Choice questions must be answered; free-text ones may be left empty.

use serde::{Deserialize, Serialize};

use crate::article::FieldError;
use crate::named_enum;

/// Most questions in a survey.
pub const MAX_QUESTIONS: usize = 30;
/// Most options of a choice question.
pub const MAX_OPTIONS: usize = 20;
/// Longest question or option, in characters.
pub const MAX_PROMPT_CHARS: usize = 200;
/// Longest free-text answer, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;

named_enum!(
    /// How a question is answered.
    QuestionKind, "题目类型" {
        /// One option (radio buttons).
        Single = "single",
        /// Any options, at least one (check boxes).
        Multiple = "multiple",
        /// Free text, optional.
        Text = "text",
    }
);

impl QuestionKind {
    /// The marker in the typed format.
    pub fn marker(self) -> &'static str {
        match self {
            QuestionKind::Single => "单选",
            QuestionKind::Multiple => "多选",
            QuestionKind::Text => "填空",
        }
    }

    fn from_marker(m: &str) -> Option<QuestionKind> {
        match m.trim() {
            "单选" | "单选题" => Some(QuestionKind::Single),
            "多选" | "多选题" => Some(QuestionKind::Multiple),
            "填空" | "填空题" | "简答" | "问答" => Some(QuestionKind::Text),
            _ => None,
        }
    }
}

/// One question of a survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub kind: QuestionKind,
    pub prompt: String,
    /// The options of a choice question (empty for free text).
    #[serde(default)]
    pub options: Vec<String>,
}

/// One answer of a response, in the order of the questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// The chosen options, by index, ascending.
    Choice(Vec<usize>),
    /// Free text (maybe empty).
    Text(String),
}

/// Parses the typed questions; every problem is reported with the question's number.
pub fn parse_questions(text: &str) -> Result<Vec<Question>, Vec<String>> {
    let mut questions = Vec::new();
    let mut problems = Vec::new();
    let normal = text.replace("\r\n", "\n");
    let blocks = normal
        .split("\n\n")
        .map(|b| {
            b.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|b| !b.is_empty());
    for (i, lines) in blocks.enumerate() {
        let n = i + 1;
        let first = lines[0]
            .replace(['【', '［'], "[")
            .replace(['】', '］'], "]");
        let parsed = first
            .strip_prefix('[')
            .and_then(|r| r.split_once(']'))
            .and_then(|(m, p)| QuestionKind::from_marker(m).map(|k| (k, p.trim().to_owned())));
        let Some((kind, prompt)) = parsed else {
            problems.push(format!("第 {n} 题须以 [单选]、[多选] 或 [填空] 开头"));
            continue;
        };
        if prompt.is_empty() || prompt.chars().count() > MAX_PROMPT_CHARS {
            problems.push(format!("第 {n} 题的题目须为 1–{MAX_PROMPT_CHARS} 个字"));
        }
        let options: Vec<String> = lines[1..].iter().map(|o| (*o).to_owned()).collect();
        match kind {
            QuestionKind::Text if !options.is_empty() => {
                problems.push(format!("第 {n} 题是填空题，不能有选项"));
            }
            QuestionKind::Single | QuestionKind::Multiple
                if options.len() < 2 || options.len() > MAX_OPTIONS =>
            {
                problems.push(format!("第 {n} 题须有 2–{MAX_OPTIONS} 个选项，每行一个"));
            }
            _ => {}
        }
        if options.iter().any(|o| o.chars().count() > MAX_PROMPT_CHARS) {
            problems.push(format!("第 {n} 题的选项不能超过 {MAX_PROMPT_CHARS} 个字"));
        }
        let mut seen = options.clone();
        seen.sort();
        seen.dedup();
        if seen.len() != options.len() {
            problems.push(format!("第 {n} 题有重复的选项"));
        }
        questions.push(Question {
            kind,
            prompt,
            options,
        });
    }
    if questions.is_empty() && problems.is_empty() {
        problems.push("请至少填写一道题".to_owned());
    }
    if questions.len() > MAX_QUESTIONS {
        problems.push(format!("最多 {MAX_QUESTIONS} 道题"));
    }
    if problems.is_empty() {
        Ok(questions)
    } else {
        Err(problems)
    }
}

/// The questions back in the typed format (for editing).
pub fn questions_text(questions: &[Question]) -> String {
    questions
        .iter()
        .map(|q| {
            let mut s = format!("[{}] {}", q.kind.marker(), q.prompt);
            for o in &q.options {
                s.push('\n');
                s.push_str(o);
            }
            s
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Checks a response: `raw[i]` holds the values posted for question `i` (option numbers from
/// 0 for a choice, the text for free text). Field names are `q{i}`.
pub fn check_response(
    questions: &[Question],
    raw: &[Vec<String>],
) -> Result<Vec<Answer>, Vec<FieldError>> {
    let mut answers = Vec::with_capacity(questions.len());
    let mut errors = Vec::new();
    let names: Vec<&'static str> = (0..questions.len()).map(field_name).collect();
    for (i, q) in questions.iter().enumerate() {
        let values: &[String] = raw.get(i).map(Vec::as_slice).unwrap_or(&[]);
        let n = i + 1;
        match q.kind {
            QuestionKind::Text => {
                let text = values.first().map(|v| v.trim()).unwrap_or("").to_owned();
                if text.chars().count() > MAX_TEXT_CHARS {
                    errors.push(FieldError::new(
                        names[i],
                        format!("第 {n} 题的回答不能超过 {MAX_TEXT_CHARS} 个字"),
                    ));
                }
                answers.push(Answer::Text(text));
            }
            QuestionKind::Single | QuestionKind::Multiple => {
                let mut picked: Vec<usize> = Vec::new();
                let mut bad = false;
                for v in values.iter().filter(|v| !v.trim().is_empty()) {
                    match v.trim().parse::<usize>() {
                        Ok(k) if k < q.options.len() => picked.push(k),
                        _ => bad = true,
                    }
                }
                picked.sort_unstable();
                picked.dedup();
                if bad {
                    errors.push(FieldError::new(names[i], format!("第 {n} 题的选项无效")));
                } else if picked.is_empty() {
                    errors.push(FieldError::new(names[i], format!("请回答第 {n} 题")));
                } else if q.kind == QuestionKind::Single && picked.len() > 1 {
                    errors.push(FieldError::new(names[i], format!("第 {n} 题只能选一项")));
                }
                answers.push(Answer::Choice(picked));
            }
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// The form field of question `i` (`q0`, `q1`, …).
pub fn field_name(i: usize) -> &'static str {
    const NAMES: [&str; MAX_QUESTIONS] = [
        "q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12", "q13",
        "q14", "q15", "q16", "q17", "q18", "q19", "q20", "q21", "q22", "q23", "q24", "q25", "q26",
        "q27", "q28", "q29",
    ];
    NAMES.get(i).copied().unwrap_or("q")
}

/// How often one option was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptionTally {
    pub label: String,
    pub count: u64,
    /// Share of the question's respondents, in tenths of a percent (a multiple-choice
    /// question's shares add up to more than 100 %).
    pub per_mille: u32,
}

/// The results of one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionTally {
    pub kind: QuestionKind,
    pub prompt: String,
    /// Responses that answered it (a free-text answer left empty does not count).
    pub answered: u64,
    pub options: Vec<OptionTally>,
}

/// Tallies the responses; answers that do not fit their question (the questions were edited
/// after a response) are left out.
pub fn tally<'a>(
    questions: &[Question],
    responses: impl IntoIterator<Item = &'a [Answer]>,
) -> Vec<QuestionTally> {
    let mut counts: Vec<Vec<u64>> = questions.iter().map(|q| vec![0; q.options.len()]).collect();
    let mut answered = vec![0u64; questions.len()];
    for response in responses {
        for (i, (q, a)) in questions.iter().zip(response).enumerate() {
            match (q.kind, a) {
                (QuestionKind::Text, Answer::Text(t)) if !t.is_empty() => answered[i] += 1,
                (QuestionKind::Single | QuestionKind::Multiple, Answer::Choice(picked))
                    if !picked.is_empty() && picked.iter().all(|k| *k < q.options.len()) =>
                {
                    answered[i] += 1;
                    for k in picked {
                        counts[i][*k] += 1;
                    }
                }
                _ => {}
            }
        }
    }
    questions
        .iter()
        .enumerate()
        .map(|(i, q)| QuestionTally {
            kind: q.kind,
            prompt: q.prompt.clone(),
            answered: answered[i],
            options: q
                .options
                .iter()
                .zip(&counts[i])
                .map(|(label, &count)| OptionTally {
                    label: label.clone(),
                    count,
                    per_mille: per_mille(count, answered[i]),
                })
                .collect(),
        })
        .collect()
}

fn per_mille(part: u64, whole: u64) -> u32 {
    if whole == 0 {
        return 0;
    }
    u32::try_from((part * 2000 + whole) / (2 * whole)).unwrap_or(1000)
}
