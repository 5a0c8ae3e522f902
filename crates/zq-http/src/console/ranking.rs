//! 报送统计与排名 (`GET /console/sites/{code}/reporting/ranking`): per sending unit the items
//! submitted and adopted, the rate, the time to a decision, where the adopted ones ended up
//! and the score that earns, ranked by score or by adoptions; the month-by-month trend; and
//! the units that could send here but sent nothing in the period.

use axum::extract::{Path, Query, State};
use zq_domain::access::Action;
use zq_domain::reporting::AdoptionPlace;
use zq_domain::statistics::{bar, month_label};
use zq_render::ConsolePage;
use zq_render::console_view::{Range, RankRow, RankingView, TrendMonth};

use super::frame::{ConsoleCaller, PageResult, html_status, site_frame};
use super::period::{Period, PeriodQuery};
use super::reporting::{Names, receives};
use crate::AppState;
use crate::service::{ServiceError, reporting, site};

/// The trend chart's height in pixels.
const HEIGHT: u64 = 80;

pub(crate) async fn ranking(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let t = site(state.services(), &cc.caller, &code, Action::ReadFigures).await?;
    let names = Names::load(&state).await?;
    let Period {
        range,
        label,
        period,
        query,
    } = q.period(&state, true);
    let by_score = q.order.as_deref() == Some("score");
    let (mut rows, trend, error) = match range {
        Ok((from, to)) => {
            let rows = reporting::figures(state.services(), &cc.caller, &code, from, to).await?;
            // A period too long for a monthly chart still has its ranking.
            match reporting::trend::trend(state.services(), &cc.caller, &code, from, to).await {
                Ok(trend) => (rows, Some(trend), None),
                Err(ServiceError::Invalid(_)) => (rows, None, None),
                Err(e) => return Err(e.into()),
            }
        }
        Err(e) => (Vec::new(), None, Some(e)),
    };
    if by_score {
        rows.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(b.adopted.cmp(&a.adopted))
                .then(a.unit.cmp(&b.unit))
        });
    }
    let top = rows
        .iter()
        .map(|r| if by_score { r.score } else { r.adopted })
        .max()
        .unwrap_or(0);
    let status = super::period::status_of(&error);
    let mut frame = site_frame(&state, &cc, &t, "reporting", None).await?;
    frame.error = error;
    let page = format!("{}/reporting/ranking", frame.site_base);
    let form_query = {
        let console = q.period(&state, false);
        console.query
    };
    let months = trend.as_ref().map(|t| t.months.as_slice()).unwrap_or(&[]);
    let most = months.iter().map(|m| m.1).max().unwrap_or(0);
    let width = if months.len() > 36 { 6 } else { 24 };
    let view = RankingView {
        frame,
        can_receive: receives(&t, &names),
        period,
        period_label: label,
        range: Range {
            from: q.from.clone().unwrap_or_default(),
            to: q.to.clone().unwrap_or_default(),
        },
        csv_url: format!("/api/v1/sites/{code}/reporting/figures?{query}&format=csv"),
        order: if by_score { "score" } else { "adopted" },
        by_score_url: format!("{page}?{form_query}&order=score"),
        by_adopted_url: format!("{page}?{form_query}"),
        points: AdoptionPlace::ALL
            .iter()
            .map(|p| (p.label().to_owned(), p.points()))
            .collect(),
        trend: months
            .iter()
            .enumerate()
            .map(|(i, (m, submitted, adopted))| {
                let sub_h = bar(*submitted, most, HEIGHT);
                let ad_h = bar(*adopted, most, HEIGHT);
                TrendMonth {
                    label: month_label(*m),
                    submitted: *submitted,
                    adopted: *adopted,
                    x: i as u64 * width,
                    sub_y: HEIGHT - sub_h,
                    sub_h,
                    ad_y: HEIGHT - ad_h,
                    ad_h,
                }
            })
            .collect(),
        trend_width: (months.len() as u64 * width).max(width),
        silent: trend
            .map(|t| t.silent.iter().map(|u| u.name.clone()).collect())
            .unwrap_or_default(),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, r)| RankRow {
                rank: i + 1,
                name: names.tenant(r.unit),
                submitted: r.submitted,
                adopted: r.adopted,
                rate: format!("{:.1}", r.rate),
                median: r
                    .median_decision_secs
                    .map(|s| format!("{:.1} 小时", s as f64 / 3600.0))
                    .unwrap_or_else(|| "—".into()),
                bar: bar(if by_score { r.score } else { r.adopted }, top, 100),
                headline: r.places[0],
                in_column: r.places[1],
                kept: r.places[2],
                score: r.score,
            })
            .collect(),
    };
    html_status(&state, status, ConsolePage::Ranking, &view)
}
