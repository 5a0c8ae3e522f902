//! The index's behaviour on small corpora: Chinese words and the cluster's own words found,
//! the scope of sites kept, replacing and removing by key, highlighting escaped.

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
        offset: 0,
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
    let cases: [(&str, &[&str], &[&str]); 7] = [
        ("防汛", &[], &["article:1"]),
        ("发改委", &[], &["article:2"]),
        ("河长制", &[], &["article:1"]),
        ("养老 补贴", &[], &["article:3"]),
        ("重点项目", &["jb"], &[]),
        ("重点项目", &["jb", "fgw"], &["article:2"]),
        ("海发改〔2026〕12号", &[], &["article:4"]),
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
