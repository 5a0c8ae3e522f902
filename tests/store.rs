//! Storage rules that hold on both backends: hierarchy, uniqueness, tenant scoping, sanitizing.

use chrono::Utc;
use zq_domain::{
    ArticleStatus, ColumnKind, ColumnSlug, Host, Page, TenantCode, TenantKind, TenantStatus,
    UpdateRequirement,
};
use zq_store::{EditorialError, NewColumn, NewTenant, StoreError};
use zq_tests::NewArticle;
use zq_tests::on_both_backends;

fn tenant(code: &str, kind: TenantKind, parent: Option<&str>) -> NewTenant {
    NewTenant {
        code: TenantCode::parse(code).unwrap(),
        kind,
        name: format!("{code}单位"),
        sponsor: format!("{code}主办"),
        site_id: None,
        contact: None,
        parent: parent.map(|p| TenantCode::parse(p).unwrap()),
        hosts: vec![Host::parse(&format!("{code}.test.localhost")).unwrap()],
        short_name: None,
        preparing: false,
    }
}

fn column(slug: &str) -> NewColumn {
    NewColumn {
        parent_id: None,
        slug: ColumnSlug::parse(slug).unwrap(),
        name: "工作动态".into(),
        kind: ColumnKind::ArticleList,
        external_url: None,
        update_requirement: UpdateRequirement::Weekly,
        responsible_unit: None,
        sort_order: 0,
        is_news: true,
        aggregates: None,
    }
}

