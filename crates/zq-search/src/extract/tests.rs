//! Reading each format from the committed fixtures (`ops/fixtures/make_attachments.py`), and
//! what is refused and why.

use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../tests/fixtures/attachments/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn text(name: &str) -> String {
    match extract(name, fixture(name), &Limits::default()) {
        Extracted::Text(t) => t,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn each_format_gives_its_chinese_text() {
    for (file, expected) in [
        ("heating.pdf", "锅炉房安全自查"),
        ("heating.pdf", "冬季供暖安全检查"),
        ("lifts.docx", "加装电梯补贴标准"),
        ("lifts.docx", "R&D 经费"),
        ("farm.xlsx", "农机购置补贴名单"),
        ("farm.xlsx", "植保无人机 8600"),
        ("duty.txt", "防汛抗旱指挥部值班表"),
    ] {
        let t = text(file);
        assert!(t.contains(expected), "{file}: {expected:?} not in {t:?}");
    }
}

#[test]
fn a_damaged_or_unknown_file_says_why_and_an_image_is_no_document() {
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("broken.pdf", fixture("broken.pdf"), "PDF 文件损坏"),
        ("lifts.pdf", fixture("lifts.docx"), "PDF 文件损坏"),
        ("old.doc", b"\xd0\xcf\x11\xe0".to_vec(), "暂不支持读取 .doc"),
        ("README", b"text".to_vec(), "没有扩展名"),
    ];
    for (name, bytes, why) in cases {
        match extract(name, bytes, &Limits::default()) {
            Extracted::Unreadable(w) => assert!(w.contains(why), "{name}: {w}"),
            other => panic!("{name}: {other:?}"),
        }
    }
    assert_eq!(
        extract("photo.JPG", vec![0xff, 0xd8], &Limits::default()),
        Extracted::NotADocument
    );
}

#[test]
fn limits_on_size_time_and_length_hold() {
    let small = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    assert!(matches!(
        extract("duty.txt", fixture("duty.txt"), &small),
        Extracted::Unreadable(w) if w.contains("MB")
    ));
    let short = Limits {
        max_chars: 4,
        ..Limits::default()
    };
    assert_eq!(
        extract("duty.txt", fixture("duty.txt"), &short),
        Extracted::Text("防汛抗旱".into())
    );
    let no_time = Limits {
        timeout: Duration::ZERO,
        ..Limits::default()
    };
    // A large spreadsheet-shaped file cannot be read in no time at all.
    let big = fixture("heating.pdf").repeat(2000);
    assert!(matches!(
        extract("big.pdf", big, &no_time),
        Extracted::Unreadable(w) if w.contains("秒")
    ));
}

#[test]
fn whitespace_is_tidied() {
    assert_eq!(tidy("  a   b\n\n\nc  ", 100), "a b\nc");
    assert_eq!(tidy("a\0b", 100), "ab");
}
