//! Configuration: built-in defaults → optional TOML file (`--config FILE`) → environment.
//!
//! Three keys sit at the top level (`data_dir`, `host_suffix`, `log`); the others are grouped in
//! sections: `[http]`, `[db]`, `[cache]`, `[redis]`, `[jobs]`, `[feeds]`, `[metrics]`. In the
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
    metrics: RawMetrics,
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
    tenant_refresh_secs: u64,
    form_submits_per_minute: u32,
    public_test_form: bool,
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
}

/// `[jobs]`: the leased background jobs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJobs {
    scheduler_tick_secs: u64,
}

/// `[feeds]`: pulling the reporting channels' upstream feeds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeeds {
    pull_secs: u64,
    ca_file: String,
}

/// `[metrics]`: the operations listener.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetrics {
    listen: String,
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
    /// The cluster's host suffix: a tenant without configured hosts gets `{code}.{suffix}`.
    pub host_suffix: zq_domain::Host,
    /// The console's host: `console.{host_suffix}` unless `http.console_host` is set.
    pub console_host: zq_domain::Host,
    pub public_scheme: String,
    pub page_size: u32,
    pub request_timeout: Duration,
    pub header_read_timeout: Duration,
    pub tenant_refresh: Duration,
    /// How often scheduled articles are checked for publication (`jobs.scheduler_tick_secs`).
    pub scheduler_tick: Duration,
    /// How often channels with an upstream feed are pulled (`feeds.pull_secs`).
    pub feed_pull: Duration,
    /// Extra trusted roots (PEM file `feeds.ca_file`) for pulling `https://` feeds, besides the
    /// system's; for an upstream portal with a private CA.
    pub feed_extra_roots: Vec<zq_http::fetch::Certificate>,
    /// The pool size (`db.max_connections`, chosen for the database when 0).
    pub db_max_connections: u32,
    pub db_acquire_timeout: Duration,
    /// The page cache (moka L1, Redis L2 when `redis.url` is set).
    pub cache: zq_cache::CacheConfig,
    /// Address of the operations listener serving `/metrics` (`metrics.listen`); `None` when
    /// set to "off".
    pub metrics_listen: Option<SocketAddr>,
    /// Public forms one client address may post per minute (per node).
    pub form_submits_per_minute: u32,
    /// Serve the public form path's test form at `/forms/test` on every site.
    pub public_test_form: bool,
    /// Log filter, e.g. `info` or `zq_http=debug,info`.
    pub log: String,
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
    ("http.tenant_refresh_secs", "5"),
    ("http.form_submits_per_minute", "10"),
    ("http.public_test_form", "false"),
    ("db.url", ""),
    ("db.max_connections", "0"),
    ("db.acquire_timeout_ms", "1000"),
    ("cache.enabled", "true"),
    ("cache.max_bytes", "67108864"),
    ("cache.ttl_secs", "600"),
    ("cache.stale_max_secs", "3600"),
    ("redis.url", ""),
    ("redis.prefix", "zq"),
    ("jobs.scheduler_tick_secs", "30"),
    ("feeds.pull_secs", "900"),
    ("feeds.ca_file", ""),
    ("metrics.listen", "127.0.0.1:9464"),
];

