//! The demo, seeded once per test process: seeding the demo cluster takes seconds (every
//! tenant, column, article, case and consultation through the audited writes), and most
//! tests start from it. The first test that asks for the demo on a backend with given options
//! seeds a template — a SQLite file, or a PostgreSQL database — and every test then gets a
//! copy of it (a file copy, or `CREATE DATABASE … TEMPLATE`), which takes milliseconds.
//!
//! Only tests on the real clock use it (a test on a manual clock seeds its own demo at its
//! own time). Templates are named after the test process; those of processes that have ended
//! are removed when the next process makes its own.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, LazyLock, Mutex};

use sea_orm::{ConnectionTrait, Database};
use zhanqun::demo;
use zq_services::Services;
use zq_store::{Store, StoreOptions};

use crate::{Backend, DemoOptions, SUFFIX, postgres_admin_url};

type Key = (Backend, usize, u64);

static TEMPLATES: LazyLock<Mutex<HashMap<Key, Arc<tokio::sync::OnceCell<String>>>>> =
    LazyLock::new(Mutex::default);

const PREFIX: &str = "zqt_tmpl_";

/// The template of the demo as `opts` seeds it on `backend`: a SQLite file's path or a
/// PostgreSQL database's name. Made by the first caller; the others wait for it.
pub(crate) async fn demo(backend: Backend, opts: DemoOptions) -> String {
    let key = (backend, opts.news_articles, opts.seed);
    let cell = TEMPLATES
        .lock()
        .expect("templates")
        .entry(key)
        .or_default()
        .clone();
    cell.get_or_init(|| make(backend, opts)).await.clone()
}

/// Seeds the demo as `opts` says into `store`, as every test that starts from the demo has
/// it: without the reporting history, so tests count their own submissions exactly
/// (tests/reporting_demo.rs seeds the history itself).
pub(crate) async fn seed(store: &Store, opts: DemoOptions) {
    let suffix = zq_domain::Host::parse(SUFFIX).expect("suffix");
    demo::seed_with(
        &Services::new(store.clone()),
        &suffix,
        opts,
        demo::HistoryOptions::NONE,
    )
    .await
    .expect("seed demo");
}

/// Whether the test process `name` was made by is gone (`zqt_tmpl_{pid}_…`).
fn orphaned(name: &str) -> bool {
    name.strip_prefix(PREFIX)
        .and_then(|rest| rest.split('_').next())
        .and_then(|pid| pid.parse::<u32>().ok())
        .is_some_and(|pid| {
            pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists()
        })
}

async fn make(backend: Backend, opts: DemoOptions) -> String {
    let name = format!(
        "{PREFIX}{}_{}_{}",
        std::process::id(),
        opts.news_articles,
        opts.seed
    );
    let url = match backend {
        Backend::Sqlite => {
            let tmp = std::env::temp_dir();
            if let Ok(entries) = std::fs::read_dir(&tmp) {
                for e in entries.flatten() {
                    if e.file_name().to_str().is_some_and(orphaned) {
                        std::fs::remove_dir_all(e.path()).ok();
                    }
                }
            }
            let dir = tmp.join(&name);
            std::fs::remove_dir_all(&dir).ok();
            std::fs::create_dir_all(&dir).expect("template directory");
            format!("sqlite://{}?mode=rwc", dir.join("zhanqun.sqlite").display())
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let admin = Database::connect(admin_url.as_str())
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is needed: {e}"));
            let rows = admin
                .query_all_raw(sea_orm::Statement::from_string(
                    admin.get_database_backend(),
                    format!("SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%'"),
                ))
                .await
                .expect("list databases");
            for r in rows {
                let old: String = r.try_get("", "datname").expect("datname");
                if old == name || orphaned(&old) {
                    admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {old} WITH (FORCE)"))
                        .await
                        .ok();
                }
            }
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create the template database");
            admin.close().await.ok();
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin_url);
            format!("{base}/{name}")
        }
    };
    let store = Store::open(&StoreOptions::new(url.clone()))
        .await
        .expect("open the template database");
    seed(&store, opts).await;
    // Every connection closed: SQLite's file is complete, PostgreSQL copies only a database
    // nobody is connected to.
    store.close().await.expect("close the template database");
    if backend == Backend::Sqlite {
        // Whatever the write-ahead log still holds goes into the file that is copied.
        let db = Database::connect(url.as_str())
            .await
            .expect("reopen the template");
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .expect("checkpoint the template");
        db.close().await.ok();
    }
    match backend {
        Backend::Sqlite => std::env::temp_dir()
            .join(&name)
            .join("zhanqun.sqlite")
            .display()
            .to_string(),
        Backend::Postgres => name,
    }
}
