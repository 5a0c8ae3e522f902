//! The inspection benchmark (ops/bench/inspection.sh): the full recomputation of every site's
//! indicators and score — what the office's scorecard, the metrics gauges and the daily
//! standing do — on the 35-site demo cluster, then on a cluster grown to `SITES` sites with
//! generated department sites. Prints the seeding time and the median, p90 and worst time of
//! one full recomputation over `RUNS` runs at each size, and the time of the daily standing
//! (recomputation plus writing every site's row). The database is `DATABASE_URL` (a fresh
//! SQLite file in a temporary directory by default; an empty PostgreSQL database works too).

use std::time::{Duration, Instant};

use zq_demo::{DemoOptions, HistoryOptions};
use zq_domain::Host;
use zq_services::Services;
use zq_store::{Store, StoreOptions};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sites: usize = arg("SITES", 1000);
    let runs: usize = arg("RUNS", 20);
    let dir = std::env::temp_dir().join(format!("zq-inspection-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()));
    let store = Store::open(&StoreOptions::new(url.clone())).await?;
    let svc = Services::new(store);
    let suffix = Host::parse("bench.example.gov.cn")?;
    println!("database\t{}", url.split(':').next().unwrap_or(""));

    let t = Instant::now();
    let demo = zq_demo::seed_with(
        &svc,
        &suffix,
        DemoOptions::default(),
        HistoryOptions::default(),
    )
    .await?;
    println!("demo_seeded_sites\t{}", demo.tenants);
    println!("demo_articles\t{}", demo.articles);
    println!("demo_seed_s\t{:.1}", t.elapsed().as_secs_f64());
    measure(&svc, "demo", runs).await?;

    let more = sites.saturating_sub(demo.tenants);
    let t = Instant::now();
    let grown = zq_demo::seed_generated_sites(
        &svc,
        &suffix,
        more,
        DemoOptions {
            news_articles: 8,
            seed: 2026,
        },
    )
    .await?;
    println!("generated_sites\t{}", grown.tenants);
    println!("generated_articles\t{}", grown.articles);
    println!("generated_seed_s\t{:.1}", t.elapsed().as_secs_f64());
    measure(&svc, "large", runs).await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Times `runs` full recomputations and one daily standing; prints them under `label`.
async fn measure(
    svc: &Services,
    label: &str,
    runs: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let tenants = svc.store().list_tenants().await?;
    let n = tenants.len();
    let mut times = Vec::with_capacity(runs);
    let mut failing = 0;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let reports = zq_services::inspection::reports_of(svc, tenants.clone()).await?;
        times.push(t.elapsed());
        failing = reports.iter().filter(|r| !r.score.passed).count();
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let t = Instant::now();
    zq_services::inspection::record_today(svc).await?;
    let standing = t.elapsed();
    println!("{label}_sites\t{n}");
    println!("{label}_failing\t{failing}");
    println!("{label}_recompute_median_ms\t{:.1}", ms(at(0.5)));
    println!("{label}_recompute_p90_ms\t{:.1}", ms(at(0.9)));
    println!(
        "{label}_recompute_max_ms\t{:.1}",
        ms(*times.last().unwrap_or(&Duration::ZERO))
    );
    println!("{label}_daily_standing_ms\t{:.1}", ms(standing));
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn arg(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
