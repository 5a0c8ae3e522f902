//! Files on the public forms, over HTTP on SQLite and PostgreSQL: a letter posted as
//! `multipart/form-data` with a photo and a PDF opens one case whose files are sealed in the
//! database (never stored in clear, never on a public address), listed by name for the writer
//! and on the console's case page, and downloaded whole by the owning site's handlers only,
//! each download an audit row. Refused files (too many, an archive, a page disguised as a
//! picture) keep the letter unsent with the reason in Chinese on the form; the retention job
//! deletes the files with the writer's details.

use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};
use zq_domain::access::TenantRole;
use zq_tests::{PASSWORD, Resp, TestApp, hidden, host, on_both_backends};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR street lamp photo";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj a photo of the lamp post\n%%EOF";

/// A file posted with a form: the field, the file's name, its bytes.
type Upload<'a> = (&'a str, &'a str, &'a [u8]);

const LETTER: [(&str, &str); 7] = [
    ("mailbox", "qzxx"),
    ("category", "help"),
    ("subject", "路灯不亮"),
    ("content", "小区东门的路灯坏了一个月，照片见附件。"),
    ("name", "钱附件"),
    ("phone", "13600003333"),
    ("email", "qfj@example.cn"),
];

/// Opens jb's letter form and posts it as multipart with `files`.
async fn letter(app: &TestApp, files: &[Upload<'_>]) -> Resp {
    let h = host("jb");
    let page = app.get(&h, "/forms/letter").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("enctype=\"multipart/form-data\""),
        "the form sends files: {}",
        page.body
    );
    assert!(page.body.contains("type=\"file\""), "{}", page.body);
    let token = hidden(&page.body, "token");
    let mut fields = vec![("token", token.as_str())];
    fields.extend_from_slice(&LETTER);
    app.post_multipart(&h, "/forms/letter", &fields, files)
        .await
}

async fn cases(app: &TestApp, secret: &str) -> Value {
    let (s, list) = app.api(secret, "GET", "/api/v1/sites/jb/cases", None).await;
    assert_eq!(s, 200, "{list}");
    list
}

async fn download(app: &TestApp, secret: &str, path: &str) -> Resp {
    let auth = format!("Bearer {secret}");
    app.call("GET", "127.0.0.1", path, &[("authorization", &auth)], "")
        .await
}

/// The bytes stored for the case's files, read straight from the database.
async fn stored(app: &TestApp) -> Vec<Vec<u8>> {
    let db = Database::connect(&app.direct_database_url)
        .await
        .expect("database");
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT sealed FROM case_files ORDER BY id",
        ))
        .await
        .expect("case files");
    rows.iter()
        .map(|r| r.try_get::<Vec<u8>>("", "sealed").expect("sealed"))
        .collect()
}

