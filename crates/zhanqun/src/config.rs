//! Configuration: built-in defaults → optional TOML file (`--config FILE`) → environment
//! (`ZQ_` prefix, e.g. `ZQ_DATABASE_URL`). Unknown keys are refused; a wrong value names its key.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// The configuration as read, before validation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    listen: String,
    data_dir: String,
    database_url: String,
    redis_url: String,
    redis_prefix: String,
    host_suffix: String,
    console_host: String,
    public_scheme: String,
    page_size: u32,
    request_timeout_secs: u64,
    header_read_timeout_secs: u64,
    tenant_refresh_secs: u64,
    scheduler_tick_secs: u64,
    feed_pull_secs: u64,
    feed_ca_file: String,
    db_max_connections: u32,
    db_acquire_timeout_ms: u64,
    cache_enabled: bool,
    cache_max_bytes: u64,
    cache_ttl_secs: u64,
    stale_max_secs: u64,
    metrics_listen: String,
    form_submits_per_minute: u32,
    public_test_form: bool,
    log: String,
}

/// Validated settings, passed down explicitly.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address of the public HTTP listener.
    pub listen: SocketAddr,
    /// Where the SQLite file and other local state live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Optional shared cache and bus (used from the cache issue on).
    pub redis_url: Option<String>,
    /// Prefix of every Redis key and channel, so several clusters can share one Redis.
    pub redis_prefix: String,
    /// The cluster's host suffix: a tenant without configured hosts gets `{code}.{suffix}`.
    pub host_suffix: zq_domain::Host,
    /// The console's host: `console.{host_suffix}` unless set.
    pub console_host: zq_domain::Host,
    pub public_scheme: String,
    pub page_size: u32,
    pub request_timeout: Duration,
    pub header_read_timeout: Duration,
    pub tenant_refresh: Duration,
    /// How often scheduled articles are checked for publication.
    pub scheduler_tick: Duration,
    /// How often channels with an upstream feed are pulled.
    pub feed_pull: Duration,
    /// Extra trusted roots (PEM file `feed_ca_file`) for pulling `https://` feeds, besides the
    /// system's; for an upstream portal with a private CA.
    pub feed_extra_roots: Vec<zq_http::fetch::Certificate>,
    pub db_max_connections: u32,
    pub db_acquire_timeout: Duration,
    /// The page cache (moka L1, Redis L2 when `redis_url` is set).
    pub cache: zq_cache::CacheConfig,
    /// Address of the operations listener serving `/metrics`; `None` when set to "off".
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
    #[error("configuration key `{key}`: {message}")]
    Value { key: &'static str, message: String },
}

