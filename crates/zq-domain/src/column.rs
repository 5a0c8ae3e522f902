//! Columns (栏目): each tenant's tree of sections, with kind and update requirement.

use crate::{ParseError, is_slug, named_enum};

named_enum!(
    /// What a column shows.
    ColumnKind, "栏目类型" {
        /// A paginated list of articles.
        ArticleList = "article_list",
        /// One page: the column's latest published article, shown in full.
        SinglePage = "single_page",
        /// A link to an address elsewhere.
        ExternalLink = "external_link",
    }
);

named_enum!(
    /// How often a column must get new content (the monitor checks this).
    UpdateRequirement, "更新要求" {
        Daily = "daily",
        TwiceWeekly = "twice_weekly",
        Weekly = "weekly",
        Monthly = "monthly",
        Quarterly = "quarterly",
        AsNeeded = "as_needed",
        /// Filled by a system (mailbox, data feeds), not by editors.
        Automatic = "automatic",
    }
);

impl UpdateRequirement {
    /// Chinese label, as the column settings show it.
    pub fn label(self) -> &'static str {
        match self {
            UpdateRequirement::Daily => "每日更新",
            UpdateRequirement::TwiceWeekly => "每周两次",
            UpdateRequirement::Weekly => "每周更新",
            UpdateRequirement::Monthly => "每月更新",
            UpdateRequirement::Quarterly => "每季度更新",
            UpdateRequirement::AsNeeded => "随时更新",
            UpdateRequirement::Automatic => "自动更新",
        }
    }
}

/// A column's slug: unique within its tenant, used in the column's URL `/col/{slug}/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct ColumnSlug(String);

impl ColumnSlug {
    pub const MAX_LEN: usize = 48;

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        if is_slug(s, Self::MAX_LEN) {
            Ok(Self(s.to_owned()))
        } else {
            Err(ParseError::new(
                "栏目地址",
                "请用 1–48 个小写字母、数字，可在中间用单个连字符",
                s,
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ColumnSlug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether moving column `id` under `new_parent` would make it its own ancestor. `parents`
/// lists every column of the tenant with its parent.
pub fn would_cycle<T: Copy + PartialEq>(
    parents: &[(T, Option<T>)],
    id: T,
    new_parent: Option<T>,
) -> bool {
    let mut at = new_parent;
    let mut steps = 0;
    while let Some(p) = at {
        if p == id || steps > parents.len() {
            return true;
        }
        at = parents
            .iter()
            .find(|(c, _)| *c == p)
            .and_then(|(_, up)| *up);
        steps += 1;
    }
    false
}

/// Columns in tree order (each parent followed by its children, depth-first, keeping the
/// given order among siblings), with their depth: what every column picker and the column
/// list show. A column whose parent is missing (or in a cycle) still appears, at the top.
pub fn tree_order<T>(
    items: &[T],
    id: impl Fn(&T) -> i64,
    parent: impl Fn(&T) -> Option<i64>,
) -> Vec<(usize, &T)> {
    let mut out: Vec<(usize, &T)> = Vec::with_capacity(items.len());
    let mut placed = vec![false; items.len()];
    fn walk<'a, T>(
        items: &'a [T],
        id: &dyn Fn(&T) -> i64,
        parent: &dyn Fn(&T) -> Option<i64>,
        at: usize,
        depth: usize,
        placed: &mut [bool],
        out: &mut Vec<(usize, &'a T)>,
    ) {
        placed[at] = true;
        out.push((depth, &items[at]));
        let me = id(&items[at]);
        for child in 0..items.len() {
            if !placed[child] && parent(&items[child]) == Some(me) {
                walk(items, id, parent, child, depth + 1, placed, out);
            }
        }
    }
    let known = |p: i64| items.iter().any(|x| id(x) == p);
    for root in 0..items.len() {
        if !placed[root] && parent(&items[root]).is_none_or(|p| !known(p)) {
            walk(items, &id, &parent, root, 0, &mut placed, &mut out);
        }
    }
    // Cycles: whatever no root reached.
    for rest in 0..items.len() {
        if !placed[rest] {
            walk(items, &id, &parent, rest, 0, &mut placed, &mut out);
        }
    }
    out
}

/// A column's name as a picker's option shows it under its parent (full-width spaces, which
/// browsers keep, and a corner).
pub fn tree_label(depth: usize, name: &str) -> String {
    if depth == 0 {
        name.to_owned()
    } else {
        format!("{}└ {name}", "\u{3000}".repeat(depth - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_come_in_tree_order_with_their_depth() {
        // (id, parent) in sibling order → (id, depth) in tree order
        type Case<'a> = (&'a [(i64, Option<i64>)], &'a [(i64, usize)]);
        let cases: [Case; 4] = [
            (&[], &[]),
            (
                &[
                    (1, None),
                    (2, None),
                    (3, Some(1)),
                    (4, Some(3)),
                    (5, Some(1)),
                ],
                &[(1, 0), (3, 1), (4, 2), (5, 1), (2, 0)],
            ),
            // A parent that is gone: the child shows at the top.
            (&[(7, Some(99)), (8, None)], &[(7, 0), (8, 0)]),
            // A cycle still shows every column once.
            (&[(1, Some(2)), (2, Some(1))], &[(1, 0), (2, 1)]),
        ];
        for (items, want) in cases {
            let got: Vec<(i64, usize)> = tree_order(items, |x| x.0, |x| x.1)
                .into_iter()
                .map(|(d, x)| (x.0, d))
                .collect();
            assert_eq!(got, want, "{items:?}");
        }
        assert_eq!(tree_label(0, "要闻"), "要闻");
        assert_eq!(tree_label(2, "通知"), "\u{3000}└ 通知");
    }

    #[test]
    fn update_requirements_parse_from_their_config_names() {
        for r in UpdateRequirement::ALL {
            assert_eq!(r.as_str().parse::<UpdateRequirement>(), Ok(*r));
            assert!(!r.label().is_empty());
        }
        assert!("hourly".parse::<UpdateRequirement>().is_err());
    }

    #[test]
    fn column_slugs_are_url_safe() {
        assert!(ColumnSlug::parse("gzdt").is_ok());
        assert!(ColumnSlug::parse("zcwj-2").is_ok());
        assert!(ColumnSlug::parse("../etc").is_err());
        assert!(ColumnSlug::parse("工作动态").is_err());
        assert!(ColumnSlug::parse("").is_err());
    }

    #[test]
    fn a_column_cannot_move_under_itself_or_its_descendants() {
        // 1 ─ 2 ─ 3, and 4 alone.
        let tree = [(1, None), (2, Some(1)), (3, Some(2)), (4, None)];
        assert!(would_cycle(&tree, 1, Some(3)));
        assert!(would_cycle(&tree, 2, Some(2)));
        assert!(!would_cycle(&tree, 3, Some(4)));
        assert!(!would_cycle(&tree, 3, None));
        assert!(!would_cycle(&tree, 4, Some(3)));
    }
}
