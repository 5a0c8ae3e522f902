//! The verification question (验证问题) of the case-opening forms: an address may post
//! `http.form_captcha_after` of them an hour unasked; the next post is shown again with what
//! was typed and the question (422), a wrong answer likewise, the right one (in digits, also
//! full-width) is taken; an answer fits only the form it was asked on; other addresses' forms
//! and the non-case forms are never asked.

use zq_tests::{Backend, Resp, Setup, TestApp, hidden, host};

/// The sum the question asks, from the page.
fn answer(body: &str) -> usize {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let at = body.find("验证问题：").expect("the question") + "验证问题：".len();
    let q: Vec<char> = body[at..].chars().take(3).collect();
    let digit = |c: char| DIGITS.iter().position(|d| *d == c).expect("a digit");
    assert_eq!(q[1], '加', "{q:?}");
    let (a, b) = (digit(q[0]), digit(q[2]));
    a + b
}

async fn letter(app: &TestApp, subject: &str, extra: &[(&str, &str)], page: &Resp) -> Resp {
    let token = hidden(&page.body, "token");
    let mut fields = vec![
        ("token", token.as_str()),
        ("mailbox", "qzxx"),
        ("category", "help"),
        ("subject", subject),
        ("content", "路灯坏了。"),
        ("name", "孙验证"),
        ("phone", "13500003333"),
    ];
    fields.extend_from_slice(extra);
    app.post_form(&host("jb"), "/forms/letter", &fields, &[])
        .await
}

async fn flow(backend: Backend) {
    let app = TestApp::setup(Setup {
        backend: Some(backend),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 7,
        }),
        env: vec![("ZQ_HTTP__FORM_CAPTCHA_AFTER".into(), "2".into())],
        ..Default::default()
    })
    .await;
    let h = host("jb");
    for n in 0..2 {
        let page = app.get(&h, "/forms/letter").await;
        assert!(
            !page.body.contains("验证问题"),
            "not asked within the quota"
        );
        let r = letter(&app, &format!("第{n}封"), &[], &page).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    // The third is shown again, typed text kept, with the question.
    let page = app.get(&h, "/forms/letter").await;
    let refused = letter(&app, "第三封", &[], &page).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("请回答验证问题") && refused.body.contains("第三封"));
    assert!(
        refused.body.contains("for=\"captcha_answer\"")
            && refused.body.contains("inputmode=\"numeric\"")
    );
    let sum = answer(&refused.body);
    let sig = hidden(&refused.body, "captcha");
    let wrong = (sum + 1).to_string();
    let again = letter(
        &app,
        "第三封",
        &[("captcha", &sig), ("captcha_answer", &wrong)],
        &refused,
    )
    .await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("验证问题回答不正确"));
    // The first question's right answer and signature, posted with another form: refused.
    let misplaced = letter(
        &app,
        "第三封",
        &[("captcha", &sig), ("captcha_answer", &sum.to_string())],
        &again,
    )
    .await;
    assert_eq!(misplaced.status, 422, "an answer fits its own form only");
    let page = misplaced;
    let wide: String = answer(&page.body)
        .to_string()
        .chars()
        .map(|d| char::from_u32(d as u32 - '0' as u32 + '０' as u32).unwrap())
        .collect();
    let sig = hidden(&page.body, "captcha");
    let taken = letter(
        &app,
        "第三封",
        &[("captcha", &sig), ("captcha_answer", &wide)],
        &page,
    )
    .await;
    assert_eq!(taken.status, 200, "{}", taken.body);
    assert!(taken.body.contains("query-code"));
    // The query form (which opens no case) is never asked.
    let query = app.get(&h, "/forms/query").await;
    assert!(!query.body.contains("验证问题"));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_its_quota_an_address_answers_a_verification_question_on_sqlite() {
    flow(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_its_quota_an_address_answers_a_verification_question_on_postgres() {
    flow(Backend::Postgres).await;
}
