//! The rich-text editor (Tiptap, `static/rte.js`) in Chromium (`eNN-…png`): an editor types
//! two paragraphs, puts the caret at the end of the first and inserts a picture there (the
//! alt text asked for and required), adds a table, previews the unsaved article in the
//! site's own chrome in a new window (the picture loaded through the alias), then submits it;
//! the stored body is the clean semantic HTML the sanitizer keeps, the picture between the
//! paragraphs and its address site-relative.

use fantoccini::key::Key;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_inserts_a_picture_at_the_cursor_and_a_table_and_previews_in_a_real_browser() {
    in_a_browser(
        &[("jb.rtewriter", SITE, TenantRole::Editor)],
        editor_scenario,
    )
    .await;
}

/// The body as the editor keeps it in the textarea, once it contains `needle`.
async fn body_with(c: &Client, needle: &str, after: &str) -> String {
    let start = Instant::now();
    loop {
        let v = c
            .execute("return document.getElementById('body').value;", vec![])
            .await
            .or_fail("reading the body");
        let body = v.as_str().unwrap_or_default().to_owned();
        if body.contains(needle) {
            return body;
        }
        if start.elapsed() > WAIT {
            panic!("after {after}, the body has no {needle:?}: {body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the picture `css` has loaded (and shows: it has a width).
async fn picture_loads(c: &Client, css: &str, what: &str) {
    let script = format!(
        "const i = document.querySelector({css:?}); return !!i && i.complete && i.naturalWidth > 0;"
    );
    let start = Instant::now();
    while c.execute(&script, vec![]).await.or_fail(what) != Value::Bool(true) {
        if start.elapsed() > WAIT {
            let src = c
                .execute(&format!("const i = document.querySelector({css:?}); return i ? [i.src, i.complete, i.naturalWidth] : null;"), vec![])
                .await
                .or_fail(what);
            panic!("{what} did not load ({src}); {}", whereabouts(c).await);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn editor_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    let picture = driver.tmp.join("消防检查.png");
    std::fs::write(&picture, RED_SQUARE_PNG).or_fail("writing the picture");
    let console = format!("http://{}", app.addr);
    let c = driver.session().await;
    bounded("sizing the window", c.set_window_size(1280, 1000))
        .await
        .or_fail("sizing the window");
    sign_in(&c, &console, "jb.rtewriter", SITE).await;
    goto(&c, &format!("{console}/console/sites/{SITE}/articles/new")).await;
    find(&c, "select#column_id", "the column select")
        .await
        .select_by_index(0)
        .await
        .or_fail("choosing a column");
    find(&c, "input#title", "the title field")
        .await
        .send_keys("冬季安全检查工作方案")
        .await
        .or_fail("typing the title");

    // Two paragraphs, the caret back at the end of the first.
    let area = wait_for(&c, "div#rte .ProseMirror", "the editing area").await;
    let keys = format!(
        "第一段：各单位要高度重视安全检查工作。{}第二段：检查时间为十二月。{}{}",
        char::from(Key::Enter),
        char::from(Key::Up),
        char::from(Key::End)
    );
    area.send_keys(&keys).await.or_fail("typing the paragraphs");

    // 插入图片: the file, then the alt text the dialog asks for (an empty one is refused).
    click(&c, "button[aria-label='插入图片']", "插入图片").await;
    find(
        &c,
        ".rte-toolbar input.rte-picker",
        "the picture file input",
    )
    .await
    .send_keys(&picture.display().to_string())
    .await
    .or_fail("choosing the picture");
    wait_for(&c, "dialog.rte-dialog[open]", "the picture dialog").await;
    screenshot(&c, shots, "e01-picture-dialog.png").await;
    click(
        &c,
        "dialog.rte-dialog[open] button[type=submit]",
        "确定 without alt text",
    )
    .await;
    let err = text_of(
        &c,
        "dialog.rte-dialog[open] .rte-dialog-error",
        "the alt text refusal",
    )
    .await;
    assert!(err.contains("替代文字"), "{err}");
    find(&c, "dialog.rte-dialog[open] input", "the alt text field")
        .await
        .send_keys("检查组在企业查看消防设施")
        .await
        .or_fail("typing the alt text");
    click(&c, "dialog.rte-dialog[open] button[type=submit]", "确定").await;
    let body = body_with(&c, "<figure>", "inserting the picture").await;
    let (first, figure, second) = (
        body.find("第一段").unwrap_or(usize::MAX),
        body.find("<figure>").unwrap_or(0),
        body.find("第二段").unwrap_or(0),
    );
    assert!(
        first < figure && figure < second,
        "the picture between the paragraphs: {body}"
    );
    assert!(body.contains("alt=\"检查组在企业查看消防设施\""), "{body}");

    // A table (3 × 3 with a header row, the dialog's defaults).
    click(&c, "button[aria-label='插入表格']", "插入表格").await;
    wait_for(&c, "dialog.rte-dialog[open]", "the table dialog").await;
    click(&c, "dialog.rte-dialog[open] button[type=submit]", "确定").await;
    let body = body_with(&c, "<table>", "inserting the table").await;
    assert!(body.contains("<th>") && !body.contains("style="), "{body}");
    picture_loads(&c, "#rte figure img", "the picture in the editor").await;
    screenshot(&c, shots, "e02-picture-and-table.png").await;

    // 预览 in a new window: the site's chrome, the picture loaded, marked as a preview.
    let mine = c.window().await.or_fail("reading the window");
    click(&c, "button[aria-label='预览']", "预览").await;
    let start = Instant::now();
    let preview = loop {
        let all = c.windows().await.or_fail("listing the windows");
        if let Some(w) = all.into_iter().find(|w| *w != mine) {
            break w;
        }
        assert!(start.elapsed() < WAIT, "no preview window opened");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    c.switch_to_window(preview)
        .await
        .or_fail("switching to the preview");
    let banner = text_of(&c, "p.preview-banner", "the preview banner").await;
    assert!(banner.contains("预览"), "{banner}");
    let page = text_of(&c, "main", "the previewed article").await;
    assert!(
        page.contains("冬季安全检查工作方案") && page.contains("第二段"),
        "{page}"
    );
    picture_loads(&c, "main figure img", "the picture in the preview").await;
    screenshot(&c, shots, "e03-preview.png").await;
    c.close_window().await.or_fail("closing the preview");
    c.switch_to_window(mine).await.or_fail("back to the editor");

    // Submitted: stored as clean HTML, the picture's address site-relative.
    click(&c, "button[name=then][value=submit]", "保存并送审").await;
    expect_notice(&c, "已保存并送审。", "submitting").await;
    let id = c
        .current_url()
        .await
        .or_fail("reading the URL")
        .path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .parse::<i64>()
        .or_fail("the article's id");
    let (tenant, _) = app.column(SITE, "tzgg").await;
    let stored = app
        .store
        .editorial_article(tenant, zq_domain::ArticleId(id))
        .await
        .or_fail("reading the stored article")
        .text
        .body;
    assert!(stored.contains("<figure><img src=\"/files/"), "{stored}");
    assert!(
        stored.contains("<table>") && stored.contains("<th>"),
        "{stored}"
    );
    screenshot(&c, shots, "e04-submitted.png").await;
    close(c, "the editor's").await;
}
