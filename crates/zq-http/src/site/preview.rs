//! 预览: an article not yet published (the editor's current form) rendered as the public page
//! would show it, in its site's own chrome, under the site's alias so every link on it works
//! from the console's host. Marked as a preview and never indexed or cached.

use zq_domain::page_mode::PageMode;

use super::links::{Links, Origin};
use super::pages::article_view;
use crate::AppState;

/// Why a preview cannot be shown.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PreviewError {
    #[error("站点不存在或未开通")]
    NoSite,
    #[error("请先选择栏目")]
    NoColumn,
    #[error("{0}")]
    Render(String),
}

/// The public article page for `a` (not stored) on site `code`, as seen at `scheme://host`.
pub(crate) fn article_preview(
    state: &AppState,
    code: &str,
    a: zq_store::Article,
    (scheme, host): (&str, &str),
) -> Result<String, PreviewError> {
    let snap = state.registry().snapshot();
    let site = snap.by_code(code).ok_or(PreviewError::NoSite)?;
    let col = site.column(a.column_id).ok_or(PreviewError::NoColumn)?;
    let origin = Origin {
        scheme: scheme.to_owned(),
        authority: host.to_owned(),
        port_suffix: String::new(),
    };
    let links = Links::alias(&snap, site, origin, PageMode::STANDARD).at("/art/preview.html");
    let mut view = article_view(&snap, site, &links, col, a, (None, None));
    // Not at an address yet: no QR code to scan.
    view.qr_url = None;
    let html = state
        .renderer()
        .article(&view)
        .map_err(|e| PreviewError::Render(e.to_string()))?;
    Ok(mark_preview(&html))
}

/// The page with a banner saying it is a preview, and kept out of search engines.
fn mark_preview(html: &str) -> String {
    let banner = "<p class=\"preview-banner\" role=\"note\">预览：此页尚未发布，仅供编辑和审核人员查看。</p>";
    let noindex = "<meta name=\"robots\" content=\"noindex, nofollow\">";
    let mut out = html.replacen("<head>", &format!("<head>{noindex}"), 1);
    if let Some(start) = out.find("<body")
        && let Some(end) = out[start..].find('>')
    {
        out.insert_str(start + end + 1, banner);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_preview_says_so_and_is_not_indexed() {
        let page = super::mark_preview(
            "<html><head><title>t</title></head><body class=\"x\"><main></main></body></html>",
        );
        assert!(page.contains("<head><meta name=\"robots\" content=\"noindex, nofollow\">"));
        assert!(page.contains("<body class=\"x\"><p class=\"preview-banner\" role=\"note\">预览"));
    }
}
