//! The page modes over HTTP on SQLite and PostgreSQL (issue 14): 繁體 pages converted on the
//! server phrase by phrase, with no simplified-only character left in their text, `lang` and
//! `hreflang` set; 长者模式 and the text-only layout; every link of a page in a mode stays in
//! it; each mode a cached variant of its own, invalidated on publish like the standard page.

use zq_domain::ArticleStatus;
use zq_tests::{TestApp, article, host, on_both_backends};

/// Characters that only simplified Chinese writes (each has a distinct traditional form).
const SIMPLIFIED_ONLY: &[char] = &[
    '发', '这', '们', '会', '国', '门', '对', '时', '说', '长', '开', '关', '员', '务', '经', '为',
    '过', '动', '业', '区', '设', '问', '网', '览', '导', '页', '务', '处', '县', '镇', '乡', '书',
    '记', '划', '项', '实', '总', '统', '计', '议', '论', '讯', '联', '报',
];

/// The text a reader sees: tags dropped (URLs and scripts with them).
fn text(body: &str) -> String {
    zq_domain::html::text_of_html(body)
}

/// The `href` of every `<a>` of a page.
fn hrefs(body: &str) -> Vec<&str> {
    body.split("<a ")
        .skip(1)
        .filter_map(|a| {
            let at = a.find("href=\"")? + 6;
            Some(&a[at..at + a[at..].find('"')?])
        })
        .collect()
}

