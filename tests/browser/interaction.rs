//! A letter in a real browser: a citizen writes to the 江北区 district head's mailbox on a
//! phone-sized window and gets a query code; the district's admin accepts the letter and
//! transfers it to a town; the town's editor drafts the reply and the town's reviewer approves
//! it; the citizen reads the reply with the code and rates it; the district's public registry
//! (信件选登) shows it with its dates and the answering unit. Screenshots `cNN-…png`.

use std::path::Path;

use fantoccini::{Client, Locator};
use zq_domain::access::TenantRole;
use zq_tests::TestApp;

use super::{
    Chromedriver, OrFail, SITE, bounded, click, close, expect_notice, find, goto, in_a_browser,
    public_url, screenshot, scroll_to, sign_in, text_of, wait_for, wait_for_located, whereabouts,
};

/// The town the district hands the letter to.
const TOWN: &str = "jb-xhz";
const TOWN_NAME: &str = "江北区新河镇人民政府";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_letter_is_transferred_answered_approved_read_rated_and_published_in_a_real_browser()
 {
    in_a_browser(
        &[
            ("jb.admin", SITE, TenantRole::SiteAdmin),
            ("xhz.editor", TOWN, TenantRole::Editor),
            ("xhz.reviewer", TOWN, TenantRole::Reviewer),
        ],
        letter_scenario,
    )
    .await;
}

/// Clicks an element after scrolling it to the middle of the window, so that on a narrow
/// window nothing (the sticky header, the keyboard's resize) lies over it.
async fn press(c: &Client, css: &str, what: &str) {
    let e = find(c, css, what).await;
    scroll_to(c, &e, what).await;
    bounded(&format!("clicking {what}"), e.click())
        .await
        .or_fail(&format!("clicking {what}"));
}

async fn type_into(c: &Client, css: &str, text: &str, what: &str) {
    find(c, css, what)
        .await
        .send_keys(text)
        .await
        .or_fail(&format!("typing {what}"));
}

/// Opens the case titled `subject` from `code`'s inbox.
async fn open_case(c: &Client, console: &str, code: &str, subject: &str) {
    goto(c, &format!("{console}/console/sites/{code}/cases")).await;
    let link = wait_for_located(
        c,
        Locator::XPath(&format!("//table//a[text()='{subject}']")),
        &format!("the letter in {code}'s inbox"),
    )
    .await;
    bounded("opening the case", link.click())
        .await
        .or_fail("opening the case");
    wait_for(
        c,
        "table.personal",
        "the case page with the writer's masked details",
    )
    .await;
}

