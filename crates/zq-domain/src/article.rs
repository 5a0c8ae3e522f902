//! Articles: their public visibility and the limits on what an editor may enter.
//!
//! An article's state is its workflow state (`workflow::WorkflowState`); `ArticleStatus` is the
//! same type under the name the public read path uses. Only `Published` is public.

use crate::{ColumnId, ColumnKind};

pub use crate::workflow::WorkflowState as ArticleStatus;

/// Longest title or subtitle, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest source, author, document or index number, in characters.
pub const MAX_SHORT_FIELD_CHARS: usize = 100;
/// Longest summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 1000;
/// Largest body, in bytes of HTML before sanitizing.
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// A field an editor filled in wrongly, with the message the form shows next to it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The form field / JSON key, e.g. `title`.
    pub field: &'static str,
    /// What is wrong, in Chinese for the console.
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// The text of an article as an editor writes it: the one type for drafts, versions,
/// adoptions and imports. The body is HTML, sanitized by the store when it is saved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArticleText {
    pub column_id: ColumnId,
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    /// 来源.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    /// HTML; sanitized when stored.
    #[serde(default)]
    pub body: String,
    /// 文号.
    #[serde(default)]
    pub doc_number: Option<String>,
    /// 索引号.
    #[serde(default)]
    pub index_number: Option<String>,
}

impl ArticleText {
    /// The fields as [`check_fields`] reads them.
    pub fn fields(&self) -> ArticleFields<'_> {
        ArticleFields {
            title: &self.title,
            subtitle: self.subtitle.as_deref(),
            source: self.source.as_deref(),
            author: self.author.as_deref(),
            summary: self.summary.as_deref(),
            body: &self.body,
            doc_number: self.doc_number.as_deref(),
            index_number: self.index_number.as_deref(),
        }
    }

    /// Every field trimmed and empty optional ones dropped (the body is left as it is).
    pub fn trimmed(mut self) -> ArticleText {
        fn opt(v: Option<String>) -> Option<String> {
            v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
        }
        self.title = self.title.trim().to_owned();
        self.subtitle = opt(self.subtitle);
        self.source = opt(self.source);
        self.author = opt(self.author);
        self.summary = opt(self.summary);
        self.doc_number = opt(self.doc_number);
        self.index_number = opt(self.index_number);
        self
    }
}

/// The fields of an article as an editor enters them (before sanitizing).
#[derive(Debug, Clone, Copy)]
pub struct ArticleFields<'a> {
    pub title: &'a str,
    pub subtitle: Option<&'a str>,
    pub source: Option<&'a str>,
    pub author: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub body: &'a str,
    pub doc_number: Option<&'a str>,
    pub index_number: Option<&'a str>,
}

fn too_long(field: &'static str, value: Option<&str>, max: usize) -> Option<FieldError> {
    value
        .filter(|v| v.chars().count() > max)
        .map(|_| FieldError::new(field, format!("不能超过 {max} 个字")))
}

/// Every problem with the fields, in form order; empty when they may be saved.
pub fn check_fields(f: &ArticleFields<'_>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let title = f.title.trim();
    if title.is_empty() {
        errors.push(FieldError::new("title", "请填写标题"));
    }
    errors.extend(too_long("title", Some(title), MAX_TITLE_CHARS));
    errors.extend(too_long("subtitle", f.subtitle, MAX_TITLE_CHARS));
    errors.extend(too_long("source", f.source, MAX_SHORT_FIELD_CHARS));
    errors.extend(too_long("author", f.author, MAX_SHORT_FIELD_CHARS));
    errors.extend(too_long("summary", f.summary, MAX_SUMMARY_CHARS));
    errors.extend(too_long("doc_number", f.doc_number, MAX_SHORT_FIELD_CHARS));
    errors.extend(too_long(
        "index_number",
        f.index_number,
        MAX_SHORT_FIELD_CHARS,
    ));
    if f.body.len() > MAX_BODY_BYTES {
        errors.push(FieldError::new(
            "body",
            format!("正文不能超过 {} KiB", MAX_BODY_BYTES / 1024),
        ));
    }
    if title.chars().any(char::is_control) {
        errors.push(FieldError::new("title", "标题不能包含控制字符"));
    }
    errors
}

