//! The index's behaviour on small corpora: Chinese words and the cluster's own words found,
//! the scope of sites kept, replacing and removing by key, highlighting escaped.

use super::question::{alternatives, plain_question};
use super::*;

fn doc(key: &str, tenant: &str, title: &str, body: &str) -> Doc {
    Doc {
        key: key.into(),
        tenant: tenant.into(),
        column: "通知公告".into(),
        kind: "article".into(),
        title: title.into(),
        body: body.into(),
        numbers: Vec::new(),
        date: DateTime::from_timestamp(1_780_000_000, 0).unwrap(),
        url: format!("/art/{key}.html"),
        note: None,
    }
}

fn index() -> SearchIndex {
    let i = SearchIndex::in_memory(ZhTokenizer::with_words(["发改委", "河长制"])).unwrap();
    let mut numbered = doc(
        "article:4",
        "fgw",
        "关于价格监测的通知",
        "做好重要商品价格监测。",
    );
    numbered.numbers = vec!["海发改〔2026〕12号".into()];
    i.apply(
        &[
            doc(
                "article:1",
                "jb",
                "江北区召开防汛工作会议",
                "会议部署汛期值班和河长制工作。",
            ),
            doc(
                "article:2",
                "fgw",
                "市发改委发布重点项目清单",
                "2026 年重点项目共 120 个。",
            ),
            doc(
                "article:3",
                "mzj",
                "养老服务补贴申请指南",
                "申请<条件>和办理流程。",
            ),
            numbered,
        ],
        &[],
    )
    .unwrap();
    i
}

fn keys(i: &SearchIndex, text: &str, sites: &[&str]) -> Vec<String> {
    let ask = Ask {
        text: text.into(),
        sites: sites.iter().map(|s| s.to_string()).collect(),
        limit: 10,
        ..Default::default()
    };
    let mut k: Vec<String> = i
        .search(&ask)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.key)
        .collect();
    k.sort();
    k
}

#[test]
fn questions_find_chinese_words_within_their_scope() {
    let i = index();
    // (question, sites, keys found)
    let cases: [(&str, &[&str], &[&str]); 9] = [
        ("防汛", &[], &["article:1"]),
        ("发改委", &[], &["article:2"]),
        ("河长制", &[], &["article:1"]),
        ("养老 补贴", &[], &["article:3"]),
        ("重点项目", &["jb"], &[]),
        ("重点项目", &["jb", "fgw"], &["article:2"]),
        ("海发改〔2026〕12号", &[], &["article:4"]),
        // Typed in traditional characters.
        ("養老服務", &[], &["article:3"]),
        ("發改委", &[], &["article:2"]),
    ];
    for (q, sites, want) in cases {
        assert_eq!(keys(&i, q, sites), want, "{q} in {sites:?}");
    }
}

#[test]
fn a_document_is_replaced_and_removed_by_its_key() {
    let i = index();
    assert_eq!(i.len(), 4);
    i.apply(
        &[doc(
            "article:1",
            "jb",
            "江北区召开安全生产会议",
            "部署安全生产。",
        )],
        &[],
    )
    .unwrap();
    assert_eq!(i.len(), 4, "replaced, not added");
    assert!(keys(&i, "防汛", &[]).is_empty());
    assert_eq!(keys(&i, "安全生产", &[]), ["article:1"]);
    i.apply(&[], &["article:1".into()]).unwrap();
    assert!(keys(&i, "安全生产", &[]).is_empty());
    assert_eq!(i.len(), 3);
}

#[test]
fn an_articles_files_go_with_it_and_unreadable_ones_are_listed() {
    let i = index();
    let mut file = doc(
        "article:1#file:aa",
        "jb",
        "值班表.pdf",
        "防汛抗旱指挥部值班表",
    );
    file.kind = "attachment".into();
    let mut broken = doc("article:1#file:bb", "jb", "扫描件.pdf", "");
    broken.note = Some("PDF 文件损坏或格式异常".into());
    i.apply(&[file, broken], &[]).unwrap();
    assert_eq!(keys(&i, "值班表", &[]), ["article:1#file:aa"]);
    let listed = i.unreadable("jb", 10).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].title, "扫描件.pdf");
    assert_eq!(listed[0].note.as_deref(), Some("PDF 文件损坏或格式异常"));
    assert!(i.unreadable("fgw", 10).unwrap().is_empty());
    // The article published again without its files: they are gone with the old version.
    i.apply(
        &[doc("article:1", "jb", "江北区防汛工作会议", "部署防汛。")],
        &[],
    )
    .unwrap();
    assert!(keys(&i, "值班表", &[]).is_empty());
    assert!(i.unreadable("jb", 10).unwrap().is_empty());
    i.apply(&[], &["article:1".into()]).unwrap();
    assert_eq!(i.len(), 3);
}

