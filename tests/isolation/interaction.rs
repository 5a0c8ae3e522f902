//! The interaction side of the isolation matrix (互动交流, 征集调查访谈): B's mailbox, a letter a
//! citizen wrote to B, B's common reply and B's consultation, and every API call and console
//! form a role of A might aim at them — B's code in the path, or A's code with B's ids.

use serde_json::{Value, json};
use zq_tests::{Resp, TestApp, hidden, host};

use super::{A, B, Caller, ConsoleCall, api};

/// B's interaction objects, made by B's site admin and a citizen.
pub(super) struct Objects {
    case: i64,
    mailbox: i64,
    template: i64,
    consultation: i64,
}

fn id_of(r: &Resp) -> i64 {
    assert_eq!(r.status, 201, "{}", r.body);
    serde_json::from_str::<Value>(&r.body).unwrap()["id"]
        .as_i64()
        .unwrap()
}

pub(super) async fn objects(app: &TestApp, admin: &Caller) -> Objects {
    let post = |path: &str, body: Value| {
        let path = format!("/api/v1/sites/{B}/{path}");
        async move { api(app, admin, "POST", &path, Some(&body)).await }
    };
    let mailbox = id_of(
        &post(
            "mailboxes",
            json!({"slug": "jnqz", "name": "江南区区长信箱", "description": "欢迎来信"}),
        )
        .await,
    );
    let page = app.get(&host(B), "/forms/letter").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let token = hidden(&page.body, "token");
    let r = app
        .post_form(
            &host(B),
            "/forms/letter",
            &[
                ("token", &token),
                ("mailbox", "jnqz"),
                ("category", "consultation"),
                ("subject", "江南区的路灯"),
                ("content", "小区门口的路灯坏了。"),
                ("name", "李四"),
                ("phone", "13812345678"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let t = super::tenant(app, B).await;
    let (cases, _) = app
        .store
        .cases(t.id, &Default::default(), 10, 0)
        .await
        .unwrap();
    let template = id_of(
        &post(
            "reply-templates",
            json!({"kind": "letter", "title": "路灯维修", "body": "已通知路灯管理所修复。"}),
        )
        .await,
    );
    let consultation = id_of(
        &post(
            "consultations",
            json!({"kind": "solicitation", "title": "江南区意见征集", "body": "<p>欢迎提出意见。</p>",
                   "opens_at": "2026-11-02T08:00", "closes_at": "2027-03-05T17:00"}),
        )
        .await,
    );
    Objects {
        case: cases.first().expect("the letter is a case of B").id,
        mailbox,
        template,
        consultation,
    }
}

/// What B's interaction looks like, to check nothing changed.
pub(super) async fn state(app: &TestApp) -> String {
    let t = super::tenant(app, B).await;
    let s = &app.store;
    format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}",
        s.cases(t.id, &Default::default(), 100, 0).await.unwrap(),
        s.mailboxes(t.id).await.unwrap(),
        s.reply_templates(t.id).await.unwrap(),
        s.consultations(t.id, None, true).await.unwrap(),
        s.tenant_clock_rules(t.id).await.unwrap(),
    )
}

/// Every interaction API call a role of A might try on B's objects.
pub(super) fn api_calls(o: &Objects) -> Vec<(&'static str, String, Option<Value>)> {
    let mailbox = json!({"name": "越权", "description": "x", "active": false});
    let template = json!({"kind": "letter", "title": "越权", "body": "x"});
    let consultation = json!({"kind": "solicitation", "title": "越权", "body": "<p>x</p>",
        "opens_at": "2026-11-02T08:00", "closes_at": "2027-03-05T17:00"});
    let mut calls = vec![
        ("GET", format!("/api/v1/sites/{B}/cases"), None),
        ("GET", format!("/api/v1/sites/{B}/mailboxes"), None),
        (
            "POST",
            format!("/api/v1/sites/{B}/mailboxes"),
            Some(json!({"slug": "yq", "name": "越权"})),
        ),
        ("GET", format!("/api/v1/sites/{B}/clock-rules"), None),
        (
            "PUT",
            format!("/api/v1/sites/{B}/clock-rules"),
            Some(json!({"letter_days": 1})),
        ),
        ("GET", format!("/api/v1/sites/{B}/reply-templates"), None),
        (
            "POST",
            format!("/api/v1/sites/{B}/reply-templates"),
            Some(template.clone()),
        ),
        ("GET", format!("/api/v1/sites/{B}/consultations"), None),
        (
            "POST",
            format!("/api/v1/sites/{B}/consultations"),
            Some(consultation.clone()),
        ),
        ("GET", format!("/api/v1/sites/{B}/inspection"), None),
        ("GET", format!("/api/v1/sites/{B}/visits"), None),
    ];
    for site in [B, A] {
        let case = format!("/api/v1/sites/{site}/cases/{}", o.case);
        calls.push(("GET", case.clone(), None));
        calls.push(("GET", format!("{case}/files/1"), None));
        calls.push(("POST", format!("{case}/reveal"), Some(json!({}))));
        for step in [
            "accept",
            "refuse",
            "transfer",
            "draft_reply",
            "approve_reply",
            "return_reply",
            "extend",
        ] {
            calls.push((
                "POST",
                format!("{case}/{step}"),
                Some(json!({"text": "越权", "to": A})),
            ));
        }
        calls.push((
            "PUT",
            format!("/api/v1/sites/{site}/mailboxes/{}", o.mailbox),
            Some(mailbox.clone()),
        ));
        let t = format!("/api/v1/sites/{site}/reply-templates/{}", o.template);
        calls.push(("PUT", t.clone(), Some(template.clone())));
        calls.push(("DELETE", t, None));
        let c = format!("/api/v1/sites/{site}/consultations/{}", o.consultation);
        calls.push(("GET", c.clone(), None));
        calls.push(("PUT", c.clone(), Some(consultation.clone())));
        calls.push(("POST", format!("{c}/close"), Some(json!({"column_id": 1}))));
        calls.push(("GET", format!("{c}/export.csv"), None));
        calls.push((
            "POST",
            format!("{c}/entries/1"),
            Some(json!({"decision": "approved"})),
        ));
        for step in ["publish", "unpublish", "end", "outcome"] {
            calls.push(("POST", format!("{c}/{step}"), Some(json!({"text": "越权"}))));
        }
    }
    calls
}

/// Every interaction console page and form a role of A might try on B's objects.
pub(super) fn console_calls(o: &Objects) -> Vec<ConsoleCall> {
    let mut calls: Vec<ConsoleCall> = vec![
        ("GET", format!("/console/sites/{B}/cases"), vec![]),
        ("GET", format!("/console/sites/{B}/mailboxes"), vec![]),
        (
            "POST",
            format!("/console/sites/{B}/mailboxes"),
            vec![("slug", "yq".into()), ("name", "越权".into())],
        ),
        (
            "POST",
            format!("/console/sites/{B}/clock-rules"),
            vec![("action", "reset".into())],
        ),
        (
            "POST",
            format!("/console/sites/{B}/reply-templates"),
            vec![
                ("kind", "letter".into()),
                ("title", "越权".into()),
                ("body", "x".into()),
                ("sort_order", "1".into()),
            ],
        ),
        ("GET", format!("/console/sites/{B}/consult"), vec![]),
        (
            "POST",
            format!("/console/sites/{B}/consult"),
            vec![("kind", "solicitation".into()), ("title", "越权".into())],
        ),
        ("GET", format!("/console/sites/{B}/inspection"), vec![]),
        ("GET", format!("/console/sites/{B}/visits"), vec![]),
    ];
    for site in [B, A] {
        let case = format!("/console/sites/{site}/cases/{}", o.case);
        calls.push(("GET", case.clone(), vec![]));
        calls.push(("GET", format!("{case}/files/1"), vec![]));
        calls.push(("POST", format!("{case}/reveal"), vec![]));
        for step in ["accept", "refuse", "draft_reply", "approve_reply", "extend"] {
            calls.push((
                "POST",
                format!("{case}/{step}"),
                vec![("text", "越权".into())],
            ));
        }
        calls.push((
            "POST",
            format!("/console/sites/{site}/mailboxes/{}", o.mailbox),
            vec![("name", "越权".into())],
        ));
        calls.push((
            "POST",
            format!("/console/sites/{site}/reply-templates/{}", o.template),
            vec![
                ("kind", "letter".into()),
                ("title", "越权".into()),
                ("body", "x".into()),
                ("sort_order", "1".into()),
            ],
        ));
        let c = format!("/console/sites/{site}/consult/{}", o.consultation);
        calls.push(("GET", c.clone(), vec![]));
        calls.push(("POST", c.clone(), vec![("title", "越权".into())]));
        calls.push((
            "POST",
            format!("{c}/step"),
            vec![("step", "publish".into())],
        ));
        calls.push(("POST", format!("{c}/close"), vec![("column", "1".into())]));
        calls.push(("GET", format!("{c}/export.csv"), vec![]));
        calls.push((
            "POST",
            format!("{c}/entries/1"),
            vec![("decision", "approved".into())],
        ));
    }
    calls
}
