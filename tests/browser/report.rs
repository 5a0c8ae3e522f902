//! The reporting scenario: a town editor reports an item to its district, the district
//! reviewer adopts it, the public site shows its source and the ranking counts it (`rNN-…png`).

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_town_item_reported_to_its_district_is_adopted_shown_with_its_source_and_ranked_in_a_real_browser()
 {
    in_a_browser(
        &[
            ("hbjd.editor", TOWN, TenantRole::Editor),
            ("jb.reviewer", SITE, TenantRole::Reviewer),
        ],
        report_scenario,
    )
    .await;
}

async fn report_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    let console = format!("http://{}", app.addr);
    let title = format!("和平街道举办社区邻里节（浏览器测试 {}）", fastrand::u32(..));
    let body_text = "邻里节吸引居民三百余人参加，街道为老人送上义诊服务。";
    let channel = format!("街镇报送：{DISTRICT_NAME}·街镇动态");

    // The town editor signs in and reports a new item to the district.
    let town = driver.session().await;
    sign_in(&town, &console, "hbjd.editor", TOWN).await;
    screenshot(&town, shots, "r01-town-signed-in.png").await;

    let outbox = format!("{console}/console/sites/{TOWN}/reporting/");
    goto(&town, &outbox).await;
    wait_for(&town, "form#article-form", "the reporting form (信息报送)").await;
    let channels = find(&town, "select#channel_id", "the channel select").await;
    let offered = texts_within(&town, &channels, "option", "the channels offered").await;
    assert_eq!(
        offered,
        [channel.as_str()],
        "the town may send to its district only; {}",
        whereabouts(&town).await
    );
    let original = find(
        &town,
        "select#original_article",
        "the original-article select",
    )
    .await;
    let chosen = original
        .find(Locator::Css("option:checked"))
        .await
        .or_fail("finding the chosen original article")
        .text()
        .await
        .or_fail("reading the chosen original article");
    assert_eq!(chosen, "（新写一篇）", "a new item is written by default");
    find(&town, "input#title", "the title field")
        .await
        .send_keys(&title)
        .await
        .or_fail("typing the title");
    let rte = wait_for(&town, "div#rte .ProseMirror", "the rich-text editing area").await;
    assert!(
        rte.is_displayed()
            .await
            .or_fail("checking the editing area"),
        "rte.js should show the editor in #rte (and hide textarea#body); {}",
        whereabouts(&town).await
    );
    rte.click().await.or_fail("focusing the editing area");
    rte.send_keys(body_text)
        .await
        .or_fail("typing the body into the editing area");
    find(&town, "input#note", "the note field")
        .await
        .send_keys("附现场照片若干，可联系街道党政办。")
        .await
        .or_fail("typing the note");
    screenshot(&town, shots, "r02-town-form-filled.png").await;

    click(
        &town,
        "form#article-form button[type=submit]",
        "the 报送 button",
    )
    .await;
    expect_notice(&town, "已报送，可在下方查看处理进度。", "报送").await;
    let url = town.current_url().await.or_fail("reading the URL");
    assert_eq!(
        (url.path(), url.query()),
        (
            format!("/console/sites/{TOWN}/reporting/").as_str(),
            Some("notice=submitted_report")
        ),
        "after 报送: {url}"
    );
    let row = wait_for_located(
        &town,
        Locator::XPath(&format!("//table//tr[td[1][normalize-space()='{title}']]")),
        "the reported item in the town's list",
    )
    .await;
    let cells = texts_within(&town, &row, "td", "the item's cells").await;
    assert_eq!(
        (cells[1].as_str(), cells[3].as_str()),
        (DISTRICT_NAME, "待处理"),
        "the town's list shows the item sent to the district, pending; {}",
        whereabouts(&town).await
    );
    scroll_to(&town, &row, "the reported item in the town's list").await;
    screenshot(&town, shots, "r03-town-submitted.png").await;
    close(town, "the town editor's").await;

    // The district reviewer, in a fresh session, finds it in the inbox and adopts it.
    let board = driver.session().await;
    sign_in(&board, &console, "jb.reviewer", SITE).await;
    goto(
        &board,
        &format!("{console}/console/sites/{SITE}/reporting/inbox"),
    )
    .await;
    let row = wait_for_located(
        &board,
        Locator::XPath(&format!("//table//tr[td/a[normalize-space()='{title}']]")),
        "the reported item in the district's inbox",
    )
    .await;
    let cells = texts_within(&board, &row, "td", "the item's cells").await;
    assert_eq!(
        (cells[2].as_str(), cells[3].as_str(), cells[5].as_str()),
        (TOWN_NAME, channel.as_str(), "待处理"),
        "the inbox shows the town's pending item (报送单位, 渠道, 状态); {}",
        whereabouts(&board).await
    );
    let link = row
        .find(Locator::Css("a"))
        .await
        .or_fail("finding the item's title link");
    screenshot(&board, shots, "r04-district-inbox.png").await;
    bounded("clicking the item's title", link.click())
        .await
        .or_fail("clicking the item's title");
    let adopt = "form[action$='/adopt'] button[type=submit]";
    wait_for(&board, adopt, "the 采用 button on the item's page").await;
    let id = id_in_url(
        &board,
        &format!("/console/sites/{SITE}/reporting/"),
        None,
        "clicking the item's title in the inbox",
    )
    .await;
    assert_eq!(text_of(&board, adopt, "the adopt button").await, "采用");
    expect_state(&board, "待处理", "opening the item").await;
    let sender = text_of(
        &board,
        "table.meta-table tr:nth-child(1) td",
        "the item's sender",
    )
    .await;
    assert_eq!(sender, TOWN_NAME, "{}", whereabouts(&board).await);
    let column = find(&board, "select#column_id", "the adopt form's column select").await;
    let chosen = column
        .find(Locator::Css("option:checked"))
        .await
        .or_fail("finding the chosen column")
        .text()
        .await
        .or_fail("reading the chosen column");
    assert_eq!(chosen, "街镇动态", "the channel's column is preselected");
    screenshot(&board, shots, "r05-district-item.png").await;

    click(&board, adopt, "the 采用 button").await;
    expect_notice(&board, "已采用。", "采用").await;
    expect_state(&board, "已采用", "采用").await;
    id_in_url(
        &board,
        &format!("/console/sites/{SITE}/reporting/"),
        Some("notice=report_adopted"),
        "采用",
    )
    .await;
    let adopted = text_of(
        &board,
        &format!("a[href^='/sites/{SITE}/art/']"),
        "the link to the adopted article",
    )
    .await;
    let article = adopted
        .strip_prefix(&format!("/sites/{SITE}/art/"))
        .and_then(|a| a.strip_suffix(".html"))
        .filter(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("expected /sites/{SITE}/art/{{n}}.html, got {adopted}"))
        .to_owned();
    screenshot(&board, shots, "r06-district-adopted.png").await;
    println!("report {id} adopted as article {article}");

    // The district's public site lists it under 街镇动态 and shows where it came from.
    goto(&board, &public_url(app, SITE, "/col/jzdt/")).await;
    let listed = format!("ul.items a[href$='/art/{article}.html']");
    let entry = wait_for(
        &board,
        &listed,
        "the adopted item on the district's 街镇动态 list",
    )
    .await;
    let entry = entry.text().await.or_fail("reading the list entry");
    assert!(
        entry.contains(&title),
        "the list entry should carry the title; {}",
        whereabouts(&board).await
    );
    screenshot(&board, shots, "r07-public-list.png").await;

    click(&board, &listed, "the adopted item on the list").await;
    let h1 = wait_for(&board, "article.article h1", "the public article's title").await;
    assert_eq!(
        h1.text().await.or_fail("reading the public title"),
        title,
        "{}",
        whereabouts(&board).await
    );
    let url = board.current_url().await.or_fail("reading the URL");
    assert_eq!(
        (url.host_str(), url.path()),
        (
            Some(host(SITE).as_str()),
            format!("/art/{article}.html").as_str()
        ),
        "the list links to the adopted article on the district's host"
    );
    let meta = text_of(&board, "article.article p.meta", "the article's meta line").await;
    assert!(
        meta.contains(&format!("来源：{TOWN_NAME}")),
        "the article should show its source 来源：{TOWN_NAME}; {}",
        whereabouts(&board).await
    );
    let shown = text_of(&board, "article.article .body", "the public article's body").await;
    assert!(
        shown.contains(body_text),
        "the public body should hold the typed text; {}",
        whereabouts(&board).await
    );
    screenshot(&board, shots, "r08-public-article.png").await;

    // The district's ranking (this year by default) counts the item for the town.
    goto(
        &board,
        &format!("{console}/console/sites/{SITE}/reporting/ranking"),
    )
    .await;
    let heading = wait_for(&board, "section.block h2", "the ranking's heading").await;
    let year = (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y")
        .to_string();
    let heading = heading
        .text()
        .await
        .or_fail("reading the ranking's heading");
    assert_eq!(
        heading,
        format!("报送统计与排名（{year}）"),
        "defaults to this year"
    );
    let row = wait_for_located(
        &board,
        Locator::XPath(&format!(
            "//table[contains(@class,'ranking')]/tbody/tr[td[2][normalize-space()='{TOWN_NAME}']]"
        )),
        "the town's row in the ranking",
    )
    .await;
    let cells = texts_within(&board, &row, "td", "the town's figures").await;
    assert_eq!(
        (cells[0].as_str(), cells[2].as_str(), cells[3].as_str()),
        ("1", "1", "1"),
        "ranked first with 1 submitted and 1 adopted (排名, 报送, 采用); {}",
        whereabouts(&board).await
    );
    let bar = row
        .find(Locator::Css("svg.bar rect"))
        .await
        .or_fail("finding the town's bar (svg.bar)");
    let width: u32 = bar
        .attr("width")
        .await
        .or_fail("reading the bar's width")
        .and_then(|w| w.parse().ok())
        .unwrap_or_default();
    assert!(
        width > 0,
        "the town's bar shows its adoption; {}",
        whereabouts(&board).await
    );
    screenshot(&board, shots, "r09-district-ranking.png").await;
    close(board, "the district reviewer's").await;
}
