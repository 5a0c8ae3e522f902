//! A small walker over rendered markup (our own templates' output, well formed): text between
//! tags, tags with their attributes. The page modes use it to convert text to traditional
//! characters and to turn pictures into their texts, leaving URLs and scripts alone.

/// One piece of markup.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Text(&'a str),
    /// A tag from `<` to `>` included; comments, doctype and closing tags too.
    Tag(&'a str),
}

/// Splits markup into text and tags; a stray `<` without a `>` is text.
pub(crate) fn pieces(html: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = html;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        if rest.starts_with('<') {
            let end = if rest.starts_with("<!--") {
                rest.find("-->").map(|i| i + 3)
            } else {
                tag_end(rest)
            };
            if let Some(end) = end {
                let (tag, after) = rest.split_at(end);
                rest = after;
                return Some(Piece::Tag(tag));
            }
            let (text, after) = rest.split_at(rest.len());
            rest = after;
            return Some(Piece::Text(text));
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let (text, after) = rest.split_at(end);
        rest = after;
        Some(Piece::Text(text))
    })
}

/// The end of the tag at the start of `s` (after its `>`), quotes respected.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, b) in s.bytes().enumerate().skip(1) {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The lower-cased name of a start tag (`<img …>` → `img`); none for closing tags,
/// comments and declarations.
pub(crate) fn tag_name(tag: &str) -> Option<String> {
    let inner = tag.strip_prefix('<')?;
    if inner.starts_with(['/', '!', '?']) {
        return None;
    }
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    (!name.is_empty()).then(|| name.to_ascii_lowercase())
}

/// The name of a closing tag (`</script>` → `script`).
pub(crate) fn closing_name(tag: &str) -> Option<String> {
    let inner = tag.strip_prefix("</")?;
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    (!name.is_empty()).then(|| name.to_ascii_lowercase())
}

/// An attribute of a start tag: name (lower-cased), and the value's byte range in the tag
/// (inside its quotes), if it has a value.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Attr {
    pub name: String,
    pub value: Option<std::ops::Range<usize>>,
}

/// The attributes of a start tag, in order.
pub(crate) fn attrs(tag: &str) -> Vec<Attr> {
    let b = tag.as_bytes();
    let mut out = Vec::new();
    // Skip `<name`.
    let mut i = 1;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
        i += 1;
    }
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' {
            return out;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = tag[start..i].to_ascii_lowercase();
        if name.is_empty() {
            i += 1;
            continue;
        }
        let mut value = None;
        if i < b.len() && b[i] == b'=' {
            i += 1;
            match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let from = i + 1;
                    let to = tag[from..].find(q as char).map_or(b.len(), |j| from + j);
                    value = Some(from..to);
                    i = to + 1;
                }
                _ => {
                    let from = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = Some(from..i);
                }
            }
        }
        out.push(Attr { name, value });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_splits_into_text_and_tags() {
        let got: Vec<_> = pieces("<p class=\"a>b\">政务<!-- x > y -->公开</p> 1 < 2").collect();
        assert_eq!(
            got,
            vec![
                Piece::Tag("<p class=\"a>b\">"),
                Piece::Text("政务"),
                Piece::Tag("<!-- x > y -->"),
                Piece::Text("公开"),
                Piece::Tag("</p>"),
                Piece::Text(" 1 "),
                Piece::Text("< 2"),
            ]
        );
    }

    #[test]
    fn attributes_are_read_with_their_value_ranges() {
        let tag = "<img src='/a.png' alt=\"图 片\" hidden width=3>";
        let attrs = attrs(tag);
        let named: Vec<_> = attrs
            .iter()
            .map(|a| (a.name.as_str(), a.value.clone().map(|r| &tag[r])))
            .collect();
        assert_eq!(
            named,
            vec![
                ("src", Some("/a.png")),
                ("alt", Some("图 片")),
                ("hidden", None),
                ("width", Some("3")),
            ]
        );
        assert_eq!(tag_name(tag).as_deref(), Some("img"));
        assert_eq!(tag_name("</p>"), None);
        assert_eq!(closing_name("</SCRIPT>").as_deref(), Some("script"));
    }
}
