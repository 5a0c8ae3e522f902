//! Escaping text for HTML, the one function every layer uses when it puts plain text into
//! markup by hand (templates escape by themselves), and its reverse for checks that read the
//! text of stored (sanitized) HTML.

/// The classes an article's paragraphs, headings and table cells may carry (the editor's
/// alignment and first-line indent; the site stylesheets style them). Nothing else survives the
/// sanitizer, inline styles included.
pub const BLOCK_CLASSES: &[&str] = &["align-center", "align-right", "align-justify", "indent"];

/// An article body's links to the site's own files (`/files/…`), as seen from `base`: the
/// site's own host (`""`, unchanged) or the alias (`/sites/{code}`, also how the console shows
/// them, since the console is on another host).
pub fn files_under(body: &str, base: &str) -> String {
    if base.is_empty() || !body.contains("=\"/files/") {
        return body.to_owned();
    }
    body.replace("src=\"/files/", &format!("src=\"{base}/files/"))
        .replace("href=\"/files/", &format!("href=\"{base}/files/"))
}

/// A body as stored: links to site `code`'s files through the alias (as the console's editor
/// shows and uploads them) made site-relative (`/files/…`), so each host serves its own.
pub fn files_stored(body: &str, code: &str) -> String {
    let alias = format!("=\"/sites/{code}/files/");
    if !body.contains(&alias) {
        return body.to_owned();
    }
    body.replace(&alias, "=\"/files/")
}

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

    #[test]
    fn file_links_are_stored_site_relative_and_shown_under_the_alias_where_needed() {
        let console = r#"<figure><img src="/sites/jb/files/ab/p.png" alt="现场"></figure><p><a href="/sites/jb/files/cd/a.pdf">附件</a> <a href="/sites/fgw/files/x">别站</a></p>"#;
        let stored = super::files_stored(console, "jb");
        assert_eq!(
            stored,
            r#"<figure><img src="/files/ab/p.png" alt="现场"></figure><p><a href="/files/cd/a.pdf">附件</a> <a href="/sites/fgw/files/x">别站</a></p>"#
        );
        assert_eq!(super::files_under(&stored, ""), stored, "the own host");
        assert_eq!(
            super::files_under(&stored, "/sites/jb"),
            console,
            "the alias"
        );
    }
}
