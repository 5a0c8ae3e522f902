//! Storage for Zhanqun through sea-orm, on SQLite (the embedded default) and PostgreSQL.
//!
//! The rest of the platform sees typed records (`model`) and tenant-scoped functions on
//! [`Store`]; sea-orm entities stay inside. Invariants:
//! - every function that reads or writes tenant content takes the `TenantId` it is scoped to
//!   and filters by it, so an id of another tenant finds nothing;
//! - article bodies are sanitized with ammonia on every write;
//! - multi-row writes run in one transaction.

mod articles;
mod audit;
mod audit_titles;
mod autosaves;
mod broadcasts;
mod bulk;
mod calendar;
mod changes;
mod clock;
mod columns;
mod consult;
mod desk;
mod editorial;
mod entity;
mod error;
mod events;
mod feeds;
mod files;
mod form_keys;
mod form_stash;
mod index_numbers;
mod inspection;
mod integrity;
mod interaction;
mod leases;
pub mod model;
mod recycle;
mod reporting;
mod reporting_figures;
mod reporting_seed;
mod revisions;
mod search;
mod search_office;
mod second_factor;
mod secrets;
mod sessions;
mod statistics;
mod tenants;
mod tls;
mod tokens;
mod users;
mod visits;
mod who;

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;

pub use audit::{
    AUDIT_RETENTION_DAYS, AuditEntry, AuditFilter, AuditRecord, ChainCheck, content_hash,
};
pub use clock::Clock;
pub use columns::ColumnChange;
pub use consult::{
    ALREADY_RESPONDED, ConsultChange, ConsultCounts, ConsultText, Consultation, Entry,
    EntryDecision, NewEntry, NewResponse, SurveyResponse,
};
pub use desk::{DeskArticle, DeskQuery};
pub use editorial::{
    ArticleListItem, ArticleQuery, ArticleVersion, EditorialArticle, EditorialError,
    ImportedArticle,
};
pub use error::StoreError;
pub use events::{BoxFuture, Event, EventHook};
pub use feeds::{FeedItem, FeedUnit, ImportReport, MAX_EXTERNAL_ID_BYTES, ReportFeedItem};
pub use files::{Attachment, UploadError};
pub use form_keys::FormClaim;
pub use inspection::{
    ColumnActivity, DayStanding, Finding, LinkResult, MAX_URL_LEN, ProbeResult, PublishedText,
    SiteLinks, UnansweredLetter,
};
pub use integrity::{ArticleCheck, Repair};
pub use interaction::{
    Case, CaseChange, CaseFigure, CaseFile, CaseFilter, CaseStep, HistoricCase, HistoricStep,
    Mailbox, NewCase, NewCaseFile, NewMailbox, NewReplyTemplate, PERSONAL_ERASED, Reminder,
    ReplyTemplate, StepRow,
};
pub use leases::JobRecord;
pub use model::*;
pub use recycle::{RecycleError, RecycledItem};
pub use reporting::{
    Channel, ChannelFeed, Decision, MAX_FEED_URL_BYTES, NewChannel, NewSubmission, ReportingError,
    Submission, SubmissionFilter,
};
pub use reporting_figures::{SubmissionRow, UnitFigures};
pub use reporting_seed::{HistoricItem, HistoryError, HistoryImport};
pub use revisions::{ArticleRevision, RevisionDone};
pub use search_office::{BestBet, NewBestBet, QueryCount, Synonym};
pub use second_factor::Totp;
pub use sessions::{Session, random_token};
pub use statistics::PublishedRow;
pub use tenants::SiteSettings;
pub use tls::{NewCertificate, StoredCertificate};
pub use tokens::{ApiToken, TOKEN_PREFIX};
pub use users::{NewUser, User};
pub use visits::{Served, VisitBatch};
pub use who::{Actor, Who};
pub use zq_domain::article::ArticleText;

/// Database connection settings.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// `sqlite://path?mode=rwc` or `postgres://user@host:port/db`.
    pub url: String,
    /// Largest number of pooled connections.
    pub max_connections: u32,
    /// How long a request waits for a pooled connection before the database counts as unavailable.
    pub acquire_timeout: Duration,
}

impl StoreOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 16,
            acquire_timeout: Duration::from_secs(1),
        }
    }
}

/// The database: a pooled connection plus the repository functions in this crate's modules.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    hook: events::HookSlot,
    /// Serialises audit appends in this process (see `append_audit`).
    audit_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Where every timestamp comes from.
    clock: Clock,
    /// The fingerprints of articles verified against the audit log (`integrity`), so the
    /// article page verifies its article without reading the log again.
    verified: integrity::Verified,
}

