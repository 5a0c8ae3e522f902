//! Traditional characters (繁體) of a rendered page, converted on the server from the
//! simplified page with OpenCC's dictionaries (ferrous-opencc, Apache-2.0; phrase level:
//! 发展 → 發展, 头发 → 頭髮), in the common standard glyphs (`s2tw`: 為, 群, 裡 — the forms
//! readers in Hong Kong, Macao, Taiwan and abroad all know; no regional vocabulary swaps). Text between tags and the human-readable attributes (`alt`,
//! `title`, `content`, `aria-label`, `placeholder`) are converted; URLs, scripts and styles are
//! not; an element marked `translate="no"` keeps its text (the switch back to 简体), and the
//! cluster's own names that must not change (`http.hant_keep`) are kept as written.

use aho_corasick::{AhoCorasick, MatchKind};
use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

use crate::markup::{Piece, attrs, closing_name, pieces, tag_name};

/// Attributes whose values people read.
const READ_ATTRS: &[&str] = &["alt", "title", "content", "aria-label", "placeholder"];

/// The converter with the cluster's kept names.
pub struct Hant {
    cc: Option<OpenCC>,
    keep: Option<AhoCorasick>,
}

impl Default for Hant {
    fn default() -> Self {
        Hant::new(&[])
    }
}

impl Hant {
    /// Loads the dictionaries (embedded in the binary); `keep` lists phrases to leave as
    /// written. Without the dictionaries (never expected), pages stay simplified and the
    /// failure is logged once by the caller through `loaded`.
    pub fn new(keep: &[String]) -> Hant {
        let keep: Vec<&str> = keep
            .iter()
            .map(|k| k.trim())
            .filter(|k| !k.is_empty())
            .collect();
        Hant {
            cc: OpenCC::from_config(BuiltinConfig::S2tw).ok(),
            keep: (!keep.is_empty())
                .then(|| {
                    AhoCorasick::builder()
                        .match_kind(MatchKind::LeftmostLongest)
                        .build(&keep)
                        .ok()
                })
                .flatten(),
        }
    }

    /// Whether the dictionaries loaded.
    pub fn loaded(&self) -> bool {
        self.cc.is_some()
    }

    /// Plain text in traditional characters, kept names as written.
    pub fn convert_text(&self, text: &str) -> String {
        let Some(cc) = &self.cc else {
            return text.to_owned();
        };
        if !text.bytes().any(|b| b >= 0x80) {
            return text.to_owned();
        }
        let Some(keep) = &self.keep else {
            return cc.convert(text);
        };
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for m in keep.find_iter(text) {
            out.push_str(&cc.convert(&text[at..m.start()]));
            out.push_str(&text[m.start()..m.end()]);
            at = m.end();
        }
        out.push_str(&cc.convert(&text[at..]));
        out
    }

    /// A page (HTML or XML) in traditional characters.
    pub fn convert_markup(&self, html: &str) -> String {
        let mut out = String::with_capacity(html.len() + html.len() / 16);
        // Inside <script> or <style>: copied as is until the closing tag.
        let mut raw_until: Option<String> = None;
        // The element just opened keeps its text (`translate="no"`, leaf elements).
        let mut keep_text = false;
        for piece in pieces(html) {
            match piece {
                Piece::Tag(tag) => {
                    if let Some(name) = &raw_until {
                        if closing_name(tag).as_ref() == Some(name) {
                            raw_until = None;
                        }
                        out.push_str(tag);
                        continue;
                    }
                    keep_text = false;
                    match tag_name(tag) {
                        Some(name) => {
                            self.convert_tag(tag, &mut out);
                            let attrs = attrs(tag);
                            keep_text = attrs.iter().any(|a| {
                                a.name == "translate"
                                    && a.value.clone().is_some_and(|r| &tag[r] == "no")
                            });
                            if name == "script" || name == "style" {
                                raw_until = Some(name);
                            }
                        }
                        None => out.push_str(tag),
                    }
                }
                Piece::Text(text) if raw_until.is_some() || keep_text => out.push_str(text),
                Piece::Text(text) => out.push_str(&self.convert_text(text)),
            }
        }
        out
    }

    /// A start tag with its readable attributes converted.
    fn convert_tag(&self, tag: &str, out: &mut String) {
        let mut at = 0;
        for a in attrs(tag) {
            let Some(range) = a.value else { continue };
            if READ_ATTRS.contains(&a.name.as_str()) {
                out.push_str(&tag[at..range.start]);
                out.push_str(&self.convert_text(&tag[range.clone()]));
                at = range.end;
            }
        }
        out.push_str(&tag[at..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_convert_phrase_by_phrase_but_not_urls_or_scripts() {
        let h = Hant::new(&[]);
        assert!(h.loaded());
        let cases = [
            ("<h1>政务公开</h1>", "<h1>政務公開</h1>"),
            (
                "<p>发展和改革委员会发布通知</p>",
                "<p>發展和改革委員會發布通知</p>",
            ),
            ("<p>理发店里她的头发很长</p>", "<p>理髮店裡她的頭髮很長</p>"),
            (
                "<a href=\"/files/ab/说明.pdf\" title=\"下载说明\">说明</a>",
                "<a href=\"/files/ab/说明.pdf\" title=\"下載說明\">說明</a>",
            ),
            (
                "<meta name=\"SiteName\" content=\"海川市人民政府\">",
                "<meta name=\"SiteName\" content=\"海川市人民政府\">",
            ),
            (
                "<img src=\"a.png\" alt=\"会议现场\">",
                "<img src=\"a.png\" alt=\"會議現場\">",
            ),
            (
                "<script>var a = \"简体\";</script>",
                "<script>var a = \"简体\";</script>",
            ),
            (
                "<a href=\"/\" lang=\"zh-CN\" translate=\"no\">简体</a><span>简体</span>",
                "<a href=\"/\" lang=\"zh-CN\" translate=\"no\">简体</a><span>簡體</span>",
            ),
            ("<!-- 注释 -->", "<!-- 注释 -->"),
        ];
        for (html, want) in cases {
            assert_eq!(h.convert_markup(html), want, "{html}");
        }
    }

    #[test]
    fn kept_names_are_left_as_written() {
        let h = Hant::new(&["海川发展集团".into(), " ".into()]);
        assert_eq!(
            h.convert_text("海川发展集团发展迅速"),
            "海川发展集团發展迅速"
        );
        assert_eq!(Hant::new(&[]).convert_text("海川发展集团"), "海川發展集團");
    }
}
