//! The `zhanqun` command line: clear messages and non-zero exits on errors, tenant management.

// Test code: a panic here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

struct Cli {
    dir: PathBuf,
}

impl Cli {
    fn new(name: &str) -> Cli {
        let dir = std::env::temp_dir().join(format!("zq-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Cli { dir }
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_zhanqun"));
        cmd.args(args)
            .env("ZQ_DATA_DIR", &self.dir)
            .env("ZQ_LOG", "error")
            .env_remove("RUST_LOG");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("run zhanqun")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args, &[]);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn fails(&self, args: &[&str], env: &[(&str, &str)]) -> String {
        let out = self.run(args, env);
        assert!(!out.status.success(), "{args:?} should fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn every_command_has_help() {
    let cli = Cli::new("help");
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["tenant", "--help"],
        &["tenant", "create", "--help"],
        &["tenant", "suspend", "--help"],
    ] {
        let out = cli.ok(args);
        assert!(out.contains("Usage:"), "{args:?}: {out}");
    }
}

#[test]
fn a_wrong_configuration_value_names_its_key_and_exits_non_zero() {
    let cli = Cli::new("badcfg");
    let err = cli.fails(&["migrate"], &[("ZQ_HTTP__LISTEN", "not-an-address")]);
    assert!(err.contains("`http.listen`"), "{err}");
    let err = cli.fails(&["migrate"], &[("ZQ_DB__URL", "mysql://x")]);
    assert!(err.contains("`db.url`"), "{err}");
    let err = cli.fails(&["migrate"], &[("ZQ_UNHEARD_OF", "1")]);
    assert!(err.contains("unheard_of"), "{err}");
    // The flat keys of earlier versions name the key that replaced them.
    let err = cli.fails(&["migrate"], &[("ZQ_DATABASE_URL", "sqlite://x.db")]);
    assert!(
        err.contains("`database_url`") && err.contains("`[db] url`") && err.contains("ZQ_DB__URL"),
        "{err}"
    );
    let old_toml = cli.dir.join("old.toml");
    std::fs::write(&old_toml, "listen = \"127.0.0.1:7000\"\n").unwrap();
    let err = cli.fails(&["--config", old_toml.to_str().unwrap(), "migrate"], &[]);
    assert!(
        err.contains("`listen`") && err.contains("`[http] listen`") && err.contains("old.toml"),
        "{err}"
    );
    let err = cli.fails(&["--config", "/nonexistent/zq.toml", "migrate"], &[]);
    assert!(
        err.contains("/nonexistent/zq.toml") && err.contains("no such file"),
        "{err}"
    );
    let bad_toml = cli.dir.join("bad.toml");
    std::fs::write(&bad_toml, "listen = [").unwrap();
    let err = cli.fails(&["--config", bad_toml.to_str().unwrap(), "migrate"], &[]);
    assert!(err.contains("bad.toml"), "{err}");
    let err = cli.fails(&["serve", "--listen", "nowhere"], &[]);
    assert!(err.contains("--listen"), "{err}");
}

#[test]
fn tenants_are_created_listed_suspended_resumed_and_archived() {
    let cli = Cli::new("tenants");
    assert!(cli.ok(&["migrate"]).contains("up to date"));
    let err = cli.fails(
        &[
            "tenant",
            "create",
            "--code",
            "fgw",
            "--kind",
            "department",
            "--name",
            "发改委",
        ],
        &[],
    );
    assert!(err.contains("portal first"), "{err}");
    cli.ok(&[
        "tenant",
        "create",
        "--code",
        "www",
        "--kind",
        "portal",
        "--name",
        "中国海川",
        "--sponsor",
        "海川市人民政府办公厅",
    ]);
    let out = cli.ok(&[
        "tenant",
        "create",
        "--code",
        "jb",
        "--kind",
        "district",
        "--name",
        "江北区人民政府",
    ]);
    assert!(out.contains("jb.haichuan.localhost"), "{out}");
    cli.ok(&[
        "tenant",
        "create",
        "--code",
        "jb-xhz",
        "--kind",
        "town",
        "--parent",
        "jb",
        "--name",
        "新河镇",
        "--host",
        "XHZ.example.gov.cn:443",
    ]);
    let err = cli.fails(
        &[
            "tenant",
            "create",
            "--code",
            "bad_code",
            "--kind",
            "department",
            "--name",
            "x",
        ],
        &[],
    );
    assert!(err.contains("站点代码"), "{err}");
    let err = cli.fails(
        &[
            "tenant", "create", "--code", "x1", "--kind", "bureau", "--name", "x",
        ],
        &[],
    );
    assert!(err.contains("站点类型"), "{err}");
    let err = cli.fails(
        &[
            "tenant", "create", "--code", "t2", "--kind", "town", "--name", "x",
        ],
        &[],
    );
    assert!(err.contains("--parent"), "{err}");
    let err = cli.fails(
        &[
            "tenant", "create", "--code", "jb", "--kind", "district", "--name", "重复",
        ],
        &[],
    );
    assert!(err.contains("已被使用"), "{err}");

    let list = cli.ok(&["tenant", "list"]);
    assert!(
        list.contains("www") && list.contains("jb-xhz") && list.contains("xhz.example.gov.cn"),
        "{list}"
    );

    assert!(cli.ok(&["tenant", "suspend", "jb"]).contains("suspended"));
    assert!(cli.ok(&["tenant", "resume", "jb"]).contains("active"));
    assert!(cli.ok(&["tenant", "archive", "jb"]).contains("archived"));
    let err = cli.fails(&["tenant", "resume", "jb"], &[]);
    assert!(err.contains("不能改为"), "{err}");
    let err = cli.fails(&["tenant", "suspend", "nosuch"], &[]);
    assert!(err.contains("不存在"), "not found: {err}");
    // Every change above is on record, and the record verifies.
    let out = cli.ok(&["audit", "verify"]);
    assert!(out.contains("verifies (6 rows)"), "{out}");
}

#[test]
fn the_first_cluster_admin_is_created_with_a_password_from_stdin_and_no_default() {
    use std::io::Write;
    let cli = Cli::new("admin");
    // The command `args` with `password` on its standard input, as the operator `root`.
    let with_password = |args: &[&str], password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zhanqun"))
            .args(args)
            .env("ZQ_DATA_DIR", &cli.dir)
            .env("ZQ_LOG", "error")
            .env("USER", "root")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let create = |login: &str, password: &str| {
        with_password(
            &[
                "admin",
                "create",
                "--login",
                login,
                "--name",
                "海川市政府办公厅",
            ],
            password,
        )
    };
    let weak = create("office", "password");
    assert!(!weak.status.success());
    assert!(
        String::from_utf8_lossy(&weak.stderr).contains("密码"),
        "the policy explains itself"
    );
    let ok = create("office", "Haichuan-Portal-2026");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("Created cluster administrator office"));
    let again = create("office", "Haichuan-Portal-2026");
    assert!(String::from_utf8_lossy(&again.stderr).contains("taken"));
    let empty = create("second", "");
    assert!(!empty.status.success());
    let bad_login = create("x", "Haichuan-Portal-2026");
    assert!(String::from_utf8_lossy(&bad_login.stderr).contains("登录名"));

    // A forgotten password: set a new one from the command line.
    let reset = |login: &str, password: &str| {
        with_password(&["admin", "reset-password", "--login", login], password)
    };
    let nobody = reset("nobody", "Haichuan-Portal-2027");
    assert!(!nobody.status.success());
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("账号 nobody"));
    let weak = reset("office", "short");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("密码"));
    let done = reset("office", "Haichuan-Portal-2027");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(String::from_utf8_lossy(&done.stdout).contains("已为 office"));
    let url = format!(
        "sqlite://{}?mode=rwc",
        cli.dir.join("zhanqun.sqlite").display()
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = zq_store::Store::open(&zq_store::StoreOptions::new(url))
            .await
            .unwrap();
        let login = zq_domain::security::LoginName::parse("office").unwrap();
        let user = store
            .verify_login(&login, "Haichuan-Portal-2027")
            .await
            .unwrap();
        assert!(
            user.expect("the new password signs in")
                .must_change_password,
            "to be changed at once"
        );
        let log = store.audit_log(None, 10).await.unwrap();
        let row = log
            .iter()
            .find(|r| r.entry.action == "password.reset")
            .expect("audited");
        assert_eq!(row.entry.client.as_deref(), Some("cli:root"));
    });
}