impl Store {
    /// Connects (creating the SQLite file if needed) without touching the schema.
    pub async fn connect(opts: &StoreOptions) -> Result<Store, StoreError> {
        let mut co = ConnectOptions::new(opts.url.clone());
        co.max_connections(opts.max_connections)
            .min_connections(1)
            .acquire_timeout(opts.acquire_timeout)
            .connect_timeout(Duration::from_secs(5))
            .sqlx_logging(false)
            // Read pages through a memory map and keep more of them per connection: the public
            // read path is almost all reads, and pread() per page showed up in profiles.
            .map_sqlx_sqlite_opts(|o| {
                o.pragma("mmap_size", "268435456")
                    .pragma("cache_size", "-16384")
            });
        let db = Database::connect(co)
            .await
            .map_err(StoreError::from_connect)?;
        if db.get_database_backend() == DbBackend::Sqlite {
            // WAL lets readers go on while a writer commits; it is a property of the file.
            db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
        }
        Ok(Store {
            db,
            hook: events::HookSlot::default(),
            audit_lock: Default::default(),
            clock: Clock::system(),
            verified: Default::default(),
        })
    }

    /// The same store reading time from `clock` (a manual clock in tests).
    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    /// The clock every timestamp is read from.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The current time by the store's clock.
    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Connects and brings the schema up to date.
    pub async fn open(opts: &StoreOptions) -> Result<Store, StoreError> {
        let store = Self::connect(opts).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// SQLite's own check of every page and index (`PRAGMA integrity_check`).
    pub async fn sqlite_integrity_ok(&self) -> Result<bool, StoreError> {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await?;
        let verdict: String = row
            .map(|r| r.try_get_by_index::<String>(0))
            .transpose()?
            .unwrap_or_default();
        Ok(verdict == "ok")
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        zq_migrations::Migrator::up(&self.db, None).await?;
        Ok(())
    }

    /// Names of migrations not yet applied.
    pub async fn pending_migrations(&self) -> Result<Vec<String>, StoreError> {
        Ok(zq_migrations::Migrator::get_pending_migrations(&self.db)
            .await?
            .iter()
            .map(|m| m.name().to_owned())
            .collect())
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await.map_err(StoreError::from_connect)
    }

    /// "sqlite" or "postgres", for logs and `/readyz`.
    pub fn backend_name(&self) -> &'static str {
        match self.db.get_database_backend() {
            DbBackend::Sqlite => "sqlite",
            DbBackend::Postgres => "postgres",
            _ => "other",
        }
    }

    /// Writes a consistent copy of a SQLite database to `path` while it is in use (`VACUUM
    /// INTO`); the file must not exist. Not for PostgreSQL (use pg_dump).
    pub async fn sqlite_snapshot(&self, path: &std::path::Path) -> Result<(), StoreError> {
        if self.db.get_database_backend() != DbBackend::Sqlite {
            return Err(StoreError::NotAllowed("not a SQLite database".into()));
        }
        let quoted = path.display().to_string().replace('\'', "''");
        self.db
            .execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
            .await?;
        Ok(())
    }

    /// Whether the database holds no table at all (a restore may only write into such a one).
    pub async fn is_empty_database(&self) -> Result<bool, StoreError> {
        let sql = match self.db.get_database_backend() {
            DbBackend::Sqlite => {
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            }
            _ => {
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()"
            }
        };
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                sql,
            ))
            .await?;
        let n: i64 = row
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        Ok(n == 0)
    }

    /// Closes the pool.
    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await?;
        Ok(())
    }
}

/// Sanitizes HTML from editors and imports: keeps structure and links, drops scripts, event
/// handlers, inline styles and `javascript:` URLs. The only classes kept are the editor's
/// paragraph formats (`zq_domain::html::BLOCK_CLASSES`: alignment, first-line indent).
pub fn sanitize_html(html: &str) -> String {
    static CLEANER: std::sync::LazyLock<ammonia::Builder<'static>> =
        std::sync::LazyLock::new(|| {
            let mut b = ammonia::Builder::default();
            for tag in ["p", "h2", "h3", "h4", "td", "th"] {
                b.add_allowed_classes(tag, zq_domain::html::BLOCK_CLASSES);
            }
            b
        });
    CLEANER.clean(html).to_string()
}