on_both_backends! {
    async fn the_tenant_hierarchy_is_enforced(app: empty) {
        let s = &app.store;
        assert!(matches!(s.create_tenant(tenant("d1", TenantKind::Department, None), &zq_store::Who::system()).await, Err(StoreError::Invalid(_))));
        s.create_tenant(tenant("www", TenantKind::Portal, None), &zq_store::Who::system()).await.unwrap();
        assert!(matches!(s.create_tenant(tenant("www2", TenantKind::Portal, None), &zq_store::Who::system()).await, Err(StoreError::Conflict(_))), "one portal");
        s.create_tenant(tenant("d1", TenantKind::Department, Some("www")), &zq_store::Who::system()).await.unwrap();
        s.create_tenant(tenant("q1", TenantKind::District, Some("www")), &zq_store::Who::system()).await.unwrap();
        assert!(s.create_tenant(tenant("t1", TenantKind::Town, Some("d1")), &zq_store::Who::system()).await.is_err(), "towns sit under districts");
        assert!(s.create_tenant(tenant("t1", TenantKind::Town, Some("www")), &zq_store::Who::system()).await.is_err());
        s.create_tenant(tenant("t1", TenantKind::Town, Some("q1")), &zq_store::Who::system()).await.unwrap();
        assert!(matches!(s.create_tenant(tenant("t2", TenantKind::Town, Some("nosuch")), &zq_store::Who::system()).await, Err(StoreError::NotFound(_))));
        let list = s.list_tenants().await.unwrap();
        assert_eq!(list.iter().map(|t| t.code.as_str()).collect::<Vec<_>>(), ["www", "d1", "q1", "t1"]);
        assert_eq!(list[3].parent_id, Some(list[2].id));
    }

    async fn codes_and_hosts_are_unique_and_a_failed_create_leaves_nothing(app: empty) {
        let s = &app.store;
        s.create_tenant(tenant("www", TenantKind::Portal, None), &zq_store::Who::system()).await.unwrap();
        s.create_tenant(tenant("d1", TenantKind::Department, Some("www")), &zq_store::Who::system()).await.unwrap();
        assert!(matches!(s.create_tenant(tenant("d1", TenantKind::Department, Some("www")), &zq_store::Who::system()).await, Err(StoreError::Conflict(_))));
        let mut clash = tenant("d2", TenantKind::Department, Some("www"));
        clash.hosts.push(Host::parse("d1.test.localhost").unwrap());
        assert!(matches!(s.create_tenant(clash, &zq_store::Who::system()).await, Err(StoreError::Conflict(_))));
        assert!(s.tenant_by_code(&TenantCode::parse("d2").unwrap()).await.unwrap().is_none(), "rolled back");
        let mut ok = tenant("d2", TenantKind::Department, Some("www"));
        ok.hosts.push(Host::parse("alt.test.localhost").unwrap());
        let d2 = s.create_tenant(ok, &zq_store::Who::system()).await.unwrap();
        assert_eq!(d2.hosts[0].as_str(), "d2.test.localhost", "the first host stays canonical");
    }

    async fn status_changes_follow_the_rules(app: empty) {
        let s = &app.store;
        s.create_tenant(tenant("www", TenantKind::Portal, None), &zq_store::Who::system()).await.unwrap();
        let code = TenantCode::parse("www").unwrap();
        assert_eq!(s.set_tenant_status(&code, TenantStatus::Suspended, &zq_store::Who::system()).await.unwrap().status, TenantStatus::Suspended);
        assert!(matches!(s.set_tenant_status(&code, TenantStatus::Suspended, &zq_store::Who::system()).await, Err(StoreError::NotAllowed(_))));
        s.set_tenant_status(&code, TenantStatus::Archived, &zq_store::Who::system()).await.unwrap();
        assert!(s.set_tenant_status(&code, TenantStatus::Active, &zq_store::Who::system()).await.is_err());
        assert!(matches!(s.set_tenant_status(&TenantCode::parse("nosuch").unwrap(), TenantStatus::Active, &zq_store::Who::system()).await, Err(StoreError::NotFound(_))));
    }

    async fn articles_are_scoped_by_tenant_and_sanitized(app: empty) {
        let s = &app.store;
        s.create_tenant(tenant("www", TenantKind::Portal, None), &zq_store::Who::system()).await.unwrap();
        let a = s.create_tenant(tenant("a", TenantKind::Department, Some("www")), &zq_store::Who::system()).await.unwrap();
        let b = s.create_tenant(tenant("b", TenantKind::Department, Some("www")), &zq_store::Who::system()).await.unwrap();
        let col_a = s.create_column(a.id, column("gzdt"), &zq_store::Who::system()).await.unwrap();
        let col_b = s.create_column(b.id, column("gzdt"), &zq_store::Who::system()).await.unwrap();
        assert!(matches!(s.create_column(a.id, column("gzdt"), &zq_store::Who::system()).await, Err(StoreError::Conflict(_))), "slug unique per tenant");
        let new = |col| NewArticle {
            column_id: col,
            title: "标题".into(),
            subtitle: None,
            source: None,
            author: None,
            summary: None,
            body: "<p>好</p><script>evil()</script><img src=x onerror=alert(1)>".into(),
            doc_number: None,
            index_number: None,
            status: ArticleStatus::Published,
            published_at: Some(Utc::now()),
        };
        assert!(matches!(app.create_article(a.id, new(col_b.id)).await, Err(EditorialError::Fields(_))), "another tenant's column");
        let id = app.create_article(a.id, new(col_a.id)).await.unwrap();
        let got = s.published_article(a.id, id).await.unwrap().expect("own article");
        assert!(!got.body.contains("script") && !got.body.contains("onerror"), "{}", got.body);
        assert!(s.published_article(b.id, id).await.unwrap().is_none(), "invisible to another tenant");
        assert!(app.publish_article(b.id, id).await.is_err(), "not writable by another tenant");
        let (items, total) = s.list_published(b.id, &[col_a.id], Page::new(1, 10)).await.unwrap();
        assert_eq!((items.len(), total), (0, 0), "listing another tenant's column finds nothing");
        // A batch with one bad row stores nothing.
        let mut bad = new(col_a.id);
        bad.title = String::new();
        let import = |n: NewArticle| zq_store::ImportedArticle {
            published_at: n.published_at,
            text: zq_store::ArticleText {
                column_id: n.column_id,
                title: n.title,
                subtitle: None,
                source: None,
                author: None,
                summary: None,
                body: n.body,
                doc_number: None,
                index_number: None,
            },
        };
        let batch = vec![import(new(col_a.id)), import(bad)];
        assert!(s.import_articles(a.id, batch, &zq_store::Who::system()).await.is_err());
        assert_eq!(s.count_articles(a.id).await.unwrap(), 1);
    }

    async fn the_demo_cluster_seeds_every_tenant_with_two_years_of_articles(app: empty) {
        let suffix = Host::parse(zq_tests::SUFFIX).unwrap();
        let report = zhanqun::demo::seed(&app.services, &suffix, zhanqun::demo::DemoOptions::default()).await.unwrap();
        assert!(report.tenants >= 35);
        let tenants = app.store.list_tenants().await.unwrap();
        assert_eq!(tenants.iter().filter(|t| t.kind == TenantKind::Department).count(), 22);
        assert_eq!(tenants.iter().filter(|t| t.kind == TenantKind::District).count(), 8);
        assert_eq!(tenants.iter().filter(|t| t.kind == TenantKind::Town).count(), 4);
        for t in &tenants {
            let n = app.store.count_articles(t.id).await.unwrap();
            assert!(n >= 30, "{} has {n} articles", t.code);
            let all = app.store.all_published(t.id, 10_000).await.unwrap();
            let newest = all.first().unwrap().published_at;
            let oldest = all.last().unwrap().published_at;
            assert!((newest - oldest).num_days() > 365, "{} spans {} days", t.code, (newest - oldest).num_days());
        }
        assert!(zhanqun::demo::seed_if_empty(&app.services, &suffix, Default::default()).await.unwrap().is_none(), "seeding twice does nothing");
    }
}

