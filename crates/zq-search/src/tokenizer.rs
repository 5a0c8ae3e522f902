//! The Chinese tokenizer every index of the cluster registers as `zh`: jieba's search-mode
//! segmentation (a long word also yields its parts, so 发展和改革委员会 is found by 发展 and by
//! 委员会), over one dictionary shared behind an `Arc` (tantivy clones tokenizers for every
//! query and segment; the dictionary must not be copied each time), extended with the
//! cluster's own words — unit and column names, abbreviations, terms the office adds — so they
//! are kept whole. Latin words are lower-cased; spaces and punctuation are dropped.

use std::sync::Arc;

use jieba_rs::{Jieba, TokenizeMode};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name the tokenizer is registered under on every index.
pub const TOKENIZER: &str = "zh";

/// jieba with the cluster's words, shared.
#[derive(Clone)]
pub struct ZhTokenizer {
    jieba: Arc<Jieba>,
}

impl ZhTokenizer {
    /// jieba's dictionary plus `words` (each kept whole, and weighted so it wins over the
    /// pieces jieba would otherwise cut it into).
    pub fn with_words<'a>(words: impl IntoIterator<Item = &'a str>) -> ZhTokenizer {
        let mut jieba = Jieba::new();
        for w in words {
            let w = w.trim();
            if w.chars().count() >= 2 {
                jieba.add_word(w, None, None);
            }
        }
        ZhTokenizer {
            jieba: Arc::new(jieba),
        }
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
        let tokens = self
            .jieba
            .tokenize(text, TokenizeMode::Search, true)
            .into_iter()
            .filter(|t| is_word(t.word))
            .enumerate()
            .map(|(i, t)| Token {
                offset_from: t.byte_start,
                offset_to: t.byte_end,
                position: i,
                text: t.word.to_lowercase(),
                position_length: 1,
            })
            .collect();
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
