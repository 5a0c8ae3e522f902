//! The relevance suite (`relevance.toml`): questions as citizens type them, each with the
//! documents that must come first, asked of the demo cluster through the search API; the mean
//! precision at 5 must be at least 0.8. The report (each query's P@5, the first five of those
//! below 1) is written to `target/tmp/search-relevance.txt`; the figure is recorded in
//! `ops/bench/SEARCH-RESULTS.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Deserialize;
use zq_tests::{Backend, TestApp};

use super::{api, hit_titles, indexed, percent};

#[derive(Debug, Deserialize)]
struct Suite {
    query: Vec<Query>,
}

#[derive(Debug, Deserialize)]
struct Query {
    q: String,
    scope: String,
    why: String,
    #[serde(default)]
    expect: Vec<Expect>,
    #[serde(default)]
    absent: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Expect {
    site: String,
    title: Option<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relevance_suite_puts_the_expected_documents_first() {
    let suite: Suite = toml::from_str(include_str!("relevance.toml")).expect("relevance.toml");
    assert!(suite.query.len() >= 60, "at least 60 questions");
    let app = TestApp::demo(Backend::Sqlite).await;
    indexed(&app).await;
    // Every expected title exists on its site: a wrong title is the suite's fault, not the
    // ranking's.
    let mut titles: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for q in &suite.query {
        for e in &q.expect {
            if !titles.contains_key(&e.site) {
                let tenant = app.tenant_id(&e.site).await;
                let all = app.store.all_published(tenant, 100_000).await.unwrap();
                titles.insert(e.site.clone(), all.into_iter().map(|a| a.title).collect());
            }
            if let Some(t) = &e.title {
                assert!(
                    titles[&e.site].contains(t),
                    "{}: no published 《{t}》 on {}",
                    q.q,
                    e.site
                );
            }
        }
    }
    let mut report = String::new();
    let (mut sum, mut scored) = (0.0, 0);
    let mut by_why: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
    let mut leaks = Vec::new();
    for q in &suite.query {
        let mut query = format!("q={}&per_page=50", percent(&q.q));
        if !q.scope.is_empty() {
            query.push_str(&format!("&site={}", q.scope));
        }
        let found = api(&app, &query).await;
        let hits = found["hits"].as_array().cloned().unwrap_or_default();
        let all_titles = hit_titles(&found);
        for a in &q.absent {
            if all_titles.contains(a) {
                leaks.push(format!("{} found 《{a}》", q.q));
            }
        }
        if q.expect.is_empty() {
            continue;
        }
        let top: Vec<(String, String)> = hits
            .iter()
            .take(5)
            .zip(all_titles.iter())
            .map(|(h, t)| (h["site"].as_str().unwrap_or_default().to_owned(), t.clone()))
            .collect();
        let met = q
            .expect
            .iter()
            .filter(|e| {
                top.iter().any(|(site, title)| {
                    *site == e.site && e.title.as_ref().is_none_or(|t| t == title)
                })
            })
            .count();
        let p = met as f64 / q.expect.len().min(5) as f64;
        sum += p;
        scored += 1;
        let w = by_why.entry(q.why.as_str()).or_default();
        w.0 += p;
        w.1 += 1;
        let _ = writeln!(
            report,
            "{p:.2}  [{}] {}{}",
            q.why,
            q.q,
            if q.scope.is_empty() {
                String::new()
            } else {
                format!("  (site {})", q.scope)
            }
        );
        if p < 1.0 {
            for (site, title) in &top {
                let _ = writeln!(report, "        {site}: {title}");
            }
        }
    }
    let mean = sum / scored as f64;
    let mut head = format!("P@5 = {mean:.3} over {scored} questions\n");
    for (why, (s, n)) in &by_why {
        let _ = writeln!(head, "  {why}: {:.3} ({n})", s / *n as f64);
    }
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/tmp");
    std::fs::create_dir_all(&out).ok();
    std::fs::write(
        out.join("search-relevance.txt"),
        format!("{head}\n{report}"),
    )
    .ok();
    println!("{head}\n{report}");
    assert!(
        leaks.is_empty(),
        "documents that must not be found were: {leaks:?}"
    );
    assert!(mean >= 0.8, "P@5 {mean:.3} is below 0.8:\n{head}\n{report}");
    app.finish().await;
}