mod accounts {
    use zq_domain::access::{Action, ClusterRole, TenantPolicy, TenantRole, allowed};
    use zq_domain::security::LoginName;
    use zq_domain::{TenantKind, UserId};
    use zq_store::{NewUser, StoreError};
    use zq_tests::on_both_backends;

    fn user(login: &str, password: &str) -> NewUser {
        NewUser {
            login: LoginName::parse(login).unwrap(),
            display_name: "张伟".into(),
            password: password.into(),
            cluster_role: None,
            must_change_password: false,
        }
    }

    on_both_backends! {
        async fn accounts_sign_in_with_their_password_only(app: empty) {
            let s = &app.store;
            let u = s.create_user(user("zhang.wei", "Haichuan-Office-2026"), &zq_store::Who::system()).await.unwrap();
            let login = LoginName::parse("Zhang.Wei").unwrap();
            assert_eq!(s.verify_login(&login, "Haichuan-Office-2026").await.unwrap().map(|x| x.id), Some(u.id));
            assert!(s.verify_login(&login, "haichuan-office-2026").await.unwrap().is_none(), "case matters in passwords");
            assert!(s.verify_login(&LoginName::parse("nobody").unwrap(), "Haichuan-Office-2026").await.unwrap().is_none());
            assert!(matches!(s.create_user(user("zhang.wei", "Another-Pass-2026"), &zq_store::Who::system()).await, Err(StoreError::Conflict(_))));
            for weak in ["short", "alllowercaseletters", "Li.Na-Office-2026"] {
                assert!(matches!(s.create_user(user("li.na", weak), &zq_store::Who::system()).await, Err(StoreError::NotAllowed(_))), "{weak}");
            }
            assert!(s.user_by_login(&LoginName::parse("li.na").unwrap()).await.unwrap().is_none(), "nothing half-saved");
        }

        async fn role_bindings_become_grants_scoped_to_their_tenant(app: empty) {
            let s = &app.store;
            let tenant = |code: &str, kind, parent: Option<&str>| zq_store::NewTenant {
                code: zq_domain::TenantCode::parse(code).unwrap(),
                kind,
                name: code.into(),
                sponsor: code.into(),
                site_id: None,
                contact: None,
                parent: parent.map(|p| zq_domain::TenantCode::parse(p).unwrap()),
                hosts: vec![zq_domain::Host::parse(&format!("{code}.t.localhost")).unwrap()],
                short_name: None,
                preparing: false,
            };
            s.create_tenant(tenant("www", TenantKind::Portal, None), &zq_store::Who::system()).await.unwrap();
            let a = s.create_tenant(tenant("a", TenantKind::Department, Some("www")), &zq_store::Who::system()).await.unwrap();
            let b = s.create_tenant(tenant("b", TenantKind::Department, Some("www")), &zq_store::Who::system()).await.unwrap();
            let editor = s.create_user(user("editor.a", "Haichuan-Office-2026"), &zq_store::Who::system()).await.unwrap();
            s.set_binding(editor.id, a.id, TenantRole::Editor, true, &zq_store::Who::system()).await.unwrap();
            s.set_binding(editor.id, a.id, TenantRole::Editor, true, &zq_store::Who::system()).await.unwrap();
            let g = s.grants(editor.id).await.unwrap();
            assert_eq!(g.bindings, vec![(a.id, TenantRole::Editor)], "binding twice keeps one");
            let p = TenantPolicy::default();
            assert!(allowed(&g, Action::WriteArticles, Some(a.id), p));
            assert!(!allowed(&g, Action::WriteArticles, Some(b.id), p));
            assert!(!allowed(&g, Action::Review, Some(a.id), p));
            s.set_binding(editor.id, a.id, TenantRole::Editor, false, &zq_store::Who::system()).await.unwrap();
            assert!(s.grants(editor.id).await.unwrap().bindings.is_empty());
            assert!(matches!(s.set_binding(editor.id, zq_domain::TenantId(9999), TenantRole::Editor, true, &zq_store::Who::system()).await, Err(StoreError::NotFound(_))));
            assert!(matches!(s.set_binding(UserId(9999), a.id, TenantRole::Editor, true, &zq_store::Who::system()).await, Err(StoreError::NotFound(_))));
            let mut admin = user("office.admin", "Haichuan-Office-2026");
            admin.cluster_role = Some(ClusterRole::ClusterAdmin);
            let admin = s.create_user(admin, &zq_store::Who::system()).await.unwrap();
            assert!(allowed(&s.grants(admin.id).await.unwrap(), Action::ManageTenants, None, p));
        }
    }
}

