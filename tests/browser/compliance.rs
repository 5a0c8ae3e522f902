//! The public pages on a phone and to axe-core, in Chromium: each page kind (home, column,
//! article, site map, 互动交流, the letter, site-error and query forms, a missing page) of a
//! portal, a department, a district and a town, in the standard layout, 长者模式 (body type of
//! at least 20 px), the text-only layout (no pictures) and 繁體 (`lang="zh-Hant"`), fits a 360
//! and a 390 px wide window without
//! horizontal scrolling, shows the compliance kit (record numbers, 找错, 中国政府网) and its
//! page metadata, and has no axe-core violation of impact serious or critical under WCAG 2.1
//! A/AA (axe-core injected from `target/jstools`, installed by scripts/test). A screenshot of
//! each page at 390 px goes to `{CARGO_TARGET_TMPDIR}/browser/pNN-…png`.

use super::*;

/// The sites: a portal, a department, a district, a town.
const SITES: [&str; 4] = ["www", "fgw", "jb", "jb-xhz"];
/// The modes every page kind but the forms is checked in: standard, 长者模式, 纯文本, 繁體.
const MODES: [&str; 4] = ["", "/elder", "/text", "/hant"];
/// Phone widths the pages must fit.
const WIDTHS: [u32; 2] = [360, 390];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_public_page_kind_fits_a_phone_and_passes_axe_core_in_a_real_browser() {
    in_a_browser(&[], phone_scenario).await;
}

/// The page kinds of a site, found from its home page as a visitor would.
async fn page_kinds(app: &TestApp, code: &str) -> Vec<String> {
    let home = app
        .get(&format!("{}:{}", host(code), app.addr.port()), "/")
        .await;
    let first = |prefix: &str| {
        let marker = format!("href=\"{prefix}");
        let at = home.body.find(&marker)? + "href=\"".len();
        Some(home.body[at..at + home.body[at..].find('"')?].to_owned())
    };
    let mut paths = vec!["/".to_owned()];
    paths.extend(first("/col/"));
    paths.extend(first("/art/"));
    paths.extend(
        [
            "/sitemap.html",
            "/hudong/",
            "/forms/letter",
            "/forms/error",
            "/forms/query",
            "/col/no-such-column/",
            // 养老 (results, facets, pager) and 量子 (nothing found: the help).
            "/search?q=%E5%85%BB%E8%80%81&scope=all",
            "/search?q=%E9%87%8F%E5%AD%90",
        ]
        .map(str::to_owned),
    );
    assert_eq!(
        paths.len(),
        11,
        "{code}: a column and an article on the home page"
    );
    paths
}

async fn phone_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    let axe = std::fs::read_to_string(
        super::super::validators::jstools().join("node_modules/axe-core/axe.min.js"),
    )
    .or_fail("reading axe.min.js (scripts/test installs axe-core into target/jstools)");
    let c = driver.session().await;
    let mut shot = 0;
    let mut problems = Vec::new();
    for code in SITES {
        for (path, mode) in page_kinds(app, code).await.into_iter().flat_map(|p| {
            // The forms and search have no modes; every other page kind is checked in each.
            let modes: &[&str] = if p.starts_with("/forms/") || p.starts_with("/search") {
                &[""]
            } else {
                &MODES
            };
            modes.iter().map(move |m| (p.clone(), *m))
        }) {
            let url = public_url(app, code, &format!("{mode}{path}"));
            for width in WIDTHS {
                bounded("resizing the window", c.set_window_size(width, 800))
                    .await
                    .or_fail("resizing the window");
                goto(&c, &url).await;
                let sizes = bounded(
                    "measuring the page",
                    c.execute(
                        "return [window.innerWidth, document.documentElement.scrollWidth];",
                        vec![],
                    ),
                )
                .await
                .or_fail("measuring the page");
                let inner = sizes[0].as_u64().unwrap_or(0);
                let scroll = sizes[1].as_u64().unwrap_or(u64::MAX);
                assert_eq!(inner, u64::from(width), "the window is {width} px wide");
                if scroll > inner {
                    problems.push(format!("{url} at {width} px is {scroll} px wide"));
                }
            }
            shot += 1;
            let name = format!(
                "p{shot:03}-{code}{}.png",
                format!("{mode}{path}")
                    .replace(['/', '.'], "-")
                    .trim_end_matches('-')
            );
            screenshot(&c, shots, &name).await;
            let kit = bounded(
                "reading the footer and the metadata",
                c.execute(
                    "const f = document.querySelector('footer.site');
                     return [f ? f.innerText : '',
                             document.querySelectorAll('meta[name=SiteName],meta[name=ColumnName],meta[name=Url]').length,
                             document.documentElement.lang,
                             parseFloat(getComputedStyle(document.body).fontSize),
                             document.querySelectorAll('img').length];",
                    vec![],
                ),
            )
            .await
            .or_fail("reading the footer");
            let footer = kit[0].as_str().unwrap_or_default();
            let parts = if mode.ends_with("hant") {
                [
                    "浙ICP備",
                    "浙公網安備",
                    "我為政府網站找錯",
                    "中國政府網",
                    "網站標識碼",
                ]
            } else {
                [
                    "浙ICP备",
                    "浙公网安备",
                    "我为政府网站找错",
                    "中国政府网",
                    "网站标识码",
                ]
            };
            let lang = kit[2].as_str().unwrap_or_default();
            let want_lang = if mode.ends_with("hant") {
                "zh-Hant"
            } else {
                "zh-CN"
            };
            if lang != want_lang {
                problems.push(format!("{url}: lang is {lang:?}, not {want_lang}"));
            }
            let font = kit[3].as_f64().unwrap_or(0.0);
            if mode.starts_with("/elder") && font < 20.0 {
                problems.push(format!("{url}: body type is {font} px in 长者模式"));
            }
            if mode.starts_with("/text") && kit[4].as_u64() != Some(0) {
                problems.push(format!("{url}: pictures in the text-only mode"));
            }
            for part in parts {
                if !footer.contains(part) {
                    problems.push(format!("{url}: the footer lacks {part}"));
                }
            }
            if kit[1].as_u64() != Some(3) {
                problems.push(format!("{url}: page metadata missing"));
            }
            for v in axe_violations(&c, &axe).await {
                problems.push(format!("{url}: axe-core: {v}"));
            }
        }
    }
    // 9 page kinds of 4 sites; the 6 with modes in 3 more.
    assert!(shot >= 36 + 72, "{shot} pages checked");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    close(c, "the visitor's").await;
}

/// Runs axe-core on the current page under WCAG 2.1 A and AA; the violations of impact serious
/// or critical, each with up to three of its elements.
pub(super) async fn axe_violations(c: &Client, axe: &str) -> Vec<String> {
    bounded("injecting axe-core", c.execute(axe, vec![]))
        .await
        .or_fail("injecting axe-core");
    let found = bounded(
        "running axe-core",
        c.execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
               .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe-core failed: ' + e]));",
            vec![],
        ),
    )
    .await
    .or_fail("running axe-core");
    found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
