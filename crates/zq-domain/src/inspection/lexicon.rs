//! The lexicon of serious errors (严重表述错误 / 错敏词) the office keeps for the cluster: wrong
//! wordings with their right form (a misspelled fixed political phrase, a wrong name of an
//! organ), forbidden terms, and the leaders with their current titles (a leader named with
//! another title is an error). One Aho–Corasick automaton holds every term and its variants, so
//! checking an article costs one pass over its text whatever the lexicon's size.
//!
//! Variants: each term is also matched in the forms the caller derives from it (its traditional
//! characters: the services pass OpenCC's conversion), and the text is matched with full-width
//! letters, digits and punctuation folded to half-width and ASCII letters in any case, so
//! `ＧＤＰ`, `gdp` and `GDP` are one term and 中華人民共合國 is caught like 中华人民共合国.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Serialize;

use crate::named_enum;

named_enum!(
    /// What a term of the lexicon is.
    TermKind, "词语类型" {
        /// A wrong wording; `right` is the correct one.
        Wrong = "wrong",
        /// A term that must not appear.
        Forbidden = "forbidden",
        /// A leader's name; `right` is the current title.
        Leader = "leader",
    }
);

impl TermKind {
    pub fn label(self) -> &'static str {
        match self {
            TermKind::Wrong => "错误表述",
            TermKind::Forbidden => "禁用词",
            TermKind::Leader => "领导职务",
        }
    }
}

/// One term as the office enters it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    pub id: i64,
    pub kind: TermKind,
    /// The wrong wording, the forbidden term, or the leader's name.
    pub text: String,
    /// The right wording, or the leader's current title.
    pub right: Option<String>,
}

/// Longest term, in characters.
pub const MAX_TERM_CHARS: usize = 50;

/// Why a term is refused, worded for the office.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermError {
    #[error("词条不能为空，且不超过 {MAX_TERM_CHARS} 个字")]
    Text,
    #[error("错误表述须填写正确表述，且两者不能相同")]
    Right,
    #[error("领导姓名须填写现任职务")]
    Title,
}

impl Term {
    /// Checks a term as entered; returns it trimmed.
    pub fn checked(mut self) -> Result<Term, TermError> {
        self.text = self.text.trim().to_owned();
        self.right = self
            .right
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if self.text.is_empty() || self.text.chars().count() > MAX_TERM_CHARS {
            return Err(TermError::Text);
        }
        match self.kind {
            TermKind::Wrong if self.right.as_ref().is_none_or(|r| *r == self.text) => {
                Err(TermError::Right)
            }
            TermKind::Leader if self.right.is_none() => Err(TermError::Title),
            _ => Ok(self),
        }
    }
}

/// A place in a text where the lexicon found an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub term_id: i64,
    pub kind: TermKind,
    /// The words as they stand in the text.
    pub found: String,
    /// What it should be (the right wording, or the leader's current title), if known.
    pub right: Option<String>,
    /// Offset in characters from the start of the text.
    pub at: usize,
    /// The text around it (up to 12 characters each side).
    pub context: String,
}

impl Hit {
    /// The hit as a sentence for the editor (`“中华人民共合国”应为“中华人民共和国”`).
    pub fn message(&self) -> String {
        match (self.kind, &self.right) {
            (TermKind::Wrong, Some(r)) => format!("“{}”应为“{r}”", self.found),
            (TermKind::Leader, Some(r)) => format!("{}的现任职务是“{r}”", self.found),
            _ => format!("“{}”是禁用词", self.found),
        }
    }
}

/// Titles the leader check recognises next to a name.
const TITLES: [&str; 24] = [
    "书记",
    "副书记",
    "市长",
    "副市长",
    "区长",
    "副区长",
    "县长",
    "副县长",
    "主任",
    "副主任",
    "局长",
    "副局长",
    "主席",
    "副主席",
    "部长",
    "副部长",
    "镇长",
    "副镇长",
    "乡长",
    "副乡长",
    "秘书长",
    "副秘书长",
    "委员",
    "常委",
];

/// Characters looked at on each side of a leader's name for a title.
const TITLE_WINDOW: usize = 8;

/// Folds a character for matching: full-width ASCII to half-width, the ideographic space to a
/// space, ASCII letters to lower case. One character in, one out, so offsets keep.
fn fold(c: char) -> char {
    let c = match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    };
    c.to_ascii_lowercase()
}

