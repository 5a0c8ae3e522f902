//! Views of a site's article pages in the console: the lists (全部信息, 待审核) and an
//! article's version history with its diff.

use serde::Serialize;

use super::{Choice, SiteFrame};

/// A link that may be the current one (filters, tabs).
#[derive(Debug, Clone, Serialize)]
pub struct Filter {
    pub label: &'static str,
    pub url: String,
    pub current: bool,
}

/// A line of an article list.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleLine {
    pub id: i64,
    pub title: String,
    pub column: String,
    /// The state's stored name (for styling) and its label.
    pub state: &'static str,
    pub state_label: &'static str,
    pub version: i32,
    pub updated: String,
    /// When it was (or will be) published, empty if never.
    pub published: String,
}

/// 信息管理 and 待审核信息.
#[derive(Debug, Clone, Serialize)]
pub struct ArticlesView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    /// 信息管理's search form (not on 待审核).
    pub search: Option<ListSearch>,
    pub heading: &'static str,
    /// May write (the 写信息 button).
    pub can_write: bool,
    pub filters: Vec<Filter>,
    pub items: Vec<ArticleLine>,
    pub total: u64,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    /// On 待审核: corrections of published articles waiting for review.
    pub revisions: Vec<RevisionLine>,
    /// The bulk actions this person may take on ticked articles (none: no check boxes).
    pub bulk: Option<BulkPanel>,
    /// What the bulk action just sent did.
    pub bulk_result: Option<BulkResult>,
}

/// The bulk-action bar under an article list.
#[derive(Debug, Clone, Serialize)]
pub struct BulkPanel {
    /// `submit`, `approve`, `withdraw`, `move` with their labels.
    pub actions: Vec<Choice>,
    /// Columns to move into, as a tree (empty: no 移动).
    pub targets: Vec<Choice>,
    /// The list it is under (`list` or `review`) and its query string, to show it again
    /// with the same filters.
    pub view: &'static str,
    pub query: String,
}

/// The outcome of a bulk action, shown above the list.
#[derive(Debug, Clone, Serialize)]
pub struct BulkResult {
    pub message: String,
    pub refused: Vec<BulkRefusalLine>,
}

/// A ticked article that was not handled, and why.
#[derive(Debug, Clone, Serialize)]
pub struct BulkRefusalLine {
    pub id: i64,
    pub title: String,
    pub why: String,
}

/// A correction (修订) waiting for review.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionLine {
    pub id: i64,
    pub title: String,
    pub column: String,
    pub updated: String,
    pub minor: bool,
}

/// A saved version in the history.
#[derive(Debug, Clone, Serialize)]
pub struct VersionLine {
    pub version: i32,
    pub title: String,
    pub state_label: &'static str,
    pub saved_by: String,
    pub saved_at: String,
    /// Written over the published text by an approved correction; `minor`: a small one.
    pub corrected: bool,
    pub minor: bool,
}

/// One line of a diff: `equal`, `insert` or `delete`.
#[derive(Debug, Clone, Serialize)]
pub struct DiffLine {
    pub tag: &'static str,
    pub text: String,
}

/// 版本记录: the versions, and the diff between two of them.
#[derive(Debug, Clone, Serialize)]
pub struct VersionsView {
    #[serde(flatten)]
    pub frame: SiteFrame,
    pub title: String,
    pub article_url: String,
    /// The article is editable and the person may write: versions may be restored.
    pub can_restore: bool,
    pub versions: Vec<VersionLine>,
    pub from: i32,
    pub to: i32,
    /// `None` when both sides are the same version.
    pub diff: Option<Vec<DiffLine>>,
}

/// The search form of 信息管理, filled with what was asked.
#[derive(Debug, Clone, Serialize)]
pub struct ListSearch {
    pub state: &'static str,
    pub q: String,
    pub column: String,
    pub author: String,
    pub from: String,
    pub to: String,
    pub columns: Vec<Choice>,
    pub authors: Vec<Choice>,
    pub states: Vec<Choice>,
    /// Something beyond the state is asked for (the form shows 清除条件).
    pub active: bool,
}
