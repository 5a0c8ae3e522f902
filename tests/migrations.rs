//! The schema's migrations can be undone: on SQLite and on PostgreSQL, going all the way down
//! leaves only sea-orm's bookkeeping table, and going up again gives exactly the schema the first
//! `up` gave; stepping down one migration at a time passes through exactly the schemas stepping
//! up passed through.
//!
//! The schema is read from the database itself: on SQLite from `sqlite_master` (each table's and
//! index's SQL) and the `table_info`/`index_list`/`index_info` pragmas; on PostgreSQL from
//! `information_schema.columns`, `pg_indexes` and `pg_constraint` for the schema `public`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use zq_migrations::{Migrator, MigratorTrait};

#[tokio::test]
async fn every_migration_goes_down_and_up_again_to_the_same_schema_on_sqlite() {
    on_sqlite(all_the_way_down_and_up_again).await;
}

#[tokio::test]
async fn every_migration_goes_down_and_up_again_to_the_same_schema_on_postgres() {
    on_postgres(all_the_way_down_and_up_again).await;
}

#[tokio::test]
async fn each_migration_down_restores_the_schema_from_before_its_up_on_sqlite() {
    on_sqlite(one_step_at_a_time).await;
}

#[tokio::test]
async fn each_migration_down_restores_the_schema_from_before_its_up_on_postgres() {
    on_postgres(one_step_at_a_time).await;
}

/// `up`, `down` to nothing, `up` again: the same schema both times, and nothing left in between.
async fn all_the_way_down_and_up_again(db: DatabaseConnection) {
    Migrator::up(&db, None).await.expect("first up");
    let first = schema(&db).await;
    // The reader sees columns, indexes and foreign keys (else comparing would prove nothing).
    for expected in [
        "column articles.title ",
        "column submissions.external_published_at ",
        "index articles articles_tenant_published",
        "index submissions submissions_channel_external",
    ] {
        assert!(
            first.iter().any(|l| l.starts_with(expected)),
            "the schema read after up has no {expected:?}:\n{}",
            first.join("\n")
        );
    }
    assert!(
        first
            .iter()
            .any(|l| l.contains("REFERENCES") || l.starts_with("foreign key ")),
        "the schema read after up has no foreign key:\n{}",
        first.join("\n")
    );

    Migrator::down(&db, None).await.expect("down all the way");
    let left = leftovers(&db).await;
    assert!(
        left.is_empty(),
        "after going all the way down, only seaql_migrations may remain, but there is:\n{}",
        left.join("\n")
    );
    let applied = applied_count(&db).await;
    assert_eq!(
        applied, 0,
        "seaql_migrations still lists {applied} migrations"
    );

    Migrator::up(&db, None).await.expect("second up");
    let second = schema(&db).await;
    assert_same_schema(&first, &second, "after down and up again");
    db.close().await.ok();
}

/// Up one migration at a time recording each schema, then down one at a time: after undoing
/// migration `k` the schema is the one recorded before applying it.
async fn one_step_at_a_time(db: DatabaseConnection) {
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    // sea-orm's bookkeeping table comes with the first `up` and stays: create it first.
    Migrator::install(&db)
        .await
        .expect("create seaql_migrations");
    // before[k]: the schema with the first k migrations applied.
    let mut before = vec![schema(&db).await];
    for name in &names {
        Migrator::up(&db, Some(1))
            .await
            .unwrap_or_else(|e| panic!("up {name}: {e}"));
        before.push(schema(&db).await);
    }
    for (k, name) in names.iter().enumerate().rev() {
        Migrator::down(&db, Some(1))
            .await
            .unwrap_or_else(|e| panic!("down {name}: {e}"));
        let now = schema(&db).await;
        assert_same_schema(&before[k], &now, &format!("after undoing {name}"));
    }
    db.close().await.ok();
}

fn assert_same_schema(expected: &[String], actual: &[String], when: &str) {
    if expected == actual {
        return;
    }
    let missing: Vec<&String> = expected.iter().filter(|l| !actual.contains(l)).collect();
    let extra: Vec<&String> = actual.iter().filter(|l| !expected.contains(l)).collect();
    panic!(
        "the schema differs {when}\n-- missing now:\n{}\n-- new now:\n{}",
        lines(&missing),
        lines(&extra)
    );
}

fn lines(v: &[&String]) -> String {
    v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
}