mod audit {
    use chrono::{Duration, Utc};
    use zq_domain::{TenantId, UserId};
    use zq_store::{AuditEntry, StoreError, content_hash};
    use zq_tests::on_both_backends;

    fn entry(i: usize) -> AuditEntry {
        AuditEntry {
            actor: i
                .is_multiple_of(2)
                .then(|| (UserId(7), "zhang.wei".to_owned())),
            tenant: Some(TenantId(1 + (i % 3) as i64)),
            object: format!("article:{i}"),
            action: "approve".into(),
            client: Some("127.0.0.1".into()),
            before_hash: Some(content_hash(format!("before {i}").as_bytes())),
            after_hash: Some(content_hash(format!("after {i}").as_bytes())),
            note: i.is_multiple_of(5).then(|| format!("第 {i} 条的说明")),
        }
    }

    on_both_backends! {
        async fn the_audit_chain_verifies_and_concurrent_appends_never_fork_it(app: empty) {
            let s = &app.store;
            let appends = (0..20).map(|i| s.append_audit(entry(i)));
            let ids = futures_util::future::join_all(appends).await;
            assert!(ids.iter().all(Result::is_ok));
            let check = s.verify_audit_chain().await.unwrap();
            assert_eq!((check.rows, check.broken_at), (20, None));
            let own = s.audit_log(Some(TenantId(2)), 100).await.unwrap();
            assert!(!own.is_empty() && own.iter().all(|r| r.entry.tenant == Some(TenantId(2))), "scoped by tenant");
            assert_eq!(s.audit_log(None, 5).await.unwrap().len(), 5);
        }

        async fn a_changed_audit_row_breaks_the_chain_where_it_was_changed(app: empty) {
            let s = &app.store;
            for i in 0..5 {
                s.append_audit(entry(i)).await.unwrap();
            }
            app.tamper("UPDATE audit_log SET action = 'delete' WHERE id = 3").await;
            assert_eq!(s.verify_audit_chain().await.unwrap().broken_at, Some(3));
        }

        async fn a_removed_audit_row_breaks_the_chain_after_it(app: empty) {
            let s = &app.store;
            for i in 0..5 {
                s.append_audit(entry(i)).await.unwrap();
            }
            app.tamper("DELETE FROM audit_log WHERE id = 2").await;
            assert_eq!(s.verify_audit_chain().await.unwrap().broken_at, Some(3));
        }

        async fn audit_rows_younger_than_180_days_cannot_be_purged(app: empty) {
            let s = &app.store;
            s.append_audit(entry(0)).await.unwrap();
            let now = Utc::now();
            assert!(matches!(s.purge_audit_before(now, now).await, Err(StoreError::NotAllowed(_))));
            assert!(matches!(s.purge_audit_before(now - Duration::days(179), now).await, Err(StoreError::NotAllowed(_))));
            assert_eq!(s.purge_audit_before(now - Duration::days(181), now).await.unwrap(), 0);
            assert_eq!(s.verify_audit_chain().await.unwrap().rows, 1);
        }
    }
}
