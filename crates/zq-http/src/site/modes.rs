//! The page modes of the public site (长者模式, 纯文本, 繁體) as the chrome shows them: which
//! one the page is in, the switches to the others and the `hreflang` alternates; and the last
//! step of rendering a page in a mode (pictures to their texts, simplified to traditional).

use zq_domain::{Layout, PageMode};
use zq_render::view::{ModeView, SwitchView};

use super::Links;
use crate::AppState;
use crate::registry::Site;

/// The mode part of a page's chrome.
pub(crate) fn view(site: &Site, links: &Links) -> ModeView {
    let mode = links.mode();
    let layouts = Layout::ALL
        .into_iter()
        .map(|layout| SwitchView {
            name: layout.label(),
            url: links.in_mode(mode.with_layout(layout)),
            current: layout == mode.layout,
            lang: None,
        })
        .collect();
    let script = if mode.hant {
        SwitchView {
            name: "简体",
            url: links.in_mode(mode.with_hant(false)),
            current: false,
            lang: Some("zh-CN"),
        }
    } else {
        SwitchView {
            name: "繁體",
            url: links.in_mode(mode.with_hant(true)),
            current: false,
            lang: Some("zh-Hant"),
        }
    };
    ModeView {
        layout: mode.layout.as_str(),
        hant: mode.hant,
        lang: mode.lang(),
        layouts,
        script,
        hans_url: links.canonical_in(site, PageMode::STANDARD),
        hant_url: links.canonical_in(site, PageMode::STANDARD.with_hant(true)),
    }
}

/// A rendered page in `mode`: HTML of the text-only layout loses its pictures (their
/// alternative texts stay), and traditional pages are converted from the simplified page.
pub(crate) fn finish(state: &AppState, mode: PageMode, content_type: &str, body: String) -> String {
    let html = content_type.starts_with("text/html");
    let body = if html && mode.layout == Layout::Text {
        zq_render::modes::text_only(&body)
    } else {
        body
    };
    if mode.hant && (html || content_type.contains("xml")) {
        state.renderer().hant().convert_markup(&body)
    } else {
        body
    }
}
