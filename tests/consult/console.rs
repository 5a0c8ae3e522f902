//! The console drives the same steps: a draft from the form, published, a stale step refused.

use zq_domain::access::TenantRole;
use zq_tests::{PASSWORD, TestApp, hidden, hidden_csrf};

use super::page;

pub(super) async fn console_flow(app: &TestApp) {
    app.account("cs.console", None, &[("jb", TenantRole::SiteAdmin)])
        .await;
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
            ],
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let at = made.header("location").unwrap().to_owned();
    let detail = app.get_with("127.0.0.1", &at, &[("cookie", &cookie)]).await;
    assert!(detail.body.contains("控制台征集") && detail.body.contains("审核通过并发布"));
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
    assert_eq!(page(app, "zhengji", id).await.status, 200);
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