#[test]
fn a_tenant_change_from_the_command_line_lands_with_its_audit_row_and_event_or_not_at_all() {
    let cli = Cli::new("cli-txn");
    let as_tester = [("USER", "tester")];
    let ok = |args: &[&str]| {
        let out = cli.run(args, &as_tester);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ok(&[
        "tenant",
        "create",
        "--code",
        "www",
        "--kind",
        "portal",
        "--name",
        "中国海川",
    ]);
    ok(&[
        "tenant",
        "create",
        "--code",
        "fgw",
        "--kind",
        "department",
        "--name",
        "市发展改革委",
        "--parent",
        "www",
    ]);
    ok(&["tenant", "suspend", "fgw"]);
    ok(&["tenant", "archive", "fgw"]);
    let refused = cli.run(&["tenant", "resume", "fgw"], &as_tester);
    assert!(!refused.status.success(), "archived is final");
    let portal = cli.run(&["tenant", "archive", "www"], &as_tester);
    assert!(!portal.status.success(), "the portal is never archived");
    assert!(String::from_utf8_lossy(&portal.stderr).contains("门户网站不能归档"));

    let url = format!(
        "sqlite://{}?mode=rwc",
        cli.dir.join("zhanqun.sqlite").display()
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = zq_store::Store::open(&zq_store::StoreOptions::new(url))
            .await
            .unwrap();
        let mut rows = store.audit_log(None, 100).await.unwrap();
        rows.reverse();
        let actions: Vec<&str> = rows.iter().map(|r| r.entry.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "tenant.create",
                "tenant.create",
                "tenant.suspend",
                "tenant.archive"
            ],
            "the refused resume and portal archive left no row"
        );
        let suspend = &rows[2].entry;
        assert_eq!(suspend.client.as_deref(), Some("cli:tester"));
        assert_eq!(suspend.actor, None, "the command line acts as the system");
        assert_eq!(suspend.object, "tenant:fgw");
        assert_eq!(
            suspend.before_hash.as_deref(),
            Some(zq_store::content_hash(b"active").as_str())
        );
        assert_eq!(
            suspend.after_hash.as_deref(),
            Some(zq_store::content_hash(b"suspended").as_str())
        );
        let events = store.events_after(0, 100).await.unwrap();
        let kinds: Vec<(&str, &str)> = events
            .iter()
            .map(|e| (e.kind.as_str(), e.object.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("tenant_changed", "tenant:www"),
                ("tenant_changed", "tenant:fgw"),
                ("tenant_changed", "tenant:fgw"),
                ("tenant_changed", "tenant:fgw"),
            ],
            "one event per change, none for the refused ones"
        );
        assert!(events[2].change.sites_changed);
        assert_eq!(store.verify_audit_chain().await.unwrap().broken_at, None);
    });
}

