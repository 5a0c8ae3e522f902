//! The console drives the same steps: a draft from the form with the site's draft document
//! ticked as its attachment, published (the public page links the document), a stale step
//! refused; the API refuses another site's attachment.

use zq_domain::access::TenantRole;
use zq_tests::{PASSWORD, TestApp, hidden, hidden_csrf};

use super::page;

const DRAFT_PDF: &[u8] = b"%PDF-1.7\n%draft regulation text\n%%EOF";

pub(super) async fn console_flow(app: &TestApp) {
    app.account("cs.console", None, &[("jb", TenantRole::SiteAdmin)])
        .await;
    let who = zq_store::Who::default();
    let tenant = |code: &'static str| async move {
        let code = zq_domain::TenantCode::parse(code).unwrap();
        app.store.tenant_by_code(&code).await.unwrap().unwrap().id
    };
    let (jb, yx) = (tenant("jb").await, tenant("yx").await);
    let draft = app
        .store
        .store_attachment(jb, "物业管理条例（征求意见稿）.pdf", DRAFT_PDF, &who)
        .await
        .unwrap();
    let foreign = app
        .store
        .store_attachment(yx, "其他网站的文件.pdf", DRAFT_PDF, &who)
        .await
        .unwrap();
    let (_, session) = app.sign_in("cs.console", PASSWORD).await;
    let cookie = session.expect("session");
    let list = app
        .get_with(
            "127.0.0.1",
            "/console/sites/jb/consult",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    let tick = format!("attachment_{}", draft.id);
    assert!(
        list.body.contains(&format!("name=\"{tick}\""))
            && list.body.contains("物业管理条例（征求意见稿）.pdf"),
        "the site's documents are offered: {}",
        list.body
    );
    let csrf = hidden_csrf(&list.body);
    let refused = app
        .post_form(
            "127.0.0.1",
            "/console/sites/jb/consult",
            &[
                ("csrf", &csrf),
                ("kind", "interview"),
                ("title", "无嘉宾的访谈"),
                ("body", "x"),
                ("opens_at", "2026-11-10T09:00"),
                ("closes_at", "2026-11-10T10:00"),
            ],
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("请填写访谈嘉宾") && refused.body.contains("无嘉宾的访谈"),
        "typed text kept"
    );
    let made = app
        .post_form(
            "127.0.0.1",
            "/console/sites/jb/consult",
            &[
                ("csrf", &csrf),
                ("kind", "solicitation"),
                ("title", "控制台征集"),
                ("body", "<p>正文</p>"),
                ("opens_at", "2026-11-02T08:00"),
                ("closes_at", "2026-11-20T17:00"),
                (&tick, "on"),
            ],
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let at = made.header("location").unwrap().to_owned();
    let detail = app.get_with("127.0.0.1", &at, &[("cookie", &cookie)]).await;
    assert!(detail.body.contains("控制台征集") && detail.body.contains("审核通过并发布"));
    assert!(
        detail
            .body
            .contains(&format!("name=\"{tick}\" value=\"on\" checked")),
        "the edit form shows the document ticked: {}",
        detail.body
    );
    let path = at.split('?').next().unwrap();
    let version = hidden(&detail.body, "version");
    let published = app
        .post_form(
            "127.0.0.1",
            &format!("{path}/step"),
            &[("csrf", &csrf), ("version", &version), ("step", "publish")],
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(published.status, 303);
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    let public = page(app, "zhengji", id).await;
    assert_eq!(public.status, 200);
    assert!(
        public.body.contains("征求意见稿及相关附件"),
        "{}",
        public.body
    );
    let link = draft.public_path();
    assert!(public.body.contains(&link), "{}", public.body);
    let file = app.get(&zq_tests::host("jb"), &link).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.bytes, DRAFT_PDF);
    // Through the API another site's attachment is refused; the site's own is kept in order.
    let editor = app
        .token("cs.apieditor", None, Some(("jb", TenantRole::Editor)))
        .await;
    let (s, e) = app
        .api(
            &editor,
            "PUT",
            &format!("/api/v1/sites/jb/consultations/{id}"),
            Some(serde_json::json!({
                "kind": "solicitation", "title": "控制台征集", "body": "<p>正文</p>",
                "opens_at": "2026-11-02T08:00", "closes_at": "2026-11-20T17:00",
                "attachments": [draft.id, foreign.id],
            })),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert!(
        e.to_string().contains("所选附件不存在或不属于本网站"),
        "{e}"
    );
    let (_, c) = app
        .api(
            &editor,
            "GET",
            &format!("/api/v1/sites/jb/consultations/{id}"),
            None,
        )
        .await;
    assert_eq!(
        c["consultation"]["attachments"],
        serde_json::json!([draft.id]),
        "{c}"
    );
    let stale = app
        .post_form(
            "127.0.0.1",
            &format!("{path}/step"),
            &[("csrf", &csrf), ("version", &version), ("step", "end")],
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(
        stale.status, 409,
        "a step decided on an old version is refused"
    );
}
