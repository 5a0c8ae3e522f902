//! The article scenario: a district editor writes an article with a picture in the rich-text
//! editor, the reviewer approves it, the public site shows it with the picture (`NN-…png`).

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_district_article_goes_from_editor_to_reviewer_to_the_public_site_in_a_real_browser() {
    in_a_browser(
        &[
            ("jb.editor", SITE, TenantRole::Editor),
            ("jb.reviewer", SITE, TenantRole::Reviewer),
        ],
        article_scenario,
    )
    .await;
}

async fn article_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    let picture = driver.tmp.join("红色方块.png");
    std::fs::write(&picture, RED_SQUARE_PNG).or_fail("writing the picture to attach");
    let console = format!("http://{}", app.addr);
    let title = format!("江北区老旧小区改造进展（浏览器测试 {}）", fastrand::u32(..));
    let body_text = "今年江北区完成老旧小区改造十二个，惠及居民三千余户。";

    // The editor signs in, writes the article with a picture and submits it.
    let editor = driver.session().await;
    sign_in(&editor, &console, "jb.editor", SITE).await;
    screenshot(&editor, shots, "01-editor-signed-in.png").await;

    goto(
        &editor,
        &format!("{console}/console/sites/{SITE}/articles/new"),
    )
    .await;
    wait_for(&editor, "form#article-form", "the article editor's form").await;
    let column = find(&editor, "select#column_id", "the column select").await;
    column
        .select_by_index(0)
        .await
        .or_fail("choosing the first column");
    find(&editor, "input#title", "the title field")
        .await
        .send_keys(&title)
        .await
        .or_fail("typing the title");
    let rte = wait_for(
        &editor,
        "div#rte .ProseMirror",
        "the rich-text editing area",
    )
    .await;
    assert!(
        rte.is_displayed()
            .await
            .or_fail("checking the editing area"),
        "rte.js should show the editor in #rte (and hide textarea#body); {}",
        whereabouts(&editor).await
    );
    rte.click().await.or_fail("focusing the editing area");
    rte.send_keys(body_text)
        .await
        .or_fail("typing the body into the editing area");
    find(&editor, "input#files", "the attachment file input")
        .await
        .send_keys(&picture.display().to_string())
        .await
        .or_fail("choosing the picture to attach");
    screenshot(&editor, shots, "02-editor-form-filled.png").await;

    click(
        &editor,
        "button[name=then][value=submit]",
        "the 保存并送审 button",
    )
    .await;
    expect_notice(&editor, "已保存并送审。", "保存并送审").await;
    expect_state(&editor, "待审核", "保存并送审").await;
    let id = id_in_url(
        &editor,
        &format!("/console/sites/{SITE}/articles/"),
        Some("notice=submitted"),
        "保存并送审",
    )
    .await;
    screenshot(&editor, shots, "03-editor-submitted.png").await;
    close(editor, "the editor's").await;

    // The reviewer, in a fresh session, finds it in the queue and approves it.
    let reviewer = driver.session().await;
    sign_in(&reviewer, &console, "jb.reviewer", SITE).await;
    goto(&reviewer, &format!("{console}/console/sites/{SITE}/review")).await;
    let link = format!("a[href='/console/sites/{SITE}/articles/{id}']");
    wait_for(
        &reviewer,
        &link,
        "the submitted article in the review queue",
    )
    .await;
    let listed = text_of(&reviewer, &link, "the article's link in the queue").await;
    assert_eq!(listed, title, "the queue lists the article by its title");
    screenshot(&reviewer, shots, "04-reviewer-queue.png").await;

    click(&reviewer, &link, "the article's link in the queue").await;
    let approve = "form[action$='/approve'] button[type=submit]";
    wait_for(
        &reviewer,
        approve,
        "the 审核通过 button on the article page",
    )
    .await;
    let label = text_of(&reviewer, approve, "the approve button").await;
    assert_eq!(label, "审核通过");
    click(&reviewer, approve, "the 审核通过 button").await;
    expect_notice(&reviewer, "审核通过。", "审核通过").await;
    expect_state(&reviewer, "已发布", "审核通过").await;
    screenshot(&reviewer, shots, "05-reviewer-approved.png").await;

    // The district's public site shows it, picture included.
    let public = public_url(app, SITE, &format!("/art/{id}.html"));
    goto(&reviewer, &public).await;
    let h1 = wait_for(
        &reviewer,
        "article.article h1",
        "the public article's title",
    )
    .await;
    assert_eq!(
        h1.text().await.or_fail("reading the public title"),
        title,
        "{}",
        whereabouts(&reviewer).await
    );
    let shown = text_of(
        &reviewer,
        "article.article .body",
        "the public article's body",
    )
    .await;
    assert!(
        shown.contains(body_text),
        "the public body should hold the typed text; {}",
        whereabouts(&reviewer).await
    );
    let start = Instant::now();
    loop {
        let v = reviewer
            .execute(
                "const img = document.querySelector('article.article .body img');\
                 if (!img) { return 'no img'; }\
                 return img.complete ? img.naturalWidth : 'loading ' + img.src;",
                vec![],
            )
            .await
            .or_fail("checking the picture");
        if let Value::Number(w) = &v {
            assert!(
                w.as_u64().is_some_and(|w| w > 0),
                "the picture in the public article did not load (naturalWidth {w}); {}",
                whereabouts(&reviewer).await
            );
            break;
        }
        assert!(
            start.elapsed() < WAIT,
            "the picture in the public article did not load within {WAIT:?}: {v}; {}",
            whereabouts(&reviewer).await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    screenshot(&reviewer, shots, "06-public-page.png").await;
    close(reviewer, "the reviewer's").await;
}

/// A refused article form comes back with its body exactly as it was sent; the editor shows it
/// in the editing area only as an article may be: no script, no event handler, no
/// `javascript:` link ever becomes live in the console (issue 15, probe finding 7).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_article_form_shows_its_body_in_the_editor_without_live_markup() {
    in_a_browser(
        &[("jb.editor", SITE, TenantRole::Editor)],
        refused_form_scenario,
    )
    .await;
}