fn folded(s: &str) -> String {
    s.chars().map(fold).collect()
}

/// Every term of the cluster in one automaton.
#[derive(Debug, Clone)]
pub struct Lexicon {
    terms: Vec<Term>,
    /// For each pattern of the automaton, the index of its term.
    owner: Vec<usize>,
    automaton: Option<AhoCorasick>,
    /// The titles in every form (simplified and the variants), with their simplified form.
    titles: Vec<(String, &'static str)>,
}

impl Lexicon {
    /// Builds the automaton over `terms` and the variants `variants` gives of each text.
    pub fn new(terms: Vec<Term>, variants: impl Fn(&str) -> Vec<String>) -> Lexicon {
        let mut patterns: Vec<String> = Vec::new();
        let mut owner = Vec::new();
        for (i, t) in terms.iter().enumerate() {
            let mut forms = vec![folded(&t.text)];
            for v in variants(&t.text) {
                let v = folded(&v);
                if !forms.contains(&v) {
                    forms.push(v);
                }
            }
            for f in forms.into_iter().filter(|f| !f.is_empty()) {
                patterns.push(f);
                owner.push(i);
            }
        }
        let automaton = (!patterns.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        let mut titles = Vec::new();
        for t in TITLES {
            titles.push((t.to_owned(), t));
            for v in variants(t) {
                if v != t {
                    titles.push((v, t));
                }
            }
        }
        Lexicon {
            terms,
            owner,
            automaton,
            titles,
        }
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Every error in `text`, in order.
    pub fn check(&self, text: &str) -> Vec<Hit> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let chars: Vec<char> = text.chars().collect();
        let hay = folded(text);
        // Byte offset in `hay` → character offset (the folding keeps characters one for one).
        let mut char_at = vec![0usize; hay.len() + 1];
        for (n, (b, c)) in hay.char_indices().enumerate() {
            char_at[b..b + c.len_utf8()].fill(n);
        }
        char_at[hay.len()] = chars.len();
        let mut out = Vec::new();
        for m in ac.find_iter(&hay) {
            let term = &self.terms[self.owner[m.pattern().as_usize()]];
            let (start, end) = (char_at[m.start()], char_at[m.end()]);
            let found: String = chars[start..end].iter().collect();
            if term.kind == TermKind::Leader && !self.wrong_title(&chars, start, end, term) {
                continue;
            }
            let from = start.saturating_sub(12);
            let to = (end + 12).min(chars.len());
            out.push(Hit {
                term_id: term.id,
                kind: term.kind,
                found,
                right: term.right.clone(),
                at: start,
                context: chars[from..to].iter().collect(),
            });
        }
        out
    }
}

impl Lexicon {
    /// Whether a title other than the leader's current one stands right next to the name.
    fn wrong_title(&self, chars: &[char], start: usize, end: usize, leader: &Term) -> bool {
        let current = leader.right.as_deref().unwrap_or("");
        let after: String = chars[end..(end + TITLE_WINDOW).min(chars.len())]
            .iter()
            .collect();
        let before: String = chars[start.saturating_sub(TITLE_WINDOW)..start]
            .iter()
            .collect();
        // The title nearest the name on each side (the longest where two end there):
        // 市长张三 / 张三副市长 / 张三同志任市长.
        let nearest_after = self
            .titles
            .iter()
            .filter_map(|(form, t)| {
                after
                    .find(form.as_str())
                    .map(|at| (at, std::cmp::Reverse(form.len()), *t))
            })
            .min()
            .map(|(_, _, t)| t);
        let nearest_before = self
            .titles
            .iter()
            .filter_map(|(form, t)| {
                before
                    .rfind(form.as_str())
                    .map(|at| (at + form.len(), form.len(), *t))
            })
            .max()
            .map(|(_, _, t)| t);
        [nearest_after, nearest_before]
            .into_iter()
            .flatten()
            .any(|t| !current.contains(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(id: i64, kind: TermKind, text: &str, right: Option<&str>) -> Term {
        Term {
            id,
            kind,
            text: text.into(),
            right: right.map(Into::into),
        }
    }

    /// A stand-in for OpenCC: the few characters these tests need.
    fn traditional(s: &str) -> Vec<String> {
        let t: String = s
            .chars()
            .map(|c| match c {
                '华' => '華',
                '国' => '國',
                '张' => '張',
                '长' => '長',
                c => c,
            })
            .collect();
        vec![t]
    }

    fn lexicon() -> Lexicon {
        Lexicon::new(
            vec![
                term(1, TermKind::Wrong, "中华人民共合国", Some("中华人民共和国")),
                term(2, TermKind::Forbidden, "某禁用词", None),
                term(3, TermKind::Wrong, "GDP增涨", Some("GDP增长")),
                term(4, TermKind::Leader, "张三", Some("市长")),
                term(5, TermKind::Leader, "李四", Some("市委副书记")),
            ],
            traditional,
        )
    }

    #[test]
    fn wrong_and_forbidden_terms_are_found_in_any_width_case_or_script() {
        // (text, hits as (term, found, character offset))
        type Case<'a> = (&'a str, Vec<(i64, &'a str, usize)>);
        let cases: [Case; 7] = [
            ("庆祝中华人民共和国成立", vec![]),
            ("庆祝中华人民共合国成立", vec![(1, "中华人民共合国", 2)]),
            ("慶祝中華人民共合國成立", vec![(1, "中華人民共合國", 2)]),
            ("全市ＧＤＰ增涨5%", vec![(3, "ＧＤＰ增涨", 2)]),
            ("全市gdp增涨", vec![(3, "gdp增涨", 2)]),
            (
                "这是某禁用词，又一个某禁用词",
                vec![(2, "某禁用词", 2), (2, "某禁用词", 10)],
            ),
            ("", vec![]),
        ];
        let lx = lexicon();
        for (text, want) in cases {
            let got: Vec<(i64, String, usize)> = lx
                .check(text)
                .into_iter()
                .map(|h| (h.term_id, h.found, h.at))
                .collect();
            let want: Vec<(i64, String, usize)> =
                want.into_iter().map(|(i, f, a)| (i, f.into(), a)).collect();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn a_leader_is_an_error_only_next_to_another_title() {
        let cases = [
            ("市长张三主持会议", false),
            ("张三市长主持会议", false),
            ("副市长张三主持会议", true),
            ("张三副市长主持会议", true),
            ("張三副市長出席", true),
            ("张三同志出席", false),
            ("市委副书记李四讲话", false),
            ("市委书记李四讲话", false),
            ("李四副市长讲话", true),
        ];
        let lx = lexicon();
        for (text, wrong) in cases {
            let hits = lx.check(text);
            assert_eq!(!hits.is_empty(), wrong, "{text}: {hits:?}");
        }
        assert_eq!(
            lx.check("副市长张三主持会议")[0].message(),
            "张三的现任职务是“市长”"
        );
    }

    #[test]
    fn hits_carry_their_context_and_a_message() {
        let lx = lexicon();
        let h = &lx.check("为实现中华人民共合国第二个百年奋斗目标而努力")[0];
        assert_eq!(h.message(), "“中华人民共合国”应为“中华人民共和国”");
        assert_eq!(h.context, "为实现中华人民共合国第二个百年奋斗目标而努力");
        let long = format!("{}中华人民共合国{}", "前".repeat(20), "后".repeat(20));
        let h = &lx.check(&long)[0];
        assert_eq!(
            h.context,
            format!("{}中华人民共合国{}", "前".repeat(12), "后".repeat(12))
        );
        assert!(
            Lexicon::new(Vec::new(), traditional)
                .check("任何文字")
                .is_empty()
        );
    }

    #[test]
    fn terms_are_checked_as_entered() {
        let ok = term(1, TermKind::Wrong, " 共合国 ", Some("共和国")).checked();
        assert_eq!(ok.unwrap().text, "共合国");
        for (t, e) in [
            (term(1, TermKind::Forbidden, "  ", None), TermError::Text),
            (term(1, TermKind::Wrong, "甲", None), TermError::Right),
            (term(1, TermKind::Wrong, "甲", Some("甲")), TermError::Right),
            (
                term(1, TermKind::Leader, "张三", Some(" ")),
                TermError::Title,
            ),
            (
                term(1, TermKind::Forbidden, &"字".repeat(51), None),
                TermError::Text,
            ),
        ] {
            assert_eq!(t.checked(), Err(e));
        }
    }
}
