//! The office's own endpoints in the isolation matrix: broadcasts (应急公告), the serious-error
//! lexicon, the scorecard, the cluster's visit figures, the operations page, cases by unit and
//! the working-day calendar. No tenant role reaches any of them; the operator reads them and
//! writes nothing.

use serde_json::{Value, json};

use super::ConsoleCall;

/// Every cluster API call a tenant role might try.
pub(super) fn api_calls() -> Vec<(&'static str, String, Option<Value>)> {
    vec![
        ("GET", "/api/v1/broadcasts".into(), None),
        (
            "POST",
            "/api/v1/broadcasts".into(),
            Some(
                json!({"kind": "notice", "level": "red", "title": "越权公告", "text": "x", "sites": [super::B],
                "ends_at": "2030-01-01T00:00:00Z"}),
            ),
        ),
        ("POST", "/api/v1/broadcasts/1/cancel".into(), None),
        ("GET", "/api/v1/lexicon".into(), None),
        (
            "POST",
            "/api/v1/lexicon".into(),
            Some(json!({"kind": "forbidden", "text": "越权词"})),
        ),
        ("DELETE", "/api/v1/lexicon/1".into(), None),
        ("POST", "/api/v1/lexicon/scan".into(), None),
        ("GET", "/api/v1/inspection/scorecard".into(), None),
        ("GET", "/api/v1/visits".into(), None),
        ("GET", "/api/v1/statistics".into(), None),
        ("GET", "/api/v1/cases/figures".into(), None),
        (
            "PUT",
            "/api/v1/calendar/2027".into(),
            Some(json!({"days": [{"date": "2027-01-01", "kind": "off", "note": "越权"}]})),
        ),
    ]
}

/// Every cluster console page and form a tenant role might try.
pub(super) fn console_calls() -> Vec<ConsoleCall> {
    vec![
        ("GET", "/console/admin/inspection".into(), vec![]),
        ("GET", "/console/admin/inspection.csv".into(), vec![]),
        ("GET", "/console/admin/inspection.xlsx".into(), vec![]),
        ("GET", "/console/admin/visits".into(), vec![]),
        ("GET", "/console/admin/statistics".into(), vec![]),
        ("GET", "/console/admin/search".into(), vec![]),
        (
            "POST",
            "/console/admin/search/synonyms".into(),
            vec![("words", "全站 同义词".into())],
        ),
        ("GET", "/console/admin/operations".into(), vec![]),
        ("GET", "/console/admin/cases".into(), vec![]),
        ("GET", "/console/admin/cases.csv".into(), vec![]),
        ("GET", "/console/admin/broadcasts".into(), vec![]),
        (
            "POST",
            "/console/admin/broadcasts".into(),
            vec![
                ("kind", "notice".into()),
                ("level", "red".into()),
                ("title", "越权公告".into()),
                ("text", "x".into()),
                ("ends_at", "2030-01-01T00:00".into()),
            ],
        ),
        ("POST", "/console/admin/broadcasts/1/cancel".into(), vec![]),
        ("GET", "/console/admin/lexicon".into(), vec![]),
        (
            "POST",
            "/console/admin/lexicon".into(),
            vec![("kind", "forbidden".into()), ("text", "越权词".into())],
        ),
        ("POST", "/console/admin/lexicon/scan".into(), vec![]),
        ("POST", "/console/admin/lexicon/1/delete".into(), vec![]),
        ("GET", "/console/admin/calendar".into(), vec![]),
        (
            "POST",
            "/console/admin/calendar".into(),
            vec![("year", "2026".into())],
        ),
    ]
}

/// What the cluster's broadcasts and lexicon look like, to check nothing changed.
pub(super) async fn state(app: &zq_tests::TestApp) -> String {
    format!(
        "{:?}|{:?}",
        app.store.recent_broadcasts(50).await.unwrap(),
        app.store.lexicon_terms().await.unwrap()
    )
}
