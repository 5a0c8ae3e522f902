//! Bulk actions in 信息管理 in Chromium (`lNN-…png`): an editor narrows the list with the search
//! form, ticks 全选本页 (every box of the page ticks), chooses 送审 and sends; every article is
//! submitted and the list says so, with the search kept.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_submits_every_article_found_with_one_tick_in_a_real_browser() {
    in_a_browser(&[("jb.brbulk", SITE, TenantRole::Editor)], bulk_scenario).await;
}

async fn bulk_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    let console = format!("http://{}", app.addr);
    let (tenant, column) = app.column(SITE, "tzgg").await;
    for title in [
        "批量浏览器甲：防汛值班",
        "批量浏览器乙：防汛物资",
        "批量浏览器丙：防汛演练",
    ] {
        let mut a = zq_tests::article(title, zq_domain::ArticleStatus::Draft);
        a.column_id = column;
        app.create_article(tenant, a)
            .await
            .or_fail("storing a draft");
    }
    let c = driver.session().await;
    sign_in(&c, &console, "jb.brbulk", SITE).await;
    goto(
        &c,
        &format!("{console}/console/sites/{SITE}/?q=%E6%89%B9%E9%87%8F%E6%B5%8F%E8%A7%88%E5%99%A8"),
    )
    .await;
    let boxes = c
        .find_all(Locator::Css("input[name=ids]"))
        .await
        .or_fail("the articles' check boxes");
    assert_eq!(boxes.len(), 3, "the search found the three drafts");
    click(&c, "input[data-select-all=ids]", "全选本页").await;
    for b in &boxes {
        assert!(
            b.is_selected().await.or_fail("reading a check box"),
            "全选本页 ticks every box"
        );
    }
    find(&c, "select#bulk-action", "the bulk action")
        .await
        .select_by_value("submit")
        .await
        .or_fail("choosing 送审");
    screenshot(&c, shots, "l01-editor-ticks-every-draft-found.png").await;
    click(&c, "#bulk-form button[type=submit]", "执行").await;
    let said = text_containing(
        &c,
        ".bulk-result",
        "已送审",
        "the outcome of the bulk action",
    )
    .await;
    assert!(said.contains("已送审 3 条信息。"), "{said}");
    let states = c
        .find_all(Locator::Css("span.state-pending_review"))
        .await
        .or_fail("the states in the list");
    assert_eq!(states.len(), 3, "every draft is now 待审核");
    let search = find(&c, "input#s-q", "the search box")
        .await
        .prop("value")
        .await
        .or_fail("reading the search box");
    assert_eq!(search.as_deref(), Some("批量浏览器"), "the search is kept");
    screenshot(&c, shots, "l02-all-submitted.png").await;
    close(c, "the editor's").await;
}
