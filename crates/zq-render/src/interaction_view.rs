//! View models of the public interaction pages (互动交流): the forms (letter, site-error
//! report, disclosure request), the query page that shows a case to whoever holds its query
//! code (right after writing, with the code), and the cached pages: the interaction page, the
//! registry of replied letters and the monthly statistics. No personal details ever reach
//! these views.

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

/// The verification question (验证问题) asked of an address past its quota.
#[derive(Debug, Clone, Serialize)]
pub struct CaptchaView {
    pub question: String,
    /// The hidden field binding the answer to this form.
    pub sig: String,
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
    /// The verification question, when this address is asked it.
    pub captcha: Option<CaptchaView>,
}

/// A case as its writer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseStatus {
    /// 来信, 网站找错, 依申请公开…
    pub kind_label: String,
    /// The names of the files the writer attached (not downloadable here).
    pub files: Vec<String>,
    pub subject: String,
    /// The page a site-error report is about.
    pub page_url: Option<String>,
    /// For a disclosure request: the kind of answer (予以公开…).
    pub answer: Option<String>,
    /// The steps the writer may see.
    pub history: Vec<HistoryLine>,
    /// Waiting for the writer's completion (补正): what was asked.
    pub correction_asked: Option<String>,
    /// The writer may complain about the reply (reopening the case).
    pub can_complain: bool,
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
    pub correct_action: String,
    pub correct_token: String,
    pub complain_action: String,
    pub complain_token: String,
}

/// One step of a case's history as its writer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryLine {
    pub at: String,
    pub label: String,
    pub note: Option<String>,
}

/// A link on the interaction page.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub label: String,
    pub url: String,
    pub hint: String,
}

/// A mailbox as the interaction page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct MailboxLine {
    pub name: String,
    pub description: Option<String>,
}

/// 互动交流: what a citizen can do on this site, its mailboxes and latest replies.
#[derive(Debug, Clone, Serialize)]
pub struct HubView {
    pub chrome: Chrome,
    pub entries: Vec<Entry>,
    pub mailboxes: Vec<MailboxLine>,
    pub latest: Vec<RegistryLine>,
    pub registry_url: String,
    /// This year so far.
    pub year: StatRow,
    pub statistics_url: String,
}

/// A letter in the registry list.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryLine {
    pub url: String,
    pub subject: String,
    pub category: String,
    /// 来信日期, 答复日期 (YYYY-MM-DD).
    pub submitted: String,
    pub replied: String,
    pub unit: String,
}

/// 信件选登.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryView {
    pub chrome: Chrome,
    pub heading: String,
    pub items: Vec<RegistryLine>,
    pub pagination: crate::view::Pagination,
    pub letter_url: String,
}

/// One letter of the registry with its reply (no personal details).
#[derive(Debug, Clone, Serialize)]
pub struct RegistryLetterView {
    pub chrome: Chrome,
    pub subject: String,
    pub category: String,
    pub mailbox: Option<String>,
    pub submitted: String,
    pub accepted: Option<String>,
    pub replied: String,
    pub unit: String,
    pub content: Vec<String>,
    pub reply: Vec<String>,
    pub rating: Option<String>,
}

/// One row of the monthly statistics.
#[derive(Debug, Clone, Serialize)]
pub struct StatRow {
    /// 1月 … 12月, or 合计.
    pub label: String,
    pub received: u32,
    pub replied: u32,
    pub on_time: u32,
    pub overdue: u32,
    /// Formatted figures, "—" when there is nothing to measure.
    pub on_time_rate: String,
    pub avg_days: String,
    pub satisfaction: String,
    /// Bar lengths in pixels, 160 for the busiest month (received, replied).
    pub bar_received: u32,
    pub bar_replied: u32,
}

/// A year the statistics can be shown for.
#[derive(Debug, Clone, Serialize)]
pub struct YearLink {
    pub year: i32,
    pub url: String,
    pub current: bool,
}

/// 来信统计: the monthly figures of the site's letters.
#[derive(Debug, Clone, Serialize)]
pub struct StatisticsView {
    pub chrome: Chrome,
    pub heading: String,
    pub year: i32,
    pub years: Vec<YearLink>,
    pub rows: Vec<StatRow>,
    pub total: StatRow,
    /// When the figures were computed (Beijing time).
    pub as_of: String,
}

/// What the site-error form (我为政府网站找错) was given, shown again after a refused post.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SiteErrorInput {
    pub page_url: String,
    pub kind: String,
    pub content: String,
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// 我为政府网站找错.
#[derive(Debug, Clone, Serialize)]
pub struct SiteErrorFormView {
    pub chrome: Chrome,
    pub heading: String,
    pub action: String,
    pub token: String,
    pub kinds: Vec<Choice>,
    pub form: SiteErrorInput,
    pub errors: Vec<FieldProblem>,
    pub error_fields: Vec<String>,
    pub max_content: usize,
    pub query_url: String,
    /// The verification question, when this address is asked it.
    pub captcha: Option<CaptchaView>,
}

/// What the disclosure form was given.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DisclosureInput {
    pub applicant: String,
    pub name: String,
    pub id_number: String,
    pub organization: String,
    pub credit_code: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub subject: String,
    pub content: String,
    pub purpose: String,
    pub medium: String,
    pub delivery: String,
}

/// 政府信息公开申请.
#[derive(Debug, Clone, Serialize)]
pub struct DisclosureFormView {
    pub chrome: Chrome,
    pub heading: String,
    pub action: String,
    pub token: String,
    pub applicants: Vec<Choice>,
    pub media: Vec<Choice>,
    pub deliveries: Vec<Choice>,
    pub form: DisclosureInput,
    pub errors: Vec<FieldProblem>,
    pub error_fields: Vec<String>,
    pub max_subject: usize,
    pub max_content: usize,
    pub query_url: String,
    /// The statutory time limit in working days, for the notice above the form.
    pub days: u32,
    /// The verification question, when this address is asked it.
    pub captcha: Option<CaptchaView>,
}
