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
        4,
        "letters, site-error reports, disclosure requests, and the question an interview left: {kinds:?}"
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

    // Participation: a running solicitation and a closed survey with results on the portal, an
    // interview held on a district with its transcript published.
    let zhengji = app.get(&host("www"), "/hudong/zhengji/").await;
    assert!(zhengji.body.contains("征集中"), "{}", zhengji.body);
    let diaocha = app.get(&host("www"), "/hudong/diaocha/").await;
    let survey = first_link(&diaocha.body, "/hudong/diaocha/").expect("a survey");
    let page = app.get(&host("www"), &survey).await;
    assert!(
        page.body.contains("调查结果</h2>") && page.body.contains("调查结论"),
        "{}",
        page.body
    );
    let fangtan = app.get(&host("yx"), "/hudong/fangtan/").await;
    let at = first_link(&fangtan.body, "/hudong/fangtan/").expect("an interview on yx");
    let interview = app.get(&host("yx"), &at).await;
    assert!(
        interview.body.contains("已结束") && interview.body.contains("查看访谈实录全文"),
        "{}",
        interview.body
    );
    assert!(
        interview.body.contains("普惠托育机构收费"),
        "the answers are shown"
    );
    app.finish().await;
}

/// The first link of `body` whose address starts with `prefix` and goes further.
fn first_link(body: &str, prefix: &str) -> Option<String> {
    let needle = format!("href=\"{prefix}");
    body.match_indices(&needle)
        .map(|(i, _)| body[i + 6..].split('"').next().unwrap_or_default())
        .find(|url| url.len() > prefix.len())
        .map(str::to_owned)
}
