//! The restore drill (issue 15, deliver 5): the demo cluster is backed up, its database
//! destroyed, the backup verified and restored into an empty database, and a server on the
//! restored database renders every public page byte for byte as before, with every audit row
//! the same; a restore never writes over a database that has tables, and a damaged backup is
//! refused. On both databases; the times are printed.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use zq_tests::{Backend, DemoOptions, Setup, TestApp, TestDatabase};

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn setup(
    backend: Backend,
    at: chrono::DateTime<chrono::Utc>,
    database: Option<TestDatabase>,
    demo: bool,
) -> Setup {
    Setup {
        backend: Some(backend),
        demo: demo.then_some(DemoOptions {
            news_articles: 6,
            seed: 11,
        }),
        clock: Some(at),
        database,
        // Page views would change the counts the pages show between the two renders.
        env: vec![("ZQ_VISITS__ENABLED".into(), "false".into())],
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_of_the_demo_restores_every_public_page_and_audit_row_byte_for_byte() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let at = chrono::Utc::now();
        let work =
            std::env::temp_dir().join(format!("zq-drill-{}-{backend:?}", std::process::id()));
        let _ = std::fs::remove_dir_all(&work);
        let app = TestApp::setup(setup(backend, at, None, true)).await;
        let before = zhanqun::export::export(app.state(), &work.join("before"), 80)
            .await
            .unwrap();
        assert!(before.pages > 100, "the demo's pages: {before:?}");
        let audit = app.store.audit_log(None, 1_000_000).await.unwrap();
        assert!(!audit.is_empty());

        let started = Instant::now();
        let (dir, manifest) =
            zhanqun::backup::backup(&app.store, &app.direct_database_url, &work.join("backups"))
                .await
                .unwrap();
        let backup_time = started.elapsed();
        assert_eq!(manifest.audit_rows, audit.len() as u64);
        assert_eq!(manifest.audit_head, audit[0].hash);
        zhanqun::backup::verify(&dir).await.unwrap();
        // Destroy the cluster's database.
        app.finish().await;

        // A damaged copy is refused.
        let damaged = work.join("damaged");
        std::fs::create_dir_all(&damaged).unwrap();
        for f in ["manifest.json", &manifest.file] {
            std::fs::copy(dir.join(f), damaged.join(f)).unwrap();
        }
        let mut bytes = std::fs::read(damaged.join(&manifest.file)).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0xff;
        std::fs::write(damaged.join(&manifest.file), bytes).unwrap();
        let e = zhanqun::backup::verify(&damaged)
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("与清单不符"), "{e}");

        let target = TestDatabase::create(backend).await;
        let started = Instant::now();
        zhanqun::backup::restore(&dir, &target.url).await.unwrap();
        let restore_time = started.elapsed();
        let e = zhanqun::backup::restore(&dir, &target.url)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("目标数据库不为空"),
            "never over a database with tables: {e}"
        );
        println!(
            "restore drill on {backend:?}: {} pages, {} audit rows, backup {} bytes in {backup_time:?}, restore in {restore_time:?}",
            before.pages,
            audit.len(),
            manifest.bytes
        );

        let restored = TestApp::setup(setup(backend, at, Some(target), false)).await;
        let after = zhanqun::export::export(restored.state(), &work.join("after"), 80)
            .await
            .unwrap();
        assert_eq!(after.pages, before.pages);
        let (a, b) = (files(&work.join("before")), files(&work.join("after")));
        assert_eq!(a.len(), b.len());
        for (path, bytes) in &a {
            assert!(
                b.get(path) == Some(bytes),
                "{path} differs after the restore"
            );
        }
        let again = restored.store.audit_log(None, 1_000_000).await.unwrap();
        assert_eq!(again.len(), audit.len());
        for (x, y) in audit.iter().zip(&again) {
            assert_eq!(
                (x.id, &x.hash, x.at, &x.entry.action, &x.entry.object),
                (y.id, &y.hash, y.at, &y.entry.action, &y.entry.object)
            );
        }
        assert!(
            restored
                .store
                .verify_audit_chain()
                .await
                .unwrap()
                .broken_at
                .is_none(),
            "the chain holds"
        );
        restored.finish().await;
        let _ = std::fs::remove_dir_all(&work);
    }
}

/// Scheduled backups (the leased job `scheduled_backup`): each run writes a backup that
/// verifies and keeps only the newest `backup.keep`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_backups_verify_and_keep_only_the_newest() {
    use zq_services::jobs::Job;
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::demo(backend).await;
        let dir = std::env::temp_dir().join(format!(
            "zq-scheduled-backups-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        let job = zhanqun::backup_job::ScheduledBackup {
            every: std::time::Duration::from_secs(86_400),
            dir: dir.clone(),
            keep: 2,
            database_url: app.direct_database_url.clone(),
        };
        assert_eq!(job.name(), "scheduled_backup");
        for _ in 0..3 {
            job.run(&app.services).await.expect("a scheduled backup");
            // Names carry milliseconds; keep them apart.
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let mut kept: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        kept.sort();
        assert_eq!(kept.len(), 2, "{kept:?}");
        for d in &kept {
            let m = zhanqun::backup::verify(d).await.expect("it verifies");
            assert!(m.audit_rows > 0);
        }
        let _ = std::fs::remove_dir_all(&dir);
        app.finish().await;
    }
}
