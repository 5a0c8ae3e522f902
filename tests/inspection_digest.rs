//! The daily inspection digest by email, against a real SMTP server (aiosmtpd): the stale demo
//! site, whose office inbox is set on its mailbox, gets one mail saying it fails the home-page
//! veto with the evidence and where to act; a site without an address gets nothing; the job
//! sends nothing before 08:00 Beijing time and once a day after (a second run the same day
//! sends nothing).

use std::sync::Arc;
use std::time::Duration;

use zq_services::Caller;
use zq_services::inspection::digest::{DailyDigest, send_digests};
use zq_services::interaction::notify::Mailer;
use zq_services::jobs::Job;
use zq_tests::smtp::SmtpServer;
use zq_tests::{Backend, Setup, TestApp};

/// Today at `hour` o'clock in Beijing.
fn at_beijing_hour(hour: i64) -> chrono::DateTime<chrono::Utc> {
    let today = zq_domain::time::beijing_date(chrono::Utc::now());
    zq_domain::time::beijing_midnight(today) + chrono::Duration::hours(hour)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_site_gets_its_daily_digest_once_with_the_evidence() {
    let smtp = SmtpServer::start();
    let app = TestApp::setup(Setup {
        backend: Some(Backend::Sqlite),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 2,
            seed: 11,
        }),
        clock: Some(at_beijing_hour(7)),
        ..Default::default()
    })
    .await;
    let tjj = app
        .store
        .tenant_by_code(&zq_domain::TenantCode::parse("tjj").unwrap())
        .await
        .unwrap()
        .unwrap();
    let first = app.store.mailboxes(tjj.id).await.unwrap().remove(0);
    zq_services::interaction::update_mailbox(
        &app.services,
        &Caller::system(),
        "tjj",
        first.id,
        zq_store::NewMailbox {
            slug: first.slug.clone(),
            name: first.name.clone(),
            description: first.description.clone(),
            sort_order: first.sort_order,
            notify_email: Some("bgs@tjj.haichuan.example".into()),
        },
        true,
    )
    .await
    .unwrap();
    let mailer = Mailer::new(
        &format!("smtp://127.0.0.1:{}", smtp.port),
        "海川站群 <noreply@haichuan.example>",
    )
    .unwrap();

    // Before 08:00 Beijing time the day's digest is not due.
    let job = Arc::new(DailyDigest {
        every: Duration::from_secs(600),
        mailer: mailer.clone(),
    });
    job.run(&app.services).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(smtp.messages().is_empty());
    app.store.clock().set(at_beijing_hour(9));

    // Only tjj has an address: one digest, to it, naming the veto and the evidence.
    job.run(&app.services).await.unwrap();
    let got = smtp.wait_for(1).await;
    assert_eq!(got.len(), 1, "{got:?}");
    let m = &got[0];
    assert!(m.contains("bgs@tjj.haichuan.example"), "{m}");
    assert!(m.contains("Subject: 【海川市统计局】网站检查简"), "{m}");
    assert!(m.contains("单项否决") && m.contains("首页更新"), "{m}");
    assert!(m.contains("/console/sites/tjj/inspection"), "{m}");

    // The same day the job sends nothing more; sending by hand would.
    job.run(&app.services).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 1);
    assert_eq!(send_digests(&app.services, &mailer).await.unwrap(), 1);
    assert_eq!(smtp.wait_for(2).await.len(), 2);
    app.finish().await;
}
