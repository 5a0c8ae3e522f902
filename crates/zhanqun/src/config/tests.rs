//! Unit tests of the parent module.

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
        let path = std::env::temp_dir().join(format!("zq-config-{}-{name}", std::process::id()));
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
    assert!(c.database_url.starts_with("sqlite://") && c.database_url.contains("zhanqun.sqlite"));
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

const EXAMPLE: &str = include_str!("../../../../zhanqun.example.toml");
const README: &str = include_str!("../../../../README.md");

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

#[tokio::test]
async fn mail_is_off_by_default_and_a_bad_server_or_sender_is_refused_by_name() {
    assert!(Config::load(None, env(&[])).unwrap().mail.is_none());
    let on = Config::load(
        None,
        env(&[
            ("ZQ_MAIL__SMTP_URL", "smtp://127.0.0.1:2525"),
            ("ZQ_MAIL__EVERY_SECS", "30"),
        ]),
    )
    .unwrap();
    assert_eq!(on.mail.unwrap().every, Duration::from_secs(30));
    let bad_url = Config::load(None, env(&[("ZQ_MAIL__SMTP_URL", "ftp://mail")]));
    assert!(
        matches!(
            bad_url,
            Err(ConfigError::Value {
                key: "mail.smtp_url",
                ..
            })
        ),
        "{bad_url:?}"
    );
    let bad_from = Config::load(
        None,
        env(&[
            ("ZQ_MAIL__SMTP_URL", "smtp://127.0.0.1:2525"),
            ("ZQ_MAIL__FROM", "not an address"),
        ]),
    );
    assert!(
        matches!(
            bad_from,
            Err(ConfigError::Value {
                key: "mail.smtp_url",
                ..
            })
        ),
        "{bad_from:?}"
    );
}