/// The sections, in the order of `zhanqun.example.toml`.
pub const SECTIONS: &[&str] = &["http", "db", "cache", "redis", "jobs", "feeds", "metrics"];

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
            metrics,
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
        let feed_extra_roots = match feeds.ca_file.trim() {
            "" => Vec::new(),
            f => zq_http::fetch::load_ca_file(Path::new(f))
                .map_err(|e| bad("feeds.ca_file", e.to_string()))?,
        };
        if !(1..=10_000).contains(&http.form_submits_per_minute) {
            return Err(bad(
                "http.form_submits_per_minute",
                format!("expected 1 to 10000, got {}", http.form_submits_per_minute),
            ));
        }
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
            tenant_refresh: secs("http.tenant_refresh_secs", http.tenant_refresh_secs, 3600)?,
            scheduler_tick: secs("jobs.scheduler_tick_secs", jobs.scheduler_tick_secs, 3600)?,
            feed_pull: secs("feeds.pull_secs", feeds.pull_secs, 86_400)?,
            feed_extra_roots,
            db_max_connections,
            db_acquire_timeout: Duration::from_millis(db.acquire_timeout_ms),
            cache: page_cache,
            metrics_listen,
            form_submits_per_minute: http.form_submits_per_minute,
            public_test_form: http.public_test_form,
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
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// A configuration file with `text`, removed when dropped.
    struct TempFile(PathBuf);

    impl TempFile {
        fn new(name: &str, text: &str) -> TempFile {
            let path =
                std::env::temp_dir().join(format!("zq-config-{}-{name}", std::process::id()));
            std::fs::write(&path, text).unwrap();
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn key_problems(r: Result<Config, ConfigError>) -> Vec<KeyProblem> {
        match r {
            Err(ConfigError::Keys(problems)) => problems,
            other => panic!("expected key problems, got {other:?}"),
        }
    }

    #[test]
    fn a_feed_ca_file_must_exist_and_hold_a_certificate() {
        let missing = Config::load(None, env(&[("ZQ_FEEDS__CA_FILE", "/nonexistent/ca.pem")]));
        assert!(
            matches!(
                missing,
                Err(ConfigError::Value {
                    key: "feeds.ca_file",
                    ..
                })
            ),
            "{missing:?}"
        );
        let junk = TempFile::new("junk-ca.pem", "not a certificate");
        let e = Config::load(
            None,
            env(&[("ZQ_FEEDS__CA_FILE", junk.0.to_str().unwrap())]),
        );
        match e {
            Err(ConfigError::Value { key, message }) => {
                assert_eq!(key, "feeds.ca_file");
                assert!(message.contains("no PEM certificate"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let fine = Config::load(None, env(&[])).unwrap();
        assert!(fine.feed_extra_roots.is_empty());
    }

    #[test]
    fn defaults_give_an_sqlite_file_in_the_data_dir() {
        let c = Config::load(None, env(&[])).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert!(
            c.database_url.starts_with("sqlite://") && c.database_url.contains("zhanqun.sqlite")
        );
        assert!(c.redis_url.is_none());
        assert_eq!(c.feed_pull, Duration::from_secs(900));
    }

    #[test]
    fn the_pool_size_is_chosen_for_the_database_unless_set() {
        let sqlite = Config::load(None, env(&[])).unwrap();
        assert!(
            (4..=16).contains(&sqlite.db_max_connections),
            "{}",
            sqlite.db_max_connections
        );
        let pg = Config::load(None, env(&[("ZQ_DB__URL", "postgres://u@h/db")])).unwrap();
        assert_eq!(pg.db_max_connections, 16);
        let set = Config::load(None, env(&[("ZQ_DB__MAX_CONNECTIONS", "3")])).unwrap();
        assert_eq!(set.db_max_connections, 3);
        let too_many = Config::load(None, env(&[("ZQ_DB__MAX_CONNECTIONS", "1001")]));
        assert!(matches!(
            too_many,
            Err(ConfigError::Value {
                key: "db.max_connections",
                ..
            })
        ));
    }

    #[test]
    fn environment_overrides_defaults() {
        let c = Config::load(
            None,
            env(&[
                ("ZQ_HTTP__LISTEN", "0.0.0.0:9000"),
                ("ZQ_DB__URL", "postgres://u@h/db"),
                ("ZQ_HTTP__PAGE_SIZE", "15"),
                ("ZQ_HTTP__REQUEST_TIMEOUT_SECS", "45"),
                ("ZQ_HTTP__PUBLIC_TEST_FORM", "true"),
                ("ZQ_CACHE__ENABLED", "false"),
                ("ZQ_CACHE__STALE_MAX_SECS", "60"),
                ("ZQ_REDIS__URL", "redis://127.0.0.1:6379"),
                ("ZQ_REDIS__PREFIX", "zq-test"),
                ("ZQ_JOBS__SCHEDULER_TICK_SECS", "2"),
                ("ZQ_FEEDS__PULL_SECS", "60"),
                ("ZQ_METRICS__LISTEN", "off"),
                ("ZQ_DATA_DIR", "/var/lib/zhanqun"),
                ("ZQ_HOST_SUFFIX", "haichuan.gov.cn"),
                ("ZQ_LOG", "warn"),
                ("PATH", "/bin"),
            ]),
        )
        .unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.database_url, "postgres://u@h/db");
        assert_eq!(c.page_size, 15);
        assert_eq!(c.request_timeout, Duration::from_secs(45));
        assert!(c.public_test_form);
        assert!(!c.cache.enabled);
        assert_eq!(c.cache.stale_max, Duration::from_secs(60));
        assert_eq!(c.redis_url.as_deref(), Some("redis://127.0.0.1:6379"));
        assert_eq!(c.redis_prefix, "zq-test");
        assert_eq!(c.scheduler_tick, Duration::from_secs(2));
        assert_eq!(c.feed_pull, Duration::from_secs(60));
        assert_eq!(c.metrics_listen, None);
        assert_eq!(c.data_dir, PathBuf::from("/var/lib/zhanqun"));
        assert_eq!(c.host_suffix.as_str(), "haichuan.gov.cn");
        assert_eq!(c.console_host.as_str(), "console.haichuan.gov.cn");
        assert_eq!(c.log, "warn");
    }

    #[test]
    fn a_file_overrides_defaults_and_env_overrides_the_file() {
        let f = TempFile::new(
            "zq.toml",
            "log = \"debug\"\n[http]\nlisten = \"127.0.0.1:7000\"\npage_size = 30\n\
             [cache]\nenabled = false\n",
        );
        let c = Config::load(Some(&f.0), env(&[("ZQ_HTTP__PAGE_SIZE", "40")])).unwrap();
        assert_eq!(c.listen.port(), 7000);
        assert_eq!(c.page_size, 40);
        assert!(!c.cache.enabled);
        assert_eq!(c.log, "debug");
    }

    #[test]
    fn wrong_values_name_their_key() {
        let cases = [
            ("ZQ_HTTP__LISTEN", "nonsense", "http.listen"),
            ("ZQ_DB__URL", "mysql://x", "db.url"),
            ("ZQ_REDIS__URL", "http://x", "redis.url"),
            ("ZQ_HOST_SUFFIX", "a b", "host_suffix"),
            ("ZQ_HTTP__PAGE_SIZE", "0", "http.page_size"),
            ("ZQ_HTTP__PAGE_SIZE", "many", "http.page_size"),
            ("ZQ_HTTP__PUBLIC_SCHEME", "ftp", "http.public_scheme"),
            ("ZQ_NO_SUCH_KEY", "1", "no_such_key"),
            ("ZQ_CACHE__ENABLED", "maybe", "cache.enabled"),
            ("ZQ_CACHE__MAX_BYTES", "12", "cache.max_bytes"),
            ("ZQ_METRICS__LISTEN", "everywhere", "metrics.listen"),
            ("ZQ_FEEDS__PULL_SECS", "0", "feeds.pull_secs"),
            ("ZQ_FEEDS__PULL_SECS", "86401", "feeds.pull_secs"),
            ("ZQ_FEEDS__PULL_SECS", "often", "feeds.pull_secs"),
        ];
        for (k, v, key) in cases {
            let err = Config::load(None, env(&[(k, v)])).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("configuration key `{key}`")),
                "{k}={v}: {err}"
            );
        }
    }

    #[test]
    fn a_value_of_the_wrong_type_names_its_key_and_where_it_was_given() {
        let err = Config::load(None, env(&[("ZQ_CACHE__ENABLED", "maybe")]))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "configuration key `cache.enabled` (environment variable `ZQ_CACHE__ENABLED`): "
            ),
            "{err}"
        );
        let f = TempFile::new("wrong-type.toml", "[http]\npage_size = \"many\"\n");
        let err = Config::load(Some(&f.0), env(&[])).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "configuration key `http.page_size` in {}: ",
                f.0.display()
            )),
            "{err}"
        );
    }

    #[test]
    fn old_flat_keys_are_refused_naming_the_new_key() {
        let err = Config::load(None, env(&[("ZQ_DATABASE_URL", "postgres://u@h/db")]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "configuration key `database_url` (environment variable `ZQ_DATABASE_URL`) was \
             renamed: use `[db] url` (environment `ZQ_DB__URL`)"
        );
        for (old, new) in RENAMED {
            let var = format!("ZQ_{}", old.to_uppercase());
            let problems = key_problems(Config::load(None, env(&[(&var, "1")])));
            assert_eq!(
                problems,
                [KeyProblem::Renamed {
                    key: old.to_string(),
                    origin: Origin::Env(var.clone()),
                    new,
                }],
                "{var}"
            );
            let f = TempFile::new("old.toml", &format!("{old} = \"1\"\n"));
            let err = Config::load(Some(&f.0), env(&[])).unwrap_err().to_string();
            assert!(
                err.contains(&format!("`{old}`")) && err.contains(&format!("`{}`", file_form(new))),
                "{err}"
            );
        }
        // Every old key in a file at once, one line each.
        let f = TempFile::new(
            "old-many.toml",
            "listen = \"127.0.0.1:7000\"\ndatabase_url = \"sqlite://x.db\"\ncache_enabled = false\n",
        );
        let err = Config::load(Some(&f.0), env(&[])).unwrap_err().to_string();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 3, "{err}");
        assert!(lines[0].contains("`cache_enabled`") && lines[0].contains("`[cache] enabled`"));
        assert!(lines[1].contains("`database_url`") && lines[1].contains("`ZQ_DB__URL`"));
        assert!(lines[2].contains("`listen`") && lines[2].contains("`[http] listen`"));
    }

    #[test]
    fn unknown_keys_are_refused_with_the_key_probably_meant() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("ZQ_NO_SUCH_KEY", "no_such_key", None),
            ("ZQ_HTTP__NOPE", "http.nope", None),
            // One underscore where the environment wants two.
            ("ZQ_HTTP_LISTEN", "http_listen", Some("http.listen")),
            (
                "ZQ_HTTP_REQUEST_TIMEOUT_SECS",
                "http_request_timeout_secs",
                Some("http.request_timeout_secs"),
            ),
            // An old name inside its new section.
            ("ZQ_DB__DATABASE_URL", "db.database_url", Some("db.url")),
        ];
        for (var, key, suggest) in cases {
            let problems = key_problems(Config::load(None, env(&[(var, "1")])));
            assert_eq!(
                problems,
                [KeyProblem::Unknown {
                    key: key.to_string(),
                    origin: Origin::Env(var.to_string()),
                    suggest: *suggest,
                }],
                "{var}"
            );
        }
        let err = Config::load(None, env(&[("ZQ_HTTP_LISTEN", "0.0.0.0:80")]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("did you mean `[http] listen` (environment `ZQ_HTTP__LISTEN`)"),
            "{err}"
        );
        let problems = key_problems(Config::load(None, env(&[("ZQ_DB", "sqlite://x")])));
        assert!(
            matches!(&problems[..], [KeyProblem::Section { key, example: "db.url", .. }] if key == "db"),
            "{problems:?}"
        );
        let f = TempFile::new(
            "unknown.toml",
            "nope = 1\n[http]\nlisten = \"127.0.0.1:7000\"\nlisten_port = 7000\n[db]\nmax_connections = 3\n[mystery]\nx = 1\n",
        );
        let problems = key_problems(Config::load(Some(&f.0), env(&[])));
        let origin = Origin::File(f.0.display().to_string());
        let tables = TempFile::new("tables.toml", "[log]\nx = 1\n[http.listen]\nport = 80\n");
        let tables_origin = Origin::File(tables.0.display().to_string());
        assert_eq!(
            key_problems(Config::load(Some(&tables.0), env(&[]))),
            [
                KeyProblem::Table {
                    key: "http.listen".into(),
                    origin: tables_origin.clone(),
                },
                KeyProblem::Table {
                    key: "log".into(),
                    origin: tables_origin,
                },
            ]
        );
        assert_eq!(
            problems,
            [
                KeyProblem::Unknown {
                    key: "http.listen_port".into(),
                    origin: origin.clone(),
                    suggest: None,
                },
                KeyProblem::Unknown {
                    key: "mystery".into(),
                    origin: origin.clone(),
                    suggest: None,
                },
                KeyProblem::Unknown {
                    key: "nope".into(),
                    origin,
                    suggest: None,
                },
            ]
        );
    }

    #[test]
    fn every_key_has_an_environment_variable_that_sets_it() {
        for (key, _) in DEFAULTS {
            assert_eq!(key_of_env(&env_name(key)).as_deref(), Some(*key));
        }
        assert_eq!(env_name("db.url"), "ZQ_DB__URL");
        assert_eq!(
            env_name("http.request_timeout_secs"),
            "ZQ_HTTP__REQUEST_TIMEOUT_SECS"
        );
        assert_eq!(env_name("data_dir"), "ZQ_DATA_DIR");
        for (old, new) in RENAMED {
            assert!(known(old).is_none(), "{old} is both old and current");
            assert!(
                known(new).is_some(),
                "{old} is renamed to the unknown {new}"
            );
        }
        for (key, _) in DEFAULTS {
            if let Some((section, _)) = key.split_once('.') {
                assert!(SECTIONS.contains(&section), "{key}");
            }
        }
    }

    const EXAMPLE: &str = include_str!("../../../zhanqun.example.toml");
    const README: &str = include_str!("../../../README.md");

    /// A TOML value as the defaults write it.
    fn as_default(v: &toml::Value) -> String {
        match v {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn the_example_file_and_the_readme_list_every_key_with_its_default() {
        let example: toml::Table = toml::from_str(EXAMPLE).unwrap();
        let mut listed = 0;
        for (key, default) in DEFAULTS {
            let value = match key.split_once('.') {
                Some((section, k)) => example
                    .get(section)
                    .and_then(toml::Value::as_table)
                    .and_then(|t| t.get(k)),
                None => example.get(*key),
            };
            let value = value.unwrap_or_else(|| panic!("zhanqun.example.toml lacks `{key}`"));
            assert_eq!(
                as_default(value),
                *default,
                "zhanqun.example.toml: `{key}` is not the default"
            );
            listed += 1;
        }
        let in_example: usize = example
            .values()
            .map(|v| v.as_table().map_or(1, toml::Table::len))
            .sum();
        assert_eq!(
            in_example, listed,
            "zhanqun.example.toml has keys that are not in DEFAULTS"
        );

        let start = README
            .find("\n## Configuration reference\n")
            .expect("README.md has a configuration reference");
        let section = &README[start + 1..];
        let section = &section[..section.find("\n## ").unwrap_or(section.len())];
        let rows: Vec<&str> = section
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split_once('`').map(|(key, _)| key))
            .collect();
        for (key, _) in DEFAULTS {
            assert!(
                rows.contains(key),
                "README.md's configuration reference lacks `{key}`"
            );
        }
        for row in &rows {
            assert!(
                known(row).is_some(),
                "README.md's configuration reference documents `{row}`, which is no key"
            );
        }
        assert_eq!(rows.len(), DEFAULTS.len(), "README.md lists a key twice");
    }

    #[test]
    fn the_example_file_loads_and_gives_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../zhanqun.example.toml");
        let from_file = Config::load(Some(&path), env(&[])).unwrap();
        let defaults = Config::load(None, env(&[])).unwrap();
        assert_eq!(format!("{from_file:?}"), format!("{defaults:?}"));
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
