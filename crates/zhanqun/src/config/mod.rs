//! Configuration: built-in defaults → optional TOML file (`--config FILE`) → environment.
//!
//! Three keys sit at the top level (`data_dir`, `host_suffix`, `log`); the others are grouped in
//! sections: `[http]`, `[db]`, `[cache]`, `[redis]`, `[jobs]`, `[feeds]`, `[interaction]`, `[metrics]`, `[tls]`, `[backup]`, `[search]`. In the
//! environment a top-level key is `ZQ_{KEY}` (`ZQ_DATA_DIR`) and a key of a section is
//! `ZQ_{SECTION}__{KEY}`, with a double underscore (`ZQ_DB__URL`,
//! `ZQ_HTTP__REQUEST_TIMEOUT_SECS`). Unknown keys are refused, the flat keys of earlier versions
//! (`database_url`, `ZQ_LISTEN`, …) with the key that replaced them; a wrong value names its
//! key as `section.key`. `zhanqun.example.toml` and README.md's configuration reference list
//! every key, and a test keeps both complete.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use config::Source as _;
use serde::Deserialize;

mod backup;
mod search;
mod tls;
pub use backup::BackupSchedule;
pub use search::SearchSettings;
pub use tls::TlsConfig;

/// Where case notifications are mailed from, and how often the mail job runs.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub mailer: zq_services::interaction::notify::Mailer,
    pub every: Duration,
    /// How often the daily digest job looks whether the day's digest is due (`mail.digest_secs`).
    pub digest_every: Duration,
}

/// The configuration as read, before validation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    data_dir: String,
    host_suffix: String,
    log: String,
    http: RawHttp,
    db: RawDb,
    cache: RawCache,
    redis: RawRedis,
    jobs: RawJobs,
    feeds: RawFeeds,
    interaction: RawInteraction,
    mail: RawMail,
    metrics: RawMetrics,
    visits: RawVisits,
    security: RawSecurity,
    tls: tls::RawTls,
    backup: backup::RawBackup,
    search: search::RawSearch,
}

/// `[http]`: the public listener and what it serves.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    listen: String,
    console_host: String,
    public_scheme: String,
    page_size: u32,
    request_timeout_secs: u64,
    header_read_timeout_secs: u64,
    body_read_timeout_secs: u64,
    trusted_proxies: String,
    tenant_refresh_secs: u64,
    form_submits_per_minute: u32,
    signin_per_minute: u32,
    api_per_minute: u32,
    form_min_fill_secs: u32,
    form_captcha_after: u32,
    public_test_form: bool,
    hant_keep: String,
}

/// `[db]`: the database and its pool.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDb {
    url: String,
    max_connections: u32,
    acquire_timeout_ms: u64,
}

/// `[cache]`: the page cache.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCache {
    enabled: bool,
    max_bytes: u64,
    ttl_secs: u64,
    stale_max_secs: u64,
}

/// `[redis]`: the optional shared cache, bus and session store.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRedis {
    url: String,
    prefix: String,
    page_key: String,
}

/// `[jobs]`: the leased background jobs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJobs {
    scheduler_tick_secs: u64,
    case_clock_secs: u64,
    probe_secs: u64,
    probe_base: String,
    link_secs: u64,
    link_timeout_secs: u64,
    integrity_secs: u64,
    recycle_keep_days: u32,
}

/// `[feeds]`: pulling the reporting channels' upstream feeds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeeds {
    pull_secs: u64,
    ca_file: String,
    allow_private: bool,
}

/// `[mail]`: case notifications by email (off without a server).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMail {
    smtp_url: String,
    from: String,
    every_secs: u64,
    digest_secs: u64,
}

/// `[interaction]`: mailboxes and other cases of the public.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInteraction {
    personal_data_key: String,
    personal_data_retention_days: u32,
    letter_days: u32,
    letter_extension_days: u32,
    site_error_days: u32,
    site_error_extension_days: u32,
    disclosure_days: u32,
    disclosure_extension_days: u32,
    interview_question_days: u32,
    interview_question_extension_days: u32,
}

/// `[metrics]`: the operations listener.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetrics {
    listen: String,
    prometheus_url: String,
    prometheus_job: String,
}

/// `[visits]`: the visit statistics (统计分析).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVisits {
    enabled: bool,
    flush_secs: u64,
}

/// `[security]`: sign-in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSecurity {
    second_factor_roles: String,
    password_max_age_days: u32,
    clamd: String,
    clamd_timeout_secs: u64,
    alert_email: String,
}