/// The defaults, also documented in README.md's configuration reference.
pub const DEFAULTS: &[(&str, &str)] = &[
    ("listen", "127.0.0.1:8080"),
    ("data_dir", "./data"),
    ("database_url", ""),
    ("redis_url", ""),
    ("redis_prefix", "zq"),
    ("host_suffix", "haichuan.localhost"),
    ("console_host", ""),
    ("public_scheme", "http"),
    ("page_size", "20"),
    ("request_timeout_secs", "30"),
    ("header_read_timeout_secs", "10"),
    ("tenant_refresh_secs", "5"),
    ("scheduler_tick_secs", "30"),
    ("feed_pull_secs", "900"),
    ("feed_ca_file", ""),
    ("db_max_connections", "0"),
    ("db_acquire_timeout_ms", "1000"),
    ("cache_enabled", "true"),
    ("cache_max_bytes", "67108864"),
    ("cache_ttl_secs", "600"),
    ("stale_max_secs", "3600"),
    ("metrics_listen", "127.0.0.1:9464"),
    ("form_submits_per_minute", "10"),
    ("public_test_form", "false"),
    ("log", "info"),
];

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
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError::File {
                    path: path.display().to_string(),
                    message: "no such file".into(),
                });
            }
            b = b.add_source(
                config::File::from(path)
                    .format(config::FileFormat::Toml)
                    .required(true),
            );
        }
        let env: std::collections::HashMap<String, String> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with("ZQ_"))
            .collect();
        b = b.add_source(config::Environment::with_prefix("ZQ").source(Some(env)));
        let raw: Raw =
            b.build()
                .and_then(|c| c.try_deserialize())
                .map_err(|e| match (file, &e) {
                    (Some(p), config::ConfigError::FileParse { .. }) => ConfigError::File {
                        path: p.display().to_string(),
                        message: e.to_string(),
                    },
                    _ => ConfigError::Read(e.to_string()),
                })?;
        Self::validate(raw)
    }

    fn validate(raw: Raw) -> Result<Config, ConfigError> {
        let bad = |key, message: String| ConfigError::Value { key, message };
        let listen = raw.listen.parse::<SocketAddr>().map_err(|_| {
            bad(
                "listen",
                format!(
                    "expected an address like 127.0.0.1:8080, got {:?}",
                    raw.listen
                ),
            )
        })?;
        if raw.data_dir.trim().is_empty() {
            return Err(bad("data_dir", "must not be empty".into()));
        }
        let data_dir = PathBuf::from(&raw.data_dir);
        let database_url = if raw.database_url.trim().is_empty() {
            format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("zhanqun.sqlite").display()
            )
        } else if raw.database_url.starts_with("sqlite:")
            || raw.database_url.starts_with("postgres://")
            || raw.database_url.starts_with("postgresql://")
        {
            raw.database_url.clone()
        } else {
            return Err(bad(
                "database_url",
                format!(
                    "expected sqlite://… or postgres://…, got {:?}",
                    redact(&raw.database_url)
                ),
            ));
        };
        let redis_url = match raw.redis_url.trim() {
            "" => None,
            u if u.starts_with("redis://") || u.starts_with("rediss://") => Some(u.to_owned()),
            u => {
                return Err(bad(
                    "redis_url",
                    format!("expected redis://…, got {:?}", redact(u)),
                ));
            }
        };
        if raw.redis_prefix.is_empty()
            || raw.redis_prefix.len() > 64
            || raw.redis_prefix.contains(char::is_whitespace)
        {
            return Err(bad(
                "redis_prefix",
                format!(
                    "expected 1-64 characters without spaces, got {:?}",
                    raw.redis_prefix
                ),
            ));
        }
        let host_suffix = zq_domain::Host::parse(&raw.host_suffix)
            .map_err(|e| bad("host_suffix", e.to_string()))?;
        let console_host = match raw.console_host.trim() {
            "" => zq_domain::Host::parse(&format!("console.{host_suffix}")),
            h => zq_domain::Host::parse(h),
        }
        .map_err(|e| bad("console_host", e.to_string()))?;
        if !matches!(raw.public_scheme.as_str(), "http" | "https") {
            return Err(bad(
                "public_scheme",
                format!("expected http or https, got {:?}", raw.public_scheme),
            ));
        }
        if !(1..=200).contains(&raw.page_size) {
            return Err(bad(
                "page_size",
                format!("expected 1 to 200, got {}", raw.page_size),
            ));
        }
        let secs = |key, v: u64, max: u64| {
            if (1..=max).contains(&v) {
                Ok(Duration::from_secs(v))
            } else {
                Err(bad(key, format!("expected 1 to {max} seconds, got {v}")))
            }
        };
        if raw.db_max_connections > 1000 {
            return Err(bad(
                "db_max_connections",
                format!(
                    "expected 1 to 1000 (0 = chosen for the database), got {}",
                    raw.db_max_connections
                ),
            ));
        }
        let db_max_connections = match raw.db_max_connections {
            0 => default_pool_size(&database_url),
            n => n,
        };
        if !(50..=60_000).contains(&raw.db_acquire_timeout_ms) {
            return Err(bad(
                "db_acquire_timeout_ms",
                format!("expected 50 to 60000, got {}", raw.db_acquire_timeout_ms),
            ));
        }
        tracing_subscriber::EnvFilter::try_new(&raw.log).map_err(|e| bad("log", e.to_string()))?;
        if !(1024 * 1024..=64 * 1024 * 1024 * 1024).contains(&raw.cache_max_bytes) {
            return Err(bad(
                "cache_max_bytes",
                format!(
                    "expected 1 MiB to 64 GiB in bytes, got {}",
                    raw.cache_max_bytes
                ),
            ));
        }
        let metrics_listen = match raw.metrics_listen.trim() {
            "" | "off" => None,
            a => Some(a.parse::<SocketAddr>().map_err(|_| {
                bad(
                    "metrics_listen",
                    format!("expected an address like 127.0.0.1:9464 or \"off\", got {a:?}"),
                )
            })?),
        };
        let feed_extra_roots = match raw.feed_ca_file.trim() {
            "" => Vec::new(),
            f => zq_http::fetch::load_ca_file(Path::new(f))
                .map_err(|e| bad("feed_ca_file", e.to_string()))?,
        };
        if !(1..=10_000).contains(&raw.form_submits_per_minute) {
            return Err(bad(
                "form_submits_per_minute",
                format!("expected 1 to 10000, got {}", raw.form_submits_per_minute),
            ));
        }
        let cache = zq_cache::CacheConfig {
            enabled: raw.cache_enabled,
            max_bytes: raw.cache_max_bytes,
            ttl: secs("cache_ttl_secs", raw.cache_ttl_secs, 86_400)?,
            stale_max: secs("stale_max_secs", raw.stale_max_secs, 7 * 86_400)?,
        };
        Ok(Config {
            listen,
            data_dir,
            database_url,
            redis_url,
            redis_prefix: raw.redis_prefix,
            host_suffix,
            console_host,
            public_scheme: raw.public_scheme,
            page_size: raw.page_size,
            request_timeout: secs("request_timeout_secs", raw.request_timeout_secs, 3600)?,
            header_read_timeout: secs(
                "header_read_timeout_secs",
                raw.header_read_timeout_secs,
                300,
            )?,
            tenant_refresh: secs("tenant_refresh_secs", raw.tenant_refresh_secs, 3600)?,
            scheduler_tick: secs("scheduler_tick_secs", raw.scheduler_tick_secs, 3600)?,
            feed_pull: secs("feed_pull_secs", raw.feed_pull_secs, 86_400)?,
            feed_extra_roots,
            db_max_connections,
            db_acquire_timeout: Duration::from_millis(raw.db_acquire_timeout_ms),
            cache,
            metrics_listen,
            form_submits_per_minute: raw.form_submits_per_minute,
            public_test_form: raw.public_test_form,
            log: raw.log,
        })
    }

    /// The database URL without its password, for logs.
    pub fn database_url_redacted(&self) -> String {
        redact(&self.database_url)
    }
}

