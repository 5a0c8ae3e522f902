//! Accounts that can be recovered, over HTTP on both databases: an account an admin created
//! must set its own password at its first sign-in, before any other console page; the office
//! resets a password (a temporary one, shown once; the account's sessions end; the old password
//! stops working; the account must change it again) and disables and enables an account; a
//! site admin does the same for its own site's accounts but not for an account with roles
//! elsewhere, nor for their own; the users page shows the last sign-in; every step is audited.

use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{PASSWORD, Resp, TestApp, hidden_csrf, on_both_backends};

async fn page(app: &TestApp, cookie: &str, path: &str) -> Resp {
    app.get_with("127.0.0.1", path, &[("cookie", cookie)]).await
}

async fn post(app: &TestApp, cookie: &str, path: &str, form: &[(&str, &str)]) -> Resp {
    app.post_form("127.0.0.1", path, form, &[("cookie", cookie)])
        .await
}

/// Changes the signed-in account's password on 修改密码; the new session's cookie.
async fn change_password(app: &TestApp, cookie: &str, current: &str, new: &str) -> String {
    let p = page(app, cookie, "/console/account/password").await;
    assert_eq!(p.status, 200);
    let csrf = hidden_csrf(&p.body);
    let r = post(
        app,
        cookie,
        "/console/account/password",
        &[
            ("csrf", &csrf),
            ("current", current),
            ("new", new),
            ("again", new),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("密码已修改"), "{}", r.body);
    zq_tests::cookie_of(&r, "zq_session")
        .expect("a fresh session")
        .1
}

/// The temporary password on the reset page.
fn temporary(body: &str) -> String {
    let at = body
        .find("<code class=\"secret\">")
        .expect("the temporary password")
        + 21;
    body[at..].split('<').next().unwrap().to_owned()
}

on_both_backends! {
    async fn an_account_made_by_an_admin_sets_its_own_password_first_and_the_office_can_reset_disable_and_enable_it(app: demo) {
        app.account("acc.office", Some(ClusterRole::ClusterAdmin), &[]).await;
        let office = app.sign_in("acc.office", PASSWORD).await.1.unwrap();
        let users = page(app, &office, "/console/admin/users").await;
        let csrf = hidden_csrf(&users.body);
        let initial = "Initial-Password-2026";
        let r = post(app, &office, "/console/admin/users", &[("csrf", &csrf), ("login", "acc.clerk"), ("display_name", "王书记员"), ("password", initial)]).await;
        assert_eq!(r.status, 303, "{}", r.body);

        // First sign-in: every console page leads to 修改密码 until it is changed.
        let (r, clerk) = app.sign_in("acc.clerk", initial).await;
        assert_eq!(r.status, 303);
        let clerk = clerk.unwrap();
        let home = page(app, &clerk, "/console/").await;
        assert_eq!((home.status, home.header("location")), (303, Some("/console/account/password")));
        let form = page(app, &clerk, "/console/account/password").await;
        assert!(form.body.contains("您的密码是管理员设置的"), "{}", form.body);
        let clerk = change_password(app, &clerk, initial, "Own-Chosen-Password-2026").await;
        assert_eq!(page(app, &clerk, "/console/").await.status, 200, "free to work now");

        // The users page shows the last sign-in.
        let users = page(app, &office, "/console/admin/users").await;
        let row = users.body.split("<tr>").find(|r| r.contains("acc.clerk")).unwrap();
        assert!(!row.contains("从未登录") && row.contains("重置密码"), "{row}");

        // The office resets the password: shown once, sessions end, the old password fails.
        let csrf = hidden_csrf(&users.body);
        let r = post(app, &office, "/console/admin/users/acc.clerk/reset-password", &[("csrf", &csrf)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("只显示这一次"));
        let temp = temporary(&r.body);
        assert_eq!(page(app, &clerk, "/console/").await.header("location"), Some("/console/login"), "signed out everywhere");
        assert_eq!(app.sign_in("acc.clerk", "Own-Chosen-Password-2026").await.0.status, 401);
        let (r, again) = app.sign_in("acc.clerk", &temp).await;
        assert_eq!(r.status, 303);
        let again = again.unwrap();
        assert_eq!(page(app, &again, "/console/").await.header("location"), Some("/console/account/password"));
        let again = change_password(app, &again, &temp, "Second-Own-Password-2026").await;

        // Disabled: signed out and refused; enabled: back.
        let r = post(app, &office, "/console/admin/users/acc.clerk/disable", &[("csrf", &csrf)]).await;
        assert_eq!((r.status, r.header("location")), (303, Some("/console/admin/users?notice=user_disabled")));
        assert_eq!(page(app, &again, "/console/").await.header("location"), Some("/console/login"));
        assert_eq!(app.sign_in("acc.clerk", "Second-Own-Password-2026").await.0.status, 401);
        let users = page(app, &office, "/console/admin/users?notice=user_disabled").await;
        assert!(users.body.contains("已停用该账号"));
        let r = post(app, &office, "/console/admin/users/acc.clerk/enable", &[("csrf", &csrf)]).await;
        assert_eq!(r.status, 303);
        assert_eq!(app.sign_in("acc.clerk", "Second-Own-Password-2026").await.0.status, 303);
        // Not on one's own account.
        let own = post(app, &office, "/console/admin/users/acc.office/disable", &[("csrf", &csrf)]).await;
        assert_eq!(own.status, 409, "{}", own.body);

        let log = app.store.audit_log(None, 200).await.unwrap();
        for action in ["user.create", "password.change", "password.reset", "user.disable", "user.enable"] {
            let row = log.iter().find(|r| r.entry.action == action && r.entry.object.contains("acc.clerk"));
            assert!(row.is_some(), "{action} audited");
        }
        let reset = log.iter().find(|r| r.entry.action == "password.reset").unwrap();
        assert_eq!(reset.entry.actor.as_ref().map(|(_, l)| l.as_str()), Some("acc.office"));
    }

    async fn a_site_admin_recovers_its_own_sites_accounts_only(app: demo) {
        app.account("acc.jbadmin", None, &[("jb", TenantRole::SiteAdmin)]).await;
        app.account("acc.jbeditor", None, &[("jb", TenantRole::Editor)]).await;
        app.account("acc.both", None, &[("jb", TenantRole::Editor), ("jn", TenantRole::Editor)]).await;
        let admin = app.sign_in("acc.jbadmin", PASSWORD).await.1.unwrap();
        let users = page(app, &admin, "/console/sites/jb/users").await;
        assert!(users.body.contains("/console/sites/jb/users/acc.jbeditor/reset-password"));
        let csrf = hidden_csrf(&users.body);
        let r = post(app, &admin, "/console/sites/jb/users/acc.jbeditor/reset-password", &[("csrf", &csrf)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let temp = temporary(&r.body);
        assert_eq!(app.sign_in("acc.jbeditor", &temp).await.0.status, 303);
        let r = post(app, &admin, "/console/sites/jb/users/acc.both/disable", &[("csrf", &csrf)]).await;
        assert_eq!(r.status, 403, "an account with a role on another site");
        assert!(r.body.contains("请联系集群管理员"), "{}", r.body);
        let r = post(app, &admin, "/console/sites/jb/users/acc.jbadmin/reset-password", &[("csrf", &csrf)]).await;
        assert_eq!(r.status, 409, "not one's own");
        // Another site's account is not found from here.
        app.account("acc.jneditor", None, &[("jn", TenantRole::Editor)]).await;
        let r = post(app, &admin, "/console/sites/jb/users/acc.jneditor/disable", &[("csrf", &csrf)]).await;
        assert_eq!(r.status, 404);
        assert_eq!(app.sign_in("acc.jneditor", PASSWORD).await.0.status, 303, "untouched");
    }
}
