//! Chinese everywhere in the console, on both databases: every kind of console page (the
//! list the Nu HTML Checker walks), as the site admin and as the office see them, shows no
//! audit action code the platform has written (`article.approve`), no object reference by id
//! (`article:2872`) and no role identifier (`cluster_admin`); every code written is one the
//! label table knows; the audit logs filter by actor, kind of action, object and day and
//! export CSV with labels beside the codes; an unknown console path is the console's 404.

use std::collections::BTreeSet;

use serde_json::json;
use zq_domain::access::TenantRole;
use zq_domain::audit_label::knows;
use zq_tests::{PASSWORD, TestApp, on_both_backends};

/// The text a person reads: tags, scripts and styles left out, entities as they are.
fn visible(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        out.push(' ');
        let tail = &rest[at..];
        let skip_to = ["<script", "<style"]
            .iter()
            .find(|t| tail.starts_with(**t))
            .and_then(|t| tail.find(&format!("</{}>", &t[1..])));
        rest = match skip_to {
            Some(end) => &tail[end..],
            None => tail.find('>').map_or("", |e| &tail[e + 1..]),
        };
    }
    out.push_str(rest);
    out
}

/// `code` appears in `text` as a word of its own (not inside a longer identifier).
fn has_code(text: &str, code: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    text.match_indices(code).any(|(at, _)| {
        let before = text[..at].chars().next_back().is_none_or(|c| !ident(c));
        let after = text[at + code.len()..]
            .chars()
            .next()
            .is_none_or(|c| !ident(c));
        before && after
    })
}

