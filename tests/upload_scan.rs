//! Uploads scanned by ClamAV (issue 15, deliver 4, 防挂马), against a clamd this test starts
//! with a signature database of its own (the EICAR test string as a body signature, so no
//! download of ClamAV's databases is needed): an article attachment and a file on a public
//! letter that carry the string are refused with the signature's name in Chinese (422), the
//! refusal is audited (`upload.infected`, with the file's hash), counted and listed in the
//! security report, and nothing of them is stored; clean files pass. When clamd stops,
//! uploads are refused as unavailable (503), never stored unscanned. On both databases.
//!
//! Skipped, saying so, where clamd is not installed (Debian's clamav-daemon; scripts/test
//! installs it).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use zq_domain::access::TenantRole;
use zq_tests::{Backend, Resp, Setup, TestApp, hidden, host};

/// The EICAR anti-virus test file: harmless, recognised as "a virus" by every scanner.
const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
const CLAMD: &str = "/usr/sbin/clamd";
const SIGNATURE: &str = "Zhanqun.Test.EICAR";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";

/// A PDF with the EICAR string inside (so it passes the type checks and only the scanner
/// can refuse it).
fn infected_pdf() -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n1 0 obj\n(".to_vec();
    pdf.extend_from_slice(EICAR);
    pdf.extend_from_slice(b")\nendobj\n%%EOF\n");
    pdf
}

/// A clamd of the test's own, on a local socket in a directory of its own.
struct Clamd {
    child: Child,
    dir: PathBuf,
    socket: PathBuf,
}

