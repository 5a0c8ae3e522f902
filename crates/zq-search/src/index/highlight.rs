//! Titles as HTML: the whole title escaped, with the words the snippet generator found
//! marked `<b>`.

/// The whole of `text` as HTML with the words the snippet found in `<b>` (a snippet alone is
/// only the fragment between the first and last word it kept: a title would lose its ends).
pub(super) fn whole_highlighted(text: &str, snippet: &tantivy::snippet::Snippet) -> String {
    let start = snippet.fragment_range().start;
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for r in snippet.highlighted() {
        let (a, b) = (start + r.start, start + r.end);
        if a < at || b > text.len() || !text.is_char_boundary(a) || !text.is_char_boundary(b) {
            continue;
        }
        out.push_str(&escape(&text[at..a]));
        out.push_str("<b>");
        out.push_str(&escape(&text[a..b]));
        out.push_str("</b>");
        at = b;
    }
    out.push_str(&escape(&text[at..]));
    out
}

/// Text as HTML.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
