//! Case notifications by email, against a real SMTP server (Python's aiosmtpd, as Debian
//! packages it, writing every message it receives to a maildir): a site's mailbox names its
//! office's address; a new letter is mailed there, without the writer's details; the reply is
//! mailed to the writer, who gave an address, without its content; nothing is mailed twice.

use std::time::Duration;

use serde_json::json;
use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::smtp::SmtpServer;
use zq_tests::{TestApp, hidden, host};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_letter_is_mailed_to_the_sites_office_and_the_reply_notice_to_the_writer_once() {
    let smtp = SmtpServer::start();
    let app = TestApp::setup(zq_tests::Setup {
        backend: Some(zq_tests::Backend::Sqlite),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 9,
        }),
        env: smtp.env(),
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
