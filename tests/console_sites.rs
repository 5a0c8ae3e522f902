//! New sites from the console, on both databases: the office picks the parent from a list,
//! starts the site in 筹建 (not public: 404, not in the cluster directory) with the column tree
//! of a site it chooses as template (no content), and puts it online when it is ready (audited
//! as 站点上线); an empty 域名 gets `{code}.{cluster domain}`; the API's sites start online.

use zq_domain::access::ClusterRole;
use zq_tests::{PASSWORD, hidden_csrf, on_both_backends};

on_both_backends! {
    async fn a_new_site_is_built_in_preparation_from_a_template_and_goes_online_when_the_office_says(app: demo) {
        app.account("sites.office", Some(ClusterRole::ClusterAdmin), &[]).await;
        let office = app.sign_in("sites.office", PASSWORD).await.1.unwrap();
        let h = [("cookie", office.as_str())];
        let page = app.get_with("127.0.0.1", "/console/admin/tenants", &h).await;
        assert!(page.body.contains("<option value=\"www\">"), "the parent is chosen from a list");
        let csrf = hidden_csrf(&page.body);
        let once = zq_tests::hidden(&page.body, "once");
        let r = app.post_form("127.0.0.1", "/console/admin/tenants", &[
            ("csrf", &csrf), ("once", &once), ("code", "csxz"), ("kind", "department"), ("parent", "www"),
            ("name", "海川市测试局"), ("sponsor", "海川市测试局"), ("hosts", ""), ("template", "fgw"), ("preparing", "on"),
        ], &h).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let code = zq_domain::TenantCode::parse("csxz").unwrap();
        let t = app.store.tenant_by_code(&code).await.unwrap().expect("created");
        assert_eq!(t.status, zq_domain::TenantStatus::Preparing);
        assert_eq!(t.hosts[0].as_str(), "csxz.haichuan.localhost", "the default host name");
        let fgw = app.store.tenant_by_code(&zq_domain::TenantCode::parse("fgw").unwrap()).await.unwrap().unwrap();
        let slugs = |cols: Vec<zq_store::Column>| {
            let mut v: Vec<String> = cols.into_iter().map(|c| c.slug.as_str().to_owned()).collect();
            v.sort();
            v
        };
        let template = slugs(app.store.columns(fgw.id).await.unwrap());
        assert!(!template.is_empty());
        assert_eq!(slugs(app.store.columns(t.id).await.unwrap()), template, "the template's column tree");
        assert_eq!(app.store.count_articles(t.id).await.unwrap(), 0, "no content copied");

        // Not public while it is built.
        assert_eq!(app.get("127.0.0.1", "/sites/csxz/").await.status, 404);
        assert!(!app.get("127.0.0.1", "/sites/www/zhanqun/").await.body.contains("海川市测试局"));
        let page = app.get_with("127.0.0.1", "/console/admin/tenants", &h).await;
        let row = page.body.split("<tr>").find(|r| r.contains("海川市测试局")).unwrap();
        assert!(row.contains("筹建中") && row.contains("上线"), "{row}");

        // Online when the office says so.
        let r = app.post_form("127.0.0.1", "/console/admin/tenants/csxz/status", &[("csrf", &csrf), ("status", "active")], &h).await;
        assert_eq!(r.status, 303, "{}", r.body);
        app.reload().await;
        assert_eq!(app.get("127.0.0.1", "/sites/csxz/").await.status, 200);
        let log = app.get_with("127.0.0.1", "/console/admin/audit?kind=tenant", &h).await;
        assert!(log.body.contains("站点上线"), "{}", log.body);
        // A site online does not go back to 筹建.
        let r = app.post_form("127.0.0.1", "/console/admin/tenants/csxz/status", &[("csrf", &csrf), ("status", "preparing"), ("reason", "x")], &h).await;
        assert!(matches!(r.status, 409 | 422), "{}", r.status);

        // The API's sites start online, as before.
        let token = app.token("sites.api", Some(ClusterRole::ClusterAdmin), None).await;
        let (s, v) = app.api(&token, "POST", "/api/v1/sites", Some(serde_json::json!({
            "code": "csapi", "kind": "department", "parent": "www", "name": "接口测试局", "sponsor": "接口测试局",
            "hosts": ["csapi.haichuan.localhost"]
        }))).await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["status"], "active");
    }
}
