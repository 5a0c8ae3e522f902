//! Tenant isolation: every console and API endpoint, called by each role of tenant A (江北区,
//! `jb`) against the objects of tenant B (江南区, `jn`) — B's code in the path, or A's code
//! with B's ids in paths and bodies — answers 403 or 404 and changes nothing of B. The
//! operator reads everything and writes nothing; the cluster admin may do everything. The
//! interaction endpoints (mailboxes, letters, common replies, consultations) are in
//! `interaction`, the office's own (broadcasts, lexicon, scorecard, visits) in `cluster`.

mod cluster;
mod interaction;

use serde_json::{Value, json};
use zq_domain::access::{ClusterRole, TenantRole, TokenScope};
use zq_store::Who;
use zq_tests::{PASSWORD, Resp, TestApp, hidden_csrf, host, on_both_backends};

const A: &str = "jb";
const B: &str = "jn";

/// How a caller authenticates: an API token, or a console session (cookie and CSRF token).
struct Caller {
    name: String,
    bearer: String,
    cookie: String,
    csrf: String,
}

async fn caller(
    app: &TestApp,
    login: &str,
    cluster: Option<ClusterRole>,
    role: Option<(&str, TenantRole)>,
) -> Caller {
    let bindings: Vec<(&str, TenantRole)> = role.into_iter().collect();
    let u = app.account(login, cluster, &bindings).await;
    let scope = match (cluster, role) {
        (Some(c), _) => TokenScope::Cluster(c),
        (None, Some((code, r))) => TokenScope::Tenant(tenant(app, code).await.id, r),
        (None, None) => panic!("a role is needed"),
    };
    let (_, secret) = app
        .store
        .create_api_token(u.id, scope, "matrix", None, &Who::default())
        .await
        .unwrap();
    let (_, cookie) = app.sign_in(login, PASSWORD).await;
    let cookie = cookie.expect("signed in");
    let home = app
        .get_with("127.0.0.1", "/console/", &[("cookie", &cookie)])
        .await;
    Caller {
        name: login.into(),
        bearer: format!("Bearer {secret}"),
        cookie,
        csrf: hidden_csrf(&home.body),
    }
}

async fn tenant(app: &TestApp, code: &str) -> zq_store::Tenant {
    app.store
        .tenant_by_code(&zq_domain::TenantCode::parse(code).unwrap())
        .await
        .unwrap()
        .unwrap()
}

async fn list_column(app: &TestApp, code: &str) -> i64 {
    let t = tenant(app, code).await;
    app.store
        .columns(t.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.kind == zq_domain::ColumnKind::ArticleList)
        .unwrap()
        .id
        .0
}

async fn api(app: &TestApp, c: &Caller, method: &str, path: &str, body: Option<&Value>) -> Resp {
    let mut h = vec![("authorization", c.bearer.as_str())];
    if body.is_some() {
        h.push(("content-type", "application/json"));
    }
    app.call(
        method,
        &host(A),
        path,
        &h,
        body.map(|b| b.to_string()).unwrap_or_default(),
    )
    .await
}

async fn console(
    app: &TestApp,
    c: &Caller,
    method: &str,
    path: &str,
    form: &[(&str, &str)],
) -> Resp {
    if method == "GET" {
        return app.get_with(&host(A), path, &[("cookie", &c.cookie)]).await;
    }
    let mut f: Vec<(&str, &str)> = vec![("csrf", &c.csrf)];
    f.extend_from_slice(form);
    app.post_form(&host(A), path, &f, &[("cookie", &c.cookie)])
        .await
}