/// Validated settings, passed down explicitly.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address of the public HTTP listener (`http.listen`).
    pub listen: SocketAddr,
    /// Where the SQLite file and other local state live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…` (`db.url`).
    pub database_url: String,
    /// Optional shared cache, bus and session store (`redis.url`).
    pub redis_url: Option<String>,
    /// Prefix of every Redis key and channel, so several clusters can share one Redis
    /// (`redis.prefix`).
    pub redis_prefix: String,
    /// The key authenticating pages in Redis (`redis.page_key`); `None`: a secret kept in the
    /// database, shared by every node.
    pub redis_page_key: Option<String>,
    /// The cluster's host suffix: a tenant without configured hosts gets `{code}.{suffix}`.
    pub host_suffix: zq_domain::Host,
    /// The console's host: `console.{host_suffix}` unless `http.console_host` is set.
    pub console_host: zq_domain::Host,
    pub public_scheme: String,
    pub page_size: u32,
    pub request_timeout: Duration,
    pub header_read_timeout: Duration,
    /// A request's whole body must arrive within this time (`http.body_read_timeout_secs`).
    pub body_read_timeout: Duration,
    /// The reverse proxies whose `X-Forwarded-For` names the client (`http.trusted_proxies`).
    pub trusted_proxies: zq_http::client::TrustedProxies,
    pub tenant_refresh: Duration,
    /// How often scheduled articles are checked for publication (`jobs.scheduler_tick_secs`).
    pub scheduler_tick: Duration,
    /// How often the case reminders (due tomorrow, overdue) are noted (`jobs.case_clock_secs`).
    pub case_clock: Duration,
    /// How often every site is probed for availability (`jobs.probe_secs`).
    pub probe_every: Duration,
    /// Where the probes request the public sites (`jobs.probe_base`; this node's listener when
    /// empty).
    pub probe_base: String,
    /// How often every published link is checked (`jobs.link_secs`).
    pub link_every: Duration,
    /// How long one request of the link checker may take (`jobs.link_timeout_secs`).
    pub link_timeout: Duration,
    /// How often the integrity scan re-checks published content and files
    /// (`jobs.integrity_secs`).
    pub integrity_every: Duration,
    /// Days a deleted article or column stays in its site's 回收站 (`jobs.recycle_keep_days`).
    pub recycle_keep_days: u32,
    /// How often channels with an upstream feed are pulled (`feeds.pull_secs`).
    pub feed_pull: Duration,
    /// Case notifications by email (`[mail]`; `None`: off).
    pub mail: Option<MailConfig>,
    /// Extra trusted roots (PEM file `feeds.ca_file`) for pulling `https://` feeds, besides the
    /// system's; for an upstream portal with a private CA.
    pub feed_extra_roots: Vec<zq_http::fetch::Certificate>,
    /// Whether feed pulls and the link checker may ask loopback, private and reserved
    /// addresses (`feeds.allow_private`; off: refused, against SSRF). The probes' base is
    /// always asked.
    pub feed_allow_private: bool,
    /// The pool size (`db.max_connections`, chosen for the database when 0).
    pub db_max_connections: u32,
    pub db_acquire_timeout: Duration,
    /// The page cache (moka L1, Redis L2 when `redis.url` is set).
    pub cache: zq_cache::CacheConfig,
    /// Address of the operations listener serving `/metrics` (`metrics.listen`); `None` when
    /// set to "off".
    pub metrics_listen: Option<SocketAddr>,
    /// A Prometheus server scraping every node (`metrics.prometheus_url`): the operator's page
    /// shows the whole cluster from it. `None` when unset.
    pub prometheus_url: Option<String>,
    /// The scrape job of the nodes on that server (`metrics.prometheus_job`).
    pub prometheus_job: String,
    /// Count public page views for the visit statistics (`visits.enabled`).
    pub visits_enabled: bool,
    /// The roles that must sign in with a second factor (`security.second_factor_roles`).
    pub second_factor_roles: zq_domain::second_factor::RequiredRoles,
    /// Days a password may be used before it must be changed (`security.password_max_age_days`;
    /// 0: never).
    pub password_max_age_days: u32,
    /// The clamd every upload is scanned with (`security.clamd`; `None`: uploads are not
    /// scanned).
    pub clamd: Option<zq_services::malware::Clamd>,
    /// The office's addresses security alerts are mailed to (`security.alert_email`; empty:
    /// none).
    pub alert_email: Vec<String>,
    /// How often each node writes its counted views (`visits.flush_secs`).
    pub visits_flush: Duration,
    /// Public forms one client address may post per minute (per node).
    pub form_submits_per_minute: u32,
    /// Sign-in posts one client may make a minute, per node (`http.signin_per_minute`).
    pub signin_per_minute: u32,
    /// API requests one client, and one token, may make a minute, per node
    /// (`http.api_per_minute`).
    pub api_per_minute: u32,
    /// Seconds a form that opens a case must have been open before it is posted.
    pub form_min_fill_secs: u32,
    /// Case-opening posts one address may make an hour before a verification question is asked
    /// (0: never).
    pub form_captcha_after: u32,
    /// Serve the public form path's test form at `/forms/test` on every site.
    pub public_test_form: bool,
    /// Names the traditional (繁體) pages keep as written (`http.hant_keep`: separated by
    /// `,`, `，` or `、`).
    pub hant_keep: Vec<String>,
    /// The clocks of interaction cases and the key sealing writers' personal details
    /// (`[interaction]`).
    pub interaction: zq_services::interaction::InteractionSettings,
    /// The HTTPS listener (`[tls]`; `None`: plain HTTP only).
    pub tls: Option<TlsConfig>,
    /// Scheduled backups (`[backup]`; `None`: off).
    pub backup: Option<BackupSchedule>,
    /// This node's search index (`[search]`; `None`: off).
    pub search: Option<SearchSettings>,
    /// Log filter, e.g. `info` or `zq_http=debug,info`.
    pub log: String,
}

