//! Correcting a published article through review (修订, issue 16), in the console on both
//! databases: the correction is written, submitted, returned and approved while the published
//! text stays online; approval replaces it as a new version marked as a (minor) correction,
//! purges the cached page and leaves the anti-tampering fingerprint verifying; writers cannot
//! approve; a correction can be dropped; withdrawing an article keeps its open correction as
//! its text; drafts are edited in place, not corrected.

use zq_domain::access::TenantRole;
use zq_domain::{ArticleId, ArticleStatus, TenantId};
use zq_tests::{PASSWORD, Resp, TestApp, hidden, hidden_csrf, host, on_both_backends};

const EDITOR: &str = "jb.fixeditor";
const REVIEWER: &str = "jb.fixreviewer";

/// The editor's and the reviewer's session cookies.
async fn people(app: &TestApp) -> (String, String) {
    app.account(EDITOR, None, &[("jb", TenantRole::Editor)])
        .await;
    app.account(REVIEWER, None, &[("jb", TenantRole::Reviewer)])
        .await;
    let e = app
        .sign_in(EDITOR, PASSWORD)
        .await
        .1
        .expect("editor signed in");
    let r = app
        .sign_in(REVIEWER, PASSWORD)
        .await
        .1
        .expect("reviewer signed in");
    (e, r)
}

/// A published (or draft) article of jb in a list column.
async fn article(
    app: &TestApp,
    title: &str,
    body: &str,
    status: ArticleStatus,
) -> (TenantId, ArticleId) {
    let t = app
        .store
        .tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap())
        .await
        .unwrap()
        .unwrap();
    let column = app
        .store
        .columns(t.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.kind == zq_domain::ColumnKind::ArticleList && c.aggregates.is_none())
        .expect("a list column")
        .id;
    let a = zq_tests::NewArticle {
        column_id: column,
        body: body.into(),
        ..zq_tests::article(title, status)
    };
    (t.id, app.create_article(t.id, a).await.expect("article"))
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> Resp {
    app.get_with("127.0.0.1", path, &[("cookie", cookie)]).await
}

/// The correction form as the browser sends it: the page's hidden fields, the text, a button.
async fn send_revision(
    app: &TestApp,
    cookie: &str,
    id: ArticleId,
    title: &str,
    body: &str,
    extra: &[(&str, &str)],
) -> Resp {
    let url = format!("/console/sites/jb/articles/{id}/revision");
    let form = page(app, cookie, &url).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let (csrf, version) = (hidden_csrf(&form.body), hidden(&form.body, "version"));
    let column = column_of(app, id).await;
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("column_id", column.as_str()),
        ("title", title),
        ("body", body),
    ];
    fields.extend_from_slice(extra);
    app.post_multipart_with("127.0.0.1", &url, &fields, &[], &[("cookie", cookie)])
        .await
}

async fn step(
    app: &TestApp,
    cookie: &str,
    id: ArticleId,
    step: &str,
    comment: Option<&str>,
) -> Resp {
    let url = format!("/console/sites/jb/articles/{id}/revision");
    let csrf = hidden_csrf(&page(app, cookie, &url).await.body);
    let mut form = vec![("csrf", csrf.as_str())];
    if let Some(c) = comment {
        form.push(("comment", c));
    }
    app.post_form(
        "127.0.0.1",
        &format!("{url}/{step}"),
        &form,
        &[("cookie", cookie)],
    )
    .await
}

async fn public(app: &TestApp, id: ArticleId) -> Resp {
    app.get(&host("jb"), &format!("/art/{id}.html")).await
}

