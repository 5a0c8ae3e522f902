//! How a public page is presented: the standard layout, the 长者模式 (elder: large type, high
//! contrast, main columns only) or the text-only layout (无障碍：纯文本), in simplified or
//! traditional (繁體) characters. A mode is a path prefix in front of the site path
//! (`/elder/`, `/text/`, `/hant/`, `/elder/hant/`, `/text/hant/`), so each mode of each page
//! has its own URL (for `hreflang`, bookmarks and the page cache) and every link of a page in a
//! mode stays in that mode. Pure: parsed and written here, rendered by the render crate.

/// The layout of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Layout {
    #[default]
    Standard,
    /// 长者模式.
    Elder,
    /// 纯文本 (无障碍): no pictures, no decoration, one column.
    Text,
}

impl Layout {
    pub const ALL: [Layout; 3] = [Layout::Standard, Layout::Elder, Layout::Text];

    /// The path segment of the layout (none for the standard layout).
    pub fn segment(self) -> Option<&'static str> {
        match self {
            Layout::Standard => None,
            Layout::Elder => Some("elder"),
            Layout::Text => Some("text"),
        }
    }

    /// The class on `<html>` and the name in templates.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Standard => "standard",
            Layout::Elder => "elder",
            Layout::Text => "text",
        }
    }

    /// What the switch to this layout says.
    pub fn label(self) -> &'static str {
        match self {
            Layout::Standard => "标准版",
            Layout::Elder => "长者模式",
            Layout::Text => "无障碍（纯文本）",
        }
    }
}

/// A page's layout and script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct PageMode {
    pub layout: Layout,
    /// Traditional characters (繁體).
    pub hant: bool,
}

/// The path segment of traditional characters.
const HANT: &str = "hant";

impl PageMode {
    pub const STANDARD: PageMode = PageMode {
        layout: Layout::Standard,
        hant: false,
    };

    /// Splits the mode prefix off a site path: `/elder/hant/col/x/` → (elder + 繁體,
    /// `/col/x/`). A bare prefix (`/elder`) leaves an empty rest, which callers redirect to
    /// its slash form. Segments out of order (`/hant/elder/`) are not a mode prefix.
    pub fn split(path: &str) -> (PageMode, &str) {
        let mut mode = PageMode::STANDARD;
        let mut rest = path;
        for layout in [Layout::Elder, Layout::Text] {
            if let Some(r) = strip_segment(rest, layout.segment().unwrap_or_default()) {
                mode.layout = layout;
                rest = r;
                break;
            }
        }
        if let Some(r) = strip_segment(rest, HANT) {
            mode.hant = true;
            rest = r;
        }
        (mode, rest)
    }

    /// The path prefix of the mode: "" for the standard page, else e.g. `/elder/hant`.
    pub fn prefix(self) -> String {
        let mut p = String::new();
        if let Some(seg) = self.layout.segment() {
            p.push('/');
            p.push_str(seg);
        }
        if self.hant {
            p.push('/');
            p.push_str(HANT);
        }
        p
    }

    /// A short tag of the mode for cache keys ("" for the standard page).
    pub fn tag(self) -> &'static str {
        match (self.layout, self.hant) {
            (Layout::Standard, false) => "",
            (Layout::Standard, true) => "h",
            (Layout::Elder, false) => "e",
            (Layout::Elder, true) => "eh",
            (Layout::Text, false) => "t",
            (Layout::Text, true) => "th",
        }
    }

    /// The page's `lang`.
    pub fn lang(self) -> &'static str {
        if self.hant { "zh-Hant" } else { "zh-CN" }
    }

    pub fn with_layout(self, layout: Layout) -> PageMode {
        PageMode { layout, ..self }
    }

    pub fn with_hant(self, hant: bool) -> PageMode {
        PageMode { hant, ..self }
    }
}

/// `/{seg}/rest` → `/rest`; `/{seg}` → "".
fn strip_segment<'a>(path: &'a str, seg: &str) -> Option<&'a str> {
    let after = path.strip_prefix('/')?.strip_prefix(seg)?;
    (after.is_empty() || after.starts_with('/')).then_some(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ELDER: PageMode = PageMode {
        layout: Layout::Elder,
        hant: false,
    };
    const HANT_ONLY: PageMode = PageMode {
        layout: Layout::Standard,
        hant: true,
    };
    const TEXT_HANT: PageMode = PageMode {
        layout: Layout::Text,
        hant: true,
    };

    #[test]
    fn a_mode_prefix_is_split_off_the_site_path() {
        let cases = [
            ("/", PageMode::STANDARD, "/"),
            ("/col/news/", PageMode::STANDARD, "/col/news/"),
            ("/elder/", ELDER, "/"),
            ("/elder", ELDER, ""),
            ("/elder/art/1.html", ELDER, "/art/1.html"),
            ("/hant/col/news/", HANT_ONLY, "/col/news/"),
            ("/text/hant/", TEXT_HANT, "/"),
            ("/text/hant", TEXT_HANT, ""),
            // Out of order, or a segment that only starts like a mode: not a prefix.
            ("/hant/elder/", HANT_ONLY, "/elder/"),
            ("/elderly/", PageMode::STANDARD, "/elderly/"),
            ("/hantx", PageMode::STANDARD, "/hantx"),
            ("", PageMode::STANDARD, ""),
        ];
        for (path, mode, rest) in cases {
            assert_eq!(PageMode::split(path), (mode, rest), "{path}");
        }
    }

    #[test]
    fn every_mode_writes_the_prefix_it_parses_and_a_distinct_tag() {
        let mut tags = std::collections::HashSet::new();
        for layout in Layout::ALL {
            for hant in [false, true] {
                let mode = PageMode { layout, hant };
                let path = format!("{}/col/news/", mode.prefix());
                assert_eq!(PageMode::split(&path), (mode, "/col/news/"));
                assert!(tags.insert(mode.tag()), "{mode:?}");
            }
        }
        assert_eq!(PageMode::STANDARD.prefix(), "");
        assert_eq!(TEXT_HANT.prefix(), "/text/hant");
        assert_eq!(HANT_ONLY.lang(), "zh-Hant");
        assert_eq!(ELDER.lang(), "zh-CN");
    }
}