/// The `[interaction]` section checked: the clocks within the rules' bounds, the key 64 hex
/// digits when given.
fn interaction_settings(
    raw: RawInteraction,
) -> Result<zq_services::interaction::InteractionSettings, ConfigError> {
    use zq_domain::interaction::{ClockRule, ClockRules};
    let rule = |days, extension| ClockRule { days, extension };
    let rules = ClockRules {
        letter: rule(raw.letter_days, raw.letter_extension_days),
        site_error: rule(raw.site_error_days, raw.site_error_extension_days),
        disclosure: rule(raw.disclosure_days, raw.disclosure_extension_days),
        interview_question: rule(
            raw.interview_question_days,
            raw.interview_question_extension_days,
        ),
    };
    rules.check().map_err(|e| ConfigError::Value {
        key: "interaction.*_days",
        message: e.to_string(),
    })?;
    let sealer = match raw.personal_data_key.trim() {
        "" => None,
        key => Some(
            zq_services::interaction::Sealer::from_hex(key).map_err(|e| ConfigError::Value {
                key: "interaction.personal_data_key",
                message: e.to_string(),
            })?,
        ),
    };
    if raw.personal_data_retention_days > 36_500 {
        return Err(ConfigError::Value {
            key: "interaction.personal_data_retention_days",
            message: "at most 36500 days (0 keeps the details)".into(),
        });
    }
    Ok(zq_services::interaction::InteractionSettings {
        rules,
        sealer,
        retention_days: raw.personal_data_retention_days,
    })
}

/// A configuration that cannot be used: says which key and why.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {path}: {message}")]
    File { path: String, message: String },
    #[error("configuration: {0}")]
    Read(String),
    /// A value that does not read as its key's type, e.g. a word where a number belongs.
    #[error("configuration key `{key}`{}: {message}", origin_text(.origin))]
    Type {
        key: String,
        origin: Option<Origin>,
        message: String,
    },
    /// A value that reads but is not allowed.
    #[error("configuration key `{key}`: {message}")]
    Value { key: &'static str, message: String },
    /// Keys that are not configuration keys (any more): one line each.
    #[error("{}", lines(.0))]
    Keys(Vec<KeyProblem>),
}

/// A key in the file or the environment that is not a configuration key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyProblem {
    /// A flat key of earlier versions.
    #[error(
        "configuration key `{key}`{origin} was renamed: use `{}` (environment `{}`)",
        file_form(.new),
        env_name(.new)
    )]
    Renamed {
        key: String,
        origin: Origin,
        new: &'static str,
    },
    /// Not a key at all; `suggest` is the key probably meant.
    #[error("configuration key `{key}`{origin} is unknown{}", suggestion(.suggest))]
    Unknown {
        key: String,
        origin: Origin,
        suggest: Option<&'static str>,
    },
    /// A section's name given a value.
    #[error(
        "configuration key `{key}`{origin} is a section, not a value: set its keys, e.g. `{}` (environment `{}`)",
        file_form(.example),
        env_name(.example)
    )]
    Section {
        key: String,
        origin: Origin,
        example: &'static str,
    },
    /// A key that takes a value given a table (`[log]`).
    #[error("configuration key `{key}`{origin} takes a value, not a table")]
    Table { key: String, origin: Origin },
}

impl KeyProblem {
    /// The key as written (`section.key` for a key of a section).
    pub fn key(&self) -> &str {
        match self {
            KeyProblem::Renamed { key, .. }
            | KeyProblem::Unknown { key, .. }
            | KeyProblem::Section { key, .. }
            | KeyProblem::Table { key, .. } => key,
        }
    }
}

/// Where a key was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The configuration file at this path.
    File(String),
    /// This environment variable.
    Env(String),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::File(path) => write!(f, " in {path}"),
            Origin::Env(var) => write!(f, " (environment variable `{var}`)"),
        }
    }
}

