//! Correcting a published article in Chromium (`fNN-…png`): the editor opens 修订 on a
//! published article, adds a sentence in the rich-text editor and submits the correction; the
//! public page still shows the old text; the reviewer finds the correction in 待审核, sees the
//! added sentence in the comparison with the online version, approves it, and the public page
//! shows the corrected text, which the version history marks as a correction.

use zq_domain::ArticleStatus;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_corrects_a_published_article_while_the_old_version_stays_online_in_a_real_browser()
 {
    in_a_browser(
        &[
            ("jb.brfixer", SITE, TenantRole::Editor),
            ("jb.brchecker", SITE, TenantRole::Reviewer),
        ],
        revision_scenario,
    )
    .await;
}

async fn revision_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    let console = format!("http://{}", app.addr);
    let (tenant, column) = app.column(SITE, "tzgg").await;
    let mut a = zq_tests::article("关于调整办事大厅开放时间的通知", ArticleStatus::Published);
    a.column_id = column;
    a.body = "<p>自即日起，办事大厅周六上午开放。</p>".into();
    let id = app
        .create_article(tenant, a)
        .await
        .or_fail("storing the published article");
    let public = public_url(app, SITE, &format!("/art/{id}.html"));
    let added = "开放时间为九时至十二时。";

    // The editor writes the correction and sends it for review.
    let editor = driver.session().await;
    sign_in(&editor, &console, "jb.brfixer", SITE).await;
    goto(
        &editor,
        &format!("{console}/console/sites/{SITE}/articles/{id}"),
    )
    .await;
    click(
        &editor,
        &format!("a[href='/console/sites/{SITE}/articles/{id}/revision']"),
        "修订（更正已发布内容）",
    )
    .await;
    let rte = wait_for(
        &editor,
        "div#rte .ProseMirror",
        "the editing area of the correction",
    )
    .await;
    rte.send_keys(added)
        .await
        .or_fail("typing the added sentence");
    screenshot(&editor, shots, "f01-editor-writes-the-correction.png").await;
    click(&editor, "button[name=then][value=submit]", "保存并送审").await;
    expect_notice(
        &editor,
        "修订稿已送审；审核通过前线上仍是原来的版本。",
        "submitting the correction",
    )
    .await;
    expect_state(&editor, "修订待审核", "submitting the correction").await;
    screenshot(&editor, shots, "f02-correction-in-review.png").await;

    // The site still shows what was approved.
    goto(&editor, &public).await;
    let body = text_of(&editor, "main", "the public article").await;
    assert!(
        body.contains("周六上午开放") && !body.contains(added),
        "{body}"
    );
    close(editor, "the editor's").await;

    // The reviewer finds it, sees the change, approves it.
    let reviewer = driver.session().await;
    sign_in(&reviewer, &console, "jb.brchecker", SITE).await;
    goto(&reviewer, &format!("{console}/console/sites/{SITE}/review")).await;
    click(
        &reviewer,
        &format!("a[href='/console/sites/{SITE}/articles/{id}/revision']"),
        "the correction in 待审核的修订",
    )
    .await;
    let diff = text_of(
        &reviewer,
        "pre.diff",
        "the comparison with the online version",
    )
    .await;
    assert!(diff.contains(added), "{diff}");
    screenshot(&reviewer, shots, "f03-reviewer-sees-the-change.png").await;
    click(
        &reviewer,
        &format!("form[action='/console/sites/{SITE}/articles/{id}/revision/approve'] button"),
        "审核通过并替换网站内容",
    )
    .await;
    expect_notice(
        &reviewer,
        "修订已发布：线上已更新为新版本，版本历史中记为修订。",
        "approving the correction",
    )
    .await;
    screenshot(&reviewer, shots, "f04-correction-approved.png").await;
    goto(&reviewer, &public).await;
    let body = text_of(&reviewer, "main", "the corrected public article").await;
    assert!(body.contains(added), "{body}");
    screenshot(&reviewer, shots, "f05-public-page-corrected.png").await;
    goto(
        &reviewer,
        &format!("{console}/console/sites/{SITE}/articles/{id}/versions"),
    )
    .await;
    let history = text_of(&reviewer, "main table", "the version history").await;
    assert!(history.contains("修订"), "{history}");
    close(reviewer, "the reviewer's").await;
}
