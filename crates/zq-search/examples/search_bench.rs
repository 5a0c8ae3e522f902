//! The search benchmark (ops/bench/search.sh): a generated corpus of DOCS documents across
//! TENANTS sites (titles and texts from a government vocabulary: units, topics, kinds of
//! document), indexed into a new on-disk index (documents per second, index size), then asked
//! by CLIENTS threads for SECS seconds each — cluster-wide questions, then one site's — with
//! the median and p99 time of a question (best ten with snippets, the total and every facet
//! counted, as the search page asks), and the process's memory. It also writes the corpus
//! and the questions, cut into words the same way, for the PostgreSQL full-text baseline the
//! script runs on the same machine (OUT/corpus.tsv, OUT/queries.tsv).

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::DateTime;
use zq_search::{Ask, Changes, Doc, SearchIndex, ZhTokenizer};

const PLACES: [&str; 40] = [
    "江北", "江南", "滨海", "青山", "临港", "湖东", "云溪", "石桥", "东城", "西城", "南湖", "北塘",
    "新河", "和平", "岭上", "长乐", "永安", "太平", "安澜", "清河", "白沙", "金山", "银湖", "翠屏",
    "凤凰", "龙泉", "桃源", "梅岭", "松阳", "柳溪", "溪口", "马鞍", "鹤鸣", "玉泉", "望海", "观澜",
    "兴隆", "丰收", "阳光", "春江",
];
const UNITS: [&str; 25] = [
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安分局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境分局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "城市管理局",
    "人民政府",
];
const TOPICS: [&str; 60] = [
    "养老服务",
    "医疗保险",
    "营商环境",
    "就业创业",
    "乡村振兴",
    "生态环境",
    "安全生产",
    "防汛防台",
    "义务教育",
    "住房保障",
    "社会救助",
    "食品安全",
    "交通运输",
    "数字政府",
    "优化营商环境",
    "人才引进",
    "科技创新",
    "文化旅游",
    "垃圾分类",
    "河长制",
    "疫情防控",
    "消防安全",
    "农村公路",
    "城市更新",
    "老旧小区改造",
    "残疾人保障",
    "退役军人",
    "社保卡",
    "公积金",
    "不动产登记",
    "市场监管",
    "知识产权",
    "招商引资",
    "重大项目",
    "财政预算",
    "政府采购",
    "审计整改",
    "统计调查",
    "医疗卫生",
    "公共卫生",
    "学前教育",
    "职业教育",
    "高龄津贴",
    "低保",
    "临时救助",
    "护理补贴",
    "创业担保贷款",
    "稳岗返还",
    "技能培训",
    "农业补贴",
    "耕地保护",
    "林长制",
    "水资源",
    "大气污染防治",
    "噪声污染",
    "扫黑除恶",
    "平安建设",
    "法治政府",
    "政务公开",
    "12345热线",
];
const ACTIONS: [&str; 12] = [
    "召开", "部署", "推进", "印发", "开展", "发布", "做好", "加强", "落实", "组织", "启动", "完成",
];
const KINDS: [&str; 12] = [
    "通知",
    "实施意见",
    "工作方案",
    "管理办法",
    "专项规划",
    "工作总结",
    "情况通报",
    "公告",
    "办事指南",
    "政策解读",
    "行动计划",
    "工作要点",
];
const SENTENCES: [&str; 10] = [
    "为进一步做好{t}工作，根据上级有关要求，结合本地实际，制定本{k}。",
    "各单位要高度重视{t}，明确责任分工，加强统筹协调，确保各项任务落到实处。",
    "{u}将持续推进{t}，完善工作机制，提升服务水平，切实增强群众获得感。",
    "截至目前，全区{t}相关事项已全部实现网上办理，办理时限压缩一半以上。",
    "会议指出，{t}事关群众切身利益，要坚持问题导向，补齐短板弱项。",
    "符合条件的申请人可通过政务服务网或窗口提交申请材料，办理结果及时公开。",
    "下一步，将围绕{t}加大投入力度，强化监督检查，定期通报工作进展。",
    "本{k}自印发之日起施行，由{u}负责解释。",
    "联系电话：0599-88{n}，工作时间为法定工作日上午九时至下午五时。",
    "{u}相关负责人就{t}有关问题回答了记者提问。",
];

fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn unit_of(tenant: usize) -> String {
    format!(
        "{}区{}",
        PLACES[tenant % PLACES.len()],
        UNITS[(tenant / PLACES.len()) % UNITS.len()]
    )
}

