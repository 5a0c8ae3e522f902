//! The console to axe-core, in Chromium: every kind of console page (the list the Nu HTML
//! Checker test walks, `validators::console_page_kinds`), as the site admin and as the office
//! see them after signing in through the form, and the sign-in page itself, has no axe-core
//! violation of impact serious or critical under WCAG 2.1 A/AA — the clerks work in these pages
//! all day, with keyboards and screen readers too. A screenshot of each at 1280 px goes to
//! `{CARGO_TARGET_TMPDIR}/browser/cNN-…png`.

use super::compliance::axe_violations;
use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_console_page_kind_passes_axe_core_in_a_real_browser() {
    in_a_browser(&[], console_scenario).await;
}

async fn console_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    let axe = std::fs::read_to_string(
        super::super::validators::jstools().join("node_modules/axe-core/axe.min.js"),
    )
    .or_fail("reading axe.min.js (scripts/test installs axe-core into target/jstools)");
    let kinds = super::super::validators::console_page_kinds(app).await;
    let console = format!("http://{}", app.addr);
    let mut problems = Vec::new();
    let mut shot = 0;
    for (who, pages) in &kinds {
        let c = driver.session().await;
        bounded("sizing the window", c.set_window_size(1280, 900))
            .await
            .or_fail("sizing the window");
        if shot == 0 {
            goto(&c, &format!("{console}/console/login")).await;
            wait_for(&c, "input#login", "the sign-in form").await;
            for v in axe_violations(&c, &axe).await {
                problems.push(format!("/console/login: axe-core: {v}"));
            }
            screenshot(&c, shots, "c00-login.png").await;
            shot += 1;
        }
        sign_in(&c, &console, who, SITE).await;
        for path in pages {
            goto(&c, &format!("{console}{path}")).await;
            wait_for(&c, "main", &format!("the main part of {path}")).await;
            let title = bounded("reading the title", c.title())
                .await
                .or_fail("reading the title");
            if title.contains("出错") || title.contains("登录") {
                problems.push(format!("{who} {path}: not the page itself ({title})"));
            }
            for v in axe_violations(&c, &axe).await {
                problems.push(format!("{who} {path}: axe-core: {v}"));
            }
            let name: String = path
                .trim_start_matches("/console/")
                .chars()
                .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '-' })
                .collect();
            screenshot(&c, shots, &format!("c{shot:02}-{name}.png")).await;
            shot += 1;
        }
        close(c, &format!("{who}'s")).await;
    }
    assert!(shot >= 30, "{shot} console pages checked");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
