//! Administration over the API and the console: the general office creates, suspends, resumes
//! and archives tenants; site admins manage their own site's accounts and column tree; every
//! change is audited; the OpenAPI document describes routes that exist. On SQLite and
//! PostgreSQL.

use serde_json::{Value, json};
use zq_domain::access::{ClusterRole, TenantRole, TokenScope};
use zq_store::Who;
use zq_tests::{PASSWORD, TestApp, hidden_csrf, host, on_both_backends};

/// An account with one role and an API token for it.
async fn token(
    app: &TestApp,
    login: &str,
    cluster: Option<ClusterRole>,
    site: Option<(&str, TenantRole)>,
) -> String {
    let bindings: Vec<(&str, TenantRole)> = site.into_iter().collect();
    let u = app.account(login, cluster, &bindings).await;
    let scope = match (cluster, site) {
        (Some(c), _) => TokenScope::Cluster(c),
        (None, Some((code, r))) => {
            let t = app
                .store
                .tenant_by_code(&zq_domain::TenantCode::parse(code).unwrap())
                .await
                .unwrap()
                .unwrap();
            TokenScope::Tenant(t.id, r)
        }
        (None, None) => panic!("a role is needed"),
    };
    app.store
        .create_api_token(u.id, scope, "admin test", None, &Who::default())
        .await
        .unwrap()
        .1
}

async fn api(
    app: &TestApp,
    secret: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let auth = format!("Bearer {secret}");
    let mut h = vec![("authorization", auth.as_str())];
    if body.is_some() {
        h.push(("content-type", "application/json"));
    }
    let r = app
        .call(
            method,
            &host("www"),
            path,
            &h,
            body.map(|b| b.to_string()).unwrap_or_default(),
        )
        .await;
    let v = if r.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&r.body).unwrap_or(Value::String(r.body.clone()))
    };
    (r.status, v)
}

async fn actions(app: &TestApp) -> Vec<String> {
    app.store
        .audit_log(None, 200)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.entry.action)
        .collect()
}

