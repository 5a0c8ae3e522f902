//! The demo cluster's year of interaction, as `serve --demo` seeds it: letters, site-error
//! reports and disclosure requests spread over the year, most answered on time, some late,
//! a few overdue now; the registry and statistics pages show real figures and no writer's
//! phone number; the overdue gauge counts the overdue ones.

use zq_domain::Host;
use zq_domain::interaction::CaseState;
use zq_store::CaseFilter;
use zq_tests::{Backend, DemoOptions, TestApp, host};

/// Digits that look like a mobile number (the demo writers' phones are 13x…).
fn has_phone(body: &str) -> bool {
    let b = body.as_bytes();
    b.windows(11)
        .any(|w| w[0] == b'1' && (b'3'..=b'9').contains(&w[1]) && w.iter().all(u8::is_ascii_digit))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_year_of_interaction_gives_real_registry_statistics_and_overdue_figures() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let suffix = Host::parse(zq_tests::SUFFIX).unwrap();
    let opts = DemoOptions {
        news_articles: 2,
        seed: 2026,
    };
    let report = zhanqun::demo::seed(&app.services, &suffix, opts)
        .await
        .unwrap();
    app.reload().await;
    assert!(
        (400..3000).contains(&report.cases),
        "a year of cases: {}",
        report.cases
    );

    // Every kind, every state an inspector would look for.
    let tenants = app.store.list_tenants().await.unwrap();
    let mut states = std::collections::HashMap::new();
    let mut kinds = std::collections::HashSet::new();
    let mut transferred = 0;
    for t in &tenants {
        let (cases, _) = app
            .store
            .cases(t.id, &CaseFilter::default(), 10_000, 0)
            .await
            .unwrap();
        for c in cases {
            *states.entry(c.state).or_insert(0) += 1;
            kinds.insert(c.kind);
            transferred += usize::from(c.origin_tenant_id != c.tenant_id);
        }
    }
    assert_eq!(
        kinds.len(),
        3,
        "letters, site-error reports, disclosure requests: {kinds:?}"
    );
    for s in [
        CaseState::Closed,
        CaseState::Replied,
        CaseState::NotAccepted,
    ] {
        assert!(
            states.get(&s).copied().unwrap_or(0) > 0,
            "{s:?} in {states:?}"
        );
    }
    assert!(
        transferred > 20,
        "letters handed to departments and towns: {transferred}"
    );

    // A few are overdue now, counted by the gauge.
    let metrics = app.metrics().await;
    let overdue: i64 = metrics
        .lines()
        .filter(|l| l.starts_with("zhanqun_cases_overdue{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<i64>().ok())
        .sum();
    assert!((1..=30).contains(&overdue), "a few overdue now: {overdue}");

    // The portal's statistics and a district's registry show them, without phone numbers.
    let stats = app.get(&host("www"), "/hudong/tongji/").await;
    assert_eq!(stats.status, 200);
    let total = stats.body.split("<tfoot>").nth(1).unwrap_or_default();
    assert!(
        !total.contains("<td>0</td><td>0</td>"),
        "letters counted: {total}"
    );
    let registry = app.get(&host("jb"), "/hudong/xinjian/").await;
    assert_eq!(registry.status, 200);
    assert!(registry.body.contains("江北区"), "{}", registry.body);
    assert!(
        registry.body.matches("<tr>").count() > 5,
        "{}",
        registry.body
    );
    for (code, path) in [
        ("www", "/hudong/"),
        ("jb", "/hudong/xinjian/"),
        ("jb", "/hudong/tongji/"),
    ] {
        let r = app.get(&host(code), path).await;
        assert!(!has_phone(&r.body), "a phone number on {code}{path}");
    }
    app.finish().await;
}
