//! The inspection pages of the console: a site's 网站检查 (every indicator with its rule, value,
//! threshold and evidence, each piece of evidence linked to where it is fixed) and the office's
//! scorecard of every site (集群管理 → 网站检查) with its CSV. The figures are computed live by
//! `crate::service::inspection`; these handlers only shape them.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use zq_domain::inspection::{Evidence, Indicator, Score, Status, Weight};
use zq_render::ConsolePage;
use zq_render::console_view::{
    BonusRow, BonusView, EvidenceRow, IndicatorRow, InspectionView, ScoreRow, ScorecardView,
    TrendWeek,
};

pub(crate) mod lexicon;

use super::BASE;
use super::admin::admin_frame;
use super::frame::{ConsoleCaller, PageError, PageResult, html, site_frame};
use crate::AppState;
use crate::service::format_local;
use crate::service::inspection::{self, SiteReport};

/// Where a piece of evidence is fixed, under the site's console pages.
fn evidence_url(site_base: &str, public: &str, object: &str) -> Option<String> {
    let (kind, id) = object.split_once(':').unwrap_or((object, ""));
    Some(match kind {
        "column" => format!("{site_base}/columns#column-{id}"),
        "case" => format!("{site_base}/cases/{id}"),
        "article" => format!("{site_base}/articles/{id}"),
        "settings" => format!("{site_base}/settings"),
        "mailboxes" => format!("{site_base}/mailboxes"),
        "home" => public.to_owned(),
        "reporting" => format!("{site_base}/reporting/inbox"),
        "site" => format!("{BASE}/sites/{id}/inspection"),
        _ => return None,
    })
}

fn evidence_row(site_base: &str, public: &str, e: &Evidence) -> EvidenceRow {
    EvidenceRow {
        what: e.what.clone(),
        detail: e.detail.clone(),
        url: evidence_url(site_base, public, &e.object),
    }
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Warn => "warn",
        Status::Fail => "fail",
        Status::NotAvailable => "not_available",
    }
}

fn indicator_row(site_base: &str, public: &str, i: &Indicator) -> IndicatorRow {
    IndicatorRow {
        name: i.name.to_owned(),
        weight_label: match i.weight {
            Weight::Veto => "单项否决",
            Weight::Scored => "扣分项",
        }
        .to_owned(),
        rule: i.rule.to_owned(),
        status: status_class(i.status).to_owned(),
        status_label: i.status.label().to_owned(),
        value: i.value.clone(),
        threshold: i.threshold.clone(),
        evidence: i
            .evidence
            .iter()
            .map(|e| evidence_row(site_base, public, e))
            .collect(),
    }
}

/// The portal's bonus as its page shows it.
fn bonus_view(site_base: &str, public: &str, score: &Score) -> Option<BonusView> {
    let b = score.bonus.as_ref()?;
    Some(BonusView {
        eligible: b.eligible,
        points: b.points,
        total: score.total,
        items: b
            .items
            .iter()
            .map(|i| BonusRow {
                name: i.name.to_owned(),
                rule: i.rule.to_owned(),
                points: i.points,
                max: i.max,
                value: i.value.clone(),
                evidence: i
                    .evidence
                    .iter()
                    .map(|e| evidence_row(site_base, public, e))
                    .collect(),
            })
            .collect(),
    })
}