/// An object reference by id (`article:12`) in `text`.
fn object_ref(text: &str) -> Option<String> {
    for kind in [
        "article",
        "column",
        "user",
        "tenant",
        "submission",
        "case",
        "consultation",
        "mailbox",
        "channel",
    ] {
        let needle = format!("{kind}:");
        for (at, _) in text.match_indices(&needle) {
            let before_ok = text[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_');
            let digits: String = text[at + needle.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if before_ok && !digits.is_empty() {
                return Some(format!("{needle}{digits}"));
            }
        }
    }
    None
}

/// Some of everything in the log: drafts, review, return, a failed sign-in, a new column.
async fn activity(app: &TestApp) {
    let editor = app
        .token("zh.editor", None, Some(("jb", TenantRole::Editor)))
        .await;
    let reviewer = app
        .token("zh.reviewer", None, Some(("jb", TenantRole::Reviewer)))
        .await;
    let admin = app
        .token("zh.admin", None, Some(("jb", TenantRole::SiteAdmin)))
        .await;
    let (_, cols) = app
        .api(&editor, "GET", "/api/v1/sites/jb/columns", None)
        .await;
    let col = cols
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "article_list")
        .unwrap()["id"]
        .clone();
    for (title, end) in [("中文审计甲", "approve"), ("中文审计乙", "return")] {
        let (s, a) = app
            .api(
                &editor,
                "POST",
                "/api/v1/sites/jb/articles",
                Some(json!({"column_id": col, "title": title, "body": "<p>正文。</p>"})),
            )
            .await;
        assert_eq!(s, 201, "{a}");
        let path = format!("/api/v1/sites/jb/articles/{}", a["id"]);
        assert_eq!(
            app.api(&editor, "POST", &format!("{path}/submit"), None)
                .await
                .0,
            200
        );
        let body = (end == "return").then(|| json!({"comment": "请补充"}));
        assert_eq!(
            app.api(&reviewer, "POST", &format!("{path}/{end}"), body)
                .await
                .0,
            200
        );
    }
    let (s, c) = app.api(&admin, "POST", "/api/v1/sites/jb/columns", Some(json!({
        "slug": "zwsj", "name": "中文审计栏目", "kind": "article_list", "update_requirement": "monthly",
        "responsible_unit": "区政府办", "sort_order": 99
    }))).await;
    assert_eq!(s, 201, "{c}");
    let (r, _) = app.sign_in("zh.editor", "Wrong-Password-2026").await;
    assert_eq!(r.status, 401);
}

on_both_backends! {
    async fn no_console_page_shows_an_audit_code_an_object_id_or_a_role_identifier(app: demo) {
        activity(app).await;
        let kinds = crate::validators::console_page_kinds(app).await;
        // Every account signs in once first, so the sign-ins are in the log too.
        let mut cookies = Vec::new();
        for (who, _) in &kinds {
            cookies.push(app.sign_in(who, PASSWORD).await.1.expect("signed in"));
        }
        let mut codes = BTreeSet::new();
        for r in app.store.audit_log(None, 100_000).await.unwrap() {
            codes.insert(r.entry.action);
        }
        let unknown: Vec<&String> = codes.iter().filter(|c| !knows(c)).collect();
        assert!(unknown.is_empty(), "audit codes without a Chinese label: {unknown:?}");
        for code in ["article.approve", "login.failed", "login", "column.create"] {
            assert!(codes.contains(code), "{code} in {codes:?}");
        }
        let mut problems = Vec::new();
        for ((who, pages), cookie) in kinds.iter().zip(&cookies) {
            let mut pages = pages.clone();
            pages.push("/console/sites/jb/audit?kind=article".into());
            for path in &pages {
                let r = app.get_with("127.0.0.1", path, &[("cookie", cookie)]).await;
                assert_eq!(r.status, 200, "{who} {path}");
                let text = visible(&r.body);
                for code in &codes {
                    if has_code(&text, code) {
                        problems.push(format!("{who} {path}: the audit code {code}"));
                    }
                }
                for role in ["cluster_admin", "site_admin"] {
                    if has_code(&text, role) {
                        problems.push(format!("{who} {path}: the role identifier {role}"));
                    }
                }
                if let Some(o) = object_ref(&text) {
                    problems.push(format!("{who} {path}: the object reference {o}"));
                }
            }
        }
        assert!(problems.is_empty(), "English identifiers on console pages:\n{}", problems.join("\n"));
    }

    async fn the_audit_logs_filter_and_export_csv_in_chinese(app: demo) {
        activity(app).await;
        app.account("zh.office", Some(zq_domain::access::ClusterRole::ClusterAdmin), &[]).await;
        app.account("zh.site", None, &[("jb", TenantRole::SiteAdmin)]).await;
        let office = app.sign_in("zh.office", PASSWORD).await.1.unwrap();
        let page = app.get_with("127.0.0.1", "/console/admin/audit?actor=zh.reviewer&kind=article", &[("cookie", &office)]).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("审核通过信息") && page.body.contains("信息《中文审计甲》"), "{}", page.body);
        assert!(page.body.contains("退回信息") && page.body.contains("信息《中文审计乙》"));
        assert!(!page.body.contains("新建栏目"), "only the reviewer's article actions");
        let failed = app.get_with("127.0.0.1", "/console/admin/audit?kind=login", &[("cookie", &office)]).await;
        assert!(failed.body.contains("登录失败") && !failed.body.contains("审核通过信息"));
        let bad = app.get_with("127.0.0.1", "/console/admin/audit?from=2026-13-40", &[("cookie", &office)]).await;
        assert_eq!(bad.status, 200);
        assert!(bad.body.contains("开始日期“2026-13-40”无法识别"), "{}", bad.body);
        let today = chrono::Utc::now().with_timezone(&zq_domain::time::beijing()).format("%Y-%m-%d").to_string();
        let dated = app.get_with("127.0.0.1", &format!("/console/admin/audit?kind=column&from={today}&to={today}"), &[("cookie", &office)]).await;
        assert!(dated.body.contains("栏目“中文审计栏目”"), "{}", dated.body);
        let none = app.get_with("127.0.0.1", "/console/admin/audit?kind=column&to=2020-01-01", &[("cookie", &office)]).await;
        assert!(none.body.contains("没有符合条件的审计记录"));

        let site = app.sign_in("zh.site", PASSWORD).await.1.unwrap();
        let csv = app.get_with("127.0.0.1", "/console/sites/jb/audit.csv?kind=article", &[("cookie", &site)]).await;
        assert_eq!(csv.status, 200);
        assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
        assert!(csv.body.starts_with('\u{feff}'), "a BOM for spreadsheets");
        let header = csv.body.lines().next().unwrap();
        assert!(header.contains("操作") && header.contains("操作代码"), "{header}");
        let line = csv.body.lines().find(|l| l.contains("中文审计甲") && l.contains("article.approve")).expect("the approval");
        assert!(line.contains("审核通过信息") && line.contains("zh.reviewer"), "{line}");
        // A site's export holds only its own rows; the office's page is not the site admin's.
        assert!(!csv.body.contains("tenant.create"));
        let r = app.get_with("127.0.0.1", "/console/admin/audit.csv", &[("cookie", &site)]).await;
        assert_eq!(r.status, 403);
    }

    async fn an_unknown_console_path_is_the_consoles_own_404(app: demo) {
        for path in ["/console/nope", "/console/sites/jb/nope", "/console/admin/nothing/here"] {
            let r = app.get("127.0.0.1", path).await;
            assert_eq!(r.status, 404, "{path}");
            assert!(r.body.contains("管理平台中没有这个页面") && r.body.contains("返回工作台"), "{path}: {}", r.body);
        }
    }

    async fn suspending_and_archiving_a_site_ask_for_a_reason_and_the_portal_is_never_archived(app: demo) {
        app.account("zh.office2", Some(zq_domain::access::ClusterRole::ClusterAdmin), &[]).await;
        let office = app.sign_in("zh.office2", PASSWORD).await.1.unwrap();
        let h = [("cookie", office.as_str())];
        let page = app.get_with("127.0.0.1", "/console/admin/tenants", &h).await;
        assert!(!page.body.contains("请输入站点代码 www 确认") && page.body.contains("请输入站点代码 jn 确认"), "no 归档 for the portal");
        let csrf = zq_tests::hidden_csrf(&page.body);
        let path = "/console/admin/tenants/jn/status";
        let r = app.post_form("127.0.0.1", path, &[("csrf", &csrf), ("status", "archived"), ("confirm", "jn")], &h).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("请填写原因"), "{}", r.body);
        let r = app.post_form("127.0.0.1", path, &[("csrf", &csrf), ("status", "archived"), ("reason", "机构撤并"), ("confirm", "jb")], &h).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("请在确认框中输入该站点的代码"));
        let r = app.post_form("127.0.0.1", path, &[("csrf", &csrf), ("status", "suspended"), ("reason", "栏目调整，暂停两天")], &h).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let row = app.store.audit_log(None, 5).await.unwrap().into_iter().find(|r| r.entry.action == "tenant.suspend").unwrap();
        assert_eq!(row.entry.note.as_deref(), Some("栏目调整，暂停两天"));
        assert_eq!(app.store.verify_audit_chain().await.unwrap().broken_at, None, "the note is in the chain");
        let log = app.get_with("127.0.0.1", "/console/admin/audit?kind=tenant", &h).await;
        assert!(log.body.contains("暂停站点（维护）") && log.body.contains("栏目调整，暂停两天"), "{}", log.body);
        // The portal: refused to the console and the API alike.
        let r = app.post_form("127.0.0.1", "/console/admin/tenants/www/status", &[("csrf", &csrf), ("status", "archived"), ("reason", "试试"), ("confirm", "www")], &h).await;
        assert_eq!(r.status, 409);
        assert!(r.body.contains("门户网站不能归档"));
        let token = app.token("zh.office3", Some(zq_domain::access::ClusterRole::ClusterAdmin), None).await;
        let (s, e) = app.api(&token, "POST", "/api/v1/sites/www/status", Some(json!({"status": "archived"}))).await;
        assert_eq!(s, 409, "{e}");
    }

    async fn approving_with_a_publish_time_already_past_asks_instead_of_publishing_silently(app: demo) {
        let editor = app.token("zh.pasteditor", None, Some(("jb", TenantRole::Editor))).await;
        let reviewer = app.token("zh.pastreviewer", None, Some(("jb", TenantRole::Reviewer))).await;
        let (_, cols) = app.api(&editor, "GET", "/api/v1/sites/jb/columns", None).await;
        let col = cols.as_array().unwrap().iter().find(|c| c["kind"] == "article_list").unwrap()["id"].clone();
        let (_, a) = app.api(&editor, "POST", "/api/v1/sites/jb/articles", Some(json!({"column_id": col, "title": "过期的定时", "body": "<p>正文。</p>"}))).await;
        let path = format!("/api/v1/sites/jb/articles/{}", a["id"]);
        assert_eq!(app.api(&editor, "POST", &format!("{path}/submit"), None).await.0, 200);
        let past = (chrono::Utc::now() - chrono::Duration::hours(3)).to_rfc3339();
        let (s, e) = app.api(&reviewer, "POST", &format!("{path}/approve"), Some(json!({"publish_at": past}))).await;
        assert_eq!(s, 409, "{e}");
        assert!(e["message"].as_str().unwrap().contains("已经过去"), "{e}");
        let (_, now) = app.api(&reviewer, "GET", &path, None).await;
        assert_eq!(now["state"], "pending_review", "nothing published");
        let (s, done) = app.api(&reviewer, "POST", &format!("{path}/approve"), None).await;
        assert_eq!((s, done["state"].as_str()), (200, Some("published")));
    }
}
