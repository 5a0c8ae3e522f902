//! TLS serving (issue 15, deliver 1), against a local CA: the certificate is chosen by SNI
//! (two site hosts with their own certificates, the others by a wildcard), a renewed
//! certificate is served by the next handshake without restart, the listener speaks TLS 1.2
//! and 1.3 with ALPN h2 and resumes sessions, refuses TLS 1.0 and 1.1, redirects plain HTTP
//! of an HTTPS-only site with HSTS over TLS, takes certificates from a directory too, checks
//! every upload (chain order, key, names, dates) with the reason in Chinese, audits each
//! write, and exports each certificate's end for the expiry alerts. On both databases.

use std::sync::Arc;

use chrono::{Datelike, Duration, Utc};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use zq_domain::access::ClusterRole;
use zq_tests::{Backend, Setup, TestApp, host};

/// A private CA: its certificate (PEM and DER) and its issuer.
pub(crate) struct Ca {
    der: CertificateDer<'static>,
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

pub(crate) fn ca(name: &str) -> Ca {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    let cert = params.self_signed(&key).unwrap();
    Ca {
        der: cert.der().clone(),
        pem: cert.pem(),
        issuer: Issuer::new(params, key),
    }
}

/// An intermediate CA signed by `root`.
fn intermediate(root: &Ca) -> Ca {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "海川测试中间证书");
    let cert = params.signed_by(&key, &root.issuer).unwrap();
    Ca {
        der: cert.der().clone(),
        pem: cert.pem(),
        issuer: Issuer::new(params, key),
    }
}

/// Sets the certificate's validity from `from` to `to` (whole days).
fn valid(params: &mut CertificateParams, from: chrono::DateTime<Utc>, to: chrono::DateTime<Utc>) {
    let ymd = |t: chrono::DateTime<Utc>| {
        rcgen::date_time_ymd(
            t.year(),
            u8::try_from(t.month()).unwrap(),
            u8::try_from(t.day()).unwrap(),
        )
    };
    params.not_before = ymd(from);
    params.not_after = ymd(to);
}

/// A site certificate: its DER, the chain PEM (with `via`'s certificate after it) and the key.
pub(crate) struct Leaf {
    der: CertificateDer<'static>,
    chain_pem: String,
    key_pem: String,
}

pub(crate) fn leaf(names: &[&str], signer: &Ca, via: Option<&Ca>, days: i64) -> Leaf {
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>()).unwrap();
    valid(
        &mut params,
        Utc::now() - Duration::days(2),
        Utc::now() + Duration::days(days),
    );
    let cert = params.signed_by(&key, &signer.issuer).unwrap();
    let mut chain_pem = cert.pem();
    if let Some(i) = via {
        chain_pem.push_str(&i.pem);
    }
    Leaf {
        der: cert.der().clone(),
        chain_pem,
        key_pem: key.serialize_pem(),
    }
}

fn client(
    root: &Ca,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(root.der.clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Arc::new(cfg)
}

type Tls = tokio_rustls::client::TlsStream<tokio::net::TcpStream>;

async fn connect(
    app: &TestApp,
    cfg: &Arc<rustls::ClientConfig>,
    name: &str,
) -> std::io::Result<Tls> {
    let tcp = tokio::net::TcpStream::connect(app.tls_addr.expect("a TLS listener")).await?;
    tokio_rustls::TlsConnector::from(cfg.clone())
        .connect(ServerName::try_from(name.to_owned()).unwrap(), tcp)
        .await
}

/// The end-entity certificate the server showed for `name`.
async fn served(
    app: &TestApp,
    cfg: &Arc<rustls::ClientConfig>,
    name: &str,
) -> CertificateDer<'static> {
    let s = connect(app, cfg, name).await.expect("handshake");
    s.get_ref().1.peer_certificates().expect("a certificate")[0].clone()
}