on_both_backends! {
    async fn a_published_article_is_corrected_through_review_while_the_old_text_stays_online(app: demo) {
        let (editor, reviewer) = people(app).await;
        let (tenant, id) = article(app, "区政府召开防汛工作会议", "<p>会议要求各街道在6月1日前完成检查。</p>", ArticleStatus::Published).await;
        let before = public(app, id).await;
        assert!(before.body.contains("6月1日前"), "{}", before.body);

        // The published article offers 修订; the correction starts from the published text.
        let shown = page(app, &editor, &format!("/console/sites/jb/articles/{id}")).await;
        assert!(shown.body.contains("修订（更正已发布内容）"), "{}", shown.body);
        let form = page(app, &editor, &format!("/console/sites/jb/articles/{id}/revision")).await;
        assert!(form.body.contains("6月1日前") && form.body.contains("保存并送审"));
        assert_eq!(hidden(&form.body, "version"), "0");

        // Saved and submitted: the site still shows the old text.
        let r = send_revision(app, &editor, id, "区政府召开防汛工作会议", "<p>会议要求各街道在5月25日前完成检查。</p>", &[("then", "submit")]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(r.header("location").unwrap().ends_with("/revision?notice=revision_submitted"));
        assert!(public(app, id).await.body.contains("6月1日前"), "online unchanged while in review");
        let a = app.store.editorial_article(tenant, id).await.unwrap();
        assert_eq!((a.state, a.version), (zq_domain::workflow::WorkflowState::Published, 1));

        // A second send of the same form (the back button) is refused, not applied twice.
        let again = send_stale(app, &editor, id, "0").await;
        assert_eq!(again.status, 409, "{}", again.body);
        assert!(again.body.contains("修订待审核"), "{}", again.body);

        // The reviewer finds it in 待审核 and sees what changes; the writer cannot approve.
        let queue = page(app, &reviewer, "/console/sites/jb/review").await;
        assert!(queue.body.contains("待审核的修订") && queue.body.contains(&format!("/articles/{id}/revision")), "{}", queue.body);
        let review = page(app, &reviewer, &format!("/console/sites/jb/articles/{id}/revision")).await;
        assert!(review.body.contains("+ ") && review.body.contains("5月25日前"), "the diff: {}", review.body);
        assert!(review.body.contains("审核通过并替换网站内容"));
        assert_eq!(step(app, &editor, id, "approve", None).await.status, 403);

        // Returned without a comment: refused; with one: back to the writer.
        let r = step(app, &reviewer, id, "return", None).await;
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(r.body.contains("请填写意见"), "{}", r.body);
        let r = step(app, &reviewer, id, "return", Some("请写明具体日期的依据")).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let back = page(app, &editor, &format!("/console/sites/jb/articles/{id}/revision")).await;
        assert!(back.body.contains("请写明具体日期的依据") && back.body.contains("修订已退回"));

        // Corrected again as a minor change, resubmitted, approved: online at once, as version 2.
        let r = send_revision(app, &editor, id, "区政府召开防汛工作会议", "<p>会议要求各街道在5月25日前（依据防汛预案）完成检查。</p>", &[("minor", "1"), ("then", "submit")]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = step(app, &reviewer, id, "approve", None).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(r.header("location").unwrap().ends_with(&format!("/articles/{id}?notice=revision_applied")));
        let now = public(app, id).await;
        assert!(now.body.contains("依据防汛预案") && !now.body.contains("6月1日前"), "{}", now.body);
        let a = app.store.editorial_article(tenant, id).await.unwrap();
        assert_eq!((a.state, a.version), (zq_domain::workflow::WorkflowState::Published, 2));
        assert!(app.store.article_revision(tenant, id).await.unwrap().is_none());
        let versions = app.store.article_versions(tenant, id).await.unwrap();
        assert_eq!(versions.len(), 2);
        assert!(versions[0].corrected && versions[0].minor, "{:?}", versions[0]);
        assert!(!versions[1].corrected);
        let history = page(app, &reviewer, &format!("/console/sites/jb/articles/{id}/versions")).await;
        assert!(history.body.contains("小修改"), "{}", history.body);

        // Anti-tampering still verifies the corrected text; every step is audited in Chinese.
        let check = app.store.article_fingerprint(tenant, id).await.unwrap().expect("published");
        assert!(check.intact(), "{check:?}");
        let log = app.store.audit_log(Some(tenant), 200).await.unwrap();
        let actions: Vec<&str> = log.iter().filter(|e| e.entry.object == format!("article:{id}")).map(|e| e.entry.action.as_str()).collect();
        for want in ["article.revise", "article.revision_submit", "article.revision_return", "article.revision_approve"] {
            assert!(actions.contains(&want), "{want} in {actions:?}");
            assert!(zq_domain::audit_label::knows(want), "{want}");
        }
    }

    async fn a_correction_can_be_dropped_and_a_withdrawal_keeps_an_open_one_as_the_text(app: demo) {
        let (editor, reviewer) = people(app).await;
        let (tenant, id) = article(app, "招聘公告", "<p>报名截止日期为3月1日。</p>", ArticleStatus::Published).await;

        // Dropped: nothing changes online or in the history.
        let r = send_revision(app, &editor, id, "招聘公告", "<p>报名截止日期为3月10日。</p>", &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(r.header("location").unwrap().ends_with("/revision?notice=revision_saved"));
        let shown = page(app, &editor, &format!("/console/sites/jb/articles/{id}")).await;
        assert!(shown.body.contains("有一份修订稿（修订稿）"), "{}", shown.body);
        let r = step(app, &editor, id, "discard", None).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(app.store.article_revision(tenant, id).await.unwrap().is_none());
        assert!(public(app, id).await.body.contains("3月1日"));
        assert_eq!(app.store.article_versions(tenant, id).await.unwrap().len(), 1);

        // Withdrawn while a correction is open: the correction becomes the withdrawn text.
        let r = send_revision(app, &editor, id, "招聘公告（更正）", "<p>报名截止日期为3月15日。</p>", &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let csrf = hidden_csrf(&page(app, &reviewer, &format!("/console/sites/jb/articles/{id}")).await.body);
        let r = app.post_form("127.0.0.1", &format!("/console/sites/jb/articles/{id}/withdraw"), &[("csrf", &csrf)], &[("cookie", &reviewer)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let a = app.store.editorial_article(tenant, id).await.unwrap();
        assert_eq!(a.state, zq_domain::workflow::WorkflowState::Withdrawn);
        assert_eq!((a.text.title.as_str(), a.version), ("招聘公告（更正）", 2));
        assert!(app.store.article_revision(tenant, id).await.unwrap().is_none());
        assert_eq!(public(app, id).await.status, 404, "withdrawn stays off the site");

        // A withdrawn (or draft) article is edited in place: 修订 leads back to the editor.
        let r = page(app, &editor, &format!("/console/sites/jb/articles/{id}/revision")).await;
        assert_eq!(r.status, 303);
        let r = send_stale(app, &editor, id, "0").await;
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(r.body.contains("请直接修改"), "{}", r.body);
    }
}

/// A correction form sent from a page opened earlier (at save count `version`).
async fn send_stale(app: &TestApp, cookie: &str, id: ArticleId, version: &str) -> Resp {
    let csrf = hidden_csrf(
        &page(app, cookie, &format!("/console/sites/jb/articles/{id}"))
            .await
            .body,
    );
    let column = column_of(app, id).await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("version", version),
        ("column_id", column.as_str()),
        ("title", "改"),
        ("body", "<p>改</p>"),
    ];
    app.post_multipart_with(
        "127.0.0.1",
        &format!("/console/sites/jb/articles/{id}/revision"),
        &fields,
        &[],
        &[("cookie", cookie)],
    )
    .await
}

/// The column of an article of jb, as the form's select sends it.
async fn column_of(app: &TestApp, id: ArticleId) -> String {
    let t = app
        .store
        .tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap())
        .await
        .unwrap()
        .unwrap();
    let a = app.store.editorial_article(t.id, id).await.unwrap();
    a.text.column_id.0.to_string()
}
