//! What the index holds and when: a publish is found and a withdrawal gone within two
//! seconds; nothing unpublished is ever found; a suspended site's documents go and come back;
//! a node catches up from its stored position after downtime; a rebuild is swapped in while
//! questions keep being answered.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use zq_domain::workflow::Event;
use zq_domain::{ArticleStatus, TenantCode, TenantStatus};
use zq_services::search::{self, Ask, FileReader, Indexer, SearchHandle};
use zq_store::Who;
use zq_tests::{TestApp, article, on_both_backends};

use super::{api, hit_titles, indexed, q, within};

/// How many documents the API finds for `text`.
async fn total(app: &TestApp, text: &str) -> u64 {
    api(app, &q(text)).await["total"].as_u64().unwrap_or(0)
}

on_both_backends! {
    async fn a_published_article_is_found_within_two_seconds_and_a_withdrawn_one_is_gone(app: demo) {
        indexed(app).await;
        let col = app.new_list_column("jb", "search-a", "搜索测试栏目", None).await;
        let tenant = app.tenant_id("jb").await;
        let mut a = article("鲸落观测站开放日活动通知", ArticleStatus::Draft);
        a.column_id = col;
        a.body = "<p>市民可预约参观鲸落观测站。</p>".into();
        let id = app.create_article(tenant, a).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(total(app, "鲸落观测站").await, 0, "a draft is not found");

        app.publish_article(tenant, id).await.unwrap();
        let took = within(Duration::from_secs(2), || async { total(app, "鲸落观测站").await == 1 }).await;
        assert!(took.is_some(), "the published article is found within 2 s");
        let found = api(app, &q("鲸落观测站")).await;
        assert_eq!(hit_titles(&found), vec!["鲸落观测站开放日活动通知"]);
        let hit = &found["hits"][0];
        assert_eq!((hit["site"].as_str(), hit["column"].as_str(), hit["kind"].as_str()), (Some("jb"), Some("搜索测试栏目"), Some("article")));
        assert!(hit["title_html"].as_str().unwrap().contains("<b>"), "the words found are marked");
        assert_eq!(hit["path"], format!("/art/{}.html", id.0));

        app.withdraw_article(tenant, id).await.unwrap();
        let took = within(Duration::from_secs(2), || async { total(app, "鲸落观测站").await == 0 }).await;
        assert!(took.is_some(), "the withdrawn article is gone within 2 s");
    }

    async fn nothing_unpublished_is_ever_found(app: demo) {
        indexed(app).await;
        let col = app.new_list_column("fgw", "search-b", "未发布测试", None).await;
        let tenant = app.tenant_id("fgw").await;
        let new = |title: &str| {
            let mut a = article(title, ArticleStatus::Draft);
            a.column_id = col;
            a
        };
        let who = Who::system();
        // A draft, one pending review, one scheduled for tomorrow, one published then withdrawn.
        app.create_article(tenant, new("琥珀湾草稿一号")).await.unwrap();
        let pending = app.create_article(tenant, new("琥珀湾待审二号")).await.unwrap();
        app.store.article_event(tenant, pending, &Event::Submit, &who).await.unwrap();
        let scheduled = app.create_article(tenant, new("琥珀湾定时三号")).await.unwrap();
        let tomorrow = chrono::Utc::now().timestamp() + 86_400;
        app.store
            .article_event(tenant, scheduled, &Event::PublishDirectly { now: chrono::Utc::now().timestamp(), publish_at: Some(tomorrow) }, &who)
            .await
            .unwrap();
        let withdrawn = app.create_article(tenant, new("琥珀湾撤回四号")).await.unwrap();
        app.publish_article(tenant, withdrawn).await.unwrap();
        app.withdraw_article(tenant, withdrawn).await.unwrap();
        // A published one: once it is found, every event before it has been applied.
        let public = app.create_article(tenant, new("琥珀湾公开五号")).await.unwrap();
        app.publish_article(tenant, public).await.unwrap();
        assert!(within(Duration::from_secs(2), || async { total(app, "琥珀湾").await == 1 }).await.is_some());
        assert_eq!(hit_titles(&api(app, &q("琥珀湾")).await), vec!["琥珀湾公开五号"]);

        // A suspended site's documents go; put back online, they return.
        let code = TenantCode::parse("fgw").unwrap();
        app.store.set_tenant_status(&code, TenantStatus::Suspended, &who).await.unwrap();
        assert!(within(Duration::from_secs(2), || async { total(app, "琥珀湾").await == 0 }).await.is_some(), "a suspended site is not searched");
        assert_eq!(api(app, "q=%E5%8F%91%E5%B1%95&site=fgw").await["total"], 0);
        app.store.set_tenant_status(&code, TenantStatus::Active, &who).await.unwrap();
        assert!(within(Duration::from_secs(2), || async { total(app, "琥珀湾").await == 1 }).await.is_some(), "back online, found again");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_was_down_catches_up_from_the_position_its_index_recorded() {
    let app = TestApp::demo(zq_tests::Backend::Sqlite).await;
    let dir = std::env::temp_dir().join(format!("zq-search-catchup-{}", fastrand::u64(..)));
    let store = app.store.clone();
    // The node's index, built and followed to the newest event, then the node goes down.
    let handle = Arc::new(SearchHandle::open(&dir, &[]).unwrap());
    search::build(
        &store,
        &handle.index(),
        &FileReader::default(),
        None,
        &mut |_, _, _| {},
    )
    .await
    .unwrap();
    let indexer = Indexer::new(store.clone(), handle.clone(), Default::default());
    zq_services::events::catch_up(&app.services, &indexer)
        .await
        .unwrap();
    let before = handle.index().position().unwrap().unwrap();
    assert_eq!(before, store.last_event_id().await.unwrap());
    let count = |h: &SearchHandle, text: &str| {
        h.index()
            .search(&Ask {
                text: text.into(),
                limit: 10,
                ..Ask::default()
            })
            .unwrap()
            .total
    };
    let old_total = count(&handle, "海川");
    assert!(old_total > 0);
    drop(indexer);
    drop(handle);

    // While it is down: one article published, one withdrawn.
    let tenant = app.tenant_id("jb").await;
    let gone = store.all_published(tenant, 1).await.unwrap().remove(0);
    let col = app
        .new_list_column("jb", "search-c", "补课测试", None)
        .await;
    let mut a = article("珊瑚礁监测报告发布", ArticleStatus::Published);
    a.column_id = col;
    app.create_article(tenant, a).await.unwrap();
    app.withdraw_article(tenant, gone.id).await.unwrap();

    // Back up: it reads on from where its index stood.
    let handle = Arc::new(SearchHandle::open(&dir, &[]).unwrap());
    assert_eq!(
        handle.index().position().unwrap(),
        Some(before),
        "the position survived the restart"
    );
    let indexer = Indexer::new(store.clone(), handle.clone(), Default::default());
    let handled = zq_services::events::catch_up(&app.services, &indexer)
        .await
        .unwrap();
    assert!(
        handled >= 2,
        "the events of the downtime were read ({handled})"
    );
    assert_eq!(
        handle.index().position().unwrap(),
        Some(store.last_event_id().await.unwrap())
    );
    assert_eq!(
        count(&handle, "珊瑚礁监测报告"),
        1,
        "published while down: found"
    );
    let still = handle
        .index()
        .search(&Ask {
            text: gone.title.clone(),
            limit: 50,
            ..Ask::default()
        })
        .unwrap();
    assert!(
        still
            .hits
            .iter()
            .all(|h| h.key != format!("article:{}", gone.id.0)),
        "withdrawn while down: gone"
    );
    drop(indexer);
    drop(handle);
    std::fs::remove_dir_all(&dir).ok();
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_is_swapped_in_while_questions_keep_being_answered() {
    let app = TestApp::demo(zq_tests::Backend::Sqlite).await;
    indexed(&app).await;
    let before = total(&app, "养老").await;
    let jb_before = api(&app, "q=%E6%B1%9F%E5%8C%97&site=jb").await["total"]
        .as_u64()
        .unwrap();
    assert!(before > 0 && jb_before > 0);
    let root = app
        .services
        .search()
        .expect("search is on")
        .root()
        .to_owned();
    let generations = || {
        std::fs::read_dir(&root)
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_dir())
            .count()
    };
    assert_eq!(generations(), 1);

    // Questions asked all through both rebuilds: every one answered, none empty.
    let stop = Arc::new(AtomicBool::new(false));
    let (asked, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let addr = app.addr;
    let asker = {
        let (stop, asked, failed) = (stop.clone(), asked.clone(), failed.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let r = super::raw_get(
                    addr,
                    &zq_tests::host("www"),
                    &format!("/api/v1/search?{}", q("养老")),
                )
                .await;
                asked.fetch_add(1, Ordering::Relaxed);
                let n = serde_json::from_str::<serde_json::Value>(&r.1)
                    .ok()
                    .and_then(|v| v["total"].as_u64());
                if r.0 != 200 || n != Some(before) {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    let mut sites = Vec::new();
    let n = search::reindex(
        &app.store,
        &root,
        &FileReader::default(),
        None,
        &mut |done, all, _| sites.push((done, all)),
    )
    .await
    .unwrap();
    assert!(n > 100, "{n} documents");
    assert_eq!(
        sites.last().map(|(d, a)| d == a),
        Some(true),
        "progress reached every site"
    );
    // The server swaps the new generation in and removes the old one.
    assert!(
        within(Duration::from_secs(5), || async { generations() == 1 })
            .await
            .is_some(),
        "the old generation was removed after the swap"
    );
    let n_site = search::reindex(
        &app.store,
        &root,
        &FileReader::default(),
        Some("jb"),
        &mut |_, _, _| {},
    )
    .await
    .unwrap();
    assert_eq!(
        n_site, n,
        "one site rebuilt, the others copied: as many documents"
    );
    assert!(
        within(Duration::from_secs(5), || async { generations() == 1 })
            .await
            .is_some()
    );
    stop.store(true, Ordering::Relaxed);
    asker.await.unwrap();
    assert!(
        asked.load(Ordering::Relaxed) > 5,
        "questions were asked during the rebuilds"
    );
    assert_eq!(
        failed.load(Ordering::Relaxed),
        0,
        "no question failed or came back short"
    );
    assert_eq!(total(&app, "养老").await, before);
    assert_eq!(
        api(&app, "q=%E6%B1%9F%E5%8C%97&site=jb").await["total"]
            .as_u64()
            .unwrap(),
        jb_before
    );
    // And the rebuilt index still follows the events.
    let col = app
        .new_list_column("jb", "search-d", "重建后栏目", None)
        .await;
    let mut a = article("红树林保护区巡护记录", ArticleStatus::Published);
    a.column_id = col;
    app.create_article(app.tenant_id("jb").await, a)
        .await
        .unwrap();
    assert!(
        within(Duration::from_secs(2), || async {
            total(&app, "红树林保护区").await == 1
        })
        .await
        .is_some()
    );
    let refused = search::reindex(
        &app.store,
        &root,
        &FileReader::default(),
        Some("nosuch"),
        &mut |_, _, _| {},
    )
    .await
    .unwrap_err();
    assert_eq!(refused.to_string(), "站点“nosuch”不存在");
    app.finish().await;
}
