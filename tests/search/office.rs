//! What the office and a site keep for search, and the questions counted: synonyms and best
//! bets change every question within seconds, each kept by whom it belongs to, refused in
//! Chinese when malformed, audited; questions are counted per site without anything about who
//! asked, listed in the console (most asked, found nothing) and exported as CSV.

use std::time::Duration;

use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{PASSWORD, TestApp, hidden, hidden_csrf, host, on_both_backends};

use super::{api, indexed, q, within};

/// Posts a console form of `page` (its CSRF and one-time key) with `fields`.
async fn post(
    app: &TestApp,
    cookie: &str,
    page: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> zq_tests::Resp {
    let form = app.get_with("127.0.0.1", page, &[("cookie", cookie)]).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let (csrf, once) = (hidden_csrf(&form.body), hidden(&form.body, "once"));
    let mut all = vec![("csrf", csrf.as_str()), ("once", once.as_str())];
    all.extend_from_slice(fields);
    app.post_form("127.0.0.1", path, &all, &[("cookie", cookie)])
        .await
}

on_both_backends! {
    async fn synonyms_and_best_bets_kept_by_the_office_and_a_site_change_the_questions_within_seconds(app: demo) {
        indexed(app).await;
        app.account("search.office", Some(ClusterRole::ClusterAdmin), &[]).await;
        let office = app.sign_in("search.office", PASSWORD).await.1.expect("signed in");
        let admin_page = "/console/admin/search";
        // The demo's office entered 发改委 (its sites never write it): found.
        let answer = api(app, &format!("{}&per_page=5", q("发改委"))).await;
        assert!(answer["hits"].as_array().unwrap().iter().any(|h| h["site"] == "fgw"), "{answer}");
        // Nobody writes 统计办 either: nothing is found until the office says what it means.
        assert_eq!(api(app, &q("统计办")).await["total"], 0);
        let r = post(app, &office, admin_page, "/console/admin/search/synonyms", &[("words", "统计办，统计局")]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let found = within(Duration::from_secs(2), || async { api(app, &q("统计办")).await["total"].as_u64().unwrap_or(0) > 0 }).await;
        assert!(found.is_some(), "the synonym applies within 2 s");
        let page = app.get_with("127.0.0.1", admin_page, &[("cookie", &office)]).await;
        assert!(page.body.contains("统计办，统计局") && page.body.contains("发改委，发展改革委，发展和改革委员会"), "{}", page.body);

        // A best bet of the cluster, first on the first page of every site's search.
        let r = post(app, &office, admin_page, "/console/admin/search/best-bets", &[
            ("keywords", "社保卡 社会保障卡"), ("title", "社会保障卡办理指南"), ("url", "https://www.gov.cn/fuwu/"), ("description", "申领、挂失和补换")]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let bet = within(Duration::from_secs(2), || async {
            api(app, &q("社保卡怎么申领")).await["best_bets"][0]["title"] == "社会保障卡办理指南"
        }).await;
        assert!(bet.is_some(), "the best bet applies within 2 s");
        let page = app.get(&host("jb"), &format!("/search?{}", q("社保卡怎么申领"))).await;
        assert!(page.body.contains("<p class=\"badge\">推荐结果</p>") && page.body.contains("href=\"https://www.gov.cn/fuwu/\">社会保障卡办理指南</a>"), "{}", page.body);
        assert!(!page.body.contains("没有找到"), "a best bet is something found");

        // A site keeps its own: it applies to questions asked on that site only.
        app.account("jb.searchadmin", None, &[("jb", TenantRole::SiteAdmin)]).await;
        let jb = app.sign_in("jb.searchadmin", PASSWORD).await.1.expect("signed in");
        let jb_page = "/console/sites/jb/search";
        let r = post(app, &jb, jb_page, "/console/sites/jb/search/synonyms", &[("words", "珍珠泉 江北区")]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let on_jb = within(Duration::from_secs(2), || async {
            api(app, &format!("{}&site=jb", q("珍珠泉"))).await["total"].as_u64().unwrap_or(0) > 0
        }).await;
        assert!(on_jb.is_some(), "jb's synonym applies on jb's search: {}", api(app, &format!("{}&site=jb", q("珍珠泉"))).await);
        let page = app.get(&host("jb"), &format!("/search?{}", q("珍珠泉"))).await;
        assert!(!page.body.contains("没有找到"), "{}", page.body);
        assert_eq!(api(app, &format!("{}&site=fgw", q("珍珠泉"))).await["total"], 0, "not on another site's");
        let page = app.get_with("127.0.0.1", jb_page, &[("cookie", &jb)]).await;
        assert!(page.body.contains("珍珠泉，江北区") && page.body.contains("全站群的同义词"), "{}", page.body);

        // Refused in Chinese, nothing stored: one word; a link that is no link.
        let r = post(app, &jb, jb_page, "/console/sites/jb/search/synonyms", &[("words", "只有一个词")]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("至少要有两个词") && r.body.contains("只有一个词"), "{}", r.body);
        let r = post(app, &jb, jb_page, "/console/sites/jb/search/best-bets", &[("keywords", "办事"), ("title", "办事"), ("url", "javascript:alert(1)")]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("链接应以"), "{}", r.body);
        // Not jb's to change: another site's administrator, a jb editor, the office's list.
        app.account("mzj.searchadmin", None, &[("mzj", TenantRole::SiteAdmin)]).await;
        let mzj = app.sign_in("mzj.searchadmin", PASSWORD).await.1.expect("signed in");
        let form = app.get_with("127.0.0.1", "/console/sites/mzj/search", &[("cookie", &mzj)]).await;
        let csrf = hidden_csrf(&form.body);
        let r = app.post_form("127.0.0.1", "/console/sites/jb/search/synonyms", &[("csrf", &csrf), ("once", &hidden(&form.body, "once")), ("words", "甲 乙")], &[("cookie", &mzj)]).await;
        assert!(r.status == 403 || r.status == 404, "{}", r.status);
        let r = app.post_form("127.0.0.1", "/console/admin/search/synonyms", &[("csrf", &csrf), ("once", &hidden(&form.body, "once")), ("words", "甲乙 丙丁")], &[("cookie", &mzj)]).await;
        assert_eq!(r.status, 403);
        app.account("jb.searcheditor", None, &[("jb", TenantRole::Editor)]).await;
        let editor = app.sign_in("jb.searcheditor", PASSWORD).await.1.expect("signed in");
        let page = app.get_with("127.0.0.1", jb_page, &[("cookie", &editor)]).await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("/console/sites/jb/search/synonyms\""), "an editor sees, does not change");

        // Removed: the question finds nothing again. Each change is in the audit log.
        let id = app.store.search_synonyms().await.unwrap().iter().find(|s| s.words[0] == "统计办").unwrap().id;
        let r = post(app, &office, admin_page, &format!("/console/admin/search/synonyms/{id}/delete"), &[]).await;
        assert_eq!(r.status, 303);
        assert!(within(Duration::from_secs(2), || async { api(app, &q("统计办")).await["total"] == 0 }).await.is_some());
        let audit = app.store.audit_log(None, 50).await.unwrap();
        assert!(["search.synonym.add", "search.synonym.delete", "search.best_bet.add"].iter().all(|act| audit.iter().any(|a| a.entry.action == *act)), "{audit:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_are_counted_per_site_without_who_asked_and_listed_with_csv() {
    let app = TestApp::demo(zq_tests::Backend::Sqlite).await;
    indexed(&app).await;
    for _ in 0..3 {
        app.get(&host("jb"), &format!("/search?{}", q("养老")))
            .await;
    }
    for _ in 0..2 {
        app.get(&host("jb"), &format!("/search?{}", q("量子纠缠望远镜")))
            .await;
    }
    // The next page and a picked facet are the same question: not counted again.
    app.get(&host("jb"), &format!("/search?{}&page=2", q("养老")))
        .await;
    app.get(&host("jb"), &format!("/search?{}&year=2026", q("养老")))
        .await;
    app.get(&host("fgw"), &format!("/search?{}", q("养老")))
        .await;
    zq_services::search::office::flush(&app.services)
        .await
        .unwrap();

    let today = chrono::Utc::now()
        .with_timezone(&zq_domain::time::beijing())
        .date_naive();
    let jb_id = app.tenant_id("jb").await;
    let counted = app
        .store
        .top_search_queries(Some(jb_id), (today, today), false, 10)
        .await
        .unwrap();
    assert_eq!(
        counted,
        vec![
            ("养老".to_owned(), 3, 0),
            ("量子纠缠望远镜".to_owned(), 2, 2)
        ]
    );
    let all = app
        .store
        .top_search_queries(None, (today, today), false, 10)
        .await
        .unwrap();
    // Every site's together: jb's three and fgw's one.
    assert_eq!(
        all.iter().find(|r| r.0 == "养老").map(|r| r.1),
        Some(4),
        "{all:?}"
    );

    app.account("jb.searchstats", None, &[("jb", TenantRole::SiteAdmin)])
        .await;
    let jb = app
        .sign_in("jb.searchstats", PASSWORD)
        .await
        .1
        .expect("signed in");
    let qs = format!("from={today}&to={today}");
    let page = app
        .get_with(
            "127.0.0.1",
            &format!("/console/sites/jb/search?{qs}"),
            &[("cookie", &jb)],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains(">养老</a></td><td>3</td><td>0</td>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(">量子纠缠望远镜</a></td><td>2</td>"),
        "{}",
        page.body
    );
    let csv = app
        .get_with(
            "127.0.0.1",
            &format!("/console/sites/jb/search?{qs}&format=csv&order=empty"),
            &[("cookie", &jb)],
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.body.starts_with('\u{feff}')
            && csv
                .body
                .contains("搜索词,次数,无结果次数\r\n量子纠缠望远镜,2,2\r\n"),
        "{}",
        csv.body
    );
    assert!(
        !csv.body.contains("养老"),
        "only the questions that found nothing"
    );
    // The office and operators see every site's.
    let operator = app.operator_cookie("search.operator").await;
    let page = app
        .get_with(
            "127.0.0.1",
            &format!("/console/admin/search?{qs}"),
            &[("cookie", &operator)],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(">养老</a></td><td>4</td>"),
        "{}",
        page.body
    );
    app.finish().await;
}
