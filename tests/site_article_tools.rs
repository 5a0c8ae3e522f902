//! The reading tools of an article page over HTTP on SQLite and PostgreSQL (issue 14): font
//! size 大 / 中 / 小 without a script (anchors the stylesheet reads), a print button (shown by a
//! small script; the print stylesheet hides the chrome), the QR code of the page's address as
//! inline SVG, and 上一篇 / 下一篇 in the order the column lists its articles.

use zq_domain::ArticleStatus;
use zq_tests::{article, host, on_both_backends};

/// The `href` after `label` in a page.
fn link_after<'a>(body: &'a str, label: &str) -> Option<&'a str> {
    let at = body.find(label)? + label.len();
    let rest = &body[at..];
    if rest.starts_with("没有了") {
        return None;
    }
    let h = rest.find("href=\"")? + 6;
    Some(&rest[h..h + rest[h..].find('"')?])
}

on_both_backends! {
    async fn an_article_has_font_sizes_print_a_qr_code_and_its_neighbours(app: demo) {
        let t = chrono::Utc::now();
        let mut ids = Vec::new();
        for (i, title) in ["邻接测试甲", "邻接测试乙", "邻接测试丙"].iter().enumerate() {
            let mut a = article(title, ArticleStatus::Published);
            a.published_at = Some(t + chrono::Duration::minutes(i as i64));
            ids.push(app.add("mzj", "tzgg", a).await);
        }
        let h = host("mzj");
        let middle = app.get(&h, &format!("/art/{}.html", ids[1])).await;
        assert_eq!(middle.status, 200);
        let b = &middle.body;
        // Newest first, as the column lists them: 上一篇 is the newer one.
        assert_eq!(link_after(b, "上一篇："), Some(format!("/art/{}.html", ids[2]).as_str()));
        assert_eq!(link_after(b, "下一篇："), Some(format!("/art/{}.html", ids[0]).as_str()));
        let newest = app.get(&h, &format!("/art/{}.html", ids[2])).await;
        assert_eq!(link_after(&newest.body, "上一篇："), None, "the newest has no newer one");
        assert!(newest.body.contains("上一篇：没有了"));
        // Font sizes by anchor, a print button, the page's QR code.
        for size in ["#fs-l", "#fs-m", "#fs-s"] {
            assert!(b.contains(&format!("href=\"{size}\"")), "{size}");
            assert!(b.contains(&format!("id=\"{}\"", &size[1..])), "{size}");
        }
        assert!(b.contains("<button type=\"button\" class=\"print\" hidden>打印本页</button>"));
        assert!(b.contains("<script src=\"/static/article."), "the print button's script");
        // The QR code is a picture of its own (cached like a page), not inline path data.
        let qr_path = format!("/art/{}.qr.svg", ids[1]);
        assert!(b.contains(&format!("<figure class=\"qr\"><img src=\"{qr_path}\" width=\"128\" height=\"128\" alt=\"本页地址的二维码\"")), "{b}");
        let qr = app.get(&h, &qr_path).await;
        assert_eq!(qr.status, 200);
        assert_eq!(qr.header("content-type"), Some("image/svg+xml"));
        assert!(qr.body.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"") && qr.body.contains("aria-label=\"本页地址的二维码\""), "{}", qr.body);
        assert_eq!(app.get(&h, "/art/987654.qr.svg").await.status, 404, "no article, no code");
        // In a mode, the neighbours stay in it.
        let elder = app.get(&h, &format!("/elder/art/{}.html", ids[1])).await;
        assert_eq!(link_after(&elder.body, "下一篇："), Some(format!("/elder/art/{}.html", ids[0]).as_str()));
        // A publish in the column reaches the neighbours of the page already cached.
        app.get(&h, &format!("/art/{}.html", ids[2])).await;
        let mut later = article("邻接测试丁", ArticleStatus::Published);
        later.published_at = Some(t + chrono::Duration::minutes(5));
        let fourth = app.add("mzj", "tzgg", later).await;
        let newest = app.get(&h, &format!("/art/{}.html", ids[2])).await;
        assert_eq!(link_after(&newest.body, "上一篇："), Some(format!("/art/{fourth}.html").as_str()));
    }
}