impl Drop for Clamd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Clamd {
    /// Starts clamd, or `None` (with the reason printed) where it is not installed.
    async fn start() -> Option<Clamd> {
        if !Path::new(CLAMD).exists() {
            eprintln!(
                "SKIPPED upload scanning: {CLAMD} is not installed (apt-get install clamav-daemon; scripts/test installs it)"
            );
            return None;
        }
        let dir = std::env::temp_dir().join(format!(
            "zq-clamd-{}-{}",
            std::process::id(),
            fastrand::u32(..)
        ));
        let db = dir.join("db");
        std::fs::create_dir_all(&db).expect("clamd directory");
        let hex: String = EICAR.iter().map(|b| format!("{b:02x}")).collect();
        // A body signature: name, any file type, anywhere in the file, the bytes in hex.
        std::fs::write(
            db.join("zhanqun-test.ndb"),
            format!("{SIGNATURE}:0:*:{hex}\n"),
        )
        .expect("signature database");
        let socket = dir.join("clamd.sock");
        let conf = dir.join("clamd.conf");
        std::fs::write(
            &conf,
            format!(
                "DatabaseDirectory {}\nLocalSocket {}\nForeground yes\nLogFile {}\n",
                db.display(),
                socket.display(),
                dir.join("clamd.log").display()
            ),
        )
        .expect("clamd.conf");
        let child = Command::new(CLAMD)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start clamd");
        let clamd = Clamd { child, dir, socket };
        let client =
            zq_services::malware::Clamd::parse(&clamd.path(), Duration::from_secs(5)).unwrap();
        for _ in 0..300 {
            if client.ping().await.is_ok() {
                return Some(clamd);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "clamd did not answer within 30 s: {}",
            std::fs::read_to_string(clamd.dir.join("clamd.log")).unwrap_or_default()
        );
    }

    fn path(&self) -> String {
        self.socket.display().to_string()
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn upload(app: &TestApp, token: &str, name: &str, bytes: &[u8]) -> Resp {
    let auth = format!("Bearer {token}");
    let path = format!("/api/v1/sites/jb/attachments?name={name}");
    app.call(
        "POST",
        &host("jb"),
        &path,
        &[
            ("authorization", &auth),
            ("content-type", "application/octet-stream"),
        ],
        bytes.to_vec(),
    )
    .await
}

/// Posts jb's letter form with one file.
async fn letter(app: &TestApp, name: &str, bytes: &[u8]) -> Resp {
    let h = host("jb");
    let page = app.get(&h, "/forms/letter").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let token = hidden(&page.body, "token");
    let fields = [
        ("token", token.as_str()),
        ("mailbox", "qzxx"),
        ("category", "help"),
        ("subject", "附件扫描"),
        ("content", "请查看附件中的材料。"),
        ("name", "钱扫描"),
        ("phone", "13600004444"),
        ("email", "qsm@example.cn"),
    ];
    app.post_multipart(&h, "/forms/letter", &fields, &[("attachment", name, bytes)])
        .await
}

/// How many attachments jb has.
async fn attachments(app: &TestApp, editor: &str) -> usize {
    let (s, list) = app
        .api(editor, "GET", "/api/v1/sites/jb/attachments", None)
        .await;
    assert_eq!(s, 200, "{list}");
    list.as_array().map_or(0, Vec::len)
}

fn message(r: &Resp) -> String {
    serde_json::from_str::<serde_json::Value>(&r.body).expect("a JSON answer")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn infected_uploads_are_refused_audited_and_reported(backend: Backend) {
    let Some(mut clamd) = Clamd::start().await else {
        return;
    };
    let app = TestApp::setup(Setup {
        backend: Some(backend),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 8,
            seed: 7,
        }),
        env: vec![("ZQ_SECURITY__CLAMD".into(), clamd.path())],
        ..Setup::default()
    })
    .await;
    let editor = app
        .token("scan.editor", None, Some(("jb", TenantRole::Editor)))
        .await;
    let before = attachments(&app, &editor).await;

    // An article attachment: the clean one is stored, the infected one refused by name.
    let clean = upload(&app, &editor, "photo.png", PNG).await;
    assert_eq!(clean.status, 201, "{}", clean.body);
    let bad = infected_pdf();
    let refused = upload(&app, &editor, "通知.pdf", &bad).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let m = message(&refused);
    assert!(
        m.contains("未通过病毒检查") && m.contains(SIGNATURE) && m.contains("通知.pdf"),
        "{m}"
    );
    assert_eq!(
        attachments(&app, &editor).await,
        before + 1,
        "only the clean file kept"
    );

    // A file on a public letter: the letter stays unsent with the reason on the form.
    let r = letter(&app, "材料.pdf", &bad).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("未通过病毒检查") && r.body.contains(SIGNATURE),
        "{}",
        r.body
    );
    assert!(r.body.contains("请查看附件中的材料"), "typed text kept");
    let (s, cases) = app
        .api(&editor, "GET", "/api/v1/sites/jb/cases", None)
        .await;
    assert_eq!(
        (s, &cases["total"]),
        (200, &serde_json::json!(0)),
        "{cases}"
    );
    let ok = letter(&app, "照片.png", PNG).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let (_, cases) = app
        .api(&editor, "GET", "/api/v1/sites/jb/cases", None)
        .await;
    assert_eq!(cases["total"], 1, "the clean letter was opened: {cases}");

    // Each refusal is an audit row naming the signature and the file's hash, by the
    // uploader: the clerk's login, the public's address.
    let sha = zq_store::content_hash(&bad);
    let rows = app
        .store
        .audit_since(None, chrono::Utc::now() - chrono::Duration::hours(1), 1000)
        .await
        .expect("audit");
    let infected: Vec<_> = rows
        .iter()
        .filter(|r| r.entry.action == "upload.infected")
        .collect();
    assert_eq!(infected.len(), 2, "{infected:?}");
    for r in &infected {
        assert_eq!(
            r.entry.object,
            format!("malware:{SIGNATURE}.UNOFFICIAL:{sha}")
        );
        assert_eq!(r.entry.after_hash.as_deref(), Some(sha.as_str()));
    }
    assert!(infected.iter().any(|r| {
        r.entry
            .actor
            .as_ref()
            .is_some_and(|(_, l)| l == "scan.editor")
    }));
    assert!(infected.iter().any(|r| {
        r.entry
            .client
            .as_deref()
            .is_some_and(|c| c.starts_with("public:"))
    }));
    assert!(
        app.store
            .verify_audit_chain()
            .await
            .expect("chain")
            .broken_at
            .is_none(),
        "the chain holds"
    );

    // Counted for the alerts, and listed in the office's security report.
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("zhanqun_upload_scans_total{result=\"infected\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("zhanqun_upload_scans_total{result=\"clean\"} 2"),
        "{metrics}"
    );
    let ops = app.operator_cookie("scan.ops").await;
    let report = app
        .get_with("127.0.0.1", "/console/admin/security", &[("cookie", &ops)])
        .await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert!(
        report.body.contains("已启用（clamd：") && report.body.contains("拒绝 2 个染毒文件"),
        "{}",
        report.body
    );
    assert!(report.body.contains(&sha), "the refusals are listed");

    // Without a scanner that answers, nothing is stored unscanned.
    clamd.stop();
    let r = upload(&app, &editor, "later.png", PNG).await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(message(&r).contains("暂不可用"), "{}", r.body);
    let r = letter(&app, "照片2.png", PNG).await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(attachments(&app, &editor).await, before + 1);
    assert!(
        app.metrics()
            .await
            .contains("zhanqun_upload_scans_total{result=\"failed\"} 2")
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_infected_uploads_are_refused_audited_and_reported() {
    infected_uploads_are_refused_audited_and_reported(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_infected_uploads_are_refused_audited_and_reported() {
    infected_uploads_are_refused_audited_and_reported(Backend::Postgres).await;
}