on_both_backends! {
    async fn a_letter_with_a_photo_and_a_pdf_keeps_them_sealed_for_the_sites_handlers_only(app: demo) {
        let editor = app.token("fl.editor", None, Some(("jb", TenantRole::Editor))).await;
        let reviewer = app.token("fl.reviewer", None, Some(("jb", TenantRole::Reviewer))).await;
        let other = app.token("fl.other", None, Some(("yx", TenantRole::Editor))).await;
        let admin = app.token("fl.admin", None, Some(("jb", TenantRole::SiteAdmin))).await;
        let r = letter(app, &[("attachment", "路灯.png", PNG), ("attachment", "说明.pdf", PDF)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("路灯.png、说明.pdf"), "the writer sees what was taken: {}", r.body);

        let list = cases(app, &editor).await;
        assert_eq!(list["total"], 1, "{list}");
        let id = list["items"][0]["id"].as_i64().unwrap();
        let (s, c) = app.api(&editor, "GET", &format!("/api/v1/sites/jb/cases/{id}"), None).await;
        assert_eq!(s, 200, "{c}");
        let files = c["files"].as_array().unwrap().clone();
        assert_eq!(files.len(), 2, "{c}");
        assert_eq!(files[0]["name"], "路灯.png");
        assert_eq!(files[0]["content_type"], "image/png");
        assert_eq!(files[1]["size"], PDF.len());

        // Sealed at rest: the database holds neither file in clear.
        let sealed = stored(app).await;
        assert_eq!(sealed.len(), 2);
        for (bytes, plain) in sealed.iter().zip([PNG, PDF]) {
            assert!(!bytes.windows(12).any(|w| plain.windows(12).any(|p| p == w)), "sealed");
        }
        // No public address serves them: the site's file path knows only published attachments.
        let sha = zq_store::content_hash(PNG);
        let public = app.get(&host("jb"), &format!("/files/{sha}/%E8%B7%AF%E7%81%AF.png")).await;
        assert_eq!(public.status, 404);

        // The handler downloads each whole, saved rather than shown, never cached.
        let f0 = files[0]["id"].as_i64().unwrap();
        let path = format!("/api/v1/sites/jb/cases/{id}/files/{f0}");
        let got = download(app, &editor, &path).await;
        assert_eq!(got.status, 200, "{}", got.body);
        assert_eq!(got.bytes, PNG);
        assert_eq!(got.header("content-type"), Some("image/png"));
        assert!(got.header("content-disposition").unwrap().starts_with("attachment;"), "{:?}", got.headers);
        assert!(got.header("cache-control").unwrap().contains("no-store"));
        assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
        // A reviewer does not handle cases (403); another site's editor does not see jb at all
        // (404), and under their own site the case does not exist.
        assert_eq!(download(app, &reviewer, &path).await.status, 403);
        assert_eq!(download(app, &other, &path).await.status, 404);
        let theirs = download(app, &other, &format!("/api/v1/sites/yx/cases/{id}/files/{f0}")).await;
        assert_eq!(theirs.status, 404, "{}", theirs.body);
        let f1 = files[1]["id"].as_i64().unwrap();
        let wrong = download(app, &editor, &format!("/api/v1/sites/jb/cases/{}/files/{f1}", id + 1)).await;
        assert_eq!(wrong.status, 404, "another case's file number");
        // Every download is in the audit log, with who took which file.
        let (_, audit) = app.api(&admin, "GET", "/api/v1/sites/jb/audit", None).await;
        let text = audit.to_string();
        assert_eq!(text.matches("case.file_download").count(), 1, "{audit}");
        assert!(text.contains(&format!("case:{id}/file:{f0}")), "{audit}");

        // The console's case page lists them with download links that work with a session.
        app.account("fl.console", None, &[("jb", TenantRole::Editor)]).await;
        let (_, session) = app.sign_in("fl.console", PASSWORD).await;
        let cookie = session.unwrap();
        let page = app.get_with("127.0.0.1", &format!("/console/sites/jb/cases/{id}"), &[("cookie", &cookie)]).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let link = format!("/console/sites/jb/cases/{id}/files/{f1}");
        assert!(page.body.contains(&link), "{}", page.body);
        assert!(page.body.contains("每次下载都记入审计日志"), "{}", page.body);
        let pdf = app.get_with("127.0.0.1", &link, &[("cookie", &cookie)]).await;
        assert_eq!(pdf.status, 200, "{}", pdf.body);
        assert_eq!(pdf.bytes, PDF);
        let (_, audit) = app.api(&admin, "GET", "/api/v1/sites/jb/audit", None).await;
        assert_eq!(audit.to_string().matches("case.file_download").count(), 2, "{audit}");
    }

    async fn refused_files_keep_the_letter_unsent_with_the_reason_on_the_form(app: demo) {
        let editor = app.token("fr.editor", None, Some(("jb", TenantRole::Editor))).await;
        let four: Vec<Upload> = vec![("attachment", "a.png", PNG); 4];
        let refusals: [(&[Upload], &str); 3] = [
            (&four, "最多上传 3 个附件"),
            (&[("attachment", "材料.zip", b"PK\x03\x04rest")], "不接收压缩包"),
            (&[("attachment", "照片.jpg", b"<html><script>alert(1)</script>")], "文件内容与扩展名 .jpg 不符"),
        ];
        for (files, reason) in refusals {
            let r = letter(app, files).await;
            assert_eq!(r.status, 422, "{reason}: {}", r.body);
            assert!(r.body.contains(reason), "{reason}: {}", r.body);
            assert!(r.body.contains("小区东门的路灯坏了一个月"), "typed text kept");
            assert!(r.body.contains("之前选择的附件需要重新选择"), "{}", r.body);
        }
        assert_eq!(cases(app, &editor).await["total"], 0, "nothing opened");
        // A form that takes no files refuses a multipart post; a letter without files is
        // taken multipart as well.
        let h = host("jb");
        let q = app.get(&h, "/forms/query").await;
        let token = hidden(&q.body, "token");
        let refused = app.post_multipart(&h, "/forms/query", &[("token", &token), ("code", "X")], &[]).await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert_eq!(letter(app, &[]).await.status, 200);
        let list = cases(app, &editor).await;
        assert_eq!(list["total"], 1, "{list}");
        let id = list["items"][0]["id"].as_i64().unwrap();
        let (_, c) = app.api(&editor, "GET", &format!("/api/v1/sites/jb/cases/{id}"), None).await;
        assert_eq!(c["files"], json!([]), "{c}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_retention_job_deletes_an_answered_letters_files_with_its_writers_details() {
    let app = TestApp::setup(zq_tests::Setup {
        backend: Some(zq_tests::Backend::Postgres),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 7,
        }),
        clock: Some(chrono::Utc::now()),
        env: vec![(
            "ZQ_INTERACTION__PERSONAL_DATA_RETENTION_DAYS".into(),
            "30".into(),
        )],
        ..Default::default()
    })
    .await;
    let editor = app
        .token("fd.editor", None, Some(("jb", TenantRole::Editor)))
        .await;
    let reviewer = app
        .token("fd.reviewer", None, Some(("jb", TenantRole::Reviewer)))
        .await;
    assert_eq!(
        letter(&app, &[("attachment", "路灯.png", PNG)])
            .await
            .status,
        200
    );
    let id = cases(&app, &editor).await["items"][0]["id"]
        .as_i64()
        .unwrap();
    for (who, step, body) in [
        (&editor, "accept", json!({})),
        (&editor, "draft_reply", json!({"text": "已修复。"})),
        (&reviewer, "approve_reply", json!({})),
    ] {
        let (s, c) = app
            .api(
                who,
                "POST",
                &format!("/api/v1/sites/jb/cases/{id}/{step}"),
                Some(body),
            )
            .await;
        assert_eq!(s, 200, "{step}: {c}");
    }
    let clock = app.store.clock();
    clock.set(clock.now() + chrono::Duration::days(31));
    let erased = zq_services::interaction::reminders::erase_expired(&app.services)
        .await
        .unwrap();
    assert_eq!(erased, 1);
    let (_, c) = app
        .api(
            &editor,
            "GET",
            &format!("/api/v1/sites/jb/cases/{id}"),
            None,
        )
        .await;
    assert_eq!(c["files"], json!([]), "{c}");
    assert!(stored(&app).await.is_empty(), "the sealed bytes are gone");
    app.finish().await;
}