#[test]
fn a_mistyped_word_gets_a_suggestion_that_finds_something_in_scope() {
    let i = index();
    i.apply(
        &[
            doc("article:5", "zjj", "住房公积金提取办法", "提取公积金。"),
            doc("article:6", "zjj", "公积金贷款额度调整", "贷款。"),
        ],
        &[],
    )
    .unwrap();
    let suggest = |text: &str, sites: &[&str]| {
        i.suggest(&Ask {
            text: text.into(),
            sites: sites.iter().map(|s| s.to_string()).collect(),
            limit: 10,
            ..Ask::default()
        })
        .unwrap()
    };
    assert_eq!(suggest("公基金贷款", &[]).as_deref(), Some("公积金贷款"));
    assert_eq!(
        suggest("公積金贷款", &[]),
        None,
        "繁體 is read, not corrected"
    );
    assert_eq!(
        suggest("公基金贷款", &["jb"]),
        None,
        "nothing to find on jb"
    );
    assert_eq!(suggest("量子计算机", &[]), None, "nothing near");
}

#[test]
fn titles_and_snippets_highlight_the_words_and_escape_the_rest() {
    let i = index();
    let found = i
        .search(&Ask {
            text: "申请".into(),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.total, 1);
    let h = &found.hits[0];
    assert!(h.title_html.contains("<b>申请</b>"), "{}", h.title_html);
    assert!(
        h.snippet_html.contains("&lt;条件&gt;"),
        "{}",
        h.snippet_html
    );
    assert_eq!(
        (h.tenant.as_str(), h.kind.as_str(), h.url.as_str()),
        ("mzj", "article", "/art/article:3.html")
    );
}

#[test]
fn an_index_on_disk_keeps_its_documents_when_opened_again() {
    let dir = std::env::temp_dir().join(format!("zq-search-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    {
        let i = SearchIndex::open_or_create(&dir, ZhTokenizer::with_words([])).unwrap();
        i.apply(
            &[doc("article:9", "jb", "磁盘上的索引", "保存后重新打开。")],
            &[],
        )
        .unwrap();
    }
    let i = SearchIndex::open_or_create(&dir, ZhTokenizer::with_words([])).unwrap();
    assert_eq!(keys(&i, "索引", &[]), ["article:9"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn facets_count_every_document_found_and_date_order_puts_the_newest_first() {
    let i = SearchIndex::in_memory(ZhTokenizer::with_words([])).unwrap();
    let at = |y: i32, n: i64| {
        chrono::NaiveDate::from_ymd_opt(y, 6, 1)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc()
            + chrono::Duration::minutes(n)
    };
    let mut docs = Vec::new();
    // 12 documents about 防汛: sites jb (7) and mzj (5), two kinds, years 2025 and 2026.
    for n in 0..12 {
        let mut d = doc(
            &format!("article:{n}"),
            if n < 7 { "jb" } else { "mzj" },
            &format!("防汛通知第{n}号"),
            "做好防汛准备。",
        );
        d.kind = if n % 3 == 0 {
            "attachment".into()
        } else {
            "article".into()
        };
        d.column = if n % 2 == 0 {
            "通知公告".into()
        } else {
            "工作动态".into()
        };
        d.date = at(if n < 4 { 2025 } else { 2026 }, n);
        docs.push(d);
    }
    docs.push(doc("article:99", "jb", "无关的信息", "招聘公告。"));
    i.apply(&docs, &[]).unwrap();
    let found = i
        .search(&Ask {
            text: "防汛".into(),
            limit: 5,
            by_date: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.total, 12);
    assert_eq!(found.hits.len(), 5, "one page");
    let keys: Vec<&str> = found.hits.iter().map(|h| h.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "article:11",
            "article:10",
            "article:9",
            "article:8",
            "article:7"
        ]
    );
    let f = &found.facets;
    assert_eq!(f.sites, [("jb".to_string(), 7), ("mzj".to_string(), 5)]);
    assert_eq!(
        f.kinds,
        [("article".to_string(), 8), ("attachment".to_string(), 4)]
    );
    assert_eq!(f.years, [(2026, 8), (2025, 4)]);
    assert!(
        f.columns.is_empty(),
        "columns are counted for one site only"
    );
    let jb = i
        .search(&Ask {
            text: "防汛".into(),
            sites: vec!["jb".into()],
            limit: 5,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(jb.total, 7);
    let jb_notices = jb
        .facets
        .columns
        .iter()
        .find(|(c, _)| c == &("jb".to_string(), "通知公告".to_string()))
        .unwrap()
        .1;
    assert_eq!(jb_notices, 4, "0, 2, 4, 6 of jb");
    assert_eq!(jb.facets.columns.iter().map(|(_, n)| n).sum::<u64>(), 7);
}

#[test]
fn a_commit_records_its_event_position_and_can_drop_a_whole_site() {
    let i = index();
    assert_eq!(i.position().unwrap(), None, "a new index stands nowhere");
    let changed = doc("article:9", "jb", "江北区河道保洁通知", "保洁。");
    i.commit(&Changes {
        docs: std::slice::from_ref(&changed),
        gone_sites: &["fgw".to_owned()],
        position: Some(42),
        ..Changes::default()
    })
    .unwrap();
    assert_eq!(i.position().unwrap(), Some(42));
    assert!(
        keys(&i, "发改委", &[]).is_empty(),
        "the site's documents went"
    );
    assert_eq!(keys(&i, "江北区", &[]).len(), 2);
    let mut kept = i.documents_except("jb").unwrap();
    kept.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].title, "养老服务补贴申请指南");
    assert_eq!(kept[0].body, "申请<条件>和办理流程。");
}

#[test]
fn a_word_added_while_serving_is_kept_whole_in_text_indexed_after() {
    let i = index();
    assert_eq!(i.tokenizer().add_words(["海川新区管委会", "发改委"]), 1);
    i.apply(
        &[doc("article:7", "xq", "海川新区管委会招聘公告", "招聘。")],
        &[],
    )
    .unwrap();
    assert!(
        i.tokenizer()
            .words("海川新区管委会")
            .contains(&"海川新区管委会".to_owned())
    );
    assert_eq!(keys(&i, "海川新区管委会", &[]), vec!["article:7"]);
}

#[test]
fn a_picked_facet_narrows_the_documents_found() {
    let i = index();
    let ask = |column: Option<(&str, &str)>, kind: Option<&str>, year: Option<i32>| {
        i.search(&Ask {
            text: "通知".into(),
            limit: 10,
            column: column.map(|(s, n)| (s.to_owned(), n.to_owned())),
            kind: kind.map(str::to_owned),
            year,
            ..Default::default()
        })
        .unwrap()
        .total
    };
    assert_eq!(ask(None, None, None), 1);
    assert_eq!(ask(Some(("fgw", "通知公告")), None, None), 1);
    assert_eq!(ask(Some(("jb", "通知公告")), None, None), 0);
    assert_eq!(ask(None, Some("article"), Some(2026)), 1);
    assert_eq!(ask(None, Some("letter"), None), 0);
    assert_eq!(ask(None, None, Some(2020)), 0);
}

#[test]
fn questions_as_people_type_them_find_the_words_inside_longer_ones() {
    let i = SearchIndex::in_memory(ZhTokenizer::with_words([
        "海川市人力资源和社会保障局",
        "人力资源和社会保障局",
    ]))
    .unwrap();
    i.apply(
        &[
            doc(
                "article:1",
                "rsj",
                "海川市人力资源和社会保障局就业补贴公告",
                "补贴。",
            ),
            doc("article:2", "czj", "海川市政府采购管理办法", "采购。"),
            doc(
                "article:3",
                "mzj",
                "社会救助申请指南",
                "申请社会救助需要的材料。",
            ),
        ],
        &[],
    )
    .unwrap();
    let cases = [
        ("人力资源和社会保障局", "article:1"),
        ("政府采购管理办法", "article:2"),
        ("社会救助，怎么申请？", "article:3"),
        ("就业补贴 + (公告", "article:1"),
    ];
    let numbered = index();
    assert_eq!(
        keys(&numbered, "海发改〔2026〕12号", &[]),
        vec!["article:4"]
    );
    assert!(
        keys(&numbered, "海发改〔2026〕13号", &[]).is_empty(),
        "another number is not this one"
    );
    for (q, want) in cases {
        assert_eq!(keys(&i, q, &[]), vec![want.to_owned()], "{q}");
    }
    assert_eq!(plain_question("“养老”如何办理?!"), "养老 办理");
    assert_eq!(plain_question("海发改〔2026〕12号"), "海发改_2026_12号");
    assert_eq!(
        plain_question("3377030452/2026-00068"),
        "3377030452_2026_00068"
    );
}

#[test]
fn a_synonym_finds_the_documents_that_use_the_other_word() {
    let i = index();
    let group = vec!["规划局".to_owned(), "发改委".to_owned()];
    let ask = |text: &str, synonyms: Vec<Vec<String>>| {
        let mut k: Vec<String> = i
            .search(&Ask {
                text: text.into(),
                limit: 10,
                synonyms,
                ..Default::default()
            })
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.key)
            .collect();
        k.sort();
        k
    };
    assert!(ask("规划局", vec![]).is_empty());
    assert_eq!(ask("规划局", vec![group.clone()]), vec!["article:2"]);
    assert_eq!(ask("规划局发布", vec![group.clone()]), vec!["article:2"]);
    assert_eq!(
        alternatives("规划局项目 清单", &[group]),
        vec![vec!["规划局项目", "发改委项目"], vec!["清单"]]
    );
}

#[test]
fn a_title_is_shown_whole_with_its_words_marked() {
    let i = index();
    i.apply(
        &[doc(
            "article:8",
            "yx",
            "“一老一小”民生实事（访谈实录）",
            "访谈。",
        )],
        &[],
    )
    .unwrap();
    let found = i
        .search(&Ask {
            text: "一老一小".into(),
            limit: 5,
            ..Default::default()
        })
        .unwrap();
    let title = &found.hits[0].title_html;
    assert!(
        title.starts_with("“") && title.ends_with("（访谈实录）"),
        "{title}"
    );
    assert!(title.contains("<b>"), "{title}");
}
