//! A site's common replies (常用答复) over HTTP, on SQLite and PostgreSQL: its admin keeps them
//! through the API (checked, audited; editors may not, other sites do not see them); a handler
//! drafting a reply to a case of the kind finds them first on the case page, before the
//! built-in sentences, with the button that inserts each (and not those kept for another kind).

use serde_json::json;
use zq_domain::access::TenantRole;
use zq_tests::{PASSWORD, hidden, host, on_both_backends};

on_both_backends! {
    async fn a_sites_common_replies_are_kept_by_its_admin_and_offered_when_drafting(app: demo) {
        let admin = app.token("tp.admin", None, Some(("jb", TenantRole::SiteAdmin))).await;
        let editor = app.token("tp.editor", None, Some(("jb", TenantRole::Editor))).await;
        let other = app.token("tp.jn", None, Some(("jn", TenantRole::SiteAdmin))).await;
        let path = "/api/v1/sites/jb/reply-templates";
        let (s, e) = app.api(&admin, "POST", path, Some(json!({"title": "", "body": "x", "kind": "nonsense"}))).await;
        assert_eq!(s, 422, "{e}");
        assert!(e.to_string().contains("事项类型无效") && e.to_string().contains("名称"), "{e}");
        let (s, _) = app.api(&editor, "POST", path, Some(json!({"title": "t", "body": "b"}))).await;
        assert_eq!(s, 403, "editors use them, admins keep them");
        let (s, lamp) = app.api(&admin, "POST", path, Some(json!({"kind": "letter", "title": "路灯维修", "body": "已通知区路灯管理所，三个工作日内修复。", "sort_order": 1}))).await;
        assert_eq!(s, 201, "{lamp}");
        let (s, typo) = app.api(&admin, "POST", path, Some(json!({"kind": "site_error", "title": "错别字已改", "body": "页面中的错别字已更正。"}))).await;
        assert_eq!(s, 201, "{typo}");
        let (s, list) = app.api(&editor, "GET", path, None).await;
        assert_eq!(s, 200);
        assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
        let (s, _) = app.api(&other, "GET", path, None).await;
        assert!(s == 403 || s == 404, "another site's admin: {s}");
        let lamp_id = lamp["id"].as_i64().unwrap();
        let (s, changed) = app.api(&admin, "PUT", &format!("{path}/{lamp_id}"), Some(json!({"kind": "letter", "title": "路灯维修", "body": "已通知区路灯管理所，两个工作日内修复。", "sort_order": 1}))).await;
        assert_eq!(s, 200, "{changed}");

        // A letter to jb: its handler's case page offers the letter's reply first.
        let h = host("jb");
        let form = app.get(&h, "/forms/letter").await;
        let token = hidden(&form.body, "token");
        let r = app.post_form(&h, "/forms/letter", &[("token", &token), ("mailbox", "qzxx"), ("category", "help"), ("subject", "路灯坏了"), ("content", "小区路灯不亮。"), ("name", "钱多多"), ("phone", "13600001111")], &[]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let (_, cases) = app.api(&editor, "GET", "/api/v1/sites/jb/cases?state=submitted", None).await;
        let id = cases["items"].as_array().unwrap().iter().find(|c| c["subject"] == "路灯坏了").unwrap()["id"].as_i64().unwrap();
        let (s, _) = app.api(&editor, "POST", &format!("/api/v1/sites/jb/cases/{id}/accept"), Some(json!({}))).await;
        assert_eq!(s, 200);
        app.account("tp.handler", None, &[("jb", TenantRole::Editor)]).await;
        let (_, session) = app.sign_in("tp.handler", PASSWORD).await;
        let cookie = session.expect("session");
        let page = app.get_with("127.0.0.1", &format!("/console/sites/jb/cases/{id}"), &[("cookie", &cookie)]).await;
        assert_eq!(page.status, 200);
        let own = page.body.find("data-text=\"已通知区路灯管理所，两个工作日内修复。\"").expect("the site's own reply");
        let builtin = page.body.find("data-text=\"您反映的问题已转交有关部门办理。\"").expect("a built-in sentence");
        assert!(own < builtin, "the site's own first");
        assert!(!page.body.contains("页面中的错别字已更正"), "a reply kept for another kind is not offered");
        assert!(page.body.contains("/static/console."), "the script that inserts them");

        let (s, _) = app.api(&admin, "DELETE", &format!("{path}/{lamp_id}"), None).await;
        assert_eq!(s, 204);
        let (_, list) = app.api(&admin, "GET", path, None).await;
        assert_eq!(list.as_array().unwrap().len(), 1);
        let (_, audit) = app.api(&admin, "GET", "/api/v1/sites/jb/audit", None).await;
        for action in ["reply_template.create", "reply_template.update", "reply_template.delete"] {
            assert!(audit.to_string().contains(action), "{action}");
        }
    }
}