/// The pool size when `db_max_connections` is 0. An SQLite read is CPU work on the
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

    #[test]
    fn a_feed_ca_file_must_exist_and_hold_a_certificate() {
        let missing = Config::load(None, env(&[("ZQ_FEED_CA_FILE", "/nonexistent/ca.pem")]));
        assert!(
            matches!(
                missing,
                Err(ConfigError::Value {
                    key: "feed_ca_file",
                    ..
                })
            ),
            "{missing:?}"
        );
        let junk = std::env::temp_dir().join(format!("zq-junk-ca-{}.pem", std::process::id()));
        std::fs::write(&junk, "not a certificate").unwrap();
        let e = Config::load(None, env(&[("ZQ_FEED_CA_FILE", junk.to_str().unwrap())]));
        let _ = std::fs::remove_file(&junk);
        match e {
            Err(ConfigError::Value { key, message }) => {
                assert_eq!(key, "feed_ca_file");
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
        let pg = Config::load(None, env(&[("ZQ_DATABASE_URL", "postgres://u@h/db")])).unwrap();
        assert_eq!(pg.db_max_connections, 16);
        let set = Config::load(None, env(&[("ZQ_DB_MAX_CONNECTIONS", "3")])).unwrap();
        assert_eq!(set.db_max_connections, 3);
        let too_many = Config::load(None, env(&[("ZQ_DB_MAX_CONNECTIONS", "1001")]));
        assert!(matches!(
            too_many,
            Err(ConfigError::Value {
                key: "db_max_connections",
                ..
            })
        ));
    }

    #[test]
    fn environment_overrides_defaults() {
        let c = Config::load(
            None,
            env(&[
                ("ZQ_LISTEN", "0.0.0.0:9000"),
                ("ZQ_DATABASE_URL", "postgres://u@h/db"),
                ("ZQ_PAGE_SIZE", "15"),
                ("PATH", "/bin"),
            ]),
        )
        .unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.database_url, "postgres://u@h/db");
        assert_eq!(c.page_size, 15);
    }

    #[test]
    fn a_file_overrides_defaults_and_env_overrides_the_file() {
        let dir = std::env::temp_dir().join(format!("zq-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("zq.toml");
        std::fs::write(&f, "listen = \"127.0.0.1:7000\"\npage_size = 30\n").unwrap();
        let c = Config::load(Some(&f), env(&[("ZQ_PAGE_SIZE", "40")])).unwrap();
        assert_eq!(c.listen.port(), 7000);
        assert_eq!(c.page_size, 40);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn wrong_values_name_their_key() {
        let cases = [
            ("ZQ_LISTEN", "nonsense", "listen"),
            ("ZQ_DATABASE_URL", "mysql://x", "database_url"),
            ("ZQ_REDIS_URL", "http://x", "redis_url"),
            ("ZQ_HOST_SUFFIX", "a b", "host_suffix"),
            ("ZQ_PAGE_SIZE", "0", "page_size"),
            ("ZQ_PAGE_SIZE", "many", "page_size"),
            ("ZQ_PUBLIC_SCHEME", "ftp", "public_scheme"),
            ("ZQ_NO_SUCH_KEY", "1", "no_such_key"),
            ("ZQ_CACHE_ENABLED", "maybe", "cache_enabled"),
            ("ZQ_CACHE_MAX_BYTES", "12", "cache_max_bytes"),
            ("ZQ_METRICS_LISTEN", "everywhere", "metrics_listen"),
            ("ZQ_FEED_PULL_SECS", "0", "feed_pull_secs"),
            ("ZQ_FEED_PULL_SECS", "86401", "feed_pull_secs"),
            ("ZQ_FEED_PULL_SECS", "often", "feed_pull_secs"),
        ];
        for (k, v, key) in cases {
            let err = Config::load(None, env(&[(k, v)])).unwrap_err().to_string();
            assert!(err.contains(key), "{k}={v}: {err}");
        }
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