on_both_backends! {
    async fn the_office_creates_suspends_resumes_and_archives_a_tenant(app: demo) {
        let office = token(app, "office", Some(ClusterRole::ClusterAdmin), None).await;
        let site_admin = token(app, "jb.admin", None, Some(("jb", TenantRole::SiteAdmin))).await;
        let new = json!({"code": "xc", "kind": "town", "name": "江北区新城街道", "sponsor": "新城街道办事处",
            "parent": "jb", "hosts": ["xc.haichuan.localhost"], "site_id": "3702030101"});
        let (s, _) = api(app, &site_admin, "POST", "/api/v1/sites", Some(new.clone())).await;
        assert_eq!(s, 403, "only the office creates tenants");
        let (s, t) = api(app, &office, "POST", "/api/v1/sites", Some(new.clone())).await;
        assert_eq!((s, t["code"].as_str()), (201, Some("xc")), "{t}");
        assert_eq!(app.get(&host("xc"), "/").await.status, 200, "the new site answers at once");

        for (bad, status) in [
            (json!({"code": "Bad Code", "kind": "town", "name": "x", "sponsor": "y", "parent": "jb", "hosts": ["a.haichuan.localhost"]}), 422),
            (json!({"code": "xd", "kind": "town", "name": "x", "sponsor": "y", "parent": "nosuch", "hosts": ["xd.haichuan.localhost"]}), 404),
            (json!({"code": "xe", "kind": "town", "name": "x", "sponsor": "y", "parent": "jb", "hosts": ["xc.haichuan.localhost"]}), 409),
            (json!({"code": "xc", "kind": "town", "name": "x", "sponsor": "y", "parent": "jb", "hosts": ["xf.haichuan.localhost"]}), 409),
            (json!({"code": "xg", "kind": "department", "name": "x", "sponsor": "y", "parent": "jb", "hosts": ["xg.haichuan.localhost"]}), 422),
            (json!({"code": "xh", "kind": "moon", "name": "x", "sponsor": "y", "hosts": ["xh.haichuan.localhost"]}), 422),
        ] {
            let (s, e) = api(app, &office, "POST", "/api/v1/sites", Some(bad.clone())).await;
            assert_eq!(s, status, "{bad}: {e}");
        }

        let status = |s: &str| json!({"status": s});
        assert_eq!(api(app, &office, "POST", "/api/v1/sites/xc/status", Some(status("suspended"))).await.0, 200);
        assert_eq!(app.get(&host("xc"), "/").await.status, 503);
        assert_eq!(api(app, &office, "POST", "/api/v1/sites/xc/status", Some(status("active"))).await.0, 200);
        assert_eq!(app.get(&host("xc"), "/").await.status, 200);
        assert_eq!(api(app, &office, "POST", "/api/v1/sites/xc/status", Some(status("archived"))).await.0, 200);
        assert_eq!(app.get(&host("xc"), "/").await.status, 410);
        let (s, e) = api(app, &office, "POST", "/api/v1/sites/xc/status", Some(status("active"))).await;
        assert_eq!(s, 422, "archived is final: {e}");
        assert_eq!(api(app, &office, "POST", "/api/v1/sites/xc/status", Some(status("gone"))).await.0, 422);
        assert_eq!(api(app, &site_admin, "POST", "/api/v1/sites/jb/status", Some(status("suspended"))).await.0, 403);

        let log = actions(app).await;
        for a in ["tenant.create", "tenant.suspend", "tenant.resume", "tenant.archive"] {
            assert!(log.iter().any(|x| x == a), "{a} audited: {log:?}");
        }
    }

    async fn a_site_admin_manages_the_accounts_of_their_own_site_only(app: demo) {
        let admin = token(app, "jb.admin", None, Some(("jb", TenantRole::SiteAdmin))).await;
        let (s, u) = api(app, &admin, "POST", "/api/v1/sites/jb/users", Some(json!({
            "login": "jb.newcomer", "display_name": "新同事", "password": "Jiangbei-Editor-2026", "role": "editor"}))).await;
        assert_eq!(s, 201, "{u}");
        // A display name is shown in pages, audit rows and mails: bounded and printable.
        // (Control characters never reach it: the input layer drops them from every body.)
        for (name, why) in [("张".repeat(100_000), "姓名不能超过 64 个字"), (" ".into(), "请填写姓名")] {
            let (s, e) = api(app, &admin, "POST", "/api/v1/sites/jb/users", Some(json!({
                "login": "jb.other", "display_name": name, "password": "Jiangbei-Editor-2026", "role": "editor"}))).await;
            assert_eq!(s, 422, "{e}");
            assert!(e.to_string().contains(why), "{e}");
        }
        let (r, session) = app.sign_in("jb.newcomer", "Jiangbei-Editor-2026").await;
        assert_eq!((r.status, session.is_some()), (303, true), "the new account signs in");
        let (s, list) = api(app, &admin, "GET", "/api/v1/sites/jb/users", None).await;
        assert_eq!(s, 200);
        let newcomer = list.as_array().unwrap().iter().find(|u| u["login"] == "jb.newcomer").expect("listed").clone();
        assert_eq!(newcomer["roles"], json!(["editor"]));

        // An account of another site is answered exactly like one that does not exist: a site
        // admin cannot probe which logins the cluster has (the office binds across sites).
        app.account("jn.clerk", None, &[("jn", TenantRole::Editor)]).await;
        let (s1, e1) = api(app, &admin, "PUT", "/api/v1/sites/jb/users/jn.clerk/roles/editor", None).await;
        let (s2, e2) = api(app, &admin, "PUT", "/api/v1/sites/jb/users/jn.clerx/roles/editor", None).await;
        assert_eq!((s1, s2), (404, 404), "{e1} {e2}");
        assert_eq!(e1.to_string().replace("jn.clerk", "?"), e2.to_string().replace("jn.clerx", "?"));
        let office = token(app, "office.binder", Some(ClusterRole::ClusterAdmin), None).await;
        assert_eq!(api(app, &office, "PUT", "/api/v1/sites/jb/users/jn.clerk/roles/editor", None).await.0, 204, "the office binds across sites");
        assert_eq!(api(app, &admin, "DELETE", "/api/v1/sites/jb/users/jn.clerk/roles/editor", None).await.0, 204, "now one of the site's accounts");
        assert_eq!(api(app, &admin, "PUT", "/api/v1/sites/jb/users/jb.newcomer/roles/reviewer", None).await.0, 204);
        assert_eq!(api(app, &admin, "DELETE", "/api/v1/sites/jb/users/jb.newcomer/roles/editor", None).await.0, 204);
        let (_, list) = api(app, &admin, "GET", "/api/v1/sites/jb/users", None).await;
        let newcomer = list.as_array().unwrap().iter().find(|u| u["login"] == "jb.newcomer").unwrap().clone();
        assert_eq!(newcomer["roles"], json!(["reviewer"]));

        for (method, path, body, status) in [
            ("POST", "/api/v1/sites/jb/users", Some(json!({"login": "jb.weak", "display_name": "弱", "password": "short"})), 422),
            ("POST", "/api/v1/sites/jb/users", Some(json!({"login": "jb.newcomer", "display_name": "重名", "password": "Jiangbei-Editor-2026"})), 409),
            ("POST", "/api/v1/sites/jb/users", Some(json!({"login": "Bad Login", "display_name": "x", "password": "Jiangbei-Editor-2026"})), 422),
            ("PUT", "/api/v1/sites/jb/users/nobody.here/roles/editor", None, 404),
            ("PUT", "/api/v1/sites/jb/users/jb.newcomer/roles/emperor", None, 404),
            ("DELETE", "/api/v1/sites/jb/users/jb.admin/roles/site_admin", None, 409),
            ("PUT", "/api/v1/sites/jn/users/jb.newcomer/roles/editor", None, 404),
            ("POST", "/api/v1/users", Some(json!({"login": "x.y", "display_name": "x", "password": "Jiangbei-Editor-2026"})), 403),
            ("GET", "/api/v1/users", None, 403),
            ("GET", "/api/v1/audit", None, 403),
        ] {
            let (s, e) = api(app, &admin, method, path, body.clone()).await;
            assert_eq!(s, status, "{method} {path} {body:?}: {e}");
        }
        let log = actions(app).await;
        for a in ["user.create", "role.bind", "role.unbind"] {
            assert!(log.iter().any(|x| x == a), "{a} audited");
        }
        // The office sees every account and the whole audit log.
        let office = token(app, "office", Some(ClusterRole::ClusterAdmin), None).await;
        let (s, all) = api(app, &office, "GET", "/api/v1/users", None).await;
        assert_eq!(s, 200);
        assert!(all.as_array().unwrap().iter().any(|u| u["login"] == "jb.newcomer"));
        let (s, audit) = api(app, &office, "GET", "/api/v1/audit?limit=3", None).await;
        assert_eq!((s, audit.as_array().unwrap().len()), (200, 3));
    }

    async fn a_site_admin_edits_the_column_tree_and_the_site_shows_it_at_once(app: demo) {
        let admin = token(app, "jb.admin", None, Some(("jb", TenantRole::SiteAdmin))).await;
        let editor = token(app, "jb.editor", None, Some(("jb", TenantRole::Editor))).await;
        let col = json!({"slug": "zdxm", "name": "重点项目", "kind": "article_list", "update_requirement": "monthly", "responsible_unit": "区发改局", "sort_order": 50});
        assert_eq!(api(app, &editor, "POST", "/api/v1/sites/jb/columns", Some(col.clone())).await.0, 403);
        let (s, c) = api(app, &admin, "POST", "/api/v1/sites/jb/columns", Some(col.clone())).await;
        assert_eq!(s, 201, "{c}");
        let id = c["id"].as_i64().unwrap();
        let page = app.get(&host("jb"), "/col/zdxm/").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("重点项目"));
        assert_eq!(api(app, &admin, "POST", "/api/v1/sites/jb/columns", Some(col)).await.0, 409, "slug taken");

        let change = |name: &str, parent: Option<i64>| json!({"name": name, "parent_id": parent, "update_requirement": "weekly", "responsible_unit": "区发改局", "sort_order": 50});
        let (s, c) = api(app, &admin, "PUT", &format!("/api/v1/sites/jb/columns/{id}"), Some(change("重大项目", None))).await;
        assert_eq!((s, c["name"].as_str(), c["update_requirement"].as_str()), (200, Some("重大项目"), Some("weekly")), "{c}");
        assert!(app.get(&host("jb"), "/col/zdxm/").await.body.contains("重大项目"), "renamed at once");

        let (s, child) = api(app, &admin, "POST", "/api/v1/sites/jb/columns", Some(json!({"slug": "zdxm-jd", "name": "项目进度", "kind": "article_list", "update_requirement": "monthly", "parent_id": id}))).await;
        assert_eq!(s, 201, "{child}");
        let child_id = child["id"].as_i64().unwrap();
        let (s, e) = api(app, &admin, "PUT", &format!("/api/v1/sites/jb/columns/{id}"), Some(change("重大项目", Some(child_id)))).await;
        assert_eq!(s, 422, "no column under its own child: {e}");
        // Another site's column as parent, or another site's column at all: not found.
        let jn = app.store.tenant_by_code(&zq_domain::TenantCode::parse("jn").unwrap()).await.unwrap().unwrap();
        let jn_col = app.store.columns(jn.id).await.unwrap()[0].id.0;
        assert_eq!(api(app, &admin, "PUT", &format!("/api/v1/sites/jb/columns/{id}"), Some(change("x", Some(jn_col)))).await.0, 404);
        assert_eq!(api(app, &admin, "PUT", &format!("/api/v1/sites/jb/columns/{jn_col}"), Some(change("x", None))).await.0, 404);
        assert_eq!(api(app, &admin, "PUT", &format!("/api/v1/sites/jb/columns/{id}"), Some(change(" ", None))).await.0, 422);
        assert!(actions(app).await.iter().any(|a| a == "column.update"));
    }

    async fn the_administration_pages_work_in_the_console(app: demo) {
        app.account("office", Some(ClusterRole::ClusterAdmin), &[]).await;
        app.account("jb.admin", None, &[("jb", TenantRole::SiteAdmin)]).await;
        let (_, office) = app.sign_in("office", PASSWORD).await;
        let office = office.unwrap();
        let (_, admin) = app.sign_in("jb.admin", PASSWORD).await;
        let admin = admin.unwrap();
        let get = |cookie: String, path: &'static str| async move { app.get_with("127.0.0.1", path, &[("cookie", &cookie)]).await };
        for path in ["/console/admin/tenants", "/console/admin/users", "/console/admin/audit", "/console/sites/jb/users", "/console/sites/jb/columns"] {
            let r = get(office.clone(), path).await;
            assert_eq!(r.status, 200, "office {path}: {}", r.body);
        }
        for (path, status) in [("/console/admin/tenants", 403), ("/console/admin/users", 403), ("/console/admin/audit", 403),
                               ("/console/sites/jb/users", 200), ("/console/sites/jb/columns", 200), ("/console/sites/jn/columns", 404)] {
            assert_eq!(get(admin.clone(), path).await.status, status, "site admin {path}");
        }
        // A tenant created through the form, a column through the other.
        let page = get(office.clone(), "/console/admin/tenants").await;
        let csrf = hidden_csrf(&page.body);
        let r = app.post_form("127.0.0.1", "/console/admin/tenants", &[("csrf", &csrf), ("code", "dh"), ("kind", "town"), ("parent", "jb"),
            ("name", "江北区东湖街道"), ("sponsor", "东湖街道办事处"), ("hosts", "dh.haichuan.localhost")], &[("cookie", &office)]).await;
        assert_eq!((r.status, r.header("location")), (303, Some("/console/admin/tenants?notice=tenant")), "{}", r.body);
        let r = app.post_form("127.0.0.1", "/console/admin/tenants", &[("csrf", &csrf), ("code", "dh"), ("kind", "town"), ("parent", "jb"),
            ("name", "重复"), ("sponsor", "重复"), ("hosts", "dh2.haichuan.localhost")], &[("cookie", &office)]).await;
        assert_eq!(r.status, 409, "a taken code is said in the form");
        assert!(r.body.contains("value=\"重复\""), "what was typed is kept");
        let page = get(admin.clone(), "/console/sites/jb/columns").await;
        let csrf = hidden_csrf(&page.body);
        let r = app.post_form("127.0.0.1", "/console/sites/jb/columns", &[("csrf", &csrf), ("name", "乡村振兴"), ("slug", "xczx"),
            ("kind", "article_list"), ("update_requirement", "monthly"), ("parent_id", ""), ("sort_order", "")], &[("cookie", &admin)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(app.get(&host("jb"), "/col/xczx/").await.status, 200);
        let r = app.post_form("127.0.0.1", "/console/sites/jb/columns", &[("csrf", "stale"), ("name", "x"), ("slug", "xx")], &[("cookie", &admin)]).await;
        assert_eq!(r.status, 403, "a stale CSRF token is refused");
    }

    async fn every_path_in_the_openapi_document_is_routed(app: demo) {
        let r = app.get(&host("www"), "/api/v1/openapi.json").await;
        assert_eq!((r.status, r.header("content-type")), (200, Some("application/json")));
        let doc: Value = serde_json::from_str(&r.body).expect("OpenAPI is JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths.len() >= 20, "{} paths", paths.len());
        let office = token(app, "office", Some(ClusterRole::ClusterAdmin), None).await;
        for (path, ops) in paths {
            let concrete = path.replace("{code}", "jb").replace("{id}", "1").replace("{step}", "submit")
                .replace("{version}", "1").replace("{login}", "nobody.here").replace("{role}", "editor");
            for method in ops.as_object().unwrap().keys() {
                let (s, body) = api(app, &office, &method.to_uppercase(), &concrete, None).await;
                assert_ne!(s, 405, "{method} {path} is routed");
                assert!(!(s == 404 && body["message"] == "接口不存在"), "{method} {path} is routed: {body}");
                assert!(s < 500, "{method} {concrete}: {s} {body}");
            }
        }
    }
}
