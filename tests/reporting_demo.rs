//! The demo cluster's year of reporting history (信息报送), as `serve --demo` seeds it: the
//! portal's figures for the last twelve months, read through the API, show every department and
//! district with varying adoption rates, ranked by adoptions, with totals equal to a direct
//! count of the stored submissions; adopted items are published on the receiving site with
//! their source. On SQLite and PostgreSQL.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use zq_domain::access::ClusterRole;
use zq_domain::reporting::SubmissionState;
use zq_domain::{Host, TenantKind};
use zq_store::SubmissionFilter;
use zq_tests::{Backend, DemoOptions, TestApp, host};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_the_demo_history_gives_meaningful_figures() {
    the_demo_history_gives_meaningful_figures(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_the_demo_history_gives_meaningful_figures() {
    the_demo_history_gives_meaningful_figures(Backend::Postgres).await;
}

async fn the_demo_history_gives_meaningful_figures(backend: Backend) {
    // The harness seeds no history; seed the demo as `serve --demo` does (a full year), with
    // fewer articles.
    let app = TestApp::empty(backend).await;
    let suffix = Host::parse(zq_tests::SUFFIX).unwrap();
    let opts = DemoOptions {
        news_articles: 4,
        seed: 2026,
    };
    let report = zhanqun::demo::seed(&app.services, &suffix, opts)
        .await
        .unwrap();
    app.reload().await;
    assert!(
        (600..2000).contains(&report.submissions),
        "a year of items: {}",
        report.submissions
    );

    let tenants = app.store.list_tenants().await.unwrap();
    let code_of: HashMap<_, _> = tenants.iter().map(|t| (t.id, t.code.to_string())).collect();
    let by_code = |c: &str| {
        tenants
            .iter()
            .find(|t| t.code.as_str() == c)
            .unwrap()
            .clone()
    };
    let www = by_code("www");
    let office = app
        .token("office.figures", Some(ClusterRole::ClusterAdmin), None)
        .await;

    // The last twelve months, to a minute after now.
    let to = Utc::now() + Duration::minutes(1);
    let from = to - Duration::days(366);
    let fmt = |t: chrono::DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let path = format!(
        "/api/v1/sites/www/reporting/figures?from={}&to={}",
        fmt(from),
        fmt(to)
    );
    let (s, f) = app.api(&office, "GET", &path, None).await;
    assert_eq!(s, 200, "{f}");
    let units = f["units"].as_array().unwrap().clone();

    // Every department and district appears.
    let rows: HashMap<String, &serde_json::Value> = units
        .iter()
        .map(|u| (u["code"].as_str().unwrap().to_owned(), u))
        .collect();
    for t in &tenants {
        if matches!(t.kind, TenantKind::Department | TenantKind::District) {
            assert!(rows.contains_key(t.code.as_str()), "{} is missing", t.code);
        }
    }
    assert_eq!(
        units.len(),
        30,
        "22 departments and 8 districts send to the portal"
    );

    // Ranked by adopted count, ranks 1…n.
    for (i, pair) in units.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            a["adopted"].as_u64() >= b["adopted"].as_u64(),
            "{a} before {b}"
        );
        assert_eq!(a["rank"].as_u64(), Some(i as u64 + 1));
    }

    // Adoption rates vary between units and are mostly in a realistic band.
    let rates: Vec<f64> = units
        .iter()
        .filter(|u| u["submitted"].as_u64() >= Some(10))
        .map(|u| u["rate"].as_f64().unwrap())
        .collect();
    assert!(rates.len() >= 15, "most units send ten items or more");
    let (lo, hi) = rates
        .iter()
        .fold((100.0_f64, 0.0_f64), |(l, h), r| (l.min(*r), h.max(*r)));
    assert!(hi - lo >= 10.0, "rates vary: {rates:?}");
    let mean = rates.iter().sum::<f64>() / rates.len() as f64;
    assert!((50.0..80.0).contains(&mean), "mean rate {mean}");
    let counts: Vec<u64> = units
        .iter()
        .map(|u| u["submitted"].as_u64().unwrap())
        .collect();
    assert!(
        counts.iter().max() >= Some(&40) && counts.iter().min() <= Some(&15),
        "active and quiet units: {counts:?}"
    );
    for u in &units {
        let median = u["median_decision_secs"].as_i64().unwrap();
        assert!(
            (30 * 60..7 * 86_400).contains(&median),
            "decided within hours to days: {u}"
        );
    }

    // The totals equal a direct count of the stored submissions.
    let filter = SubmissionFilter {
        from: Some(from),
        to: Some(to),
        ..Default::default()
    };
    let stored = app
        .store
        .submissions(www.id, false, &filter, 100_000)
        .await
        .unwrap();
    let mut direct: HashMap<String, (u64, u64)> = HashMap::new();
    for s in stored
        .iter()
        .filter(|s| s.state != SubmissionState::Withdrawn)
    {
        let e = direct.entry(code_of[&s.sender].clone()).or_default();
        e.0 += 1;
        e.1 += u64::from(s.state == SubmissionState::Adopted);
    }
    let sum = |k: &str| units.iter().map(|u| u[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(
        (sum("submitted"), sum("adopted")),
        direct
            .values()
            .fold((0, 0), |(a, b), (s, d)| (a + s, b + d)),
        "totals"
    );
    for (code, (submitted, adopted)) in &direct {
        let row = rows[code.as_str()];
        assert_eq!(
            (row["submitted"].as_u64(), row["adopted"].as_u64()),
            (Some(*submitted), Some(*adopted)),
            "{code}"
        );
    }

    // Every state occurs; undecided items are recent; adopted ones are published on the portal
    // with their sender as source, at the time of the decision.
    let of = |st: SubmissionState| stored.iter().filter(move |s| s.state == st);
    for st in SubmissionState::ALL {
        assert!(of(*st).count() > 0, "some {st} items");
    }
    let pending_max_age = of(SubmissionState::Submitted)
        .map(|s| (Utc::now() - s.submitted_at).num_days())
        .max()
        .unwrap();
    assert!(
        pending_max_age <= 21,
        "pending items are recent: {pending_max_age} days"
    );
    assert!(of(SubmissionState::Withdrawn).count() * 10 < stored.len());
    let adopted: Vec<_> = of(SubmissionState::Adopted).collect();
    for s in adopted.iter().step_by(37) {
        let a = app
            .store
            .published_article(www.id, s.adopted_article.unwrap())
            .await
            .unwrap()
            .expect("the adopted article is published");
        let sender = tenants.iter().find(|t| t.id == s.sender).unwrap();
        assert_eq!(a.title, s.title);
        assert_eq!(a.source.as_deref(), Some(sender.name.as_str()));
        assert_eq!(a.published_at, s.decided_at);
    }
    let newest = adopted
        .iter()
        .max_by_key(|s| s.decided_at)
        .unwrap()
        .title
        .clone();
    let page = app.get(&host("www"), "/col/bmdt/").await;
    let qxdt = app.get(&host("www"), "/col/qxdt/").await;
    assert!(
        page.body.contains(&newest) || qxdt.body.contains(&newest),
        "the newest adoption is listed on the portal: {newest}"
    );

    // Articles written afterwards get fresh ids past the imported ones.
    let later = app
        .add(
            "www",
            "bmdt",
            zq_tests::article("导入之后的文章", zq_domain::ArticleStatus::Published),
        )
        .await;
    assert!(
        adopted
            .iter()
            .all(|s| s.adopted_article.unwrap().0 < later.0)
    );

    // Towns report to their district.
    let jb = by_code("jb");
    let path = format!(
        "/api/v1/sites/jb/reporting/figures?from={}&to={}",
        fmt(from),
        fmt(to)
    );
    let (s, f) = app.api(&office, "GET", &path, None).await;
    assert_eq!(s, 200, "{f}");
    let towns: Vec<&str> = f["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    let mut expected: Vec<String> = tenants
        .iter()
        .filter(|t| t.parent_id == Some(jb.id))
        .map(|t| t.code.to_string())
        .collect();
    expected.sort();
    let mut got: Vec<String> = towns.iter().map(|s| s.to_string()).collect();
    got.sort();
    assert_eq!(got, expected, "jb's towns");
    app.finish().await;
}

/// Makes a valid history item invalid.
type Spoil<'a> = dyn Fn(&mut zq_store::HistoricItem) + 'a;

/// A valid history item from fgw to the portal's department channel, adopted.
fn item(channel: i64, sender: zq_domain::TenantId, key: &str) -> zq_store::HistoricItem {
    let sent = Utc::now() - Duration::days(30);
    zq_store::HistoricItem {
        channel_id: channel,
        sender,
        client_key: key.into(),
        title: format!("市发展改革委召开重点项目推进会（{key}）"),
        body: "<p>正文</p><script>alert(1)</script>".into(),
        source: None,
        note: None,
        state: SubmissionState::Adopted,
        submitted_at: sent,
        decided_at: Some(sent + Duration::hours(3)),
        decision_comment: None,
        updated_at: None,
        column: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_history_import_checks_every_item_and_stores_all_or_nothing() {
    let app = TestApp::demo(Backend::Sqlite).await;
    let tenants = app.store.list_tenants().await.unwrap();
    let code = |c: &str| {
        tenants
            .iter()
            .find(|t| t.code.as_str() == c)
            .unwrap()
            .clone()
    };
    let (www, fgw, jb_town) = (code("www"), code("fgw"), code("jb-hbjd"));
    let channel = app
        .store
        .channels()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.receiver == www.id && c.name.contains("部门"))
        .unwrap()
        .id;
    let none = SubmissionFilter::default();
    let count = || async {
        app.store
            .submissions(www.id, false, &none, 1000)
            .await
            .unwrap()
            .len()
    };
    let bad: Vec<(&str, Box<Spoil<'_>>)> = vec![
        (
            "future",
            Box::new(|i| i.decided_at = Some(Utc::now() + Duration::days(1))),
        ),
        ("wrong sender", Box::new(|i| i.sender = jb_town.id)),
        (
            "no comment",
            Box::new(|i| i.state = SubmissionState::Rejected),
        ),
        ("undecided", Box::new(|i| i.decided_at = None)),
        (
            "decided first",
            Box::new(|i| i.decided_at = Some(i.submitted_at - Duration::hours(1))),
        ),
        ("no title", Box::new(|i| i.title = " ".into())),
        ("same key", Box::new(|i| i.client_key = "k1".into())),
    ];
    for (what, spoil) in bad {
        let mut second = item(channel, fgw.id, "k2");
        spoil(&mut second);
        let r = app
            .store
            .import_reporting_history(
                vec![item(channel, fgw.id, "k1"), second],
                &zq_store::Who::system(),
            )
            .await;
        assert!(
            matches!(r, Err(zq_store::HistoryError::Item { index: 1, .. })),
            "{what}: {r:?}"
        );
        assert_eq!(count().await, 0, "{what}: nothing stored");
    }
    let before = app.store.generations().await.unwrap();
    let done = app
        .store
        .import_reporting_history(vec![item(channel, fgw.id, "k1")], &zq_store::Who::system())
        .await
        .unwrap();
    assert_eq!((done.submissions, done.adopted), (1, 1));
    let stored = app
        .store
        .submissions(www.id, false, &none, 10)
        .await
        .unwrap();
    let article = app
        .store
        .published_article(www.id, stored[0].adopted_article.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(!article.body.contains("script") && !stored[0].body.contains("script"));
    assert_eq!(article.source.as_deref(), Some(fgw.name.as_str()));
    let gen_of = |g: &[(zq_domain::TenantId, u64)]| g.iter().find(|x| x.0 == www.id).unwrap().1;
    assert!(
        gen_of(&app.store.generations().await.unwrap()) > gen_of(&before),
        "the portal's pages are renewed"
    );
    // The same key again is a conflict, as for `submit`.
    let again = app
        .store
        .import_reporting_history(vec![item(channel, fgw.id, "k1")], &zq_store::Who::system())
        .await;
    assert!(again.is_err(), "a key is used once");
    app.finish().await;
}
