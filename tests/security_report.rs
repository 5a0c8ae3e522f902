//! The security report (issue 15, deliver 6): the office and operators read the cluster's,
//! a site's administrators read their site's (others may not): second-factor coverage of the
//! accounts whose roles require it, failed sign-ins of the site's accounts, administrative
//! actions, certificates, and the integrity scan's and the scheduled backup's last runs. On
//! both databases.

use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{Backend, DemoOptions, PASSWORD, Setup, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_security_report_shows_coverage_failures_and_admin_actions_to_those_allowed() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::setup(Setup {
            backend: Some(backend),
            demo: Some(DemoOptions {
                news_articles: 1,
                seed: 3,
            }),
            env: vec![(
                "ZQ_SECURITY__SECOND_FACTOR_ROLES".into(),
                "site_admin".into(),
            )],
            ..Default::default()
        })
        .await;
        app.account("jb.boss", None, &[("jb", TenantRole::SiteAdmin)])
            .await;
        app.account("jb.writer", None, &[("jb", TenantRole::Editor)])
            .await;
        app.account("sec.office", Some(ClusterRole::ClusterAdmin), &[])
            .await;
        // Two wrong passwords for jb.boss, one for someone of another site.
        for login in ["jb.boss", "jb.boss", "nobody.else"] {
            let (r, _) = app.sign_in(login, "Wrong-password-123").await;
            assert_ne!(r.status, 303);
        }
        // An administrative action through the API.
        let office = app
            .token("sec.token", Some(ClusterRole::ClusterAdmin), None)
            .await;
        let (s, _) = app
            .api(
                &office,
                "PUT",
                "/api/v1/sites/jb/users/jb.writer/roles/reviewer",
                None,
            )
            .await;
        assert_eq!(s, 204);

        let (_, cookie) = app.sign_in("sec.office", PASSWORD).await;
        let cookie = cookie.expect("the office signs in");
        let site = app
            .get_with(
                "127.0.0.1",
                "/console/sites/jb/security",
                &[("cookie", &cookie)],
            )
            .await;
        assert_eq!(site.status, 200, "{}", site.body);
        let b = &site.body;
        assert!(
            b.contains("须使用双因素认证的账号 1 个，已启用 0 个"),
            "{b}"
        );
        assert!(b.contains("jb.boss") && b.contains("须启用，尚未启用"));
        assert!(
            b.contains("登录失败：24 小时内 2 次，7 天内 2 次"),
            "only this site's accounts: {b}"
        );
        assert!(
            b.contains("授予角色") && b.contains("账号 jb.writer（审核）"),
            "{b}"
        );
        // The scan runs on the clock's 10-minute marks: not yet, or once with its time.
        assert!(
            b.contains("防篡改扫描：尚未运行") || b.contains("防篡改扫描：最近一次"),
            "{b}"
        );
        assert!(b.contains("仅限 HTTPS：未开启"));

        let cluster = app
            .get_with(
                "127.0.0.1",
                "/console/admin/security",
                &[("cookie", &cookie)],
            )
            .await;
        assert_eq!(cluster.status, 200, "{}", cluster.body);
        assert!(
            cluster.body.contains("登录失败：24 小时内 3 次"),
            "{}",
            cluster.body
        );
        assert!(cluster.body.contains("sec.office"));

        // An operator reads the cluster's; an editor reads neither.
        let ops = app.operator_cookie("sec.ops").await;
        let r = app
            .get_with("127.0.0.1", "/console/admin/security", &[("cookie", &ops)])
            .await;
        assert_eq!(r.status, 200);
        let (_, writer) = app.sign_in("jb.writer", PASSWORD).await;
        let writer = writer.expect("signs in");
        for path in ["/console/admin/security", "/console/sites/jb/security"] {
            let r = app
                .get_with("127.0.0.1", path, &[("cookie", &writer)])
                .await;
            assert!(r.status == 403 || r.status == 404, "{path}: {}", r.status);
        }
        app.finish().await;
    }
}
