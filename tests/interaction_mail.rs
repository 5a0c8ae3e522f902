//! Case notifications by email, against a real SMTP server (Python's aiosmtpd, as Debian
//! packages it, writing every message it receives to a maildir): a site's mailbox names its
//! office's address; a new letter is mailed there, without the writer's details; the reply is
//! mailed to the writer, who gave an address, without its content; nothing is mailed twice.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{TestApp, hidden, host};

/// aiosmtpd on a free port, killed when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
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

    /// Every message received so far, as text (headers decoded where they are plain).
    fn messages(&self) -> Vec<String> {
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
    async fn wait_for(&self, n: usize) -> Vec<String> {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_letter_is_mailed_to_the_sites_office_and_the_reply_notice_to_the_writer_once() {
    let smtp = SmtpServer::start();
    let app = TestApp::setup(zq_tests::Setup {
        backend: Some(zq_tests::Backend::Sqlite),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 9,
        }),
        env: vec![
            (
                "ZQ_MAIL__SMTP_URL".into(),
                format!("smtp://127.0.0.1:{}", smtp.port),
            ),
            (
                "ZQ_MAIL__FROM".into(),
                "海川站群 <noreply@haichuan.example>".into(),
            ),
            ("ZQ_MAIL__EVERY_SECS".into(), "1".into()),
        ],
        ..Default::default()
    })
    .await;
    let office = app
        .token("mail.office", Some(ClusterRole::ClusterAdmin), None)
        .await;
    let hd = app
        .token("mail.hd", None, Some(("hd", TenantRole::SiteAdmin)))
        .await;
    // The district's office inbox, on a new mailbox.
    let (s, m) = app
        .api(
            &office,
            "POST",
            "/api/v1/sites/hd/mailboxes",
            Some(json!({"slug": "bgs", "name": "区政府办信箱"})),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    let mailbox = app
        .store
        .mailbox(
            app.store
                .tenant_by_code(&zq_domain::TenantCode::parse("hd").unwrap())
                .await
                .unwrap()
                .unwrap()
                .id,
            "bgs",
        )
        .await
        .unwrap();
    zq_services::interaction::update_mailbox(
        &app.services,
        &zq_services::Caller::system(),
        "hd",
        mailbox.id,
        zq_store::NewMailbox {
            slug: "bgs".into(),
            name: "区政府办信箱".into(),
            description: None,
            sort_order: 0,
            notify_email: Some("bgs@hd.haichuan.example".into()),
        },
        true,
    )
    .await
    .unwrap();
    // Give the mail job its first run (it starts from the newest step).
    tokio::time::sleep(Duration::from_millis(2500)).await;

    let h = host("hd");
    let page = app.get(&h, "/forms/letter").await;
    let token = hidden(&page.body, "token");
    let r = app
        .post_form(
            &h,
            "/forms/letter",
            &[
                ("token", &token),
                ("mailbox", "bgs"),
                ("category", "consultation"),
                ("subject", "社区食堂开放时间"),
                ("content", "请问社区食堂周末是否开放？"),
                ("name", "周晓梅"),
                ("phone", "13611112222"),
                ("email", "zxm@example.cn"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let first = &mails[0];
    assert!(first.contains("bgs@hd.haichuan.example"), "{first}");
    assert!(first.contains("社区食堂开放时间"), "{first}");
    for secret in ["周晓梅", "13611112222", "zxm@example.cn"] {
        assert!(!first.contains(secret), "{secret} in the office's mail");
    }

    // Answered: the writer is told where to read it, not what it says.
    let (_, list) = app.api(&hd, "GET", "/api/v1/sites/hd/cases", None).await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    for (step, body) in [
        ("accept", json!({})),
        ("draft_reply", json!({"text": "周末10:30至13:00开放。"})),
        ("approve_reply", json!({})),
    ] {
        let (s, v) = app
            .api(
                &hd,
                "POST",
                &format!("/api/v1/sites/hd/cases/{id}/{step}"),
                Some(body),
            )
            .await;
        assert_eq!(s, 200, "{step}: {v}");
    }
    let mails = smtp.wait_for(2).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    let to_writer = mails
        .iter()
        .find(|m| m.contains("zxm@example.cn"))
        .expect("a mail to the writer");
    assert!(
        to_writer.contains("已有答复") && to_writer.contains("办理查询"),
        "{to_writer}"
    );
    assert!(
        !to_writer.contains("10:30"),
        "the reply itself is not mailed"
    );
    // Nothing more, however often the job runs.
    tokio::time::sleep(Duration::from_millis(3000)).await;
    assert_eq!(smtp.messages().len(), 2);
    app.finish().await;
}
