//! View models of participation in the console (征集调查访谈): a site's consultations with
//! their counts and the form for a new one; one consultation with its text, the steps its
//! reviewers may take, the public's entries to moderate or answer, a survey's results so far,
//! the outcome and, for an interview, the close that keeps its transcript.

use serde::Serialize;

use super::{Option_, SiteFrame};
use crate::consult_view::ResultQuestion;

/// A consultation's text as the form shows it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConsultFields {
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub guests: String,
    /// A survey's questions in the typed format.
    pub questions: String,
    /// `YYYY-MM-DDTHH:MM`, Beijing time.
    pub opens_at: String,
    pub closes_at: String,
    /// The site's attachments to show with it, the chosen ones checked.
    pub attachments: Vec<FileChoice>,
}

/// An attachment of the site offered on a form.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileChoice {
    pub id: i64,
    pub name: String,
    pub checked: bool,
}

/// A consultation in the site's list.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultRow {
    pub url: String,
    pub title: String,
    pub kind_label: String,
    pub phase: String,
    pub phase_label: String,
    pub opens: String,
    pub closes: String,
    pub responses: u64,
    pub pending: u64,
    pub public: u64,
}

/// 征集调查访谈: the site's consultations and a new one.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultsView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    pub can_write: bool,
    pub items: Vec<ConsultRow>,
    pub kinds: Vec<Option_>,
    pub form: ConsultFields,
    /// The site's public participation page.
    pub public_url: String,
}

/// A public entry as the console shows it.
#[derive(Debug, Clone, Serialize)]
pub struct EntryRow {
    pub id: i64,
    pub state: String,
    pub state_label: String,
    pub nickname: String,
    pub submitted: String,
    pub content: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    /// The case an unanswered interview question became.
    pub case_url: Option<String>,
    pub can_moderate: bool,
    pub can_answer: bool,
}

/// A step button.
#[derive(Debug, Clone, Serialize)]
pub struct StepButton {
    pub name: String,
    pub label: String,
}

/// One consultation.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub phase: String,
    pub phase_label: String,
    pub version: i32,
    pub public_url: Option<String>,
    pub can_write: bool,
    pub steps: Vec<StepButton>,
    pub form: ConsultFields,
    pub entries: Vec<EntryRow>,
    pub pending: usize,
    pub responses: u64,
    pub results: Vec<ResultQuestion>,
    pub outcome_label: String,
    pub outcome: String,
    pub can_outcome: bool,
    pub csv_url: String,
    /// An interview: the columns its transcript can go to, and whether it can be closed now.
    pub columns: Vec<Option_>,
    pub can_close: bool,
    pub article_url: Option<String>,
    /// The first guest, the default name under an answer.
    pub guest: String,
}
