//! View models of the console's case pages (互动交流): a site's inbox with its filters and
//! clocks, one case with its history, the writer's details (masked, or revealed by an
//! audited action) and the steps this person may take now, and the office's table of units.

use serde::Serialize;

use super::SiteFrame;

/// A value of a filter's select.
#[derive(Debug, Clone, Serialize)]
pub struct Option_ {
    pub value: String,
    pub label: String,
}

/// The inbox's filters as chosen.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CaseFilterView {
    pub kind: String,
    pub state: String,
    /// `overdue`, `soon` or empty.
    pub due: String,
}

/// A case in the inbox.
#[derive(Debug, Clone, Serialize)]
pub struct CaseLine {
    pub id: i64,
    pub url: String,
    pub kind_label: String,
    pub subject: String,
    pub state: String,
    pub state_label: String,
    pub submitted: String,
    /// YYYY-MM-DD, empty once answered or while paused.
    pub due: String,
    /// 超期 3 个工作日, 今天到期, 剩 2 个工作日, 暂停计时, 按期答复…
    pub clock: String,
    /// `overdue`, `soon`, `ok`, `paused`, `done`.
    pub clock_class: &'static str,
    /// The site it was written to, when another.
    pub origin: Option<String>,
}

/// 互动交流: a site's inbox.
#[derive(Debug, Clone, Serialize)]
pub struct CasesView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    pub kinds: Vec<Option_>,
    pub states: Vec<Option_>,
    pub filter: CaseFilterView,
    pub items: Vec<CaseLine>,
    pub total: u64,
    pub open: u32,
    pub due_soon: u32,
    pub overdue: u32,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

/// A labelled value of a case.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// A step of the history, as the console shows it (with who took it).
#[derive(Debug, Clone, Serialize)]
pub struct StepLine {
    pub at: String,
    pub label: String,
    pub actor: String,
    pub note: Option<String>,
}

/// One step this person may take now, as a form.
#[derive(Debug, Clone, Serialize)]
pub struct StepForm {
    /// The step's name in the URL.
    pub step: &'static str,
    pub button: &'static str,
    /// The text field's label; none: no text.
    pub text_label: Option<&'static str>,
    pub text_required: bool,
    /// Prefilled text (the draft being revised).
    pub text: String,
    /// Offers the transfer targets.
    pub transfer: bool,
    /// Offers the disclosure answers.
    pub answers: bool,
    /// Offers the reply templates.
    pub templates: bool,
}

/// 案件详情.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    pub id: i64,
    pub version: i32,
    pub kind_label: String,
    pub subject: String,
    pub state_label: String,
    pub clock: String,
    pub clock_class: &'static str,
    pub facts: Vec<Fact>,
    pub content: Vec<String>,
    /// The writer's details: masked, or in full after the audited reveal.
    pub personal: Vec<Fact>,
    pub revealed: bool,
    pub can_reveal: bool,
    pub draft: Option<Vec<String>>,
    pub reply: Option<Vec<String>>,
    pub history: Vec<StepLine>,
    /// The files the writer attached (downloads are audited).
    pub files: Vec<CaseFileLine>,
    pub steps: Vec<StepForm>,
    pub targets: Vec<Option_>,
    pub answers: Vec<Option_>,
    pub templates: Vec<Option_>,
}

/// A file attached to a case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseFileLine {
    pub name: String,
    /// `12.3 KiB`.
    pub size: String,
    /// Its download address; `None` for a caller who may not handle the case.
    pub url: Option<String>,
}

/// One unit in the office's table.
#[derive(Debug, Clone, Serialize)]
pub struct UnitLine {
    pub name: String,
    pub url: String,
    pub received: u32,
    pub replied: u32,
    pub on_time_rate: String,
    pub avg_days: String,
    pub satisfaction: String,
    pub open: u32,
    pub due_soon: u32,
    pub overdue: u32,
    /// Bar length in pixels (received), 200 for the busiest unit.
    pub bar: u32,
}

/// The office's cluster-wide view of cases: every unit's figures for a year.
#[derive(Debug, Clone, Serialize)]
pub struct UnitsView {
    #[serde(flatten)]
    pub frame: super::AdminFrame,
    pub year: i32,
    pub years: Vec<i32>,
    pub rows: Vec<UnitLine>,
    pub csv_url: String,
}

/// A mailbox as its site's admin edits it.
#[derive(Debug, Clone, Serialize)]
pub struct MailboxRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub sort_order: i32,
    pub active: bool,
    pub notify_email: String,
}

/// A kind of case's time limit on the settings page.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRow {
    pub kind: String,
    pub label: String,
    pub days: u32,
    pub extension: u32,
    /// The cluster's, the most the site may set.
    pub max_days: u32,
    pub max_extension: u32,
}

/// 信箱和时限: a site's mailboxes, each editable, a form for a new one, and the site's time
/// limits.
#[derive(Debug, Clone, Serialize)]
pub struct MailboxesView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    pub can_edit: bool,
    pub items: Vec<MailboxRow>,
    pub rules: Vec<RuleRow>,
    /// The site has its own time limits (else the cluster's apply).
    pub rules_own: bool,
    /// The public letter form, where the mailboxes are offered.
    pub letter_url: String,
    /// The site's common replies, and the kinds of case they may be kept for.
    pub templates: Vec<TemplateRow>,
    pub case_kinds: Vec<Option_>,
}

/// A common reply (常用答复) of the site.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateRow {
    pub id: i64,
    /// The case kind, empty for every kind.
    pub kind: String,
    pub title: String,
    pub body: String,
    pub sort_order: i32,
}