async fn refused_form_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    let console = format!("http://{}", app.addr);
    let editor = driver.session().await;
    sign_in(&editor, &console, "jb.editor", SITE).await;
    goto(
        &editor,
        &format!("{console}/console/sites/{SITE}/articles/new"),
    )
    .await;
    wait_for(
        &editor,
        "div#rte .ProseMirror",
        "the rich-text editing area",
    )
    .await;
    // What a hostile paste or a crafted post puts in the body; the title is left out, so the
    // server refuses the form and shows it again (form.submit() skips the browser's checks).
    editor
        .execute(
            "document.getElementById('title').value = '';\
             document.getElementById('body').value = arguments[0];\
             document.getElementById('article-form').submit();",
            vec![json!(
                "<p>安全的正文<strong>加粗</strong></p>\
                 <img src=\"/static/none.png\" onerror=\"document.title='pwned'\" alt=\"图\">\
                 <a href=\"javascript:document.title='pwned'\">脚本链接</a>\
                 <a href=\"https://www.gov.cn/\" onclick=\"document.title='pwned'\">中国政府网</a>\
                 <script>document.title='pwned'</script>\
                 <svg><script>document.title='pwned'</script></svg>\
                 <div style=\"position:fixed\" onmouseover=\"document.title='pwned'\">悬停</div>"
            )],
        )
        .await
        .or_fail("posting the hostile body");
    wait_for(&editor, "ul.form-error", "the refused form's errors").await;
    let rte = wait_for(&editor, "div#rte", "the editing area of the refused form").await;
    // Let the picture finish (its error event would fire by then).
    let start = Instant::now();
    loop {
        let done = editor
            .execute(
                "const i = document.querySelector('#rte img'); return !i || i.complete;",
                vec![],
            )
            .await
            .or_fail("waiting for the picture");
        if done == Value::Bool(true) || start.elapsed() > WAIT {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    screenshot(&editor, shots, "article-refused-form.png").await;
    let html = rte.html(true).await.or_fail("reading the editing area");
    for kept in [
        "安全的正文",
        "<strong>加粗</strong>",
        "alt=\"图\"",
        "href=\"https://www.gov.cn/\"",
        "悬停",
    ] {
        assert!(
            html.contains(kept),
            "the editing area should keep {kept}: {html}"
        );
    }
    for gone in [
        "onerror",
        "onclick",
        "onmouseover",
        "javascript:",
        "<script",
        "<svg",
        "style=",
    ] {
        assert!(
            !html.contains(gone),
            "the editing area must not hold {gone}: {html}"
        );
    }
    let title = editor.title().await.or_fail("reading the title");
    assert_ne!(title, "pwned", "markup from the refused body ran");
    close(editor, "the editor's").await;
}