/// Submits the step form `step` of the open case (its button), optionally typing `text`.
async fn take_step(c: &Client, step: &str, text: Option<&str>) {
    let form = format!("form.case-step[action$='/{step}']");
    if let Some(t) = text {
        let area = find(
            c,
            &format!("{form} textarea"),
            &format!("the text of step {step}"),
        )
        .await;
        area.clear().await.or_fail("clearing the text");
        area.send_keys(t).await.or_fail("typing the text");
    }
    // The page may show a notice already: wait for the next page before reading its notice.
    let before = find(c, "body", "the case page").await;
    click(
        c,
        &format!("{form} button[type=submit]"),
        &format!("the {step} button"),
    )
    .await;
    bounded(&format!("leaving the page after {step}"), async {
        while before.text().await.is_ok() {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    })
    .await;
}

async fn letter_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    let console = format!("http://{}", app.addr);
    let subject = format!("滨江路路灯不亮（浏览器测试 {}）", fastrand::u32(..));
    let reply = "您好！经现场核实，滨江路路灯线路已于本周修复，现已恢复照明。感谢您的关注。";

    // The citizen writes on a phone-sized window.
    let citizen = driver.session().await;
    citizen
        .set_window_size(390, 900)
        .await
        .or_fail("sizing the window like a phone");
    goto(&citizen, &public_url(app, SITE, "/forms/letter")).await;
    wait_for(
        &citizen,
        "select#mailbox",
        "the letter form's mailbox select",
    )
    .await;
    let chosen = text_of(
        &citizen,
        "select#mailbox option:checked",
        "the chosen mailbox",
    )
    .await;
    assert_eq!(chosen, "区长信箱", "{}", whereabouts(&citizen).await);
    press(
        &citizen,
        "input[name=category][value=consultation]",
        "the 咨询 choice",
    )
    .await;
    type_into(&citizen, "input#subject", &subject, "the subject").await;
    type_into(
        &citizen,
        "textarea#content",
        "滨江路中段的路灯已经一周不亮，夜间出行不安全。",
        "the letter",
    )
    .await;
    // A photo of the lamp, chosen in the file input like a phone's picker does.
    let photo = shots.join("路灯照片.png");
    std::fs::write(&photo, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR a dark street lamp")
        .or_fail("writing the photo");
    find(&citizen, "input#attachment", "the file input")
        .await
        .send_keys(&photo.display().to_string())
        .await
        .or_fail("choosing the photo");
    type_into(&citizen, "input#name", "赵市民", "the name").await;
    type_into(&citizen, "input#phone", "13700001234", "the phone").await;
    press(&citizen, "input[name=publish]", "the consent to publish").await;
    screenshot(&citizen, shots, "c01-letter-filled.png").await;
    press(&citizen, "main form button[type=submit]", "提交来信").await;
    let code = wait_for(
        &citizen,
        ".query-code strong",
        "the query code after writing",
    )
    .await
    .text()
    .await
    .or_fail("reading the query code");
    assert_eq!(code.len(), 14, "a code like ABCD-EFGH-JKMN: {code}");
    let taken = text_of(&citizen, "table", "the case's facts").await;
    assert!(
        taken.contains("路灯照片.png"),
        "the photo was taken: {taken}"
    );
    screenshot(&citizen, shots, "c02-query-code.png").await;

    // The district accepts it and hands it to the town.
    let district = driver.session().await;
    sign_in(&district, &console, "jb.admin", SITE).await;
    open_case(&district, &console, SITE, &subject).await;
    let masked = text_of(&district, "table.personal", "the masked details").await;
    assert!(
        masked.contains("赵**") && !masked.contains("13700001234"),
        "{masked}"
    );
    let files = text_of(&district, "ul.case-files", "the letter's files").await;
    assert!(files.contains("路灯照片.png"), "{files}");
    take_step(&district, "accept", None).await;
    expect_notice(&district, "已办理，办理过程已记录。", "accepting").await;
    let to = find(&district, "select#to-transfer", "the receiving unit select").await;
    to.select_by_value(TOWN).await.or_fail("choosing the town");
    screenshot(&district, shots, "c03-district-transfers.png").await;
    take_step(&district, "transfer", Some("请新河镇核实并答复。")).await;
    expect_notice(&district, "已转办，事项已交承办单位办理。", "transferring").await;
    close(district, "the district admin's").await;

    // The town's editor accepts and drafts the reply.
    let editor = driver.session().await;
    sign_in(&editor, &console, "xhz.editor", TOWN).await;
    open_case(&editor, &console, TOWN, &subject).await;
    take_step(&editor, "accept", None).await;
    expect_notice(&editor, "已办理，办理过程已记录。", "the town accepting").await;
    take_step(&editor, "draft_reply", Some(reply)).await;
    expect_notice(&editor, "已办理，办理过程已记录。", "drafting the reply").await;
    screenshot(&editor, shots, "c04-town-drafted.png").await;
    close(editor, "the town editor's").await;

    // The town's reviewer approves it.
    let reviewer = driver.session().await;
    sign_in(&reviewer, &console, "xhz.reviewer", TOWN).await;
    open_case(&reviewer, &console, TOWN, &subject).await;
    let draft = text_of(&reviewer, ".reply.draft", "the draft to review").await;
    assert!(draft.contains("已恢复照明"), "{draft}");
    take_step(&reviewer, "approve_reply", None).await;
    expect_notice(&reviewer, "已办理，办理过程已记录。", "approving").await;
    screenshot(&reviewer, shots, "c05-town-approved.png").await;
    close(reviewer, "the town reviewer's").await;

    // The citizen reads the reply with the code and rates it.
    goto(&citizen, &public_url(app, SITE, "/forms/query")).await;
    type_into(&citizen, "input#code", &code, "the query code").await;
    press(&citizen, "main form button[type=submit]", "查询").await;
    let shown = wait_for(&citizen, ".reply", "the reply on the query page")
        .await
        .text()
        .await
        .or_fail("reading the reply");
    assert!(shown.contains("已恢复照明"), "{shown}");
    let status = text_of(&citizen, "table.case-status", "the case's dates").await;
    assert!(status.contains(TOWN_NAME), "answered by the town: {status}");
    press(&citizen, "input[name=rating][value='5']", "非常满意").await;
    screenshot(&citizen, shots, "c06-reply-read.png").await;
    press(
        &citizen,
        "form[action$='/forms/rate'] button[type=submit]",
        "提交评价",
    )
    .await;
    wait_for_located(
        &citizen,
        Locator::XPath("//p[contains(., '您的评价：非常满意')]"),
        "the rating shown back",
    )
    .await;

    // The district's registry shows it with its dates and the answering unit.
    goto(&citizen, &public_url(app, SITE, "/hudong/xinjian/")).await;
    let row = wait_for_located(
        &citizen,
        Locator::XPath(&format!(
            "//table[contains(@class,'registry')]//tr[.//a[text()='{subject}']]"
        )),
        "the letter in the registry",
    )
    .await;
    let cells = row.text().await.or_fail("reading the registry row");
    assert!(cells.contains(TOWN_NAME), "{cells}");
    press(&citizen, "table.registry a", "the letter's page").await;
    let page = wait_for(&citizen, "article.letter-page", "the letter's page").await;
    let text = page.text().await.or_fail("reading the letter's page");
    for label in [
        "来信日期",
        "受理日期",
        "答复日期",
        "答复单位",
        TOWN_NAME,
        "已恢复照明",
    ] {
        assert!(text.contains(label), "{label} in {text}");
    }
    assert!(
        !text.contains("赵市民") && !text.contains("13700001234"),
        "{text}"
    );
    screenshot(&citizen, shots, "c07-registry-letter.png").await;
    close(citizen, "the citizen's").await;
}