/// GET `path` over TLS with HTTP/1.1: the whole answer as text.
async fn https_get(app: &TestApp, root: &Ca, name: &str, path: &str) -> String {
    let mut cfg = (*client(root, rustls::DEFAULT_VERSIONS)).clone();
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    let mut s = connect(app, &Arc::new(cfg), name).await.expect("handshake");
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).into_owned()
}

async fn app(backend: Backend, dir: Option<&std::path::Path>) -> TestApp {
    let mut env = vec![("ZQ_TLS__LISTEN".into(), "127.0.0.1:0".into())];
    if let Some(d) = dir {
        env.push(("ZQ_TLS__DIR".into(), d.display().to_string()));
    }
    TestApp::setup(Setup {
        backend: Some(backend),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 5,
        }),
        env,
        ..Default::default()
    })
    .await
}

pub(crate) async fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    l: &Leaf,
) -> (u16, serde_json::Value) {
    app.api(
        token,
        "PUT",
        &format!("/api/v1/certificates/{name}"),
        Some(json!({"chain_pem": l.chain_pem, "key_pem": l.key_pem})),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sni_picks_each_sites_certificate_before_the_wildcard_and_a_renewal_is_served_without_restart()
 {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let root = ca("海川测试根证书");
        let inter = intermediate(&root);
        // A certificate laid in the directory by the operators.
        let dir = std::env::temp_dir().join(format!(
            "zq-tls-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let file_cert = leaf(&["files.haichuan.localhost"], &root, None, 90);
        std::fs::write(dir.as_path().join("Files.crt"), &file_cert.chain_pem).unwrap();
        std::fs::write(dir.as_path().join("Files.key"), &file_cert.key_pem).unwrap();
        std::fs::write(dir.as_path().join("orphan.crt"), &file_cert.chain_pem).unwrap();
        let app = app(backend, Some(dir.as_path())).await;
        let office = app
            .token("office", Some(ClusterRole::ClusterAdmin), None)
            .await;

        let jb = leaf(&[&host("jb")], &inter, Some(&inter), 200);
        let fgw = leaf(&[&host("fgw"), "www.fgw.example.gov.cn"], &root, None, 200);
        let wild = leaf(&["*.haichuan.localhost"], &root, None, 60);
        for (name, l) in [("jb", &jb), ("fgw", &fgw), ("wildcard", &wild)] {
            let (s, body) = upload(&app, &office, name, l).await;
            assert_eq!(s, 200, "{name}: {body}");
        }
        let (_, listed) = app.api(&office, "GET", "/api/v1/certificates", None).await;
        let items = listed["items"].as_array().unwrap();
        let names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["fgw", "jb", "wildcard", "file.files"], "{listed}");
        assert_eq!(items[1]["names"], json!([host("jb")]));
        assert_eq!(items[2]["expiry"], "valid");

        let cfg = client(&root, rustls::DEFAULT_VERSIONS);
        assert_eq!(served(&app, &cfg, &host("jb")).await, jb.der, "exact name");
        assert_eq!(served(&app, &cfg, &host("fgw")).await, fgw.der);
        assert_eq!(
            served(&app, &cfg, "www.fgw.example.gov.cn").await,
            fgw.der,
            "second name"
        );
        assert_eq!(
            served(&app, &cfg, &host("mz")).await,
            wild.der,
            "the wildcard"
        );
        assert_eq!(
            served(&app, &cfg, "files.haichuan.localhost").await,
            file_cert.der,
            "a file"
        );
        assert!(
            connect(&app, &cfg, "unknown.example.org").await.is_err(),
            "no certificate covers it: no handshake"
        );

        // HTTP/2 is offered; TLS 1.2 works; the second connection resumes the session.
        let s = connect(&app, &cfg, &host("jb")).await.unwrap();
        assert_eq!(s.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
        assert_eq!(
            s.get_ref().1.protocol_version(),
            Some(rustls::ProtocolVersion::TLSv1_3)
        );
        drop(s);
        let s12 = connect(
            &app,
            &client(&root, &[&rustls::version::TLS12]),
            &host("jb"),
        )
        .await
        .expect("TLS 1.2");
        assert_eq!(
            s12.get_ref().1.protocol_version(),
            Some(rustls::ProtocolVersion::TLSv1_2)
        );
        let resumable = client(&root, rustls::DEFAULT_VERSIONS);
        let mut first = connect(&app, &resumable, &host("jb")).await.unwrap();
        // TLS 1.3 tickets arrive after the handshake: read the answer to a request.
        first
            .write_all(
                format!(
                    "GET /healthz HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                    host("jb")
                )
                .as_bytes(),
            )
            .await
            .unwrap();
        let _ = first.read_to_end(&mut Vec::new()).await;
        let second = connect(&app, &resumable, &host("jb")).await.unwrap();
        assert_eq!(
            second.get_ref().1.handshake_kind(),
            Some(rustls::HandshakeKind::Resumed),
            "session resumption"
        );

        // The renewal: same name, new key; the next handshake shows it.
        let renewed = leaf(&[&host("jb")], &root, None, 365);
        assert_eq!(upload(&app, &office, "jb", &renewed).await.0, 200);
        assert_eq!(
            served(&app, &cfg, &host("jb")).await,
            renewed.der,
            "no restart"
        );
        let answer = https_get(&app, &root, &host("jb"), "/").await;
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "{}",
            &answer[..answer.len().min(300)]
        );

        // Removed: the wildcard answers again.
        let (s, _) = app
            .api(&office, "DELETE", "/api/v1/certificates/jb", None)
            .await;
        assert_eq!(s, 204);
        assert_eq!(served(&app, &cfg, &host("jb")).await, wild.der);

        let metrics = app.metrics().await;
        let line = metrics
            .lines()
            .find(|l| {
                l.starts_with(
                    "zhanqun_tls_certificate_expiry_timestamp_seconds{certificate=\"wildcard\"}",
                )
            })
            .expect("the expiry gauge");
        let end: i64 = line.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(
            (end - (Utc::now() + Duration::days(60)).timestamp()).abs() < 2 * 86_400,
            "{line}"
        );
        assert!(
            !metrics.contains("certificate=\"jb\""),
            "a removed certificate leaves the gauge"
        );

        let log = app.store.audit_log(None, 100).await.unwrap();
        let actions: Vec<(&str, &str)> = log
            .iter()
            .filter(|r| r.entry.action.starts_with("tls."))
            .map(|r| (r.entry.action.as_str(), r.entry.object.as_str()))
            .collect();
        assert!(
            actions.contains(&("tls.certificate.remove", "certificate:jb")),
            "{actions:?}"
        );
        assert_eq!(
            actions
                .iter()
                .filter(|(a, o)| *a == "tls.certificate.put" && *o == "certificate:jb")
                .count(),
            2,
            "upload and renewal"
        );
        app.finish().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_of_an_https_only_site_is_redirected_and_its_https_answers_carry_hsts() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let root = ca("海川测试根证书");
        let app = app(backend, None).await;
        let office = app
            .token("office", Some(ClusterRole::ClusterAdmin), None)
            .await;
        let (s, body) = app
            .api(
                &office,
                "PUT",
                "/api/v1/sites/jb/https",
                Some(json!({"https_only": true})),
            )
            .await;
        assert_eq!(s, 422, "no certificate yet: {body}");
        assert!(body.to_string().contains("还没有有效的证书"), "{body}");

        let jb = leaf(&[&host("jb")], &root, None, 20);
        assert_eq!(upload(&app, &office, "jb", &jb).await.0, 200);
        let (s, body) = app
            .api(
                &office,
                "PUT",
                "/api/v1/sites/jb/https",
                Some(json!({"https_only": true})),
            )
            .await;
        assert_eq!((s, &body["https_only"]), (200, &json!(true)), "{body}");

        let port = app.tls_addr.unwrap().port();
        let r = app.get(&host("jb"), "/col/tzgg/?page=2").await;
        assert_eq!(r.status, 308);
        assert_eq!(
            r.header("location"),
            Some(format!("https://{}:{port}/col/tzgg/?page=2", host("jb")).as_str())
        );
        assert_eq!(
            app.get(&host("jb"), "/healthz").await.status,
            200,
            "health checks stay"
        );
        assert_eq!(
            app.get(&host("fgw"), "/").await.status,
            200,
            "other sites are not affected"
        );
        let answer = https_get(&app, &root, &host("jb"), "/").await;
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "{}",
            &answer[..answer.len().min(300)]
        );
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("strict-transport-security: max-age=31536000"),
            "HSTS over TLS"
        );
        // The cached copy is answered with HSTS too.
        let again = https_get(&app, &root, &host("jb"), "/").await;
        assert!(
            again
                .to_ascii_lowercase()
                .contains("strict-transport-security")
        );

        // The console shows the certificate's warning (20 days left) and the switch; an
        // operator reads it, only the office uploads.
        let cookie = app.operator_cookie("ops").await;
        let page = app
            .get_with(
                "127.0.0.1",
                "/console/admin/certificates",
                &[("cookie", &cookie)],
            )
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("30 天内到期"), "the warning");
        assert!(page.body.contains("已开启"), "the switch");
        assert!(!page.body.contains("检查并保存"), "operators only read");

        // The office renews through the console: a wrong key is refused on the page (the
        // chain kept, the key not shown again), the right one stored.
        app.account("office.web", Some(ClusterRole::ClusterAdmin), &[])
            .await;
        let (_, session) = app.sign_in("office.web", zq_tests::PASSWORD).await;
        let session = session.unwrap();
        let form = app
            .get_with(
                "127.0.0.1",
                "/console/admin/certificates",
                &[("cookie", &session)],
            )
            .await;
        let csrf = zq_tests::hidden_csrf(&form.body);
        let renewed = leaf(&[&host("jb")], &root, None, 300);
        let other = leaf(&[&host("jb")], &root, None, 300);
        let post = |key: String| {
            let (chain, csrf, session) = (renewed.chain_pem.clone(), csrf.clone(), session.clone());
            let app = &app;
            async move {
                app.post_form(
                    "127.0.0.1",
                    "/console/admin/certificates",
                    &[
                        ("csrf", &csrf),
                        ("name", "jb"),
                        ("chain_pem", &chain),
                        ("key_pem", &key),
                    ],
                    &[("cookie", &session)],
                )
                .await
            }
        };
        let refused = post(other.key_pem.clone()).await;
        assert_eq!(refused.status, 422);
        assert!(
            refused.body.contains("私钥与证书不匹配"),
            "{}",
            refused.body
        );
        assert!(
            !refused.body.contains("PRIVATE KEY"),
            "the key is not echoed"
        );
        let saved = post(renewed.key_pem.clone()).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let cfg = client(&root, rustls::DEFAULT_VERSIONS);
        assert_eq!(served(&app, &cfg, &host("jb")).await, renewed.der);

        let (s, _) = app
            .api(
                &office,
                "PUT",
                "/api/v1/sites/jb/https",
                Some(json!({"https_only": false})),
            )
            .await;
        assert_eq!(s, 200);
        assert_eq!(
            app.get(&host("jb"), "/").await.status,
            200,
            "plain HTTP again"
        );
        let log = app.store.audit_log(None, 100).await.unwrap();
        for action in ["tenant.https_on", "tenant.https_off"] {
            assert!(
                log.iter()
                    .any(|r| r.entry.action == action && r.entry.object == "tenant:jb"),
                "{action} audited"
            );
        }
        app.finish().await;
    }
}

mod refusals;
