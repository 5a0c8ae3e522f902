//! The text-only layout (无障碍：纯文本) made from a rendered page: every picture gives way to
//! its alternative text, so a screen reader, a braille display or a slow phone gets the same
//! content without images. The layout's stylesheet and simplified chrome come from the
//! templates (`chrome.mode.layout`); this is the step the templates cannot do for article
//! bodies, which are stored HTML.

use crate::markup::{Piece, attrs, pieces, tag_name};

/// The page without `<img>`: each picture with an alternative text becomes `[图片：…]`;
/// decorative ones (empty `alt`) go.
pub fn text_only(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    for piece in pieces(html) {
        match piece {
            Piece::Tag(tag) if tag_name(tag).as_deref() == Some("img") => {
                let alt = attrs(tag)
                    .into_iter()
                    .find(|a| a.name == "alt")
                    .and_then(|a| a.value)
                    .map(|r| tag[r].trim().to_owned())
                    .unwrap_or_default();
                if !alt.is_empty() {
                    // The value is already escaped in the markup.
                    out.push_str("<span class=\"alt\">[图片：");
                    out.push_str(&alt);
                    out.push_str("]</span>");
                }
            }
            Piece::Tag(t) | Piece::Text(t) => out.push_str(t),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_give_way_to_their_alternative_texts() {
        let cases = [
            (
                "<p>前<img src=\"/files/a/b.png\" alt=\"会议现场\">后</p>",
                "<p>前<span class=\"alt\">[图片：会议现场]</span>后</p>",
            ),
            (
                "<img src=\"/logo.svg\" alt=\"\"><h1>标题</h1>",
                "<h1>标题</h1>",
            ),
            ("<img src=x><p>无替代文本</p>", "<p>无替代文本</p>"),
            (
                "<img alt=\"A &amp; B\" src=x>",
                "<span class=\"alt\">[图片：A &amp; B]</span>",
            ),
            ("<p>没有图片</p>", "<p>没有图片</p>"),
        ];
        for (html, want) in cases {
            assert_eq!(text_only(html), want, "{html}");
        }
    }
}
