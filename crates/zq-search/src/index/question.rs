//! How a question typed by a person becomes the parts the index asks for: punctuation and
//! question words dropped, 文号 and 索引号 kept in one part, and each part's alternatives
//! after the office's synonyms.

/// Words of a question that carry no topic (the way people ask: 社会救助，怎么申请？).
const QUESTION_WORDS: [&str; 16] = [
    "怎么办",
    "怎么样",
    "怎么",
    "怎样",
    "如何",
    "哪里",
    "哪儿",
    "哪些",
    "什么",
    "请问",
    "是否",
    "能否",
    "吗",
    "呢",
    "吧",
    "啊",
];

/// The question as the parser reads it: punctuation and question words become spaces, so
/// each remaining part must be found (a part of several words as a phrase), and nothing a
/// reader types is read as query syntax.
pub(super) fn plain_question(q: &str) -> String {
    let chars: Vec<char> = q.chars().collect();
    let mut s = String::with_capacity(q.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            s.push(c);
            continue;
        }
        // A mark between a number and a letter or number (3359463057/2026-00211,
        // 海发改发〔2026〕5号) keeps the two in one part, so a 文号 or 索引号 is asked as a phrase;
        // `_` stands in for it (the same width: the words keep their places).
        let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let after = chars.get(i + 1).copied();
        let joins = match (before, after) {
            (Some(b), Some(a)) => {
                b.is_alphanumeric()
                    && a.is_alphanumeric()
                    && (b.is_ascii_digit() || a.is_ascii_digit())
            }
            _ => false,
        };
        s.push(if joins { '_' } else { ' ' });
    }
    for w in QUESTION_WORDS {
        s = s.replace(w, " ");
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Most ways one part of a question is asked after synonyms.
const MAX_ALTERNATIVES: usize = 20;

/// The parts of a plain question, each with the ways it may be asked: itself and, where it
/// contains a word of a synonym group, itself with that word replaced by each other word of
/// the group (发改委项目 → 发改委项目 or 发展和改革委员会项目).
pub(super) fn alternatives(question: &str, groups: &[Vec<String>]) -> Vec<Vec<String>> {
    question
        .split_whitespace()
        .map(|part| {
            let mut alts = vec![part.to_owned()];
            for g in groups {
                for w in g
                    .iter()
                    .filter(|w| !w.is_empty() && part.contains(w.as_ref() as &str))
                {
                    for other in g.iter().filter(|o| *o != w && !o.is_empty()) {
                        let alt = part.replacen(w.as_ref() as &str, other, 1);
                        if alts.len() < MAX_ALTERNATIVES && !alts.contains(&alt) {
                            alts.push(alt);
                        }
                    }
                }
            }
            alts
        })
        .collect()
}