#[test]
fn backup_verify_and_restore_speak_plainly_and_never_overwrite_a_database() {
    let cli = Cli::new("backup");
    cli.ok(&[
        "tenant",
        "create",
        "--code",
        "www",
        "--kind",
        "portal",
        "--name",
        "中国海川",
    ]);
    let out = cli.ok(&["backup", "--out", &cli.dir.join("b").display().to_string()]);
    assert!(out.contains("已备份到"), "{out}");
    let dir = std::fs::read_dir(cli.dir.join("b"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let out = cli.ok(&["backup", "verify", &dir.display().to_string()]);
    assert!(out.contains("备份完好"), "{out}");
    // The configured database has tables: a restore refuses it.
    let err = cli.fails(&["restore", &dir.display().to_string()], &[]);
    assert!(err.contains("目标数据库不为空"), "{err}");
    // Into an empty one it succeeds, and the tenant is there.
    let other = cli.dir.join("restored.sqlite");
    let url = format!("sqlite://{}?mode=rwc", other.display());
    let out = cli.run(
        &["restore", &dir.display().to_string()],
        &[("ZQ_DB__URL", &url)],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("恢复完成"));
    let out = cli.run(&["tenant", "list"], &[("ZQ_DB__URL", &url)]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("www"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A backup that is not one is named as such.
    let err = cli.fails(&["backup", "verify", &cli.dir.display().to_string()], &[]);
    assert!(err.contains("manifest.json"), "{err}");
}
