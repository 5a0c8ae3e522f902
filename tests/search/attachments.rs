//! Attachments are searchable by their text: the PDF, DOCX, XLSX and text files a published
//! article links are found by words inside them (as kind 附件, linked to the file), a file that
//! cannot be read is found by its name and listed for the site's clerks, a file no published
//! article links is never found, and withdrawing the article removes its files within 2 s.

use std::time::Duration;

use zq_domain::ArticleStatus;
use zq_domain::access::TenantRole;
use zq_store::Who;
use zq_tests::{PASSWORD, TestApp, article, host, on_both_backends};

use super::{api, indexed, q, strip_tags, within};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/attachments/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The kinds and paths of what `text` finds.
async fn found(app: &TestApp, text: &str) -> Vec<(String, String)> {
    api(app, &q(text)).await["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["kind"].as_str().unwrap_or_default().to_owned(),
                h["path"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

on_both_backends! {
    async fn attachments_are_found_by_their_text_and_go_with_their_article(app: demo) {
        indexed(app).await;
        let who = Who::default();
        let jb = app.tenant_id("jb").await;
        let upload = |name: &'static str, bytes: Vec<u8>| {
            let who = who.clone();
            async move { app.store.store_attachment(jb, name, &bytes, &who).await.unwrap() }
        };
        let files = [
            upload("冬季供暖安全检查通知.pdf", fixture("heating.pdf")).await,
            upload("老旧小区改造征求意见稿.docx", fixture("lifts.docx")).await,
            upload("农机购置补贴名单.xlsx", fixture("farm.xlsx")).await,
            upload("防汛值班安排.txt", "防汛抗旱指挥部值班表：一号值班员".as_bytes().to_vec()).await,
            upload("扫描件第三批.pdf", fixture("broken.pdf")).await,
        ];
        // Uploaded, never linked from anything published: never found.
        upload("内部草稿.txt", "琉璃瓦修缮内部草稿".as_bytes().to_vec()).await;

        let col = app.new_list_column("jb", "search-files", "附件测试", None).await;
        let mut a = article("关于冬季民生工作的通知", ArticleStatus::Published);
        a.column_id = col;
        a.body = files
            .iter()
            .map(|f| format!("<p>附件：<a href=\"/sites/jb{}\">{}</a></p>", f.public_path(), f.file_name))
            .collect();
        let id = app.create_article(jb, a).await.unwrap();

        let path = |i: usize| files[i].public_path();
        for (question, file) in [("锅炉房安全自查", 0), ("加装电梯补贴", 1), ("植保无人机", 2), ("防汛抗旱指挥部值班表", 3), ("扫描件第三批", 4)] {
            let took = within(Duration::from_secs(5), || async {
                found(app, question).await.contains(&("attachment".to_owned(), path(file)))
            })
            .await;
            assert!(took.is_some(), "{question}: {:?}", found(app, question).await);
        }
        // Found by its text, the file's hit names it and shows the words in their place.
        let answer = api(app, &format!("{}&kind=attachment", q("锅炉房安全自查"))).await;
        assert_eq!(answer["total"], 1, "{answer}");
        let hit = &answer["hits"][0];
        assert_eq!((hit["site"].as_str(), hit["column"].as_str()), (Some("jb"), Some("附件测试")));
        assert_eq!(strip_tags(hit["title_html"].as_str().unwrap()), "冬季供暖安全检查通知.pdf");
        assert!(hit["snippet_html"].as_str().unwrap().contains("<b>锅炉房</b>"), "{hit}");
        // The public page says 附件 and links the file on the site.
        let page = app.get(&host("jb"), &format!("/search?{}", q("植保无人机"))).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("附件") && page.body.contains(&format!("/files/{}/", files[2].sha256)), "{}", page.body);
        assert_eq!(api(app, &q("琉璃瓦修缮")).await["total"], 0, "an unpublished upload is not found");

        // The damaged file is listed, with the reason, on the site's search page for its clerks.
        app.account("jb.files", None, &[("jb", TenantRole::SiteAdmin)]).await;
        let cookie = app.sign_in("jb.files", PASSWORD).await.1.expect("signed in");
        let console = app.get_with("127.0.0.1", "/console/sites/jb/search", &[("cookie", &cookie)]).await;
        assert_eq!(console.status, 200);
        assert!(console.body.contains("无法读取文字的附件（1 个）") && console.body.contains("扫描件第三批.pdf") && console.body.contains("PDF 文件损坏或格式异常"), "{}", console.body);
        assert!(!console.body.contains("冬季供暖安全检查通知.pdf"), "a file read is not listed");

        // Withdrawn: the article's files go with it.
        app.withdraw_article(jb, id).await.unwrap();
        let gone = within(Duration::from_secs(2), || async {
            let mut left = 0;
            for question in ["锅炉房安全自查", "加装电梯补贴", "植保无人机", "防汛抗旱指挥部值班表", "扫描件第三批"] {
                left += api(app, &format!("{}&kind=attachment", q(question))).await["total"].as_u64().unwrap_or(1);
            }
            left == 0
        })
        .await;
        assert!(gone.is_some(), "the files are gone with the article");
        let console = app.get_with("127.0.0.1", "/console/sites/jb/search", &[("cookie", &cookie)]).await;
        assert!(!console.body.contains("扫描件第三批.pdf"), "no longer listed once withdrawn");
    }
}
