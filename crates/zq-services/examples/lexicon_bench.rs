//! The lexicon benchmark (ops/bench/lexicon.sh): a lexicon of 10,000 terms, each also in its
//! traditional form from OpenCC as the services build it, checked against a 20,000-character
//! article. Prints the time to build the automaton and the median, p99 and worst time of one
//! check over many runs. No database: this measures the matcher on the save and approve path.

use std::time::{Duration, Instant};

use zq_domain::inspection::lexicon::{Lexicon, Term, TermKind};
use zq_services::inspection::lexicon::traditional;

/// Characters terms and the article are made of (common ones, many with traditional forms).
const POOL: &str = "中华人民共和国国务院发展改革委员会财政教育卫生健康交通运输农业农村生态环境市场监督管理应急统计审计民政司法人力资源社会保障住房城乡建设文化旅游体育科技工业信息化商务外事侨务民族宗教退役军人事务医疗保障林业水利气象档案机关事务";

fn main() {
    let terms_n: usize = arg("TERMS", 10_000);
    let chars_n: usize = arg("CHARS", 20_000);
    let runs: usize = arg("RUNS", 200);
    let pool: Vec<char> = POOL.chars().collect();
    let mut rng = fastrand::Rng::with_seed(2026);
    let word = |rng: &mut fastrand::Rng, n: usize| -> String {
        (0..n).map(|_| pool[rng.usize(..pool.len())]).collect()
    };
    let terms: Vec<Term> = (0..terms_n)
        .map(|i| Term {
            id: i as i64,
            kind: [TermKind::Wrong, TermKind::Forbidden, TermKind::Leader][i % 3],
            text: word(&mut rng, 3 + i % 5),
            right: Some(word(&mut rng, 4)),
        })
        .collect();
    let article = word(&mut rng, chars_n);

    let t = Instant::now();
    let lexicon = Lexicon::new(terms, traditional);
    let build = t.elapsed();

    let mut times = Vec::with_capacity(runs);
    let mut hits = 0;
    for _ in 0..runs {
        let t = Instant::now();
        hits = std::hint::black_box(lexicon.check(&article)).len();
        times.push(t.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!("terms\t{terms_n}");
    println!("article_chars\t{chars_n}");
    println!("runs\t{runs}");
    println!("hits_per_check\t{hits}");
    println!("build_ms\t{:.1}", ms(build));
    println!("check_median_ms\t{:.3}", ms(at(0.5)));
    println!("check_p99_ms\t{:.3}", ms(at(0.99)));
    println!(
        "check_max_ms\t{:.3}",
        ms(*times.last().unwrap_or(&Duration::ZERO))
    );
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