fn lines(problems: &[KeyProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn origin_text(origin: &Option<Origin>) -> String {
    origin.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn suggestion(suggest: &Option<&'static str>) -> String {
    match suggest {
        Some(key) => format!(
            "; did you mean `{}` (environment `{}`)?",
            file_form(key),
            env_name(key)
        ),
        None => "; every key is listed in README.md's configuration reference and in \
                 zhanqun.example.toml"
            .into(),
    }
}

/// Every key (`section.key` inside a section) with its default, in the order of
/// `zhanqun.example.toml`; also documented in README.md's configuration reference.
pub const DEFAULTS: &[(&str, &str)] = &[
    ("data_dir", "./data"),
    ("host_suffix", "haichuan.localhost"),
    ("log", "info"),
    ("http.listen", "127.0.0.1:8080"),
    ("http.console_host", ""),
    ("http.public_scheme", "http"),
    ("http.page_size", "20"),
    ("http.request_timeout_secs", "30"),
    ("http.header_read_timeout_secs", "10"),
    ("http.body_read_timeout_secs", "60"),
    ("http.trusted_proxies", ""),
    ("http.tenant_refresh_secs", "5"),
    ("http.form_submits_per_minute", "10"),
    ("http.signin_per_minute", "30"),
    ("http.api_per_minute", "600"),
    ("http.form_min_fill_secs", "3"),
    ("http.form_captcha_after", "5"),
    ("http.public_test_form", "false"),
    ("http.hant_keep", ""),
    ("db.url", ""),
    ("db.max_connections", "0"),
    ("db.acquire_timeout_ms", "1000"),
    ("cache.enabled", "true"),
    ("cache.max_bytes", "67108864"),
    ("cache.ttl_secs", "600"),
    ("cache.stale_max_secs", "3600"),
    ("redis.url", ""),
    ("redis.prefix", "zq"),
    ("redis.page_key", ""),
    ("jobs.scheduler_tick_secs", "30"),
    ("jobs.case_clock_secs", "300"),
    ("jobs.probe_secs", "3600"),
    ("jobs.probe_base", ""),
    ("jobs.link_secs", "21600"),
    ("jobs.link_timeout_secs", "10"),
    ("jobs.integrity_secs", "600"),
    ("jobs.recycle_keep_days", "30"),
    ("feeds.pull_secs", "900"),
    ("feeds.ca_file", ""),
    ("feeds.allow_private", "false"),
    ("mail.smtp_url", ""),
    ("mail.from", "站群通知 <noreply@localhost>"),
    ("mail.every_secs", "60"),
    ("mail.digest_secs", "600"),
    ("interaction.personal_data_key", ""),
    ("interaction.personal_data_retention_days", "1095"),
    ("interaction.letter_days", "3"),
    ("interaction.letter_extension_days", "12"),
    ("interaction.site_error_days", "3"),
    ("interaction.site_error_extension_days", "2"),
    ("interaction.disclosure_days", "20"),
    ("interaction.disclosure_extension_days", "20"),
    ("interaction.interview_question_days", "5"),
    ("interaction.interview_question_extension_days", "10"),
    ("metrics.listen", "127.0.0.1:9464"),
    ("metrics.prometheus_url", ""),
    ("metrics.prometheus_job", "zhanqun"),
    ("visits.enabled", "true"),
    ("visits.flush_secs", "60"),
    (
        "security.second_factor_roles",
        "cluster_admin, site_admin, reviewer",
    ),
    ("security.password_max_age_days", "0"),
    ("security.clamd", ""),
    ("security.clamd_timeout_secs", "60"),
    ("security.alert_email", ""),
    ("tls.listen", ""),
    ("tls.dir", ""),
    ("tls.public_port", "0"),
    ("backup.dir", ""),
    ("backup.every_secs", "86400"),
    ("backup.keep", "7"),
    ("search.enabled", "true"),
    ("search.dir", ""),
    ("search.poll_millis", "1000"),
    ("search.per_minute", "60"),
    ("search.file_max_mb", "20"),
    ("search.file_seconds", "10"),
];

/// The sections, in the order of `zhanqun.example.toml`.
pub const SECTIONS: &[&str] = &[
    "http",
    "db",
    "cache",
    "redis",
    "jobs",
    "feeds",
    "interaction",
    "mail",
    "metrics",
    "visits",
    "security",
    "tls",
    "backup",
    "search",
];

/// The flat keys of earlier versions and the keys that replaced them.
pub const RENAMED: &[(&str, &str)] = &[
    ("listen", "http.listen"),
    ("console_host", "http.console_host"),
    ("public_scheme", "http.public_scheme"),
    ("page_size", "http.page_size"),
    ("request_timeout_secs", "http.request_timeout_secs"),
    ("header_read_timeout_secs", "http.header_read_timeout_secs"),
    ("tenant_refresh_secs", "http.tenant_refresh_secs"),
    ("form_submits_per_minute", "http.form_submits_per_minute"),
    ("public_test_form", "http.public_test_form"),
    ("database_url", "db.url"),
    ("db_max_connections", "db.max_connections"),
    ("db_acquire_timeout_ms", "db.acquire_timeout_ms"),
    ("cache_enabled", "cache.enabled"),
    ("cache_max_bytes", "cache.max_bytes"),
    ("cache_ttl_secs", "cache.ttl_secs"),
    ("stale_max_secs", "cache.stale_max_secs"),
    ("redis_url", "redis.url"),
    ("redis_prefix", "redis.prefix"),
    ("scheduler_tick_secs", "jobs.scheduler_tick_secs"),
    ("feed_pull_secs", "feeds.pull_secs"),
    ("feed_ca_file", "feeds.ca_file"),
    ("metrics_listen", "metrics.listen"),
];

/// Prefix of the environment variables read.
const ENV_PREFIX: &str = "ZQ_";

/// The environment variable setting `key`: `ZQ_DATA_DIR`, `ZQ_DB__URL`.
pub fn env_name(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.replace('.', "__").to_uppercase())
}

/// The key an environment variable sets (`ZQ_DB__URL` → `db.url`), as the `config` crate's
/// `Environment` source with prefix `ZQ`, prefix separator `_` and separator `__` reads it;
/// `None` for a variable without the prefix.
fn key_of_env(var: &str) -> Option<String> {
    var.strip_prefix(ENV_PREFIX)
        .map(|k| k.to_lowercase().replace("__", "."))
}

/// How the file names `key`: `[db] url`, or the key itself at the top level.
fn file_form(key: &str) -> String {
    match key.split_once('.') {
        Some((section, k)) => format!("[{section}] {k}"),
        None => key.to_owned(),
    }
}

fn known(key: &str) -> Option<&'static str> {
    DEFAULTS.iter().map(|(k, _)| *k).find(|k| *k == key)
}

fn renamed(key: &str) -> Option<&'static str> {
    RENAMED
        .iter()
        .find(|(old, _)| *old == key)
        .map(|(_, new)| *new)
}

