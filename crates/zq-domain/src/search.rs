//! The rules of what the office keeps for search (issue 17), as pure functions: a synonym
//! group's words, a best bet's keywords and link, which best bets a question calls up, and the
//! form a question is counted under in the query statistics (no personal data: the question
//! only, trimmed and clipped).

/// Most words in a synonym group, keywords of a best bet.
pub const MAX_WORDS: usize = 20;
/// Longest word, in characters.
pub const MAX_WORD_CHARS: usize = 30;
/// Longest question counted (and asked), in characters.
pub const MAX_QUESTION_CHARS: usize = 100;

/// Splits a list typed by a person (separated by spaces, commas, 、, ；, = or new lines) into
/// distinct words, in order.
pub fn split_words(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in raw.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；' | '=' | '|')
    }) {
        let w = w.trim();
        if !w.is_empty() && !out.iter().any(|o| o == w) {
            out.push(w.to_owned());
        }
    }
    out
}

/// A synonym group's words, checked: at least two, at most [`MAX_WORDS`], each of letters or
/// digits only and at most [`MAX_WORD_CHARS`] characters.
pub fn synonym_words(raw: &str) -> Result<Vec<String>, String> {
    let words = split_words(raw);
    if words.len() < 2 {
        return Err("同义词组至少要有两个词，用空格或逗号分开".into());
    }
    check_words(&words)?;
    Ok(words)
}

/// A best bet's keywords, checked: at least one.
pub fn keywords(raw: &str) -> Result<Vec<String>, String> {
    let words = split_words(raw);
    if words.is_empty() {
        return Err("请填写至少一个关键词".into());
    }
    check_words(&words)?;
    Ok(words)
}

fn check_words(words: &[String]) -> Result<(), String> {
    if words.len() > MAX_WORDS {
        return Err(format!("最多 {MAX_WORDS} 个词"));
    }
    for w in words {
        if w.chars().count() > MAX_WORD_CHARS {
            return Err(format!("“{w}”过长，每个词不超过 {MAX_WORD_CHARS} 个字"));
        }
        if !w.chars().all(char::is_alphanumeric) {
            return Err(format!("“{w}”只能由文字、字母和数字组成"));
        }
    }
    Ok(())
}

/// A best bet's link: a path on the cluster (`/…`) or an `http(s)://` address.
pub fn best_bet_url(raw: &str) -> Result<String, String> {
    let url = raw.trim();
    let ok = (url.starts_with('/') && !url.starts_with("//"))
        || url.starts_with("https://")
        || url.starts_with("http://");
    if !ok || url.len() > 500 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(
            "链接应以 / 开头（本站群内的路径），或是 http:// 或 https:// 开头的完整地址".into(),
        );
    }
    Ok(url.to_owned())
}

/// The question as the statistics count it: spaces collapsed, Latin letters lower-cased,
/// clipped to [`MAX_QUESTION_CHARS`]; `None` when nothing is left.
pub fn counted_question(q: &str) -> Option<String> {
    let s: String = q
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .chars()
        .take(MAX_QUESTION_CHARS)
        .collect();
    (!s.is_empty()).then_some(s)
}

/// Whether a best bet with `keywords` is called up by question `q`: a keyword appears in the
/// question (case-insensitively for Latin letters).
pub fn calls_up(keywords: &[String], q: &str) -> bool {
    let q = q.to_lowercase();
    keywords
        .iter()
        .any(|k| !k.is_empty() && q.contains(&k.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonym_groups_need_two_clean_words() {
        let cases: [(&str, Result<Vec<&str>, &str>); 6] = [
            (
                "发改委 发展和改革委员会",
                Ok(vec!["发改委", "发展和改革委员会"]),
            ),
            (
                "发改委，发展改革委、发展和改革委员会；发改委",
                Ok(vec!["发改委", "发展改革委", "发展和改革委员会"]),
            ),
            ("医保=医疗保险", Ok(vec!["医保", "医疗保险"])),
            ("发改委", Err("至少要有两个词")),
            ("医保 <b>", Err("只能由文字")),
            (
                "医保 一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
                Err("过长"),
            ),
        ];
        for (raw, want) in cases {
            match (synonym_words(raw), want) {
                (Ok(got), Ok(w)) => assert_eq!(got, w, "{raw}"),
                (Err(e), Err(part)) => assert!(e.contains(part), "{raw}: {e}"),
                (got, want) => panic!("{raw}: {got:?} vs {want:?}"),
            }
        }
    }

    #[test]
    fn best_bets_link_within_the_cluster_or_to_a_web_address() {
        for (raw, ok) in [
            ("/art/12.html", true),
            ("https://www.gov.cn/zhengce/", true),
            ("http://example.org/a", true),
            ("//evil.example/", false),
            ("javascript:alert(1)", false),
            ("/a b", false),
            ("", false),
        ] {
            assert_eq!(best_bet_url(raw).is_ok(), ok, "{raw}");
        }
        assert!(keywords("  ").is_err());
        assert_eq!(
            keywords("社保卡, 社会保障卡").unwrap(),
            vec!["社保卡", "社会保障卡"]
        );
    }

    #[test]
    fn a_question_calls_up_the_best_bets_whose_keyword_it_carries() {
        let k = vec!["社保卡".to_owned(), "ETC".to_owned()];
        for (q, want) in [
            ("社保卡怎么办理", true),
            ("如何申领 社保卡", true),
            ("etc 办理", true),
            ("社保", false),
            ("", false),
        ] {
            assert_eq!(calls_up(&k, q), want, "{q}");
        }
    }

    #[test]
    fn questions_are_counted_trimmed_lowercased_and_clipped() {
        assert_eq!(
            counted_question("  养老   服务 ").as_deref(),
            Some("养老 服务")
        );
        assert_eq!(counted_question("ETC").as_deref(), Some("etc"));
        assert_eq!(counted_question("   "), None);
        assert_eq!(
            counted_question(&"养".repeat(150)).unwrap().chars().count(),
            100
        );
    }
}
