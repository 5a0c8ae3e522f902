//! Reporting scores, trend and silent units (issue 16), on both databases: an adoption scores
//! by where it ended up (要闻 3, another column 2, kept off the site 1, and an adopted item
//! withdrawn later falls back to 1) in the API, its CSV and the console's ranking, which can
//! rank by score; the ranking page shows each month's submitted and adopted counts and lists
//! the units that could send but sent nothing. The office's channel form picks the receiver,
//! the senders' parent and the columns from dropdowns.

use serde_json::{Value, json};
use zq_domain::access::{ClusterRole, TenantRole};
use zq_tests::{PASSWORD, TestApp, on_both_backends};

async fn unit_row(app: &TestApp, secret: &str, code: &str, q: &str) -> Value {
    let (s, f) = app
        .api(
            secret,
            "GET",
            &format!("/api/v1/sites/jb/reporting/figures?{q}"),
            None,
        )
        .await;
    assert_eq!(s, 200, "{f}");
    f["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == code)
        .cloned()
        .unwrap_or(
            json!({"adopted_headline": 0, "adopted_column": 0, "adopted_kept": 0, "score": 0}),
        )
}

fn places(row: &Value) -> [u64; 4] {
    [
        row["adopted_headline"].as_u64().unwrap(),
        row["adopted_column"].as_u64().unwrap(),
        row["adopted_kept"].as_u64().unwrap(),
        row["score"].as_u64().unwrap(),
    ]
}

on_both_backends! {
    async fn adoptions_score_by_where_they_were_published_and_silent_units_are_listed(app: demo) {
        let office = app.token("score.office", Some(ClusterRole::ClusterAdmin), None).await;
        let town = app.token("score.town", None, Some(("jb-hbjd", TenantRole::Editor))).await;
        let board = app.token("score.reviewer", None, Some(("jb", TenantRole::Reviewer))).await;
        let editor = app.token("score.editor", None, Some(("jb", TenantRole::Editor))).await;
        let jb = app.store.tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap()).await.unwrap().unwrap();
        let cols = app.store.columns(jb.id).await.unwrap();
        let news = cols.iter().find(|c| c.is_news).expect("jb has a news column").id.0;
        let other = cols.iter().find(|c| !c.is_news && c.kind == zq_domain::ColumnKind::ArticleList && c.aggregates.is_none()).unwrap().id.0;
        let (s, ch) = app.api(&office, "POST", "/api/v1/channels", Some(json!({
            "name": "积分测试渠道", "receiver": "jb", "sender_kind": "town", "sender_parent": "jb", "columns": [news, other]}))).await;
        assert_eq!(s, 201, "{ch}");
        // A town of jb that will send nothing.
        let quiet = app.store.create_tenant(zq_store::NewTenant {
            code: zq_domain::TenantCode::parse("jb-jmz").unwrap(),
            kind: zq_domain::TenantKind::Town,
            name: "江北区静默镇人民政府".into(),
            sponsor: "静默镇".into(),
            site_id: None,
            contact: None,
            parent: Some(zq_domain::TenantCode::parse("jb").unwrap()),
            hosts: vec![zq_domain::Host::parse("jmz.test.localhost").unwrap()],
            short_name: None,
            preparing: false,
        }, &zq_store::Who::system()).await.unwrap();

        let today = chrono::Utc::now().with_timezone(&zq_domain::time::beijing()).date_naive();
        let q = format!("from={today}T00:00&to={today}T23:59:59");
        let before = places(&unit_row(app, &office, "jb-hbjd", &q).await);

        let mut ids = Vec::new();
        for i in 0..4 {
            let (s, sub) = app.api(&town, "POST", "/api/v1/sites/jb-hbjd/submissions", Some(json!({
                "channel_id": ch["id"], "client_key": format!("score-{i}"), "title": format!("积分测试第{i}条"),
                "body": "<p>积分测试的正文。</p>"}))).await;
            assert_eq!(s, 201, "{sub}");
            ids.push(sub["id"].as_i64().unwrap());
        }
        let adopt = |secret: &str, id: i64, column: i64| {
            let secret = secret.to_owned();
            async move {
                let (s, a) = app.api(&secret, "POST", &format!("/api/v1/sites/jb/submissions/{id}/adopt"), Some(json!({"column_id": column}))).await;
                assert_eq!(s, 200, "{a}");
                a
            }
        };
        adopt(&board, ids[0], news).await; // published in 要闻: 3
        adopt(&board, ids[1], other).await; // published in a column: 2
        adopt(&editor, ids[2], news).await; // an editor's adoption waits as a draft: 1
        let withdrawn = adopt(&board, ids[3], other).await["adopted_article"].as_i64().unwrap();
        let (s, _) = app.api(&board, "POST", &format!("/api/v1/sites/jb/articles/{withdrawn}/withdraw"), None).await;
        assert_eq!(s, 200); // taken off the site later: 1

        let after = places(&unit_row(app, &office, "jb-hbjd", &q).await);
        assert_eq!(
            [after[0] - before[0], after[1] - before[1], after[2] - before[2], after[3] - before[3]],
            [1, 1, 2, 3 + 2 + 1 + 1]
        );
        let auth = format!("Bearer {office}");
        let csv = app.call("GET", "127.0.0.1", &format!("/api/v1/sites/jb/reporting/figures?{q}&format=csv"), &[("authorization", &auth)], "").await;
        let lines: Vec<&str> = csv.body.lines().collect();
        assert!(lines[0].ends_with("要闻采用,栏目采用,采用未刊发,积分"), "{}", lines[0]);
        let line = lines.iter().find(|l| l.contains(",jb-hbjd,")).unwrap();
        assert!(line.ends_with(&format!(",{},{},{},{}", after[0], after[1], after[2], after[3])), "{line}");

        // The console: the scores, ranked by score on asking, the month's trend, the silent town.
        app.account("score.board", None, &[("jb", TenantRole::Reviewer)]).await;
        let cookie = app.sign_in("score.board", PASSWORD).await.1.expect("signed in");
        let page = format!("/console/sites/jb/reporting/ranking?from={today}&to={today}");
        let r = app.get_with("127.0.0.1", &page, &[("cookie", &cookie)]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("<th scope=\"col\">积分</th>") && r.body.contains("要闻采用 3 分"), "{}", r.body);
        assert!(r.body.contains(&format!("<td>{}</td><td>{}</td><td>{}</td><td>{}</td>", after[0], after[1], after[2], after[3])), "{}", r.body);
        assert!(r.body.contains("每月报送与采用") && r.body.contains(&format!("<th scope=\"row\">{}</th>", today.format("%Y-%m"))));
        assert!(r.body.contains("未报送单位") && r.body.contains(&format!("<li>{}</li>", quiet.name)), "{}", r.body);
        assert!(!r.body.contains("<li>江北区和平街道办事处</li>"), "the town that sent is not silent");
        let by_score = app.get_with("127.0.0.1", &format!("{page}&order=score"), &[("cookie", &cookie)]).await;
        assert!(by_score.body.contains("<span aria-current=\"true\">积分</span>"), "{}", by_score.body);
        let scores: Vec<u64> = by_score.body.split("aria-label=\"积分 ").skip(1)
            .map(|s| s.split('"').next().unwrap().parse().unwrap()).collect();
        assert!(!scores.is_empty() && scores.windows(2).all(|w| w[0] >= w[1]), "ranked by score: {scores:?}");
    }

    async fn the_office_picks_a_channels_receiver_and_columns_from_dropdowns(app: demo) {
        app.account("chan.office", Some(ClusterRole::ClusterAdmin), &[]).await;
        let cookie = app.sign_in("chan.office", PASSWORD).await.1.expect("signed in");
        let jb = app.store.tenant_by_code(&zq_domain::TenantCode::parse("jb").unwrap()).await.unwrap().unwrap();
        let slugs: Vec<String> = app.store.columns(jb.id).await.unwrap().into_iter()
            .filter(|c| c.kind == zq_domain::ColumnKind::ArticleList)
            .map(|c| c.slug.to_string()).take(2).collect();
        let page = app.get_with("127.0.0.1", "/console/admin/channels", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(&format!("<option value=\"jb\">{}（jb）</option>", jb.name)), "{}", page.body);
        assert!(page.body.contains(&format!("<optgroup label=\"{}\" data-site=\"jb\">", jb.name)));
        assert!(page.body.contains(&format!("<option value=\"jb/{}\">", slugs[0])));
        assert!(page.body.contains("<select id=\"sender_parent\" name=\"sender_parent\"><option value=\"\">（不限）</option>"));
        let csrf = zq_tests::hidden_csrf(&page.body);
        let post = |form: Vec<(&'static str, String)>| {
            let csrf = csrf.clone();
            let cookie = cookie.clone();
            async move {
                let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
                all.extend(form.iter().map(|(k, v)| (*k, v.as_str())));
                app.post_form("127.0.0.1", "/console/admin/channels", &all, &[("cookie", &cookie)]).await
            }
        };
        // Two columns picked; the senders' parent from the list.
        let r = post(vec![("name", "下拉新建渠道".into()), ("receiver", "jb".into()), ("columns", format!("jb/{}", slugs[1])),
            ("columns", format!("jb/{}", slugs[0])), ("sender_kind", "town".into()), ("sender_parent", "jb".into())]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let secret = app.token("chan.api", Some(ClusterRole::ClusterAdmin), None).await;
        let (_, list) = app.api(&secret, "GET", "/api/v1/channels", None).await;
        let ch = list.as_array().unwrap().iter().find(|c| c["name"] == "下拉新建渠道").unwrap().clone();
        let cols = app.store.columns(jb.id).await.unwrap();
        let id_of = |slug: &str| cols.iter().find(|c| c.slug.as_str() == slug).unwrap().id.0;
        let mut got: Vec<i64> = ch["columns"].as_array().unwrap().iter().map(|c| c.as_i64().unwrap()).collect();
        got.sort_unstable();
        let mut want = vec![id_of(&slugs[1]), id_of(&slugs[0])];
        want.sort_unstable();
        assert_eq!(got, want, "{ch}");
        // Another site's column, or none: refused in Chinese, the choices kept.
        let r = post(vec![("name", "错站栏目".into()), ("receiver", "jb".into()), ("columns", "mzj/tzgg".into()), ("sender_kind", "town".into())]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("不属于接收站点") && r.body.contains("<option value=\"jb\" selected>"), "{}", r.body);
        let r = post(vec![("name", "没选栏目".into()), ("receiver", "jb".into()), ("sender_kind", "town".into())]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("请选择接收栏目"), "{}", r.body);
        let r = post(vec![("name", "选错又保留".into()), ("receiver", "jb".into()), ("columns", format!("jb/{}", slugs[0])), ("columns", "nosuch".into()), ("sender_kind", "town".into())]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains(&format!("<option value=\"jb/{}\" selected>", slugs[0])), "the picks are kept: {}", r.body);
    }
}
