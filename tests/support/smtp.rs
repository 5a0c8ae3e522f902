//! A real SMTP server for the tests that mail (Python's aiosmtpd, as Debian packages it,
//! writing every message it receives to a maildir), and enough MIME decoding to search the
//! Chinese text of what arrived.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// aiosmtpd on a free port, killed when dropped.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    maildir: PathBuf,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let port = crate::prometheus::free_port();
        let maildir = std::env::temp_dir().join(format!("zq-mail-{}-{port}", std::process::id()));
        let child = Command::new("/usr/bin/python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3-aiosmtpd (scripts/test installs it)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        SmtpServer {
            child,
            port,
            maildir,
        }
    }

    /// The server's settings for a test app: mail through this server, the case mails every
    /// second, the daily digest out of the way (it has its own test).
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            (
                "ZQ_MAIL__SMTP_URL".into(),
                format!("smtp://127.0.0.1:{}", self.port),
            ),
            (
                "ZQ_MAIL__FROM".into(),
                "海川站群 <noreply@haichuan.example>".into(),
            ),
            ("ZQ_MAIL__EVERY_SECS".into(), "1".into()),
            ("ZQ_MAIL__DIGEST_SECS".into(), "86400".into()),
        ]
    }

    /// Every message received so far, as text (headers decoded where they are plain).
    pub fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(dir) = std::fs::read_dir(self.maildir.join(sub)) else {
                continue;
            };
            for e in dir.flatten() {
                out.push(decode(&std::fs::read(e.path()).unwrap_or_default()));
            }
        }
        out
    }

    /// Waits (at most 20 s) until `n` messages arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        let started = Instant::now();
        loop {
            let m = self.messages();
            if m.len() >= n || started.elapsed() > Duration::from_secs(20) {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.maildir);
    }
}

/// A message with its encoded words and base64 / quoted-printable body decoded enough to
/// search the Chinese text.
fn decode(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw).to_string();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .or_else(|| text.split_once("\n\n"))
        .unwrap_or((&text, ""));
    let mut out = String::from(head);
    out.push('\n');
    let flat: String = body.split_whitespace().collect();
    if head
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: base64")
    {
        out.push_str(&String::from_utf8_lossy(&b64(&flat)));
    } else if head.to_ascii_lowercase().contains("quoted-printable") {
        out.push_str(&qp(body));
    } else {
        out.push_str(body);
    }
    // Encoded-word subjects: =?utf-8?b?…?=
    let mut decoded = String::new();
    for part in out
        .split("=?utf-8?b?")
        .collect::<Vec<_>>()
        .iter()
        .enumerate()
        .map(|(i, p)| (i, *p))
    {
        let (i, p) = part;
        if i == 0 {
            decoded.push_str(p);
        } else if let Some((word, rest)) = p.split_once("?=") {
            decoded.push_str(&String::from_utf8_lossy(&b64(word)));
            decoded.push_str(rest);
        }
    }
    decoded
}

fn b64(s: &str) -> Vec<u8> {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let Some(v) = T.iter().position(|&t| t == c) else {
            continue;
        };
        buf = (buf << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}

fn qp(s: &str) -> String {
    let b = s.replace("=\r\n", "").replace("=\n", "");
    let bytes = b.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(&b[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}
