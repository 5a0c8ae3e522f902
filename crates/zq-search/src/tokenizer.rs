//! The Chinese tokenizer every index of the cluster registers as `zh`: jieba's search-mode
//! segmentation (a long word also yields its parts, so 发展和改革委员会 is found by 发展 and by
//! 委员会; we add its longer parts that are words too), each token at the character where it
//! starts (so a phrase matches inside a longer word), over one dictionary shared behind an `Arc` (tantivy clones tokenizers for every
//! query and segment; the dictionary must not be copied each time), extended with the
//! cluster's own words — unit and column names, abbreviations, terms the office adds — so they
//! are kept whole. Words can be added while the index serves (a new unit's name); text indexed
//! before keeps its old cut until it is indexed again. jieba's own dictionary is read once
//! per process and copied for each tokenizer. Latin words are lower-cased; spaces and
//! punctuation are dropped.

use std::sync::{Arc, OnceLock, RwLock};

use jieba_rs::{Jieba, TokenizeMode};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name the tokenizer is registered under on every index.
pub const TOKENIZER: &str = "zh";

/// jieba with the cluster's words, shared.
#[derive(Clone)]
pub struct ZhTokenizer {
    jieba: Arc<RwLock<Jieba>>,
}

/// jieba's own dictionary, parsed once per process.
fn base() -> &'static Jieba {
    static BASE: OnceLock<Jieba> = OnceLock::new();
    BASE.get_or_init(Jieba::new)
}

impl ZhTokenizer {
    /// jieba's dictionary plus `words` (each kept whole, and weighted so it wins over the
    /// pieces jieba would otherwise cut it into).
    pub fn with_words<'a>(words: impl IntoIterator<Item = &'a str>) -> ZhTokenizer {
        let t = ZhTokenizer {
            jieba: Arc::new(RwLock::new(base().clone())),
        };
        t.add_words(words);
        t
    }

    /// Adds `words` to the dictionary of this tokenizer and its clones; returns how many were
    /// new. Words of fewer than two characters are left out.
    pub fn add_words<'a>(&self, words: impl IntoIterator<Item = &'a str>) -> usize {
        let mut jieba = self.jieba.write().unwrap_or_else(|p| p.into_inner());
        let mut added = 0;
        for w in words {
            let w = w.trim();
            if w.chars().count() >= 2 && !jieba.has_word(w) {
                jieba.add_word(w, None, None);
                added += 1;
            }
        }
        added
    }

    /// Whether `word` (lower-cased) is indexed as one token wherever it appears whole: a word of
    /// the dictionary (search mode also yields it inside a longer word) or one run of Latin
    /// letters and digits.
    pub fn is_whole_word(&self, word: &str) -> bool {
        if word.is_empty() {
            return false;
        }
        if word.chars().all(|c| c.is_ascii_alphanumeric()) {
            return true;
        }
        let jieba = self.jieba.read().unwrap_or_else(|p| p.into_inner());
        word.chars().all(char::is_alphanumeric) && jieba.has_word(word)
    }

    /// The words of `text` as they are indexed (for tests and spelling suggestions).
    pub fn words(&self, text: &str) -> Vec<String> {
        let mut t = self.clone();
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }
}

/// Whether a token carries meaning (not only spaces or punctuation).
fn is_word(w: &str) -> bool {
    w.chars().any(char::is_alphanumeric)
}

/// The tokens of one text.
pub struct ZhTokenStream {
    tokens: Vec<Token>,
    at: usize,
}

impl Tokenizer for ZhTokenizer {
    type TokenStream<'a> = ZhTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ZhTokenStream {
        let jieba = self.jieba.read().unwrap_or_else(|p| p.into_inner());
        // jieba keeps `-_.%+#&` inside a run of letters and digits (2026-00068 would be one
        // word); here they part words, like any other mark. One byte for one byte: offsets
        // into `text` stay right.
        let plain: String = text
            .chars()
            .map(|c| {
                if matches!(c, '-' | '_' | '.' | '%' | '+' | '#' | '&') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let text = plain.as_str();
        let mut tokens = Vec::new();
        for t in jieba.tokenize(text, TokenizeMode::Search, true) {
            if !is_word(t.word) {
                continue;
            }
            let token = |word: &str, start: usize, byte_start: usize| Token {
                offset_from: byte_start,
                offset_to: byte_start + word.len(),
                // The character offset: overlapping words (a long word and its parts) sit
                // where they start, so a phrase of a part of a long word matches inside it.
                position: start,
                text: word.to_lowercase(),
                position_length: 1,
            };
            tokens.push(token(t.word, t.start, t.byte_start));
            // Search mode adds a long word's parts of two and three characters; its longer
            // parts that are words (人力资源和社会保障局 inside 海川市人力资源和社会保障局) are
            // added here.
            let chars: Vec<(usize, char)> = t.word.char_indices().collect();
            let n = chars.len();
            if n > 4 {
                for from in 0..n {
                    for len in 4..n.min(n - from + 1) {
                        if from == 0 && len == n {
                            continue;
                        }
                        let a = chars[from].0;
                        let b = chars.get(from + len).map_or(t.word.len(), |c| c.0);
                        let part = &t.word[a..b];
                        if jieba.has_word(part) {
                            tokens.push(token(part, t.start + from, t.byte_start + a));
                        }
                    }
                }
            }
        }
        // In text order (the parts added above start inside the word before them): the
        // snippet generator walks tokens forward and needs their offsets not to go back.
        tokens.sort_by_key(|t: &Token| (t.offset_from, t.offset_to));
        ZhTokenStream { tokens, at: 0 }
    }
}

impl TokenStream for ZhTokenStream {
    fn advance(&mut self) -> bool {
        if self.at < self.tokens.len() {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.at - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.at - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clusters_own_words_are_kept_whole_and_long_words_also_yield_their_parts() {
        let plain = ZhTokenizer::with_words([]);
        let ours = ZhTokenizer::with_words(["发改委", "江北区和平街道办事处"]);
        // (text, tokenizer, a word that must be among the tokens)
        let cases = [
            ("市发改委召开会议", &ours, "发改委"),
            ("江北区和平街道办事处", &ours, "江北区和平街道办事处"),
            ("海川市发展和改革委员会", &plain, "委员会"),
            ("海川市发展和改革委员会", &plain, "发展"),
            ("PDF 文件", &plain, "pdf"),
        ];
        for (text, t, word) in cases {
            let words = t.words(text);
            assert!(words.iter().any(|w| w == word), "{word} in {words:?}");
        }
        assert!(
            !plain
                .words("你好，世界！")
                .iter()
                .any(|w| w == "，" || w == "！")
        );
    }
}
