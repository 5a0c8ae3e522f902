//! What the TLS listener refuses: clients offering only TLS 1.0 or 1.1 (a raw ClientHello
//! gets a protocol_version alert), and certificates that would not work (wrong key, expired,
//! no names, chain out of order, not PEM, a bad name), each with its reason in Chinese; only
//! the office may upload or list them.

use super::*;

/// A ClientHello offering at most `version` (0x0301 TLS 1.0, 0x0302 TLS 1.1, 0x0303 TLS 1.2),
/// with ECDHE-RSA/ECDSA and RSA suites, SNI and the usual groups: what an old browser sends.
fn client_hello(version: [u8; 2], sni: &str) -> Vec<u8> {
    let mut body = version.to_vec();
    body.extend([7u8; 32]);
    body.push(0);
    let suites: [[u8; 2]; 6] = [
        [0xc0, 0x2f],
        [0xc0, 0x2b],
        [0xc0, 0x13],
        [0xc0, 0x09],
        [0x00, 0x2f],
        [0x00, 0x35],
    ];
    body.extend(u16::try_from(suites.len() * 2).unwrap().to_be_bytes());
    suites.iter().for_each(|s| body.extend(s));
    body.extend([1, 0]);
    let mut ext = Vec::new();
    let name = sni.as_bytes();
    let n = u16::try_from(name.len()).unwrap();
    ext.extend([0, 0]);
    ext.extend((n + 5).to_be_bytes());
    ext.extend((n + 3).to_be_bytes());
    ext.push(0);
    ext.extend(n.to_be_bytes());
    ext.extend(name);
    ext.extend([0x00, 0x0a, 0, 6, 0, 4, 0x00, 0x1d, 0x00, 0x17]);
    ext.extend([0x00, 0x0b, 0, 2, 1, 0]);
    ext.extend([0x00, 0x0d, 0, 8, 0, 6, 0x04, 0x01, 0x04, 0x03, 0x08, 0x04]);
    body.extend(u16::try_from(ext.len()).unwrap().to_be_bytes());
    body.extend(ext);
    let mut hs = vec![1u8, 0];
    hs.extend(u16::try_from(body.len()).unwrap().to_be_bytes());
    hs.extend(body);
    let mut record = vec![0x16, 0x03, 0x01];
    record.extend(u16::try_from(hs.len()).unwrap().to_be_bytes());
    record.extend(hs);
    record
}

async fn first_record(app: &TestApp, hello: &[u8]) -> Vec<u8> {
    let mut tcp = tokio::net::TcpStream::connect(app.tls_addr.unwrap())
        .await
        .unwrap();
    tcp.write_all(hello).await.unwrap();
    let mut buf = vec![0u8; 16];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), tcp.read(&mut buf))
        .await
        .expect("an answer")
        .unwrap_or(0);
    buf.truncate(n);
    buf
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_1_0_and_1_1_are_refused_with_a_protocol_version_alert() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let root = ca("海川测试根证书");
        let app = app(backend, None).await;
        let office = app
            .token("office", Some(ClusterRole::ClusterAdmin), None)
            .await;
        assert_eq!(
            upload(&app, &office, "jb", &leaf(&[&host("jb")], &root, None, 90))
                .await
                .0,
            200
        );
        // The same hello offering TLS 1.2 gets a ServerHello: the hello is well formed.
        let ok = first_record(&app, &client_hello([3, 3], &host("jb"))).await;
        assert_eq!(ok.first(), Some(&0x16), "handshake record: {ok:?}");
        for (label, version) in [("TLS 1.0", [3, 1]), ("TLS 1.1", [3, 2])] {
            let r = first_record(&app, &client_hello(version, &host("jb"))).await;
            assert_eq!(
                r.first(),
                Some(&0x15),
                "{label}: an alert, not a ServerHello: {r:?}"
            );
            assert_eq!(
                r.get(5..7),
                Some(&[2u8, 70][..]),
                "{label}: fatal protocol_version"
            );
        }
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_that_would_not_work_is_refused_with_the_reason() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let root = ca("海川测试根证书");
        let inter = intermediate(&root);
        let app = app(backend, None).await;
        let office = app
            .token("office", Some(ClusterRole::ClusterAdmin), None)
            .await;
        let good = leaf(&[&host("jb")], &inter, Some(&inter), 90);
        let other = leaf(&[&host("jb")], &root, None, 90);
        let expired = {
            let key = KeyPair::generate().unwrap();
            let mut p = CertificateParams::new(vec![host("jb")]).unwrap();
            valid(
                &mut p,
                Utc::now() - Duration::days(400),
                Utc::now() - Duration::days(3),
            );
            let c = p.signed_by(&key, &root.issuer).unwrap();
            Leaf {
                der: c.der().clone(),
                chain_pem: c.pem(),
                key_pem: key.serialize_pem(),
            }
        };
        let no_names = leaf(&[], &root, None, 90);
        let reversed = Leaf {
            chain_pem: format!(
                "{}{}",
                inter.pem,
                good.chain_pem
                    .split_inclusive("-----END CERTIFICATE-----\n")
                    .next()
                    .unwrap()
            ),
            ..leaf(&[&host("jb")], &inter, None, 90)
        };
        let cases: Vec<(&str, serde_json::Value, &str)> = vec![
            (
                "mismatch",
                json!({"chain_pem": good.chain_pem, "key_pem": other.key_pem}),
                "私钥与证书不匹配",
            ),
            (
                "expired",
                json!({"chain_pem": expired.chain_pem, "key_pem": expired.key_pem}),
                "已于",
            ),
            (
                "nonames",
                json!({"chain_pem": no_names.chain_pem, "key_pem": no_names.key_pem}),
                "没有包含域名",
            ),
            (
                "reversed",
                json!({"chain_pem": reversed.chain_pem, "key_pem": reversed.key_pem}),
                "证书链顺序不对",
            ),
            (
                "garbage",
                json!({"chain_pem": "hello", "key_pem": good.key_pem}),
                "没有找到证书",
            ),
            (
                "nokey",
                json!({"chain_pem": good.chain_pem, "key_pem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}),
                "私钥",
            ),
            (
                "Bad Name",
                json!({"chain_pem": good.chain_pem, "key_pem": good.key_pem}),
                "证书名称",
            ),
        ];
        for (name, body, reason) in cases {
            let path = format!("/api/v1/certificates/{}", name.replace(' ', "%20"));
            let (s, answer) = app.api(&office, "PUT", &path, Some(body)).await;
            assert_eq!(s, 422, "{name}: {answer}");
            assert!(answer.to_string().contains(reason), "{name}: {answer}");
        }
        let (s, _) = upload(&app, &office, "jb", &good).await;
        assert_eq!(s, 200, "the good one with its intermediate");
        let editor = app
            .token(
                "jb.editor",
                None,
                Some(("jb", zq_domain::access::TenantRole::SiteAdmin)),
            )
            .await;
        assert_eq!(
            upload(&app, &editor, "x", &good).await.0,
            403,
            "only the office"
        );
        assert_eq!(
            app.api(&editor, "GET", "/api/v1/certificates", None)
                .await
                .0,
            403
        );
        assert_eq!(
            app.store.certificates().await.unwrap().len(),
            1,
            "nothing refused was stored"
        );
        app.finish().await;
    }
}
