//! No lost work, in Chromium: an editor writing an article is interrupted by the end of the
//! session (here: every session of the account ended, as an expiry would), presses 保存并送审
//! anyway, signs in again and finds the title and the body filled back on the form; a double
//! click on 保存并送审 then makes one article, not two (`lNN-…png`).

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_loses_nothing_to_an_expired_session_and_a_double_click_submits_once() {
    in_a_browser(
        &[("jb.keeper", SITE, TenantRole::Editor)],
        no_lost_work_scenario,
    )
    .await;
}

async fn no_lost_work_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    let console = format!("http://{}", app.addr);
    let title = format!("会话过期也不丢的信息（浏览器测试 {}）", fastrand::u32(..));
    let body_text = "这段正文在登录过期后依然保留。";
    let c = driver.session().await;
    sign_in(&c, &console, "jb.keeper", SITE).await;
    goto(&c, &format!("{console}/console/sites/{SITE}/articles/new")).await;
    wait_for(&c, "form#article-form", "the article editor's form").await;
    find(&c, "input#title", "the title field")
        .await
        .send_keys(&title)
        .await
        .or_fail("typing the title");
    let rte = wait_for(&c, "div#rte .ProseMirror", "the rich-text editing area").await;
    rte.click().await.or_fail("focusing the editing area");
    rte.send_keys(body_text).await.or_fail("typing the body");
    screenshot(&c, shots, "l01-form-filled.png").await;

    // The session ends while the form is open.
    let login = zq_domain::security::LoginName::parse("jb.keeper").or_fail("the login");
    let user = app
        .store
        .user_by_login(&login)
        .await
        .or_fail("reading the account")
        .expect("the account");
    app.state()
        .sessions()
        .delete_user(user.id)
        .await
        .or_fail("ending the account's sessions");

    click(
        &c,
        "button[name=then][value=submit]",
        "the 保存并送审 button",
    )
    .await;
    wait_for(
        &c,
        "input#login",
        "the sign-in page after the session ended",
    )
    .await;
    let said = text_of(&c, "main .notice", "the sign-in page's notice").await;
    assert!(said.contains("您刚才提交的内容已经保存"), "{said}");
    screenshot(&c, shots, "l02-sign-in-kept.png").await;
    submit_sign_in(&c, "jb.keeper").await;

    // Back on the form, filled back.
    wait_for_located(
        &c,
        Locator::XPath(
            "//form[@id='article-form']/p[contains(@class,'notice') and contains(., '已恢复')]",
        ),
        "the restored notice on the editor",
    )
    .await;
    let typed: Value = bounded(
        "reading the form",
        c.execute(
            "return [document.getElementById('title').value, document.getElementById('rte').innerText];",
            vec![],
        ),
    )
    .await
    .or_fail("reading the form");
    assert_eq!(typed[0].as_str(), Some(title.as_str()), "the title is back");
    assert!(
        typed[1].as_str().unwrap_or_default().contains(body_text),
        "the body is back: {typed}"
    );
    screenshot(&c, shots, "l03-form-restored.png").await;

    // A double click on 保存并送审: one article.
    bounded(
        "double-clicking 保存并送审",
        c.execute(
            "var b = document.querySelector('button[name=then][value=submit]'); b.click(); b.click(); return true;",
            vec![],
        ),
    )
    .await
    .or_fail("double-clicking 保存并送审");
    expect_notice(&c, "已保存并送审。", "保存并送审").await;
    screenshot(&c, shots, "l04-submitted-once.png").await;
    let t = app
        .store
        .tenant_by_code(&zq_domain::TenantCode::parse(SITE).or_fail("the code"))
        .await
        .or_fail("reading the site")
        .expect("the site");
    let (items, _) = app
        .store
        .editorial_list(t.id, None, 500, 0)
        .await
        .or_fail("listing the articles");
    assert_eq!(
        items.iter().filter(|a| a.title == title).count(),
        1,
        "one article despite the double click"
    );
    close(c, "the editor's").await;
}