fn corpus(docs: usize, tenants: usize) -> Vec<Doc> {
    let mut rng = fastrand::Rng::with_seed(17);
    let start = 1_700_000_000i64;
    (0..docs)
        .map(|i| {
            let tenant = i % tenants;
            let unit = unit_of(tenant);
            let topic = TOPICS[rng.usize(..TOPICS.len())];
            let kind = KINDS[rng.usize(..KINDS.len())];
            let title = format!(
                "{unit}关于{}{topic}工作的{kind}",
                ACTIONS[rng.usize(..ACTIONS.len())]
            );
            let mut body = String::new();
            for _ in 0..rng.usize(6..12) {
                let t = if rng.bool() {
                    topic
                } else {
                    TOPICS[rng.usize(..TOPICS.len())]
                };
                body.push_str(
                    &SENTENCES[rng.usize(..SENTENCES.len())]
                        .replace("{t}", t)
                        .replace("{k}", kind)
                        .replace("{u}", &unit)
                        .replace("{n}", &format!("{:04}", rng.u32(..10_000))),
                );
            }
            Doc {
                key: format!("article:{i}"),
                tenant: format!("t{tenant:04}"),
                column: ["要闻动态", "通知公告", "政策文件", "办事服务", "政策解读"]
                    [rng.usize(..5)]
                .to_owned(),
                kind: "article".into(),
                title,
                body,
                numbers: vec![format!(
                    "{}政发〔{}〕{}号",
                    unit.chars().take(2).collect::<String>(),
                    2020 + i % 7,
                    i % 300 + 1
                )],
                date: DateTime::from_timestamp(start + (i as i64) * 600, 0).unwrap_or_default(),
                url: format!("/art/{i}.html"),
                note: None,
            }
        })
        .collect()
}

fn dir_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
                .sum()
        })
        .unwrap_or(0)
}

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// A question and where its answer goes.
type Job = (Ask, std::sync::mpsc::Sender<()>);

/// Runs `clients` clients asking for `secs`, each waiting for its answer before it asks again,
/// served by as many workers as the machine has cores (as a server's worker threads serve
/// them: a question waits its turn, then runs alone on a core); returns the sorted latencies
/// (from asking to the answer) and the questions answered per second.
fn load(
    index: &Arc<SearchIndex>,
    clients: usize,
    secs: u64,
    tenants: usize,
    one_site: bool,
) -> (Vec<Duration>, f64) {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    let rx = Arc::new(std::sync::Mutex::new(rx));
    let pool: Vec<_> = (0..workers)
        .map(|_| {
            let (index, rx) = (index.clone(), rx.clone());
            std::thread::spawn(move || {
                loop {
                    let job = rx.lock().map(|r| r.recv());
                    let Ok(Ok((ask, reply))) = job else { return };
                    let found = index.search(&ask).map(|f| f.total).unwrap_or(0);
                    std::hint::black_box(found);
                    let _ = reply.send(());
                }
            })
        })
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let (stop, tx) = (stop.clone(), tx.clone());
            std::thread::spawn(move || {
                let mut rng = fastrand::Rng::with_seed(c as u64);
                let mut lat = Vec::new();
                let (reply, answer) = std::sync::mpsc::channel();
                while !stop.load(Ordering::Relaxed) {
                    let text = if rng.u8(..4) == 0 {
                        format!(
                            "{} {}",
                            TOPICS[rng.usize(..TOPICS.len())],
                            KINDS[rng.usize(..KINDS.len())]
                        )
                    } else {
                        TOPICS[rng.usize(..TOPICS.len())].to_owned()
                    };
                    let ask = Ask {
                        text,
                        sites: if one_site {
                            vec![format!("t{:04}", rng.usize(..tenants))]
                        } else {
                            Vec::new()
                        },
                        limit: 10,
                        ..Ask::default()
                    };
                    let t = Instant::now();
                    if tx.send((ask, reply.clone())).is_err() || answer.recv().is_err() {
                        break;
                    }
                    lat.push(t.elapsed());
                }
                lat
            })
        })
        .collect();
    drop(tx);
    std::thread::sleep(Duration::from_secs(secs));
    stop.store(true, Ordering::Relaxed);
    let mut all: Vec<Duration> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap_or_default())
        .collect();
    let took = started.elapsed().as_secs_f64();
    for w in pool {
        let _ = w.join();
    }
    all.sort();
    let qps = all.len() as f64 / took;
    (all, qps)
}

fn pct(v: &[Duration], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
    v[i].as_secs_f64() * 1000.0
}