/// Whether articles may be filed in a column of this kind (links have no articles).
pub fn column_takes_articles(kind: ColumnKind) -> bool {
    !matches!(kind, ColumnKind::ExternalLink)
}

/// An automatic 索引号: the tenant's code in capitals, the year and the year's sequence
/// number (`JB-2026-00017`), until the disclosure catalogue's scheme replaces the format.
pub fn index_number(code: &str, year: i32, n: i64) -> String {
    format!("{}-{year}-{n:05}", code.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(title: &str) -> ArticleFields<'_> {
        ArticleFields {
            title,
            subtitle: None,
            source: None,
            author: None,
            summary: None,
            body: "<p>正文</p>",
            doc_number: None,
            index_number: None,
        }
    }

    #[test]
    fn only_published_articles_are_public() {
        for s in ArticleStatus::ALL {
            assert_eq!(s.is_public(), *s == ArticleStatus::Published, "{s}");
        }
    }

    #[test]
    fn a_title_is_required_and_bounded() {
        assert!(check_fields(&fields("关于做好冬季供暖工作的通知")).is_empty());
        assert_eq!(check_fields(&fields("  "))[0].field, "title");
        let long = "字".repeat(MAX_TITLE_CHARS + 1);
        assert_eq!(check_fields(&fields(&long))[0].field, "title");
        let exact = "字".repeat(MAX_TITLE_CHARS);
        assert!(check_fields(&fields(&exact)).is_empty());
        assert_eq!(check_fields(&fields("a\u{7}b"))[0].field, "title");
    }

    #[test]
    fn every_optional_field_is_bounded() {
        let long = "x".repeat(MAX_SUMMARY_CHARS + 1);
        let mut f = fields("标题");
        f.summary = Some(&long);
        f.source = Some(&long);
        f.doc_number = Some(&long);
        let errs: Vec<_> = check_fields(&f).iter().map(|e| e.field).collect();
        assert_eq!(errs, ["source", "summary", "doc_number"]);
        let body = "x".repeat(MAX_BODY_BYTES + 1);
        let mut f = fields("标题");
        f.body = &body;
        assert_eq!(check_fields(&f)[0].field, "body");
    }

    #[test]
    fn trimming_drops_empty_optional_fields_and_keeps_the_body() {
        let t = ArticleText {
            column_id: ColumnId(1),
            title: "  标题 ".into(),
            subtitle: Some("   ".into()),
            source: Some(" 市政府办公室 ".into()),
            author: None,
            summary: Some(String::new()),
            body: " <p>正文</p> ".into(),
            doc_number: None,
            index_number: Some(" 001 ".into()),
        }
        .trimmed();
        assert_eq!(t.title, "标题");
        assert_eq!(t.subtitle, None);
        assert_eq!(t.source.as_deref(), Some("市政府办公室"));
        assert_eq!(t.summary, None);
        assert_eq!(t.body, " <p>正文</p> ");
        assert_eq!(t.index_number.as_deref(), Some("001"));
        assert!(check_fields(&t.fields()).is_empty());
    }

    #[test]
    fn links_take_no_articles() {
        assert!(column_takes_articles(ColumnKind::ArticleList));
        assert!(column_takes_articles(ColumnKind::SinglePage));
        assert!(!column_takes_articles(ColumnKind::ExternalLink));
    }

    #[test]
    fn automatic_index_numbers_name_the_site_year_and_sequence() {
        assert_eq!(super::index_number("jb", 2026, 17), "JB-2026-00017");
        assert_eq!(super::index_number("fgw", 2027, 123_456), "FGW-2027-123456");
    }
}
