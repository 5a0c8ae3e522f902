//! Escaping text for HTML, the one function every layer uses when it puts plain text into
//! markup by hand (templates escape by themselves), and its reverse for checks that read the
//! text of stored (sanitized) HTML.

/// Text with `&`, `<`, `>`, `"` and `'` escaped for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// The text of sanitized HTML: tags dropped, the common entities decoded.
pub fn text_of_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_text_of_html_has_no_tags_and_plain_entities() {
        assert_eq!(
            super::text_of_html("<p>中华人民<b>共和国</b> &amp; &lt;x&gt;</p>"),
            "中华人民共和国 & <x>"
        );
    }

    #[test]
    fn the_five_special_characters_are_escaped() {
        assert_eq!(
            super::escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;"
        );
    }
}