/// A multipart form body (the editor and upload forms), with one small file.
fn multipart(csrf: &str, column: i64) -> (String, Vec<u8>) {
    let boundary = "zqboundary7MA4YWxk";
    let mut body = String::new();
    for (k, v) in [
        ("csrf", csrf.to_owned()),
        ("column_id", column.to_string()),
        ("title", "越权".into()),
        ("body", "<p>x</p>".into()),
        ("version", "1".into()),
    ] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

/// The console's multipart forms (save an article, upload files) aimed at B's objects.
async fn console_multipart(app: &TestApp, c: &Caller, b: &BObjects) -> Vec<(String, u16)> {
    let mut paths = vec![
        format!("/console/sites/{B}/articles/new"),
        format!("/console/sites/{B}/attachments"),
    ];
    for site in [B, A] {
        for id in [b.draft, b.pending, b.published] {
            paths.push(format!("/console/sites/{site}/articles/{id}"));
        }
    }
    let (ct, body) = multipart(&c.csrf, b.column);
    let mut out = Vec::new();
    for p in paths {
        let r = app
            .call(
                "POST",
                &host(A),
                &p,
                &[("cookie", &c.cookie), ("content-type", &ct)],
                body.clone(),
            )
            .await;
        out.push((p, r.status));
    }
    out
}

/// B's objects, made by B's own people.
struct BObjects {
    draft: i64,
    pending: i64,
    published: i64,
    column: i64,
    attachment_url: String,
    token_id: i64,
    interaction: interaction::Objects,
}

async fn b_objects(app: &TestApp) -> BObjects {
    let editor = caller(app, "jn.editor", None, Some((B, TenantRole::Editor))).await;
    let reviewer = caller(app, "jn.reviewer", None, Some((B, TenantRole::Reviewer))).await;
    let admin = caller(app, "jn.admin", None, Some((B, TenantRole::SiteAdmin))).await;
    let column = list_column(app, B).await;
    let mut ids = Vec::new();
    for title in ["江南区草稿", "江南区待审", "江南区已发布"] {
        let r = api(
            app,
            &editor,
            "POST",
            "/api/v1/sites/jn/articles",
            Some(&json!({"column_id": column, "title": title, "body": "<p>江南</p>"})),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        ids.push(
            serde_json::from_str::<Value>(&r.body).unwrap()["id"]
                .as_i64()
                .unwrap(),
        );
    }
    for id in &ids[1..] {
        assert_eq!(
            api(
                app,
                &editor,
                "POST",
                &format!("/api/v1/sites/jn/articles/{id}/submit"),
                None
            )
            .await
            .status,
            200
        );
    }
    assert_eq!(
        api(
            app,
            &reviewer,
            "POST",
            &format!("/api/v1/sites/jn/articles/{}/approve", ids[2]),
            None
        )
        .await
        .status,
        200
    );
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let r = app
        .call(
            "POST",
            &host(B),
            "/api/v1/sites/jn/attachments?name=b.png",
            &[
                ("authorization", &editor.bearer),
                ("content-type", "application/octet-stream"),
            ],
            png.to_vec(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let attachment_url = serde_json::from_str::<Value>(&r.body).unwrap()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = api(app, &editor, "GET", "/api/v1/tokens", None).await;
    let token_id = serde_json::from_str::<Value>(&r.body).unwrap()[0]["id"]
        .as_i64()
        .unwrap();
    BObjects {
        draft: ids[0],
        pending: ids[1],
        published: ids[2],
        column,
        attachment_url,
        token_id,
        interaction: interaction::objects(app, &admin).await,
    }
}

/// What B looks like, to check nothing changed.
async fn b_state(app: &TestApp) -> String {
    let t = tenant(app, B).await;
    let (items, total) = app.store.editorial_list(t.id, None, 100, 0).await.unwrap();
    let files = app.store.attachments(t.id).await.unwrap().len();
    let columns: Vec<(i64, String, Option<i64>)> = app
        .store
        .columns(t.id)
        .await
        .unwrap()
        .iter()
        .map(|c| (c.id.0, c.name.clone(), c.parent_id.map(|p| p.0)))
        .collect();
    let users: Vec<(String, Vec<TenantRole>)> = app
        .store
        .tenant_users(t.id)
        .await
        .unwrap()
        .into_iter()
        .map(|(u, r)| (u.login.to_string(), r))
        .collect();
    let accounts = app.store.list_users().await.unwrap().len();
    let search = (
        app.store.search_synonyms().await.unwrap().len(),
        app.store.search_best_bets().await.unwrap().len(),
    );
    format!(
        "{}|{}|{}|{columns:?}|{users:?}|{accounts}|{search:?}|{:?}|{files}|{}|{}",
        t.name,
        t.status,
        total,
        items
            .iter()
            .map(|i| (i.id, i.state, i.version))
            .collect::<Vec<_>>(),
        interaction::state(app).await,
        cluster::state(app).await,
    )
}

/// Every API call a role of A might try on B's objects.
fn api_calls(b: &BObjects) -> Vec<(&'static str, String, Option<Value>)> {
    let body = json!({"column_id": b.column, "title": "越权", "body": "<p>x</p>", "version": 1});
    let settings = json!({"name": "越权修改", "sponsor": "x"});
    let mut calls = vec![
        ("GET", format!("/api/v1/sites/{B}"), None),
        (
            "PUT",
            format!("/api/v1/sites/{B}/settings"),
            Some(settings.clone()),
        ),
        ("GET", format!("/api/v1/sites/{B}/columns"), None),
        ("GET", format!("/api/v1/sites/{B}/articles"), None),
        (
            "POST",
            format!("/api/v1/sites/{B}/articles/bulk"),
            Some(json!({"action": "approve", "ids": [b.pending]})),
        ),
        (
            "POST",
            format!("/api/v1/sites/{B}/articles/{}/delete", b.draft),
            Some(json!({"reason": "越权删除"})),
        ),
        ("GET", format!("/api/v1/sites/{B}/recycle"), None),
        ("GET", format!("/api/v1/sites/{B}/statistics"), None),
        (
            "GET",
            format!("/api/v1/sites/{B}/articles?state=pending_review"),
            None,
        ),
        (
            "POST",
            format!("/api/v1/sites/{B}/articles"),
            Some(body.clone()),
        ),
        ("GET", format!("/api/v1/sites/{B}/attachments"), None),
        (
            "POST",
            format!("/api/v1/sites/{B}/attachments?name=x.png"),
            None,
        ),
        ("GET", format!("/api/v1/sites/{B}/audit"), None),
        (
            "POST",
            "/api/v1/tokens".into(),
            Some(json!({"site": B, "role": "editor", "label": "越权"})),
        ),
        ("DELETE", format!("/api/v1/tokens/{}", b.token_id), None),
        (
            "POST",
            "/api/v1/sites".into(),
            Some(
                json!({"code": "yq", "kind": "town", "name": "越权", "sponsor": "x", "parent": B, "hosts": ["yq.haichuan.localhost"]}),
            ),
        ),
        (
            "POST",
            format!("/api/v1/sites/{B}/status"),
            Some(json!({"status": "suspended"})),
        ),
        ("GET", format!("/api/v1/sites/{B}/users"), None),
        (
            "POST",
            format!("/api/v1/sites/{B}/users"),
            Some(
                json!({"login": "yq.user", "display_name": "x", "password": "Yuequan-Password-2026", "role": "editor"}),
            ),
        ),
        (
            "PUT",
            format!("/api/v1/sites/{B}/users/jn.editor/roles/site_admin"),
            None,
        ),
        (
            "DELETE",
            format!("/api/v1/sites/{B}/users/jn.editor/roles/editor"),
            None,
        ),
        (
            "POST",
            format!("/api/v1/sites/{B}/columns"),
            Some(
                json!({"slug": "yq", "name": "越权", "kind": "article_list", "update_requirement": "monthly"}),
            ),
        ),
        (
            "PUT",
            format!("/api/v1/sites/{B}/columns/{}", b.column),
            Some(json!({"name": "越权", "update_requirement": "monthly"})),
        ),
        (
            "PUT",
            format!("/api/v1/sites/{A}/columns/{}", b.column),
            Some(json!({"name": "越权", "update_requirement": "monthly"})),
        ),
        ("GET", "/api/v1/users".into(), None),
        (
            "POST",
            "/api/v1/users".into(),
            Some(
                json!({"login": "yq.user", "display_name": "x", "password": "Yuequan-Password-2026"}),
            ),
        ),
        ("GET", "/api/v1/audit".into(), None),
        (
            "PUT",
            "/api/v1/channels/1".into(),
            Some(json!({"name": "越权", "columns": [b.column]})),
        ),
        ("DELETE", "/api/v1/channels/1".into(), None),
        ("POST", "/api/v1/channels/1/pull".into(), None),
        (
            "POST",
            "/api/v1/channels".into(),
            Some(
                json!({"name": "越权", "receiver": B, "sender_kind": "town", "columns": [b.column]}),
            ),
        ),
        ("GET", format!("/api/v1/sites/{B}/submissions"), None),
        (
            "GET",
            format!("/api/v1/sites/{B}/submissions?box=out"),
            None,
        ),
        (
            "GET",
            format!("/api/v1/sites/{B}/reporting/figures?period=2026"),
            None,
        ),
        (
            "POST",
            format!("/api/v1/sites/{B}/submissions"),
            Some(
                json!({"channel_id": 1, "client_key": "yq-1", "title": "越权报送", "body": "<p>x</p>"}),
            ),
        ),
    ];
    for site in [B, A] {
        for id in [b.draft, b.pending, b.published] {
            let p = format!("/api/v1/sites/{site}/articles/{id}");
            calls.push(("GET", p.clone(), None));
            calls.push(("PUT", p.clone(), Some(body.clone())));
            for step in [
                "submit", "recall", "approve", "return", "publish", "withdraw",
            ] {
                calls.push((
                    "POST",
                    format!("{p}/{step}"),
                    Some(json!({"comment": "越权退回"})),
                ));
            }
            calls.push(("GET", format!("{p}/versions"), None));
            calls.push(("GET", format!("{p}/diff?from=1&to=1"), None));
            calls.push(("POST", format!("{p}/versions/1/restore"), None));
        }
    }
    calls.extend(interaction::api_calls(&b.interaction));
    calls.extend(cluster::api_calls());
    calls
}

/// A console request: method, path, form fields (besides the CSRF token).
type ConsoleCall = (&'static str, String, Vec<(&'static str, String)>);

/// Every console page and form a role of A might try on B's objects.
fn console_calls(b: &BObjects) -> Vec<ConsoleCall> {
    let mut calls = vec![
        ("GET", format!("/console/sites/{B}/"), vec![]),
        ("GET", format!("/console/sites/{B}/review"), vec![]),
        ("GET", format!("/console/sites/{B}/statistics"), vec![]),
        ("GET", format!("/console/sites/{B}/search"), vec![]),
        (
            "POST",
            format!("/console/sites/{B}/search/synonyms"),
            vec![("words", "别人的 同义词".into())],
        ),
        (
            "POST",
            format!("/console/sites/{B}/search/best-bets"),
            vec![
                ("keywords", "别人的".into()),
                ("title", "别人的推荐".into()),
                ("url", "/".into()),
            ],
        ),
        (
            "POST",
            format!("/console/sites/{B}/search/synonyms/1/delete"),
            vec![],
        ),
        (
            "POST",
            format!("/console/sites/{B}/search/best-bets/1/delete"),
            vec![],
        ),
        (
            "POST",
            format!("/console/sites/{B}/articles/bulk"),
            vec![("action", "approve".into()), ("ids", b.pending.to_string())],
        ),
        (
            "POST",
            format!("/console/sites/{B}/articles/bulk"),
            vec![("action", "move".into()), ("ids", b.draft.to_string())],
        ),
        ("GET", format!("/console/sites/{B}/articles/new"), vec![]),
        ("GET", format!("/console/sites/{B}/settings"), vec![]),
        (
            "POST",
            format!("/console/sites/{B}/settings"),
            vec![("name", "越权".into()), ("sponsor", "x".into())],
        ),
        ("GET", format!("/console/sites/{B}/audit"), vec![]),
        ("GET", format!("/console/sites/{B}/attachments"), vec![]),
        ("GET", format!("/console/sites/{B}/users"), vec![]),
        (
            "POST",
            format!("/console/sites/{B}/users"),
            vec![
                ("login", "yq.user".into()),
                ("display_name", "x".into()),
                ("password", "Yuequan-Password-2026".into()),
            ],
        ),
        (
            "POST",
            format!("/console/sites/{B}/users/jn.editor/roles"),
            vec![("role", "site_admin".into()), ("bound", "on".into())],
        ),
        ("GET", format!("/console/sites/{B}/columns"), vec![]),
        (
            "POST",
            format!("/console/sites/{B}/columns"),
            vec![
                ("name", "越权".into()),
                ("slug", "yq".into()),
                ("kind", "article_list".into()),
                ("update_requirement", "monthly".into()),
            ],
        ),
        (
            "POST",
            format!("/console/sites/{B}/columns/{}", b.column),
            vec![
                ("name", "越权".into()),
                ("update_requirement", "monthly".into()),
            ],
        ),
        (
            "POST",
            format!("/console/sites/{A}/columns/{}", b.column),
            vec![
                ("name", "越权".into()),
                ("update_requirement", "monthly".into()),
            ],
        ),
        ("GET", "/console/admin/tenants".into(), vec![]),
        (
            "POST",
            "/console/admin/tenants".into(),
            vec![
                ("code", "yq".into()),
                ("kind", "town".into()),
                ("name", "越权".into()),
                ("sponsor", "x".into()),
                ("parent", B.into()),
                ("hosts", "yq.haichuan.localhost".into()),
            ],
        ),
        (
            "POST",
            format!("/console/admin/tenants/{B}/status"),
            vec![("status", "suspended".into())],
        ),
        ("GET", "/console/admin/users".into(), vec![]),
        (
            "POST",
            "/console/admin/users".into(),
            vec![
                ("login", "yq.user".into()),
                ("display_name", "x".into()),
                ("password", "Yuequan-Password-2026".into()),
            ],
        ),
        ("GET", "/console/admin/audit".into(), vec![]),
        ("GET", "/console/admin/channels".into(), vec![]),
        (
            "POST",
            "/console/admin/channels".into(),
            vec![
                ("name", "越权".into()),
                ("receiver", B.into()),
                ("columns", "tzgg".into()),
                ("sender_kind", "town".into()),
            ],
        ),
        (
            "POST",
            "/console/admin/channels/1".into(),
            vec![("name", "越权".into())],
        ),
        ("POST", "/console/admin/channels/1/delete".into(), vec![]),
        ("POST", "/console/admin/channels/1/pull".into(), vec![]),
        ("GET", format!("/console/sites/{B}/reporting/"), vec![]),
        ("GET", format!("/console/sites/{B}/reporting/inbox"), vec![]),
        (
            "GET",
            format!("/console/sites/{B}/reporting/ranking"),
            vec![],
        ),
        (
            "POST",
            format!("/console/sites/{B}/reporting/"),
            vec![
                ("channel_id", "1".into()),
                ("client_key", "yq-2".into()),
                ("title", "越权".into()),
            ],
        ),
        (
            "POST",
            format!("/console/sites/{B}/reporting/batch"),
            vec![("step", "adopt".into()), ("ids", "1".into())],
        ),
    ];
    for site in [B, A] {
        for id in [b.draft, b.pending, b.published] {
            let p = format!("/console/sites/{site}/articles/{id}");
            calls.push(("GET", p.clone(), vec![]));
            calls.push(("GET", format!("{p}/versions"), vec![]));
            calls.push(("POST", format!("{p}/versions/1/restore"), vec![]));
            for step in [
                "submit", "recall", "approve", "return", "publish", "withdraw",
            ] {
                calls.push((
                    "POST",
                    format!("{p}/{step}"),
                    vec![("comment", "越权".into())],
                ));
            }
        }
    }
    calls.extend(interaction::console_calls(&b.interaction));
    calls.extend(cluster::console_calls());
    calls
}

on_both_backends! {
    async fn each_role_of_one_tenant_is_refused_everything_of_another(app: demo) {
        let b = b_objects(app).await;
        let callers = [
            caller(app, "jb.admin", None, Some((A, TenantRole::SiteAdmin))).await,
            caller(app, "jb.editor", None, Some((A, TenantRole::Editor))).await,
            caller(app, "jb.reviewer", None, Some((A, TenantRole::Reviewer))).await,
        ];
        let before = b_state(app).await;
        let mut checked = 0;
        for c in &callers {
            for (method, path, body) in api_calls(&b) {
                let r = api(app, c, method, &path, body.as_ref()).await;
                assert!(matches!(r.status, 403 | 404), "{} {method} {path}: {} {}", c.name, r.status, r.body);
                let e: Value = serde_json::from_str(&r.body).unwrap_or_else(|_| panic!("JSON error for {method} {path}: {}", r.body));
                assert!(matches!(e["error"].as_str(), Some("forbidden" | "not_found")), "{e}");
                checked += 1;
            }
            for (method, path, form) in console_calls(&b) {
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let r = console(app, c, method, &path, &form).await;
                assert!(matches!(r.status, 403 | 404), "{} console {method} {path}: {}", c.name, r.status);
                checked += 1;
            }
            for (path, status) in console_multipart(app, c, &b).await {
                assert!(matches!(status, 403 | 404), "{} console multipart POST {path}: {status}", c.name);
                checked += 1;
            }
            // B's column named in a body sent to A's own site: refused as an unknown column.
            let r = api(app, c, "POST", &format!("/api/v1/sites/{A}/articles"),
                Some(&json!({"column_id": b.column, "title": "放进别人的栏目"}))).await;
            assert!(matches!(r.status, 403 | 422), "{}: {} {}", c.name, r.status, r.body);
            // B's files are not reachable through A's site.
            assert_eq!(app.get(&host(A), &b.attachment_url).await.status, 404);
        }
        assert!(checked > 500, "the matrix covers {checked} calls");
        assert_eq!(b_state(app).await, before, "nothing of B changed");
    }

    async fn the_operator_reads_every_tenants_figures_and_logs_but_no_content_and_writes_nothing(app: demo) {
        let b = b_objects(app).await;
        let ops = caller(app, "ops", Some(ClusterRole::Operator), None).await;
        let before = b_state(app).await;
        // Health and figures (and the site's heading, and the audit logs): read everywhere.
        let figures = |path: &str| {
            path.ends_with(&format!("/sites/{B}"))
                || ["/audit", "/inspection", "/visits", "/figures", "/ranking", "/statistics", "/search"]
                    .iter()
                    .any(|f| path.contains(f))
        };
        for (method, path, body) in api_calls(&b) {
            let r = api(app, &ops, method, &path, body.as_ref()).await;
            let on_b = path.contains(&format!("/sites/{B}/")) || path.ends_with(B);
            if method == "GET" && figures(&path) && on_b {
                assert_eq!(r.status, 200, "operator reads {path}: {}", r.body);
            } else if method == "GET" && on_b {
                // Content (articles, drafts, letters, reporting items, files, users): never.
                assert!(matches!(r.status, 403 | 404), "operator {path}: {} {}", r.status, r.body);
            } else if method != "GET" {
                assert!(matches!(r.status, 403 | 404), "operator {method} {path}: {} {}", r.status, r.body);
            }
        }
        for (method, path, form) in console_calls(&b) {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = console(app, &ops, method, &path, &form).await;
            if method == "POST" {
                assert!(matches!(r.status, 403 | 404), "operator console {method} {path}: {}", r.status);
            } else if path.contains(&format!("/sites/{B}/")) {
                if figures(&path) {
                    assert_eq!(r.status, 200, "operator console reads {path}");
                } else {
                    assert!(matches!(r.status, 403 | 404), "operator console {path}: {}", r.status);
                }
            }
        }
        for (path, status) in console_multipart(app, &ops, &b).await {
            assert!(matches!(status, 403 | 404), "operator console multipart POST {path}: {status}");
        }
        assert_eq!(b_state(app).await, before, "the operator changed nothing");
    }

    async fn the_cluster_admin_may_do_everything_everywhere(app: demo) {
        let b = b_objects(app).await;
        let office = caller(app, "office", Some(ClusterRole::ClusterAdmin), None).await;
        for path in [format!("/api/v1/sites/{B}/articles"), format!("/api/v1/sites/{B}/audit"), format!("/api/v1/sites/{B}/articles/{}", b.draft)] {
            assert_eq!(api(app, &office, "GET", &path, None).await.status, 200, "{path}");
        }
        let r = api(app, &office, "POST", &format!("/api/v1/sites/{B}/articles/{}/approve", b.pending), None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = api(app, &office, "POST", &format!("/api/v1/sites/{B}/articles"), Some(&json!({"column_id": b.column, "title": "市政府办公室代发"}))).await;
        assert_eq!(r.status, 201, "{}", r.body);
        let r = api(app, &office, "PUT", &format!("/api/v1/sites/{B}/settings"), Some(&json!({"name": "海川市江南区人民政府", "sponsor": "江南区人民政府办公室"}))).await;
        assert_eq!(r.status, 200, "{}", r.body);
        for path in [format!("/console/sites/{B}/"), format!("/console/sites/{B}/settings"), format!("/console/sites/{B}/audit"), format!("/console/sites/{B}/articles/{}", b.draft)] {
            assert_eq!(console(app, &office, "GET", &path, &[]).await.status, 200, "{path}");
        }
        // Ids still belong to their tenant, even for the cluster admin.
        assert_eq!(api(app, &office, "GET", &format!("/api/v1/sites/{A}/articles/{}", b.draft), None).await.status, 404);
    }
}
