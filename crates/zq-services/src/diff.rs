//! Line diff between two versions of an article, for the version history page.

use similar::{ChangeTag, TextDiff};
use zq_store::{ArticleVersion, Column};

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// `equal`, `insert` or `delete`.
    pub tag: &'static str,
    pub text: String,
}

/// A version as lines: each field on its own line (the column by its name among `columns`),
/// the body split after block elements so a changed paragraph shows as one changed line.
fn lines(v: &ArticleVersion, columns: &[Column]) -> String {
    let t = &v.text;
    let mut out = format!("标题：{}\n", t.title);
    for (label, value) in [
        ("副标题", &t.subtitle),
        ("来源", &t.source),
        ("作者", &t.author),
        ("摘要", &t.summary),
        ("文号", &t.doc_number),
        ("索引号", &t.index_number),
    ] {
        if let Some(v) = value {
            out.push_str(&format!("{label}：{v}\n"));
        }
    }
    let column = columns.iter().find(|c| c.id == t.column_id).map_or_else(
        || format!("（已删除的栏目 {}）", t.column_id),
        |c| c.name.clone(),
    );
    out.push_str(&format!("栏目：{column}\n"));
    let mut body = t.body.clone();
    for end in [
        "</p>", "</li>", "</h2>", "</h3>", "</h4>", "</tr>", "<br>", "</table>",
    ] {
        body = body.replace(end, &format!("{end}\n"));
    }
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// What changed from `a` to `b` (`columns`: the site's, to name them).
pub fn diff_versions(a: &ArticleVersion, b: &ArticleVersion, columns: &[Column]) -> Vec<DiffLine> {
    let (old, new) = (lines(a, columns), lines(b, columns));
    TextDiff::from_lines(&old, &new)
        .iter_all_changes()
        .map(|c| DiffLine {
            tag: match c.tag() {
                ChangeTag::Equal => "equal",
                ChangeTag::Insert => "insert",
                ChangeTag::Delete => "delete",
            },
            text: c.value().trim_end_matches('\n').to_owned(),
        })
        .collect()
}
