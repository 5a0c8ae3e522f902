//! The console's search page (站内搜索管理, issue 17), for a site (`console_site_base.html`) or
//! the office (`console_admin_base.html`): synonym groups and best bets with forms to add and
//! remove them, and the questions asked in a period — the most asked and those that found
//! nothing — with CSV.

use serde::Serialize;

/// The page.
#[derive(Debug, Clone, Serialize)]
pub struct SearchOfficeView<F: Serialize> {
    #[serde(flatten)]
    pub frame: F,
    pub base_template: &'static str,
    pub heading: String,
    /// `/console/sites/{code}/search` or `/console/admin/search`.
    pub action: String,
    /// Whether the caller may change the synonyms and best bets here.
    pub can_edit: bool,
    /// For a site: the cluster's own (read only), so a clerk knows what already applies.
    pub inherited_synonyms: Vec<SynonymRow>,
    pub synonyms: Vec<SynonymRow>,
    pub best_bets: Vec<BestBetRow>,
    /// What was typed in a refused form.
    pub typed_words: String,
    pub typed_bet: BestBetRow,
    pub period: String,
    pub period_label: String,
    pub from: String,
    pub to: String,
    pub csv_url: String,
    pub top: Vec<QueryRow>,
    pub unanswered: Vec<QueryRow>,
    /// The search page to try a question on.
    pub search_url: String,
    /// A site's files found by their names only (their text could not be read).
    pub unreadable: Vec<FileRow>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct SynonymRow {
    pub id: i64,
    pub words: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct BestBetRow {
    pub id: i64,
    pub keywords: String,
    pub title: String,
    pub url: String,
    pub description: String,
}

/// A file whose text could not be read, and why.
#[derive(Debug, Clone, Serialize)]
pub struct FileRow {
    pub name: String,
    pub url: String,
    pub why: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueryRow {
    pub query: String,
    pub asked: i64,
    pub empty: i64,
    /// The question on the public search page.
    pub url: String,
}
