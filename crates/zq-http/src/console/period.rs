//! The statistics pages' period (统计周期): a named one (`2026`, `2026-Q3`, `2026-11`; this
//! year when none is given) or a custom range of days, turned into the UTC range the services
//! count over, the label the page shows, and the query string its links (CSV) carry. Shared by
//! 报送统计与排名 and 发稿统计.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::AppState;
use crate::service::{format_local, parse_local, parse_period};

/// What a query value keeps as it is: letters, digits and `-` (dates stay readable).
const QUERY: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-');

/// What a statistics page was asked for.
#[derive(Debug, Deserialize, Default, Clone)]
pub(crate) struct PeriodQuery {
    pub(crate) period: Option<String>,
    /// A custom range: both dates (inclusive), instead of a period.
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
    /// `csv` for the export.
    pub(crate) format: Option<String>,
    /// How a ranking is ordered (`score`, else by adoptions).
    pub(crate) order: Option<String>,
}

/// The period understood.
pub(crate) struct Period {
    /// The range, or why it could not be read (in Chinese).
    pub(crate) range: Result<(DateTime<Utc>, DateTime<Utc>), String>,
    pub(crate) label: String,
    /// The named period as typed (or this year), for the form.
    pub(crate) period: String,
    /// `period=…` or `from=…&to=…`, for links to the same figures.
    pub(crate) query: String,
}

/// Day `s` (`YYYY-MM-DD`) at Beijing midnight, or the midnight after it (`end`).
pub(crate) fn day(s: &Option<String>, end: bool) -> Option<DateTime<Utc>> {
    let d = s.as_deref().map(str::trim).filter(|d| !d.is_empty())?;
    let t = parse_local(&format!("{d}T00:00")).ok()??;
    Some(if end {
        t + chrono::Duration::days(1)
    } else {
        t
    })
}

impl PeriodQuery {
    /// The period asked for; `api_style`: a custom range's query as the API reads it
    /// (`from=…T00:00&to=…T23:59:59`), else as the console's form sends it.
    pub(crate) fn period(&self, state: &AppState, api_style: bool) -> Period {
        let enc = |v: &str| percent_encoding::utf8_percent_encode(v, QUERY).to_string();
        let period = self
            .period
            .clone()
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| format_local(state.services().now(), false)[..4].to_owned());
        match day(&self.from, false).zip(day(&self.to, true)) {
            Some(r) => {
                let (f, t) = (
                    self.from.clone().unwrap_or_default(),
                    self.to.clone().unwrap_or_default(),
                );
                let query = if api_style {
                    format!(
                        "from={}&to={}",
                        enc(&format!("{f}T00:00")),
                        enc(&format!("{t}T23:59:59"))
                    )
                } else {
                    format!("from={}&to={}", enc(f.trim()), enc(t.trim()))
                };
                Period {
                    range: Ok(r),
                    label: format!("{f} 至 {t}"),
                    period,
                    query,
                }
            }
            None => Period {
                range: parse_period(&period),
                label: period.clone(),
                query: format!("period={}", enc(&period)),
                period,
            },
        }
    }
}

/// The status of a statistics page: 422 when what was asked could not be counted.
pub(crate) fn status_of(error: &Option<String>) -> axum::http::StatusCode {
    if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    }
}