/// What is wrong with `key` (`key` or `section.key`), if anything.
fn key_problem(key: &str, origin: &Origin) -> Option<KeyProblem> {
    if known(key).is_some() {
        return None;
    }
    if let Some(new) = renamed(key) {
        return Some(KeyProblem::Renamed {
            key: key.to_owned(),
            origin: origin.clone(),
            new,
        });
    }
    if SECTIONS.contains(&key) {
        let example = DEFAULTS
            .iter()
            .map(|(k, _)| *k)
            .find(|k| k.split_once('.').is_some_and(|(s, _)| s == key))
            .unwrap_or(DEFAULTS[0].0);
        return Some(KeyProblem::Section {
            key: key.to_owned(),
            origin: origin.clone(),
            example,
        });
    }
    // An old name inside a section (`[db] database_url`), or a single underscore where the
    // environment wants two (`ZQ_HTTP_LISTEN`).
    let last = key.rsplit('.').next().unwrap_or(key);
    let suggest = renamed(last).or_else(|| {
        key.match_indices('_')
            .find_map(|(i, _)| known(&format!("{}.{}", &key[..i], &key[i + 1..])))
    });
    Some(KeyProblem::Unknown {
        key: key.to_owned(),
        origin: origin.clone(),
        suggest,
    })
}

/// The problems of the keys in a configuration file.
fn file_problems(table: &config::Map<String, config::Value>, origin: &Origin) -> Vec<KeyProblem> {
    let check = |key: String, value: &config::Value| match &value.kind {
        config::ValueKind::Table(_) if known(&key).is_some() => Some(KeyProblem::Table {
            key,
            origin: origin.clone(),
        }),
        _ => key_problem(&key, origin),
    };
    let mut problems = Vec::new();
    for (key, value) in table {
        match &value.kind {
            config::ValueKind::Table(inner) if SECTIONS.contains(&key.as_str()) => {
                problems.extend(
                    inner
                        .iter()
                        .filter_map(|(k, v)| check(format!("{key}.{k}"), v)),
                );
            }
            _ => problems.extend(check(key.clone(), value)),
        }
    }
    problems.sort_by(|a, b| a.key().cmp(b.key()));
    problems
}

