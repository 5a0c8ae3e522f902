//! Text as every input is kept: only characters XML 1.0 allows (`Char`: tab, line feed,
//! carriage return, and everything from U+0020 but the surrogates and U+FFFE/U+FFFF). The
//! platform's feeds, sitemaps and report feeds are XML that other portals pull, and PostgreSQL
//! refuses NUL in text; a stray control character pasted into a title must not break either,
//! so inputs are cleaned where they enter (`zq_http`'s input layer), not where they leave.

use std::borrow::Cow;

/// A character XML 1.0 allows in a document.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
}

/// `s` without the characters XML does not allow (borrowed when it has none).
pub fn xml_safe(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|c| is_xml_char(*c)).collect())
    }
}

/// Cleans `s` in place (see [`xml_safe`]).
pub fn make_xml_safe(s: &mut String) {
    if let Cow::Owned(clean) = xml_safe(s) {
        *s = clean;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_characters_xml_forbids_are_dropped() {
        let cases = [
            ("政务公开", "政务公开"),
            ("a\u{0}b", "ab"),
            ("标题\u{1}\u{8}\u{b}\u{c}\u{1f}", "标题"),
            ("行\t一\n行\r二", "行\t一\n行\r二"),
            ("x\u{fffe}y\u{ffff}z", "xyz"),
            (
                "\u{fffd}\u{e000}\u{10000}\u{85}",
                "\u{fffd}\u{e000}\u{10000}\u{85}",
            ),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(xml_safe(input), want, "{input:?}");
        }
        assert!(matches!(xml_safe("干净的文字"), Cow::Borrowed(_)));
        let mut s = String::from("a\u{0}b");
        make_xml_safe(&mut s);
        assert_eq!(s, "ab");
    }
}