/// Every table with its columns, indexes (and on PostgreSQL constraints), one line each, sorted.
async fn schema(db: &DatabaseConnection) -> Vec<String> {
    let queries: &[&str] = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => &[
            // Each table's and index's SQL as SQLite keeps it.
            "SELECT 'object ' || type || ' ' || name || ' on ' || tbl_name || ': ' \
                 || coalesce(sql, '(implicit)') AS line \
             FROM sqlite_master \
             WHERE type <> 'table' OR name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
            "SELECT 'column ' || m.name || '.' || p.name || ' #' || p.cid || ' ' || p.type \
                 || ' notnull=' || p.\"notnull\" || ' default=' || coalesce(p.dflt_value, '-') \
                 || ' pk=' || p.pk AS line \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
            "SELECT 'index ' || m.name || ' ' || il.name || ' unique=' || il.\"unique\" \
                 || ' origin=' || il.origin || ' partial=' || il.partial || ' (' \
                 || (SELECT group_concat(coalesce(ii.name, '<expr>'), ', ') \
                     FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno) ii) \
                 || ')' AS line \
             FROM sqlite_master m JOIN pragma_index_list(m.name) il \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
            "SELECT 'foreign key ' || m.name || '.' || f.\"from\" || ' -> ' || f.\"table\" \
                 || '.' || coalesce(f.\"to\", '?') || ' on delete ' || f.on_delete \
                 || ' on update ' || f.on_update AS line \
             FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        ],
        sea_orm::DbBackend::Postgres => &[
            "SELECT 'column ' || table_name || '.' || column_name || ' #' || ordinal_position \
                 || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '') \
                 || ' nullable=' || is_nullable || ' default=' || coalesce(column_default, '-') \
                 AS line \
             FROM information_schema.columns WHERE table_schema = 'public'",
            "SELECT 'index ' || tablename || ' ' || indexname || ': ' || indexdef AS line \
             FROM pg_indexes WHERE schemaname = 'public'",
            "SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ': ' \
                 || pg_get_constraintdef(oid) AS line \
             FROM pg_constraint WHERE connamespace = 'public'::regnamespace",
        ],
        other => panic!("no schema reader for {other:?}"),
    };
    let mut out = Vec::new();
    for q in queries {
        out.extend(text_rows(db, q).await);
    }
    out.sort();
    out
}

/// Tables, indexes, sequences, views and types other than sea-orm's bookkeeping.
async fn leftovers(db: &DatabaseConnection) -> Vec<String> {
    let q = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            "SELECT type || ' ' || name AS line FROM sqlite_master \
             WHERE tbl_name <> 'seaql_migrations' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        }
        sea_orm::DbBackend::Postgres => {
            "SELECT 'relation ' || relname || ' (kind ' || relkind::text || ')' AS line FROM pg_class \
             WHERE relnamespace = 'public'::regnamespace \
               AND relname NOT IN ('seaql_migrations', 'seaql_migrations_pkey') \
             UNION ALL \
             SELECT 'type ' || typname AS line FROM pg_type \
             WHERE typnamespace = 'public'::regnamespace AND typtype IN ('e', 'd') \
             UNION ALL \
             SELECT 'function ' || proname AS line FROM pg_proc \
             WHERE pronamespace = 'public'::regnamespace"
        }
        other => panic!("no schema reader for {other:?}"),
    };
    let mut v = text_rows(db, q).await;
    v.sort();
    v
}

async fn applied_count(db: &DatabaseConnection) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM seaql_migrations",
        ))
        .await
        .expect("count applied migrations")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("count")
}

/// The `line` column of every row of `sql`.
async fn text_rows(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.try_get::<String>("", "line").expect("line"))
        .collect()
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    format!(
        "zqt_mig_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        fastrand::u32(..)
    )
}

/// Runs `body` on a new SQLite file, removed afterwards (also when `body` panics).
async fn on_sqlite<F, Fut>(body: F)
where
    F: FnOnce(DatabaseConnection) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir: PathBuf = std::env::temp_dir().join(unique_name());
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.join("schema.sqlite").display());
    let db = Database::connect(url.as_str()).await.expect("open SQLite");
    let outcome = tokio::spawn(body(db)).await;
    std::fs::remove_dir_all(&dir).ok();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Runs `body` on a new PostgreSQL database at `ZHANQUN_TEST_POSTGRES` (as tests/support/lib.rs
/// does), dropped afterwards (also when `body` panics).
async fn on_postgres<F, Fut>(body: F)
where
    F: FnOnce(DatabaseConnection) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let admin_url = std::env::var("ZHANQUN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = unique_name();
    let admin = Database::connect(admin_url.as_str())
        .await
        .unwrap_or_else(|e| {
            panic!(
                "PostgreSQL at {admin_url} is needed for this test (set ZHANQUN_TEST_POSTGRES): {e}"
            )
        });
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(&admin_url);
    let db = Database::connect(format!("{base}/{name}").as_str())
        .await
        .expect("open the test database");
    let outcome = tokio::spawn(body(db)).await;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .ok();
    admin.close().await.ok();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