fn main() {
    let docs_n: usize = arg("DOCS", 200_000);
    let tenants: usize = arg("TENANTS", 1_000);
    let clients: usize = arg("CLIENTS", 32);
    let secs: u64 = arg("SECS", 20);
    let out = std::path::PathBuf::from(arg("OUT", "/tmp/zq-search-bench".to_owned()));
    std::fs::create_dir_all(&out).unwrap_or_default();
    let dir = out.join("index");
    let _ = std::fs::remove_dir_all(&dir);

    let docs = corpus(docs_n, tenants);
    let words: Vec<String> = (0..tenants).map(unit_of).collect();
    let tokenizer = ZhTokenizer::with_words(words.iter().map(String::as_str));
    let index =
        SearchIndex::open_or_create(&dir, tokenizer.clone()).unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    for chunk in docs.chunks(5_000) {
        index.stage(chunk).unwrap_or_else(|e| panic!("{e}"));
    }
    index
        .commit(&Changes {
            position: Some(1),
            ..Changes::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let index_secs = started.elapsed().as_secs_f64();
    let bytes = dir_bytes(&dir);
    let index = Arc::new(index);
    // First every question answered from the index itself, then with answers kept for the
    // short time the index allows (`ANSWER_TTL`, forgotten at every commit), as it serves.
    index.set_answer_ttl(Duration::ZERO);
    let (cold_cluster, cold_cluster_qps) = load(&index, clients, secs, tenants, false);
    let (cold_site, cold_site_qps) = load(&index, clients, secs, tenants, true);
    index.set_answer_ttl(zq_search::ANSWER_TTL);
    let (cluster, cluster_qps) = load(&index, clients, secs, tenants, false);
    let (site, site_qps) = load(&index, clients, secs, tenants, true);
    println!("docs\t{docs_n}");
    println!("tenants\t{tenants}");
    println!("index_secs\t{index_secs:.1}");
    println!("docs_per_sec\t{:.0}", docs_n as f64 / index_secs);
    println!("index_mib\t{:.1}", bytes as f64 / 1_048_576.0);
    println!("clients\t{clients}");
    println!("uncached_cluster_qps\t{cold_cluster_qps:.0}");
    println!("uncached_cluster_p50_ms\t{:.2}", pct(&cold_cluster, 0.50));
    println!("uncached_cluster_p99_ms\t{:.2}", pct(&cold_cluster, 0.99));
    println!("uncached_site_qps\t{cold_site_qps:.0}");
    println!("uncached_site_p50_ms\t{:.2}", pct(&cold_site, 0.50));
    println!("uncached_site_p99_ms\t{:.2}", pct(&cold_site, 0.99));
    println!("cluster_questions\t{}", cluster.len());
    println!("cluster_qps\t{cluster_qps:.0}");
    println!("cluster_p50_ms\t{:.2}", pct(&cluster, 0.50));
    println!("cluster_p99_ms\t{:.2}", pct(&cluster, 0.99));
    println!("site_questions\t{}", site.len());
    println!("site_qps\t{site_qps:.0}");
    println!("site_p50_ms\t{:.2}", pct(&site, 0.50));
    println!("site_p99_ms\t{:.2}", pct(&site, 0.99));
    println!("rss_mib\t{:.0}", status_kb("VmRSS:") as f64 / 1024.0);
    println!("peak_rss_mib\t{:.0}", status_kb("VmHWM:") as f64 / 1024.0);

    // The same corpus and questions cut into words for PostgreSQL's `simple` configuration.
    let cut = |s: &str| tokenizer.words(s).join(" ");
    let mut f = std::io::BufWriter::new(
        std::fs::File::create(out.join("corpus.tsv")).unwrap_or_else(|e| panic!("{e}")),
    );
    for d in &docs {
        let _ = writeln!(f, "{}\t{}\t{}", d.tenant, cut(&d.title), cut(&d.body));
    }
    let _ = f.flush();
    let mut q = std::io::BufWriter::new(
        std::fs::File::create(out.join("queries.tsv")).unwrap_or_else(|e| panic!("{e}")),
    );
    let mut rng = fastrand::Rng::with_seed(99);
    for id in 1..=1000 {
        let text = if id % 4 == 0 {
            format!(
                "{} {}",
                TOPICS[rng.usize(..TOPICS.len())],
                KINDS[rng.usize(..KINDS.len())]
            )
        } else {
            TOPICS[rng.usize(..TOPICS.len())].to_owned()
        };
        // Every word of every part must be there, as the index asks (its phrases aside).
        let mut words = tokenizer.words(&text);
        words.dedup();
        let _ = writeln!(
            q,
            "{id}\tt{:04}\t{}",
            rng.usize(..tenants),
            words.join(" & ")
        );
    }
    let _ = q.flush();
}
