//! `[tls]`: the HTTPS listener, its certificate directory and the port redirects send
//! visitors to. Checked here so a wrong address or a missing directory stops the start with
//! the key's name, not at the first handshake.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

use super::ConfigError;

/// `[tls]` as read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTls {
    listen: String,
    dir: String,
    public_port: u16,
}

/// The HTTPS listener's settings, when one is configured.
#[derive(Debug, Clone)]
pub struct TlsConfig {
    /// Where it listens (`tls.listen`).
    pub listen: SocketAddr,
    /// Certificates managed as files (`tls.dir`).
    pub dir: Option<PathBuf>,
    /// The port redirects name (`tls.public_port`; 0: the listener's own).
    pub public_port: u16,
}

/// Checks `[tls]`: `None` when no listener is configured.
pub(super) fn check(raw: RawTls) -> Result<Option<TlsConfig>, ConfigError> {
    let listen = match raw.listen.trim() {
        "" | "off" => return Ok(None),
        a => a.parse::<SocketAddr>().map_err(|_| ConfigError::Value {
            key: "tls.listen",
            message: format!("expected an address like 0.0.0.0:443, or empty, got {a:?}"),
        })?,
    };
    let dir = match raw.dir.trim() {
        "" => None,
        d => {
            let p = PathBuf::from(d);
            if !p.is_dir() {
                return Err(ConfigError::Value {
                    key: "tls.dir",
                    message: format!("{d} is not a directory"),
                });
            }
            Some(p)
        }
    };
    Ok(Some(TlsConfig {
        listen,
        dir,
        public_port: raw.public_port,
    }))
}
