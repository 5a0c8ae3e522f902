//! View models of the public interaction pages (互动交流): the letter form, and the query page
//! that shows a case to whoever holds its query code (right after writing, with the code). No
//! personal details ever reach these views.

use serde::Serialize;

use crate::view::Chrome;

/// A choice of a radio group or select.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// A mailbox offered on the letter form.
#[derive(Debug, Clone, Serialize)]
pub struct MailboxChoice {
    pub slug: String,
    pub name: String,
}

/// A field the writer must correct, linked from the error summary.
#[derive(Debug, Clone, Serialize)]
pub struct FieldProblem {
    /// The input's id.
    pub field: String,
    pub message: String,
}

/// What the writer typed, shown again after a refused post.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LetterInput {
    pub mailbox: String,
    pub category: String,
    pub subject: String,
    pub content: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub publish: bool,
}

/// 我要写信.
#[derive(Debug, Clone, Serialize)]
pub struct LetterFormView {
    pub chrome: Chrome,
    pub heading: String,
    pub action: String,
    pub token: String,
    pub mailboxes: Vec<MailboxChoice>,
    pub categories: Vec<Choice>,
    pub form: LetterInput,
    pub errors: Vec<FieldProblem>,
    /// The ids of the fields with a problem (marked `aria-invalid`).
    pub error_fields: Vec<String>,
    pub max_subject: usize,
    pub max_content: usize,
    /// The query page.
    pub query_url: String,
}

/// A case as its writer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseStatus {
    pub subject: String,
    pub state_label: String,
    pub submitted: String,
    pub accepted: Option<String>,
    pub due: Option<String>,
    pub replied: Option<String>,
    pub reply_unit: Option<String>,
    /// Paragraphs.
    pub content: Vec<String>,
    pub reply: Option<Vec<String>>,
    pub can_rate: bool,
    /// 满意, 基本满意… once rated.
    pub rating: Option<String>,
}

/// 办理查询: the code form, or the case (after writing: with the new code).
#[derive(Debug, Clone, Serialize)]
pub struct QueryView {
    pub chrome: Chrome,
    pub heading: String,
    pub action: String,
    pub token: String,
    /// The code as typed (kept in the rating form so the page can be shown again).
    pub code: String,
    pub error: Option<String>,
    pub case: Option<CaseStatus>,
    /// Right after writing: the new case's code, shown once.
    pub received: bool,
    pub query_code: String,
    pub rate_action: String,
    pub rate_token: String,
    pub ratings: Vec<Choice>,
}
