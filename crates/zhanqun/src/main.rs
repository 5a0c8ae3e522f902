//! `zhanqun`: the command line of the site cluster platform.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use zhanqun::{Config, demo};
use zq_domain::{Host, TenantKind};
use zq_services::admin::TenantInput;
use zq_services::{Caller, Services};
use zq_store::Store;

/// Zhanqun (站群): one host serving a city's government portal and its department, district
/// and town subsites.
#[derive(Parser)]
#[command(name = "zhanqun", version, about, propagate_version = true)]
struct Cli {
    /// TOML configuration file (defaults, then this file, then ZQ_* environment variables; see
    /// zhanqun.example.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the platform: apply migrations, then serve every tenant.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate {
        /// Only list pending migrations.
        #[arg(long)]
        status: bool,
    },
    /// Manage tenants (the cluster's sites).
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Check the audit log's hash chain.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Manage cluster administrators (the general office's accounts).
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Check every published article and stored file against what the audited writes
    /// recorded (防篡改) once, repairing what was tampered with, and print what was found.
    Integrity,
    /// Write every public page of every active site to a directory (one root per host).
    Export {
        /// Directory to write into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Port the pages' links should carry (the port the pages will be served on).
        #[arg(long, default_value_t = 80)]
        port: u16,
    },
    /// Back up the whole database (content, accounts, audit log, attachments) into a new
    /// directory with a manifest; `backup verify DIR` checks one.
    Backup {
        #[command(subcommand)]
        verify: Option<BackupCommand>,
        /// Where to create the backup directory (default: {data_dir}/backups).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// This node's search index (站内搜索).
    #[command(subcommand)]
    Search(SearchCommand),
    /// Restore a backup into the configured database, which must be empty.
    Restore {
        /// The backup directory (`zhanqun-backup-…`).
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum BackupCommand {
    /// Check a backup: its checksum, and that the database in it reads back.
    Verify {
        /// The backup directory (`zhanqun-backup-…`).
        dir: PathBuf,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Seed the demo cluster (中国海川 and its subsites) if the database has no tenants.
    #[arg(long)]
    demo: bool,
    /// Address to listen on, overriding the configuration's `http.listen`.
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
}

#[derive(Subcommand)]
enum TenantCommand {
    /// List every tenant with kind, status and hosts.
    List,
    /// Create a tenant.
    Create(CreateArgs),
    /// Suspend a tenant: its site answers 503 with a maintenance page.
    Suspend { code: String },
    /// Resume a suspended tenant.
    Resume { code: String },
    /// Archive a tenant for good: its site answers 410.
    Archive { code: String },
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Rebuild this node's index from the database, aside, then swap it in: a running server
    /// keeps answering from the old one until the new one is ready (within a second after).
    Reindex {
        /// Rebuild only this site's documents (its code, e.g. jb).
        #[arg(long, value_name = "CODE")]
        site: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the chain; exits non-zero and names the first bad row if it does not verify.
    Verify,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a cluster administrator. The password is read from standard input (first line)
    /// when it is not a terminal, otherwise asked for twice without echo. There is no default.
    Create {
        /// Sign-in name, e.g. `zhang.wei`.
        #[arg(long)]
        login: String,
        /// Name shown in the console and the audit log; defaults to the login.
        #[arg(long)]
        name: Option<String>,
    },
    /// Set a new password for an account that cannot sign in (a forgotten password), read as
    /// for `create`; the account must change it at its next sign-in, and its sign-in delays
    /// are lifted. Audited as `password.reset` by the operating-system user.
    ResetPassword {
        /// The account's sign-in name.
        #[arg(long)]
        login: String,
    },
}

#[derive(Args)]
struct CreateArgs {
    /// Lower-case code, e.g. `fgw`; also the alias path /sites/{code}/.
    #[arg(long)]
    code: String,
    /// portal, department, district or town.
    #[arg(long)]
    kind: String,
    /// The unit's Chinese name, e.g. 海川市民政局.
    #[arg(long)]
    name: String,
    /// Sponsor (主办单位); defaults to the name.
    #[arg(long)]
    sponsor: Option<String>,
    /// Parent tenant's code: the portal for departments and districts (default), a district for towns.
    #[arg(long)]
    parent: Option<String>,
    /// Host name; repeat for more. Defaults to {code}.{host_suffix}.
    #[arg(long = "host", value_name = "HOST")]
    hosts: Vec<String>,
    /// Site identification code (网站标识码).
    #[arg(long)]
    site_id: Option<String>,
    /// Address and telephone for the footer.
    #[arg(long)]
    contact: Option<String>,
    /// Short name for the tags of the portal's aggregated lists (e.g. 发展和改革委员会).
    #[arg(long)]
    short_name: Option<String>,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let cfg = Config::load(cli.config.as_deref(), std::env::vars())?;
    init_logging(&cfg.log);
    match cli.command {
        Command::Serve(args) => serve(cfg, args).await,
        Command::Migrate { status } => migrate(&cfg, status).await,
        Command::Tenant(cmd) => tenant(&cfg, cmd).await,
        Command::Export { out, port } => export(cfg, &out, port).await,
        Command::Admin(AdminCommand::Create { login, name }) => {
            admin_create(&cfg, &login, name).await
        }
        Command::Admin(AdminCommand::ResetPassword { login }) => {
            admin_reset_password(&cfg, &login).await
        }
        Command::Audit(AuditCommand::Verify) => audit_verify(&cfg).await,
        Command::Integrity => integrity(&cfg).await,
        Command::Search(SearchCommand::Reindex { site }) => reindex(&cfg, site.as_deref()).await,
        Command::Backup { verify, out } => backup(&cfg, verify, out).await,
        Command::Restore { dir } => {
            let started = std::time::Instant::now();
            let m = zhanqun::backup::restore(&dir, &cfg.database_url).await?;
            println!(
                "恢复完成：{} 备份（{}，审计日志 {} 行）于 {:.1} 秒内写入 {}",
                m.backend,
                m.created_at,
                m.audit_rows,
                started.elapsed().as_secs_f64(),
                cfg.database_url.split('?').next().unwrap_or("")
            );
            Ok(())
        }
    }
}

async fn backup(cfg: &Config, verify: Option<BackupCommand>, out: Option<PathBuf>) -> Result<()> {
    if let Some(BackupCommand::Verify { dir }) = verify {
        let m = zhanqun::backup::verify(&dir).await?;
        println!(
            "备份完好：{}（{} 字节，SHA-256 {}），审计日志 {} 行",
            m.file, m.bytes, m.sha256, m.audit_rows
        );
        return Ok(());
    }
    let store = open(cfg).await?;
    let out = out.unwrap_or_else(|| cfg.data_dir.join("backups"));
    let started = std::time::Instant::now();
    let (dir, m) = zhanqun::backup::backup(&store, &cfg.database_url, &out).await?;
    println!(
        "已备份到 {}（{} 字节，{:.1} 秒）",
        dir.display(),
        m.bytes,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn audit_verify(cfg: &Config) -> Result<()> {
    let check = open(cfg).await?.verify_audit_chain().await?;
    match check.broken_at {
        None => {
            println!("The audit chain verifies ({} rows).", check.rows);
            Ok(())
        }
        Some(id) => bail!(
            "the audit chain is broken at row {id} ({} rows checked)",
            check.rows
        ),
    }
}

async fn reindex(cfg: &Config, site: Option<&str>) -> Result<()> {
    let Some(settings) = &cfg.search else {
        anyhow::bail!("本节点未启用站内搜索（search.enabled = false）");
    };
    let store = open(cfg).await?;
    let started = std::time::Instant::now();
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} 个站点  {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let files = zq_services::search::FileReader::new(settings.files);
    let n = zq_services::search::reindex(
        &store,
        &settings.dir,
        &files,
        site,
        &mut |done, all, docs| {
            bar.set_length(all as u64);
            bar.set_position(done as u64);
            bar.set_message(format!("{docs} 篇"));
        },
    )
    .await;
    bar.finish_and_clear();
    let n = n?;
    println!(
        "搜索索引已重建{}：{} 篇，用时 {:.1} 秒（{}）；运行中的服务在一秒内换用新索引。",
        site.map(|s| format!("（站点 {s}）")).unwrap_or_default(),
        n,
        started.elapsed().as_secs_f64(),
        settings.dir.display()
    );
    Ok(())
}

async fn integrity(cfg: &Config) -> Result<()> {
    let svc = zq_services::Services::new(open(cfg).await?);
    let r = zq_services::integrity::scan(&svc).await?;
    let (restored, withdrawn) = r.repairs();
    println!(
        "检查了 {} 篇已发布信息和 {} 个文件，用时 {:.2} 秒：{} 篇被改动后已恢复，{} 篇无可信版本已撤下，{} 个文件内容与其哈希不符；{} 篇没有可核对的记录。",
        r.articles,
        r.files,
        r.took.as_secs_f64(),
        restored,
        withdrawn,
        r.bad_files.len(),
        r.unrecorded
    );
    for (check, repair) in &r.tampered {
        println!(
            "  {}#{}：{:?}（发现 {}）",
            check.tenant, check.id, repair, check.actual
        );
    }
    for sha in &r.bad_files {
        println!("  文件 {sha}：内容已被改动，不再提供下载");
    }
    if r.tampered.is_empty() && r.bad_files.is_empty() {
        Ok(())
    } else {
        bail!("发现被篡改的内容（已处理，见审计日志 integrity.*）")
    }
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

async fn open(cfg: &Config) -> Result<Store> {
    zhanqun::open_store(cfg)
        .await
        .with_context(|| format!("opening the database {}", cfg.database_url_redacted()))
}

async fn serve(mut cfg: Config, args: ServeArgs) -> Result<()> {
    if let Some(listen) = args.listen {
        cfg.listen = listen.parse().with_context(|| {
            format!("--listen: expected an address like 127.0.0.1:8080, got {listen:?}")
        })?;
    }
    let store = open(&cfg).await?;
    tracing::info!(database = %cfg.database_url_redacted(), backend = store.backend_name(), "database ready");
    let mut demo_accounts = Vec::new();
    let mut demo_already_seeded = false;
    if args.demo {
        let started = std::time::Instant::now();
        let seeder = Services::new(store.clone());
        match demo::seed_if_empty(&seeder, &cfg.host_suffix, demo::DemoOptions::default()).await? {
            Some(r) => {
                tracing::info!(
                    tenants = r.tenants,
                    columns = r.columns,
                    articles = r.articles,
                    channels = r.channels,
                    submissions = r.submissions,
                    seconds = started.elapsed().as_secs_f32(),
                    "seeded the demo cluster"
                );
                let accounts = demo::seed_accounts(&seeder).await?;
                demo_accounts = accounts;
                let released = zhanqun::memory::release_free_memory();
                tracing::debug!(released, "returned the seeding's freed memory");
            }
            None => {
                tracing::info!("the database already has tenants; not seeding the demo");
                demo_already_seeded = true;
            }
        }
    }
    let listener = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .with_context(|| format!("cannot listen on {}", cfg.listen))?;
    let mut running = zhanqun::start(&cfg, store.clone(), listener).await?;
    print_urls(&store, running.addr).await?;
    if !demo_accounts.is_empty() {
        println!(
            "Demo accounts (passwords are shown only now; sign in at http://{}:{}/ or http://{}/console/):",
            cfg.console_host,
            running.addr.port(),
            running.addr
        );
        for a in &demo_accounts {
            println!(
                "  {:<12} {:<20} {:<8} password: {}",
                a.login, a.role, a.site, a.password
            );
        }
        println!();
    } else if demo_already_seeded {
        println!(
            "The demo cluster was seeded on an earlier start, with its accounts (office, ops, jb.admin, \
             jb.editor, jb.reviewer); their passwords were shown only then. Forgotten one? Set a new \
             one with: zhanqun admin reset-password --login office\n\
             演示数据已在之前的启动中创建，演示账号的密码只在当时显示过一次；忘记密码可用 \
             zhanqun admin reset-password --login office 重新设置。\n"
        );
    }
    if let Some(m) = running.metrics_addr {
        println!("Metrics (Prometheus): http://{m}/metrics");
    }
    match &cfg.redis_url {
        Some(_) => tracing::info!("page cache: in-process L1 plus Redis L2 and invalidation bus"),
        None => tracing::info!(
            enabled = cfg.cache.enabled,
            max_bytes = cfg.cache.max_bytes,
            "page cache: in-process only"
        ),
    }
    shutdown_signal().await;
    tracing::info!("shutting down");
    running.request_stop();
    running.wait().await?;
    Ok(())
}

/// Prints where to point a browser: every tenant's host and its alias.
async fn print_urls(store: &Store, addr: std::net::SocketAddr) -> Result<()> {
    let tenants = store.list_tenants().await?;
    let port = addr.port();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "\nZhanqun is serving {} sites on http://{addr}/",
        tenants.len()
    )?;
    if tenants.is_empty() {
        writeln!(
            out,
            "No tenants yet: create one with `zhanqun tenant create`, or start with `zhanqun serve --demo`."
        )?;
    }
    for t in &tenants {
        let host = t.hosts.first().map(Host::as_str).unwrap_or("-");
        writeln!(
            out,
            "  {:<10} {:<22} http://{host}:{port}/   (or http://{addr}/sites/{}/)",
            t.code.as_str(),
            t.name,
            t.code
        )?;
    }
    writeln!(
        out,
        "Health: http://{addr}/healthz  Readiness: http://{addr}/readyz\n"
    )?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Reads a new password: the first line of standard input when piped, else a prompt (twice).
fn read_new_password() -> Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New password: ")?;
        let second = rpassword::prompt_password("Repeat it: ")?;
        if first != second {
            bail!("the two passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        let pw = line.trim_end_matches(['\r', '\n']).to_owned();
        if pw.is_empty() {
            bail!("no password on standard input");
        }
        Ok(pw)
    }
}

/// The operator at the command line, as the audit log records them.
fn cli_caller() -> Caller {
    Caller::cli(std::env::var("USER").unwrap_or_else(|_| "unknown".into()))
}

async fn admin_create(cfg: &Config, login: &str, name: Option<String>) -> Result<()> {
    let login = zq_domain::security::LoginName::parse(login)?;
    let svc = Services::new(open(cfg).await?);
    if svc.store().user_by_login(&login).await?.is_some() {
        bail!("login {login} is taken");
    }
    let password = read_new_password()?;
    let display = name.unwrap_or_else(|| login.to_string());
    let user = zq_services::admin::create_cluster_user(
        &svc,
        &cli_caller(),
        login.as_str(),
        &display,
        password,
        zq_domain::access::ClusterRole::ClusterAdmin,
    )
    .await?;
    println!(
        "Created cluster administrator {} ({}).",
        user.login, user.display_name
    );
    Ok(())
}

async fn admin_reset_password(cfg: &Config, login: &str) -> Result<()> {
    let svc = Services::new(open(cfg).await?);
    let caller = cli_caller();
    // The account first: no password is asked for one that does not exist.
    zq_services::admin::account_by_login(&svc, login)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let password = read_new_password()?;
    let user = zq_services::accounts::reset_password_to(&svc, &caller, login, password)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // Lift any sign-in delay (an account without one is fine as it is).
    match zq_services::signin::unlock(&svc, &caller, login).await {
        Ok(()) | Err(zq_services::ServiceError::Conflict(_)) => {}
        Err(e) => bail!("{e}"),
    }
    println!(
        "已为 {}（{}）设置新密码；该账号下次登录时须修改密码，登录限制已解除。",
        user.login, user.display_name
    );
    Ok(())
}

async fn export(cfg: Config, out: &std::path::Path, port: u16) -> Result<()> {
    let store = open(&cfg).await?;
    // Render every page afresh: no cache, no Redis, nothing kept in memory.
    let cache = zq_cache::PageCache::new(
        zq_cache::CacheConfig {
            enabled: false,
            ..cfg.cache.clone()
        },
        None,
    );
    let metrics = std::sync::Arc::new(zq_http::Metrics::new());
    let state = zq_http::AppState::new(
        Services::new(store),
        zhanqun::app::http_config(&cfg),
        cache,
        zq_cache::Bus::local(),
        metrics,
    )
    .await?;
    let started = std::time::Instant::now();
    let r = zhanqun::export::export(&state, out, port).await?;
    println!(
        "Exported {} pages ({:.1} MiB) and {} QR pictures of {} sites to {} in {:.1} s.",
        r.pages,
        r.bytes as f64 / 1_048_576.0,
        r.pictures,
        r.sites,
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn migrate(cfg: &Config, status: bool) -> Result<()> {
    if status {
        let store =
            zq_store::Store::connect(&zq_store::StoreOptions::new(cfg.database_url.clone()))
                .await?;
        let pending = store.pending_migrations().await?;
        if pending.is_empty() {
            println!("The schema is up to date.");
        } else {
            println!("Pending migrations:");
            for m in pending {
                println!("  {m}");
            }
        }
        return Ok(());
    }
    let store = open(cfg).await?;
    println!(
        "Migrations applied; the schema is up to date ({}).",
        store.backend_name()
    );
    Ok(())
}

/// Tenant commands call the same audited operations as the console: the change, its audit
/// row (actor: the operating-system user, client `cli:{user}`) and its event in one
/// transaction.
async fn tenant(cfg: &Config, cmd: TenantCommand) -> Result<()> {
    let svc = Services::new(open(cfg).await?);
    let set_status = |code: String, status: &'static str| {
        let svc = svc.clone();
        async move {
            let t = zq_services::admin::set_tenant_status(&svc, &cli_caller(), &code, status, None)
                .await?;
            println!("Tenant {} ({}) is now {}.", t.code, t.name, t.status);
            println!("Running servers pick this up within their tenant refresh interval.");
            Ok::<_, anyhow::Error>(())
        }
    };
    match cmd {
        TenantCommand::List => {
            let tenants = svc.store().list_tenants().await?;
            if tenants.is_empty() {
                println!("No tenants.");
            }
            println!(
                "{:<10} {:<11} {:<10} {:<24} HOSTS",
                "CODE", "KIND", "STATUS", "NAME"
            );
            for t in tenants {
                let hosts: Vec<&str> = t.hosts.iter().map(Host::as_str).collect();
                println!(
                    "{:<10} {:<11} {:<10} {:<24} {}",
                    t.code.as_str(),
                    t.kind.as_str(),
                    t.status.as_str(),
                    t.name,
                    hosts.join(" ")
                );
            }
            Ok(())
        }
        TenantCommand::Create(a) => {
            let kind: TenantKind = a.kind.parse()?;
            let code = zq_domain::TenantCode::parse(&a.code)?;
            let parent = match (kind, a.parent) {
                (_, Some(p)) => Some(p),
                (TenantKind::Department | TenantKind::District, None) => {
                    let tenants = svc.store().list_tenants().await?;
                    let portal = tenants.into_iter().find(|t| t.kind == TenantKind::Portal);
                    match portal {
                        Some(p) => Some(p.code.to_string()),
                        None => {
                            bail!("create the portal first: departments and districts sit under it")
                        }
                    }
                }
                (TenantKind::Town, None) => bail!("a town needs --parent with its district's code"),
                (TenantKind::Portal, None) => None,
            };
            let hosts = if a.hosts.is_empty() {
                vec![Host::parse(&format!("{}.{}", code, cfg.host_suffix))?.to_string()]
            } else {
                a.hosts
            };
            let t = zq_services::admin::create_tenant(
                &svc,
                &cli_caller(),
                TenantInput {
                    code: code.to_string(),
                    kind: kind.as_str().to_owned(),
                    sponsor: a.sponsor.unwrap_or_else(|| a.name.clone()),
                    name: a.name,
                    site_id: a.site_id,
                    contact: a.contact,
                    parent,
                    hosts,
                    short_name: a.short_name,
                    preparing: false,
                    template: None,
                },
            )
            .await?;
            let hosts: Vec<&str> = t.hosts.iter().map(Host::as_str).collect();
            println!(
                "Created tenant {} ({}, {}) on {}.",
                t.code,
                t.name,
                t.kind,
                hosts.join(", ")
            );
            Ok(())
        }
        TenantCommand::Suspend { code } => set_status(code, "suspended").await,
        TenantCommand::Resume { code } => set_status(code, "active").await,
        TenantCommand::Archive { code } => set_status(code, "archived").await,
    }
}