impl Config {
    /// Loads defaults, then `file` if given, then `ZQ_*` variables from `env`.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut b = config::Config::builder();
        for (k, v) in DEFAULTS {
            b = b
                .set_default(*k, *v)
                .map_err(|e| ConfigError::Read(e.to_string()))?;
        }
        let mut problems = Vec::new();
        if let Some(path) = file {
            let shown = path.display().to_string();
            if !path.is_file() {
                return Err(ConfigError::File {
                    path: shown,
                    message: "no such file".into(),
                });
            }
            let source = config::File::from(path)
                .format(config::FileFormat::Toml)
                .required(true);
            let table = source.collect().map_err(|e| ConfigError::File {
                path: shown.clone(),
                message: e.to_string(),
            })?;
            problems.extend(file_problems(&table, &Origin::File(shown)));
            b = b.add_source(source);
        }
        let env: HashMap<String, String> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX))
            .collect();
        // Which variable set which key, to name it in messages.
        let mut vars: Vec<(String, String)> = env
            .keys()
            .filter_map(|var| key_of_env(var).map(|key| (key, var.clone())))
            .collect();
        vars.sort();
        problems.extend(
            vars.iter()
                .filter_map(|(key, var)| key_problem(key, &Origin::Env(var.clone()))),
        );
        if !problems.is_empty() {
            return Err(ConfigError::Keys(problems));
        }
        b = b.add_source(
            config::Environment::with_prefix("ZQ")
                .prefix_separator("_")
                .separator("__")
                .source(Some(env)),
        );
        let raw: Raw = b
            .build()
            .and_then(|c| c.try_deserialize())
            .map_err(|e| read_error(e, file, &vars))?;
        Self::validate(raw)
    }

    fn validate(raw: Raw) -> Result<Config, ConfigError> {
        let bad = |key, message: String| ConfigError::Value { key, message };
        let Raw {
            data_dir,
            host_suffix,
            log,
            http,
            db,
            cache,
            redis,
            jobs,
            feeds,
            interaction,
            mail,
            metrics,
            visits,
            security,
            tls,
            backup,
            search,
        } = raw;
        let listen = http.listen.parse::<SocketAddr>().map_err(|_| {
            bad(
                "http.listen",
                format!(
                    "expected an address like 127.0.0.1:8080, got {:?}",
                    http.listen
                ),
            )
        })?;
        if data_dir.trim().is_empty() {
            return Err(bad("data_dir", "must not be empty".into()));
        }
        let data_dir = PathBuf::from(&data_dir);
        let backup = backup::check(backup, &data_dir)?;
        let search = search::check(search, &data_dir)?;
        let database_url = if db.url.trim().is_empty() {
            format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("zhanqun.sqlite").display()
            )
        } else if db.url.starts_with("sqlite:")
            || db.url.starts_with("postgres://")
            || db.url.starts_with("postgresql://")
        {
            db.url.clone()
        } else {
            return Err(bad(
                "db.url",
                format!(
                    "expected sqlite://… or postgres://…, got {:?}",
                    redact(&db.url)
                ),
            ));
        };
        let redis_url = match redis.url.trim() {
            "" => None,
            u if u.starts_with("redis://") || u.starts_with("rediss://") => Some(u.to_owned()),
            u => {
                return Err(bad(
                    "redis.url",
                    format!("expected redis://…, got {:?}", redact(u)),
                ));
            }
        };
        if redis.prefix.is_empty()
            || redis.prefix.len() > 64
            || redis.prefix.contains(char::is_whitespace)
        {
            return Err(bad(
                "redis.prefix",
                format!(
                    "expected 1-64 characters without spaces, got {:?}",
                    redis.prefix
                ),
            ));
        }
        let host_suffix =
            zq_domain::Host::parse(&host_suffix).map_err(|e| bad("host_suffix", e.to_string()))?;
        let console_host = match http.console_host.trim() {
            "" => zq_domain::Host::parse(&format!("console.{host_suffix}")),
            h => zq_domain::Host::parse(h),
        }
        .map_err(|e| bad("http.console_host", e.to_string()))?;
        if !matches!(http.public_scheme.as_str(), "http" | "https") {
            return Err(bad(
                "http.public_scheme",
                format!("expected http or https, got {:?}", http.public_scheme),
            ));
        }
        if !(1..=200).contains(&http.page_size) {
            return Err(bad(
                "http.page_size",
                format!("expected 1 to 200, got {}", http.page_size),
            ));
        }
        let secs = |key, v: u64, max: u64| {
            if (1..=max).contains(&v) {
                Ok(Duration::from_secs(v))
            } else {
                Err(bad(key, format!("expected 1 to {max} seconds, got {v}")))
            }
        };
        if db.max_connections > 1000 {
            return Err(bad(
                "db.max_connections",
                format!(
                    "expected 1 to 1000 (0 = chosen for the database), got {}",
                    db.max_connections
                ),
            ));
        }
        let db_max_connections = match db.max_connections {
            0 => default_pool_size(&database_url),
            n => n,
        };
        if !(50..=60_000).contains(&db.acquire_timeout_ms) {
            return Err(bad(
                "db.acquire_timeout_ms",
                format!("expected 50 to 60000, got {}", db.acquire_timeout_ms),
            ));
        }
        tracing_subscriber::EnvFilter::try_new(&log).map_err(|e| bad("log", e.to_string()))?;
        if !(1024 * 1024..=64 * 1024 * 1024 * 1024).contains(&cache.max_bytes) {
            return Err(bad(
                "cache.max_bytes",
                format!("expected 1 MiB to 64 GiB in bytes, got {}", cache.max_bytes),
            ));
        }
        let metrics_listen = match metrics.listen.trim() {
            "" | "off" => None,
            a => Some(a.parse::<SocketAddr>().map_err(|_| {
                bad(
                    "metrics.listen",
                    format!("expected an address like 127.0.0.1:9464 or \"off\", got {a:?}"),
                )
            })?),
        };
        let prometheus_url = match metrics.prometheus_url.trim() {
            "" => None,
            u if (u.starts_with("http://") || u.starts_with("https://"))
                && u.parse::<axum::http::Uri>().is_ok() =>
            {
                Some(u.trim_end_matches('/').to_owned())
            }
            u => {
                return Err(bad(
                    "metrics.prometheus_url",
                    format!("expected an address like http://127.0.0.1:9090, got {u:?}"),
                ));
            }
        };
        let prometheus_job = metrics.prometheus_job.trim().to_owned();
        if prometheus_job.is_empty()
            || !prometheus_job
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.:".contains(c))
        {
            return Err(bad(
                "metrics.prometheus_job",
                format!("expected a scrape job name like zhanqun, got {prometheus_job:?}"),
            ));
        }
        let feed_extra_roots = match feeds.ca_file.trim() {
            "" => Vec::new(),
            f => zq_http::fetch::load_ca_file(Path::new(f))
                .map_err(|e| bad("feeds.ca_file", e.to_string()))?,
        };
        for (key, value, max) in [
            (
                "http.form_submits_per_minute",
                http.form_submits_per_minute,
                10_000,
            ),
            ("http.signin_per_minute", http.signin_per_minute, 10_000),
            ("http.api_per_minute", http.api_per_minute, 1_000_000),
        ] {
            if !(1..=max).contains(&value) {
                return Err(bad(key, format!("expected 1 to {max}, got {value}")));
            }
        }
        if http.form_captcha_after > 10_000 {
            return Err(bad(
                "http.form_captcha_after",
                format!("expected 0 to 10000, got {}", http.form_captcha_after),
            ));
        }
        if http.form_min_fill_secs > 60 {
            return Err(bad(
                "http.form_min_fill_secs",
                format!("expected 0 to 60, got {}", http.form_min_fill_secs),
            ));
        }
        let interaction = interaction_settings(interaction)?;
        // The inspection counts 20 probes a day at least.
        if !(60..=4320).contains(&jobs.probe_secs) {
            return Err(bad(
                "jobs.probe_secs",
                format!("expected 60 to 4320 (20 a day), got {}", jobs.probe_secs),
            ));
        }
        let probe_base = match jobs.probe_base.trim() {
            "" => {
                let host = match listen.ip() {
                    ip if ip.is_unspecified() && ip.is_ipv6() => "[::1]".to_owned(),
                    ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
                    std::net::IpAddr::V6(ip) => format!("[{ip}]"),
                    ip => ip.to_string(),
                };
                format!("http://{host}:{}", listen.port())
            }
            b if b.starts_with("http://") || b.starts_with("https://") => {
                b.trim_end_matches('/').to_owned()
            }
            b => {
                return Err(bad(
                    "jobs.probe_base",
                    format!("expected an address like http://127.0.0.1:8080, got {b:?}"),
                ));
            }
        };
        let page_cache = zq_cache::CacheConfig {
            enabled: cache.enabled,
            max_bytes: cache.max_bytes,
            ttl: secs("cache.ttl_secs", cache.ttl_secs, 86_400)?,
            stale_max: secs("cache.stale_max_secs", cache.stale_max_secs, 7 * 86_400)?,
        };
        Ok(Config {
            listen,
            data_dir,
            database_url,
            redis_url,
            redis_prefix: redis.prefix,
            redis_page_key: match redis.page_key.trim() {
                "" => None,
                k if k.len() < 32 => {
                    return Err(bad(
                        "redis.page_key",
                        "use at least 32 characters (e.g. `openssl rand -hex 32`)".into(),
                    ));
                }
                k => Some(k.to_owned()),
            },
            host_suffix,
            console_host,
            public_scheme: http.public_scheme,
            page_size: http.page_size,
            request_timeout: secs("http.request_timeout_secs", http.request_timeout_secs, 3600)?,
            header_read_timeout: secs(
                "http.header_read_timeout_secs",
                http.header_read_timeout_secs,
                300,
            )?,
            body_read_timeout: secs(
                "http.body_read_timeout_secs",
                http.body_read_timeout_secs,
                3600,
            )?,
            trusted_proxies: zq_http::client::TrustedProxies::parse(&http.trusted_proxies)
                .map_err(|e| bad("http.trusted_proxies", e))?,
            tenant_refresh: secs("http.tenant_refresh_secs", http.tenant_refresh_secs, 3600)?,
            scheduler_tick: secs("jobs.scheduler_tick_secs", jobs.scheduler_tick_secs, 3600)?,
            case_clock: secs("jobs.case_clock_secs", jobs.case_clock_secs, 86_400)?,
            probe_every: Duration::from_secs(jobs.probe_secs),
            probe_base,
            link_every: secs("jobs.link_secs", jobs.link_secs, 7 * 86_400)?,
            link_timeout: secs("jobs.link_timeout_secs", jobs.link_timeout_secs, 60)?,
            integrity_every: secs("jobs.integrity_secs", jobs.integrity_secs, 86_400)?,
            recycle_keep_days: match jobs.recycle_keep_days {
                d @ 1..=3650 => d,
                _ => {
                    return Err(bad(
                        "jobs.recycle_keep_days",
                        "应为 1 到 3650 之间的天数".into(),
                    ));
                }
            },
            feed_pull: secs("feeds.pull_secs", feeds.pull_secs, 86_400)?,
            feed_extra_roots,
            feed_allow_private: feeds.allow_private,
            db_max_connections,
            db_acquire_timeout: Duration::from_millis(db.acquire_timeout_ms),
            cache: page_cache,
            metrics_listen,
            prometheus_url,
            prometheus_job,
            form_submits_per_minute: http.form_submits_per_minute,
            signin_per_minute: http.signin_per_minute,
            api_per_minute: http.api_per_minute,
            form_min_fill_secs: http.form_min_fill_secs,
            form_captcha_after: http.form_captcha_after,
            public_test_form: http.public_test_form,
            hant_keep: http
                .hant_keep
                .split([',', '，', '、'])
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .collect(),
            interaction,
            mail: match mail.smtp_url.trim() {
                "" => None,
                url => Some(MailConfig {
                    mailer: zq_services::interaction::notify::Mailer::new(url, &mail.from)
                        .map_err(|e| bad("mail.smtp_url", e))?,
                    every: secs("mail.every_secs", mail.every_secs, 86_400)?,
                    digest_every: secs("mail.digest_secs", mail.digest_secs, 86_400)?,
                }),
            },
            visits_enabled: visits.enabled,
            second_factor_roles: zq_domain::second_factor::RequiredRoles::parse(
                &security.second_factor_roles,
            )
            .map_err(|e| bad("security.second_factor_roles", e))?,
            password_max_age_days: match security.password_max_age_days {
                d @ 0..=3650 => d,
                d => {
                    return Err(bad(
                        "security.password_max_age_days",
                        format!("expected 0 to 3650, got {d}"),
                    ));
                }
            },
            clamd: match security.clamd.trim() {
                "" => None,
                addr => Some(
                    zq_services::malware::Clamd::parse(
                        addr,
                        secs(
                            "security.clamd_timeout_secs",
                            security.clamd_timeout_secs,
                            600,
                        )?,
                    )
                    .map_err(|e| bad("security.clamd", e))?,
                ),
            },
            alert_email: alert_email(&security.alert_email, mail.smtp_url.trim().is_empty())?,
            visits_flush: secs("visits.flush_secs", visits.flush_secs, 3600)?,
            tls: tls::check(tls)?,
            backup,
            search,
            log,
        })
    }

    /// The database URL without its password, for logs.
    pub fn database_url_redacted(&self) -> String {
        redact(&self.database_url)
    }
}

