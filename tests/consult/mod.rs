//! Public participation over HTTP (征集调查访谈), on SQLite and PostgreSQL with a manual clock:
//! a survey takes one response per browser (its voter cookie) and shows its results only once
//! it has closed by the clock (the job drops the cached page), with the export as CSV; a
//! solicitation's comments appear once approved, and its outcome after it ends; an interview
//! takes questions before it starts, shows the guests' answers at once, and closing it keeps
//! the transcript as an article submitted for review and turns the unanswered questions into
//! cases with a 5-working-day clock their askers follow with the query code shown when they
//! asked; drafts are not public and the console drives the same steps.

mod console;
mod interview;
mod public;

use serde_json::{Value, json};
use zq_tests::{Backend, Resp, Setup, TestApp, hidden, host};

use console::console_flow;
use interview::interview_flow;
use public::{solicitation_flow, survey_flow};

/// 09:00 Beijing time on `day`.
pub(super) fn beijing_morning(day: &str) -> chrono::DateTime<chrono::Utc> {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    zq_domain::time::beijing_midnight(d) + chrono::Duration::hours(9)
}

/// A small demo cluster on a manual clock at Monday 2026-11-02, 09:00 Beijing time.
pub(super) async fn app(backend: Backend) -> TestApp {
    TestApp::setup(Setup {
        backend: Some(backend),
        demo: Some(zq_tests::DemoOptions {
            news_articles: 1,
            seed: 7,
        }),
        clock: Some(beijing_morning("2026-11-02")),
        ..Default::default()
    })
    .await
}

/// Opens participation form `form` for consultation `item` of jb (with `cookie`, if any) and
/// posts `fields` with its token.
pub(super) async fn post(
    app: &TestApp,
    form: &str,
    item: i64,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
) -> Resp {
    let h = host("jb");
    let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
    let page = app
        .get_with(&h, &format!("/forms/{form}?item={item}"), &headers)
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let token = hidden(&page.body, "token");
    let item = item.to_string();
    let mut all = vec![("token", token.as_str()), ("item", item.as_str())];
    all.extend_from_slice(fields);
    app.post_form(&h, &format!("/forms/{form}"), &all, &headers)
        .await
}

pub(super) async fn create(app: &TestApp, secret: &str, body: Value) -> i64 {
    let (s, c) = app
        .api(secret, "POST", "/api/v1/sites/jb/consultations", Some(body))
        .await;
    assert_eq!(s, 201, "{c}");
    c["id"].as_i64().unwrap()
}

pub(super) async fn step(
    app: &TestApp,
    secret: &str,
    id: i64,
    step: &str,
    text: Option<&str>,
) -> (u16, Value) {
    app.api(
        secret,
        "POST",
        &format!("/api/v1/sites/jb/consultations/{id}/{step}"),
        text.map(|t| json!({ "text": t })),
    )
    .await
}

pub(super) async fn page(app: &TestApp, segment: &str, id: i64) -> Resp {
    app.get(&host("jb"), &format!("/hudong/{segment}/{id}.html"))
        .await
}

macro_rules! both {
    ($($name:ident => $flow:ident;)+) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = super::app(zq_tests::Backend::Sqlite).await;
                    super::$flow(&app).await;
                    app.finish().await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = super::app(zq_tests::Backend::Postgres).await;
                    super::$flow(&app).await;
                    app.finish().await;
                }
            )+
        }
    };
}

both! {
    a_survey_takes_one_response_per_browser_and_shows_results_once_closed => survey_flow;
    solicitation_comments_show_once_approved_and_the_outcome_after_it_ends => solicitation_flow;
    an_interview_answers_live_and_its_unanswered_questions_become_cases => interview_flow;
    the_console_drafts_publishes_and_refuses_stale_steps_of_consultations => console_flow;
}