on_both_backends! {
    async fn traditional_pages_convert_phrases_and_leave_no_simplified_only_character(app: demo) {
        let port = app.addr.port();
        let fgw = app.get(&format!("{}:{port}", host("fgw")), "/hant/").await;
        assert_eq!(fgw.status, 200);
        assert!(fgw.body.starts_with("<!DOCTYPE html>\n<html lang=\"zh-Hant\">"), "{}", &fgw.body[..80]);
        let t = text(&fgw.body);
        assert!(t.contains("海川市發展和改革委員會"), "{t}");
        // The portal's navigation always names its 政务公开 column (fgw's seeded titles may not).
        let www = app.get(&format!("{}:{port}", host("www")), "/hant/").await;
        assert!(text(&www.body).contains("政務公開"), "{}", text(&www.body));
        // The only simplified text is the switch back to it, marked as such.
        assert!(fgw.body.contains("lang=\"zh-CN\" hreflang=\"zh-CN\" translate=\"no\">简体</a>"));
        let rest = t.replacen("简体", "", 1);
        let left: Vec<char> = rest.chars().filter(|c| SIMPLIFIED_ONLY.contains(c)).collect();
        assert!(left.is_empty(), "simplified-only characters left: {left:?}\n{rest}");
        // Both language versions are named, with absolute URLs.
        assert!(fgw.body.contains(&format!("<link rel=\"alternate\" hreflang=\"zh-Hans\" href=\"http://{}:{port}/\">", host("fgw"))));
        assert!(fgw.body.contains(&format!("<link rel=\"alternate\" hreflang=\"zh-Hant\" href=\"http://{}:{port}/hant/\">", host("fgw"))));
        // The standard page names the same alternates and stays simplified.
        let plain = app.get(&format!("{}:{port}", host("fgw")), "/").await;
        assert!(plain.body.contains("<html lang=\"zh-CN\">"));
        assert!(text(&plain.body).contains("海川市发展和改革委员会"));
        assert!(plain.body.contains(&format!("hreflang=\"zh-Hant\" href=\"http://{}:{port}/hant/\"", host("fgw"))));

        // An article: title, body and metadata converted; links stay in 繁體.
        let home = app.get(&host("fgw"), "/").await;
        let art = hrefs(&home.body).into_iter().find(|h| h.starts_with("/art/")).expect("an article").to_owned();
        let page = app.get(&host("fgw"), &format!("/hant{art}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("<meta name=\"SiteName\" content=\"海川市發展和改革委員會\">"), "metadata converted");
        // Every link but the switch back to 简体 (the page itself without the prefix).
        for href in hrefs(&page.body).into_iter().filter(|h| *h != art) {
            let inside = href.starts_with('/') && !href.starts_with("//");
            if inside && !href.starts_with("/forms/") && !href.starts_with("/files/") && href != "/" && !href.starts_with("/elder") && !href.starts_with("/text") {
                assert!(href.starts_with("/hant/"), "a link leaves the mode: {href}");
            }
        }
    }

    async fn each_mode_is_a_cached_variant_invalidated_on_publish(app: demo) {
        let h = host("mzj");
        for mode in ["", "/hant", "/elder", "/text", "/elder/hant"] {
            let first = app.get(&h, &format!("{mode}/col/gzdt/")).await;
            assert_eq!((first.status, first.header("x-cache")), (200, Some("miss")), "{mode}");
            let again = app.get(&h, &format!("{mode}/col/gzdt/")).await;
            assert_eq!(again.header("x-cache"), Some("l1_hit"), "{mode}");
            assert_eq!(first.body, again.body, "{mode}");
        }
        // Through the alias as well, a variant of its own.
        let alias = app.get(&host("www"), "/sites/mzj/hant/col/gzdt/").await;
        assert_eq!((alias.status, alias.header("x-cache")), (200, Some("miss")));
        assert!(alias.body.contains("href=\"/sites/mzj/hant/\""), "alias links keep the mode");

        app.add("mzj", "gzdt", article("民政局发布养老服务补贴新规", ArticleStatus::Published)).await;
        let hant = app.get(&h, "/hant/col/gzdt/").await;
        assert_eq!(hant.header("x-cache"), Some("miss"), "the publish reached the 繁體 variant");
        assert!(hant.body.contains("養老服務補貼新規"), "{}", text(&hant.body));
        let elder = app.get(&h, "/elder/col/gzdt/").await;
        assert!(elder.body.contains("民政局发布养老服务补贴新规"));
        let alias = app.get(&host("www"), "/sites/mzj/hant/col/gzdt/").await;
        assert!(alias.body.contains("養老服務補貼新規"));
    }

    async fn elder_and_text_modes_render_their_own_layout(app: demo) {
        let h = host("www");
        let elder = app.get(&h, "/elder/").await;
        assert!(elder.body.contains("<html lang=\"zh-CN\" class=\"elder\">"));
        assert!(elder.body.contains("<span aria-current=\"page\">长者模式</span>"));
        assert!(elder.body.contains("<a href=\"/\">标准版</a>"));
        // Main columns only: the portal's aggregated department and district news is left out.
        let standard = app.get(&h, "/").await;
        assert!(standard.body.contains("class=\"grid aggregated\""));
        assert!(!elder.body.contains("class=\"grid aggregated\""));

        let text_only = app.get(&h, "/text/").await;
        assert!(text_only.body.contains("class=\"text\""));
        assert!(!text_only.body.contains("<img"), "no pictures in the text-only mode");
        assert!(text_only.body.contains("[图片：党政机关网站标识]"), "pictures give way to their texts");
        assert!(text_only.body.contains("/static/text."), "the text stylesheet");
        assert!(!text_only.body.contains("/static/style."));
        // Forms have no modes: their links leave the mode's prefix out.
        assert!(text_only.body.contains("href=\"/forms/error\""));
        // A bare prefix goes to its slash form; a mode's missing page is a 404 in that mode.
        let bare = app.get(&h, "/elder").await;
        assert_eq!((bare.status, bare.header("location")), (301, Some("/elder/")));
        let missing = app.get(&h, "/hant/col/no-such-column/").await;
        assert_eq!(missing.status, 404);
        assert!(missing.body.contains("<html lang=\"zh-Hant\""));
    }
}

/// The cluster's kept names stay as written in 繁體 pages.
#[tokio::test]
async fn kept_names_stay_simplified_in_traditional_pages() {
    let app = TestApp::setup(zq_tests::Setup {
        demo: Some(zq_tests::DemoOptions {
            news_articles: 8,
            seed: 7,
        }),
        env: vec![("ZQ_HTTP__HANT_KEEP".into(), "海川市发展和改革委员会".into())],
        ..Default::default()
    })
    .await;
    let page = app.get(&host("fgw"), "/hant/").await;
    let t = text(&page.body);
    assert!(t.contains("海川市发展和改革委员会"), "{t}");
    // Other phrases are still converted (the portal's navigation always names 政务公开).
    let www = app.get(&host("www"), "/hant/").await;
    assert!(text(&www.body).contains("政務公開"));
    app.finish().await;
}
