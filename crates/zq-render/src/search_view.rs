//! The public search page's view (issue 17): the question, its scope (本站 / 全部站群) and
//! order, the facets a reader can narrow by, the documents found with their highlighted title
//! and snippet, a pager, and help when nothing was found. `title_html` and `snippet_html` come
//! from the index already escaped, with only `<b>` added around the words found.

use serde::Serialize;

use crate::view::{Chrome, Pagination};

/// The search page.
#[derive(Debug, Clone, Serialize)]
pub struct SearchView {
    pub chrome: Chrome,
    /// Where the form posts (GET) to.
    pub action: String,
    pub q: String,
    /// Hidden fields the form keeps (the scope, the order).
    pub keep: Vec<Choice>,
    /// 本站 / 全部站群 (only on a subsite).
    pub scopes: Vec<Choice>,
    /// 按相关度 / 按时间.
    pub orders: Vec<Choice>,
    pub facets: Vec<FacetGroup>,
    /// The filters in force, each with a link that drops it.
    pub picked: Vec<Choice>,
    pub total: u64,
    pub hits: Vec<HitView>,
    pub pagination: Pagination,
    /// Why the question was not answered (too long, too many questions, no index).
    pub problem: Option<String>,
    /// When nothing was found: where else to look.
    pub help: Option<Help>,
    /// Whether a question was asked at all (the page without one shows only the form).
    pub asked: bool,
}

/// A link that is either the current choice or another.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    /// For hidden fields: the name; else empty.
    pub name: String,
    pub label: String,
    /// For hidden fields: the value; else the link.
    pub url: String,
    pub current: bool,
}

/// One facet: its name and the values with their counts.
#[derive(Debug, Clone, Serialize)]
pub struct FacetGroup {
    pub name: String,
    pub items: Vec<FacetItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FacetItem {
    pub label: String,
    pub count: u64,
    pub url: String,
    pub current: bool,
}

/// One document found.
#[derive(Debug, Clone, Serialize)]
pub struct HitView {
    pub title_html: String,
    pub snippet_html: String,
    pub url: String,
    pub site: String,
    pub column: String,
    pub kind: String,
    pub date: String,
    /// Shown in full when it was the office's 推荐结果.
    pub recommended: bool,
}

/// Where to look when nothing was found.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Help {
    /// The same question over the whole cluster (when it was asked of one site).
    pub everywhere: Option<String>,
    /// Sites whose names contain words of the question (the unit likely to own the topic).
    pub units: Vec<Choice>,
    /// The question with a mistyped word corrected (您是不是要找), and its results page.
    pub suggestion: Option<Choice>,
}
