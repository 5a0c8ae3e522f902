//! 您是不是要找: a spelling suggestion for a question that found nothing, from the index's own
//! words. Chinese typing mistakes are mostly one wrong character of the same sound (公基金 for
//! 公积金, 社宝 for 社保), which the word splitter then cuts into pieces that match nothing
//! together. So every run of two to four Chinese characters of the question that is not a word
//! of the index is compared with the words of the titles of the same length: one differing in
//! exactly one character, used by at least two documents, is a candidate; the candidates,
//! longest and most used first, are tried in the question's scope and the first that finds
//! something is suggested (so a run that only straddles two words is never "corrected" into
//! nonsense). The titles' dictionary is walked once per question, only on the nothing-found
//! page.

use std::collections::HashMap;

use tantivy::Term;

use super::{Ask, SearchError, SearchIndex};

/// The lengths of the runs compared, longest first.
const LENGTHS: [usize; 3] = [4, 3, 2];
/// A candidate word is in at least this many documents' titles.
const MIN_DOCS: u32 = 2;
/// Candidates tried at most.
const TRIES: usize = 5;

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// Whether `a` and `b` (the same length) differ in exactly one character.
fn one_apart(a: &[char], b: &[char]) -> bool {
    a.len() == b.len() && a.iter().zip(b).filter(|(x, y)| x != y).count() == 1
}

impl SearchIndex {
    /// A corrected question when some word of `ask`'s question looks mistyped, the index knows
    /// a word one character away, and the corrected question finds something in `ask`'s scope;
    /// `None` otherwise.
    pub fn suggest(&self, ask: &Ask) -> Result<Option<String>, SearchError> {
        let f = self.fields;
        let text = match &self.simplify {
            Some(cc) => cc.convert(ask.text.trim()),
            None => ask.text.trim().to_owned(),
        };
        let chars: Vec<char> = text.chars().collect();
        let searcher = self.reader.searcher();
        let known = |word: &str| -> Result<bool, SearchError> {
            for field in [f.title, f.body] {
                if searcher.doc_freq(&Term::from_field_text(field, word))? > 0 {
                    return Ok(true);
                }
            }
            Ok(false)
        };
        // Runs of Han characters that are not words of the index: (start, length).
        let mut unknown: Vec<(usize, usize)> = Vec::new();
        for len in LENGTHS {
            for start in 0..chars.len().saturating_sub(len - 1) {
                let run = &chars[start..start + len];
                if run.iter().all(|c| is_han(*c)) && !known(&run.iter().collect::<String>())? {
                    unknown.push((start, len));
                }
            }
        }
        if unknown.is_empty() {
            return Ok(None);
        }
        // Title words one character from an unknown run, with the documents using them.
        let mut candidates: HashMap<(usize, usize, String), u32> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(f.title)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let Ok(word) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let n = word.chars().count();
                if !(2..=4).contains(&n) {
                    continue;
                }
                let word_chars: Vec<char> = word.chars().collect();
                for &(start, len) in unknown.iter().filter(|(_, len)| *len == n) {
                    if one_apart(&chars[start..start + len], &word_chars) {
                        *candidates.entry((start, len, word.to_owned())).or_default() +=
                            stream.value().doc_freq;
                    }
                }
            }
        }
        let mut ranked: Vec<((usize, usize, String), u32)> = candidates
            .into_iter()
            .filter(|(_, docs)| *docs >= MIN_DOCS)
            .collect();
        ranked.sort_by(|((_, la, wa), da), ((_, lb, wb), db)| {
            lb.cmp(la).then(db.cmp(da)).then(wa.cmp(wb))
        });
        for ((start, len, word), _) in ranked.into_iter().take(TRIES) {
            let mut fixed: String = chars[..start].iter().collect();
            fixed.push_str(&word);
            fixed.extend(&chars[start + len..]);
            let tried = Ask {
                text: fixed.clone(),
                limit: 1,
                offset: 0,
                ..ask.clone()
            };
            if self.search(&tried)?.total > 0 {
                return Ok(Some(fixed));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::one_apart;

    #[test]
    fn one_character_apart_means_exactly_one() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        for (a, b, apart) in [
            ("公基金", "公积金", true),
            ("公积金", "公积金", false),
            ("公基今", "公积金", false),
            ("社宝", "社保", true),
            ("社宝", "社保卡", false),
        ] {
            assert_eq!(one_apart(&c(a), &c(b)), apart, "{a} {b}");
        }
    }
}
