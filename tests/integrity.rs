//! Anti-tampering (防篡改, issue 15, deliver 3): a published article changed in the database
//! behind the platform's back is never served — the article page verifies its row against the
//! fingerprint its last audited write recorded and restores the last verified version first —
//! and the integrity scan finds and repairs the rest (restore, or withdraw when no version
//! verifies), audited with the evidence and counted for the alert; a stored file whose bytes
//! were changed is not served and is reported once. On a freshly seeded demo (with its year of
//! reporting history) the scan finds nothing and every published article can be verified.

use zq_domain::Host;
use zq_domain::access::TenantRole;
use zq_tests::{Backend, DemoOptions, TestApp, host};

/// A published article of `jb` (through the audited import): its id.
async fn published(app: &TestApp, title: &str, body: &str) -> i64 {
    let admin = app
        .token(
            &format!("jb.{}", fastrand::u32(..)),
            None,
            Some(("jb", TenantRole::SiteAdmin)),
        )
        .await;
    let slug = app.news_column(&admin, "jb").await["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut a = zq_tests::article(title, zq_domain::ArticleStatus::Published);
    a.body = body.into();
    app.add("jb", &slug, a).await.0
}

fn finding(metrics: &str, kind: &str) -> u64 {
    let prefix = format!("zhanqun_integrity_findings_total{{kind=\"{kind}\"}} ");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_changed_in_the_database_is_never_served_and_is_restored_or_withdrawn() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::demo(backend).await;
        let id = published(&app, "防汛工作部署会议召开", "<p>经审核发布的正文。</p>").await;
        let page = format!("/art/{id}.html");
        let first = app.get(&host("jb"), &page).await;
        assert_eq!(first.status, 200);
        assert!(first.body.contains("经审核发布的正文"));

        // Behind the platform's back: the published row only (its versions stay).
        app.tamper(&format!("UPDATE articles SET body = '<p>黑客植入的内容</p>', title = '篡改后的标题' WHERE id = {id}"),
        )
        .await;
        // The cached copy is the approved page; an uncached variant renders anew, and the
        // article page verifies its row first: the tampered text is never served.
        for variant in [format!("/hant{page}"), format!("/elder{page}")] {
            let r = app.get(&host("jb"), &variant).await;
            assert!(
                !r.body.contains("黑客") && !r.body.contains("篡改"),
                "{variant}: {}",
                r.body
            );
            assert_eq!(r.status, 200, "{variant}");
        }
        let jb = app
            .store
            .tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap())
            .await
            .unwrap()
            .unwrap();
        let a = app
            .store
            .published_article(jb.id, zq_domain::ArticleId(id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(a.title, "防汛工作部署会议召开", "restored in the database");
        assert!(a.body.contains("经审核发布的正文"));
        let log = app.store.audit_log(None, 50).await.unwrap();
        let restore = log
            .iter()
            .find(|r| r.entry.action == "integrity.restore")
            .expect("audited with the evidence");
        assert_eq!(restore.entry.object, format!("article:{id}"));
        assert!(
            restore.entry.before_hash.is_some(),
            "the tampered fingerprint"
        );
        assert_ne!(restore.entry.before_hash, restore.entry.after_hash);
        assert_eq!(
            finding(&app.metrics().await, "article_restored"),
            1,
            "counted for the alert"
        );

        // The scan finds what no visitor asked for; with its versions changed too, nothing
        // verifies and the article is withdrawn.
        let other = published(&app, "第二篇信息", "<p>第二篇正文。</p>").await;
        app.tamper(&format!(
            "UPDATE articles SET body = '<p>植入</p>' WHERE id = {other}"
        ))
        .await;
        app.tamper(&format!(
            "UPDATE article_versions SET body = '<p>植入</p>' WHERE article_id = {other}"
        ))
        .await;
        let report = zq_services::integrity::scan(&app.services).await.unwrap();
        // (The leased job may have run between the change and this scan; either way the
        // article was withdrawn once.)
        for (check, repair) in &report.tampered {
            assert_eq!((check.id.0, *repair), (other, zq_store::Repair::Withdrawn));
        }
        assert_eq!(
            app.get(&host("jb"), &format!("/art/{other}.html"))
                .await
                .status,
            404
        );
        let log = app.store.audit_log(None, 50).await.unwrap();
        assert!(log.iter().any(|r| r.entry.action == "integrity.withdraw"
            && r.entry.object == format!("article:{other}")));
        assert_eq!(finding(&app.metrics().await, "article_withdrawn"), 1);
        // Repaired: the next scan finds nothing.
        let again = zq_services::integrity::scan(&app.services).await.unwrap();
        assert!(again.tampered.is_empty(), "{:?}", again.tampered);
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_file_changed_behind_the_platforms_back_is_not_served_and_reported_once() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::demo(backend).await;
        let editor = app
            .token("jb.files", None, Some(("jb", TenantRole::Editor)))
            .await;
        let png: &[u8] =
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";
        let r = app
            .call(
                "POST",
                &host("jb"),
                "/api/v1/sites/jb/attachments?name=photo.png",
                &[
                    ("authorization", &format!("Bearer {editor}")),
                    ("content-type", "application/octet-stream"),
                ],
                png.to_vec(),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let url = v["url"].as_str().unwrap().to_owned();
        let sha = url.split('/').nth(2).unwrap().to_owned();
        assert_eq!(app.get(&host("jb"), &url).await.status, 200);
        let hex_bytes = match backend {
            Backend::Sqlite => "X'89504E470D0A1A0A00'".to_owned(),
            Backend::Postgres => "'\\x89504e470d0a1a0a00'::bytea".to_owned(),
        };
        app.tamper(&format!(
            "UPDATE blobs SET bytes = {hex_bytes} WHERE sha256 = '{sha}'"
        ))
        .await;
        assert_eq!(app.get(&host("jb"), &url).await.status, 404, "never served");
        let report = zq_services::integrity::scan(&app.services).await.unwrap();
        assert_eq!(report.bad_files, vec![sha.clone()]);
        zq_services::integrity::scan(&app.services).await.unwrap();
        let log = app.store.audit_log(None, 50).await.unwrap();
        let rows: Vec<_> = log
            .iter()
            .filter(|r| r.entry.action == "integrity.file")
            .collect();
        assert_eq!(rows.len(), 1, "reported once");
        assert_eq!(rows[0].entry.object, format!("file:{sha}"));
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seeded_demo_with_its_reporting_history_verifies_entirely() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::empty(backend).await;
        let suffix = Host::parse(zq_tests::SUFFIX).unwrap();
        zhanqun::demo::seed(
            &app.services,
            &suffix,
            DemoOptions {
                news_articles: 3,
                seed: 11,
            },
        )
        .await
        .unwrap();
        let report = zq_services::integrity::scan(&app.services).await.unwrap();
        assert!(report.articles > 500, "{} articles", report.articles);
        assert_eq!(
            report.unrecorded, 0,
            "every published article has a recorded fingerprint"
        );
        assert!(report.tampered.is_empty(), "{:?}", report.tampered);
        assert!(report.bad_files.is_empty());
        app.finish().await;
    }
}