/// A value the `config` crate could not read as its key's type, named by its key and where it
/// was given.
fn read_error(
    e: config::ConfigError,
    file: Option<&Path>,
    vars: &[(String, String)],
) -> ConfigError {
    let (key, message) = match &e {
        config::ConfigError::Type {
            unexpected,
            expected,
            key: Some(key),
            ..
        } => (
            key.clone(),
            format!("invalid type: {unexpected}, expected {expected}"),
        ),
        config::ConfigError::At {
            error,
            key: Some(key),
            ..
        } => (key.clone(), error.to_string()),
        config::ConfigError::FileParse { .. } if file.is_some() => {
            return ConfigError::File {
                path: file.map(|p| p.display().to_string()).unwrap_or_default(),
                message: e.to_string(),
            };
        }
        _ => return ConfigError::Read(e.to_string()),
    };
    let origin = match vars.iter().find(|(k, _)| *k == key) {
        Some((_, var)) => Some(Origin::Env(var.clone())),
        None => file.map(|p| Origin::File(p.display().to_string())),
    };
    ConfigError::Type {
        key,
        origin,
        message,
    }
}

/// The pool size when `db.max_connections` is 0. An SQLite read is CPU work on the
/// connection's own thread, so connections beyond twice the cores add no throughput, only
/// memory (each maps the file and keeps its own page cache): 2 per core, 4 to 16.
/// PostgreSQL: 16.
fn default_pool_size(database_url: &str) -> u32 {
    if database_url.starts_with("sqlite:") {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        u32::try_from(cores * 2).unwrap_or(16).clamp(4, 16)
    } else {
        16
    }
}

/// Hides the password part of a URL (`postgres://u:secret@h` → `postgres://u:***@h`).
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests;

/// Reads `security.alert_email`: addresses separated by commas, each valid, and only with a
/// mail server to send through.
fn alert_email(raw: &str, no_mail: bool) -> Result<Vec<String>, ConfigError> {
    let to: Vec<String> = raw
        .split([',', '，', ';'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect();
    if let Some(bad) = to
        .iter()
        .find(|a| zq_services::interaction::notify::check_address(a).is_err())
    {
        return Err(ConfigError::Value {
            key: "security.alert_email",
            message: format!("{bad:?} is not an email address"),
        });
    }
    if !to.is_empty() && no_mail {
        return Err(ConfigError::Value {
            key: "security.alert_email",
            message: "security alerts are mailed through mail.smtp_url, which is not set".into(),
        });
    }
    Ok(to)
}
