//! Security alerts by email (issue 15: "the office is alerted (console, metric, optional
//! email)", expiry warnings by "optional email"), against a real SMTP server: with
//! `security.alert_email` set, a tampered article the platform restored and a certificate
//! within 7 days of its end are each mailed to every address of the office, once; what
//! happened before the alerts were set up is not mailed. On both databases.

use std::time::Duration;

use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::smtp::SmtpServer;
use zq_tests::{Backend, DemoOptions, Setup, TestApp, host};

use crate::tls::{ca, leaf, upload};

const OFFICE: [&str; 2] = ["security@haichuan.example", "it@haichuan.example"];

async fn tampering_and_expiring_certificates_are_mailed_to_the_office_once(backend: Backend) {
    let smtp = SmtpServer::start();
    let app = TestApp::setup(Setup {
        backend: Some(backend),
        demo: Some(DemoOptions {
            news_articles: 2,
            seed: 7,
        }),
        env: [
            smtp.env(),
            vec![("ZQ_SECURITY__ALERT_EMAIL".into(), OFFICE.join(", "))],
        ]
        .concat(),
        ..Setup::default()
    })
    .await;
    // The job's first run takes its place in the audit log: nothing older is mailed.
    for _ in 0..100 {
        if app
            .store
            .subscriber_position("security_mail.audit")
            .await
            .unwrap()
            .is_some()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        app.store
            .subscriber_position("security_mail.audit")
            .await
            .unwrap()
            .is_some(),
        "the security mail job ran"
    );

    // A published article changed behind the platform's back: its page restores it.
    let admin = app
        .token("mail.jb", None, Some(("jb", TenantRole::SiteAdmin)))
        .await;
    let slug = app.news_column(&admin, "jb").await["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut a = zq_tests::article("防汛工作部署会议召开", zq_domain::ArticleStatus::Published);
    a.body = "<p>经审核发布的正文。</p>".into();
    let id = app.add("jb", &slug, a).await.0;
    app.tamper(&format!(
        "UPDATE articles SET body = '<p>黑客植入的内容</p>' WHERE id = {id}"
    ))
    .await;
    let page = app.get(&host("jb"), &format!("/art/{id}.html")).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("黑客植入"), "never served");

    // A certificate that ends in under a week.
    let office = app
        .token("mail.office", Some(ClusterRole::ClusterAdmin), None)
        .await;
    let root = ca("海川测试根证书");
    let (s, c) = upload(
        &app,
        &office,
        "portal",
        &leaf(&["www.haichuan.example"], &root, None, 5),
    )
    .await;
    assert_eq!(s, 200, "{c}");

    // Two mails to each address: the finding and the certificate.
    let mails = smtp.wait_for(4).await;
    assert_eq!(mails.len(), 4, "{mails:#?}");
    for to in OFFICE {
        let theirs: Vec<&String> = mails.iter().filter(|m| m.contains(to)).collect();
        assert_eq!(theirs.len(), 2, "{to}: {theirs:#?}");
        let finding = theirs
            .iter()
            .find(|m| m.contains("发现以下 1 起事件"))
            .unwrap_or_else(|| panic!("the finding mailed to {to}: {theirs:#?}"));
        assert!(
            finding.contains("已恢复为最近一次核验通过的版本")
                && finding.contains(&format!("article:{id}"))
                && finding.contains("（jb）"),
            "{finding}"
        );
        let cert = theirs
            .iter()
            .find(|m| m.contains("证书 portal"))
            .unwrap_or_else(|| panic!("the certificate mailed to {to}: {theirs:#?}"));
        assert!(
            cert.contains("www.haichuan.example") && cert.contains("剩 4 天"),
            "{cert}"
        );
    }
    // Nothing is mailed twice (the job runs every second).
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(smtp.messages().len(), 4, "{:#?}", smtp.messages());
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_tampering_and_expiring_certificates_are_mailed_to_the_office_once() {
    tampering_and_expiring_certificates_are_mailed_to_the_office_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_tampering_and_expiring_certificates_are_mailed_to_the_office_once() {
    tampering_and_expiring_certificates_are_mailed_to_the_office_once(Backend::Postgres).await;
}