/// The trend's weeks for a chart.
fn trend_weeks(weeks: Option<&Vec<zq_domain::inspection::trend::Week>>) -> Vec<TrendWeek> {
    weeks
        .map(|w| {
            w.iter()
                .enumerate()
                .map(|(n, w)| {
                    // 50 points and below at the bottom, 100 at the top: the range that matters.
                    let height = w.points.map_or(0, |p| {
                        u32::try_from((p - 50).clamp(1, 50)).unwrap_or(1) * 24 / 50
                    });
                    TrendWeek {
                        label: w.starts.format("%m-%d").to_string(),
                        points: w.points.map_or("—".to_owned(), |p| p.to_string()),
                        height,
                        y: 24 - height,
                        x: u32::try_from(n).unwrap_or(0) * 8,
                        vetoed: w.vetoed,
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

fn trend_label(t: &[TrendWeek]) -> String {
    let points: Vec<&str> = t.iter().map(|w| w.points.as_str()).collect();
    format!("近 {} 周得分：{}", t.len(), points.join("、"))
}

fn deductions(r: &SiteReport) -> Vec<String> {
    r.score
        .deductions
        .iter()
        .map(|d| format!("{} −{}", d.name, d.points))
        .collect()
}

/// `GET /console/sites/{code}/inspection`.
pub(crate) async fn site(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
) -> PageResult {
    let r = inspection::site_report(state.services(), &cc.caller, &code).await?;
    let trends = inspection::trends(state.services(), Some(r.tenant.id)).await?;
    let frame = site_frame(&state, &cc, &r.tenant, "inspection", None).await?;
    let public = format!("/sites/{}/", r.tenant.code);
    let bonus = bonus_view(&frame.site_base, &public, &r.score);
    let view = InspectionView {
        indicators: r
            .indicators
            .iter()
            .map(|i| indicator_row(&frame.site_base, &public, i))
            .collect(),
        frame,
        verdict: r.score.verdict().to_owned(),
        passed: r.score.passed,
        points: r.score.points,
        vetoes: r.score.vetoes.iter().map(|v| (*v).to_owned()).collect(),
        deductions: deductions(&r),
        warnings: r.score.warnings,
        bonus,
        at: format_local(state.services().now(), false),
        trend: trend_weeks(trends.get(&r.tenant.id)),
    };
    html(&state, ConsolePage::Inspection, &view)
}

/// `GET /console/admin/inspection`.
pub(crate) async fn scorecard(State(state): State<AppState>, cc: ConsoleCaller) -> PageResult {
    let rows = inspection::scorecard(state.services(), &cc.caller).await?;
    let trends = inspection::trends(state.services(), None).await?;
    let view = ScorecardView {
        frame: admin_frame(&state, &cc, "inspection", None),
        passed: rows.iter().filter(|r| r.score.passed).count(),
        vetoed: rows.iter().filter(|r| !r.score.vetoes.is_empty()).count(),
        warned: rows.iter().filter(|r| r.score.warnings > 0).count(),
        csv_url: format!("{BASE}/admin/inspection.csv"),
        xlsx_url: format!("{BASE}/admin/inspection.xlsx"),
        at: format_local(state.services().now(), false),
        rows: rows
            .iter()
            .enumerate()
            .map(|(n, r)| {
                let trend = trend_weeks(trends.get(&r.tenant.id));
                ScoreRow {
                    trend_label: trend_label(&trend),
                    trend,
                    rank: n + 1,
                    name: r.tenant.name.clone(),
                    kind_label: r.tenant.kind.label().to_owned(),
                    url: format!("{BASE}/sites/{}/inspection", r.tenant.code),
                    verdict: r.score.verdict().to_owned(),
                    passed: r.score.passed,
                    points: r.score.points,
                    vetoes: r.score.vetoes.iter().map(|v| (*v).to_owned()).collect(),
                    deductions: deductions(r),
                    warnings: r.score.warnings,
                    bonus: r.score.bonus.as_ref().map(|b| b.points),
                    total: r.score.total,
                }
            })
            .collect(),
    };
    html(&state, ConsolePage::Scorecard, &view)
}

/// `GET /console/admin/inspection.xlsx`.
pub(crate) async fn scorecard_xlsx(
    State(state): State<AppState>,
    cc: ConsoleCaller,
) -> Result<Response, PageError> {
    let rows = inspection::scorecard(state.services(), &cc.caller).await?;
    Ok((
        [
            (header::CONTENT_TYPE, crate::api::inspection::XLSX),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"inspection.xlsx\"",
            ),
        ],
        inspection::scorecard_xlsx(&rows)?,
    )
        .into_response())
}

/// `GET /console/admin/inspection.csv`.
pub(crate) async fn scorecard_csv(
    State(state): State<AppState>,
    cc: ConsoleCaller,
) -> Result<Response, PageError> {
    let rows = inspection::scorecard(state.services(), &cc.caller).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"inspection.csv\"",
            ),
        ],
        inspection::scorecard_csv(&rows),
    )
        .into_response())
}
