//! The 工作台 and account recovery in Chromium (`dNN-…png`): a weekly column left 20 days
//! shows under 栏目更新提醒 on the office's 工作台 and on the site admin's, with a 写信息 link
//! into it; the office resets an editor's password (the temporary one shown once), and the
//! editor, signing in with it, must set a new password before reaching the 工作台.

use zq_domain::ArticleStatus;
use zq_domain::access::ClusterRole;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_shows_an_overdue_column_and_a_reset_password_must_be_changed_in_a_real_browser() {
    in_a_browser(
        &[
            ("jb.deskboss", SITE, TenantRole::SiteAdmin),
            ("jb.forgetful", SITE, TenantRole::Editor),
        ],
        desk_scenario,
    )
    .await;
}

async fn desk_scenario(app: &TestApp, driver: &Chromedriver, shots: &Path) {
    let console = format!("http://{}", app.addr);
    app.account("desk.office", Some(ClusterRole::ClusterAdmin), &[])
        .await;
    // A weekly column whose one article went out 20 days ago.
    let admin = app
        .token("jb.colmaker", None, Some((SITE, TenantRole::SiteAdmin)))
        .await;
    let (s, c) = app
        .api(
            &admin,
            "POST",
            &format!("/api/v1/sites/{SITE}/columns"),
            Some(json!({
                "slug": "llq-zq", "name": "浏览器周更栏目", "kind": "article_list",
                "update_requirement": "weekly", "responsible_unit": "区政府办", "sort_order": 95
            })),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let (tenant, column) = app.column(SITE, "llq-zq").await;
    let mut last = zq_tests::article("周更栏目的上一条", ArticleStatus::Published);
    last.column_id = column;
    last.published_at = Some(chrono::Utc::now() - chrono::Duration::days(20));
    app.create_article(tenant, last)
        .await
        .or_fail("storing the column's article");
    let row = "//tr[@class='duty'][td[contains(., '浏览器周更栏目')]]";

    // The office's 工作台.
    let office = driver.session().await;
    sign_in(&office, &console, "desk.office", "www").await;
    let line = wait_for_located(
        &office,
        Locator::XPath(row),
        "the overdue column on the office's 工作台",
    )
    .await;
    let text = line.text().await.or_fail("reading the column's line");
    assert!(text.contains("已 20 天未更新"), "{text}");
    screenshot(&office, shots, "d01-office-desk.png").await;

    // The site admin's, with the link to write into the column.
    let boss = driver.session().await;
    sign_in(&boss, &console, "jb.deskboss", SITE).await;
    wait_for_located(
        &boss,
        Locator::XPath(row),
        "the overdue column on the site admin's 工作台",
    )
    .await;
    let link = format!(
        "a[href='/console/sites/{SITE}/articles/new?column={}']",
        column.0
    );
    click(&boss, &link, "写信息 into the overdue column").await;
    wait_for(
        &boss,
        "form#article-form",
        "the editor opened on the column",
    )
    .await;
    screenshot(&boss, shots, "d02-site-admin-writes-into-the-column.png").await;
    close(boss, "the site admin's").await;

    // The office resets the editor's password.
    goto(&office, &format!("{console}/console/admin/users")).await;
    click(
        &office,
        "form[action='/console/admin/users/jb.forgetful/reset-password'] button",
        "重置密码 for jb.forgetful",
    )
    .await;
    let temporary = text_of(&office, "code.secret", "the temporary password").await;
    screenshot(&office, shots, "d03-office-reset-password.png").await;
    close(office, "the office's").await;

    // The editor signs in with it and must choose a new password first.
    let editor = driver.session().await;
    goto(&editor, &format!("{console}/console/login")).await;
    let field = wait_for(&editor, "input#login", "the sign-in form").await;
    field
        .send_keys("jb.forgetful")
        .await
        .or_fail("typing the login");
    find(&editor, "input#password", "the password field")
        .await
        .send_keys(&temporary)
        .await
        .or_fail("typing the temporary password");
    click(&editor, "form button[type=submit]", "登录").await;
    let said = text_of(&editor, "main .notice", "why the password must change").await;
    assert!(said.contains("管理员设置的"), "{said}");
    screenshot(&editor, shots, "d04-editor-must-change.png").await;
    for (field, value) in [
        ("input#current", temporary.as_str()),
        ("input#new", "Own-Browser-Password-2026"),
        ("input#again", "Own-Browser-Password-2026"),
    ] {
        find(&editor, field, field)
            .await
            .send_keys(value)
            .await
            .or_fail("typing a password");
    }
    click(
        &editor,
        "form[action='/console/account/password'] button[type=submit]",
        "修改密码",
    )
    .await;
    let done = text_containing(
        &editor,
        "main .notice",
        "密码已修改",
        "the change confirmed",
    )
    .await;
    assert!(done.contains("密码已修改"), "{done}");
    goto(&editor, &format!("{console}/console/")).await;
    wait_for(&editor, "h1.desk-title", "the 工作台 after the change").await;
    screenshot(&editor, shots, "d05-editor-desk.png").await;
    close(editor, "the editor's").await;
}
