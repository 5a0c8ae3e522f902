//! The inspection scenario: the admin of the demo's stale site (海川市统计局, nothing published
//! for three weeks) signs in and sees the veto warning first, with its evidence on 网站检查;
//! writes and approves one article; the warning clears; the office's scorecard shows the site
//! passing (`iNN-…png`).

use zq_domain::access::ClusterRole;

use super::*;

const STALE: &str = "tjj";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_sites_admin_sees_the_veto_publishes_and_the_scorecard_clears_in_a_real_browser() {
    in_a_browser(
        &[("tjj.admin", STALE, TenantRole::SiteAdmin)],
        stale_site_scenario,
    )
    .await;
}

async fn stale_site_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    let console = format!("http://{}", app.addr);
    let admin = driver.session().await;
    sign_in(&admin, &console, "tjj.admin", STALE).await;
    let warning = text_of(
        &admin,
        "section[aria-labelledby=inspection-h]",
        "the inspection warnings on the start page",
    )
    .await;
    assert!(
        warning.contains("海川市统计局")
            && warning.contains("单项否决")
            && warning.contains("首页更新"),
        "{warning}"
    );
    screenshot(&admin, shots, "i01-start-page-warning.png").await;

    click(
        &admin,
        &format!("a[href='/console/sites/{STALE}/inspection']"),
        "the site's 网站检查 link",
    )
    .await;
    let table = text_of(&admin, "table.inspection", "the indicators").await;
    assert!(
        table.contains("首页更新") && table.contains("不达标") && table.contains("最近一次更新在"),
        "{table}"
    );
    screenshot(&admin, shots, "i02-indicators-evidence.png").await;

    // The admin writes one article and approves it.
    goto(
        &admin,
        &format!("{console}/console/sites/{STALE}/articles/new"),
    )
    .await;
    wait_for(&admin, "form#article-form", "the article editor's form").await;
    find(&admin, "select#column_id", "the column select")
        .await
        .select_by_index(0)
        .await
        .or_fail("choosing the first column");
    find(&admin, "input#title", "the title field")
        .await
        .send_keys("海川市统计局发布十一月份居民消费价格数据")
        .await
        .or_fail("typing the title");
    let rte = wait_for(&admin, "div#rte .ProseMirror", "the rich-text editing area").await;
    rte.click().await.or_fail("focusing the editing area");
    rte.send_keys("十一月份，全市居民消费价格同比上涨百分之零点八。")
        .await
        .or_fail("typing the body");
    click(
        &admin,
        "button[name=then][value=submit]",
        "the 保存并送审 button",
    )
    .await;
    expect_notice(&admin, "已保存并送审。", "保存并送审").await;
    click(
        &admin,
        "form[action$='/approve'] button[type=submit]",
        "the 审核通过 button",
    )
    .await;
    // The page before showed a notice too: wait for the approval's page first.
    wait_for_query(&admin, "notice=approved", "审核通过").await;
    expect_notice(&admin, "审核通过。", "审核通过").await;

    // The veto clears at once.
    goto(
        &admin,
        &format!("{console}/console/sites/{STALE}/inspection"),
    )
    .await;
    let row = text_of(
        &admin,
        "table.inspection tbody tr:first-child",
        "the home-page indicator",
    )
    .await;
    assert!(
        row.contains("首页更新") && row.contains("达标") && !row.contains("不达标"),
        "{row}"
    );
    let heading = text_of(&admin, "main h2, .block h2", "the verdict").await;
    assert!(heading.contains("合格"), "{heading}");
    screenshot(&admin, shots, "i03-cleared.png").await;
    close(admin, "the site admin's").await;

    // The office's scorecard shows the site passing.
    app.account("office.insp", Some(ClusterRole::ClusterAdmin), &[])
        .await;
    let office = driver.session().await;
    sign_in(&office, &console, "office.insp", STALE).await;
    goto(&office, &format!("{console}/console/admin/inspection")).await;
    let card = text_of(&office, "table.list", "the scorecard").await;
    let line = card
        .lines()
        .find(|l| l.contains("海川市统计局"))
        .unwrap_or_else(|| panic!("the stale site in {card}"))
        .to_owned();
    assert!(
        line.contains("合格") && !line.contains("单项否决"),
        "{line}"
    );
    screenshot(&office, shots, "i04-scorecard.png").await;
    close(office, "the office's").await;
}

/// Waits (up to 10 s) until the page's address has query `query`.
async fn wait_for_query(c: &Client, query: &str, after: &str) {
    for _ in 0..100 {
        let url = c.current_url().await.or_fail("reading the URL");
        if url.query() == Some(query) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "after {after}: the address never got ?{query}: {}",
        whereabouts(c).await
    );
}
