//! `zhanqun backup`, `backup verify` and `restore`: a backup is a directory holding the whole
//! database — content, accounts, the audit log and every attachment, since files live in the
//! database — as a SQLite copy made online (`VACUUM INTO`) or a PostgreSQL dump in pg_dump's
//! custom format, and `manifest.json` with its size and SHA-256. Verifying checks the checksum
//! and that the copy reads back (SQLite's integrity check, `pg_restore --list`). Restoring
//! writes into an empty database only, never over a live one.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};
use zq_store::{Store, StoreError, StoreOptions};

/// What a backup holds, written beside it as `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The layout of this directory (1).
    pub format: u32,
    /// When the backup was taken (RFC 3339, UTC).
    pub created_at: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The database file in the directory.
    pub file: String,
    pub bytes: u64,
    pub sha256: String,
    /// Rows of the audit log and the hash of the newest, to compare after a restore.
    pub audit_rows: u64,
    pub audit_head: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Tool(String),
    #[error("备份校验失败：{0}")]
    Invalid(String),
    #[error("目标数据库不为空：恢复只能写入没有任何表的空数据库")]
    NotEmpty,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_owned(),
        source,
    }
}

fn sha256_of(path: &Path) -> Result<(u64, String), BackupError> {
    use sha2::Digest;
    let mut file = std::fs::File::open(path).map_err(io(path))?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hasher.update(&buf[..n]);
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((bytes, hex))
}

fn run(tool: &str, args: &[&str]) -> Result<(), BackupError> {
    let out = Command::new(tool).args(args).output().map_err(|e| {
        BackupError::Tool(format!(
            "{tool} 无法运行（需要 PostgreSQL 客户端工具）：{e}"
        ))
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(BackupError::Tool(format!(
            "{tool} 失败：{}",
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// The SQLite file a `sqlite://` URL names.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

/// Backs up the database `store` is open on (`database_url`) into a new directory under
/// `out`, named by the time; returns that directory.
pub async fn backup(
    store: &Store,
    database_url: &str,
    out: &Path,
) -> Result<(PathBuf, Manifest), BackupError> {
    let now = chrono::Utc::now();
    let dir = out.join(format!(
        "zhanqun-backup-{}",
        now.format("%Y%m%d-%H%M%S-%3f")
    ));
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    // The audit log as it stands before the copy: every row is in the copy (rows only grow).
    let log = store.audit_log(None, 1).await?;
    let audit_head = log.first().map(|r| r.hash.clone()).unwrap_or_default();
    let audit_rows = store.audit_row_count().await?;
    let (backend, file) = match store.backend_name() {
        "sqlite" => {
            let file = "database.sqlite";
            store.sqlite_snapshot(&dir.join(file)).await?;
            ("sqlite", file)
        }
        _ => {
            let file = "database.pgdump";
            let target = dir.join(file);
            let target = target.display().to_string();
            run(
                "pg_dump",
                &[
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    &target,
                    "--dbname",
                    database_url,
                ],
            )?;
            ("postgres", file)
        }
    };
    let (bytes, sha256) = sha256_of(&dir.join(file))?;
    let manifest = Manifest {
        format: 1,
        created_at: now.to_rfc3339(),
        backend: backend.to_owned(),
        file: file.to_owned(),
        bytes,
        sha256,
        audit_rows,
        audit_head,
    };
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| BackupError::Tool(format!("manifest: {e}")))?;
    let path = dir.join("manifest.json");
    std::fs::write(&path, json).map_err(io(&path))?;
    Ok((dir, manifest))
}

/// Reads a backup's manifest and checks the database file against it and that it reads back.
pub async fn verify(dir: &Path) -> Result<Manifest, BackupError> {
    let path = dir.join("manifest.json");
    let text = std::fs::read(&path).map_err(io(&path))?;
    let manifest: Manifest = serde_json::from_slice(&text)
        .map_err(|e| BackupError::Invalid(format!("manifest.json 无法读取：{e}")))?;
    if manifest.format != 1 || manifest.file.contains('/') || manifest.file.contains("..") {
        return Err(BackupError::Invalid("不认识的备份格式".into()));
    }
    let file = dir.join(&manifest.file);
    let (bytes, sha256) = sha256_of(&file)?;
    if bytes != manifest.bytes || sha256 != manifest.sha256 {
        return Err(BackupError::Invalid(format!(
            "{} 与清单不符（大小 {bytes}，应为 {}；SHA-256 {sha256}，应为 {}）",
            manifest.file, manifest.bytes, manifest.sha256
        )));
    }
    match manifest.backend.as_str() {
        "sqlite" => {
            // Checked on a scratch copy: opening a SQLite file may write to it (its journal
            // mode), and the backup must stay as its checksum says.
            let scratch = std::env::temp_dir().join(format!(
                "zhanqun-verify-{}-{}.sqlite",
                std::process::id(),
                &manifest.sha256[..16]
            ));
            std::fs::copy(&file, &scratch).map_err(io(&scratch))?;
            let url = format!("sqlite://{}?mode=rw", scratch.display());
            let checked = async {
                let store = Store::connect(&StoreOptions::new(url)).await?;
                let ok = store.sqlite_integrity_ok().await?;
                store.close().await?;
                Ok::<bool, StoreError>(ok)
            }
            .await;
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", scratch.display()));
            }
            if !checked? {
                return Err(BackupError::Invalid("SQLite 完整性检查未通过".into()));
            }
        }
        "postgres" => run("pg_restore", &["--list", &file.display().to_string()])?,
        other => return Err(BackupError::Invalid(format!("未知的数据库类型 {other}"))),
    }
    Ok(manifest)
}

/// Restores a verified backup into the empty database at `database_url` (of the backup's kind).
pub async fn restore(dir: &Path, database_url: &str) -> Result<Manifest, BackupError> {
    let manifest = verify(dir).await?;
    let file = dir.join(&manifest.file);
    match (manifest.backend.as_str(), sqlite_path(database_url)) {
        ("sqlite", Some(target)) => {
            let exists = std::fs::metadata(&target)
                .map(|m| m.len() > 0)
                .unwrap_or(false);
            if exists {
                let store = Store::connect(&StoreOptions::new(database_url.to_owned())).await?;
                let empty = store.is_empty_database().await?;
                store.close().await?;
                if !empty {
                    return Err(BackupError::NotEmpty);
                }
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            std::fs::copy(&file, &target).map_err(io(&target))?;
        }
        ("postgres", None) => {
            let store = Store::connect(&StoreOptions::new(database_url.to_owned())).await?;
            let empty = store.is_empty_database().await?;
            store.close().await?;
            if !empty {
                return Err(BackupError::NotEmpty);
            }
            run(
                "pg_restore",
                &[
                    "--no-owner",
                    "--exit-on-error",
                    "--dbname",
                    database_url,
                    &file.display().to_string(),
                ],
            )?;
        }
        (backend, _) => {
            return Err(BackupError::Invalid(format!(
                "这是 {backend} 数据库的备份，不能恢复到 {}",
                database_url.split(':').next().unwrap_or("?")
            )));
        }
    }
    Ok(manifest)
}
